"""analysis.actors: the gazetteer, mentions with coreference and metonymy, summaries."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import actors, load_articles, sentences

from conftest import SEED_GOLD, needs_shared

SEED_PEOPLE = ["Volodymyr Zelensky", "Vladimir Putin", "Josep Borrell", "Vladimir Medinsky", "Emmanuel Macron",
               "John Kirby", "Anton Herashchenko", "Kirill Dmitriev", "Joe Biden", "Mevlut Cavusoglu",
               "Leonid Slutsky", "Oleksiy Reznikov", "Mykhailo Podolyak", "Davyd Arakhamia"]


def sentences_of(*texts: str) -> pd.DataFrame:
    arts = pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "title": [None] * len(texts),
                         "text": list(texts)})
    return sentences(arts)


@pytest.fixture(scope="module")
def seed_mentions():
    # captions too: four of the fourteen people are named only in the photo caption
    return actors.mentions(sentences(load_articles(actors.config.seed_dir())), roles=("title", "body", "caption"))


@pytest.fixture(scope="module")
def seed_body_mentions():
    return actors.mentions(sentences(load_articles(actors.config.seed_dir())))


class TestGazetteer:
    def test_shipped_gazetteer_is_well_formed(self):
        table = actors.shipped_gazetteer()
        assert len(table) > 800 and table["actor_id"].is_unique
        assert set(table["actor_type"]) == set(actors.ACTOR_TYPES)
        russia = table.set_index("actor_id").loc["state:RU"]
        assert "Kremlin" in russia["metonyms"].split(";") and "Russian" in russia["demonyms"].split(";")

    def test_user_gazetteer_extends_and_overrides(self, tmp_path):
        extra = tmp_path / "mine.csv"
        extra.write_text("actor_id,actor,actor_type,country,role,aliases,demonyms,metonyms\n"
                         "person:olena-example,Olena Example,person,UA,mayor of Exampleville,,,\n", encoding="utf-8")
        found = actors.mentions(sentences_of("Olena Example said the shelling stopped. Example left."),
                                gazetteer=extra, tagger=False)
        assert found["actor_id"].tolist() == ["person:olena-example", "person:olena-example"]
        assert found["method"].tolist() == ["name", "surname"]

    def test_bad_gazetteer_rows_are_named(self, tmp_path):
        bad = tmp_path / "bad.csv"
        bad.write_text("actor_id,actor,actor_type,country,role,aliases,demonyms,metonyms\nx:y,Y,planet,,,,,\n",
                       encoding="utf-8")
        with pytest.raises(ValueError, match="bad.csv:2: actor_type 'planet'"):
            actors.read_gazetteer(bad)
        missing = tmp_path / "missing.csv"
        missing.write_text("actor_id,actor\nx,y\n", encoding="utf-8")
        with pytest.raises(ValueError, match="lacks the columns"):
            actors.read_gazetteer(missing)


class TestSeed:
    def test_all_14_people_under_canonical_names(self, seed_mentions):
        people = set(seed_mentions.loc[seed_mentions["actor_type"] == "person", "actor"])
        assert people == set(SEED_PEOPLE)  # all of them, and no false person

    def test_zelenskiy_body_mentions_are_one_actor(self, seed_body_mentions):
        zelensky = seed_body_mentions[seed_body_mentions["surface"] == "Zelenskiy"]
        assert len(zelensky) == 4 and set(zelensky["actor_id"]) == {"person:volodymyr-zelensky"}

    def test_states(self, seed_body_mentions):
        states = set(seed_body_mentions.loc[seed_body_mentions["actor_type"] == "state", "actor"])
        assert {"Russia", "Ukraine", "United States", "European Union", "France", "Turkey", "Belarus"} <= states

    def test_kremlin_and_moscow_resolve_to_russia(self, seed_body_mentions):
        for surface in ("Kremlin", "Moscow"):
            rows = seed_body_mentions[seed_body_mentions["surface"] == surface]
            assert len(rows) and set(rows["actor"]) == {"Russia"}, surface
            assert set(rows["method"]) == {"metonym"}

    def test_surnames_resolve_to_the_full_name(self, seed_body_mentions):
        putin = seed_body_mentions[seed_body_mentions["actor"] == "Vladimir Putin"]
        assert sorted(putin["surface"]) == ["Putin", "Vladimir Putin", "Vladimir Putin"]
        assert set(seed_body_mentions.loc[seed_body_mentions["surface"] == "Borrell", "actor"]) == {"Josep Borrell"}

    def test_offsets_point_at_the_surface(self, seed_articles, seed_mentions):
        text = seed_articles["text"].iloc[0]
        assert all(text[s:e] == surface for s, e, surface in zip(seed_mentions["start"], seed_mentions["end"],
                                                                 seed_mentions["surface"]))

    @needs_shared("seeds", "seed_gold.yaml")
    def test_gold_people_and_body_counts(self, seed_mentions, seed_body_mentions):
        import yaml

        gold = yaml.safe_load(SEED_GOLD.read_text(encoding="utf-8"))
        body = seed_body_mentions[seed_body_mentions["actor_type"] == "person"]
        counts = body.groupby("actor").size()
        for person in gold["people"]:
            assert person["name"] in set(seed_mentions["actor"])
            assert counts.get(person["name"], 0) == person["body_mentions"], person["name"]


class TestResolution:
    def test_metonym_or_place_by_context(self):
        found = actors.mentions(sentences_of("Moscow rejected the offer. Talks were held in Moscow on Monday."),
                                tagger=False)
        assert found[["surface", "actor", "actor_type"]].values.tolist() == [
            ["Moscow", "Russia", "state"], ["Moscow", "Moscow", "place"]]

    def test_transliterations_and_titles(self):
        found = actors.mentions(sentences_of(
            "Volodymyr Zelenskyy spoke as Kiev prepared. President Zelensky said Mr. Zelenskiy would stay."))
        people = found[found["actor_type"] == "person"]
        assert set(people["actor_id"]) == {"person:volodymyr-zelensky"} and len(people) == 3
        assert set(found.loc[found["surface"] == "Kiev", "actor"]) == {"Ukraine"}

    def test_demonyms_possessives_and_compounds(self):
        found = actors.mentions(sentences_of(
            "Russia's central bank raised rates near the Polish-Belarusian border, Ukrainian officials said."),
            tagger=False)
        assert found[["surface", "actor"]].values.tolist() == [
            ["Russia's central bank", "Central Bank of Russia"], ["Polish", "Poland"], ["Belarusian", "Belarus"],
            ["Ukrainian", "Ukraine"]]

    def test_acronyms_need_capitals_and_common_words_are_not_countries(self):
        found = actors.mentions(sentences_of("Who said turkey was on the menu? The WHO did, in Turkey."), tagger=False)
        assert found["actor"].tolist() == ["World Health Organization", "Turkey"]

    def test_person_found_only_by_the_tagger_gets_a_stable_id(self):
        text = "Hanna Kovalchuk, a volunteer in the town, said the bridge was gone. Kovalchuk left on Friday."
        one = actors.mentions(sentences_of(text))
        two = actors.mentions(sentences_of("Unrelated text first. " + text))
        people = one[one["actor_type"] == "person"]
        assert people["actor_id"].tolist() == ["person:hanna-kovalchuk", "person:hanna-kovalchuk"]
        assert people["method"].tolist() == ["tagger", "surname"]
        assert set(two.loc[two["actor_type"] == "person", "actor_id"]) == {"person:hanna-kovalchuk"}


class TestSummaries:
    def test_actors_table(self, seed_body_mentions):
        table = actors.actors(seed_body_mentions).set_index("actor")
        assert table.loc["Volodymyr Zelensky", "mentions"] == 4
        assert table.loc["Volodymyr Zelensky", "role"] == "President of Ukraine"
        assert table.loc["Russia", "actor_type"] == "state" and table.loc["Russia", "country"] == "RU"
        assert "Kremlin" in table.loc["Russia", "aliases"].split(";")
        assert table["mentions"].is_monotonic_decreasing

    def test_cooccurrence(self):
        found = pd.DataFrame({"article_id": ["a", "a", "a", "a", "b"], "sent_id": [0, 0, 1, 1, 0],
                              "actor_id": ["x", "y", "x", "y", "x"], "actor": ["X", "Y", "X", "Y", "X"],
                              "actor_type": ["state"] * 5})
        pairs = actors.cooccurrence(found)
        assert pairs[["actor_a", "actor_b", "weight"]].values.tolist() == [["x", "y", 2]]
        assert actors.cooccurrence(found, window="article")["weight"].tolist() == [1]
        with pytest.raises(ValueError):
            actors.cooccurrence(found, window="paragraph")

    def test_actor_sentiment(self, seed_sentences, seed_body_mentions):
        table = actors.actor_sentiment(seed_sentences, seed_body_mentions).set_index("actor")
        assert table.loc["Volodymyr Zelensky", "mentions"] == 4
        shares = table[["negative", "neutral", "positive"]].sum(axis=1)
        assert (shares.round(9) == 1).all()


def test_mixed_case_alias_of_an_acronym():
    found = actors.mentions(sentences_of("Nato allies met in Brussels. NATO said so."), tagger=False)
    assert found.loc[found["surface"].isin(["Nato", "NATO"]), "actor"].tolist() == ["NATO", "NATO"]


def test_mentions_over_time():
    arts = pd.DataFrame({"article_id": ["a0", "a1"], "title": [None, None],
                         "text": ["Russia and Ukraine met. Russia left.", "Ukraine spoke."],
                         "published": pd.to_datetime(["2022-01-10", "2022-03-02"], utc=True)})
    found = actors.mentions(sentences(arts), tagger=False)
    table = actors.mentions_over_time(found, arts, freq="month")
    russia = table[table["actor"] == "Russia"]
    assert russia["mentions"].tolist() == [2, 0, 0]
    assert table[table["actor"] == "Ukraine"]["mentions"].tolist() == [1, 0, 1]


@pytest.mark.parametrize("text, name, role", [
    ("Anton Herashchenko, an adviser to Ukraine's interior minister, said dozens died.", "Anton Herashchenko",
     "an adviser to Ukraine's interior minister"),
    ("In Ankara, Foreign Minister Mevlut Cavusoglu said Turkey would act.", "Mevlut Cavusoglu", "Foreign Minister"),
    ("Pentagon spokesman John Kirby said Russia was behind schedule.", "John Kirby", "Pentagon spokesman"),
    ("Hanna Kovalchuk, a volunteer in the town, said the bridge was gone.", "Hanna Kovalchuk", "a volunteer in the town"),
    ("Hanna Kovalchuk said the bridge was gone.", "Hanna Kovalchuk", None),
])
def test_role_from_context(text, name, role):
    start = text.index(name)
    assert actors.context_role(text, start, start + len(name)) == role


def test_tagger_person_gets_the_role_from_the_text():
    found = actors.mentions(sentences_of("Hanna Kovalchuk, a volunteer in the town, said the bridge was gone."))
    table = actors.actors(found).set_index("actor")
    assert table.loc["Hanna Kovalchuk", "role"] == "a volunteer in the town"


def test_charts_and_tagger_entry_point(seed_sentences, seed_body_mentions):
    import matplotlib

    matplotlib.use("Agg")
    from analysis import charts

    assert actors.tag_entities([["Vladimir", "Putin", "spoke", "."]]) == [["B-PER", "I-PER", "O", "O"]]
    toward = actors.actor_sentiment(seed_sentences, seed_body_mentions)
    ax = charts.actor_sentiment_bars(toward, top=5)
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == toward["actor"].iloc[0]
    summary = actors.actors(seed_body_mentions)
    assert charts.actor_bars(summary).get_title() == "Most mentioned actors by type"
    ax = charts.cooccurrence_network(actors.cooccurrence(seed_body_mentions), summary)
    assert "Volodymyr Zelensky" in {t.get_text() for t in ax.texts}


def test_the_west_is_a_bloc_but_not_the_west_of_a_country_nor_a_west_in_a_name():
    found = actors.mentions(sentences_of("Lukashenko warned the West to back off. Western countries imposed "
                                         "sanctions. Troops moved in the west of the country. The Times said so."),
                            tagger=False)
    by_surface = dict(zip(found["surface"], found["actor"]))
    assert by_surface["the West"] == by_surface["Western countries"] == "the West"
    assert "west" not in by_surface                 # a longer form needs a capitalised word
    assert by_surface["The Times"] == "The Times"    # a title's "The" may still be left out
    assert "the West" not in actors.mentions(sentences_of("West Ham won at home."), tagger=False)["actor"].tolist()


def test_words_keep_their_offsets_through_repeated_and_odd_tokens():
    text = "U.S.-backed forces, U.S. forces and 'Kyiv's' — Polish-Belarusian border; forces... forces"
    words = actors._words(text)
    assert [(w, text[s:e]) for w, s, e, _ in words if text[s:e] != w] == []
    assert [w for w, *_ in words][:4] == ["U.S.-backed", "forces", "U.S.", "forces"]
    assert ("Polish", text.index("Polish"), text.index("Polish") + 6, False) in words
    assert words[-1][1:3] == (len(text) - 6, len(text))
