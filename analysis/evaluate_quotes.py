"""Evaluate :func:`analysis.quotes.quotes` on PolNeAR's gold attributions.

    python -m analysis.evaluate_quotes ../shared/eval/polnear/dev

PolNeAR (Newell, Margolin & Ruths, LREC 2018) annotates every attribution in US political news in
brat's standoff format: for each ``.txt`` an ``.ann`` file whose text-bound lines
(``T3<TAB>Content 115 290<TAB>that Hillary ...``; a discontinuous span is ``315 448;463 553``) are
tied together by event lines (``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1``; the type is
``Attribution`` or ``Attribution-no-source``; a second piece of content is ``Content2:T22``). The
release keeps the texts in ``text/`` and the annotations in ``attributions/``, named
``<document>_<annotator>.ann``; a document annotated by several annotators is scored once, on the
first annotator's file in name order. A flat folder with each ``.ann`` next to its ``.txt`` works too.

Scores:

* content, exact: a predicted attribution matches a gold one when their content spans are the same
  once quotation marks, punctuation and whitespace are trimmed from both ends of every piece
  (PolNeAR's content of a direct quote includes the marks, :func:`quotes` gives the words inside).
  Predicted rows that share a cue are one attribution ('"A," X said, "B."').
* content, overlap: the spans share at least one character; each gold and each predicted
  attribution is matched at most once, largest overlap first.
* source, exact / overlap: over the pairs matched by content overlap, whether the speaker phrase
  (``speaker_phrase_start``/``speaker_phrase_end``: the subject as written, "he", "Pentagon
  spokesman John Kirby") is PolNeAR's source. Precision is over the pairs with a predicted
  speaker, recall over the pairs whose gold attribution has a source.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Characters trimmed from both ends of a span before an exact comparison.
TRIM_CHARS = " \t\r\n\u00a0\"'\u201c\u201d\u2018\u2019\u00ab\u00bb.,;:!?\u2014\u2013-"
#: A gold content that starts with one of these is a quotation in quotation marks.
QUOTE_STARTS = "\"\u201c\u2018'`"
_ANNOTATOR_SUFFIX_RE = re.compile(r"_[0-9a-f]{4}$")

Span = tuple[int, int]


@dataclass
class Attribution:
    """One attribution: its content, source and cue as lists of (start, end) pieces."""

    content: list[Span]
    source: list[Span]
    cue: list[Span]
    kind: str = ""


# --------------------------------------------------------------------------------------------
# Reading brat standoff
# --------------------------------------------------------------------------------------------

def read_ann(path: str | Path) -> list[Attribution]:
    """Read the attributions of one brat ``.ann`` file.

    Raises:
        ValueError: a text-bound line whose offsets are not numbers (the message names the line).
    """
    spans: dict[str, list[Span]] = {}
    events: list[str] = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label_and_offsets = parts[1].split(" ", 1)
            if len(label_and_offsets) != 2:
                continue
            try:
                pieces = [tuple(int(n) for n in piece.split()) for piece in label_and_offsets[1].split(";")]
            except ValueError:
                raise ValueError(f"{path}:{lineno}: offsets {label_and_offsets[1]!r} are not numbers") from None
            spans[parts[0]] = [(p[0], p[1]) for p in pieces if len(p) == 2]
        elif line.startswith("E") and len(parts) >= 2:
            events.append(parts[1])
    attributions = []
    for event in events:
        arguments = event.split()
        if not arguments or not arguments[0].startswith("Attribution"):
            continue
        found: dict[str, list[Span]] = {"Content": [], "Source": [], "Cue": []}
        for argument in arguments[1:]:
            role, _, target = argument.partition(":")
            role = role.rstrip("0123456789")  # Content2 is more of the content
            if role in found and target in spans:
                found[role].extend(spans[target])
        if found["Content"]:
            attributions.append(Attribution(sorted(found["Content"]), sorted(found["Source"]), sorted(found["Cue"])))
    return attributions


def polnear_documents(directory: str | Path) -> list[tuple[str, Path, Path]]:
    """The documents of a PolNeAR folder as ``(document, txt path, ann path)``, one per document.

    Raises:
        FileNotFoundError: when the folder has no ``.ann`` file with a matching ``.txt``.
    """
    directory = Path(directory)
    chosen: dict[str, tuple[Path, Path]] = {}
    for ann in sorted(directory.rglob("*.ann")):
        document = _ANNOTATOR_SUFFIX_RE.sub("", ann.stem)
        if document in chosen:
            continue  # another annotator's version of a document already taken
        for txt in (ann.with_suffix(".txt"), ann.parent / f"{document}.txt",
                    ann.parent.parent / "text" / f"{document}.txt"):
            if txt.is_file():
                chosen[document] = (txt, ann)
                break
    if not chosen:
        raise FileNotFoundError(f"{directory}: no brat .ann file with its .txt (expected text/ and attributions/, "
                                "or each .ann next to its .txt)")
    return [(document, txt, ann) for document, (txt, ann) in sorted(chosen.items())]


# --------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------

def trimmed(text: str, pieces: list[Span]) -> frozenset[Span]:
    """The pieces with quotation marks, punctuation and whitespace trimmed from both ends."""
    out = set()
    for start, end in pieces:
        while start < end and text[start] in TRIM_CHARS:
            start += 1
        while end > start and text[end - 1] in TRIM_CHARS:
            end -= 1
        if start < end:
            out.add((start, end))
    return frozenset(out)


def overlap(a: list[Span], b: list[Span]) -> int:
    """Characters two lists of pieces have in common."""
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def match_one_to_one(gold: list[Attribution], predicted: list[Attribution], text: str, *,
                     exact: bool) -> list[tuple[int, int]]:
    """Pairs ``(gold index, predicted index)`` matched by content, each side at most once.

    Exact pairs need the same trimmed pieces; overlap pairs share a character and are taken
    largest overlap first.
    """
    candidates = []
    gold_keys = [trimmed(text, g.content) for g in gold]
    for j, p in enumerate(predicted):
        p_key = trimmed(text, p.content) if exact else None
        for i, g in enumerate(gold):
            shared = overlap(g.content, p.content)
            if shared <= 0:
                continue
            if exact and gold_keys[i] != p_key:
                continue
            candidates.append((-shared, i, j))
    candidates.sort()
    used_gold, used_predicted, pairs = set(), set(), []
    for _, i, j in candidates:
        if i in used_gold or j in used_predicted:
            continue
        used_gold.add(i)
        used_predicted.add(j)
        pairs.append((i, j))
    return pairs


def prf(correct: int, predicted: int, gold: int) -> dict:
    """Precision, recall and F1 (0.0 where a denominator is 0)."""
    precision = correct / predicted if predicted else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "correct": correct, "predicted": predicted,
            "gold": gold}


def predicted_attributions(table: pd.DataFrame) -> list[Attribution]:
    """Group the rows of a :func:`analysis.quotes.quotes` table by cue: one attribution per cue."""
    grouped: dict[tuple, Attribution] = {}
    for row in table.itertuples(index=False):
        key = (row.article_id, row.cue_start, row.cue_end)
        if key not in grouped:
            source = [(int(row.speaker_phrase_start), int(row.speaker_phrase_end))]
            grouped[key] = Attribution([], source, [(int(row.cue_start), int(row.cue_end))], row.kind)
        grouped[key].content.append((int(row.start), int(row.end)))
    return list(grouped.values())


# --------------------------------------------------------------------------------------------
# The evaluation
# --------------------------------------------------------------------------------------------

def evaluate_quotes(directory: str | Path) -> dict:
    """Score :func:`analysis.quotes.quotes` against PolNeAR's gold attributions in ``directory``.

    Returns:
        ``documents``, ``gold`` (gold attributions), ``gold_with_source``, ``gold_direct`` (gold
        content that starts with a quotation mark), ``predicted`` (predicted attributions, rows
        sharing a cue counted once), ``predicted_rows``, ``predicted_direct``, ``predicted_indirect``;
        ``content_exact``, ``content_overlap``, ``source_exact``, ``source_overlap`` (each a dict of
        ``precision``, ``recall``, ``f1``, ``correct``, ``predicted``, ``gold``); ``matched_pairs``
        (content overlap pairs the source scores are counted over); ``recall_gold_direct`` (share of
        the quotation-mark gold found, by overlap); ``precision_direct`` and ``precision_indirect``
        (content overlap precision of each kind).

    Raises:
        FileNotFoundError: when ``directory`` holds no PolNeAR documents.
    """
    from analysis import sentences
    from analysis.quotes import quotes

    totals = {"documents": 0, "gold": 0, "gold_with_source": 0, "gold_direct": 0, "predicted": 0,
              "predicted_rows": 0, "predicted_direct": 0, "predicted_indirect": 0}
    counts = {"content_exact": 0, "content_overlap": 0, "source_pairs_predicted": 0, "source_pairs_gold": 0,
              "source_exact": 0, "source_overlap": 0, "gold_direct_found": 0, "direct_correct": 0,
              "indirect_correct": 0}
    for document, txt, ann in polnear_documents(directory):
        text = txt.read_text(encoding="utf-8")
        gold = read_ann(ann)
        arts = pd.DataFrame({"article_id": [document], "title": [None], "text": [text]})
        table = quotes(sentences(arts, progress=False), roles=None)
        predicted = predicted_attributions(table)
        totals["documents"] += 1
        totals["gold"] += len(gold)
        totals["gold_with_source"] += sum(1 for g in gold if g.source)
        direct_gold = {i for i, g in enumerate(gold) if text[g.content[0][0]:g.content[0][0] + 1] in QUOTE_STARTS}
        totals["gold_direct"] += len(direct_gold)
        totals["predicted"] += len(predicted)
        totals["predicted_rows"] += len(table)
        totals["predicted_direct"] += sum(1 for p in predicted if p.kind == "direct")
        totals["predicted_indirect"] += sum(1 for p in predicted if p.kind == "indirect")
        counts["content_exact"] += len(match_one_to_one(gold, predicted, text, exact=True))
        for i, j in match_one_to_one(gold, predicted, text, exact=False):
            counts["content_overlap"] += 1
            counts["gold_direct_found"] += i in direct_gold
            counts[f"{predicted[j].kind}_correct"] += 1
            g, p = gold[i], predicted[j]
            counts["source_pairs_predicted"] += bool(p.source)
            counts["source_pairs_gold"] += bool(g.source)
            if g.source and p.source:
                counts["source_exact"] += trimmed(text, g.source) == trimmed(text, p.source)
                counts["source_overlap"] += overlap(g.source, p.source) > 0
    result = dict(totals)
    result["content_exact"] = prf(counts["content_exact"], totals["predicted"], totals["gold"])
    result["content_overlap"] = prf(counts["content_overlap"], totals["predicted"], totals["gold"])
    result["matched_pairs"] = counts["content_overlap"]
    for name in ("source_exact", "source_overlap"):
        result[name] = prf(counts[name], counts["source_pairs_predicted"], counts["source_pairs_gold"])
    result["recall_gold_direct"] = counts["gold_direct_found"] / totals["gold_direct"] if totals["gold_direct"] else 0.0
    for kind in ("direct", "indirect"):
        n = totals[f"predicted_{kind}"]
        result[f"precision_{kind}"] = counts[f"{kind}_correct"] / n if n else 0.0
    return result


def format_result(result: dict) -> str:
    """The figures of :func:`evaluate_quotes` as a small text table."""
    lines = [
        f"{result['documents']:,} documents, {result['gold']:,} gold attributions "
        f"({result['gold_with_source']:,} with a source, {result['gold_direct']:,} in quotation marks), "
        f"{result['predicted']:,} predicted ({result['predicted_direct']:,} direct, "
        f"{result['predicted_indirect']:,} indirect; {result['predicted_rows']:,} rows)",
        "",
        f"{'':34}{'precision':>10}{'recall':>8}{'F1':>8}",
    ]
    labels = (("content_exact", "content, exact (trimmed)"), ("content_overlap", "content, overlap"),
              ("source_exact", "source | content found, exact"), ("source_overlap", "source | content found, overlap"))
    for key, label in labels:
        scores = result[key]
        lines.append(f"{label:34}{scores['precision']:>10.3f}{scores['recall']:>8.3f}{scores['f1']:>8.3f}")
    lines += [
        "",
        f"source scores over {result['matched_pairs']:,} content pairs matched by overlap",
        f"recall of gold quotes in quotation marks (overlap): {result['recall_gold_direct']:.3f}",
        f"content overlap precision: direct {result['precision_direct']:.3f}, "
        f"indirect {result['precision_indirect']:.3f}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.evaluate_quotes", description=__doc__.splitlines()[0])
    parser.add_argument("directory", help="a PolNeAR folder (text/ and attributions/), e.g. polnear/dev")
    args = parser.parse_args(argv)
    try:
        result = evaluate_quotes(args.directory)
    except (OSError, ValueError) as exc:
        print(f"evaluate_quotes: {exc}", file=sys.stderr)
        return 2
    print(format_result(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
