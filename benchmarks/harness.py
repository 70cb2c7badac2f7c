"""What every benchmark shares: one core, fresh processes, results written beside the code."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RESULTS = REPO / "benchmarks" / "results"


def pin_to_one_core() -> None:
    """Run on one core, so figures compare across machines with more cores."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


def peak_mb() -> float:
    """Peak resident memory of this process, in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_fresh_processes(target, args: tuple, runs: int) -> list[dict]:
    """Call ``target(*args, queue)`` in ``runs`` new processes (spawned: imports and caches paid each
    time, as a user pays them) and return what each put on the queue."""
    ctx = mp.get_context("spawn")
    results = []
    for _ in range(runs):
        queue = ctx.Queue()
        proc = ctx.Process(target=target, args=(*args, queue))
        proc.start()
        results.append(queue.get())
        proc.join()
        if proc.exitcode:
            raise RuntimeError(f"{target.__name__} failed in its process (exit code {proc.exitcode})")
    return results


def corpus_parser(description: str, default_corpus: Path, runs: int):
    """The arguments every corpus benchmark takes: ``--corpus`` and ``--runs``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--corpus", type=Path, default=default_corpus)
    parser.add_argument("--runs", type=int, default=runs)
    return parser


def corpus_missing(corpus: Path) -> bool:
    """Say so, and return True, when a benchmark's corpus is not there."""
    if corpus.exists():
        return False
    print(f"benchmark corpus {corpus} not found (it lives in ../shared/corpora)")
    return True


def write_result(name: str, result: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return path
