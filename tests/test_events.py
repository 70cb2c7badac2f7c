"""Event coding on hand-parsed sentences (analysis.events): triggers, codes, actor and target."""

import pytest

from analysis import events
from analysis.events import Chunk, Context, Mention, Parsed


def parsed(tagged: str) -> tuple[Parsed, str]:
    """A sentence written as ``word/POS/CHUNK`` items (chunks in IOB2), with its text."""
    words, pos, tags = [], [], []
    for item in tagged.split():
        word, tag, chunk = item.rsplit("/", 2)
        words.append(word)
        pos.append(tag)
        tags.append(chunk)
    text, spans = "", []
    for word in words:
        if text and word not in (",", ".", "'s"):
            text += " "
        spans.append((len(text), len(text) + len(word)))
        text += word
    chunks, kind, start = [], None, 0
    for at, tag in enumerate(tags + ["O"]):
        if kind is not None and (tag == "O" or tag.startswith("B-") or tag[2:] != kind):
            chunks.append(Chunk(kind, start, at))
            kind = None
        if at < len(tags):
            if tag == "O":
                chunks.append(Chunk("O", at, at + 1))
            elif kind is None:
                kind, start = tag[2:], at
    return Parsed(words, spans, pos, chunks), text


RUSSIA = dict(actor="Russia", actor_id="state:RU", actor_type="state", country="RU", method="name")
UKRAINE = dict(actor="Ukraine", actor_id="state:UA", actor_type="state", country="UA", method="name")


def test_category_table_maps_codes_by_longest_start():
    assert events.category_of("1951") == "military_strike"
    assert events.category_of("192") == "ground_movement"
    assert events.category_of("163") == "sanctions"
    assert events.category_of("0874") == "ground_movement"
    assert events.category_of("010") is None          # "said" is no development by itself
    assert events.category_of("112") == "statement"
    assert events.category_of("190", "KILL") == "casualties"
    assert events.category_of(None) is None


def test_subject_object_and_armed_forces_of_a_state():
    p, text = parsed("Russian/JJ/B-NP troops/NNS/I-NP entered/VBD/B-VP the/DT/B-NP town/NN/I-NP of/IN/B-PP "
                     "Vovchansk/NNP/B-NP ./././O")
    mentions = [Mention(0, 1, **{**RUSSIA, "method": "demonym"}),
                Mention(5, 6, "Vovchansk", "place:vovchansk", "place", "UA", "name")]
    found = events.code_sentence(p, text, mentions)
    assert [(e.category, e.actor, e.target) for e in found] == [
        ("ground_movement", "Russian Armed Forces", "Vovchansk")]
    assert found[0].cameo == "192"


def test_passive_agent_is_the_actor_and_subject_the_target():
    p, text = parsed("The/DT/B-NP bridge/NN/I-NP was/VBD/B-VP destroyed/VBN/I-VP by/IN/B-PP Ukrainian/JJ/B-NP "
                     "drones/NNS/I-NP ./././O")
    mentions = [Mention(5, 6, **{**UKRAINE, "method": "demonym"})]
    found = events.code_sentence(p, text, mentions)
    assert len(found) == 1
    event = found[0]
    assert (event.category, event.actor, event.target) == ("military_strike", "Armed Forces of Ukraine", "bridge")
    assert event.cameo == "195"    # drones: aerial weapons


def test_reported_speech_pronoun_takes_the_speaker_state():
    p, text = parsed("Russia/NNP/B-NP said/VBD/B-VP it/PRP/B-NP had/VBD/B-VP captured/VBN/I-VP five/CD/B-NP "
                     "villages/NNS/I-NP ./././O")
    found = events.code_sentence(p, text, [Mention(0, 1, **RUSSIA)])
    assert [(e.category, e.actor) for e in found] == [("ground_movement", "Russian Armed Forces")]
    assert found[0].cameo == "192"      # "captured ... villages": the dictionary's pattern


def test_we_in_a_quote_is_the_speakers_state():
    p, text = parsed("We/PRP/B-NP have/VBP/B-VP supplied/VBN/I-VP defensive/JJ/B-NP weapons/NNS/I-NP "
                     "to/TO/B-PP Ukraine/NNP/B-NP ./././O")
    context = Context(speaker="Liz Truss", speaker_country="GB", speaker_type="person")
    found = events.code_sentence(p, text, [Mention(6, 7, **UKRAINE)], context=context)
    assert [(e.category, e.actor, e.target) for e in found] == [("military_aid", "United Kingdom", "Ukraine")]


def test_unnamed_violent_actor_is_taken_from_the_articles_last_one():
    context = Context()
    p, text = parsed("Russian/JJ/B-NP missiles/NNS/I-NP struck/VBD/B-VP Kyiv/NNP/B-NP ./././O")
    kyiv = Mention(3, 4, "Kyiv", "place:kyiv", "place", "UA", "name")
    first = events.code_sentence(p, text, [Mention(0, 1, **{**RUSSIA, "method": "demonym"}), kyiv], context=context)
    assert [(e.category, e.actor, e.target, e.cameo) for e in first] == [
        ("military_strike", "Russian Armed Forces", "Kyiv", "195")]
    p, text = parsed("An/DT/B-NP apartment/NN/I-NP block/NN/I-NP was/VBD/B-VP destroyed/VBN/I-VP ./././O")
    second = events.code_sentence(p, text, [], context=context)
    assert [(e.category, e.actor, e.target) for e in second] == [
        ("military_strike", "Russian Armed Forces", "apartment block")]


def test_dictionary_pattern_without_code_reports_no_event():
    p, text = parsed("Two/CD/B-NP people/NNS/I-NP were/VBD/B-VP killed/VBN/I-VP in/IN/B-PP a/DT/B-NP "
                     "car/NN/I-NP accident/NN/I-NP ./././O")
    assert events.code_sentence(p, text, []) == []


def test_reporting_verbs_and_non_verbs_give_no_event():
    p, text = parsed("The/DT/B-NP minister/NN/I-NP said/VBD/B-VP the/DT/B-NP attack/NN/I-NP "
                     "report/NN/I-NP was/VBD/B-VP long/JJ/B-ADJP ./././O")
    assert events.code_sentence(p, text, []) == []


def test_nominal_trigger_possessor_and_target():
    p, text = parsed("Russia/NNP/B-NP 's/POS/B-NP strikes/NNS/I-NP on/IN/B-PP Kharkiv/NNP/B-NP "
                     "continued/VBD/B-VP ./././O")
    p.chunks[0] = Chunk("NP", 0, 3)
    p.chunks.pop(1)
    p.chunk_of = []
    p.__post_init__()
    mentions = [Mention(0, 1, **RUSSIA), Mention(4, 5, "Kharkiv", "place:kharkiv", "place", "UA", "name")]
    found = events.code_sentence(p, text, mentions, nominal=[("military_strike", "190", 2, 3)])
    assert [(e.category, e.actor, e.target, e.how) for e in found] == [
        ("military_strike", "Russian Armed Forces", "Kharkiv", "phrase")]


def test_nominal_object_of_a_light_verb_takes_its_subject():
    p, text = parsed("Russia/NNP/B-NP launched/VBD/B-VP a/DT/B-NP surprise/NN/I-NP attack/NN/I-NP on/IN/B-PP "
                     "the/DT/B-NP Kharkiv/NNP/I-NP region/NN/I-NP ./././O")
    mentions = [Mention(0, 1, **RUSSIA), Mention(7, 9, "Kharkiv", "place:kharkiv", "place", "UA", "name")]
    found = events.code_sentence(p, text, mentions, nominal=[("military_strike", "190", 4, 5)])
    strike = [e for e in found if e.how == "phrase"]
    assert [(e.actor, e.target) for e in strike] == [("Russian Armed Forces", "Kharkiv")]


@pytest.mark.parametrize("words,code", [("missiles hit the city", "195"), ("artillery pounded the town", "194"),
                                        ("troops attacked the town", "190")])
def test_fights_are_refined_by_their_weapons(words, code):
    assert events.refine_code("190", "military_strike", words.split()) == code


def test_every_trigger_word_is_a_verb_form():
    words = events.trigger_words()
    assert {"shelled", "captured", "deployed", "urged", "sanctioned", "fled"} <= words
    assert "said" not in words and "the" not in words


# --------------------------------------------------------------------------------------------
# Which sentences are parsed (code_sentences on the shipped tagger and chunker)
# --------------------------------------------------------------------------------------------

def _sentences(texts: list[str], mentions_of: dict[int, list[tuple[str, dict]]] | None = None) -> list:
    """Sentences of one article, one after another; mentions given by their words."""
    out, at = [], 0
    for k, text in enumerate(texts):
        mentions = []
        for words, actor in (mentions_of or {}).get(k, []):
            begin = text.index(words)
            mentions.append({**actor, "start": at + begin, "end": at + begin + len(words)})
        out.append(events.Sentence(text, at, [], mentions))
        at += len(text) + 1
    return out


_WAR = ["Russian troops shelled the city again on Monday.", "The war has forced thousands to flee.",
        "Ukraine's army said the attack was repelled."]
_HIT = "If Russia was to hit in the coming days, the cost will be huge."


def test_a_verb_of_many_senses_is_read_without_a_conflict_word_only_in_an_article_about_war():
    alone = _sentences([_HIT], {0: [("Russia", RUSSIA)]})
    assert events.code_sentences([alone]) == [[[]]]
    war = _sentences(_WAR + [_HIT], {3: [("Russia", RUSSIA)]})
    coded = events.code_sentences([war])[0][3]
    assert [(e.category, e.actor, _HIT[e.trigger[0]:e.trigger[1]]) for e in coded] == [
        ("military_strike", "Russian Armed Forces", "hit")]


def test_business_news_with_a_violent_sense_of_a_verb_is_not_parsed(monkeypatch):
    seen = []
    real = events.code_sentence
    monkeypatch.setattr(events, "code_sentence", lambda parsed, *a, **k: seen.append(parsed.words) or real(parsed, *a, **k))
    firm = dict(actor="Cairn Energy", actor_id="org:cairn", actor_type="organization", country="GB", method="name")
    texts = ["Cairn's shares were hit in December following a disappointing drilling update.",
             "The firm struggled to compete against larger rivals."]
    assert events.code_sentences([_sentences(texts, {0: [("Cairn", firm)]})]) == [[[], []]]
    assert seen == []


def test_the_word_test_before_the_parse_drops_only_verbs_that_cannot_hold(monkeypatch):
    texts = _WAR + [_HIT, "Officials discussed the plan with Kyiv.", "Talks were held by the ministers.",
                    "They will send more weapons to Ukraine.", "A bridge was destroyed overnight.",
                    "The decision was backed by Germany and France.", "Prices were hit by the war."]
    mentions = {3: [("Russia", RUSSIA)], 4: [("Kyiv", dict(UKRAINE, actor_type="place"))],
                6: [("Ukraine", UKRAINE)],
                8: [("Germany", dict(actor="Germany", actor_id="state:DE", actor_type="state", country="DE",
                                     method="name"))]}
    article = _sentences(texts, mentions)
    parses = []
    real = events.code_sentence
    monkeypatch.setattr(events, "code_sentence", lambda parsed, *a, **k: parses.append(1) or real(parsed, *a, **k))
    with_test = events.code_sentences([article])
    parsed_with = len(parses)
    monkeypatch.setattr(events, "_may_hold", lambda *args: True)
    without = events.code_sentences([article])
    assert with_test == without
    assert parsed_with < len(parses) - parsed_with          # "Prices were hit by the war." is not parsed
    assert sum(len(found) for found in with_test[0]) >= 5


def test_clause_bounds_are_those_of_a_scan_from_each_token():
    def start(words, at):
        index = at - 1
        while index >= 0 and words[index].lower() not in events._OPENS_CLAUSE:
            index -= 1
        return index + 1

    def end(words, at):
        index = at
        while index < len(words) and words[index].lower() not in events._CLOSES_CLAUSE:
            index += 1
        return index

    words = "Russia said that its troops , which had advanced , took the town and shelled it ; Kyiv denied it .".split()
    p = Parsed(words, [(k, k + 1) for k in range(len(words))], ["NN"] * len(words), [])
    for at in range(len(words) + 1):
        assert events._clause_start(p, at) == start(words, at)
        assert events._clause_end(p, at) == end(words, at)
    assert events._clause_end(p, len(words) + 3) == len(words) + 3


def test_token_range_of_characters():
    p = Parsed(["Kyiv", "'s", "mayor", "said"], [(0, 4), (4, 6), (7, 12), (13, 17)], ["NNP", "POS", "NN", "VBD"], [])
    assert events._token_range(p, 0, 4) == (0, 1)
    assert events._token_range(p, 2, 9) == (0, 3)          # any overlap counts
    assert events._token_range(p, 12, 13) == (0, 0)        # the space between two tokens
    assert events._token_range(p, 13, 40) == (3, 4)


def test_a_sentence_whose_verb_triggers_are_tagged_as_nouns_is_not_chunked(monkeypatch):
    from analysis import parse
    from analysis.text import token_spans

    tagged, chunked = [], []
    real_pos, real_chunks = parse.pos_tags, parse.chunk_tags
    monkeypatch.setattr(parse, "pos_tags", lambda tokens, **k: tagged.extend(map(" ".join, tokens)) or real_pos(tokens, **k))
    monkeypatch.setattr(parse, "chunk_tags",
                        lambda tokens, pos=None, **k: chunked.extend(map(" ".join, tokens)) or real_chunks(tokens, pos, **k))
    battle = "Ukraine has won the Battle of Kyiv."
    coded = events.code_sentences([_sentences(_WAR + [battle], {3: [("Ukraine", UKRAINE)]})])[0]
    assert coded[3] == []
    assert "Ukraine has won the Battle of Kyiv ." in tagged                  # read for verbs, tagged...
    assert not any("Battle" in sentence for sentence in chunked)            # ...and not chunked
    assert any("shelled" in sentence for sentence in chunked)
    # chunked and coded in full, the sentence gives no event either
    spans = token_spans(battle)
    words = [battle[b:e] for b, e in spans]
    pos, chunk_tags = parse.parse_columns([words])
    full = Parsed(words, spans, pos[0], [events.Chunk(*c) for c in parse.chunk_spans(chunk_tags[0])])
    mention = events.Mention(0, 1, UKRAINE["actor"], UKRAINE["actor_id"], "state", "UA", "name")
    assert events.code_sentence(full, battle, [mention]) == []


def test_an_infinitive_of_force_is_done_by_the_subject_of_the_verb_it_depends_on():
    p, text = parsed("Putin/NNP/B-NP has/VBZ/B-VP not/RB/I-VP made/VBN/I-VP a/DT/B-NP decision/NN/I-NP "
                     "about/IN/B-PP whether/IN/O to/TO/B-VP invade/VB/I-VP Ukraine/NNP/B-NP ./././O")
    putin = Mention(0, 1, "Vladimir Putin", "person:putin", "person", "RU", "surname")
    found = events.code_sentence(p, text, [putin, Mention(10, 11, **UKRAINE)])
    assert [(e.category, e.actor, e.target) for e in found] == [("ground_movement", "Vladimir Putin", "Ukraine")]
    # the noun of an attempt with a name in it is whose attempt it is: no climbing to "repelled"
    p, text = parsed("Ukrainian/JJ/B-NP forces/NNS/I-NP repelled/VBD/B-VP Russian/JJ/B-NP attempts/NNS/I-NP "
                     "to/TO/B-VP advance/VB/I-VP ./././O")
    span = events.subject_of(p, 3, control=True)
    assert span == (3, 5)
    # "in a position to attack": the clause's subject attacks
    p, text = parsed("They/PRP/B-NP are/VBP/B-VP in/IN/B-PP a/DT/B-NP position/NN/I-NP to/TO/B-VP "
                     "attack/VB/I-VP ./././O")
    assert events.subject_of(p, 4, control=True) == (0, 1)
    assert events.subject_of(p, 4) == (3, 5)          # without control, the phrase before it


def test_a_state_act_named_by_a_noun_is_the_states_and_its_actor_stands_outside_the_trigger():
    p, text = parsed("the/DT/B-NP prospect/NN/I-NP of/IN/B-PP a/DT/B-NP Russian/JJ/I-NP invasion/NN/I-NP "
                     "of/IN/B-PP Ukraine/NNP/B-NP ./././O")
    mentions = [Mention(4, 5, **{**RUSSIA, "method": "demonym"}), Mention(7, 8, **UKRAINE)]
    found = events.code_sentence(p, text, mentions, nominal=[("ground_movement", "190", 1, 6)])
    assert [(e.actor, e.target) for e in found] == [("Russia", "Ukraine")]


def test_an_unnamed_army_after_a_person_of_violence_is_that_persons_country_army():
    context = Context(last_violent="Vladimir Putin", last_violent_country="RU")
    p, text = parsed("Huge/JJ/B-NP numbers/NNS/I-NP of/IN/B-PP troops/NNS/B-NP attacked/VBD/B-VP "
                     "the/DT/B-NP town/NN/I-NP ./././O")
    found = events.code_sentence(p, text, [], context=context)
    assert [(e.category, e.actor) for e in found] == [("military_strike", "Russian Armed Forces")]


def test_a_strike_inside_a_named_country_is_on_it():
    p, text = parsed("Ukrainian/JJ/B-NP drones/NNS/I-NP struck/VBD/B-VP targets/NNS/B-NP inside/IN/B-PP "
                     "Russia/NNP/B-NP ./././O")
    found = events.code_sentence(p, text, [Mention(0, 1, **{**UKRAINE, "method": "demonym"}), Mention(5, 6, **RUSSIA)])
    assert [(e.category, e.actor, e.target) for e in found] == [
        ("military_strike", "Armed Forces of Ukraine", "Russia")]


def test_a_coordinated_verb_shares_the_subject_of_the_first():
    p, _ = parsed("Russian/JJ/B-NP forces/NNS/I-NP entered/VBD/B-VP the/DT/B-NP city/NN/I-NP and/CC/O "
                  "seized/VBD/B-VP the/DT/B-NP station/NN/I-NP ./././O")
    assert events.subject_of(p, 4) == (0, 2)        # not "the city"
    # a participle after "and" is no second verb of the subject; a subject of its own is kept
    p, _ = parsed("Russian/JJ/B-NP forces/NNS/I-NP shelled/VBD/B-VP Bakhmut/NNP/B-NP and/CC/O "
                  "surrounding/VBG/B-VP settlements/NNS/B-NP ./././O")
    assert events._coordinated_with(p, 4) is None
    p, _ = parsed("Russia/NNP/B-NP shelled/VBD/B-VP Kharkiv/NNP/B-NP and/CC/O Ukraine/NNP/B-NP "
                  "returned/VBD/B-VP fire/NN/B-NP ./././O")
    assert events._coordinated_with(p, 5) is None and events.subject_of(p, 5) == (4, 5)


def test_a_possessors_phrase_goes_with_the_subject_it_is_part_of():
    p, _ = parsed("leaders/NNS/B-NP of/IN/B-PP the/DT/B-NP G7/NNP/I-NP group/NN/I-NP of/IN/B-PP the/DT/B-NP "
                  "world/NN/I-NP 's/POS/B-NP richest/JJS/I-NP nations/NNS/I-NP began/VBD/B-VP talks/NNS/B-NP")
    assert events.subject_of(p, 6) == (0, 11)


def test_a_pronouns_antecedent_in_the_sentence_comes_before_it():
    p, text = parsed("They/PRP/B-NP will/MD/B-VP send/VB/I-VP military/JJ/B-NP aid/NN/I-NP to/TO/B-PP "
                     "Kyiv/NNP/B-NP ./././O")
    context = Context(last_subject=Mention(0, 1, "G7", "org:g7", "organization", None, "name"))
    found = events.code_sentence(p, text, [Mention(6, 7, **{**UKRAINE, "method": "metonym"})], context=context)
    assert [(e.category, e.actor, e.target) for e in found] == [("military_aid", "G7", "Ukraine")]


def test_an_object_stands_in_the_verbs_own_clause():
    p, _ = parsed("they/PRP/B-NP are/VBP/B-VP in/IN/B-PP a/DT/B-NP position/NN/I-NP to/TO/B-VP attack/VB/I-VP "
                  "imminently/RB/B-ADVP ,/,/O but/CC/O he/PRP/B-NP can/MD/B-VP change/VB/I-VP his/PRP$/B-NP "
                  "mind/NN/I-NP")
    # as the chunker gives them: no chunks of their own for the comma and "but"
    p = Parsed(p.words, p.spans, p.pos, [c for c in p.chunks if c.kind != "O"])
    assert [p.chunks[k].kind for k in (4, 5, 6)] == ["VP", "ADVP", "NP"]
    assert events.object_of(p, 4) is None
    p, _ = parsed("Russia/NNP/B-NP shelled/VBD/B-VP Kharkiv/NNP/B-NP")
    assert events.object_of(p, 1) == (2, 3)


def test_a_participle_phrase_after_the_subject_is_not_the_subject():
    p, _ = parsed("The/DT/B-NP attack/NN/I-NP using/VBG/B-VP U.S./NNP/B-NP HIMARS/NNP/I-NP launchers/NNS/I-NP "
                  "killed/VBD/B-VP two/CD/B-NP diners/NNS/I-NP")
    assert events.subject_of(p, 3) == (0, 2)
    # with a verb before it, the phrase before the participle is another clause's
    p, _ = parsed("Russian/JJ/B-NP troops/NNS/I-NP are/VBP/B-VP fighting/VBG/I-VP around/IN/B-PP Lypove/NNP/B-NP "
                  "and/CC/O using/VBG/B-VP these/DT/B-NP areas/NNS/I-NP to/TO/B-VP advance/VB/I-VP")
    p = Parsed(p.words, p.spans, p.pos, [c for c in p.chunks if c.kind != "O"])
    assert events.subject_of(p, 6) == (8, 10)


def test_a_move_is_to_where_it_goes_and_a_withdrawal_from_where_it_leaves():
    kharkiv = dict(actor="Kharkiv", actor_id="place:kharkiv", actor_type="place", country="UA", method="name")
    kyiv = dict(actor="Kyiv", actor_id="place:kyiv", actor_type="place", country="UA", method="name")
    p, text = parsed("Russian/JJ/B-NP troops/NNS/I-NP advanced/VBD/B-VP from/IN/B-PP Kharkiv/NNP/B-NP "
                     "to/TO/B-PP Kyiv/NNP/B-NP ./././O")
    russian = Mention(0, 1, **{**RUSSIA, "method": "demonym"})
    found = events.code_sentence(p, text, [russian, Mention(4, 5, **kharkiv), Mention(6, 7, **kyiv)])
    assert [(e.category, e.target) for e in found] == [("ground_movement", "Kyiv")]
    p, text = parsed("Russian/JJ/B-NP troops/NNS/I-NP withdrew/VBD/B-VP from/IN/B-PP Kyiv/NNP/B-NP ./././O")
    found = events.code_sentence(p, text, [russian, Mention(4, 5, **kyiv)])
    assert [(e.category, e.target) for e in found] == [("ground_movement", "Kyiv")]


def test_a_thing_in_a_named_place_is_the_target_not_the_state_its_name_stands_for():
    kyiv_state = dict(actor="Ukraine", actor_id="state:UA", actor_type="state", country="UA", method="metonym")
    p, text = parsed("A/DT/B-NP Kyiv/NNP/I-NP apartment/NN/I-NP block/NN/I-NP was/VBD/B-VP destroyed/VBN/I-VP ./././O")
    found = events.code_sentence(p, text, [Mention(1, 2, **kyiv_state)])
    assert [(e.category, e.target) for e in found] == [("military_strike", "Kyiv apartment block")]
    kharkiv = dict(actor="Kharkiv", actor_id="place:kharkiv", actor_type="place", country="UA", method="name")
    p, text = parsed("Russian/JJ/B-NP forces/NNS/I-NP shelled/VBD/B-VP Kharkiv/NNP/B-NP City/NNP/I-NP ./././O")
    found = events.code_sentence(p, text, [Mention(0, 1, **{**RUSSIA, "method": "demonym"}), Mention(3, 4, **kharkiv)])
    assert [e.target for e in found] == ["Kharkiv"]          # "Kharkiv City" is the place itself


def test_the_villages_a_sentence_lists_after_a_dash_are_the_target():
    def place(name):
        return dict(actor=name, actor_id=f"place:{name.lower()}", actor_type="place", country="UA", method="tagger")
    p, text = parsed("Russian/JJ/B-NP troops/NNS/I-NP captured/VBD/B-VP five/CD/B-NP villages/NNS/I-NP in/IN/B-PP "
                     "Kharkiv/NNP/B-NP \u2014/:/O Borysivka/NNP/B-NP ,/,/O Ohirtseve/NNP/B-NP and/CC/O Pylna/NNP/B-NP "
                     "\u2014/:/O ./././O")
    mentions = [Mention(0, 1, **{**RUSSIA, "method": "demonym"}), Mention(6, 7, **place("Kharkiv")),
                Mention(8, 9, **place("Borysivka")), Mention(10, 11, **place("Ohirtseve")), Mention(12, 13, **place("Pylna"))]
    found = events.code_sentence(p, text, mentions)
    assert [(e.category, e.target) for e in found] == [("ground_movement", "Borysivka, Ohirtseve and Pylna")]
    # one name after a dash is no list
    found = events.code_sentence(p, text, mentions[:3])
    assert [e.target for e in found] == ["Kharkiv"]
