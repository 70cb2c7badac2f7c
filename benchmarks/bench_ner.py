"""Tagging speed of the CRF name tagger on CoNLL-2003 valid.txt (51,362 tokens).

    python -m benchmarks.bench_ner            # 5 runs, one core pinned, model loaded beforehand

Reported: median tokens per second of ``tag_entities`` (features included, cold per-word caches: a
freshly loaded tagger each run, its loading not timed) with each engine, ``numpy`` (the default
decoder) and ``crfsuite`` (python-crfsuite, the reference; identical tags), and peak memory.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from benchmarks.harness import SHARED, peak_mb, pin_to_one_core, write_result

DEFAULT_DATA = SHARED / "eval" / "conll2003" / "valid.txt"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"{args.data} not found (it lives in ../shared/eval/conll2003)")
        return 2
    pin_to_one_core()
    from analysis import ner
    from analysis.evaluate import read_conll

    token_lists = [[token for token, _ in sentence] for sentence in read_conll(args.data)]
    tokens = sum(map(len, token_lists))
    result: dict = {"tokens": tokens, "runs": args.runs}
    for engine in ("numpy", "crfsuite"):
        seconds = []
        for _ in range(args.runs):
            ner.tagger.cache_clear()                 # empty feature caches each run...
            ner.decoder(ner.tagger())                # ...with the model loaded beforehand
            began = time.perf_counter()
            ner.tag_entities(token_lists, engine=engine)
            seconds.append(time.perf_counter() - began)
        median = statistics.median(seconds)
        result[engine] = {"median_seconds": round(median, 3), "tokens_per_second": round(tokens / median)}
    result["peak_mb"] = round(peak_mb(), 1)
    write_result("ner", result)
    for engine in ("numpy", "crfsuite"):
        print(f"{tokens:,} tokens, {engine:>8}: median {result[engine]['median_seconds']} s over {args.runs} runs = "
              f"{result[engine]['tokens_per_second']:,} tokens/s on one core (cold feature caches)")
    print(f"peak {result['peak_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
