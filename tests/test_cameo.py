"""analysis.cameo: the CAMEO verb dictionary, codebook names, Goldstein values, QuadClass, ACLED types."""

import pytest

from analysis import cameo
from analysis.resources import ResourceMissingError
from conftest import SHARED, needs_shared

PETRARCH = SHARED / "eval" / "petrarch_dictionaries" / "CAMEO.2.0.txt"


def _code(sentence: str, verb: str) -> str | None:
    """The code the dictionary gives ``verb`` in ``sentence`` (its longest form there)."""
    words = sentence.lower().split()
    at = words.index(verb)
    size, entry = cameo.verb_dictionary().entries(words, at)[0]
    return cameo.verb_dictionary().code(entry, words[:at], words[at + size:])[0]


class TestVerbDictionary:
    def test_patterns_refine_the_code_by_the_words_around_the_verb(self):
        assert _code("Ukraine deployed reserve troops to the front", "deployed") == "154"
        assert _code("the US sent humanitarian aid to Kyiv", "sent") == "073"
        assert _code("the US sent weapons to Kyiv", "sent") == "072"
        assert _code("Russian troops entered the town", "entered") == "192"
        assert _code("Moscow imposed sanctions on banks", "imposed") == "163"

    def test_a_verbs_own_code_applies_without_a_pattern(self):
        assert _code("Russia shelled Kharkiv", "shelled") == "190"
        assert _code("They invaded the country", "invaded") == "192"

    def test_a_null_pattern_says_the_words_report_no_event(self):
        assert _code("two men were killed in an accident", "killed") is None

    def test_phrasal_verbs_are_longest_first(self):
        words = "air defence shot down two drones".split()
        size, entry = cameo.verb_dictionary().entries(words, 2)[0]
        assert (size, entry.lemma) == (2, "shoot down")

    def test_unknown_words_have_no_entry(self):
        assert cameo.verb_dictionary().entries(["zzzq"], 0) == []

    def test_regular_forms(self):
        assert cameo._regular_forms("shell") == ["shell", "shells", "shelled", "shelling"]
        assert cameo._regular_forms("retreat")[:4] == ["retreat", "retreats", "retreated", "retreating"]
        assert "carried" in cameo._regular_forms("carry") and "evacuating" in cameo._regular_forms("evacuate")
        assert "stopped" in cameo._regular_forms("stop")

    def test_slots_drop_actor_markers_and_brackets(self):
        assert cameo._slots(["$", "(TO", "{BANNED", "PARTIES})", "+", "&MILITARY"]) == ["to", "banned", "parties",
                                                                                      "&MILITARY"]

    def test_missing_file_is_an_error_that_says_how_to_fix_it(self, monkeypatch, tmp_path):
        from analysis import config

        monkeypatch.setattr(config, "RESOURCES_DIR", tmp_path)
        cameo.verb_dictionary.cache_clear()
        try:
            with pytest.raises(ResourceMissingError, match="reinstall"):
                cameo.verb_dictionary()
        finally:
            monkeypatch.undo()
            cameo.verb_dictionary.cache_clear()

    def test_build_reads_blocks_verbs_sets_and_patterns(self, tmp_path):
        source = tmp_path / "verbs.txt"
        source.write_text(
            "# a test dictionary\n####### SYNONYM SETS #######\n&WEAPON\n+MISSILE\n+ROCKET_LAUNCHER\n\n"
            "####### VERB PATTERNS #######\n--- SEND [---] ---\nSEND {SENDS SENDING SENT }\nDEPLOY\n"
            "- * &WEAPON [072]  # SEND\n- * (IN ACCIDENT) [---] # SEND\n\n--- KILL [190] ---\nKILL\nMURDER [1823]\n",
            encoding="utf-8")
        data = cameo.build_verb_dictionary(source)
        assert data["sets"] == {"&WEAPON": [["missile"], ["rocket", "launcher"]]}
        verbs = {v["words"][0]: v for v in data["verbs"]}
        assert verbs["send"]["forms"] == ["send", "sends", "sending", "sent"] and verbs["send"]["code"] is None
        assert "deployed" in verbs["deploy"]["forms"]
        assert verbs["kill"]["code"] == "190" and verbs["murder"]["code"] == "1823"
        assert data["blocks"]["SEND"]["patterns"] == [
            {"before": [], "after": ["&WEAPON"], "code": "072", "origin": ["SEND"]},
            {"before": [], "after": ["in", "accident"], "code": None, "origin": ["SEND"]}]
        dictionary = cameo.VerbDictionary(data)
        words = "they sent rocket launchers".split()
        size, entry = dictionary.entries(words, 1)[0]
        assert dictionary.code(entry, words[:1], words[2:])[0] == "072"

    def test_build_refuses_a_file_that_is_not_a_verb_dictionary(self, tmp_path):
        other = tmp_path / "actors.txt"
        other.write_text("RUSSIA [RUS]\n", encoding="utf-8")
        with pytest.raises(ValueError, match="not a PETRARCH verb dictionary"):
            cameo.build_verb_dictionary(other)

    @pytest.mark.shared
    @needs_shared("eval", "petrarch_dictionaries", "CAMEO.2.0.txt")
    def test_the_shipped_dictionary_is_the_one_built_from_petrarch(self, tmp_path):
        rebuilt = tmp_path / "cameo_verbs.json"
        cameo.write_verb_dictionary(cameo.build_verb_dictionary(PETRARCH), rebuilt)
        from analysis.resources import resource_path

        assert rebuilt.read_bytes() == resource_path(cameo.VERBS_FILE).read_bytes()
        data = cameo.build_verb_dictionary(PETRARCH)
        assert len(data["verbs"]) > 1500 and sum(len(b["patterns"]) for b in data["blocks"].values()) > 4000


class TestCodes:
    def test_names_goldstein_and_quad_class(self):
        assert cameo.describe("195") == "Employ aerial weapons"
        assert cameo.goldstein("195") == -10.0 and cameo.goldstein("057") == 8.0 and cameo.goldstein("0874") == 10.0
        assert [cameo.quad_class(c) for c in ("042", "072", "112", "190")] == [1, 2, 3, 4]
        assert cameo.quad_class("094") == 2 and cameo.quad_class("145") == 3

    def test_none_has_no_values(self):
        assert cameo.describe(None) is None and cameo.quad_class(None) is None
        assert cameo.goldstein(None) != cameo.goldstein(None)   # NaN

    def test_every_code_has_a_root_and_values(self):
        table = cameo.code_table()
        assert len(table) == 311 and table["code"].is_unique
        assert (table["code"].str[:2] == table["root"]).all()
        assert table["goldstein"].between(-10, 10).all() and set(table["quad_class"]) == {1, 2, 3, 4}
        assert cameo.is_code("1823") and not cameo.is_code("999") and not cameo.is_code(None)


class TestAcled:
    @pytest.mark.parametrize("code, words, expected", [
        ("195", "", ("Explosions/Remote violence", "Air/drone strike")),
        ("190", "a missile strike on the city", ("Explosions/Remote violence", "Shelling/artillery/missile attack")),
        ("190", "Shahed drones hit the port", ("Explosions/Remote violence", "Air/drone strike")),
        ("190", "air defence shot down 20 drones", ("Strategic developments", "Disrupted weapons use")),
        ("193", "", ("Battles", "Armed clash")),
        ("192", "Ukrainian forces recaptured the village", ("Battles", "Government regains territory")),
        ("1823", "", ("Violence against civilians", "Attack")),
        ("181", "", ("Violence against civilians", "Abduction/forced disappearance")),
    ])
    def test_violent_codes_have_acled_types(self, code, words, expected):
        assert cameo.acled_type(code, words) == expected

    @pytest.mark.parametrize("code", ["042", "072", "163", "112", None])
    def test_other_codes_have_none(self, code):
        assert cameo.acled_type(code, "missile") == (None, None)


def test_set_slots_match_the_first_member_in_the_dictionarys_order():
    vd = cameo.verb_dictionary()

    def naive(tokens, at, slot):                 # every member tried in order, as the file lists them
        for member in vd.sets.get(slot, ()):
            if member and at + len(member) <= len(tokens) and all(
                    cameo._word_matches(tokens[at + k], w) for k, w in enumerate(member)):
                return len(member)
        return 0

    checked = 0
    for slot, members in sorted(vd.sets.items())[:60]:
        for member in members[:8]:
            for tokens in (list(member) + ["of", "troops"], [member[0] + "s", "and"], ["the"] + list(member)):
                for at in range(len(tokens)):
                    assert cameo._slot_length(tokens, at, slot, vd._set_index) == naive(tokens, at, slot)
                    checked += 1
    assert checked > 500
    assert cameo._slot_length(["humanitarian", "aid"], 0, "&NO_SUCH_SET", vd._set_index) == 0


def test_codes_the_codebook_lacks_are_read_as_their_nearest_codebook_code():
    from analysis import cameo
    assert cameo.codebook_code("176") == "170"      # PETRARCH's cyber attack
    assert cameo.codebook_code("1213") == "121"
    assert cameo.codebook_code("195") == "195"
    assert cameo.codebook_code(None) is None
    codes = {pattern.code for patterns in cameo.verb_dictionary().patterns.values() for pattern in patterns}
    assert all(code is None or cameo.is_code(code) for code in codes)
