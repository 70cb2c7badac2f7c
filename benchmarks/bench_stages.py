"""Throughput of each analysis stage on one core, on the BBC corpus (2,225 articles).

    python -m benchmarks.bench_stages                  # BBC, 3 runs, one core pinned
    python -m benchmarks.bench_stages --runs 5 --corpus ../shared/corpora/bbc

Each run is a fresh process pinned to one core (imports, lexicons and models are paid each time, as
a user pays them). It loads the corpus once (not timed), then times each stage on its own, in the
order a pipeline calls them:

    paragraphs(arts); sentences(paras); tokens(sents)
    actors.mentions(sents)                      title + body (the default, as analysis.pipeline calls it)
    quotes.quotes(sents, mentions=men)          body
    quantities.quantities(sents)                body
    dates.dates(sents, arts=arts)               title + body
    ner.tag_entities(token lists)               title + body sentences, cold feature caches

``mentions`` is the first stage to need the name tagger, so it pays for loading the model, as a
user does. ``tag_entities`` is timed last, on a freshly loaded tagger (its per-word feature caches
empty, the model loaded beforehand), so that neither it nor ``mentions`` profits from the other's
caches. Reported per stage: the median wall seconds over the runs and articles per second
(articles in the table: BBC has 98 duplicates, so 2,127 of the 2,225 files), with the median CPU
seconds of the process beside them (when other work shares the core, wall time grows and CPU time
much less); tokens per second for ``tag_entities``; and the peak resident memory. Results are
printed and written to benchmarks/results/stages_<corpus>.json.
"""

from __future__ import annotations

import platform
import statistics
import time
from datetime import UTC, datetime
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
STAGES = ("paragraphs", "sentences", "tokens", "mentions", "quotes", "quantities", "dates", "tag_entities")


def _one_run(corpus: str, queue) -> None:
    pin_to_one_core()
    from analysis import load_articles, ner, paragraphs, sentences, tokens
    from analysis.actors import mentions
    from analysis.dates import dates
    from analysis.load import load_summary
    from analysis.quantities import quantities
    from analysis.quotes import quotes
    from analysis.text import select_roles, token_spans

    arts = load_articles(corpus, progress=False)
    counts = load_summary(arts.attrs["load_report"])
    seconds: dict[str, float] = {}
    cpu_seconds: dict[str, float] = {}
    sizes: dict[str, int] = {}

    def timed(name, fn, *args, **kwargs):
        began, cpu = time.perf_counter(), time.process_time()
        result = fn(*args, **kwargs)
        seconds[name] = time.perf_counter() - began
        cpu_seconds[name] = time.process_time() - cpu
        sizes[name] = len(result)
        return result

    paras = timed("paragraphs", paragraphs, arts, progress=False)
    sents = timed("sentences", sentences, paras, progress=False)
    timed("tokens", tokens, sents, progress=False)
    men = timed("mentions", mentions, sents, progress=False)
    timed("quotes", quotes, sents, mentions=men)
    timed("quantities", quantities, sents)
    timed("dates", dates, sents, arts=arts)
    texts = select_roles(sents, ("title", "body"))["text"].tolist()
    token_lists = [[text[s:e] for s, e in token_spans(text)] for text in texts]
    ner.tagger.cache_clear()   # a fresh tagger: empty feature caches...
    ner.tagger()               # ...with the model loaded beforehand (as benchmarks/bench_ner.py does)
    timed("tag_entities", ner.tag_entities, token_lists)
    queue.put({"articles": len(arts), "files": counts["loaded"] + counts["duplicates"], "seconds": seconds,
               "cpu_seconds": cpu_seconds, "rows": sizes, "tokens": sum(map(len, token_lists)), "peak_mb": peak_mb()})


def run(corpus: Path, runs: int) -> dict:
    results = in_fresh_processes(_one_run, (str(corpus),), runs)
    first = results[0]
    articles = first["articles"]
    stages = {}
    for name in STAGES:
        median = statistics.median(r["seconds"][name] for r in results)
        cpu = statistics.median(r["cpu_seconds"][name] for r in results)
        stages[name] = {"median_seconds": round(median, 3), "articles_per_second": round(articles / median, 1),
                        "median_cpu_seconds": round(cpu, 3), "rows": first["rows"][name],
                        "all_seconds": [round(r["seconds"][name], 3) for r in results]}
    stages["tag_entities"]["tokens"] = first["tokens"]
    stages["tag_entities"]["tokens_per_second"] = round(first["tokens"] / stages["tag_entities"]["median_seconds"])
    return {
        "corpus": str(corpus), "runs": runs, "articles": articles, "files": first["files"], "stages": stages,
        "peak_mb": round(max(r["peak_mb"] for r in results), 1),
        "machine": f"{platform.machine()} {platform.python_version()} (1 core pinned)",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = corpus_parser(__doc__.splitlines()[0], DEFAULT_CORPUS, 3)
    args = parser.parse_args(argv)
    if corpus_missing(args.corpus):
        return 2
    result = run(args.corpus, args.runs)
    write_result(f"stages_{args.corpus.stem}", result)
    print(f"{result['articles']:,} articles ({result['files']:,} files) on one core, median of {args.runs} runs:")
    for name, stage in result["stages"].items():
        extra = f"  {stage['tokens_per_second']:>9,} tokens/s" if "tokens_per_second" in stage else ""
        print(f"{name:>14}: {stage['median_seconds']:>7.3f} s  {stage['articles_per_second']:>9,.1f} articles/s"
              f"  (cpu {stage['median_cpu_seconds']:.3f} s){extra}")
    print(f"peak {result['peak_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
