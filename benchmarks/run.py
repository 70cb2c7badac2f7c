"""Throughput of every stage and of the whole pipeline, side by side with a stock-NLTK reference.

    python benchmarks/run.py --corpus ../shared/corpora/bbc            # 3 runs of each measurement
    python benchmarks/run.py --corpus ../shared/corpora/reuters21578.jsonl --runs 1 --skip-stages

Every measurement runs in a fresh process (imports, models and caches paid as a user pays them),
and the median of ``--runs`` is reported with peak memory:

- stages: each analysis alone, one process pinned to one core, articles/s;
- end to end: ``analyze(arts, workers=W, cache=False)`` with W processes (default: every core);
- cached: ``analyze()`` again on a warm cache, in the same process and in a new one (the re-run of
  a notebook in a new kernel);
- reference: a pipeline of stock NLTK parts in one process (Punkt as shipped, the Treebank word
  tokenizer, NLTK's VADER, NLTK's CRFTagger with its default features, trained on CoNLL-2003 train
  in a few seconds the first time), so the speed-up is a ratio measured in the same run on the same
  machine; the same pipeline with this package's CRF model is measured too;
- same work: this package doing only what the reference does (sentences, VADER scores, word tokens,
  name tags of every sentence), one core, to show how much of the speed-up is faster parts.

End to end and the references take turns run after run, so a drift in the machine's speed falls on
both alike.

Loading is timed on its own and left out of the other figures (every pipeline loads the same way).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.harness import RESULTS, SHARED, in_fresh_processes, pin_to_one_core  # noqa: E402

STAGES = ("paragraphs + sentences", "terms", "sentiment", "mentions", "quotes", "quantities", "dates",
          "developments")


def _peak_mb(who) -> float:
    import resource

    return resource.getrusage(who).ru_maxrss / 1024


def _load(corpus: str):
    from analysis import load_articles

    began = time.perf_counter()
    arts = load_articles(corpus, progress=False)
    return arts, time.perf_counter() - began


def measure_stages(corpus: str, queue) -> None:
    """Each stage alone on one core."""
    import resource

    pin_to_one_core()
    from analysis import actors, developments, sentiment, terms, text
    from analysis.dates import dates
    from analysis.quantities import quantities
    from analysis.quotes import quotes

    arts, load_seconds = _load(corpus)
    seconds = {}

    def timed(name, call):
        began = time.perf_counter()
        value = call()
        seconds[name] = time.perf_counter() - began
        return value

    sents = timed("paragraphs + sentences", lambda: text.sentences(text.paragraphs(arts, progress=False),
                                                                   progress=False))
    timed("terms", lambda: terms.article_term_counts(sents, ngram=(1, 2)))
    timed("sentiment", lambda: sentiment.sentence_sentiment(sents, roles=None))
    found = timed("mentions", lambda: actors.mentions(sents, progress=False))
    said = timed("quotes", lambda: quotes(sents, mentions=found))
    numbers = timed("quantities", lambda: quantities(sents))
    when = timed("dates", lambda: dates(sents, arts=arts))
    # as analyze() calls it: with the quotes, quantities and dates already found
    timed("developments", lambda: developments.developments(sents, arts=arts, mentions=found, found_quotes=said,
                                                            found_quantities=numbers, found_dates=when))
    queue.put({"articles": len(arts), "load_seconds": load_seconds, "seconds": seconds,
               "peak_mb": _peak_mb(resource.RUSAGE_SELF)})


class _TreeMemory:
    """Peak resident memory of this process and all its descendants together (pool workers are
    grandchildren, under the forkserver), sampled from /proc every 0.1 s (Linux)."""

    def __init__(self):
        import threading

        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _run(self):
        page_kb = os.sysconf("SC_PAGE_SIZE") / 1024
        while not self._stop.wait(0.1):
            try:
                parents = {}
                for entry in os.listdir("/proc"):
                    if entry.isdigit():
                        try:
                            with open(f"/proc/{entry}/stat") as handle:
                                fields = handle.read().rsplit(")", 1)[1].split()
                            parents[int(entry)] = (int(fields[1]), int(fields[21]))    # ppid, rss pages
                        except (OSError, IndexError, ValueError):
                            continue
                tree, frontier = {os.getpid()}, [os.getpid()]
                while frontier:
                    pid = frontier.pop()
                    for child, (ppid, _) in parents.items():
                        if ppid == pid and child not in tree:
                            tree.add(child)
                            frontier.append(child)
                total = sum(parents[pid][1] for pid in tree if pid in parents) * page_kb / 1024
                self.peak_mb = max(self.peak_mb, total)
            except OSError:
                continue


def measure_end_to_end(corpus: str, workers: int, cache: str, queue) -> None:
    """analyze() on every core, without the cache; then analyze() again on a warm cache (filled in
    ``cache`` first)."""
    import resource

    from analysis.pipeline import analyze

    arts, _ = _load(corpus)
    with _TreeMemory() as memory:
        began = time.perf_counter()
        tables = analyze(arts, workers=workers, cache=False, progress=False)
        fresh = time.perf_counter() - began
    rows = {name: len(frame) for name, frame in tables.items()}
    del tables
    analyze(arts, workers=workers, cache=cache, progress=False)       # fills the cache
    repeats = []
    for _ in range(3):
        began = time.perf_counter()
        analyze(arts, workers=workers, cache=cache, progress=False)
        repeats.append(time.perf_counter() - began)
    cached = statistics.median(repeats)
    queue.put({"articles": len(arts), "seconds": fresh, "cached_seconds": cached, "rows": rows,
               "peak_mb": _peak_mb(resource.RUSAGE_SELF),
               # sampled: never below the main process's own peak, which the kernel records exactly
               "peak_total_mb": max(memory.peak_mb, _peak_mb(resource.RUSAGE_SELF))})


def measure_cached_new_process(corpus: str, workers: int, cache: str, queue) -> None:
    """analyze() in a new process on the cache :func:`measure_end_to_end` filled: a notebook's
    re-run in a new kernel (its first read pays what a warm process has paid already)."""
    from analysis.pipeline import analyze

    arts, _ = _load(corpus)
    began = time.perf_counter()
    analyze(arts, workers=workers, cache=cache, progress=False)
    queue.put({"seconds": time.perf_counter() - began})


#: CoNLL-2003 training data, for the stock reference's name tagger.
CONLL_TRAIN = SHARED / "eval" / "conll2003" / "train.txt"


def reference_model() -> str:
    """A CRFTagger model with NLTK's own default features (``CRFTagger()``), trained on CoNLL-2003
    train once and kept in the project's NLTK data directory (NLTK opens models only there); the
    stock reference tags with it. 100 L-BFGS iterations: a few seconds."""
    from nltk.tag import CRFTagger

    from analysis import evaluate, resources

    path = resources.nltk_data_dir() / "benchmarks" / "reference_crf_nltk_default_features.crfsuite"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        sentences = evaluate.read_conll(CONLL_TRAIN)
        CRFTagger(training_opt={"max_iterations": 100}).train([list(s) for s in sentences], str(path))
    return str(path)


def measure_reference(corpus: str, model: str | None, queue) -> None:
    """Stock NLTK parts, one process: Punkt as shipped, the Treebank word tokenizer, NLTK's VADER,
    and CRFTagger with NLTK's default features (``model``; None: this package's tagger instead)."""
    import resource

    from nltk.tag import CRFTagger
    from nltk.tokenize import NLTKWordTokenizer
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    from analysis import ner, resources

    arts, _ = _load(corpus)
    began = time.perf_counter()
    splitter = PunktSentenceTokenizer()
    words = NLTKWordTokenizer()
    vader = resources.vader_analyzer()            # NLTK's SentimentIntensityAnalyzer
    if model:
        tagger = CRFTagger()
        tagger.set_model_file(model)
    else:
        tagger = ner.new_tagger(ner.tagger()._feature_func.gazetteer)
        tagger.set_model_file(ner.tagger()._model_file)
    results = []
    for body in arts["text"]:
        sentences = splitter.tokenize(body)
        scores = [vader.polarity_scores(s) for s in sentences]
        tokens = [words.tokenize(s) for s in sentences]
        results.append((scores, tagger.tag_sents(tokens)))
    queue.put({"articles": len(arts), "seconds": time.perf_counter() - began,
               "peak_mb": _peak_mb(resource.RUSAGE_SELF)})


def measure_same_work(corpus: str, queue) -> None:
    """This package doing only the reference's work, on one core: sentences (with paragraphs),
    every sentence's VADER scores, word tokens and name tags of every sentence (none skipped, none
    read twice as analyze() does). Not a target of its own: it shows how the speed-up divides
    between faster parts and the many more tables analyze() computes."""
    import resource

    pin_to_one_core()
    from analysis import ner, sentiment, text

    arts, _ = _load(corpus)
    began = time.perf_counter()
    sents = text.sentences(text.paragraphs(arts, progress=False), progress=False)
    scores = sentiment.sentence_sentiment(sents, roles=None)
    words = [[sentence[s:e] for s, e in text.token_spans(sentence)] for sentence in sents["text"].tolist()]
    tags = ner.tag_entities(words)
    seconds = time.perf_counter() - began
    assert len(tags) == len(scores) == len(sents)
    queue.put({"articles": len(arts), "seconds": seconds, "sentences": len(sents),
               "peak_mb": _peak_mb(resource.RUSAGE_SELF)})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, help="a corpus path (anything load_articles reads)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-stages", action="store_true", help="only end to end and the reference")
    parser.add_argument("--skip-reference", action="store_true")
    args = parser.parse_args(argv)
    if not Path(args.corpus).exists():
        print(f"{args.corpus} not found", file=sys.stderr)
        return 2
    import importlib.util

    # NLTK imports SciPy and scikit-learn at start-up when they are installed (the test extras bring
    # them): every process that imports NLTK pays for it, so the figures depend on it.
    scipy = importlib.util.find_spec("scipy") is not None
    report: dict = {"corpus": str(args.corpus), "runs": args.runs, "workers": args.workers, "cpus": os.cpu_count(),
                    "scipy_installed": scipy}
    lines = []
    if not args.skip_stages:
        stages = in_fresh_processes(measure_stages, (args.corpus,), args.runs)
        n = stages[0]["articles"]
        report["load_articles_per_second"] = round(n / statistics.median(s["load_seconds"] for s in stages), 1)
        report["stages"] = {}
        for name in STAGES:
            median = statistics.median(s["seconds"][name] for s in stages)
            report["stages"][name] = {"median_seconds": round(median, 3), "articles_per_second": round(n / median, 1)}
            lines.append(f"  {name:<24} {n / median:>10,.0f} articles/s   (one core)")
        report["stages_peak_mb"] = round(max(s["peak_mb"] for s in stages), 1)
        lines.insert(0, f"  {'load_articles':<24} {report['load_articles_per_second']:>10,.0f} articles/s   (one core)")
    # (key, label, measurement, its arguments); the first is the reference of the speed-up
    variants = []
    if not args.skip_reference:
        # without CoNLL-2003 to train NLTK's default-feature model, the reference uses this package's
        model = reference_model() if CONLL_TRAIN.is_file() else None
        variants = [("reference", "stock NLTK reference", measure_reference, (args.corpus, model))]
        if model:
            variants.append(("reference_own_crf", "  the same, our CRF model", measure_reference, (args.corpus, None)))
        variants.append(("same_work", "  its work, this package", measure_same_work, (args.corpus,)))
    # End to end and the references take turns, run after run, so that a drift in the machine's
    # speed (it shares its host) falls on both sides of the ratio alike.
    ends: list = []
    rereads: list = []
    references: dict = {key: [] for key, *_ in variants}
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as cache:
            ends += in_fresh_processes(measure_end_to_end, (args.corpus, args.workers, cache), 1)
            rereads += in_fresh_processes(measure_cached_new_process, (args.corpus, args.workers, cache), 1)
        for key, _, measure, measure_args in variants:
            references[key] += in_fresh_processes(measure, measure_args, 1)
    n = ends[0]["articles"]
    fresh = statistics.median(e["seconds"] for e in ends)
    cached = statistics.median(e["cached_seconds"] for e in ends)
    reread = statistics.median(r["seconds"] for r in rereads)
    each = sorted(n / e["seconds"] for e in ends)
    report["end_to_end"] = {"median_seconds": round(fresh, 3), "articles_per_second": round(n / fresh, 1),
                            "articles_per_second_each_run": [round(v, 1) for v in each],
                            "cached_median_seconds": round(cached, 4),
                            "cached_articles_per_second": round(n / cached, 1),
                            "cached_new_process_articles_per_second": round(n / reread, 1),
                            "peak_mb": round(max(e["peak_mb"] for e in ends), 1),
                            "peak_total_mb": round(max(e["peak_total_mb"] for e in ends), 1),
                            "rows": ends[0]["rows"]}
    lines.append(f"  {'end to end':<24} {n / fresh:>10,.0f} articles/s   ({args.workers} processes, every table; "
                 f"runs from {each[0]:,.0f} to {each[-1]:,.0f})")
    lines.append(f"  {'cached re-analysis':<24} {n / cached:>10,.0f} articles/s   "
                 f"(the same process; {n / reread:,.0f} in a new one, as a notebook's new kernel)")
    for key, label, measure, measure_args in variants:
        refs = references[key]
        ref = statistics.median(r["seconds"] for r in refs)
        report[key] = {"median_seconds": round(ref, 3), "articles_per_second": round(n / ref, 1),
                       "peak_mb": round(max(r["peak_mb"] for r in refs), 1)}
        if key == "same_work":
            base = statistics.median(r["seconds"] for r in references["reference"])
            report[key]["times_the_reference"] = round(base / ref, 2)
            lines.append(f"  {label:<24} {n / ref:>10,.0f} articles/s   (one core; {base / ref:.2f}x the reference)")
            continue
        report[key]["name_tagger"] = "NLTK's default CRFTagger features" if measure_args[1] else "this package's CRF"
        lines.append(f"  {label:<24} {n / ref:>10,.0f} articles/s   (one process)")
        if key == "reference":
            pairs = sorted(r["seconds"] / e["seconds"] for r, e in zip(refs, ends))
            report["speedup"] = round(ref / fresh, 2)
            report["speedup_each_run"] = [round(v, 2) for v in pairs]
            lines.append(f"  speed-up, end to end vs reference: {ref / fresh:.2f}x "
                         f"(run by run, from {pairs[0]:.2f}x to {pairs[-1]:.2f}x)")
    name = Path(args.corpus).name.split(".")[0]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"run-{name}.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    setting = ("installed (NLTK imports it and scikit-learn in every process)" if scipy
               else "not installed (base install)")
    print(f"{n:,} articles of {args.corpus}, median of {args.runs} run(s); SciPy {setting}:")
    print("\n".join(lines))
    e2e = report["end_to_end"]
    print(f"  peak memory, end to end: {e2e['peak_total_mb']:,.0f} MB (main process and workers together; "
          f"main alone {e2e['peak_mb']:,.0f} MB)"
          + (f"; stages {report['stages_peak_mb']:,.0f} MB" if "stages_peak_mb" in report else ""))
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
