"""analysis.terms: counts checked by hand on the seed, n-gram rules, distinctive terms, KWIC, trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import charts, sentences, terms
from analysis.resources import stopwords


def corpus(*docs, titles=None, sources=None, published=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A small articles table and its sentences, from texts written in the test."""
    n = len(docs)
    arts = pd.DataFrame({
        "article_id": [f"a{i}" for i in range(n)],
        "title": titles or [None] * n,
        "text": list(docs),
        "source": sources or ["S"] * n,
        "published": pd.to_datetime(published or [None] * n, utc=True),
    })
    return arts, sentences(arts)


def count_of(tf: pd.DataFrame, term: str) -> int:
    rows = tf.loc[tf["term"] == term, "count"]
    return int(rows.iloc[0]) if len(rows) else 0


class TestTermFrequency:
    def test_seed_body_counts_checked_by_hand(self, seed_sentences):
        # grep -oi finds "Russian" 22 times in the file: 1 in the title, 2 in the photo caption,
        # 1 in a video title (promo), 18 in body paragraphs.
        body = terms.term_frequency(seed_sentences, ngram=(1, 2), roles=("body",))
        assert count_of(body, "russian") == 18
        assert count_of(body, "kharkiv") == 4       # paragraphs 3, 21, 23, 24
        assert count_of(body, "talks") == 5         # paragraphs 2, 3, 5, 9, 12
        assert count_of(body, "rocket strikes") == 2  # "56 rocket strikes", "rocket strikes by Russian forces"
        assert count_of(body, "zelenskiy") == 4
        default = terms.term_frequency(seed_sentences)
        assert count_of(default, "russian") == 19   # title + body
        everything = terms.term_frequency(seed_sentences, roles=None)
        assert count_of(everything, "russian") == 22

    def test_columns_and_shares(self, seed_sentences):
        tf = terms.term_frequency(seed_sentences, ngram=(1, 2))
        assert list(tf.columns) == ["term", "n", "count", "doc_count", "share"]
        assert tf.groupby("n")["share"].sum().round(9).tolist() == [1.0, 1.0]
        assert (tf["doc_count"] == 1).all()
        assert tf["count"].is_monotonic_decreasing
        assert tf.iloc[0]["term"] == "russian"

    def test_stopwords_never_start_or_end_an_ngram(self, seed_sentences):
        stops = stopwords()
        tf = terms.term_frequency(seed_sentences, ngram=(1, 3))
        words = tf["term"].str.split()
        assert not words.str[0].isin(stops).any()
        assert not words.str[-1].isin(stops).any()
        four = terms.term_frequency(seed_sentences, ngram=4)
        assert count_of(four, "head of the russian") == 1   # inner stopwords are fine
        assert count_of(tf, "of the russian") == 0 and count_of(tf, "head of the") == 0
        assert count_of(terms.term_frequency(seed_sentences, ngram=3), "round of talks") == 1
        kept = terms.term_frequency(seed_sentences, stopwords=False)
        assert count_of(kept, "the") > 30

    def test_no_ngram_across_sentences_or_punctuation(self):
        _, sents = corpus("Talks ended in Kyiv. Moscow responded with strikes. Kyiv, Moscow and Minsk met.")
        bigrams = terms.term_frequency(sents, ngram=2)
        assert count_of(bigrams, "kyiv moscow") == 0
        assert count_of(bigrams, "moscow responded") == 1
        assert count_of(bigrams, "talks ended") == 1

    def test_numbers_break_ngrams_and_are_not_terms(self):
        _, sents = corpus("Russia fired 113 cruise missiles and 56 rocket strikes followed.")
        tf = terms.term_frequency(sents, ngram=(1, 2))
        assert count_of(tf, "113") == 0 and count_of(tf, "fired cruise") == 0
        assert count_of(tf, "cruise missiles") == 1

    def test_possessives_hyphens_and_initials(self):
        _, sents = corpus("Russia\u2019s no-fly zone. The U.S. and Russia's allies disagree.")
        tf = terms.term_frequency(sents)
        assert count_of(tf, "russia") == 2
        assert count_of(tf, "no-fly") == 1
        assert count_of(tf, "u.s.") == 1

    def test_phrases_kept_whole(self, seed_sentences):
        tf = terms.term_frequency(seed_sentences, phrases=["cruise missiles", "No-fly zone", "Vladimir Putin"])
        assert count_of(tf, "no-fly zone") == 2
        assert count_of(tf, "vladimir putin") == 2
        assert count_of(tf, "cruise missiles") == 1
        assert count_of(tf, "cruise") == 0    # its only occurrence went into the phrase
        assert count_of(tf, "missiles") == 1  # "a no-fly zone for Russian missiles" stays a word
        assert count_of(tf, "putin") == 1     # "Putin told Macron..."
        assert tf["share"].sum() == pytest.approx(1.0)

    def test_auto_phrases(self, seed_sentences):
        found = terms.find_phrases(seed_sentences, min_count=2)
        assert {"no-fly zone", "rocket strikes", "vladimir putin"} <= set(found["term"])
        assert count_of(terms.term_frequency(seed_sentences, phrases=found["term"]), "rocket strikes") == 2
        auto = terms.term_frequency(seed_sentences, phrases="auto")  # pairs seen three times or more
        assert count_of(auto, "russian soldiers") == 3 and count_of(auto, "rocket strikes") == 0

    def test_by_article_column_and_period(self):
        arts, sents = corpus("Kyiv was shelled. Kyiv held.", "Kyiv talks began.", "Moscow talks ended.",
                             sources=["A", "A", "B"], published=["2022-02-24", "2022-03-02", "2022-03-03"])
        tf = terms.term_frequency(sents, by="source", arts=arts)
        assert tf.loc[tf["term"] == "kyiv", ["source", "count", "doc_count"]].values.tolist() == [["A", 3, 2]]
        monthly = terms.term_frequency(sents, by="month", arts=arts)
        talks = monthly[monthly["term"] == "talks"]
        assert talks[["month", "count"]].values.tolist() == [[pd.Timestamp("2022-03-01"), 2]]
        with pytest.raises(KeyError, match="pass arts="):
            terms.term_frequency(sents, by="source_name")

    def test_min_count_and_bad_ngram(self, seed_sentences):
        assert terms.term_frequency(seed_sentences, min_count=5)["count"].min() == 5
        with pytest.raises(ValueError, match="ngram"):
            terms.term_frequency(seed_sentences, ngram=(2, 1))


class TestDistinctiveTerms:
    @pytest.fixture
    def toy(self):
        # Group A talks about apples, group B about cherries, both about bananas.
        docs = ["apple apple apple banana grape", "apple apple banana", "cherry cherry cherry banana grape",
                "cherry cherry banana"]
        return corpus(*docs, sources=["A", "A", "B", "B"])

    @pytest.mark.parametrize("method", ["log_odds", "log_likelihood", "tfidf"])
    def test_known_answer(self, toy, method):
        arts, sents = toy
        dist = terms.distinctive_terms(sents, by="source", arts=arts, method=method, min_count=1, top=None)
        a = dist[dist["source"] == "A"].set_index("term")["score"]
        b = dist[dist["source"] == "B"].set_index("term")["score"]
        assert a.idxmax() == "apple" and b.idxmax() == "cherry"
        if method != "tfidf":
            assert a["apple"] > 0 > a["cherry"]          # sign: over-used positive, under-used negative
            assert a["apple"] > a["banana"] > a["cherry"]  # order
            assert a["banana"] == pytest.approx(0.0, abs=0.5)
            assert a["apple"] == pytest.approx(b["cherry"])  # the two groups mirror each other

    def test_log_odds_shrinks_rare_terms(self):
        docs = ["war " * 50 + "zeppelin", "war " * 50 + "peace " * 20]
        arts, sents = corpus(*docs, sources=["A", "B"])
        dist = terms.distinctive_terms(sents, by="source", arts=arts, min_count=1, top=None)
        b = dist[dist["source"] == "B"].set_index("term")["score"]
        a = dist[dist["source"] == "A"].set_index("term")["score"]
        assert b["peace"] > a["zeppelin"] > 0

    def test_top_rank_and_columns(self, toy):
        arts, sents = toy
        dist = terms.distinctive_terms(sents, by="source", arts=arts, min_count=1, top=2)
        assert list(dist.columns) == ["source", "term", "n", "score", "count", "count_other", "share",
                                      "share_other", "rank", "group_total"]
        assert dist.groupby("source")["rank"].apply(list).to_dict() == {"A": [1, 2], "B": [1, 2]}
        apple = dist[dist["term"] == "apple"].iloc[0]
        assert (apple["count"], apple["count_other"], apple["group_total"]) == (5, 0, 8)  # apple 5, banana 2, grape 1

    def test_errors(self, toy, seed_sentences):
        arts, sents = toy
        with pytest.raises(ValueError, match="method"):
            terms.distinctive_terms(sents, by="source", arts=arts, method="chi2")
        with pytest.raises(ValueError, match="at least two groups"):
            terms.distinctive_terms(seed_sentences, by="role", roles=("body",))


class TestCollocations:
    def test_seed_pairs(self, seed_sentences):
        coll = terms.collocations(seed_sentences, min_count=2)
        assert list(coll.columns) == ["term", "n", "score", "count", "measure"]
        assert coll.iloc[0]["term"] == "no-fly zone"
        assert {"rocket strikes", "vladimir putin", "wealth fund"} <= set(coll["term"])
        assert (coll["count"] >= 2).all() and coll["score"].is_monotonic_decreasing

    @pytest.mark.parametrize("measure", ["pmi", "chi_sq", "student_t", "likelihood_ratio"])
    def test_measures(self, seed_sentences, measure):
        coll = terms.collocations(seed_sentences, min_count=2, measure=measure)
        assert len(coll) > 5 and set(coll["measure"]) == {measure}

    def test_trigrams_and_errors(self, seed_sentences):
        tri = terms.collocations(seed_sentences, n=3, min_count=2)
        assert "president vladimir putin" in set(tri["term"])
        with pytest.raises(ValueError, match="measure"):
            terms.collocations(seed_sentences, measure="magic")
        with pytest.raises(ValueError, match="n must be"):
            terms.collocations(seed_sentences, n=5)


class TestKeywordInContext:
    def test_offsets_reproduce_the_match(self, seed_articles, seed_sentences):
        kwic = terms.keyword_in_context(seed_sentences, "kharkiv")
        text = seed_articles["text"].iloc[0]
        assert len(kwic) == 4
        assert all(text[s:e] == m for s, e, m in zip(kwic["start"], kwic["end"], kwic["match"]))
        assert set(kwic["match"]) == {"Kharkiv"}
        first = kwic.iloc[0]
        assert first["left"].endswith("second-largest city,") and first["right"].startswith(", tempered")

    def test_phrase_regex_and_case(self, seed_sentences):
        assert len(terms.keyword_in_context(seed_sentences, "rocket   strikes")) == 2
        assert len(terms.keyword_in_context(seed_sentences, r"\bcease-?fire\b", regex=True)) == 1
        assert len(terms.keyword_in_context(seed_sentences, "kharkiv", case=True)) == 0
        assert len(terms.keyword_in_context(seed_sentences, "Russian", roles=None)) == 22
        with pytest.raises(ValueError):
            terms.keyword_in_context(seed_sentences, "  ")

    def test_whole_words_only(self):
        _, sents = corpus("Russians and Russia met in Russia's capital.")
        assert terms.keyword_in_context(sents, "russia")["match"].tolist() == ["Russia", "Russia"]


class TestTrend:
    def test_counts_per_period_with_gaps_filled(self):
        arts, sents = corpus("Kharkiv was shelled. Kharkiv burned.", "Talks in Minsk.", "Kharkiv again and cruise missiles.",
                             published=["2022-01-03", "2022-01-05", "2022-03-10"])
        tr = terms.trend(sents, ["Kharkiv", "cruise missiles"], freq="month", arts=arts)
        assert tr["period"].drop_duplicates().tolist() == [pd.Timestamp("2022-01-01"), pd.Timestamp("2022-02-01"),
                                                            pd.Timestamp("2022-03-01")]
        kharkiv = tr[tr["term"] == "kharkiv"]
        assert kharkiv["count"].tolist() == [2, 0, 1]
        assert kharkiv["words"].tolist() == [8, 0, 5]  # "Kharkiv was shelled" + "Kharkiv burned" + "Talks in Minsk"
        assert kharkiv["per_10k"].iloc[0] == pytest.approx(1e4 * 2 / 8)
        assert tr[tr["term"] == "cruise missiles"]["count"].tolist() == [0, 0, 1]

    def test_needs_dates(self, seed_sentences):
        with pytest.raises(KeyError, match="published"):
            terms.trend(seed_sentences, ["kyiv"])
        with pytest.raises(ValueError, match="freq"):
            terms.trend(seed_sentences, ["kyiv"], freq="fortnight")


class TestSuggestions:
    def test_period_and_grouping(self):
        arts, _ = corpus("a b c.", "d e f.", sources=["X", "X"], published=["2022-01-01", "2022-01-20"])
        assert terms.suggest_period(arts) == "day"
        assert terms.suggest_grouping(arts) == "day"
        arts["source"] = ["X", "Y"]
        assert terms.suggest_grouping(arts) == "source"
        assert terms.suggest_period(arts.iloc[:1]) is None


class TestCharts:
    def test_word_cloud_repeatable_and_phrases_whole(self, seed_sentences):
        tf = terms.term_frequency(seed_sentences, phrases=["no-fly zone", "cruise missiles"])
        one = charts.word_cloud_image(tf, random_state=7).to_array()
        two = charts.word_cloud_image(tf, random_state=7).to_array()
        other = charts.word_cloud_image(tf, random_state=8).to_array()
        assert np.array_equal(one, two) and not np.array_equal(one, other)
        assert "no-fly zone" in charts.word_cloud_image(tf, random_state=7).words_

    def test_word_cloud_draws_cyrillic(self):
        tf = pd.DataFrame({"term": ["\u041a\u0438\u0435\u0432", "\u0425\u0430\u0440\u044c\u043a\u043e\u0432"], "count": [5, 3]})
        image = charts.word_cloud_image(tf, random_state=0).to_array()
        assert (image < 250).any()  # glyphs drawn, not empty boxes only

    def test_chart_helpers_return_axes(self, seed_sentences, tmp_path):
        import matplotlib

        matplotlib.use("Agg")
        tf = terms.term_frequency(seed_sentences)
        ax = charts.term_bars(tf, top=10)
        assert [t.get_text() for t in ax.get_yticklabels()][-1] == "russian"
        png, csv = charts.save_with_table(ax, tf.head(10), tmp_path / "top_terms")
        assert png.stat().st_size > 1000 and pd.read_csv(csv)["term"].iloc[0] == "russian"
        arts, sents = corpus("apple apple banana.", "cherry cherry banana.", sources=["A", "B"],
                             published=["2022-01-01", "2022-02-01"])
        dist = terms.distinctive_terms(sents, by="source", arts=arts, min_count=1)
        ax = charts.distinctive_bars(dist)
        assert "A" in ax.get_title() and "B" in ax.get_title()
        ax = charts.trend_lines(terms.trend(sents, ["apple", "cherry"], freq="M", arts=arts))
        assert [line.get_label() for line in ax.get_lines()] == ["apple", "cherry"]


def test_article_term_counts_are_term_frequency_per_article(seed_sentences):
    from analysis.terms import article_term_counts

    lean = article_term_counts(seed_sentences)
    full = terms.term_frequency(seed_sentences, ngram=(1, 2), by="article_id")
    assert list(lean.columns) == ["article_id", "term", "n", "count"]
    merged = lean.merge(full, on=["article_id", "term"], how="outer", suffixes=("", "_tf"), indicator=True)
    assert (merged["_merge"] == "both").all() and len(lean) == len(full)
    assert (merged["count"] == merged["count_tf"]).all() and (merged["n"] == merged["n_tf"]).all()
    assert lean.set_index("term").loc["rocket strikes", "count"] == 2


@pytest.mark.parametrize("ngram", [(1, 2), (1, 1), (2, 2), (1, 3)])
def test_article_term_counts_with_sentences_out_of_article_order(ngram):
    from analysis.terms import article_term_counts

    _, sents = corpus("Rocket strikes hit Kyiv. The rocket strikes went on.",
                      "Talks in Istanbul stalled. Rocket strikes resumed near Kyiv.")
    # the second article's first sentence comes between the first article's two
    order = [0, 2, 1, 3] if len(sents) == 4 else None
    assert order is not None, sents[["article_id", "text"]]
    shuffled = sents.iloc[order].reset_index(drop=True)
    lean = article_term_counts(shuffled, ngram=ngram)
    full = terms.term_frequency(sents, ngram=ngram, by="article_id")
    counted = {(a, t): c for a, t, c in zip(lean["article_id"], lean["term"], lean["count"])}
    assert counted == {(a, t): c for a, t, c in zip(full["article_id"], full["term"], full["count"])}
    assert (lean["n"] == lean["term"].str.count(" ") + 1).all()
    # articles in order of first appearance, each one's terms in order of first use
    assert list(dict.fromkeys(lean["article_id"])) == ["a0", "a1"]
    first = lean[lean["article_id"] == "a0"]["term"].tolist()
    expected = ["rocket", "strikes", "hit"] if ngram[0] == 1 else ["rocket strikes", "strikes hit", "hit kyiv"]
    assert first[:3] == expected
    if ngram == (1, 2):
        assert counted[("a0", "rocket strikes")] == 2 and counted[("a1", "rocket strikes")] == 1
        assert lean[lean["article_id"] == "a1"]["term"].tolist()[:3] == ["talks", "istanbul", "stalled"]
