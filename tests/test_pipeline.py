"""analysis.pipeline: every table at once, the same whatever the engine, workers or cache."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import actors, developments, load_articles, paragraphs, sentences, sentiment, terms
from analysis import pipeline
from analysis.dates import dates
from analysis.pipeline import BATCH_TABLES, TABLES, analyze, open_tables, tables_for
from analysis.quantities import quantities
from analysis.quotes import quotes

from conftest import CORPORA, FIXTURES, SEEDS, needs_shared


@pytest.fixture(scope="module")
def several():
    """Eleven articles of the hostile and format fixtures, in several formats."""
    return load_articles([FIXTURES / "hostile", FIXTURES / "formats" / "articles.jsonl",
                          FIXTURES / "formats" / "table.csv"])


def assert_same_tables(left, right, names=(*BATCH_TABLES, "terms")):
    for name in names:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def test_every_table_equals_the_function_that_owns_it(tmp_path):
    arts = load_articles(SEEDS)
    tables = analyze(arts, cache=tmp_path, progress=False)
    assert list(tables) == list(TABLES)
    paras = paragraphs(arts)
    sents = sentences(paras)
    found = actors.mentions(sents)
    expected = {
        "paragraphs": paras, "sentences": sents, "sentiment": sentiment.sentence_sentiment(sents, roles=None),
        "mentions": found, "quotes": quotes(sents, mentions=found), "quantities": quantities(sents),
        "dates": dates(sents, arts=arts), "developments": developments.developments(sents, arts=arts),
        "terms": terms.term_frequency(sents, ngram=(1, 2)),
    }
    for name, frame in expected.items():
        pd.testing.assert_frame_equal(tables[name], frame, obj=name)
    assert tables.articles is arts
    assert len(tables.developments) >= 18 and tables.sentences["article_id"].nunique() == 1
    words = tables.terms[tables.terms["n"] == 1].reset_index(drop=True)
    pd.testing.assert_frame_equal(words, terms.term_frequency(sents))      # the words table of notebook 02


def test_rerun_reads_the_cache_and_a_changed_article_recomputes_alone(several, tmp_path, monkeypatch):
    first = analyze(several, cache=tmp_path, progress=False)
    computed: list[str] = []
    original = pipeline.analyze_batch

    def counting(arts):
        computed.extend(arts["article_id"])
        return original(arts)

    monkeypatch.setattr(pipeline, "analyze_batch", counting)
    again = analyze(several, cache=tmp_path, progress=False)
    assert computed == []                                                   # nothing recomputed
    assert_same_tables(first, again)

    changed = several.copy()
    changed.loc[changed.index[2], "published"] = pd.Timestamp("2022-03-05", tz="UTC")
    third = analyze(changed, cache=tmp_path, progress=False)
    assert computed == [several["article_id"].iloc[2]]                      # only the changed article
    pd.testing.assert_frame_equal(third.developments, analyze(changed, cache=False, progress=False).developments)

    computed.clear()
    reordered = several.iloc[::-1].reset_index(drop=True)
    backwards = analyze(reordered, cache=tmp_path, progress=False)
    assert computed == []                                                   # other order, same cache
    assert list(dict.fromkeys(backwards.sentences["article_id"])) == list(reordered["article_id"])
    pd.testing.assert_frame_equal(backwards.sentences, sentences(reordered))


def test_process_pool_gives_the_same_tables(several, monkeypatch):
    monkeypatch.setattr(pipeline, "MIN_PARALLEL", 1)
    alone = analyze(several, cache=False, workers=1, progress=False)
    pooled = analyze(several, cache=False, workers=2, batch_size=3, progress=False)
    assert_same_tables(alone, pooled)


def _in_new_process(code: str) -> list[str]:
    import subprocess
    import sys

    from conftest import REPO

    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_a_worker_imports_nltk_without_scipy_and_scipy_stays_importable():
    pytest.importorskip("scipy")
    out = _in_new_process(
        "import sys; from analysis.worker import prepare; prepare(); a = sys.modules['nltk.metrics.association']; "
        "print('nltk' in sys.modules, 'scipy' in sys.modules, 'sklearn' in sys.modules, a.fisher_exact.__module__); "
        "import scipy.stats; print('scipy' in sys.modules)")
    assert out == ["True", "False", "False", "nltk.metrics.association", "True"]


def test_a_worker_that_has_scipy_already_keeps_it_for_nltk():
    pytest.importorskip("scipy")
    out = _in_new_process(
        "import sys, scipy.stats; from analysis.worker import prepare; prepare(); "
        "print(sys.modules['nltk.metrics.association'].fisher_exact.__module__.split('.')[0])")
    assert out == ["scipy"]


def test_the_user_process_is_not_prepared():
    out = _in_new_process("import sys; import analysis.pipeline, analysis.worker; print('nltk' in sys.modules)")
    assert out == ["False"]


def test_dask_engine_on_a_local_cluster_gives_the_same_tables(several):
    pytest.importorskip("dask.distributed")
    from dask.distributed import Client, LocalCluster

    local = analyze(several, cache=False, workers=1, progress=False)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        distributed = analyze(several, engine="dask", scheduler=client, cache=False, batch_size=4, progress=False)
        assert len(client.scheduler_info()["workers"]) == 2
    assert_same_tables(local, distributed)


def test_saved_tables_open_as_they_were(several, tmp_path):
    tables = analyze(several, cache=False, progress=False)
    folder = tables.save(tmp_path / "tables")
    reopened = open_tables(folder)
    assert_same_tables(tables, reopened)
    pd.testing.assert_frame_equal(reopened.articles, several)
    pd.testing.assert_frame_equal(reopened.articles.attrs["load_report"], several.attrs["load_report"])
    pd.testing.assert_frame_equal(tables_for(tables=folder).sentences, tables.sentences)
    summary = tables.summary().set_index("table")
    assert summary.loc["sentences", "rows"] == len(tables.sentences)


def test_duplicate_article_ids_with_other_metadata(tmp_path):
    arts = load_articles(SEEDS)
    arts.attrs = {}                                  # pandas cannot compare load reports when concatenating
    twice = pd.concat([arts, arts.assign(published=pd.Timestamp("2022-03-01", tz="UTC"))], ignore_index=True)
    tables = analyze(twice, cache=tmp_path, progress=False)
    assert len(tables.sentences) == 2 * len(sentences(arts))
    once = analyze(arts, cache=False, progress=False).developments
    assert len(tables.developments) == 2 * len(once)
    undated = tables.developments[tables.developments["date_text"].isna()]["date"]     # from publication day
    assert set(undated) == {pd.Timestamp("2022-02-28"), pd.Timestamp("2022-03-01")}


def test_rows_follow_the_articles_when_batches_run_out_of_order():
    """An id met again (with other metadata) is computed in a later batch than the article after
    it; the tables still follow the articles' order, as one call on the corpus gives them."""
    arts = load_articles(SEEDS)
    arts.attrs = {}
    later = arts.assign(published=pd.Timestamp("2022-03-01", tz="UTC"))
    other = arts.assign(article_id="other", text="Kyiv was shelled on Monday, officials said.")
    three = pd.concat([arts, later, other], ignore_index=True)
    tables = analyze(three, cache=False, workers=1, batch_size=1, progress=False)
    expected = pd.concat([sentences(part) for part in (arts, later, other)], ignore_index=True)
    assert expected["article_id"].iloc[-1] == "other" and expected["article_id"].iloc[0] != "other"
    pd.testing.assert_frame_equal(tables.sentences, expected)
    ledgers = [developments.developments(sentences(part), arts=part) for part in (arts, later, other)]
    columns = ["article_id", "sent_id", "category", "date", "claimant"]
    expected = pd.concat(ledgers, ignore_index=True)[columns].astype(tables.developments[columns].dtypes)
    pd.testing.assert_frame_equal(tables.developments[columns], expected)
    assert tables.developments["article_id"].tolist()[-1] == "other"

def test_bad_arguments():
    arts = load_articles(SEEDS)
    with pytest.raises(ValueError, match="engine"):
        analyze(arts, engine="spark")
    with pytest.raises(ValueError, match="load_articles"):
        analyze(pd.DataFrame({"x": [1]}))
    with pytest.raises(FileNotFoundError, match="articles.parquet"):
        open_tables(FIXTURES)


@pytest.mark.shared
@needs_shared("corpora", "ukraine_gdelt_txt")
def test_gdelt_pool_equals_one_process(tmp_path):
    arts = load_articles(CORPORA / "ukraine_gdelt_txt")
    alone = analyze(arts, cache=False, workers=1, progress=False)
    pooled = analyze(arts, cache=tmp_path, workers=2, progress=False)
    assert_same_tables(alone, pooled)
    assert_same_tables(pooled, analyze(arts, cache=tmp_path, progress=False))


def test_cache_summary_and_pruning(tmp_path, capsys):
    import os

    from analysis.cli import main
    from analysis.pipeline import cache_summary, pipeline_version, prune_cache

    arts = load_articles(SEEDS)
    analyze(arts, cache=tmp_path, progress=False)
    old = tmp_path / "0123456789abcdef" / "parts" / "aa"
    old.mkdir(parents=True)
    (old / "keys.json").write_text('["k1", "k2", "k3"]', encoding="utf-8")
    (old / "sentences.parquet").write_bytes(b"x" * 2048)
    parts = tmp_path / pipeline_version() / "parts"
    stale = parts / ".deadbeef.4194305.tmp"            # a staging folder of a process that is gone
    live = parts / f".cafe.{os.getpid()}.tmp"            # one being written now
    stale.mkdir()
    live.mkdir()
    summary = cache_summary(tmp_path).set_index("version")
    assert summary.loc[pipeline_version(), "current"] and summary.loc[pipeline_version(), "articles"] == len(arts)
    assert not summary.loc["0123456789abcdef", "current"] and summary.loc["0123456789abcdef", "articles"] == 3
    assert summary.loc[pipeline_version(), "parts"] == 1        # staging folders are not parts

    assert prune_cache(tmp_path) >= 2048
    assert not old.parent.parent.exists() and not stale.exists() and live.exists()
    assert list(cache_summary(tmp_path)["version"]) == [pipeline_version()]
    computed = analyze(arts, cache=tmp_path, progress=False)                  # still read from the cache
    pd.testing.assert_frame_equal(computed.sentences, sentences(arts))

    assert main(["cache", "--dir", str(tmp_path)]) == 0
    assert pipeline_version() in capsys.readouterr().out
    assert main(["cache", "--dir", str(tmp_path), "--clear"]) == 0
    assert "the cache is empty" in capsys.readouterr().out and not any(tmp_path.iterdir())


def test_batches_shrink_towards_the_end_and_keep_every_article_once():
    from analysis.pipeline import _batch_lengths, _batches

    lengths = _batch_lengths(2127, 2, 133, shrink=True)
    assert sum(lengths) == 2127 and lengths[:13] == [133] * 13
    assert all(a >= b for a, b in zip(lengths[12:-1], lengths[13:-1])) and min(lengths) >= 16
    assert lengths[-1] < 40 and _batch_lengths(2127, 2, 133, shrink=False) == [133] * 15 + [132]
    assert _batch_lengths(20, 2, 16, shrink=True) == [20] and _batch_lengths(0, 2, 16, shrink=True) == []
    # an id met again with other metadata goes to a later batch; input order otherwise
    arts = pd.DataFrame({"article_id": [f"a{i % 90}" for i in range(100)], "text": ["x"] * 100,
                         "_key": [f"k{i}" for i in range(100)]})
    batches = _batches(arts, 2, None)
    assert [len(b) for b in batches] == [16, 16, 16, 16, 26, 10]       # round 2: the ids met again
    assert all(b["article_id"].is_unique for b in batches)
    assert sorted(k for b in batches for k in b["_key"]) == sorted(arts["_key"])
    assert list(batches[-1]["_key"]) == [f"k{i}" for i in range(90, 100)]
