"""analysis.developments: the ledger on the seed and on hand-made sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import load_articles, sentences
from analysis.developments import CATEGORIES, developments

from conftest import SEED_GOLD, SEEDS, needs_shared

#: The seed's developments as its gold file lists them: (paragraph, category).
SEED_DEVELOPMENTS = [(2, "diplomacy"), (2, "ground_movement"), (3, "military_strike"), (3, "diplomacy"),
                     (4, "demand"), (9, "diplomacy"), (13, "ground_movement"), (14, "humanitarian"),
                     (15, "military_aid"), (17, "appeal"), (18, "casualties"), (19, "casualties"), (21, "demand"),
                     (22, "military_strike"), (23, "casualties"), (27, "military_strike"), (28, "sanctions"),
                     (30, "sanctions"), (30, "economy"), (31, "sanctions"), (32, "diplomacy"),
                     (33, "military_restriction")]


@pytest.fixture(scope="module")
def seed_ledger():
    arts = load_articles(SEEDS)
    sents = sentences(arts)
    return developments(sents, arts=arts).merge(sents[["sent_id", "para_id"]], on="sent_id")


def test_at_least_18_of_the_22_seed_developments(seed_ledger):
    found = set(zip(seed_ledger["para_id"], seed_ledger["category"]))
    assert sum(pair in found for pair in SEED_DEVELOPMENTS) >= 18
    assert set(seed_ledger["category"]) <= set(CATEGORIES)


@needs_shared("seeds", "seed_gold.yaml")
def test_gold_file_developments(seed_ledger):
    import yaml

    gold = yaml.safe_load(SEED_GOLD.read_text(encoding="utf-8"))["developments"]
    found = set(zip(seed_ledger["para_id"], seed_ledger["category"]))
    assert sum((g["paragraph"], g["category"]) in found for g in gold) >= 18


def test_casualty_figures_with_their_claimants(seed_ledger):
    casualties = seed_ledger[seed_ledger["category"] == "casualties"].set_index("para_id")
    zelensky = casualties.loc[18]
    assert (zelensky["low"], zelensky["unit"], zelensky["claimant"]) == (4500, "person", "Volodymyr Zelensky")
    kharkiv = casualties.loc[23]
    assert (kharkiv["low"], kharkiv["high"], kharkiv["claimant"], kharkiv["place"]) == (24, 99, "Anton Herashchenko",
                                                                                        "Kharkiv")
    assert kharkiv["date"] == pd.Timestamp("2022-02-28") and kharkiv["date_text"] == "February 28"


def test_hedges_dates_and_several_developments_per_sentence(seed_ledger):
    admitted = seed_ledger[(seed_ledger["para_id"] == 19)].iloc[0]
    assert admitted["hedged"] and admitted["date"] == pd.Timestamp("2022-02-27")
    thirty = seed_ledger[seed_ledger["para_id"] == 30]
    assert {"sanctions", "economy"} <= set(thirty["category"])
    assert thirty.set_index("category").loc["economy", "value"] == 20
    assert thirty.set_index("category").loc["economy", "unit"] == "percent"


def test_hand_made_ledger():
    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "published": pd.to_datetime(["2022-03-10"], utc=True),
                         "text": ["Russian missiles hit Lviv on Monday, killing at least 12 people, the mayor said. "
                                  "The claims could not be independently verified."]})
    ledger = developments(sentences(arts), arts=arts)
    first = ledger[ledger["sent_id"] == 0].set_index("category")
    assert {"military_strike", "casualties"} <= set(first.index)
    assert first.loc["casualties", "low"] == 12 and first.loc["casualties", "unit"] == "person"
    assert first.loc["casualties", "date"] == pd.Timestamp("2022-03-07")  # the Monday before publication
    assert first.loc["casualties", "place"] == "Lviv"
    assert first.loc["casualties", "claimant"] == "the mayor"


def test_no_development_no_row():
    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "text": ["The weather was mild and the sky clear."]})
    assert developments(sentences(arts)).empty


class TestOutputs:
    def test_places_with_offline_coordinates(self, seed_ledger):
        from analysis.developments import place_coordinates, places_table

        table = places_table(seed_ledger).set_index("place")
        assert table.loc["Kharkiv", "developments"] >= 3
        assert table.loc["Kharkiv", "latitude"] == pytest.approx(49.98, abs=0.05)
        assert table.loc["Kharkiv", "longitude"] == pytest.approx(36.25, abs=0.05)
        coords = place_coordinates(["Homel", "Black Sea"], countries=["BY", None]).set_index("place")
        assert coords.loc["Homel", "country"] == "BY"  # found under its alternate name (Homyel')
        assert pd.isna(coords.loc["Black Sea", "latitude"])

    def test_reported_numbers_side_by_side(self, seed_ledger):
        from analysis.developments import reported_numbers

        numbers = reported_numbers(seed_ledger)
        casualties = numbers[(numbers["category"] == "casualties") & (numbers["unit"] == "person")]
        assert {"Volodymyr Zelensky", "Anton Herashchenko"} <= set(casualties["claimant"])
        assert casualties["contested"].all()
        assert not numbers.loc[numbers["category"] == "sanctions", "contested"].any()

    def test_story_is_plain_text_in_date_order(self, seed_ledger):
        from analysis.developments import story

        lines = story(seed_ledger).splitlines()
        assert len(lines) == len(seed_ledger)
        assert lines[0].startswith("27 Feb 2022 · casualties (unverified)")
        assert any("Anton Herashchenko: " in line and "[Kharkiv]" in line for line in lines)

    def test_charts(self, seed_ledger):
        import matplotlib

        matplotlib.use("Agg")
        from analysis import charts
        from analysis.developments import places_table, reported_numbers

        ax = charts.development_timeline(seed_ledger)
        assert "casualties" in [t.get_text() for t in ax.get_yticklabels()]
        assert charts.reported_numbers_chart(reported_numbers(seed_ledger)).get_title().startswith("Reported numbers")
        assert charts.developments_per_day(seed_ledger).get_ylabel() == "developments"
        ax = charts.places_scatter(places_table(seed_ledger))
        assert "Kharkiv" in {t.get_text() for t in ax.texts} and "no map outlines" in ax.get_title()


def test_charts_with_nothing_to_draw():
    import matplotlib

    matplotlib.use("Agg")
    from analysis import charts
    from analysis.developments import places_table, reported_numbers

    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "text": ["Missiles hit the city on Monday."]})
    ledger = developments(sentences(arts), arts=arts)
    assert ledger["date"].isna().all()  # no publication date: "Monday" is not guessed
    assert not charts.places_scatter(places_table(ledger)).axison
    assert not charts.development_timeline(ledger).axison
    assert not charts.developments_per_day(ledger).axison
    charts.reported_numbers_chart(reported_numbers(ledger))


@pytest.mark.parametrize("text, absent, present", [
    ("Russian forces shelled occupied territories near Kherson.", "ground_movement", "military_strike"),
    ("Republicans have seized on the issue.", "ground_movement", None),
    ("A suspected gas explosion damaged a flat.", "military_strike", None),
    ("(Russian objective: Encircle Ukrainian troops in the east)", "ground_movement", None),
    ("Russian troops occupied the village of Robotyne on Tuesday.", None, "ground_movement"),
    ("Russia has thousands of S-300 missiles in storage.", "military_strike", None),
    ("Air defences shot down four Kalibr missiles over Odesa.", None, "military_strike"),
    ("The Russians fled the island in two speedboats.", "humanitarian", "ground_movement"),
    ("Families fled the city as shelling intensified.", None, "humanitarian"),
    ("Commanders refused to risk equipment to evacuate the wounded.", "military_aid", None),
    ("The US will send more howitzers to Ukraine.", None, "military_aid"),
    ("Russia no longer threatens its neighbours, the report says.", "statement", None),
    ("Medvedev threatened to deploy nuclear weapons in the Baltic.", None, "statement"),
    ("It controls a land corridor from Mariupol to Crimea.", "humanitarian", None),
    ("- Subordinate Main Effort\u2014Encirclement of Ukrainian troops in the cauldron", "ground_movement", None),
    ("Guards fired warning shots to prevent a stampede at the station.", "military_strike", None),
    ("There could be no more talk of a nuclear-free Baltic.", "diplomacy", None),
    ("The soldier said he was threatened with death in captivity.", "casualties", None),
    ("It violates the Convention on the Prevention and Punishment of the Crime of Genocide.", "sanctions", None),
])
def test_lexicon_senses(text, absent, present):
    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "text": [text]})
    categories = set(developments(sentences(arts))["category"])
    if absent:
        assert absent not in categories
    if present:
        assert present in categories


@pytest.mark.parametrize("text, trigger, status", [
    ("Russian artillery bombarded Kharkiv on Monday.", "bombarded", "reported"),
    ("Russian forces will likely launch a renewed assault on Kyiv.", "assault", "expected"),
    ("Russian troops attempted to advance on Dibrovne.", "advance", "attempted"),
    ("Russian forces did not advance near Bakhmut.", "advance", "not_occurred"),
    ("There were no new strikes on Kyiv overnight.", "strikes", "not_occurred"),
    ("Ukrainian officials denied that Russian forces captured the town.", "captured", "disputed"),
    ("A CNN report that Russian forces captured the town was inaccurate, officials said.", "captured", "disputed"),
    ("If Russian troops cross the river, the city will be encircled.", "cross", "conditional"),
    ("Putin said a deal was possible only if Kyiv was neutral -- demands that Kyiv dismissed.", "demands",
     "reported"),
    ("There have been no independent confirmed numbers of casualties.", "casualties", "reported"),
    ("Russian forces did not conduct operations on May 9 but continued to launch missile strikes.", "missile strikes",
     "reported"),
    ("Russian forces may launch missile strikes on Odesa.", "missile strikes", "expected"),
    ("Russian forces did not make any confirmed advances on May 12.", "advances", "not_occurred"),
    ("Russian forces remain unlikely to advance on Slovyansk.", "advance", "not_occurred"),
    ("Russian forces unsuccessfully attempted an offensive operation southeast of Izyum.", "offensive", "attempted"),
    ("The LNR claimed to have seized Novozvanivka.", "seized", "disputed"),
    ("Russian forces are setting conditions for a major offensive in the east.", "offensive", "expected"),
])
def test_status(text, trigger, status):
    from analysis.developments import status_of

    assert status_of(text, text.index(trigger)) == status


def test_seed_statuses(seed_ledger):
    unusual = seed_ledger[seed_ledger["status"] != "reported"]
    # "measures that are expected to hammer the economy"; "saying it would start blocking Americans";
    # Cavusoglu "hoped the move would keep the situation from escalating further" (a position on the war)
    assert unusual[["para_id", "category", "status"]].values.tolist() == [[28, "economy", "expected"],
                                                                          [30, "sanctions", "expected"],
                                                                          [33, "statement", "expected"]]


def test_nearest_place_and_quantity_and_cue_claimants():
    text = ("In Kharkiv, residents sheltered while Russian forces shelled Izium on Monday, the Pentagon confirmed; "
            "officials said 351 civilians were killed and 707 injured, 16 km north of Donetsk.")
    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "text": [text],
                         "published": [pd.Timestamp("2022-03-02")]})
    ledger = developments(sentences(arts), arts=arts).set_index("category")
    assert ledger.loc["military_strike", "place"] == "Izium"          # nearest the trigger, not the first place
    assert ledger.loc["military_strike", "claimant"] == "Pentagon"     # at "confirmed"
    assert (ledger.loc["casualties", "value"], ledger.loc["casualties", "unit"]) == (351, "person")


@pytest.mark.parametrize("text, claimant", [
    ("Russian forces shelled Kharkiv, according to local officials.", "local officials"),
    ("Russian forces shelled Kharkiv, according to the Ukrainian General Staff.", "Ukrainian General Staff"),
    ("We assess that Russian forces will resume the offensive on Kyiv.", "ISW"),
    ("Russian forces shelled Kharkiv on Monday.", None),
])
def test_cue_claimants(text, claimant):
    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "text": [text], "source": ["ISW"]})
    ledger = developments(sentences(arts), arts=arts)
    assert len(ledger) == 1
    assert ledger["claimant"].iloc[0] == claimant if claimant else ledger["claimant"].isna().all()


def test_distance_that_locates_a_place_is_no_movement():
    text = "Russian forces advanced 10 km toward Izium and attacked Pisky, 11 km northwest of Donetsk."
    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "text": [text]})
    ledger = developments(sentences(arts))
    moves = ledger[ledger["category"] == "ground_movement"]
    assert moves["quantity_text"].tolist() == ["10 km"]


def test_review_sample_and_scores(tmp_path, capsys):
    from analysis.evaluate import main

    out = tmp_path / "sample.csv"
    assert main(["developments-sample", str(SEEDS), "--n", "5", "--random-state", "3", "--out", str(out)]) == 0
    sample = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(sample) == 5 and {"category", "trigger", "actor", "target", "cameo", "text", "category_ok",
                                 "actor_ok", "target_ok", "claimant_ok"} <= set(sample)
    again = tmp_path / "again.csv"
    main(["developments-sample", str(SEEDS), "--n", "5", "--random-state", "3", "--out", str(again)])
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")      # reproducible
    sample["category_ok"] = ["1", "1", "0", "1", "1"]
    sample["claimant_ok"] = ["1", "0", "", "", ""]
    sample["actor_ok"] = ["1", "1", "1", "0", ""]
    sample.to_csv(out, index=False)
    capsys.readouterr()
    assert main(["developments-review", str(out)]) == 0
    printed = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in printed.splitlines()[1:]}
    assert rows["category_ok"] == ["5", "4", "0.800"]
    assert rows["claimant_ok"] == ["2", "1", "0.500"]
    assert rows["quantity_ok"] == ["0", "0", "NaN"]
    assert rows["actor_ok"] == ["4", "3", "0.750"] and rows["target_ok"] == ["0", "0", "NaN"]


class TestTriggerAnchors:
    """The prefilter: a category pattern is tried only on sentences holding one of its anchors."""

    @pytest.mark.parametrize("pattern, anchors", [
        (r"\bkill(?:ed|ing)\b|\bdead\b", {"kill", "dead"}),
        (r"\bsanction\w*|(?-i:\bpunish\w*)", {"sanction", "punish"}),     # a group with its own flags
        (r"\bno-fly zones?\b|\bmartial law\b", {"no-fly zone", "martial law"}),  # hyphens and spaces
        (r"(?<!\bnot )\bwounded\b|\b(?:air|missile) strikes?\b", {"wounded", "air", "missile"}),
        (r"\bair ?strikes\b", {"air"}),                                    # an optional space ends the word
    ])
    def test_anchors(self, pattern, anchors):
        from analysis.developments import trigger_anchors

        assert trigger_anchors(pattern) == anchors

    @pytest.mark.parametrize("pattern", [r"(?:air )?strikes", r"[Ss]helling|\bdead\b", r"\bno\b", r"\w+ fled"])
    def test_no_anchor_means_always_tried(self, pattern):
        from analysis.developments import trigger_anchors

        assert trigger_anchors(pattern) is None

    def test_every_lexicon_rule_is_anchored(self):
        from analysis.developments import _anchored_rules

        assert all(anchors for _, _, anchors in _anchored_rules())

    def test_the_prefilter_never_drops_a_match(self):
        """On the seed and on letters that case-insensitive patterns take for ASCII ones (Turkish
        dotted and dotless i, long s, Kelvin sign), every sentence a pattern matches holds an anchor."""
        from analysis.developments import _anchored_rules
        from analysis.text import fold

        texts = sentences(load_articles(SEEDS))["text"].tolist()
        texts += ["Shelling K\u0130LLED 12 people.", "Strikes k\u0131lled two.", "New \u017fanctions on banks.",
                  "A NO-FLY ZONE was declared.", "Punishment for the \u212aremlin."]
        checked = 0
        for _, pattern, anchors in _anchored_rules():
            for text in texts:
                if pattern.search(text):
                    checked += 1
                    assert any(anchor in fold(text) for anchor in anchors), (pattern.pattern[:60], text)
        assert checked > 30

    def test_searching_from_the_first_anchor_finds_the_same_first_match(self):
        """The rules are searched from their earliest anchor in the folded text; the match is the one
        a search of the whole sentence finds (an anchor inside an earlier word, a lookbehind that
        sees the words before, a letter whose lower case is longer)."""
        from analysis.developments import _anchored_rules, _lexicon_matches
        from analysis.text import fold

        texts = sentences(load_articles(SEEDS))["text"].tolist()
        texts += ["Stalkers talked; then ceasefire talks began.", "They were not wounded but others were wounded.",
                  "İstanbul hosted talks on a ceasefire.", "Unkilled, then killed: air strikes followed."]
        rules = _anchored_rules()
        found = 0
        for text in texts:
            expected = [(c, m.span()) for c, p, _a in rules if (m := p.search(text))]
            assert [(c, m.span()) for c, m in _lexicon_matches(text, fold(text), rules)] == expected, text
            found += len(expected)
        assert found > 30

    def test_folded_letters_are_read(self):
        arts = pd.DataFrame({"article_id": ["a"], "title": [None],
                             "text": ["Shelling K\u0130LLED 12 people in Kharkiv. New \u017fanctions hit banks."]})
        assert {"casualties", "sanctions"} <= set(developments(sentences(arts))["category"])


def test_recalled_history_is_flagged_and_left_out_of_counts():
    from analysis.developments import current, is_historical, reported_numbers

    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "published": pd.to_datetime(["2024-05-10"], utc=True),
                         "text": ["Some 27 million Soviet citizens were killed in the Second World War. "
                                  "Russia annexed Crimea in 2014 and shelled Kharkiv on Monday, killing two people. "
                                  "Missiles hit Kyiv on Monday, killing three people."]})
    ledger = developments(sentences(arts), arts=arts)
    flags = ledger.set_index(["sent_id", "category", "target"])["historical"]
    assert ledger[ledger["sent_id"] == 0]["category"].tolist() == ["casualties"]
    assert ledger[ledger["sent_id"] == 0]["historical"].all()
    # two acts of one sentence are two rows: the annexation of 2014 is recalled, the shelling is news
    assert flags[(1, "military_strike", "Crimea")]
    assert not flags[(1, "military_strike", "Kharkiv")] and not flags[(1, "casualties", "civilians in Kharkiv")]
    assert not ledger[ledger["sent_id"] == 2]["historical"].any()
    assert ledger["historical"].dtype == bool
    kept = current(ledger)
    assert len(kept) == len(ledger) - 2 and not kept["historical"].any()
    assert len(current(ledger, historical=True)) == len(ledger)
    figures = reported_numbers(ledger)[["value", "low", "high"]].max(axis=1)
    assert set(figures) == {2, 3}
    assert set(reported_numbers(ledger, historical=True)[["value", "low", "high"]].max(axis=1)) == {2, 3, 27_000_000}
    published = pd.Timestamp("2024-05-10")
    text = "Russian forces made small advances from where they had been pushed back nearly two years ago."
    assert not is_historical(text, text.index("advances"), text.index("advances") + 8, published, published, None)
    assert is_historical(text, text.index("pushed"), text.index("pushed") + 6, published, published, None)
    # a year counts two or more years back, and a date the clause gives counts beyond 180 days
    assert is_historical("Troops were deployed in 2022.", 12, 20, published, published, None)
    assert not is_historical("Troops were deployed on Monday and the base was built in 2022.", 12, 20, published,
                             published, None)
    assert not is_historical("Troops were deployed in 2023.", 12, 20, published, published, None)
    assert is_historical("Troops were deployed in May 2023.", 12, 20, published, pd.Timestamp("2023-05-01"),
                         "May 2023")


def _ledger(*texts):
    arts = pd.DataFrame({"article_id": [f"a{k}" for k in range(len(texts))], "title": [None] * len(texts),
                         "published": pd.to_datetime(["2024-05-20"] * len(texts), utc=True), "text": list(texts)})
    return developments(sentences(arts), arts=arts)


@pytest.fixture(scope="module")
def coded_ledger():
    return _ledger("Russian forces shelled Kharkiv on Monday, killing three civilians, the regional governor said. "
                   "Ukrainian troops recaptured the village of Robotyne. "
                   "Germany delivered 20 Leopard tanks to Ukraine. "
                   "The European Union imposed new sanctions on Russia. "
                   "A school was destroyed.").set_index(["sent_id", "category"])


class TestWhoDidWhatToWhom:
    @pytest.fixture
    def ledger(self, coded_ledger):
        return coded_ledger

    def test_columns(self, ledger):
        assert list(ledger.reset_index().columns[-8:]) == ["actor", "target", "cameo", "cameo_root", "quad_class",
                                                          "goldstein", "acled_type", "acled_subtype"]

    def test_strike_with_weapon_code_and_acled_type(self, ledger):
        row = ledger.loc[(0, "military_strike")]
        assert (row["actor"], row["target"], row["cameo"], row["cameo_root"]) == (
            "Russian Armed Forces", "Kharkiv", "194", "19")
        assert row["quad_class"] == 4 and row["goldstein"] == -10.0
        assert row["acled_type"] == "Explosions/Remote violence"

    def test_participle_takes_the_main_verbs_actor(self, ledger):
        row = ledger.loc[(0, "casualties")]
        # the victims are unnamed people, with where they were: "killing three civilians" in Kharkiv
        assert (row["actor"], row["target"], row["low"]) == ("Russian Armed Forces", "civilians in Kharkiv", 3)
        assert row["claimant"] == "the regional governor"

    def test_ground_movement_by_a_verb_the_lexicon_lacks(self, ledger):
        row = ledger.loc[(1, "ground_movement")]
        assert (row["actor"], row["target"], row["trigger"]) == ("Armed Forces of Ukraine", "Robotyne", "recaptured")
        assert row["acled_subtype"] == "Government regains territory"

    def test_aid_goes_to_the_recipient_not_the_thing_given(self, ledger):
        row = ledger.loc[(2, "military_aid")]
        assert (row["actor"], row["target"], row["cameo"]) == ("Germany", "Ukraine", "072")
        assert row["acled_type"] is None or pd.isna(row["acled_type"])

    def test_sanctions_by_and_on(self, ledger):
        row = ledger.loc[(3, "sanctions")]
        assert (row["actor"], row["target"], row["cameo"], row["quad_class"]) == ("European Union", "Russia", "163", 4)

    def test_unnamed_destroyer_is_the_articles_last_violent_actor(self, ledger):
        row = ledger.loc[(4, "military_strike")]
        assert (row["actor"], row["target"], row["cameo"]) == ("Armed Forces of Ukraine", "school", "1712")


def test_a_known_speakers_position_on_the_war_is_a_statement():
    ledger = _ledger('"Russia will pay a heavy price for this war," Joe Biden said. '
                     '"I hope the weather stays fine," Joe Biden said.')
    rows = ledger.set_index("sent_id")
    assert list(rows.index) == [0]
    assert (rows.loc[0, "category"], rows.loc[0, "actor"], rows.loc[0, "target"], rows.loc[0, "claimant"]) == (
        "statement", "Joe Biden", "Russia", "Joe Biden")


def test_a_speaker_warning_of_what_an_act_would_bring_takes_a_position_one_reporting_plans_does_not():
    ledger = _ledger('"If we saw an invasion into Ukraine, there would be severe costs," Liz Truss said. '
                     'Serhiy Haidai said that Russian forces will begin clearing the villages around Severodonetsk.')
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert rows[(0, "ground_movement")].status == "conditional"        # the trigger holds its "if"
    assert (rows[(0, "statement")].actor, rows[(0, "statement")].claimant) == ("Liz Truss", "Liz Truss")
    assert (1, "statement") not in rows and rows[(1, "other")].claimant == "Serhiy Haidai"


def test_an_attack_that_caused_casualties_is_a_strike_too_but_a_heart_attack_is_not():
    ledger = _ledger("Two men were killed by guided aerial bomb attacks on the town of Vovchansk. "
                     "The singer died of a heart attack in Kyiv.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert (rows[(0, "military_strike")].trigger, rows[(0, "military_strike")].target) == ("attacks", "Vovchansk")
    assert rows[(0, "military_strike")].cameo == "195"        # a bomb: an aerial weapon
    assert (1, "military_strike") not in rows


def test_what_a_speaker_says_a_party_must_or_should_do_is_a_demand_or_an_appeal():
    ledger = _ledger('Volodymyr Zelensky said Ukrainian troops must "return the initiative to Ukraine". '
                     '"We have to stand together against this war," Joe Biden said. '
                     '"You have to ask whether customers will like the new phones," Joe Biden said. '
                     '"The war would have to end," Joe Biden said.')
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert (rows[(0, "demand")].actor, rows[(0, "demand")].trigger) == ("Volodymyr Zelensky", "must")
    assert (1, "appeal") in rows and (1, "demand") not in rows      # what "we" must do is urged
    assert not any(key[0] in (2, 3) and key[1] in ("demand", "appeal") for key in rows)


def test_the_writers_clause_before_an_attribution_joined_by_and_is_no_ones_claim():
    ledger = _ledger('Russia has amassed 130,000 troops on the border and Liz Truss said an invasion '
                     '"could be imminent". Russian forces shelled Kharkiv, the governor said.')
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert pd.isna(rows[(0, "ground_movement")].claimant)         # the massing is the writer's
    assert rows[(1, "military_strike")].claimant == "the governor"


def test_a_displacement_of_unnamed_people_is_of_residents():
    ledger = _ledger("Russian shelling prompted mass evacuations from the Kharkiv region. "
                     "Ukraine sent humanitarian aid to Moldova.")
    rows = {(r.sent_id, r.category): r.target for r in ledger.itertuples()}
    assert rows[(0, "humanitarian")] == "residents"
    assert rows[(1, "humanitarian")] == "Moldova"        # aid has its recipient


def test_officials_in_a_capital_warn_for_its_state_against_who_might_try_to_attack():
    ledger = _ledger("Officials in Kyiv had warned for weeks that Moscow might try to attack its northeastern regions.")
    row = ledger.set_index("category").loc["statement"]
    assert (row["actor"], row["target"]) == ("Ukraine", "Russia")


def test_the_writers_assessment_of_what_comes_next_is_no_development():
    ledger = _ledger("The meeting supports ISW's assessment that Moscow will not prioritize an attack to seize "
                     "Slovyansk. ISW assessed that Russian forces captured Lyman on Saturday.")
    assert set(ledger["sent_id"]) == {1}           # what was assessed to have happened still is one


def test_a_position_is_about_another_party_than_the_speakers_own_state():
    ledger = _ledger("MINSK, 7 February (BelTA) - The West understands the futility of the war with the CSTO, "
                     "Belarusian President Alexander Lukashenko said.")
    row = ledger.set_index("category").loc["statement"]
    assert (row["actor"], row["target"]) == ("Alexander Lukashenko", "the West")


def test_a_position_on_the_war_itself_needs_no_party_but_one_on_its_means_does():
    ledger = _ledger('"Any conflict could be a long, protracted war," Joe Biden said. '
                     '"Every air-defence system saves lives," Joe Biden said. '
                     '"Our troops were not many," Joe Biden said.')
    rows = ledger.set_index("sent_id")
    assert list(rows.index) == [0]
    assert (rows.loc[0, "category"], rows.loc[0, "actor"], rows.loc[0, "claimant"], rows.loc[0, "trigger"]) == (
        "statement", "Joe Biden", "Joe Biden", "conflict")
    assert rows["target"].isna().all()


def test_attacks_and_assaults_after_a_verb_of_doing_or_going_on_are_the_event():
    ledger = _ledger("Russian forces continued sporadic assaults on Mariupol on March 13. "
                     "Ukrainian forces multiplied attacks inside Russia. "
                     "Russian forces conducted limited ground attacks near Siversk. "
                     "The minister continued his speech on the budget. "
                     "Russian forces carried out strikes on Kharkiv overnight.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert set(rows) == {(0, "ground_movement"), (1, "military_strike"), (2, "ground_movement"),
                         (4, "military_strike")}
    assert (rows[(0, "ground_movement")].actor, rows[(0, "ground_movement")].trigger) == (
        "Russian Armed Forces", "continued sporadic assaults")
    assert rows[(1, "military_strike")].trigger == "multiplied attacks"
    # the light verb codes nothing of its own: the attacks are the event; a strike is on the place,
    # a ground attack against the side Russia fights in the article (Ukraine's struck "inside Russia")
    for key, target in (((2, "ground_movement"), "Armed Forces of Ukraine"), ((4, "military_strike"), "Kharkiv")):
        assert (rows[key].actor, rows[key].target, rows[key].cameo) == ("Russian Armed Forces", target, "190")


def test_an_act_of_war_with_no_target_is_against_the_side_its_actor_fights():
    ledger = _ledger("Russian forces shelled Kharkiv on Monday. "
                     "Russian missiles were launched from bombers over the Caspian Sea. "
                     "Russian troops lined up on the border. "
                     "Russian shelling continued in Vovchansk. "
                     "Ukrainian troops carried out counterattacks in border villages.")
    rows = {(r.sent_id, r.category): r.target for r in ledger.itertuples()}
    assert rows[(0, "military_strike")] == "Kharkiv"
    assert rows[(1, "military_strike")] == "Ukraine"          # where they came from is not the target
    assert rows[(2, "ground_movement")] == "Ukraine"
    assert rows[(3, "military_strike")] == "Vovchansk"        # the place it happened in
    # a fight is against the other side's army, not in its place
    assert rows[(4, "ground_movement")] == "Russian Armed Forces"
    # with no one on the other side in the article, no target is made up
    alone = _ledger("Russian troops lined up on the border.")
    assert alone["target"].isna().all()


def test_casualties_target_is_who_died_named_or_as_unnamed_people_in_a_place():
    ledger = _ledger("Russian strikes on Kharkiv killed two men aged 50 and 48. "
                     "Other areas included the city of Cherkasy, where one person died. "
                     "Ukrainian forces killed three Russian officers in the fighting. "
                     "Rudskoi claimed 1,351 Russian servicemen have been killed and 3,825 wounded. "
                     "The singer, who died last year, was honoured.")
    rows = {r.sent_id: r.target for r in ledger[ledger["category"] == "casualties"].itertuples()}
    assert rows[0] == "civilians in Kharkiv"
    assert rows[1] == "civilians in Cherkasy"
    assert rows[2] == "Russian Armed Forces"
    assert rows[3] == "Russian Armed Forces"
    assert pd.isna(rows.get(4))                               # "last year" is no victim


def test_verbs_of_many_senses_code_nothing_alone():
    ledger = _ledger("Asked whether Russia would attack, the minister declined to comment. "
                     "Officials think the talks in Geneva were going to fail. "
                     "A restaurant called Paradise opened in Donetsk.")
    assert "appeal" not in set(ledger["category"])
    assert not ((ledger["sent_id"] == 2) & (ledger["category"] == "diplomacy")).any()


@pytest.mark.parametrize("text", [
    "Kyiv, Kharkiv, Odesa. Monday, 20 May 2024.",                                            # no verb
    "THE WEATHER WAS MILD AND THE SKY CLEAR OVER LONDON ALL WEEK.",                         # all capitals
    "Region Population Area Kyiv 2,952,301 839 Kharkiv 1,421,125 350 Odesa 1,017,699 236",  # a flattened table
    "\u0420\u043e\u0441\u0456\u0439\u0441\u044c\u043a\u0456 \u0432\u0456\u0439\u0441\u044c\u043a\u0430 "
    "\u043e\u0431\u0441\u0442\u0440\u0456\u043b\u044f\u043b\u0438 \u0425\u0430\u0440\u043a\u0456\u0432. "
    "Die Regierung hat heute in Berlin \u00fcber den Haushalt beraten.",                      # not English
    " ".join(["the weather was mild and the sky was clear over the hills"] * 200),            # 2,400 words, no stop
])
def test_bad_input_gives_no_invented_event(text):
    assert _ledger(text).empty


def test_a_run_on_sentence_keeps_its_lexicon_rows_without_a_guessed_actor():
    text = " ".join(["the weather was mild and the sky was clear over the hills"] * 100) + \
        " and Russian missiles struck Kyiv"
    ledger = _ledger(text)
    assert list(ledger["category"]) == ["military_strike"]
    assert ledger["actor"].isna().all() and ledger["cameo"].tolist() == ["190"]


def test_all_capitals_news_is_still_read():
    ledger = _ledger("RUSSIAN MISSILES STRUCK KYIV ON MONDAY, OFFICIALS SAID.")
    row = ledger.set_index("category").loc["military_strike"]
    assert row["actor"] == "Russian Armed Forces" and row["cameo"] == "195"


class TestWhoActsOnWhom:
    def test_interactions_by_category_and_quad_class(self, coded_ledger):
        from analysis.developments import interactions

        ledger = coded_ledger.reset_index()
        by_category = interactions(ledger)
        assert list(by_category.columns) == ["actor", "target", "category", "developments", "articles", "goldstein"]
        first = by_category.set_index(["actor", "target", "category"])
        assert first.loc[("Russian Armed Forces", "Kharkiv", "military_strike"), "goldstein"] == -10.0
        assert first.loc[("Germany", "Ukraine", "military_aid"), "developments"] == 1
        by_quad = interactions(ledger, by="quad_class").set_index(["actor", "target"])
        assert by_quad.loc[("Germany", "Ukraine"), "quad_class"] == "material cooperation"
        assert by_quad.loc[("European Union", "Russia"), "quad_class"] == "material conflict"
        assert len(by_category) == ledger.dropna(subset=["actor", "target"]).shape[0]
        with pytest.raises(ValueError, match="by must be"):
            interactions(ledger, by="actor")

    def test_goldstein_over_time_fills_empty_periods(self):
        from analysis.developments import goldstein_over_time

        ledger = pd.DataFrame({"date": pd.to_datetime(["2024-05-01", "2024-05-01", "2024-05-03", None]),
                               "goldstein": [-10.0, 4.0, -2.0, 3.0], "historical": [False] * 4})
        table = goldstein_over_time(ledger, freq="D")
        assert table["period"].dt.day.tolist() == [1, 2, 3]
        assert table["developments"].tolist() == [2, 0, 1]
        assert table["conflict"].tolist() == [-10.0, 0.0, -2.0] and table["cooperation"].tolist() == [4.0, 0.0, 0.0]
        assert table["balance"].tolist() == [-6.0, 0.0, -2.0] and pd.isna(table.loc[1, "mean"])
        assert goldstein_over_time(ledger.iloc[3:]).empty

    def test_charts(self, coded_ledger):
        import matplotlib

        matplotlib.use("Agg")
        from analysis import charts
        from analysis.developments import goldstein_over_time, interactions

        ledger = coded_ledger.reset_index()
        ax = charts.interaction_bars(interactions(ledger, by="quad_class"))
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert "Germany \u2192 Ukraine" in labels and ax.get_title() == "Who acts on whom"
        ax = charts.goldstein_balance(goldstein_over_time(ledger, freq="D"))
        assert ax.get_ylabel() == "sum of Goldstein values"
        empty = ledger.iloc[:0]
        assert not charts.interaction_bars(interactions(empty)).axison
        assert not charts.goldstein_balance(goldstein_over_time(empty)).axison


def test_a_mentions_table_without_country_and_method_still_codes():
    from analysis import actors

    arts = pd.DataFrame({"article_id": ["a"], "title": [None], "text": ["Russian forces shelled Kharkiv on Monday."]})
    sents = sentences(arts)
    own = actors.mentions(sents)[["article_id", "sent_id", "start", "end", "actor_id", "actor", "actor_type"]]
    row = developments(sents, mentions=own).set_index("category").loc["military_strike"]
    assert (row["actor"], row["target"]) == ("Russia", "Kharkiv")     # no country: the state, not its forces


def test_the_possessed_phrase_is_the_target_and_a_requested_things_actor_the_requester():
    ledger = _ledger("Russia said it had captured five villages in Ukraine's northeastern Kharkiv region. "
                     "President Volodymyr Zelensky made an urgent call for military aid.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    # the chunker starts a phrase at "'s": the place is the possessed region, not its country
    assert (rows[(0, "ground_movement")].actor, rows[(0, "ground_movement")].target) == (
        "Russian Armed Forces", "Kharkiv Oblast")
    # "call for" is the noun's; the aid called for is asked for by who made the call
    assert rows[(1, "demand")].actor == "Volodymyr Zelensky"
    assert rows[(1, "military_aid")].actor == "Volodymyr Zelensky"


def test_aid_received_trained_and_raids():
    ledger = _ledger("Ukraine received 20 tanks from Germany. "
                     "The UK has trained up 20,000 Ukrainian soldiers. "
                     "Evacuees received food and medical assistance. "
                     "The company received 20 complaints about food. "
                     "In Syria, Russian forces used air raids on Aleppo.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    # who received is the target; who gave, the actor
    assert (rows[(0, "military_aid")].actor, rows[(0, "military_aid")].target) == ("Germany", "Ukraine")
    assert rows[(1, "military_aid")].actor == "United Kingdom"       # a count between the verb and the troops
    assert (2, "humanitarian") in rows and rows[(2, "humanitarian")].target == "Evacuees"
    assert not [key for key in rows if key[0] == 3]                     # complaints about food are no relief
    assert rows[(4, "military_strike")].cameo == "195"


def test_a_position_is_taken_against_the_author_of_an_aggression():
    ledger = _ledger('"A Russian invasion of Ukraine would bring severe costs," Joe Biden warned. '
                     "Russian forces shelled Kharkiv on Monday. "
                     '"The world will condemn this," Joe Biden warned. '
                     '"We will defend every inch," Volodymyr Zelensky warned.')
    rows = ledger[ledger["category"] == "statement"].set_index("sent_id")
    # named as the author ("a Russian invasion"), not as its victim
    assert rows.loc[0, "target"] == "Russia"
    # named by no one: the article's last party of violence, unless it is the speaker's own side
    assert rows.loc[2, "target"] == "Russia"
    assert (ledger[(ledger["sent_id"] == 1)]["category"] == "military_strike").any()


def test_weapons_fired_are_not_the_target():
    ledger = _ledger("Some missiles were launched from Tupolev bombers over the Caspian Sea. "
                     "Russia fired ten missiles at Kyiv. "
                     "Ukrainian forces destroyed three tanks near Bakhmut.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert pd.isna(rows[(0, "military_strike")].target)
    assert rows[(1, "military_strike")].target == "Kyiv"
    assert rows[(2, "military_strike")].target in ("three tanks", "Bakhmut")     # what was destroyed is one


def test_weapons_attacks_and_unnamed_troops_are_no_actor():
    ledger = _ledger("Russian forces shelled Kharkiv on Monday. "
                     "High-precision weapons struck a training centre near Lviv. "
                     "There has been heavy fighting in the border area. "
                     "Huge numbers of troops lined up on the border. "
                     "The offensive prompted mass evacuations from the region. "
                     "Wagner fighters stormed the town.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    # nothing of these acted: the article's last party of violence did (a violent act), or no one
    for key in ((1, "military_strike"), (3, "ground_movement")):
        assert rows[key].actor == "Russian Armed Forces"
    assert [r.actor for k, r in rows.items() if k[0] == 2] in ([], ["Russian Armed Forces"])
    assert pd.isna(rows[(4, "humanitarian")].actor)
    assert rows[(5, "ground_movement")].actor != "Russian Armed Forces"        # a name of its own


def test_the_writers_forecasts_are_no_rows_and_its_doubts_hedge_them():
    ledger = _ledger("Russian forces will likely capture Mariupol in the coming week. "
                     "Russian forces are unlikely to encircle Mykolaiv. "
                     "Russian troops have likely advanced into Kodema, 13km southeast of Bakhmut. "
                     "The governor said Russian forces will likely continue shelling Kharkiv.")
    rows = ledger.set_index("sent_id")
    assert 0 not in rows.index and 1 not in rows.index
    assert rows.loc[2, "category"] == "ground_movement" and bool(rows.loc[2, "hedged"])
    # someone else's forecast is theirs to make: a row, its claimant who said it
    assert 3 in rows.index


def test_facing_and_accelerating_are_no_talks():
    ledger = _ledger("Russian forces in northeast Ukraine continue to face morale and supply issues. "
                     "Russian forces are accelerating efforts to secure occupied Mariupol.")
    assert "diplomacy" not in set(ledger["category"])


def test_a_threatened_invasion_is_an_expected_ground_movement_and_a_recalled_one_is_none():
    led = _ledger("The foreign secretary warned of the highly likely prospect of a Russian invasion of Ukraine.",
                  "Western officials say an invasion could be imminent.",
                  "Grain exports have fallen since the full-scale invasion began.")
    moves = led[led["category"] == "ground_movement"]
    assert sorted(moves["article_id"]) == ["a0", "a1"]
    first = moves[moves["article_id"] == "a0"].iloc[0]
    assert (first["actor"], first["target"]) == ("Russia", "Ukraine")


def test_a_warning_is_against_the_invader_not_the_invaded_nor_the_outlet_spoken_to():
    led = _ledger("Liz Truss said a Russian invasion of Ukraine was highly likely. "
                  "Speaking on Sky News, Truss said \"we could be on the brink of a war in Europe\". "
                  "She said: \"If there is an invasion into Ukraine, there would be severe costs.\" "
                  "Truss said \"any conflict could be a long war for the people of Ukraine\".")
    rows = {(r.sent_id, r.category): r for r in led.itertuples()}
    assert {(1, "statement"), (2, "ground_movement"), (3, "statement")} <= set(rows)
    assert rows[(1, "statement")].target == "Russia"       # not Sky News
    assert rows[(2, "ground_movement")].target == "Ukraine"
    assert rows[(3, "statement")].target == "Russia"       # Ukraine was only struck


def test_what_a_warning_or_accusation_goes_on_to_tell_is_its_speakers_claim():
    led = _ledger("Liz Truss has warned of the highly likely prospect of a Russian invasion of Ukraine.",
                  "Russian forces continued to threaten Izyum and shelled Kharkiv.")
    move = led[(led["article_id"] == "a0") & (led["category"] == "ground_movement")].iloc[0]
    assert move["claimant"] == "Liz Truss"
    strike = led[(led["article_id"] == "a1") & (led["category"] == "military_strike")]
    assert strike["claimant"].isna().all()         # an army that threatens a town does not speak


def test_each_further_act_of_a_kind_on_another_named_place_is_a_row_of_its_own():
    ledger = _ledger("Russian forces struck Zelendolsk with rockets and shelled Nikopol overnight. "
                     "Russian forces shelled Kharkiv and shelled Kharkiv again.")
    strikes = ledger[ledger["category"] == "military_strike"]
    assert sorted(strikes[strikes["sent_id"] == 0]["target"]) == ["Nikopol", "Zelendolsk"]
    assert strikes[strikes["sent_id"] == 1]["target"].tolist() == ["Kharkiv"]      # the same act twice is one


def test_a_warned_act_of_war_is_the_topic_of_the_warning_and_the_speakers_position_is_the_speakers():
    # no word of the conflict's topics but the act itself: "hit" in an "if" is a war's act
    ledger = _ledger('"If Russia was to hit in the coming days, the cost will be huge," Joe Biden said. '
                     '"This will meet with huge international condemnation," Joe Biden said. '
                     '"Those found guilty would face tough punishments," Joe Biden said. '
                     "Russian forces shelled Kharkiv. Russian troops attacked Kyiv. The war goes on.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert rows[(0, "military_strike")].status == "conditional"
    assert (rows[(0, "statement")].actor, rows[(0, "statement")].claimant) == ("Joe Biden", "Joe Biden")
    # the condemnation names no one who condemns: the speaker's words are the speaker's position
    assert rows[(1, "statement")].actor == "Joe Biden"
    # a punishment foreseen outside the conflict's topics is no warning
    assert (2, "statement") not in rows


def test_a_commentator_takes_no_position_and_a_beat_is_no_development():
    ledger = _ledger("Military expert Olivier Kempf told AFP that Russia's ground operation was aimed at a buffer "
                     "zone near the border with Ukraine. "
                     "Joe Biden said that Russia's ground operation was aimed at a buffer zone near the border "
                     "with Ukraine. "
                     "BBC diplomatic correspondent James Landale said the mood was calm. "
                     "Russia and Ukraine resumed diplomatic contacts on Monday.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert (0, "statement") not in rows and rows[(1, "statement")].actor == "Joe Biden"
    assert (2, "diplomacy") not in rows and rows[(3, "diplomacy")].trigger == "diplomatic"


def test_figures_of_speech_are_no_acts_of_war_and_troops_sent_are_deployed():
    ledger = _ledger("The reforms are destroying the credibility of the Polish judiciary. "
                     "Bad weather hit sales at Nestle in Switzerland. "
                     "Russian artillery destroyed the bridge near Kherson. "
                     "The Russian command sent 550 servicemen of the 74th Brigade to the Siverskyi Donets River. "
                     "Germany sent 20 Leopard tanks to Ukraine. "
                     "On Tuesday, Russia announced that it withdraw some of the troops from the border with Ukraine.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    assert not any(s in (0, 1) for s, _c in rows)
    assert rows[(2, "military_strike")].trigger == "destroyed"
    assert (3, "military_aid") not in rows and rows[(3, "ground_movement")].cameo == "154"
    assert rows[(4, "military_aid")].target == "Ukraine"
    # an ungrammatical "withdraw" the tagger cannot read as a verb: the phrase "withdraw ... troops" tells
    assert rows[(5, "ground_movement")].trigger == "withdraw some of the troops"


def test_targets_of_requests_aid_and_talks_are_parties():
    ledger = _ledger('Zelensky said troops must "return the initiative to Ukraine" and urged Kyiv\'s allies to speed '
                     "up arms deliveries. "
                     "The UK has trained up 20,000 Ukrainian soldiers. "
                     "G7 leaders began a three-day summit in Bavaria with the war in Ukraine top of the agenda. "
                     "Russia has warned of an invasion into Ukraine.")
    rows = {(r.sent_id, r.category): r for r in ledger.itertuples()}
    # coordinated with the verb of saying, not with the verb inside the quotation
    assert (rows[(0, "appeal")].actor, rows[(0, "appeal")].target) == ("Volodymyr Zelensky", "Ukraine's allies")
    # the aid asked for is the asker's request of the one asked
    assert (rows[(0, "military_aid")].actor, rows[(0, "military_aid")].target) == ("Volodymyr Zelensky",
                                                                                  "Ukraine's allies")
    assert rows[(1, "military_aid")].target == "Armed Forces of Ukraine"
    # a summit "with the war" is with no one
    assert pd.isna(rows[(2, "diplomacy")].target)
