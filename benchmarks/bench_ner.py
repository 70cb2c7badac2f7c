"""Tagging speed of the CRF name tagger on CoNLL-2003 valid.txt (51,362 tokens).

    python -m benchmarks.bench_ner            # 5 runs, one core pinned, model loaded beforehand

Reported: median tokens per second of ``tag_entities`` (features included), and peak memory.
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
    ner.tag_entities(token_lists[:1])
    seconds = []
    for _ in range(args.runs):
        fresh = ner.new_tagger(ner.tagger()._feature_func.gazetteer)  # empty feature caches each run
        fresh.set_model_file(ner.tagger()._model_file)
        began = time.perf_counter()
        fresh.tag_sents(token_lists)
        seconds.append(time.perf_counter() - began)
    median = statistics.median(seconds)
    result = {"tokens": tokens, "runs": args.runs, "median_seconds": round(median, 3),
              "tokens_per_second": round(tokens / median), "peak_mb": round(peak_mb(), 1)}
    write_result("ner", result)
    print(f"{tokens:,} tokens: median {result['median_seconds']} s over {args.runs} runs = "
          f"{result['tokens_per_second']:,} tokens/s on one core (cold feature caches), peak {result['peak_mb']} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
