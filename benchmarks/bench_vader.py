"""Sentence scoring speed of VADER: NLTK's analyzer against analysis.vader, on BBC sentences.

    python -m benchmarks.bench_vader                  # BBC (42,074 sentences), 5 runs of each engine
    python -m benchmarks.bench_vader --corpus ../shared/corpora/reuters21578.jsonl --runs 3

The corpus is loaded and split into sentences (every role) once, in a process of its own; each run is
then a fresh process pinned to one core that imports the scorer, reads the lexicon (both timed apart, as
``setup_seconds``) and scores every sentence once, in order, with cold caches. Reported per engine:
the median seconds over the runs, sentences per second, and the peak resident memory of the
process (the sentence list included, so ``base_mb``, the peak before the scorer is set up, is
reported too); then the ratio of the two medians, and whether both engines gave the same scores.
``fast_warm`` times a second pass in the same process (token cache filled), as a long pipeline sees.
"""

from __future__ import annotations

import hashlib
import json
import platform
import statistics
import tempfile
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


def _digest(rows) -> str:
    """A hash of the scores, to check both engines agree to the last bit."""
    return hashlib.sha256(json.dumps([[float(v) for v in row] for row in rows]).encode()).hexdigest()


def _one_run(engine: str, texts_file: str, queue) -> None:
    pin_to_one_core()
    texts = json.loads(Path(texts_file).read_text(encoding="utf-8"))
    base = peak_mb()
    began = time.perf_counter()
    if engine == "nltk":
        from analysis import resources

        analyzer = resources.vader_analyzer()
        score = analyzer.polarity_scores
        ready = time.perf_counter()
        rows = [(s["neg"], s["neu"], s["pos"], s["compound"]) for s in map(score, texts)]
    else:
        from analysis import vader

        scorer = vader.scorer()
        ready = time.perf_counter()
        rows = scorer.score_many(texts).tolist()
    done = time.perf_counter()
    result = {"engine": engine, "setup_seconds": ready - began, "seconds": done - ready, "base_mb": base,
              "peak_mb": peak_mb(), "digest": _digest(rows)}
    if engine == "fast":
        again = time.perf_counter()
        scorer.score_many(texts)
        result["warm_seconds"] = time.perf_counter() - again
    queue.put(result)


def _summary(results: list[dict], sentences: int) -> dict:
    seconds = statistics.median(r["seconds"] for r in results)
    summary = {
        "median_seconds": round(seconds, 3),
        "sentences_per_second": round(sentences / seconds),
        "setup_seconds": round(statistics.median(r["setup_seconds"] for r in results), 3),
        "base_mb": round(max(r["base_mb"] for r in results), 1),
        "peak_mb": round(max(r["peak_mb"] for r in results), 1),
        "all_seconds": [round(r["seconds"], 3) for r in results],
    }
    if "warm_seconds" in results[0]:
        warm = statistics.median(r["warm_seconds"] for r in results)
        summary["warm_sentences_per_second"] = round(sentences / warm)
    return summary


def _prepare(corpus: str, texts_file: str, queue) -> None:
    """Load and split the corpus (in its own process, so that the runs do not inherit its memory)."""
    from analysis import load_articles, sentences

    texts = sentences(load_articles(corpus, progress=False), progress=False)["text"].tolist()
    Path(texts_file).write_text(json.dumps(texts), encoding="utf-8")
    queue.put(len(texts))


def run(corpus: Path, runs: int, nltk_runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        texts_file = Path(tmp) / "sentences.json"
        [count] = in_fresh_processes(_prepare, (str(corpus), str(texts_file)), 1)
        fast = in_fresh_processes(_one_run, ("fast", str(texts_file)), runs)
        slow = in_fresh_processes(_one_run, ("nltk", str(texts_file)), nltk_runs)
    digests = {r["digest"] for r in fast + slow}
    result = {"corpus": str(corpus), "sentences": count, "runs": runs, "nltk_runs": nltk_runs,
              "nltk": _summary(slow, count), "fast": _summary(fast, count)}
    result["speedup"] = round(result["nltk"]["median_seconds"] / result["fast"]["median_seconds"], 1)
    result["identical_scores"] = len(digests) == 1
    result["machine"] = f"{platform.machine()} {platform.python_version()} (1 core pinned)"
    result["when"] = datetime.now(UTC).isoformat(timespec="seconds")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = corpus_parser(__doc__.splitlines()[0], DEFAULT_CORPUS, 5)
    parser.add_argument("--nltk-runs", type=int, default=None, help="runs of NLTK's analyzer (slow; default --runs)")
    args = parser.parse_args(argv)
    if corpus_missing(args.corpus):
        return 2
    result = run(args.corpus, args.runs, args.nltk_runs or args.runs)
    name = "vader" if args.corpus == DEFAULT_CORPUS else f"vader_{args.corpus.stem}"
    write_result(name, result)
    nltk, fast = result["nltk"], result["fast"]
    print(f"{result['sentences']:,} sentences of {args.corpus.name}, one core, fresh processes, cold caches:\n"
          f"  NLTK  median {nltk['median_seconds']} s over {result['nltk_runs']} runs = "
          f"{nltk['sentences_per_second']:,} sentences/s (setup {nltk['setup_seconds']} s), peak {nltk['peak_mb']} MB"
          f" (base {nltk['base_mb']} MB)\n"
          f"  fast  median {fast['median_seconds']} s over {result['runs']} runs = "
          f"{fast['sentences_per_second']:,} sentences/s (setup {fast['setup_seconds']} s), peak {fast['peak_mb']} MB"
          f" (base {fast['base_mb']} MB); warm cache {fast['warm_sentences_per_second']:,} sentences/s\n"
          f"  speed-up x{result['speedup']}, identical scores: {result['identical_scores']}")
    return 0 if result["identical_scores"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
