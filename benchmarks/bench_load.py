"""Throughput and peak memory of load + paragraphs + sentences on a real corpus.

    python -m benchmarks.bench_load                       # BBC (2,225 articles), 5 runs
    python -m benchmarks.bench_load --corpus ../shared/corpora/reuters21578.jsonl --runs 3

Each run is a fresh process (so imports and caches are paid each time, as a user pays them) pinned
to one core. Reported: the median wall time of the runs, articles per second (articles loaded plus
duplicates, i.e. articles read) and the peak resident memory of the process. Results are printed
and written as JSON to benchmarks/results/.
"""

from __future__ import annotations

import platform
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

from benchmarks.harness import (
    SHARED,
    corpus_missing,
    corpus_parser,
    in_fresh_processes,
    peak_mb,
    pin_to_one_core,
    write_result,
)

DEFAULT_CORPUS = SHARED / "corpora" / "bbc"


def _one_run(corpus: str, queue) -> None:
    pin_to_one_core()
    start = time.perf_counter()
    from analysis import load_articles, paragraphs, sentences
    from analysis.load import load_summary

    arts = load_articles(corpus, progress=False)
    paras = paragraphs(arts, progress=False)
    sents = sentences(paras, progress=False)
    elapsed = time.perf_counter() - start
    counts = load_summary(arts.attrs["load_report"])
    queue.put({"seconds": elapsed, "articles": counts["loaded"] + counts["duplicates"], "loaded": counts["loaded"],
               "paragraphs": len(paras), "sentences": len(sents), "peak_mb": peak_mb()})


def run(corpus: Path, runs: int) -> dict:
    results = in_fresh_processes(_one_run, (str(corpus),), runs)
    seconds = statistics.median(r["seconds"] for r in results)
    first = results[0]
    return {
        "corpus": str(corpus), "runs": runs, "median_seconds": round(seconds, 3),
        "articles": first["articles"], "loaded": first["loaded"], "paragraphs": first["paragraphs"],
        "sentences": first["sentences"], "articles_per_second": round(first["articles"] / seconds, 1),
        "peak_mb": round(max(r["peak_mb"] for r in results), 1),
        "all_seconds": [round(r["seconds"], 3) for r in results],
        "machine": f"{platform.machine()} {platform.python_version()} (1 core pinned)",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = corpus_parser(__doc__.splitlines()[0], DEFAULT_CORPUS, 5)
    args = parser.parse_args(argv)
    if corpus_missing(args.corpus):
        return 2
    result = run(args.corpus, args.runs)
    write_result(f"load_{args.corpus.stem}", result)
    print(f"{result['articles']:,} articles ({result['loaded']:,} loaded), {result['sentences']:,} sentences: "
          f"median {result['median_seconds']} s over {args.runs} runs = {result['articles_per_second']:,} articles/s, "
          f"peak {result['peak_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
