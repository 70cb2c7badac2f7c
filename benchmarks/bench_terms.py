"""Throughput and peak memory of term_frequency (1-2 grams) and distinctive_terms on Reuters-21578.

    python -m benchmarks.bench_terms                # 3 runs on ../shared/corpora/reuters21578.jsonl

Each run is a fresh process pinned to one core. It loads the corpus and splits it into sentences
(timed, reported apart), then times ``term_frequency(sents, ngram=(1, 2))`` and
``distinctive_terms(sents, by="topic")`` (the story's first Reuters topic). Reported: the median
seconds of each, articles per second (stories with a body), and the peak resident memory.
"""

from __future__ import annotations

import statistics
import time

from benchmarks.harness import (
    SHARED,
    corpus_missing,
    corpus_parser,
    in_fresh_processes,
    peak_mb,
    pin_to_one_core,
    write_result,
)

DEFAULT_CORPUS = SHARED / "corpora" / "reuters21578.jsonl"


def _one_run(corpus: str, queue) -> None:
    pin_to_one_core()
    from analysis import load_articles, sentences, terms
    from analysis.load import load_summary

    start = time.perf_counter()
    arts = load_articles(corpus, progress=False)
    sents = sentences(arts, progress=False)
    prepared = time.perf_counter()
    tf = terms.term_frequency(sents, ngram=(1, 2))
    counted = time.perf_counter()
    topics = arts.assign(topic=arts["topics"].map(lambda t: t[0] if isinstance(t, list) and t else "none"))
    dist = terms.distinctive_terms(sents, by="topic", arts=topics)
    done = time.perf_counter()
    counts = load_summary(arts.attrs["load_report"])
    queue.put({
        "articles": counts["loaded"] + counts["duplicates"], "load_and_sentences": prepared - start,
        "term_frequency": counted - prepared, "distinctive_terms": done - counted, "terms": len(tf),
        "distinctive_rows": len(dist), "peak_mb": peak_mb(),
    })


def main(argv: list[str] | None = None) -> int:
    parser = corpus_parser(__doc__.splitlines()[0], DEFAULT_CORPUS, 3)
    args = parser.parse_args(argv)
    if corpus_missing(args.corpus):
        return 2
    results = in_fresh_processes(_one_run, (str(args.corpus),), args.runs)
    articles = results[0]["articles"]
    summary = {"corpus": str(args.corpus), "runs": args.runs, "articles": articles,
               "peak_mb": round(max(r["peak_mb"] for r in results), 1), "terms": results[0]["terms"]}
    for step in ("load_and_sentences", "term_frequency", "distinctive_terms"):
        seconds = statistics.median(r[step] for r in results)
        summary[step] = {"median_seconds": round(seconds, 2), "articles_per_second": round(articles / seconds, 1)}
    write_result("terms_reuters", summary)
    for step in ("load_and_sentences", "term_frequency", "distinctive_terms"):
        print(f"{step:>20}: {summary[step]['median_seconds']:>6} s  {summary[step]['articles_per_second']:>8,} articles/s")
    print(f"{articles:,} stories, {summary['terms']:,} distinct 1-2-grams, peak {summary['peak_mb']} MB "
          f"(median of {args.runs} runs, one core)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
