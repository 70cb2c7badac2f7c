"""analysis.sentiment: exact VADER, aggregation arithmetic, target sentiment, evaluation, training."""

from __future__ import annotations

import gzip
import json

import pandas as pd
import pytest

from analysis import charts, load_articles, sentences, sentiment
from analysis.evaluate import (evaluate_sentence_sentiment, evaluate_target_sentiment, is_heldout, macro_f1,
                               newsmtsc_targets)

from conftest import CORPORA, SHARED, needs_shared

NEWSMTSC = SHARED / "eval" / "newsmtsc" / "train.jsonl"


def nltk_analyzer():
    """A fresh NLTK analyzer on the same offline lexicon, independent of the package's cache."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    from analysis.resources import ensure_vader_lexicon

    return SentimentIntensityAnalyzer(lexicon_file=ensure_vader_lexicon())


def assert_exact(sents: pd.DataFrame) -> int:
    scores = sentiment.sentence_sentiment(sents, roles=None)
    analyzer = nltk_analyzer()
    assert len(scores) == len(sents)
    for text, neg, neu, pos, compound in zip(scores["text"], scores["neg"], scores["neu"], scores["pos"], scores["compound"]):
        expected = analyzer.polarity_scores(text)
        assert (neg, neu, pos, compound) == (expected["neg"], expected["neu"], expected["pos"], expected["compound"]), text
    return len(scores)


class TestSentenceSentiment:
    def test_exactly_nltk_on_the_seed(self, seed_sentences):
        assert assert_exact(seed_sentences) == 45

    @needs_shared("corpora", "ukraine_gdelt_txt")
    def test_exactly_nltk_on_a_real_corpus(self):
        arts = load_articles(CORPORA / "ukraine_gdelt_txt")
        assert assert_exact(sentences(arts)) > 7000

    def test_body_only_by_default_and_labels(self, seed_sentences):
        scores = sentiment.sentence_sentiment(seed_sentences)
        assert set(scores["role"]) == {"body"} and len(scores) == 32
        assert list(scores.columns[:7]) == ["article_id", "sent_id", "neg", "neu", "pos", "compound", "label"]
        for compound, label in zip(scores["compound"], scores["label"]):
            assert label == ("positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral")

    @pytest.mark.parametrize("compound, label", [(0.05, "positive"), (0.0499, "neutral"), (-0.05, "negative"),
                                                 (-0.0499, "neutral")])
    def test_thresholds(self, compound, label):
        assert sentiment.label_of(compound) == label


class TestArticleSentiment:
    @pytest.fixture
    def scores(self):
        return pd.DataFrame({
            "article_id": ["a", "a", "a", "a", "b", "b"],
            "sent_id": [0, 1, 2, 3, 0, 1],
            "compound": [0.5, -0.5, -0.5, 0.0, 0.9, 0.1],
            "label": ["positive", "negative", "negative", "neutral", "positive", "positive"],
            "role": ["body", "body", "body", "body", "body", "caption"],
            "text": ["good", "bad one", "bad two", "flat", "great", "caption"],
            "source": ["X", "X", "X", "X", "Y", "Y"],
        })

    def test_arithmetic(self, scores):
        table = sentiment.article_sentiment(scores).set_index("article_id")
        a, b = table.loc["a"], table.loc["b"]
        assert (a["sentences"], a["mean_compound"]) == (4, pytest.approx(-0.125))
        assert (a["share_negative"], a["share_neutral"], a["share_positive"]) == (0.5, 0.25, 0.25)
        assert (a["most_negative"], a["most_negative_compound"]) == ("bad one", -0.5)  # first of the tie
        assert (a["most_positive"], a["most_positive_compound"]) == ("good", 0.5)
        assert (b["sentences"], b["mean_compound"], b["share_positive"]) == (1, 0.9, 1.0)  # caption left out

    def test_grouped_and_with_captions(self, scores):
        grouped = sentiment.article_sentiment(scores, by="source", roles=None).set_index("source")
        assert grouped.loc["Y", "sentences"] == 2 and grouped.loc["Y", "mean_compound"] == pytest.approx(0.5)
        assert grouped.loc["X", "most_negative_article"] == "a"

    def test_never_scores_the_article_as_one_text(self, seed_sentences):
        table = sentiment.article_sentiment(seed_sentences)
        scores = sentiment.sentence_sentiment(seed_sentences)
        assert table["mean_compound"].iloc[0] == pytest.approx(scores["compound"].mean())
        assert table["sentences"].iloc[0] == 32

    def test_adds_article_columns(self, seed_articles, seed_sentences):
        table = sentiment.article_sentiment(seed_sentences, arts=seed_articles)
        assert table["source"].iloc[0] == "RFE/RL" and "text" not in table.columns


class TestExtremesAndTime:
    def test_extremes(self, seed_sentences):
        table = sentiment.extremes(sentiment.sentence_sentiment(seed_sentences), n=2)
        assert table["side"].tolist() == ["most negative"] * 2 + ["most positive"] * 2
        negative = table[table["side"] == "most negative"]["compound"].tolist()
        assert negative == sorted(negative) and negative[0] == pytest.approx(-0.8047)

    def test_over_time(self):
        arts = pd.DataFrame({"article_id": ["a", "b"], "published": pd.to_datetime(["2022-02-01", "2022-03-05"], utc=True)})
        scores = pd.DataFrame({"article_id": ["a", "a", "b"], "compound": [0.2, -0.4, 0.6],
                               "label": ["positive", "negative", "positive"]})
        table = sentiment.over_time(scores, arts, freq="month")
        assert table["period"].tolist() == [pd.Timestamp("2022-02-01"), pd.Timestamp("2022-03-01")]
        assert table["mean_compound"].tolist() == pytest.approx([-0.1, 0.6])
        assert table["se"].iloc[0] == pytest.approx(pd.Series([0.2, -0.4]).std() / 2 ** 0.5)


class TestWhatVaderSees:
    def test_lexicon_gaps(self):
        table = sentiment.lexicon_coverage(["shelling", "bombarded", "killed"]).set_index("word")
        assert not table.loc["shelling", "in_lexicon"] and not table.loc["bombarded", "in_lexicon"]
        assert table.loc["killed", "valence"] == -3.5

    def test_optimism_in_a_sentence_about_shelling(self, seed_sentences):
        text = seed_sentences[seed_sentences["text"].str.startswith("Reports that Russian artillery")]["text"].iloc[0]
        words = sentiment.explain(text)
        assert words.attrs["compound"] > 0.5
        valued = words[words["valence"] != 0]["word"].str.lower().tolist()
        assert valued == ["optimism", "agreement"]


class TestTargetSentiment:
    @pytest.mark.parametrize("text, first, second", [
        ("Kyiv welcomed the generous aid, while Moscow brutally shelled Kharkiv, killing dozens of civilians.",
         "Kyiv", "Moscow"),
        ("Critics accused Putin of war crimes, while they praised Zelensky for his courage and leadership.",
         "Zelensky", "Putin"),
        ("The senator praised Smith as an honest and brilliant leader but called Jones a corrupt liar.", "Smith", "Jones"),
    ])
    def test_opposite_labels_for_two_targets(self, text, first, second):
        rows = pd.DataFrame([{"text": text, "start": text.index(n), "end": text.index(n) + len(n), "who": n}
                             for n in (first, second)])
        result = sentiment.target_sentiment(rows).set_index("who")
        assert result.loc[first, "label"] == "positive" and result.loc[second, "label"] == "negative"
        assert result.loc[first, "score"] > 0 > result.loc[second, "score"]
        sentence_label = sentiment.label_of(nltk_analyzer().polarity_scores(text)["compound"])
        assert {result.loc[first, "label"], result.loc[second, "label"]} - {sentence_label}  # one differs

    def test_output_columns_and_probabilities(self):
        rows = pd.DataFrame({"text": ["Smith resigned on Monday."], "start": [0], "end": [5], "keep": [1]})
        result = sentiment.target_sentiment(rows)
        assert list(result.columns) == ["text", "start", "end", "keep", "p_negative", "p_neutral", "p_positive", "label", "score"]
        assert result[["p_negative", "p_neutral", "p_positive"]].sum(axis=1).iloc[0] == pytest.approx(1.0)

    def test_bad_span(self):
        with pytest.raises(ValueError, match="does not fit"):
            sentiment.target_sentiment(pd.DataFrame({"text": ["short"], "start": [3], "end": [40]}))

    def test_mentions_and_summary(self, seed_sentences):
        mentions = sentiment.mentions_of(seed_sentences, ["Kharkiv", "Borrell"])
        assert mentions.groupby("target").size().to_dict() == {"Borrell": 3, "Kharkiv": 4}
        assert all(t[s:e].lower() in {"kharkiv", "borrell"} for t, s, e in zip(mentions["text"], mentions["start"], mentions["end"]))
        summary = sentiment.target_summary(sentiment.target_sentiment(mentions))
        assert summary["target"].tolist() == ["Kharkiv", "Borrell"]
        assert (summary[["negative", "neutral", "positive"]].sum(axis=1).round(9) == 1).all()

    def test_missing_model_names_the_fix(self, monkeypatch, tmp_path):
        from analysis import config
        from analysis.resources import ResourceMissingError

        sentiment.target_sentiment_model.cache_clear()
        monkeypatch.setattr(config, "RESOURCES_DIR", tmp_path)
        try:
            with pytest.raises(ResourceMissingError, match="python -m analysis.train target-sentiment"):
                sentiment.target_sentiment_model()
        finally:
            monkeypatch.undo()
            sentiment.target_sentiment_model.cache_clear()


@needs_shared("eval", "newsmtsc", "train.jsonl")
class TestHeldOut:
    def test_heldout_slice_is_fixed_and_disjoint_by_article(self):
        targets = newsmtsc_targets(NEWSMTSC)
        held = targets[targets["heldout"]]
        assert len(held) == 1334 and len(targets) == 8739
        assert not set(held["article"]) & set(targets.loc[~targets["heldout"], "article"])

    def test_model_beats_the_sentence_label_on_the_heldout_slice(self):
        result = evaluate_target_sentiment(NEWSMTSC, split="heldout")
        assert result["targets"] == 1334
        assert result["baseline_macro_f1"] == pytest.approx(0.505, abs=0.01)
        assert result["macro_f1"] >= 0.65
        assert result["macro_f1"] >= result["baseline_macro_f1"] + 0.12
        assert int(result["confusion"].to_numpy().sum()) == 1334

    def test_shipped_model_was_trained_on_this_file_without_the_slice(self):
        import hashlib

        from analysis.config import RESOURCES_DIR

        with gzip.open(RESOURCES_DIR / sentiment.MODEL_FILE, "rt") as fh:
            spec = json.load(fh)
        assert spec["training"]["data_sha256"] == hashlib.sha256(NEWSMTSC.read_bytes()).hexdigest()
        assert spec["training"]["targets"] == 8739 - 1334


def synthetic_newsmtsc(path, n=60):
    good = ["praised", "welcomed", "thanked", "applauded"]
    bad = ["attacked", "condemned", "accused", "blamed"]
    lines = []
    for i in range(n):
        verb = (good + bad + ["met", "visited"])[i % 10]
        polarity = 6.0 if verb in good else 2.0 if verb in bad else 4.0
        text = f"The minister {verb} Senator Person{i % 7} on day {i}."
        start = text.index("Senator")
        lines.append(json.dumps({"primary_gid": f"synthetic_{i // 3}_{i}_x", "sentence_normalized": text,
                                 "targets": [{"from": start, "to": start + len(f"Senator Person{i % 7}"),
                                              "mention": "Senator", "polarity": polarity}]}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestTrainingAndEvaluation:
    def test_training_is_reproducible(self, tmp_path):
        from analysis.train import train_target_sentiment, write_model

        data = synthetic_newsmtsc(tmp_path / "tiny.jsonl")
        for name in ("one.json.gz", "two.json.gz"):
            write_model(train_target_sentiment(data, folds=2, grid=(0.1, 1.0), progress=False), tmp_path / name)
        assert (tmp_path / "one.json.gz").read_bytes() == (tmp_path / "two.json.gz").read_bytes()
        with gzip.open(tmp_path / "one.json.gz", "rt") as fh:
            spec = json.load(fh)
        assert spec["classes"] == ["negative", "neutral", "positive"]
        assert spec["training"]["C"] in (0.1, 1.0) and len(spec["weights"]) == 3

    def test_evaluate_cli_on_a_newsmtsc_file(self, tmp_path, capsys):
        from analysis.evaluate import main

        data = synthetic_newsmtsc(tmp_path / "tiny.jsonl", n=20)
        assert main(["target-sentiment", str(data)]) == 0
        out = capsys.readouterr().out
        assert "20 targets" in out and "macro-F1" in out and "confusion" in out

    def test_evaluate_sentence_sentiment(self, tmp_path, capsys):
        from analysis.evaluate import main

        data = tmp_path / "rated.tsv"
        data.write_text("1\t3.2\tWhat a wonderful, happy day!\n2\t-3.5\tThis is a horrible, tragic loss.\n"
                        "3\t0.1\tThe meeting is on Tuesday.\n4\t2.0\tA good result.\n", encoding="utf-8")
        result = evaluate_sentence_sentiment(data)
        assert result["sentences"] == 4 and result["pearson_r"] > 0.9 and result["macro_f1"] == 1.0
        assert main(["sentence-sentiment", str(data)]) == 0
        assert "Pearson r" in capsys.readouterr().out
        bad = tmp_path / "bad.tsv"
        bad.write_text("1\tnot-a-number\ttext\n", encoding="utf-8")
        assert main(["sentence-sentiment", str(bad)]) == 2

    def test_macro_f1(self):
        assert macro_f1(["a", "b", "c"], ["a", "b", "c"], labels=("a", "b", "c")) == 1.0
        assert macro_f1(["a", "a", "b"], ["a", "b", "b"], labels=("a", "b")) == pytest.approx((2 / 3 + 2 / 3) / 2)

    def test_heldout_rule_is_by_article(self):
        assert is_heldout("polusa_v1_3937633_-1_22_A_1_5") == is_heldout("polusa_v1_3937633_-1_30_B_0_3")


class TestCharts:
    def test_arc_marks_non_body(self, seed_sentences):
        import matplotlib

        matplotlib.use("Agg")
        scores = sentiment.sentence_sentiment(seed_sentences, roles=None)
        ax = charts.sentiment_arc(scores)
        labels = ax.get_legend_handles_labels()[1]
        assert {"body sentence", "caption", "promo", "related_link", "boilerplate", "credits"} <= set(labels)
        body = next(c for c in ax.collections if c.get_label() == "body sentence")
        assert len(body.get_offsets()) == 32
