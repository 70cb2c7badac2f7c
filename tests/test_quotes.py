"""analysis.quotes: who said what on the seed and on small hand-made texts; the PolNeAR evaluation."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import sentences
from analysis.evaluate_quotes import evaluate_quotes, main, read_ann
from analysis.quotes import QUOTE_COLUMNS, lexicon, quotes

from conftest import SEED_GOLD, SHARED, needs_shared

POLNEAR_DEV = SHARED / "eval" / "polnear" / "dev"
TRAILING = " \t\n,.;:!?"

#: The seed's direct quotations (seed_gold.yaml), with the speaker texts that count as right.
SEED_DIRECT = [
    (5, {"Vladimir Medinsky"}, "agreed to keep the negotiations going"),
    (12, {"Josep Borrell", "Borrell"}, "is becoming more and more ruthless"),
    (14, {"Josep Borrell", "Borrell"}, "the flow of people looking for shelter, escaping the war is increasing"),
    (15, {"Josep Borrell", "Borrell"}, "In this situation, our support of the Ukrainian Armed Forces is crucial"),
    (16, {"John Kirby"}, "behind schedule"),
    (18, {"Zelenskiy"}, "Abandon your equipment. Get out of here. Don't believe your commanders. "
                        "Don't believe your propagandists. Just save your lives"),
    (24, {"Anton Herashchenko"}, "Kharkiv has just been massively fired upon by grads (rockets). "
                                 "Dozens of dead and hundreds of wounded"),
]


def article(*paragraphs: str) -> tuple[str, pd.DataFrame]:
    """One hand-made article (paragraphs joined by blank lines) and its sentences table."""
    text = "\n\n".join(paragraphs)
    arts = pd.DataFrame({"article_id": ["a1"], "title": [None], "text": [text]})
    return text, sentences(arts, progress=False)


def run(*paragraphs: str, **options) -> pd.DataFrame:
    """quotes() on a hand-made article, checking that every span leads back to its words."""
    text, sents = article(*paragraphs)
    found = quotes(sents, roles=None, **options)
    assert list(found.columns) == QUOTE_COLUMNS
    for row in found.itertuples():
        assert text[row.start:row.end] == row.quote
        assert text[row.cue_start:row.cue_end] == row.cue
        assert text[row.speaker_start:row.speaker_end] == row.speaker
        assert text[row.speaker_phrase_start:row.speaker_phrase_end] == row.speaker_phrase
    return found


def direct(found: pd.DataFrame) -> pd.DataFrame:
    return found[found["kind"] == "direct"]


def indirect(found: pd.DataFrame) -> pd.DataFrame:
    return found[found["kind"] == "indirect"]


def stripped(text: str) -> str:
    return text.strip().rstrip(TRAILING)


# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_quotes(seed_sentences):
    return quotes(seed_sentences)


class TestSeed:
    def test_exactly_the_gold_direct_quotes(self, seed_quotes):
        found = direct(seed_quotes)
        assert sorted((p, stripped(q)) for p, q in zip(found["para_id"], found["quote"])) == \
            sorted((p, q) for p, _, q in SEED_DIRECT)

    def test_speakers_of_the_direct_quotes(self, seed_quotes):
        found = direct(seed_quotes).set_index("para_id")
        for para_id, speakers, _ in SEED_DIRECT:
            assert found.loc[para_id, "speaker"] in speakers, para_id
            assert found.loc[para_id, "cue"] == "said"

    def test_pronoun_resolved_to_the_name_before_it(self, seed_quotes):
        row = direct(seed_quotes).set_index("para_id").loc[24]
        assert (row["speaker"], row["speaker_resolved_from"], row["speaker_phrase"]) == ("Anton Herashchenko", "he", "he")
        assert row["speaker_actor_id"] is None

    def test_offsets_lead_back_to_the_words(self, seed_articles, seed_quotes):
        text = seed_articles["text"].iloc[0]
        for row in seed_quotes.itertuples():
            assert text[row.start:row.end] == row.quote
            assert text[row.cue_start:row.cue_end] == row.cue
            assert text[row.speaker_start:row.speaker_end] == row.speaker
        for row in direct(seed_quotes).itertuples():
            assert text[row.start - 1] == '"' and text[row.end] == '"'

    def test_indirect_speech_of_the_seed(self, seed_quotes):
        found = indirect(seed_quotes)
        by_cue: dict = {}
        for key, quote in zip(zip(found["speaker"], found["cue"]), found["quote"]):
            by_cue.setdefault(key, quote)  # the first of a speaker's rows with that verb
        assert by_cue[("Borrell", "told")] == "that Ukrainian armed forces were fighting back with courage"
        assert by_cue[("a U.S. official", "according to")] == \
            "The new sanctions also bar transactions with Russia's Finance Ministry and national wealth fund"
        assert by_cue[("White House", "said")].startswith("To keep up the diplomatic pressure")
        assert by_cue[("Mevlut Cavusoglu", "said")].startswith("Turkey was using its legal right")
        # "said ... "behind schedule"" is a direct quote; the same cue gives no indirect row.
        kirby_said = direct(seed_quotes).set_index("para_id").loc[16, "cue_start"]
        assert kirby_said not in set(found["cue_start"])

    def test_body_only_by_default(self, seed_sentences, seed_quotes):
        roles = seed_sentences.set_index("para_id")["role"].to_dict()
        assert {roles[p] for p in seed_quotes["para_id"]} == {"body"}

    @needs_shared("seeds", "seed_gold.yaml")
    def test_matches_seed_gold_file(self, seed_quotes):
        import yaml

        gold = yaml.safe_load(SEED_GOLD.read_text(encoding="utf-8"))["quotes"]
        found = direct(seed_quotes)
        assert sorted((q["paragraph"], stripped(q["text"])) for q in gold) == \
            sorted((p, stripped(q)) for p, q in zip(found["para_id"], found["quote"]))


# --------------------------------------------------------------------------------------------

class TestDirect:
    def test_speaker_after(self):
        found = run('"We will rebuild the bridge," Anna Smith said on Monday.')
        assert direct(found)[["speaker", "cue", "quote"]].values.tolist() == [
            ["Anna Smith", "said", "We will rebuild the bridge,"]]

    def test_speaker_after_the_verb_with_appositive(self):
        found = run('"We will rebuild the bridge," said Anna Smith, the mayor of Irpin.')
        row = direct(found).iloc[0]
        assert (row["speaker"], row["speaker_phrase"]) == ("Anna Smith", "Anna Smith, the mayor of Irpin")

    def test_speaker_before(self):
        found = run('Mayor Anna Smith said: "We will rebuild the bridge."')
        assert direct(found)[["speaker", "speaker_phrase", "quote"]].values.tolist() == [
            ["Anna Smith", "Mayor Anna Smith", "We will rebuild the bridge."]]

    def test_speaker_inside(self):
        found = run('"We will rebuild the bridge," Anna Smith said, "and we will do it this year."')
        rows = direct(found)
        assert rows["quote"].tolist() == ["We will rebuild the bridge,", "and we will do it this year."]
        assert set(rows["speaker"]) == {"Anna Smith"} and rows["cue_start"].nunique() == 1
        assert indirect(found).empty

    def test_curly_marks_and_title(self):
        found = run("\u201cThe road is open,\u201d Pentagon spokesman John Kirby told reporters.")
        row = direct(found).iloc[0]
        assert (row["speaker"], row["speaker_phrase"], row["cue"], row["quote"]) == (
            "John Kirby", "Pentagon spokesman John Kirby", "told", "The road is open,")

    def test_multi_sentence_quote_is_one_row(self):
        text, sents = article('"The road is open. The trucks can pass. Food will arrive tomorrow," the governor said.')
        found = quotes(sents, roles=None)
        assert direct(found)[["speaker", "quote"]].values.tolist() == [
            ["the governor", "The road is open. The trucks can pass. Food will arrive tomorrow,"]]
        assert direct(found)["sent_id"].tolist() == [sents["sent_id"].min()]

    def test_quote_running_over_two_paragraphs(self):
        found = run('"The road is open and the trucks can pass.', '"Food will arrive tomorrow," the governor said.')
        rows = direct(found)
        assert rows["quote"].tolist() == ["The road is open and the trucks can pass.", "Food will arrive tomorrow,"]
        assert rows["para_id"].tolist() == [0, 1] and rows["cue_start"].nunique() == 1
        assert set(rows["speaker"]) == {"the governor"}

    def test_next_sentence_in_quotes_keeps_the_speaker(self):
        found = run('"We will win," Anna Smith said. "Nobody doubts it."')
        assert direct(found)["quote"].tolist() == ["We will win,", "Nobody doubts it."]
        assert set(direct(found)["speaker"]) == {"Anna Smith"}

    def test_fragment_takes_the_subject_of_the_speech_verb(self):
        found = run('After five hours of talks, the Russian envoy said the two sides "agreed to keep talking" '
                    'on Monday.')
        assert direct(found)[["speaker", "quote"]].values.tolist() == [["the Russian envoy", "agreed to keep talking"]]
        assert len(found) == 1  # no indirect row for the cue the fragment already used

    def test_fragment_after_a_claim_verb_is_no_quote(self):
        found = run('The army admitted that some soldiers had been "killed and injured" but gave no figures.')
        assert direct(found).empty
        assert indirect(found)[["speaker", "cue"]].values.tolist() == [["The army", "admitted"]]

    def test_archive_double_apostrophes_and_british_single_marks(self):
        found = run("''We will win,'' the senator said.", "\u2018We will lose,\u2019 his rival said.")
        assert direct(found)[["speaker", "quote"]].values.tolist() == [
            ["the senator", "We will win,"], ["his rival", "We will lose,"]]

    def test_apostrophes_and_titles_are_not_quotes(self):
        found = run("The soldiers\u2019 families said the Kremlin\u2019s plan had failed.",
                    'He told "Morning Joe" that the plan had failed.')
        assert direct(found).empty
        assert indirect(found)["quote"].tolist() == ["the Kremlin\u2019s plan had failed", "that the plan had failed"]


class TestDashes:
    """Direct speech set off by dashes, as the Polish, Russian and Ukrainian press prints it."""

    def test_dash_quote_closed_by_its_cue_and_the_one_that_goes_on(self):
        found = run("In the evening, Anna Smith said that there was no evidence.- Our analysts say the troops "
                    "can stay.The risk is real - she said during the speech.- If they attack, we will answer.We "
                    "are ready.",
                    "The weather was mild.")
        quoted = direct(found).sort_values("start")
        assert quoted["quote"].tolist() == ["Our analysts say the troops can stay.The risk is real",
                                            "If they attack, we will answer.We are ready."]
        assert quoted["speaker"].tolist() == ["Anna Smith", "Anna Smith"]
        assert quoted["cue"].tolist() == ["said", "said"]
        # the reported speech before the dash stops where the quote opens
        said = indirect(found)
        assert said[said["cue"] == "said"]["quote"].tolist()[0] == "that there was no evidence"

    def test_a_paragraph_opened_by_a_dash(self):
        found = run("- We see no reason to stop - said the Kremlin spokesman.")
        assert direct(found)[["quote", "speaker", "cue"]].values.tolist() == [
            ["We see no reason to stop", "the Kremlin spokesman", "said"]]

    def test_bullets_and_asides_are_no_quotes(self):
        found = run("- Logistical campaign: the council reported on Monday that the port reopened.",
                    "- Ukrainian forces repelled attacks near Bakhmut.",
                    "- Supplies could reinforce the lines\u2014the mayor's adviser said on Monday that a ferry "
                    "began service - he reported that it carried ammunition.")
        assert direct(found).empty
        # a dash after a quotation mark closes that quote: 'as "reparations" - added Lavrov'
        found = run('He described the goods as "war reparations" - added Lavrov.')
        assert direct(found)["quote"].tolist() == ["war reparations"]

    def test_a_role_resolves_through_the_gazetteer(self):
        paragraphs = ("In the evening, Joe Biden spoke in Washington.",
                      "- We are ready to act - the American president emphasized.",
                      "- We will not wait - the Russian president said.")
        text, _ = article(*paragraphs)
        start = text.index("Joe Biden")
        mentions = pd.DataFrame({"article_id": ["a1"], "start": [start], "end": [start + 9], "surface": ["Joe Biden"],
                                 "actor_id": ["person:joe-biden"], "actor": ["Joe Biden"], "actor_type": ["person"]})
        found = direct(run(*paragraphs, mentions=mentions)).set_index("para_id")
        assert found.loc[1, ["speaker", "speaker_actor_id", "speaker_resolved_from"]].tolist() == [
            "Joe Biden", "person:joe-biden", "the American president"]
        # Biden is no Russian president: the phrase stays the speaker
        assert found.loc[2, ["speaker", "speaker_actor_id"]].tolist() == ["the Russian president", None]


class TestIndirect:
    def test_according_to_after(self):
        found = run("The convoy is 25 kilometers from Kyiv, according to a U.S. official.")
        assert found[["kind", "speaker", "cue", "quote"]].values.tolist() == [
            ["indirect", "a U.S. official", "according to", "The convoy is 25 kilometers from Kyiv"]]

    def test_according_to_before(self):
        found = run("According to the health ministry, 30 people were killed in the strike.")
        assert found[["speaker", "quote"]].values.tolist() == [
            ["the health ministry", "30 people were killed in the strike"]]

    def test_told_reporters_that(self):
        found = run("Borrell told reporters on Monday that the aid would arrive within a week.")
        assert found[["speaker", "cue", "quote"]].values.tolist() == [
            ["Borrell", "told", "that the aid would arrive within a week"]]

    def test_said_without_that(self):
        found = run("Foreign Minister Mevlut Cavusoglu said Turkey would close the straits to warships.")
        assert found[["speaker", "speaker_phrase", "quote"]].values.tolist() == [
            ["Mevlut Cavusoglu", "Foreign Minister Mevlut Cavusoglu", "Turkey would close the straits to warships"]]

    def test_content_before_the_speaker(self):
        found = run("The talks will resume next week, the White House said.")
        assert found[["speaker", "speaker_phrase", "quote"]].values.tolist() == [
            ["White House", "the White House", "The talks will resume next week"]]

    def test_speaker_between_commas(self):
        found = run("It is no surprise, Mr. Garin said, that the senator did better among older voters.")
        assert found["speaker"].tolist() == ["Garin", "Garin"]
        assert found["quote"].tolist() == ["It is no surprise", "that the senator did better among older voters"]

    def test_appositive_and_coordinated_verbs(self):
        found = run("Vladimir Medinsky, the head of the Russian delegation, said the talks had ended, adding that "
                    "a new meeting will take place next week.")
        assert found[["speaker", "cue", "quote"]].values.tolist() == [
            ["Vladimir Medinsky", "said", "the talks had ended"],
            ["Vladimir Medinsky", "adding", "that a new meeting will take place next week"]]
        assert set(found["speaker_phrase"]) == {"Vladimir Medinsky, the head of the Russian delegation"}

    def test_nouns_that_look_like_verbs(self):
        found = run("His comments on the states with pledged delegates drew criticism from the reports of observers.")
        assert found.empty


class TestSpeakers:
    PARAGRAPHS = ("Anna Smith met officials of the Red Cross in Irpin on Monday.",
                  '"We will rebuild the bridge," she said.',
                  '"We will send doctors," they said.',
                  '"The work starts today," Anna Smith said.')

    def mentions(self, text: str) -> pd.DataFrame:
        rows = []
        for surface, actor_id, actor_type in (("Anna Smith", "person:anna-smith", "person"),
                                              ("Red Cross", "org:red-cross", "organization"),
                                              ("Irpin", "place:irpin", "place")):
            start = text.index(surface)
            rows.append(("a1", start, start + len(surface), surface, actor_id, surface, actor_type))
        start = text.rindex("Anna Smith")
        rows.append(("a1", start, start + 10, "Anna Smith", "person:anna-smith", "Anna Smith", "person"))
        return pd.DataFrame(rows, columns=["article_id", "start", "end", "surface", "actor_id", "actor", "actor_type"])

    def test_pronouns_resolved_through_mentions(self):
        text, _ = article(*self.PARAGRAPHS)
        found = run(*self.PARAGRAPHS, mentions=self.mentions(text)).set_index("para_id")
        assert found.loc[1, ["speaker", "speaker_actor_id", "speaker_resolved_from"]].tolist() == [
            "Anna Smith", "person:anna-smith", "she"]
        assert found.loc[1, "speaker_start"] == text.index("Anna Smith")
        # "they": the last actor before it that is neither a person nor a place.
        assert found.loc[2, ["speaker", "speaker_actor_id", "speaker_resolved_from"]].tolist() == [
            "Red Cross", "org:red-cross", "they"]
        assert found.loc[3, ["speaker", "speaker_actor_id", "speaker_resolved_from"]].tolist() == [
            "Anna Smith", "person:anna-smith", None]

    def test_pronouns_resolved_to_names_without_mentions(self):
        found = run(*self.PARAGRAPHS).set_index("para_id")
        assert found.loc[1, ["speaker", "speaker_actor_id", "speaker_resolved_from", "speaker_phrase"]].tolist() == [
            "Anna Smith", None, "she", "she"]
        assert found.loc[2, ["speaker", "speaker_resolved_from"]].tolist() == ["they", None]

    def test_a_name_in_the_quote_is_not_the_speaker(self):
        found = run("Anna Smith visited Irpin.", '"John Miller was right about the bridge," she said.')
        assert direct(found)["speaker"].tolist() == ["Anna Smith"]

    def test_a_name_in_reported_speech_is_not_the_next_speaker(self):
        # the person Truss speaks of ("Putin could still ...") is not who "she" is in the next paragraph
        found = run("However, Anna Smith said John Miller could still \u201cchange his mind\u201d.",
                    "She added: \u201cWe think the talks will go on.\u201d")
        assert direct(found).set_index("para_id").loc[1, ["speaker", "speaker_resolved_from"]].tolist() == [
            "Anna Smith", "She"]

    def test_a_speaker_inside_earlier_reported_words_stays_one(self):
        # a speaker inside the words of another cue (a clause inside, or sentences glued together)
        paragraphs = ("On Tuesday, Russia announced that the troops would leave the border by 2022.In the evening, "
                      "Anna Smith said that there was still no evidence.",
                      "So I am asking everyone to leave - she said during the speech.")
        text, _ = article(*paragraphs)
        start = text.index("Anna Smith")
        mentions = pd.DataFrame({"article_id": ["a1", "a1"], "start": [text.index("Russia"), start],
                                 "end": [text.index("Russia") + 6, start + 10], "surface": ["Russia", "Anna Smith"],
                                 "actor_id": ["state:RU", "person:anna-smith"], "actor": ["Russia", "Anna Smith"],
                                 "actor_type": ["state", "person"]})
        found = run(*paragraphs, mentions=mentions)
        first = found[found["speaker"] == "Russia"]
        assert first["start"].iloc[0] < start < first["end"].iloc[0]     # inside the words Russia announced
        last = found[found["para_id"] == 1]
        assert last["speaker"].tolist() == ["Anna Smith"] and last["speaker_resolved_from"].tolist() == ["she"]

    def test_a_role_resolves_to_who_the_article_gave_it(self):
        paragraphs = ("The UK foreign secretary, Anna Smith, met John Miller, the mayor, and the deputy "
                      "economist Carl Berg on Monday.",
                      '"We will stand by Kyiv," the foreign secretary said.',
                      '"The bridge opens today," the mayor said.',
                      '"Prices will fall," the economist said.',
                      '"We are ready," the foreign office said.')
        text, _ = article(*paragraphs)
        rows = []
        for surface, actor_id in (("Anna Smith", "person:anna-smith"), ("John Miller", "person:john-miller"),
                                  ("Carl Berg", "person:carl-berg")):
            start = text.index(surface)
            rows.append(("a1", start, start + len(surface), surface, actor_id, surface, "person"))
        mentions = pd.DataFrame(rows, columns=["article_id", "start", "end", "surface", "actor_id", "actor",
                                               "actor_type"])
        found = run(*paragraphs, mentions=mentions).set_index("para_id")
        assert found.loc[1, ["speaker", "speaker_actor_id", "speaker_resolved_from"]].tolist() == [
            "Anna Smith", "person:anna-smith", "the foreign secretary"]
        assert found.loc[2, ["speaker", "speaker_actor_id"]].tolist() == ["John Miller", "person:john-miller"]
        # no one was given the role (a deputy's is another), or the phrase names no person's role
        assert found.loc[3, ["speaker", "speaker_actor_id"]].tolist() == ["the economist", None]
        assert found.loc[4, ["speaker", "speaker_actor_id"]].tolist() == ["the foreign office", None]

    def test_the_one_told_is_not_the_speaker(self):
        found = run('An aid worker helping evacuate residents, Anna Smith, 37, told AFP: "The situation is hard."',
                    'The mayor, Carl Berg, told reporters: "We stay."')
        assert direct(found).sort_values("start")["speaker"].tolist() == ["Anna Smith", "Carl Berg"]

    def test_mentions_without_an_overlap_leave_the_id_empty(self):
        found = run('"We will win," the governor said.', mentions=pd.DataFrame(
            {"article_id": ["a1"], "start": [0], "end": [3], "actor_id": ["x"], "actor_type": ["person"]}))
        assert found["speaker_actor_id"].tolist() == [None]


class TestRobustness:
    @pytest.mark.parametrize("paragraphs", [
        ('He said "we will win. Then he left.',),                          # an opening mark never closed
        ('"We will win," he said. "And then?',),                            # an odd number of marks
        ('We will win," he said.',),                                        # a closing mark first
        ('"', '""', '" "'),                                                 # marks and nothing else
        ('He said: "We will win.', '"We will rebuild.'),                    # a quote left open over paragraphs
        ('"We will win.', 'The next day was quiet.', '"Really," he said.'),  # an open quote then a new one
        ('\u201cWe will win,\u201c he said. \u201d\u201d And \u2018then\u2019 \u2018what',),
    ])
    def test_unpaired_marks_never_fail(self, paragraphs):
        found = run(*paragraphs)  # checks every span
        assert all(q.strip() for q in found["quote"])

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.lists(st.sampled_from([
        '"', "\u201c", "\u201d", "\u2018", "\u2019", "''", "\n\n", " ", ", ", ". ", ": ", "We will win",
        "he said", "said Anna Smith", "according to the ministry", "told reporters that", "Mr.", "who said",
        "--", "and", "adding that", "The army", "(D-Ill.)",
    ]), max_size=30))
    def test_any_text_parses_and_spans_hold(self, pieces):
        found = run("".join(pieces) or " ")
        assert found["kind"].isin(["direct", "indirect"]).all()

    def test_what_pairs_is_kept(self):
        assert direct(run('"We will win," he said. "And then?'))["quote"].tolist() == ["We will win,"]
        assert direct(run('\u201cWe will win,\u201c he said.'))["quote"].tolist() == ["We will win,"]
        assert direct(run('We will win," he said.')).empty

    def test_open_quote_over_paragraphs_with_an_introduction(self):
        found = direct(run('He said: "We will win.', '"We will rebuild.'))
        assert found["quote"].tolist() == ["We will win.", "We will rebuild."]
        assert set(found["speaker"]) == {"He"}

    def test_open_quote_without_a_speaker_is_dropped(self):
        found = run('"We will win.', 'The next day was quiet.', '"Really," he said.')
        assert direct(found)["quote"].tolist() == ["Really,"]

    def test_empty_input(self):
        empty = pd.DataFrame(columns=["article_id", "para_id", "sent_id", "role", "text", "start", "end"])
        found = quotes(empty)
        assert found.empty and list(found.columns) == QUOTE_COLUMNS

    def test_no_body_sentences(self, seed_sentences):
        found = quotes(seed_sentences, roles=("credits",))
        assert found.empty and list(found.columns) == QUOTE_COLUMNS

    def test_missing_columns(self):
        with pytest.raises(KeyError, match="para_id"):
            quotes(pd.DataFrame({"article_id": ["a1"], "text": ["x"]}))

    def test_input_not_changed(self, seed_sentences):
        before = seed_sentences.copy()
        quotes(seed_sentences)
        pd.testing.assert_frame_equal(seed_sentences, before)

    def test_lexicon(self):
        lex = lexicon()
        assert {"said", "says", "saying"} <= lex.say and "told" in lex.speech_to and "according to" in lex.source
        assert "comments" not in lex.cues  # more often a noun


# --------------------------------------------------------------------------------------------

TEXT = 'Anna Smith said the bridge will reopen.\n\n"We will win it," Borys said. "We will do it."\n\nThe river is rising, it was said.'


WIN, DO = '"We will win it,"', '"We will do it."'


def span(text: str, words: str, start: int = 0) -> str:
    """brat's offsets of ``words`` in ``text``."""
    begin = text.index(words, start)
    return f"{begin} {begin + len(words)}"


ANN = "\n".join([
    f"T1\tSource {span(TEXT, 'Anna Smith')}\tAnna Smith",
    f"T2\tCue {span(TEXT, 'said')}\tsaid",
    f"T3\tContent {span(TEXT, 'the bridge will reopen')}\tthe bridge will reopen",
    "E1\tAttribution:T2 Content:T3 Cue:T2 Source:T1",
    # a discontinuous content with the quotation marks, as PolNeAR marks them
    "T4\tContent " + span(TEXT, WIN) + ";" + span(TEXT, DO) + "\t" + WIN + " " + DO,
    f"T5\tCue {span(TEXT, 'said', 45)}\tsaid",
    f"T6\tSource {span(TEXT, 'Borys')}\tBorys",
    "E2\tAttribution:T5 Cue:T5 Content:T4 Source:T6",
    f"T7\tContent {span(TEXT, 'The river is rising')}\tThe river is rising",
    f"T8\tCue {span(TEXT, 'it was said')}\tit was said",
    "E3\tAttribution-no-source:T8 Content:T7 Cue:T8",
    "T9\tDiscard 0 4\tAnna",
    "R1\tSomething Arg1:T1 Arg2:T6",
]) + "\n"


class TestEvaluation:
    def test_read_ann(self, tmp_path):
        path = tmp_path / "doc_ab12.ann"
        path.write_text(ANN, encoding="utf-8")
        gold = read_ann(path)
        assert [[TEXT[a:b] for a, b in g.content] for g in gold] == [
            ["the bridge will reopen"], ['"We will win it,"', '"We will do it."'], ["The river is rising"]]
        assert [[TEXT[a:b] for a, b in g.source] for g in gold] == [["Anna Smith"], ["Borys"], []]

    def test_scores_on_a_hand_made_folder(self, tmp_path):
        (tmp_path / "doc.txt").write_text(TEXT, encoding="utf-8")
        (tmp_path / "doc_ab12.ann").write_text(ANN, encoding="utf-8")
        (tmp_path / "doc_cd34.ann").write_text("", encoding="utf-8")  # a second annotator: not read
        result = evaluate_quotes(tmp_path)
        assert (result["documents"], result["gold"], result["gold_with_source"]) == (1, 3, 2)
        # Found: "said the bridge ..." and the two quotes of Borys (one attribution, one cue).
        assert result["predicted"] == 2 and result["predicted_rows"] == 3
        assert result["content_exact"]["correct"] == 2 and result["content_overlap"]["correct"] == 2
        assert result["content_overlap"]["precision"] == 1.0
        assert result["content_overlap"]["recall"] == pytest.approx(2 / 3)
        assert result["source_exact"]["precision"] == 1.0 and result["source_exact"]["recall"] == 1.0

    def test_no_documents(self, tmp_path):
        with pytest.raises(FileNotFoundError):
            evaluate_quotes(tmp_path)
        assert main([str(tmp_path)]) == 2

    @pytest.mark.shared
    @needs_shared("eval", "polnear", "dev")
    def test_polnear_dev(self, capsys):
        result = evaluate_quotes(POLNEAR_DEV)
        assert result["documents"] > 0 and result["gold"] > 0 and result["predicted"] > 0
        assert result["predicted_rows"] >= result["predicted"] == result["predicted_direct"] + result["predicted_indirect"]
        for key in ("content_exact", "content_overlap", "source_exact", "source_overlap"):
            for measure in ("precision", "recall", "f1"):
                assert 0.0 <= result[key][measure] <= 1.0, (key, measure)
        # Matching by overlap is looser than matching exactly; and something is found.
        assert result["content_overlap"]["correct"] >= result["content_exact"]["correct"] > 0
        assert result["source_overlap"]["correct"] >= result["source_exact"]["correct"] > 0
        assert 0.0 < result["recall_gold_direct"] <= 1.0
        assert main([str(POLNEAR_DEV)]) == 0
        printed = capsys.readouterr().out
        assert f"{result['documents']:,} documents" in printed and "content, overlap" in printed


def test_by_speaker_counts_resolved_speakers():
    from analysis import actors, load_articles, sentences
    from analysis.quotes import by_speaker, quotes

    sents = sentences(load_articles(actors.config.seed_dir()))
    table = by_speaker(quotes(sents, mentions=actors.mentions(sents))).set_index("speaker_actor_id")
    assert table.loc["person:josep-borrell", "direct"] == 3
    assert table.loc["person:anton-herashchenko", "direct"] == 1
    assert (table["quotes"] == table["direct"] + table["indirect"]).all()
    assert by_speaker(quotes(sents.iloc[:0])).empty


@pytest.mark.skipif(not POLNEAR_DEV.exists(), reason="needs ../shared/eval/polnear/dev")
def test_evaluate_quotes_subcommand(capsys):
    from analysis.evaluate import main

    assert main(["quotes", str(POLNEAR_DEV)]) == 0
    out = capsys.readouterr().out
    assert "content, overlap" in out and "gold attributions" in out
