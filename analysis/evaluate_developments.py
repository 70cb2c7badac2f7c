"""Score the developments ledger against hand-annotated gold (``eval/developments/guide.md``).

    python -m analysis.evaluate developments GOLD.yaml [--corpora DIR] [--json] [--misses]
                                                       [--disagreements] [--strict]

The gold is a YAML file with an ``articles:`` list; each article has ``file`` (relative to the
corpora folder: ``--corpora``, by default the gold's folder ``/../../corpora``), ``published`` and a
``developments:`` list whose entries have ``sentence`` (copied from the file's text), ``category``
(the accepted categories, best first), ``what``, ``actor``, ``target``, ``claimant`` (a name or
null), ``status`` and optionally ``number``, ``place``, ``historical``.

Each gold article is loaded with :func:`analysis.load.load_articles` and analysed with
:func:`analysis.pipeline.analyze_batch` (the pipeline's own batch function, without the cache); its
ledger is then scored with :func:`score_developments`, which takes any ledger and needs nothing
else, so it can be tried on hand-made rows:

* locating: each gold sentence is found in the article's text (the text every ledger offset points
  into) by a plain substring search (all occurrences; failing that, with any run of whitespace
  matching any other). Gold sentences not found are counted and listed, not fatal.
* matching: a ledger row's sentence (``start``, ``end``) matches a gold sentence when they overlap
  by at least half the shorter of the two spans.
* precision: over the ledger rows of the gold's articles, one per (article, sentence, category): a
  row is correct when its sentence matches a gold sentence holding a development whose categories
  accept the row's category. Rows of articles not in the gold are ignored.
* recall: the share of gold developments with at least one row of an accepted category in their
  sentence.
* agreement, over the recalled developments: of the rows that recall it, the one agreeing on most
  of ``actor``, ``target``, ``claimant`` (first in ledger order on a tie) is compared field by field
  with :func:`same_name` (null agrees only with null or empty). A field the ledger does not have is
  reported as not available. Both the lenient and the strict figure are computed.
* per category: a gold development counts under its first (best) category; rows under their own.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

FIELDS = ("actor", "target", "claimant")
#: A token of a name: letters and digits, with a possessive 's kept apart as a flag.
_TOKEN_RE = re.compile(r"([^\W_]+)('s(?![^\W_]))?")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
#: Latin letters that Unicode decomposition leaves whole ("Paweł" is "Pawel" once accents go).
_PLAIN_LETTERS = str.maketrans({"\u0142": "l", "\u0141": "L", "\u00f8": "o", "\u00d8": "O", "\u0111": "d",
                                "\u0110": "D", "\u00df": "ss", "\u00e6": "ae", "\u00c6": "AE", "\u0153": "oe",
                                "\u0152": "OE", "\u0131": "i", "\u00f0": "d", "\u00fe": "th"})


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

def _blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


@functools.lru_cache(maxsize=1 << 14)
def _tokens(name: str) -> tuple[tuple[str, bool], ...]:
    """A name's words, case-folded, without accents or punctuation, each with whether a possessive
    's followed it; a leading "the" is dropped."""
    text = unicodedata.normalize("NFKD", name.translate(_APOSTROPHES).translate(_PLAIN_LETTERS))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    words = tuple((m.group(1), m.group(2) is not None) for m in _TOKEN_RE.finditer(text))
    if len(words) > 1 and words[0][0] == "the":
        words = words[1:]
    return words


def normalise_name(name) -> str:
    """The form names are compared in: case-folded, accents, punctuation, a leading "the" and
    possessive 's removed, single spaces ("The Kremlin's" -> "kremlin")."""
    return "" if _blank(name) else " ".join(word for word, _ in _tokens(str(name)))


def _contained(short: tuple, long: tuple) -> bool:
    """``short``'s words stand together in ``long``, and the last of them is not possessive there
    when it is not in ``short`` ("Ukraine" is not in "Ukraine's allies")."""
    n = len(short)
    words = [w for w, _ in short]
    for i in range(len(long) - n + 1):
        if [w for w, _ in long[i:i + n]] == words and (short[-1][1] or not long[i + n - 1][1]):
            return True
    return False


@functools.lru_cache(maxsize=1 << 14)
def gazetteer_id(name: str) -> str | None:
    """The gazetteer actor a whole name resolves to (a name, alias, demonym or metonym of one
    actor, "Russia's Defence Ministry" as "Russian Defence Ministry", the surname of exactly one
    gazetteer person), else None."""
    from analysis import actors

    index = actors._index_for(actors.shipped_gazetteer())
    words = actors._words(name)
    if len(words) > 1 and words[0][0].lower() == "the":
        words = words[1:]
    if not words:
        return None
    found = actors._gazetteer_matches(words, index)
    if len(found) != 1:
        return None
    start, end, actor_id, method, _kind = found[0]
    if start != words[0][1] or end != words[-1][2]:
        return None
    if actor_id is None and method == "surname":
        candidates = index.surnames.get(actors._key(name[start:end]), set())
        actor_id = next(iter(candidates)) if len(candidates) == 1 else None
    return actor_id


def _same_one(gold: str, predicted: str, strict: bool) -> bool:
    g, p = _tokens(gold), _tokens(predicted)
    if not g or not p:
        return not g and not p
    if [w for w, _ in g] == [w for w, _ in p]:
        return True
    if strict:
        return False
    short, long = (g, p) if len(g) <= len(p) else (p, g)
    if _contained(short, long):
        return True
    gold_id = gazetteer_id(gold)
    return gold_id is not None and gold_id == gazetteer_id(predicted)


def same_name(gold, predicted, *, strict: bool = False) -> bool:
    """Whether a predicted name agrees with the gold one.

    Null (None, NaN, empty) agrees only with null. Names are compared normalised
    (:func:`normalise_name`); ``strict`` stops there. Leniently they also agree when one's words
    stand together in the other ("Zelensky" and "Volodymyr Zelensky", "Kharkiv" and "Kharkiv
    region", but not "Ukraine" and "Ukraine's allies"), or both resolve to the same gazetteer actor
    ("Kremlin" and "Russia", "Ukrainian Armed Forces" and "Armed Forces of Ukraine"). A predicted
    ``;``-separated list agrees when one of its parts does.
    """
    if _blank(gold) or _blank(predicted):
        return _blank(gold) and _blank(predicted)
    parts = [part for part in str(predicted).split(";") if part.strip()]
    return any(_same_one(str(gold), part, strict) for part in parts)


# --------------------------------------------------------------------------------------------
# The gold
# --------------------------------------------------------------------------------------------

@dataclass
class GoldDevelopment:
    article: str
    index: int            # position in the article's developments list
    sentence: str
    categories: list[str]
    what: str | None
    fields: dict
    spans: list[tuple[int, int]] = field(default_factory=list)
    hit: bool = False
    best: dict | None = None           # the best-agreeing row (lenient), its values of FIELDS
    agree: dict = field(default_factory=dict)         # field -> bool (lenient)
    agree_strict: dict = field(default_factory=dict)  # field -> bool (strict)

    @property
    def primary(self) -> str:
        return self.categories[0] if self.categories else "(none)"


def read_gold(gold: Mapping | str | Path) -> dict:
    """The gold as a dict (a path is read as YAML)."""
    if isinstance(gold, Mapping):
        return dict(gold)
    import yaml

    with open(gold, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        raise ValueError(f"{gold}: expected a mapping with an 'articles:' list")
    return data


def _gold_developments(gold: dict) -> list[GoldDevelopment]:
    found = []
    for article in gold.get("articles") or ():
        key = str(article["file"])
        for i, entry in enumerate(article.get("developments") or ()):
            categories = entry.get("category") or []
            if isinstance(categories, str):
                categories = [categories]
            found.append(GoldDevelopment(article=key, index=i, sentence=str(entry.get("sentence") or ""),
                                         categories=[str(c) for c in categories], what=entry.get("what"),
                                         fields={f: entry.get(f) for f in FIELDS}))
    return found


def locate(sentence: str, text: str) -> list[tuple[int, int]]:
    """Every span of ``sentence`` in ``text``: exact occurrences, else occurrences where any run
    of whitespace stands for any other; [] when not found."""
    sentence = sentence.strip()
    if not sentence or not text:
        return []
    spans, at = [], text.find(sentence)
    while at >= 0:
        spans.append((at, at + len(sentence)))
        at = text.find(sentence, at + 1)
    if spans:
        return spans
    pattern = r"\s+".join(re.escape(piece) for piece in sentence.split())
    return [m.span() for m in re.finditer(pattern, text)]


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Two spans match when they share at least half the shorter one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shared > 0 and shared >= shorter / 2


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------

def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 2 * p * r / (p + r) if p + r else 0.0


def _value(v):
    return None if _blank(v) else str(v)


def score_developments(gold: Mapping | str | Path, ledger: pd.DataFrame, texts: Mapping[str, str], *,
                       strict: bool = False) -> dict:
    """Score a ledger against the gold, running nothing.

    Args:
        gold: the gold dict (or its YAML file).
        ledger: ledger rows with ``article_id`` (the gold's ``file`` of the article), ``category``,
            ``start``, ``end`` (the sentence's offsets in the article's text), and optionally
            ``sent_id``, ``text`` and the name columns ``actor``, ``target``, ``claimant``.
        texts: the text of each gold article, by its ``file``; an article missing here has all its
            sentences unlocated.
        strict: the headline agreement uses exact normalised names (both figures are returned).

    Returns:
        A dict: ``precision``, ``recall``, ``f1``, ``correct_rows``, ``rows``, ``recalled``,
        ``gold_developments``, ``gold_sentences``, ``located_sentences``, ``unlocated`` (list),
        ``agreement`` (per field: ``available``, ``n``, ``agreed``, ``value`` (lenient or strict as
        asked), ``lenient``, ``strict``), ``per_category`` (list of dicts), ``misses``,
        ``disagreements``, ``false_rows`` and ``strict``.
    """
    gold = read_gold(gold)
    devs = _gold_developments(gold)
    articles = {str(a["file"]) for a in gold.get("articles") or ()}

    # Locate each distinct gold sentence once.
    sentence_spans: dict[tuple[str, str], list[tuple[int, int]]] = {}
    unlocated = []
    for dev in devs:
        key = (dev.article, dev.sentence)
        if key not in sentence_spans:
            text = texts.get(dev.article)
            sentence_spans[key] = locate(dev.sentence, text) if text is not None else []
            if not sentence_spans[key]:
                unlocated.append({"article": dev.article, "sentence": dev.sentence,
                                  "reason": "article text missing" if text is None else "not found in the text"})
        dev.spans = sentence_spans[key]
    by_article: dict[str, list[GoldDevelopment]] = {}
    for dev in devs:
        by_article.setdefault(dev.article, []).append(dev)

    available = {f: f in ledger.columns for f in FIELDS}
    frame = ledger[ledger["article_id"].astype(str).isin(articles)] if len(ledger) else ledger
    records = []
    for position, row in enumerate(frame.to_dict("records")):
        records.append({"position": position, "article": str(row["article_id"]), "category": str(row["category"]),
                        "span": (int(row["start"]), int(row["end"])),
                        "sent_id": row.get("sent_id"), "text": row.get("text"),
                        **{f: _value(row.get(f)) for f in FIELDS if available[f]}})

    def matching(dev: GoldDevelopment, rec: dict) -> bool:
        return rec["article"] == dev.article and any(overlaps(rec["span"], s) for s in dev.spans)

    # Precision: one row per (article, sentence, category).
    seen, scored = set(), []
    for rec in records:
        sentence_key = rec["sent_id"] if not _blank(rec["sent_id"]) else rec["span"]
        key = (rec["article"], sentence_key, rec["category"])
        if key in seen:
            continue
        seen.add(key)
        rec["correct"] = any(rec["category"] in dev.categories and matching(dev, rec)
                             for dev in by_article.get(rec["article"], ()))
        scored.append(rec)

    # Recall and agreement.
    rows_by_article: dict[str, list[dict]] = {}
    for rec in records:
        rows_by_article.setdefault(rec["article"], []).append(rec)
    fields = [f for f in FIELDS if available[f]]
    for dev in devs:
        candidates = [rec for rec in rows_by_article.get(dev.article, ())
                      if rec["category"] in dev.categories and matching(dev, rec)]
        if not candidates:
            continue
        dev.hit = True
        if not fields:
            continue
        for is_strict, target in ((False, dev.agree), (True, dev.agree_strict)):
            best_score, best = -1, None
            for rec in candidates:
                verdicts = {f: same_name(dev.fields[f], rec[f], strict=is_strict) for f in fields}
                score = sum(verdicts.values())
                if score > best_score:
                    best_score, best = score, (rec, verdicts)
            target.update(best[1])
            if is_strict == strict:
                dev.best = {f: best[0][f] for f in fields}

    hits = [d for d in devs if d.hit]

    def agreement(subset: list[GoldDevelopment]) -> dict:
        result = {}
        for f in FIELDS:
            if not available[f]:
                result[f] = {"available": False, "n": len(subset), "agreed": None, "value": None,
                             "lenient": None, "strict": None}
                continue
            lenient = sum(d.agree[f] for d in subset)
            exact = sum(d.agree_strict[f] for d in subset)
            result[f] = {"available": True, "n": len(subset), "agreed": exact if strict else lenient,
                         "value": _ratio(exact if strict else lenient, len(subset)),
                         "lenient": _ratio(lenient, len(subset)), "strict": _ratio(exact, len(subset)),
                         "agreed_lenient": lenient, "agreed_strict": exact}
        return result

    from analysis.developments import CATEGORIES

    seen_categories = {d.primary for d in devs} | {r["category"] for r in scored}
    order = [c for c in CATEGORIES if c in seen_categories] + sorted(seen_categories - set(CATEGORIES))
    per_category = []
    for category in order:
        gold_here = [d for d in devs if d.primary == category]
        rows_here = [r for r in scored if r["category"] == category]
        hits_here = [d for d in gold_here if d.hit]
        correct_here = sum(r["correct"] for r in rows_here)
        per_category.append({
            "category": category, "gold": len(gold_here), "recalled": len(hits_here),
            "recall": _ratio(len(hits_here), len(gold_here)), "rows": len(rows_here), "correct_rows": correct_here,
            "precision": _ratio(correct_here, len(rows_here)),
            "agreement": {f: v["value"] for f, v in agreement(hits_here).items()},
        })

    correct = sum(r["correct"] for r in scored)
    precision, recall = _ratio(correct, len(scored)), _ratio(len(hits), len(devs))

    def start_of(dev):
        return dev.spans[0][0] if dev.spans else None

    misses = [{"article": d.article, "start": start_of(d), "categories": d.categories, "what": d.what,
               "sentence": d.sentence, "located": bool(d.spans)} for d in devs if not d.hit]
    chosen = "agree_strict" if strict else "agree"
    disagreements = []
    for d in hits:
        wrong = {f: {"gold": d.fields[f], "predicted": d.best[f]} for f in fields if not getattr(d, chosen)[f]}
        if wrong:
            disagreements.append({"article": d.article, "start": start_of(d), "categories": d.categories,
                                  "what": d.what, "fields": wrong})
    false_rows = [{"article": r["article"], "start": r["span"][0], "category": r["category"],
                   "sentence": r["text"]} for r in scored if not r["correct"]]
    return {
        "precision": precision, "recall": recall, "f1": _f1(precision, recall),
        "correct_rows": correct, "rows": len(scored), "ledger_rows": len(records), "recalled": len(hits),
        "gold_developments": len(devs), "gold_articles": len(articles),
        "gold_sentences": len(sentence_spans), "located_sentences": len(sentence_spans) - len(unlocated),
        "unlocated": unlocated, "agreement": agreement(hits), "per_category": per_category,
        "misses": misses, "disagreements": disagreements, "false_rows": false_rows, "strict": strict,
    }


# --------------------------------------------------------------------------------------------
# Running the system
# --------------------------------------------------------------------------------------------

def default_corpora(gold_path: str | Path) -> Path:
    """Where a gold file's ``file`` entries are relative to: its folder's ``../../corpora``."""
    return (Path(gold_path).resolve().parent / ".." / ".." / "corpora").resolve()


def run_ledger(gold: Mapping, corpora: str | Path) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Load the gold's articles and run the pipeline on them.

    Returns the ledger (``article_id`` replaced by the gold's ``file`` of the article), the
    articles' texts by ``file``, and notes on files that could not be read.
    """
    from analysis.load import load_articles
    from analysis.pipeline import analyze_batch

    root = Path(corpora)
    wanted: dict[Path, str] = {}
    notes = []
    for article in gold.get("articles") or ():
        path = (root / str(article["file"])).resolve()
        if path.is_file():
            wanted[path] = str(article["file"])
        else:
            notes.append(f"{article['file']}: no such file under {root}")
    if not wanted:
        return pd.DataFrame(columns=["article_id", "category", "start", "end"]), {}, notes
    arts = load_articles(*wanted, progress=False, drop_duplicates=False)
    keys = [wanted.get(Path(p).resolve()) for p in arts["path"]]
    arts = arts.assign(_gold=keys)
    texts: dict[str, str] = {}
    ids: dict[str, str] = {}
    for key, article_id, text in zip(arts["_gold"], arts["article_id"], arts["text"]):
        if key is None:
            continue
        if key in texts:
            notes.append(f"{key}: holds several articles; only the first is scored")
            continue
        texts[key], ids[article_id] = text, key
    for key in set(wanted.values()) - set(texts):
        notes.append(f"{key}: loaded no article")
    arts = arts[arts["article_id"].isin(ids)].drop(columns="_gold").drop_duplicates("article_id")
    ledger = analyze_batch(arts.reset_index(drop=True))["developments"]
    ledger = ledger.assign(article_id=ledger["article_id"].map(ids))
    return ledger, texts, notes


def evaluate_developments(gold_path: str | Path, *, corpora: str | Path | None = None,
                          strict: bool = False) -> dict:
    """Run the toolkit on the gold's articles and score its ledger (see :func:`score_developments`);
    the result also has ``notes`` (files that could not be read)."""
    gold = read_gold(gold_path)
    ledger, texts, notes = run_ledger(gold, corpora if corpora is not None else default_corpora(gold_path))
    result = score_developments(gold, ledger, texts, strict=strict)
    result["notes"] = notes
    return result


# --------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------

def _fmt(value) -> str:
    return "  n/a" if value is None else f"{value:.3f}"


def _short(text, width: int = 110) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[:width - 3] + "..."


def format_result(result: dict, *, misses: bool = False, disagreements: bool = False) -> str:
    mode = "strict" if result["strict"] else "lenient"
    lines = [
        f"gold: {result['gold_articles']} articles, {result['gold_developments']} developments in "
        f"{result['gold_sentences']} sentences ({result['located_sentences']} located, "
        f"{len(result['unlocated'])} not found); ledger rows scored: {result['rows']} "
        f"({result['ledger_rows']} before one per sentence and category)",
        f"precision {_fmt(result['precision'])} ({result['correct_rows']}/{result['rows']})  "
        f"recall {_fmt(result['recall'])} ({result['recalled']}/{result['gold_developments']})  "
        f"F1 {_fmt(result['f1'])}",
    ]
    parts = []
    for f in FIELDS:
        a = result["agreement"][f]
        if not a["available"]:
            parts.append(f"{f} n/a (no {f} column)")
        else:
            other = "lenient" if result["strict"] else "strict"
            parts.append(f"{f} {_fmt(a['value'])} ({a['agreed']}/{a['n']}; {other} {_fmt(a[other]).strip()})")
    lines.append(f"agreement ({mode}, on recalled developments): " + "  ".join(parts))
    header = f"{'category':<22}{'gold':>5}{'recall':>8}{'rows':>6}{'precision':>10}" + "".join(
        f"{f:>10}" for f in FIELDS)
    lines += ["", header]
    for c in result["per_category"]:
        lines.append(f"{c['category']:<22}{c['gold']:>5}{_fmt(c['recall']):>8}{c['rows']:>6}"
                     f"{_fmt(c['precision']):>10}" + "".join(f"{_fmt(c['agreement'][f]):>10}" for f in FIELDS))
    for note in result.get("notes") or ():
        lines.append(f"note: {note}")
    if result["unlocated"]:
        lines.append(f"\n{len(result['unlocated'])} gold sentences not found in their article's text:")
        if misses:
            lines += [f"  {u['article']}: {u['reason']}: {_short(u['sentence'])}" for u in result["unlocated"]]
    if misses:
        lines.append(f"\nmissed gold developments ({len(result['misses'])}):")
        for m in result["misses"]:
            where = m["start"] if m["start"] is not None else "not located"
            lines.append(f"  {m['article']} @{where} [{', '.join(m['categories'])}] {_short(m['what'], 90)}")
    if disagreements:
        lines.append(f"\ndisagreements on recalled developments ({len(result['disagreements'])}):")
        for d in result["disagreements"]:
            fields = "; ".join(f"{f}: gold {v['gold']!r} vs {v['predicted']!r}" for f, v in d["fields"].items())
            lines.append(f"  {d['article']} @{d['start']} [{d['categories'][0]}] {_short(d['what'], 60)} -- {fields}")
        lines.append(f"\nfalse rows ({len(result['false_rows'])}):")
        for r in result["false_rows"]:
            lines.append(f"  {r['article']} @{r['start']} {r['category']}: {_short(r['sentence'])}")
    return "\n".join(lines)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(prog="python -m analysis.evaluate developments",
                                               description=__doc__.splitlines()[0])
    parser.add_argument("gold", help="the gold YAML (e.g. ../shared/eval/developments/dev.yaml)")
    parser.add_argument("--corpora", help="the folder the gold's files are relative to "
                                          "(default: the gold's folder/../../corpora)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--misses", action="store_true", help="list the gold developments the ledger misses")
    parser.add_argument("--disagreements", action="store_true",
                        help="list actor/target/claimant disagreements and the false rows")
    parser.add_argument("--strict", action="store_true", help="agreement on exact normalised names only")
    return parser


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """The command on parsed arguments (:func:`build_parser`'s); ``python -m analysis.evaluate
    developments`` hands its arguments here."""
    try:
        result = evaluate_developments(args.gold, corpora=args.corpora, strict=args.strict)
    except (OSError, ValueError, KeyError) as exc:
        print(f"evaluate developments: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_jsonable(result), indent=2, ensure_ascii=False, default=str))
    else:
        print(format_result(result, misses=args.misses, disagreements=args.disagreements))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
