"""paragraphs(), sentences(), tokens(): offsets, roles and sentence boundaries."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import paragraphs, sentences, tokens
from analysis.text import ROLES, paragraph_spans, sentence_spans, tag_roles

from conftest import SEED_GOLD, needs_shared

#: The seed's paragraph roles as a careful reader tags them (every other paragraph is body).
SEED_ROLES = {0: "title", 1: "caption", 6: "promo", 7: "boilerplate", 8: "promo", 10: "promo", 11: "promo",
              20: "related_link", 25: "boilerplate", 26: "promo", 29: "related_link", 34: "credits"}


def frame(*texts: str, titles=None) -> pd.DataFrame:
    titles = titles or [None] * len(texts)
    return pd.DataFrame({"article_id": [f"a{i}" for i in range(len(texts))], "title": titles, "text": list(texts)})


class TestParagraphs:
    def test_seed_roles_exact(self, seed_paragraphs):
        assert len(seed_paragraphs) == 35
        expected = {i: SEED_ROLES.get(i, "body") for i in range(35)}
        assert dict(zip(seed_paragraphs["para_id"], seed_paragraphs["role"])) == expected

    @needs_shared("seeds", "seed_gold.yaml")
    def test_seed_roles_match_gold_file(self, seed_paragraphs):
        import yaml

        gold = yaml.safe_load(SEED_GOLD.read_text(encoding="utf-8"))["paragraph_roles"]
        got = dict(zip(seed_paragraphs["para_id"], seed_paragraphs["role"]))
        assert {i: r for i, r in got.items() if r != "body"} == gold

    def test_non_body_rows_say_why(self, seed_paragraphs):
        furniture = seed_paragraphs[seed_paragraphs["role"] != "body"]
        assert (furniture["role_reason"].str.len() > 0).all()
        assert (seed_paragraphs.loc[seed_paragraphs["role"] == "body", "role_reason"] == "").all()
        video_title = seed_paragraphs.loc[8, "role_reason"]
        assert "video" in video_title

    def test_offsets_point_into_text(self, seed_articles, seed_paragraphs):
        text = seed_articles["text"].iloc[0]
        for row in seed_paragraphs.itertuples():
            assert text[row.start:row.end] == row.text
        assert seed_paragraphs["text"].iloc[34] == "With reporting by Reuters, AP, AFP, RIA Novosti, and TASS"

    def test_roles_are_known(self, seed_paragraphs):
        assert set(seed_paragraphs["role"]) <= set(ROLES)

    def test_wire_copy_split_on_indentation(self):
        text = "First paragraph line one\nline two of it.\n    Second paragraph here.\n    Third one.\n Reuter"
        spans = paragraph_spans(text)
        assert [text[s:e] for s, e in spans] == [
            "First paragraph line one\nline two of it.", "Second paragraph here.", "Third one.", "Reuter"]
        roles = tag_roles([text[s:e] for s, e in spans])
        assert [r for r, _ in roles] == ["body", "body", "body", "credits"]

    def test_double_space_joined_paragraphs_split(self):
        text = "Russia invaded on Thursday.  Western leaders responded with sanctions."
        assert [text[s:e] for s, e in paragraph_spans(text)] == [
            "Russia invaded on Thursday.", "Western leaders responded with sanctions."]

    @pytest.mark.parametrize("paragraph, role", [
        ("VIEW VIDEO", "promo"),
        ("Advertisement", "boilerplate"),
        ("CLICK HERE TO GET THE FOX NEWS APP", "promo"),
        ("JOIN US ON TELEGRAM! Follow our coverage of the war on the @Kyivpost_official.", "promo"),
        ("For more information, please visit Onet", "promo"),
        ("Read also: Ukraine asks Germany to provide more tanks", "related_link"),
        ("Photo: EPA-EFE", "caption"),
        ("Vladimir Putin arrives for the ceremony (Sergei Bobylev/AP)", "caption"),
        ("Fox News' Jennifer Griffin contributed to this report.", "credits"),
        ("Mason Clark, George Barros, and Kateryna Stepanenko", "credits"),
        ("[12] https://twitter.com/example/status/1496799918685519872", "credits"),
        ("Moscow CNN \u2014", "boilerplate"),
        ("Copyright 2023. Jonathan E. Sweet and Mark C. Toth. All rights reserved.", "boilerplate"),
        # body sentences that contain furniture words
        ("Now you can just click on the internet to find that out, she said.", "body"),
        ("A photo presenting the captured man was shared by the security service.", "body"),
        ("Russia could try to take credit for this diplomatic solution.", "body"),
        ("Over 18,000 people have signed up for Russian passports, officials said.", "body"),
        ("The shelling contributed to Russian logistical failures.", "body"),
        ("Russian forces shelled the east (left) bank of the Dnipro River.", "body"),
        ("Key Takeaways", "body"),
    ])
    def test_furniture_patterns(self, paragraph, role):
        assert tag_roles([paragraph])[0][0] == role

    def test_long_paragraph_never_furniture(self):
        long = "Click here to read more. " + "Officials said the shelling went on all night. " * 20
        assert tag_roles([long])[0][0] == "body"

    def test_video_title_needs_the_player(self):
        texts = ["Body text opens the story, officials said.", "Your browser doesn\u2019t support HTML5",
                 "Russian Rocket Blamed For Building Blaze", "Key Takeaways", "More body text follows here."]
        assert [r for r, _ in tag_roles(texts)] == ["body", "boilerplate", "promo", "body", "body"]

    def test_input_not_mutated(self, seed_articles):
        before = seed_articles.copy()
        paragraphs(seed_articles)
        pd.testing.assert_frame_equal(seed_articles, before)

    def test_missing_column_raises(self):
        with pytest.raises(KeyError, match="needs the columns"):
            paragraphs(pd.DataFrame({"article_id": ["x"]}))


class TestSentences:
    def test_seed_count_and_ids(self, seed_sentences):
        assert len(seed_sentences) == 45
        assert seed_sentences["sent_id"].tolist() == list(range(45))

    @pytest.mark.parametrize("whole", [
        "The new sanctions also bar transactions with Russia's Finance Ministry and national wealth fund, according "
        "to a U.S. official, while the U.S. Treasury Department slapped sanctions",
        "Putin told Macron that a settlement was possible only if Kyiv was neutral",
    ])
    def test_abbreviations_do_not_split(self, seed_sentences, whole):
        assert seed_sentences["text"].str.startswith(whole).sum() == 1

    @pytest.mark.parametrize("text, expected", [
        ("Gen. Valery Gerasimov met Sen. Lindsey Graham on Feb. 28 in Washington. Talks went on.",
         ["Gen. Valery Gerasimov met Sen. Lindsey Graham on Feb. 28 in Washington.", "Talks went on."]),
        ('"Abandon your equipment. Get out of here," Zelenskiy said. He spoke at night.',
         ['"Abandon your equipment.', 'Get out of here," Zelenskiy said.', "He spoke at night."]),
        ("Resolution No. 2623 passed. George W. Bush spoke.", ["Resolution No. 2623 passed.", "George W. Bush spoke."]),
        ("It rose 2.5 percent. Mr. Smith left at 5 p.m. on Monday.", ["It rose 2.5 percent.", "Mr. Smith left at 5 p.m. on Monday."]),
        ("Where next? Nobody knows!", ["Where next?", "Nobody knows!"]),
    ])
    def test_sentence_boundaries(self, text, expected):
        assert [text[s:e] for s, e in sentence_spans(text)] == expected

    def test_quote_stays_with_its_sentence(self, seed_sentences):
        row = seed_sentences[seed_sentences["text"].str.contains("behind schedule")].iloc[0]
        assert '"behind schedule"' in row["text"]
        closing = seed_sentences[seed_sentences["text"].str.startswith("Just save your lives")].iloc[0]
        assert closing["text"].startswith('Just save your lives," Zelenskiy said')

    def test_offsets_and_roles(self, seed_articles, seed_paragraphs, seed_sentences):
        text = seed_articles["text"].iloc[0]
        paras = seed_paragraphs.set_index("para_id")
        for row in seed_sentences.itertuples():
            assert text[row.start:row.end] == row.text
            para = paras.loc[row.para_id]
            assert para.start <= row.start < row.end <= para.end
            assert row.role == para.role

    def test_from_articles_or_paragraphs_alike(self, seed_articles, seed_paragraphs):
        pd.testing.assert_frame_equal(sentences(seed_articles), sentences(seed_paragraphs))

    def test_never_crosses_paragraphs(self):
        arts = frame("Talks ended without a deal\n\nin Belarus on Monday. Next round soon.")
        sents = sentences(arts)
        assert sents["text"].tolist() == ["Talks ended without a deal", "in Belarus on Monday.", "Next round soon."]
        assert sents["para_id"].tolist() == [0, 1, 1]


class TestTokens:
    def test_seed_tokens(self, seed_sentences):
        toks = tokens(seed_sentences)
        first = toks[toks["sent_id"] == 0]
        assert first["token"].tolist()[:4] == ["Kyiv", ",", "Moscow", "Hold"]
        assert first["is_punct"].tolist()[:2] == [False, True]
        body = toks[toks["role"] == "body"]
        assert body.loc[body["lower"] == "the", "is_stop"].all()
        assert not body.loc[body["lower"] == "kharkiv", "is_stop"].any()
        assert (toks.groupby("sent_id")["tok_id"].min() == 0).all()

    def test_token_offsets(self, seed_articles, seed_sentences):
        text = seed_articles["text"].iloc[0]
        toks = tokens(seed_sentences)
        assert all(text[s:e] == t for s, e, t in zip(toks["start"], toks["end"], toks["token"]))

    def test_quotes_and_contractions(self):
        toks = tokens(sentences(frame('He said "don\u2019t go" and left.')))
        assert toks["token"].tolist() == ["He", "said", '"', "do", "n\u2019t", "go", '"', "and", "left", "."]
        assert toks["lower"].tolist()[4] == "n't"
        assert toks.loc[toks["token"] == "n\u2019t", "is_stop"].item()
        possessive = tokens(sentences(frame("The Kremlin\u2019s claims.")))
        assert possessive["token"].tolist() == ["The", "Kremlin", "\u2019s", "claims", "."]


# Property: whatever the text, every row's offsets lead back to its words, sentences sit inside
# their paragraph, and rows come in order without overlapping.
_word = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N")), min_size=1, max_size=8)
_piece = st.one_of(_word, st.sampled_from([" ", "  ", ".", ". ", "\n", "\n\n", "\n    ", '"', "U.S. ", "Gen. ",
                                           "?", "! ", "\u2019", "\t", " \n \n", "Mr. ", "--", "(", ")"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_piece, min_size=0, max_size=60).map("".join))
def test_offsets_hold_for_any_text(text):
    arts = frame(text)
    paras = paragraphs(arts)
    sents = sentences(paras)
    toks = tokens(sents)
    previous = 0
    for row in paras.itertuples():
        assert text[row.start:row.end] == row.text and row.text.strip() == row.text and row.text
        assert row.start >= previous
        previous = row.end
    spans = paras.set_index("para_id")[["start", "end"]]
    previous = 0
    for row in sents.itertuples():
        assert text[row.start:row.end] == row.text and row.text
        assert spans.loc[row.para_id, "start"] <= row.start and row.end <= spans.loc[row.para_id, "end"]
        assert row.start >= previous
        previous = row.end
    for row in toks.itertuples():
        assert text[row.start:row.end] == row.token
    # paragraphs lose nothing but whitespace
    assert "".join("".join(paras["text"]).split()) == "".join(text.split())


class TestRoleSummary:
    def test_seed_summary(self, seed_paragraphs):
        from analysis.text import role_summary

        summary = role_summary(seed_paragraphs)
        assert summary["paragraphs"].sum() == 12
        assert list(summary.columns) == ["role", "role_reason", "paragraphs", "articles", "example"]
        top = summary.iloc[0]
        assert (top["role"], top["paragraphs"]) in {("promo", 2), ("boilerplate", 2), ("related_link", 2)}
        row = summary[summary["role"] == "credits"].iloc[0]
        assert row["example"] == "With reporting by Reuters, AP, AFP, RIA Novosti, and TASS"
        assert summary["paragraphs"].is_monotonic_decreasing


@pytest.mark.parametrize("text, expected", [
    ("Russia denied it.The talks resumed on Monday.", ["Russia denied it.", "The talks resumed on Monday."]),
    ("It was \u201cunprovoked.\u201dOfficials disagreed.", ["It was \u201cunprovoked.\u201d", "Officials disagreed."]),
    ("Chelsea vs.Manchester United ended 2-1.", ["Chelsea vs.Manchester United ended 2-1."]),
    ("The U.S.Army and News.Ru reported it.", ["The U.S.Army and News.Ru reported it."]),
    # after a capitalised word too, but not after a title ("Mrs.Smith")
    ("Troops left the border with Ukraine.In the evening, Mrs.Smith spoke.",
     ["Troops left the border with Ukraine.", "In the evening, Mrs.Smith spoke."]),
    ("Details are on parliament.uk.Was this helpful?", ["Details are on parliament.uk.Was this helpful?"]),
])
def test_sentences_glued_without_a_space_are_split(text, expected):
    from analysis.text import sentence_spans

    assert [text[a:b] for a, b in sentence_spans(text)] == expected


# Property: the sentence splitter answers every candidate break as Punkt does with the same parameters.
_sentence_piece = st.one_of(
    st.sampled_from(["said", "Said", "SAID", "Mr", "mr", "Gen", "U.S", "J", "5", "2022", "e.g", "etc", "No", "St",
                     "vs", "Kyiv", "x", "ab", "Ukraine's", "(so", "well-known", "jan", ".", ". ", "? ", "! ", "...",
                     '." ', ".) ", ", ", "  ", "\n", "\t", " The", " the", " 5", " (", ' "We', " I", " A.", " '",
                     " -", " ;", " Mr."]),
    st.text(alphabet="aZ.? \"'", min_size=1, max_size=3))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_sentence_piece, min_size=1, max_size=25).map("".join))
def test_sentence_breaks_are_punkts(text):
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    from analysis.text import abbreviations, sentence_tokenizer

    params = PunktParameters()
    params.abbrev_types = set(abbreviations())
    stock = PunktSentenceTokenizer(params)
    ours = sentence_tokenizer()
    assert list(ours.span_tokenize(text)) == list(stock.span_tokenize(text))
    for _, context in stock._match_potential_end_contexts(text):
        assert ours.text_contains_sentbreak(context) == stock.text_contains_sentbreak(context), context


# Property: the tokenizer's steps run by Python's ``re`` (on ASCII text) give NLTK's own spans.
_ascii_piece = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=6),
    st.sampled_from([" ", '"', "''", "``", "'", "'s", "n't", "can", "not", "cannot", "gonna", "'tis", " 'Twas",
                     "...", "--", "(", ")", "[", "]", ":", ",", ";", "$", "%", "&", "?", "!", ".", "U.S.",
                     "\t", "\n", "\x1c", "\x1f", "D'ye", "MORE'N", "wanna ", "I'd", "it's", "5,000", "10:30"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ascii_piece, min_size=1, max_size=30).map("".join))
def test_word_spans_equal_nltks_on_ascii_text(text):
    from analysis.text import _plain_tokenizer_steps

    assert _plain_tokenizer_steps() is not None
    assert_nltk_spans(text)


def assert_nltk_spans(text: str, repeats: int = 1) -> None:
    """The word spans of ``text`` are NLTK's (or both raise ValueError), ``repeats`` times over
    (the second time from the memoised chunks)."""
    from analysis.text import _word_token_spans, word_tokenizer

    try:
        expected = list(word_tokenizer().span_tokenize(text))
    except ValueError:
        with pytest.raises(ValueError):
            _word_token_spans(text)
        return
    for _ in range(repeats):
        assert _word_token_spans(text) == expected


# Property: word by word (memoised chunks), the spans are still NLTK's, on any text.
_any_piece = st.one_of(
    _ascii_piece,
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=4),
    st.sampled_from(["\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u201e", "\u2014", "\u2013",
                     "\u00a0", "\u2009", "\u0130", "\u017f", "\u212a", "Kyiv\u2019s", "\u201cNo.\u201d", " ",
                     " ' ", "' '", ". \u201d", ' ." ', " ) ]", "x. ''", "  ", "end.", "said,", "U.S. "]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_any_piece, min_size=1, max_size=30).map("".join))
def test_word_spans_by_chunk_equal_nltks(text):
    assert_nltk_spans(text, repeats=2)


@pytest.mark.parametrize("text", [
    'He said . "',                       # a last chunk of closing marks: the final period's pattern
    "He left. \u201d )",
    "rock n' 'roll' x",                  # an apostrophe ending one chunk and starting the next
    "It's ''quoted'' and \"quoted\" ``here``",
    "``` three backticks'' \"x",         # quote tokens not one for one with the quotes
    "Kyiv\u2019s  mayor\tsaid: no",      # other white space
    '"Yes," he said. "No."',
    "Tokens: can't, cannot, gonna, 'tis.",
    "Kyiv, Kharkiv's well-known mayor, aged 52, said No. 10 was Ukraine's.",   # simple chunks
    "cannot-do, gonna's MORE'N well-cannot, 5, 1,000. U.S. end.",
])
def test_word_spans_by_chunk_where_the_sentence_is_taken_whole(text):
    assert_nltk_spans(text, repeats=2)


@pytest.mark.parametrize("text", ["it's\x1cgood", "end.\x1c", "He left.\x1f", "It's 5 p.m. now.", 'I said "no."'])
def test_word_spans_where_re_and_regex_read_white_space_otherwise(text):
    """Python's ``re`` takes the ASCII separators \\x1c-\\x1f for white space, NLTK's ``regex``
    patterns do not: such text keeps NLTK's engine."""
    from analysis.text import _word_token_spans, word_tokenizer

    assert _word_token_spans(text) == list(word_tokenizer().span_tokenize(text))


def test_role_patterns_are_tried_only_when_they_can_match():
    """A role pattern is skipped on a paragraph without one of its anchors: never on one it matches."""
    from analysis import load_articles
    from analysis.text import _anchored_role_rules, fold, furniture_role

    from conftest import FIXTURES, SEEDS

    texts = paragraphs(load_articles([SEEDS, FIXTURES / "hostile", FIXTURES / "formats"]))["text"].tolist()
    texts += ["ALL RIGHTS RESERVED", "Sign up to our newsletter", "Editing by Jane Doe", "Click here",
              "Photograph: Reuters", "Credit: AP", "Main page of Gazeta", "\u017fign up for the newsletter"]
    anchored = 0
    for _, pattern, _, anchors in _anchored_role_rules():
        for text in texts:
            if anchors is not None and pattern.search(text):
                anchored += 1
                assert any(anchor in fold(text) for anchor in anchors), (pattern.pattern[:60], text)
    assert anchored >= 6
    assert furniture_role("Sign up to our newsletter")[0] == furniture_role("SIGN UP TO OUR NEWSLETTER")[0] != "body"
