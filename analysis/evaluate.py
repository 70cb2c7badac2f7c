"""Evaluation on gold sets: the numbers reported for the shipped models come from here.

    python -m analysis.evaluate target-sentiment FILE.jsonl [--split heldout|train|all]
    python -m analysis.evaluate sentence-sentiment FILE.tsv
    python -m analysis.evaluate ner FILE.conll
    python -m analysis.evaluate pos [FILE.conll] [--json]
    python -m analysis.evaluate chunks [FILE.conll] [--json] [--gold-pos]
    python -m analysis.evaluate quotes DIR
    python -m analysis.evaluate developments GOLD.yaml [--corpora DIR] [--json] [--misses] [--disagreements] [--strict]

``quotes`` runs :func:`analysis.quotes.quotes` on every document of a PolNeAR folder (brat
``.ann`` files beside their ``.txt``) and scores content and source spans (see
:mod:`analysis.evaluate_quotes`).

``ner`` tags a CoNLL-2003-format file (token first, tag last) and prints exact-span precision,
recall and F1 per type, for PER+ORG+LOC together and overall, and the tagging speed.

``pos`` and ``chunks`` score :mod:`analysis.parse` on a CoNLL-2003-format file (default CoNLL's
valid.txt): token accuracy of the part-of-speech tags, also on the words train.txt does not have;
chunk-span precision, recall and F1, overall and per type, with predicted tags as at run time.

``target-sentiment`` reads any file in NewsMTSC's format (one sentence per line with its targets
and their polarity: 2 negative, 4 neutral, 6 positive) and prints macro-F1, accuracy and the
confusion matrix of :func:`analysis.sentiment.target_sentiment`, next to the baseline of labelling
every target with its sentence's VADER label. ``--split heldout`` keeps only the slice of
NewsMTSC's train.jsonl that training never sees (see :func:`is_heldout`).

``sentence-sentiment`` reads a tab-separated file of id, mean human rating and text (the layout
of VADER's ground-truth files; ratings on its -4..4 scale are divided by 4) and prints Pearson's r
between the rating and VADER's compound, and the 3-class macro-F1 with both sides cut at +-0.05.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

LABELS = ("negative", "neutral", "positive")
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
#: The share of NewsMTSC's train.jsonl (by article) that training never sees and that the
#: reported held-out figure is measured on.
HELDOUT_PERCENT = 15


def article_key(gid: str) -> str:
    """The article a NewsMTSC sentence comes from (``allsides_1000_401``, ``polusa_v1_3937633``)."""
    return "_".join(gid.split("_")[:3])


def is_heldout(gid: str) -> bool:
    """True for sentences of the fixed held-out slice: whole articles, chosen by a hash of their key,
    so no article has sentences on both sides and the slice is the same on every machine."""
    digest = hashlib.sha256(article_key(gid).encode("utf-8")).hexdigest()
    return int(digest, 16) % 100 < HELDOUT_PERCENT


def newsmtsc_targets(path: str | Path) -> pd.DataFrame:
    """One row per target of a NewsMTSC file: ``gid``, ``article``, ``heldout``, ``text``,
    ``start``, ``end``, ``mention``, ``label``.

    Raises:
        ValueError: a line that is not NewsMTSC's format (the message names the line).
    """
    rows = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                gid, text = record["primary_gid"], record["sentence_normalized"]
                for target in record["targets"]:
                    rows.append((gid, article_key(gid), is_heldout(gid), text, int(target["from"]),
                                 int(target["to"]), target["mention"], NEWSMTSC_POLARITY[float(target["polarity"])]))
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{lineno}: not a NewsMTSC record ({type(exc).__name__}: {exc})") from None
    return pd.DataFrame(rows, columns=["gid", "article", "heldout", "text", "start", "end", "mention", "label"])


def macro_f1(gold, predicted, labels=LABELS) -> float:
    """Unweighted mean of the per-class F1 scores (a class absent from both scores 0)."""
    gold, predicted = np.asarray(gold), np.asarray(predicted)
    scores = []
    for label in labels:
        tp = np.sum((gold == label) & (predicted == label))
        fp = np.sum((gold != label) & (predicted == label))
        fn = np.sum((gold == label) & (predicted != label))
        scores.append(0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))


def confusion(gold, predicted, labels=LABELS) -> pd.DataFrame:
    """Counts of gold (rows) against predicted (columns) labels."""
    table = pd.crosstab(pd.Series(list(gold), name="gold"), pd.Series(list(predicted), name="predicted"))
    return table.reindex(index=list(labels), columns=list(labels), fill_value=0)


def evaluate_target_sentiment(path: str | Path, *, split: str = "all") -> dict:
    """Score :func:`analysis.sentiment.target_sentiment` on a NewsMTSC file.

    Args:
        split: ``all`` rows, only the ``heldout`` slice, or only the ``train`` part.

    Returns:
        ``targets``, ``macro_f1``, ``accuracy``, ``confusion`` (DataFrame), and the sentence-label
        baseline's ``baseline_macro_f1`` and ``baseline_accuracy`` on the same targets.
    """
    from analysis.resources import vader_analyzer
    from analysis.sentiment import label_of, target_sentiment

    if split not in ("all", "heldout", "train"):
        raise ValueError("split must be all, heldout or train")
    targets = newsmtsc_targets(path)
    if split != "all":
        targets = targets[targets["heldout"] == (split == "heldout")]
    scored = target_sentiment(targets)
    analyzer = vader_analyzer()
    baseline = [label_of(analyzer.polarity_scores(text)["compound"]) for text in targets["text"]]
    gold = targets["label"].to_numpy()
    return {
        "targets": len(targets),
        "macro_f1": macro_f1(gold, scored["label"]),
        "accuracy": float(np.mean(gold == scored["label"].to_numpy())),
        "confusion": confusion(gold, scored["label"]),
        "baseline_macro_f1": macro_f1(gold, baseline),
        "baseline_accuracy": float(np.mean(gold == np.asarray(baseline))),
    }


def read_rated_sentences(path: str | Path) -> pd.DataFrame:
    """Read ``id<TAB>mean rating<TAB>text`` lines into ``id``, ``rating``, ``text``.

    Raises:
        ValueError: a line without three fields or with a rating that is not a number.
    """
    rows = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3:
                raise ValueError(f"{path}:{lineno}: expected id, rating and text separated by tabs")
            try:
                rating = float(parts[1])
            except ValueError:
                raise ValueError(f"{path}:{lineno}: rating {parts[1]!r} is not a number") from None
            rows.append((parts[0], rating, parts[2]))
    return pd.DataFrame(rows, columns=["id", "rating", "text"])


def evaluate_sentence_sentiment(path: str | Path) -> dict:
    """Compare VADER's compound with mean human ratings: Pearson's r and 3-class macro-F1."""
    from analysis.resources import vader_analyzer
    from analysis.sentiment import label_of

    rated = read_rated_sentences(path)
    if len(rated) < 2:
        raise ValueError(f"{path}: needs at least two rated sentences")
    scale = 4.0 if rated["rating"].abs().max() > 1 else 1.0
    human = rated["rating"] / scale
    analyzer = vader_analyzer()
    compound = np.array([analyzer.polarity_scores(text)["compound"] for text in rated["text"]])
    gold = [label_of(value) for value in human]
    predicted = [label_of(value) for value in compound]
    return {
        "sentences": len(rated),
        "pearson_r": float(np.corrcoef(human, compound)[0, 1]),
        "macro_f1": macro_f1(gold, predicted),
        "accuracy": float(np.mean(np.asarray(gold) == np.asarray(predicted))),
        "confusion": confusion(gold, predicted),
    }


def conll_rows(path: str | Path, *, columns: int = 2, expected: str = "a token and a tag") -> list[list[list[str]]]:
    """The sentences of a CoNLL-2003-format file as lists of each line's columns (blank lines end
    sentences; ``-DOCSTART-`` lines are skipped).

    Raises:
        ValueError: a line with fewer than ``columns`` columns (the message names it and ``expected``).
    """
    sentences, current = [], []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            parts = line.split()
            if not parts or parts[0] == "-DOCSTART-":
                if current:
                    sentences.append(current)
                    current = []
                continue
            if len(parts) < columns:
                raise ValueError(f"{path}:{lineno}: expected {expected}")
            current.append(parts)
    if current:
        sentences.append(current)
    return sentences


def iob2(tags) -> list[str]:
    """IOB1 tags as IOB2: an ``I-`` that starts a span (after ``O`` or another type) becomes ``B-``."""
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def read_conll(path: str | Path) -> list[list[tuple[str, str]]]:
    """Read a CoNLL-2003 file (token first, IOB tag last on each line; blank lines end sentences;
    ``-DOCSTART-`` lines are skipped) into sentences of ``(token, tag)``. IOB1 tags are turned into
    IOB2 (an ``I-`` that starts a name becomes ``B-``)."""
    return [list(zip([row[0] for row in sentence], iob2(row[-1] for row in sentence)))
            for sentence in conll_rows(path)]


def span_scores(gold: list[list[str]], predicted: list[list[str]], types=("PER", "ORG", "LOC", "MISC")) -> pd.DataFrame:
    """Exact-span precision, recall and F1 per type, plus ``PER+ORG+LOC`` and ``overall`` rows."""
    from analysis.ner import spans

    counts = {t: [0, 0, 0] for t in types}  # true positives, predicted, gold
    for gold_tags, predicted_tags in zip(gold, predicted):
        gold_spans, predicted_spans = set(spans(gold_tags)), set(spans(predicted_tags))
        for kind, *_ in gold_spans:
            if kind in counts:
                counts[kind][2] += 1
        for span in predicted_spans:
            if span[0] in counts:
                counts[span[0]][1] += 1
                counts[span[0]][0] += span in gold_spans
    rows = []

    def row(name, tp, pred, true):
        precision = tp / pred if pred else 0.0
        recall = tp / true if true else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append((name, precision, recall, f1, true))

    for kind in types:
        row(kind, *counts[kind])
    core = [counts[t] for t in ("PER", "ORG", "LOC") if t in counts]
    row("PER+ORG+LOC", *(sum(c[i] for c in core) for i in range(3)))
    row("overall", *(sum(c[i] for c in counts.values()) for i in range(3)))
    return pd.DataFrame(rows, columns=["type", "precision", "recall", "f1", "gold"])


def evaluate_ner(path: str | Path) -> dict:
    """Tag a CoNLL-format file with :func:`analysis.ner.tag_entities` and score the spans.

    Returns:
        ``scores`` (DataFrame from :func:`span_scores`), ``sentences``, ``tokens`` and
        ``tokens_per_second`` (tagging only, features included).
    """
    import time

    from analysis.ner import tag_entities

    data = read_conll(path)
    token_lists = [[token for token, _ in sentence] for sentence in data]
    tag_entities(token_lists[:1])  # load the model before timing
    began = time.perf_counter()
    predicted = tag_entities(token_lists)
    seconds = time.perf_counter() - began
    tokens = sum(len(t) for t in token_lists)
    return {"scores": span_scores([[tag for _, tag in s] for s in data], predicted), "sentences": len(data),
            "tokens": tokens, "tokens_per_second": tokens / seconds if seconds else float("inf")}


#: Columns a reviewer fills in: 1 when right, 0 when wrong, empty when the row gives nothing to judge.
REVIEW_COLUMNS = ["category_ok", "actor_ok", "target_ok", "quantity_ok", "claimant_ok"]


def developments_sample(paths: list[str], *, n: int = 50, random_state: int = 0, numbered: bool = False,
                        progress: bool = False) -> pd.DataFrame:
    """A reproducible random sample of ledger rows from corpora, for review by hand: the row's
    category, trigger, status, quantity, claimant, place and sentence, with empty columns
    (:data:`REVIEW_COLUMNS`) for the reviewer's verdicts; ``numbered`` samples only rows with a number."""
    from analysis.developments import developments
    from analysis.load import load_articles
    from analysis.text import sentences

    frames = []
    for path in paths:
        arts = load_articles(path, progress=progress)
        ledger = developments(sentences(arts), arts=arts)
        frames.append(ledger.assign(corpus=Path(path).name))
    ledger = pd.concat(frames, ignore_index=True)
    if numbered:
        ledger = ledger.dropna(subset=["unit"])
    sample = ledger.sample(min(n, len(ledger)), random_state=random_state)
    columns = ["corpus", "article_id", "sent_id", "category", "trigger", "actor", "target", "cameo", "status",
               "quantity_text", "value", "low", "high", "unit", "claimant", "place", "date", "hedged", "text"]
    return sample[columns].assign(**{c: "" for c in REVIEW_COLUMNS}).reset_index(drop=True)


def review_scores(reviewed: pd.DataFrame) -> pd.DataFrame:
    """Precision per reviewed column of a filled-in :func:`developments_sample`: ``column``,
    ``judged`` (rows with a verdict), ``right``, ``precision``."""
    rows = []
    for column in REVIEW_COLUMNS:
        verdicts = pd.to_numeric(reviewed[column], errors="coerce").dropna()
        rows.append((column, len(verdicts), int(verdicts.sum()), verdicts.mean() if len(verdicts) else float("nan")))
    return pd.DataFrame(rows, columns=["column", "judged", "right", "precision"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="task", required=True)
    target = commands.add_parser("target-sentiment", help="macro-F1, accuracy, confusion on a NewsMTSC file")
    target.add_argument("file")
    target.add_argument("--split", choices=("all", "heldout", "train"), default="all")
    sentence = commands.add_parser("sentence-sentiment", help="Pearson r and 3-class F1 on rated sentences")
    sentence.add_argument("file")
    ner = commands.add_parser("ner", help="precision, recall and F1 per name type on a CoNLL-format file")
    ner.add_argument("file")
    quotes = commands.add_parser("quotes", help="source and content spans against PolNeAR brat files")
    quotes.add_argument("directory")
    sample = commands.add_parser("developments-sample",
                                 help="a random sample of ledger rows as CSV, with columns to judge by hand")
    sample.add_argument("paths", nargs="+")
    sample.add_argument("--n", type=int, default=50)
    sample.add_argument("--random-state", type=int, default=0)
    sample.add_argument("--numbered", action="store_true", help="only rows that carry a number")
    sample.add_argument("--out", default="-", help="CSV file to write (default: standard output)")
    review = commands.add_parser("developments-review", help="precision of a judged developments-sample CSV")
    review.add_argument("file")
    from analysis import evaluate_developments

    evaluate_developments.build_parser(commands.add_parser(
        "developments", help="precision, recall and name agreement of the developments ledger on a gold YAML"))
    for task, what in (("pos", "part-of-speech accuracy (all and unknown words)"),
                       ("chunks", "chunk precision, recall and F1 per type, with predicted tags")):
        shallow = commands.add_parser(task, help=f"{what} on a CoNLL-2003-format file")
        shallow.add_argument("file", nargs="?", default=None, help="default: ../shared/eval/conll2003/valid.txt")
        shallow.add_argument("--json", action="store_true", help="print the figures as JSON")
        if task == "chunks":
            shallow.add_argument("--gold-pos", action="store_true", help="chunk with the file's own tags")
    args = parser.parse_args(argv)
    if args.task == "developments":
        return evaluate_developments.run(args)
    if args.task in ("pos", "chunks"):
        return _evaluate_shallow(args)
    try:
        if args.task == "developments-sample":
            table = developments_sample(args.paths, n=args.n, random_state=args.random_state, numbered=args.numbered)
            table.to_csv(sys.stdout if args.out == "-" else args.out, index=False)
            return 0
        if args.task == "developments-review":
            scores = review_scores(pd.read_csv(args.file, dtype=str, keep_default_na=False))
            print(scores.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            return 0
        if args.task == "quotes":
            from analysis import evaluate_quotes

            return evaluate_quotes.main([args.directory])
        if args.task == "ner":
            result = evaluate_ner(args.file)
            print(f"{result['sentences']:,} sentences, {result['tokens']:,} tokens, "
                  f"tagged at {result['tokens_per_second']:,.0f} tokens/s")
            print(result["scores"].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
            return 0
        if args.task == "target-sentiment":
            result = evaluate_target_sentiment(args.file, split=args.split)
            print(f"{result['targets']:,} targets ({args.split})")
            print(f"target sentiment:      macro-F1 {result['macro_f1']:.3f}  accuracy {result['accuracy']:.3f}")
            print(f"sentence VADER label:  macro-F1 {result['baseline_macro_f1']:.3f}  "
                  f"accuracy {result['baseline_accuracy']:.3f}")
        else:
            result = evaluate_sentence_sentiment(args.file)
            print(f"{result['sentences']:,} sentences")
            print(f"Pearson r {result['pearson_r']:.3f}  3-class macro-F1 {result['macro_f1']:.3f}  "
                  f"accuracy {result['accuracy']:.3f}")
    except (OSError, ValueError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    print("confusion (rows gold, columns predicted):")
    print(result["confusion"].to_string())
    return 0


def _evaluate_shallow(args: argparse.Namespace) -> int:
    """``pos`` and ``chunks``: score :mod:`analysis.parse` and print the figures."""
    from analysis import parse

    path = Path(args.file) if args.file else parse.DEFAULT_VALID
    try:
        if args.task == "pos":
            result = parse.evaluate_pos(path)
        else:
            result = parse.evaluate_chunks(path, gold_pos=args.gold_pos)
    except (OSError, ValueError) as exc:
        print(f"evaluate: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['sentences']:,} sentences, {result['tokens']:,} tokens, "
          f"tagged at {result['tokens_per_second']:,.0f} tokens/s")
    if args.task == "pos":
        print(f"accuracy {result['accuracy']:.4f}")
        if result["unknown_tokens"] is not None:
            unknown = result["unknown_accuracy"]
            print(f"unknown words (not in train.txt): {result['unknown_tokens']:,} tokens, accuracy "
                  + (f"{unknown:.4f}" if unknown is not None else "-"))
        return 0
    print(f"{'gold' if result['gold_pos'] else 'predicted'} part-of-speech tags (accuracy {result['pos_accuracy']:.4f})")
    print(f"{'type':<8}{'precision':>10}{'recall':>8}{'f1':>8}{'gold':>8}")
    print(f"{'overall':<8}{result['precision']:>10.4f}{result['recall']:>8.4f}{result['f1']:>8.4f}"
          f"{sum(t['gold'] for t in result['types'].values()):>8}")
    for kind, row in result["types"].items():
        print(f"{kind:<8}{row['precision']:>10.4f}{row['recall']:>8.4f}{row['f1']:>8.4f}{row['gold']:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
