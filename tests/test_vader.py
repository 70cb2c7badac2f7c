"""analysis.vader: the fast VADER scorer gives NLTK's ``polarity_scores``, rule by rule and on real corpora."""

from __future__ import annotations

import functools
import itertools
import time

import numpy as np
import pandas as pd
import pytest
from conftest import CORPORA, needs_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import load_articles, resources, sentences, sentiment, vader

KEYS = ("neg", "neu", "pos", "compound")
TOLERANCE = 1e-9


@functools.cache
def nltk_analyzer():
    """A fresh NLTK analyzer on the same offline lexicon, independent of the package's caches."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer(lexicon_file=resources.ensure_vader_lexicon())


def reference(texts) -> np.ndarray:
    analyzer = nltk_analyzer()
    return np.array([[s[k] for k in KEYS] for s in map(analyzer.polarity_scores, texts)], dtype="float64").reshape(-1, 4)


def assert_same(texts: list[str]) -> None:
    """Both the batch and the one-text API agree with NLTK within 1e-9, text by text."""
    expected = reference(texts)
    got = vader.score_many(texts)
    assert got.shape == expected.shape
    diff = np.abs(got - expected).max(axis=1) if len(texts) else np.zeros(0)
    bad = [(texts[i], expected[i].tolist(), got[i].tolist()) for i in np.flatnonzero(diff > TOLERANCE)[:5]]
    assert not bad, bad
    for text, row in zip(texts, expected):
        single = vader.polarity_scores(text)
        assert tuple(single) == KEYS
        assert max(abs(single[k] - v) for k, v in zip(KEYS, row)) <= TOLERANCE, text


# --------------------------------------------------------------------------------------------
# Every rule, by hand
# --------------------------------------------------------------------------------------------

RULES = {
    "empty and punctuation only": ["", " ", "\n\t ", "a", "I", "!", "?!?", "!!! ???", ". , ; :", "- -- ---",
                                   "a b c d e", "123", "42 is 6 x 7"],
    "plain": ["The talks were a success.", "Ukraine welcomed the aid.", "Moscow shelled Kharkiv, killing civilians.",
              "The report was published on Monday.", "good", "bad"],
    "emoticons and emoji": [":)", ":(", ":-)", ":D", ":-D", "<3", "I am happy :)", "that hurt :( :(", "😀", "😀 good",
                            "great 👍", "(:", "):"],
    "unicode": ["Très bien, c'est génial", "İstanbul is GREAT and İzmir is good", "ÜBER good", "Straße ist gut",
                "good\u00a0bad", "good\u2003bad\u2028ugly", "\x1cgood\x1dbad", "naïve optimism", "ΑΓΑΘΟΣ good",
                "“good” and ‘bad’", "good… bad…", "ｇｏｏｄ"],
    "boosters and dampeners": ["The movie was very good.", "The movie was VERY good.", "It was extremely bad",
                               "barely good", "slightly bad", "It was so good", "most wonderful", "more bad news",
                               "very very very good", "very good very bad", "really REALLY good", "absolutely,",
                               "incredibly. bad", "it was totally awful and completely terrible", "very"],
    "kind of, sort of, just enough": ["kind of good", "It is kind of bad", "sort of nice", "kinda good",
                                      "Kind Of great", "kind of", "he was kind", "a kind man", "kind of the best",
                                      "it was kind of a good day", "just enough good luck", "it is sort of a bad idea",
                                      "kind-of good", "sort-of bad", "KIND OF GREAT", "the kind of love we need",
                                      "it was sort of really a good thing"],
    "caps emphasis": ["This is GREAT", "GREAT GOOD", "this is GREAT!!!", "NOT GOOD at all", "GOOD", "BAD news",
                      "it is VERY GOOD", "Bad NEWS for EVERYONE", "The UN said the war was TERRIBLE",
                      "we are SO happy", "EXTREMELY bad news today", "HAPPY", "NATO and the EU welcomed the deal"],
    "negation": ["not good", "isn't good", "I don't like it", "never good", "without doubt bad", "nothing good",
                 "not very good", "not the best", "ain't bad", "haven't been happy", "NOT good", "Not bad at all",
                 "it is not a good idea", "no good", "nor happy", "despite the success", "seldom happy",
                 "he wasn't really happy", "cannot win", "hasn't failed", "it's not not good", "won't hurt",
                 "uh-uh good", "shouldn't've worried", "none of it was nice", "rarely ever this good"],
    "never so / never this": ["never so good", "never this happy", "I have never been so happy",
                              "it was so good", "this good a day", "Never so good", "never SO good",
                              "never so very good", "it is never this bad", "we never so much as smiled",
                              "they were never so, happy", "this is so good", "never this"],
    "least": ["least good", "at least good", "very least good", "the least good movie", "Least favorite",
              "At Least good", "least", "at least he was happy", "it was the least bad option",
              "least, good", "not the least bit happy"],
    "but": ["good but bad", "bad, but good", "The food was great but the service was horrible", "but",
            "BUT good", "not good but not bad", "good but", "but good", "good but bad but good", "But, great",
            "But the war was terrible", "good, but", "it's good,but bad", "happy yet sad but hopeful"],
    "idioms": ["the shit", "that movie was the bomb", "he is a bad ass man", "yeah right that is great",
               "he can't cut the mustard anymore", "this is the kiss of death for us", "living hand to mouth is bad",
               "it is the shit", "oh yeah right good", "we are living hand to mouth", "The Shit",
               "that was the bomb and the shit", "one more the shit", "he said the kiss of death",
               "they cut the mustard", "a bad ass", "this is a bad ass"],
    "punctuation emphasis": ["good!", "good!!!!!!", "good??", "good???", "good????", "bad?!?", "good?", "?? good",
                             "good!?", "bad!", "bad!!!", "bad???", "good! bad! good!", "is it good ?",
                             "good ! ! ! ! ! !", "What??? good", "neutral words only!!!", "terrible!?!?"],
    "repeated words": ["good not good", "not good good good", "happy happy joy joy", "good, good. good!",
                       "Good good GOOD", "never so good, so good", "the bad ass and bad", "kind of good kind",
                       "good but good"],
    "tokens and punctuation": ["good,", '"good"', "(good)", "good...", "'good'", "good).", "good!!", "good!!!",
                               "good!?!", "good?!?!", "-good-", ",good,", "..good", "good.,", "g,ood",
                               "goo-d", "good's", "good'", "'good", ":good:", "good:)", "x.", "ok.", ".ok",
                               "can't stand it", "I don't know :(", "so-so", "#good", "@bad", "good/bad",
                               "'bad", "bad'", "--bad", "bad;", "NOT, good", "not. good", "no! good"],
    "news": ["Kyiv welcomed the aid as Moscow shelled Kharkiv.",
             "Russian President Vladimir Putin said the talks had failed, but Ukraine remained hopeful.",
             "The attack killed at least 12 people, officials said.",
             "Shares rose sharply after the company reported record profits.",
             "\"We will never surrender,\" he said.",
             "It was not the worst outcome, but hardly a victory."],
}


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_rule_as_nltk(rule):
    assert_same(RULES[rule])


def test_very_long_text():
    paragraph = " ".join(itertools.chain.from_iterable(RULES.values()))
    text = (paragraph + " ") * 200
    assert len(text.split()) > 100_000
    assert_same([text, paragraph])


def test_neutral_and_empty_conventions():
    assert vader.polarity_scores("") == {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    assert vader.polarity_scores("a ! ?") == {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    assert vader.polarity_scores("The minister met the delegation!!") == {"neg": 0.0, "neu": 1.0, "pos": 0.0,
                                                                         "compound": 0.0}


def test_tokens_are_nltks():
    from nltk.sentiment.vader import SentiText

    constants = nltk_analyzer().constants
    for text in itertools.chain.from_iterable(RULES.values()):
        expected = SentiText(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION).words_and_emoticons
        assert vader.scorer().tokens(text) == expected, text


def test_score_many_shapes_and_inputs():
    assert vader.score_many([]).shape == (0, 4)
    texts = ["good", "bad", "", "neutral text"]
    table = vader.score_many(iter(texts))  # any iterable
    assert table.shape == (4, 4) and table.dtype == np.float64
    assert vader.COLUMNS == KEYS
    np.testing.assert_array_equal(table, vader.score_many(pd.Series(texts)))


def test_non_text_fails_as_in_nltk():
    for value in (None, 1.5):
        with pytest.raises(AttributeError):
            nltk_analyzer().polarity_scores(value)
        with pytest.raises(AttributeError):
            vader.polarity_scores(value)


def test_constants_are_nltks():
    import string

    from nltk.sentiment.vader import VaderConstants

    constants = VaderConstants()
    assert vader.NEGATE == constants.NEGATE
    assert vader.BOOSTERS == {k: v for k, v in constants.BOOSTER_DICT.items() if " " not in k}
    assert vader.BOOSTER_BIGRAMS == {tuple(k.split()) for k in constants.BOOSTER_DICT if " " in k}
    assert {" ".join(k): v for k, v in vader.IDIOMS.items()} == constants.SPECIAL_CASE_IDIOMS
    assert vader.PUNC_LIST == set(constants.PUNC_LIST)
    assert vader._PUNCTUATION == string.punctuation
    assert (vader.B_INCR, vader.B_DECR, vader.C_INCR, vader.N_SCALAR) == (constants.B_INCR, constants.B_DECR,
                                                                         constants.C_INCR, constants.N_SCALAR)


def test_lexicon_is_the_one_nltk_reads():
    assert vader.scorer().lexicon == nltk_analyzer().lexicon


def test_missing_lexicon_raises_resource_missing(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "vaderSentiment" else real(name, *a))
    vader.scorer.cache_clear()
    try:
        with pytest.raises(resources.ResourceMissingError, match="vaderSentiment"):
            vader.scorer()
    finally:
        vader.scorer.cache_clear()


def test_token_cache_is_bounded(monkeypatch):
    scorer = vader.VaderScorer(vader.scorer().lexicon)
    monkeypatch.setattr(vader, "_CACHE_LIMIT", 10)
    texts = [f"word{i} good not bad but fine {i}" for i in range(50)]
    np.testing.assert_array_equal(np.array([list(scorer.polarity_scores(t).values()) for t in texts]),
                                  reference(texts))
    assert len(scorer._tokens) < 30


# --------------------------------------------------------------------------------------------
# Random sentences from the words the rules care about
# --------------------------------------------------------------------------------------------

COMMON = ["good", "bad", "great", "happy", "terrible", "killed", "hope", "peace", "love", "war", "no", "kind",
          "hand", "death", "shit", "bomb", "ass", "yeah", "cut", "kiss", "Good", "BAD", "fine", "crisis", "support"]
RULE_WORDS = ["never", "so", "this", "least", "at", "very", "but", "But", "BUT", "kind", "Kind", "of", "Of", "sort",
              "just", "enough", "the", "right", "mustard", "to", "mouth", "n't", "isn't", "don't", "without",
              "kind-of", "kinda", "Never", "SO", "This", "LEAST", "At", "uh-uh"]
PHRASES = ["kind of", "sort of", "just enough", "Kind of", "at least", "very least", "the least", "never so",
           "never this", "Never so", "never SO", "not so", "the shit", "hand to mouth", "cut the mustard",
           "kiss of death", "yeah right", "bad ass", "the bomb", "not very", "kind of the", "sort of a", "but not",
           "least at"]
FILLERS = ["the", "a", "I", "and", "is", "x", "report", "Moscow", "NATO", "said", "1", "😀", "İ", "ß", ":)", ":(",
           ":D", "<3", ":-)", "--", "...", "(", ")"]
PUNCT = [""] * 40 + [".", ",", "!", "?", "!!", "???", "?!?", "'", '"', "-", ":", ";", "...", ")", "(",
         ".\"", "!?!?", "#"]
SEPARATORS = [" "] * 12 + ["  ", "\n", "\t", " ! ", " ? ", " but ", "\u00a0"]


@functools.cache
def piece_strategy():
    """One token: a word (weighted towards the words the rules look at), its case, punctuation around it
    and what follows it."""
    word = st.one_of(st.sampled_from(sorted(nltk_analyzer().lexicon)), st.sampled_from(COMMON),
                     st.sampled_from(COMMON), st.sampled_from(RULE_WORDS), st.sampled_from(RULE_WORDS),
                     st.sampled_from(sorted(vader.BOOSTERS)), st.sampled_from(sorted(vader.NEGATE)),
                     st.sampled_from(PHRASES), st.sampled_from(PHRASES), st.sampled_from(FILLERS))
    case = st.sampled_from(["keep", "keep", "keep", "keep", "upper", "title"])
    return st.tuples(word, case, st.sampled_from(PUNCT), st.sampled_from(PUNCT), st.sampled_from(SEPARATORS))


def vader_sentence(pieces: list[tuple[str, str, str, str, str]]) -> str:
    out = []
    for word, case, before, after, separator in pieces:
        word = word.upper() if case == "upper" else word.title() if case == "title" else word
        out.append(before + word + after + separator)
    return "".join(out)


@st.composite
def vader_sentences(draw) -> str:
    return vader_sentence(draw(st.lists(piece_strategy(), max_size=24)))


@settings(max_examples=500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(vader_sentences(), min_size=1, max_size=3))
def test_random_sentences_as_nltk(texts):
    assert_same(texts)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_random_text_as_nltk(text):
    assert_same([text])


# --------------------------------------------------------------------------------------------
# sentence_sentiment: the fast engine's table is NLTK's
# --------------------------------------------------------------------------------------------

def assert_engines_agree(sents: pd.DataFrame) -> int:
    fast = sentiment.sentence_sentiment(sents, roles=None, engine="fast")
    slow = sentiment.sentence_sentiment(sents, roles=None, engine="nltk")
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)
    return len(fast)


def test_engines_agree_on_the_seed(seed_sentences):
    assert assert_engines_agree(seed_sentences) == 45
    pd.testing.assert_frame_equal(sentiment.sentence_sentiment(seed_sentences),
                                  sentiment.sentence_sentiment(seed_sentences, engine="nltk"), check_exact=True)
    assert_engines_agree(seed_sentences.iloc[:0])


def test_unknown_engine(seed_sentences):
    with pytest.raises(ValueError, match="engine"):
        sentiment.sentence_sentiment(seed_sentences, engine="spacy")


@pytest.mark.shared
@needs_shared("corpora", "ukraine_gdelt_txt")
def test_engines_agree_on_gdelt():
    assert assert_engines_agree(sentences(load_articles(CORPORA / "ukraine_gdelt_txt", progress=False))) > 7000


# --------------------------------------------------------------------------------------------
# Every sentence of BBC and Reuters
# --------------------------------------------------------------------------------------------

def corpus_sentences(path) -> list[str]:
    return sentences(load_articles(path, progress=False), progress=False)["text"].tolist()


@pytest.mark.shared
@pytest.mark.parametrize("corpus, at_least", [
    pytest.param("bbc", 40_000, marks=needs_shared("corpora", "bbc")),
    pytest.param("reuters21578.jsonl", 140_000, marks=needs_shared("corpora", "reuters21578.jsonl")),
])
def test_every_sentence_of_bbc_and_reuters(corpus, at_least):
    texts = corpus_sentences(CORPORA / corpus)
    assert len(texts) >= at_least
    began = time.perf_counter()
    expected = reference(texts)
    nltk_seconds = time.perf_counter() - began
    began = time.perf_counter()
    got = vader.score_many(texts)
    fast_seconds = time.perf_counter() - began
    diff = np.abs(got - expected).max(axis=1)
    worst = int(diff.argmax())
    assert diff[worst] <= TOLERANCE, (texts[worst], expected[worst].tolist(), got[worst].tolist())
    print(f"{corpus}: {len(texts):,} sentences, max abs diff {diff.max():g}, "
          f"NLTK {nltk_seconds:.1f} s, fast {fast_seconds:.1f} s")
