"""Quantities: the numbers reported in news text, with their unit, the thing counted and a qualifier.

``quantities(sents)`` finds numerals ("4,500", "113", "2.5"), number words ("five", "twenty-one"),
vague amounts as ranges ("dozens" 24-99, "hundreds of" 200-999, "hundreds of millions of dollars"),
scaled money ("$630 billion", "€1.2bn", "£600m"), percentages, hyphenated units ("25-kilometer"),
ranges ("10 to 15", "between 10 and 15") and qualifiers ("more than", "nearly", "at least", "up to").
Years, dates, clock times, ordinals and numbers inside names ("Su-25", "Route 66") are not
quantities. Units are normalised with ``resources/quantity_units.tsv``.

>>> quantities(sents)[["text", "value", "low", "high", "unit", "object"]]   # doctest: +SKIP
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence

import pandas as pd

from analysis import resources
from analysis.text import select_roles

QUANTITY_COLUMNS = ["article_id", "sent_id", "text", "value", "low", "high", "unit", "object", "qualifier", "start",
                    "end"]
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a dozen": 12, "dozen": 12, "a hundred": 100, "a thousand": 1000,
}
#: Vague amounts: the range a careful reader gives them ("dozens" is more than two dozen).
VAGUE = {
    "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999), "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999), "tens of millions": (20_000_000, 99_999_999),
    "hundreds of millions": (200_000_000, 999_999_999), "billions": (2_000_000_000, 9_999_999_999),
    "tens of billions": (20_000_000_000, 99_999_999_999), "hundreds of billions": (200_000_000_000, 999_999_999_999),
}
SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
          "trillion": 1e12, "tn": 1e12}
QUALIFIERS = {
    "more than": "more than", "over": "more than", "at least": "at least", "upwards of": "more than",
    "in excess of": "more than", "nearly": "approximate", "almost": "approximate", "about": "approximate",
    "around": "approximate", "approximately": "approximate", "roughly": "approximate", "some": "approximate",
    "an estimated": "approximate", "estimated": "approximate", "up to": "up to", "as many as": "up to",
    "fewer than": "less than", "less than": "less than", "under": "less than", "at most": "up to",
}
MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
          "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_NUMBER_RE = re.compile(
    # Where no match can start, fail at once: a match starts with a currency sign, a digit or the
    # first letter of a number word (t, h, d, s, m, b, f, e, n, o, a); the rest of the pattern decides.
    r"(?=[$\u20ac\u00a3\dthdsmbfenoa])"
    r"(?P<cur>[$\u20ac\u00a3])?"
    r"(?:(?P<digits>(?<![\w.,-])\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.,-])\d+(?:\.\d+)?)"
    r"|(?P<vague>\b(?:(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)|dozens|scores|hundreds|thousands"
    r"|millions|billions)\b)"
    rf"|(?P<word>\b(?:(?:{_TENS})(?:-(?:{_UNITS}))?|{_UNITS}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|a\s+dozen|dozen|a\s+hundred|a\s+thousand)\b))"
    r"(?:(?P<rangesep>\s*(?:-|\u2013|to|(?<=\d)\s+and(?=\s+\d))\s*)(?P<digits2>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?![\w.]))?"
    r"(?P<scale>(?<=\d)(?:bn|mn|m|k|tn)\b|\s+(?:thousand|million|billion|trillion)\b)?"
    r"(?P<pct>\s?%|\s+per\s?cent\b)?",
    re.IGNORECASE,
)
_QUALIFIER_RE = re.compile(r"(?:^|(?<=\W))(?P<q>" + "|".join(sorted(map(re.escape, QUALIFIERS), key=len, reverse=True))
                           + r")\s+(?:of\s+)?$", re.IGNORECASE)
_BETWEEN_RE = re.compile(r"\bbetween\s+$", re.IGNORECASE)
_MONTH_BEFORE_RE = re.compile(rf"\b(?:{MONTHS})\.?\s+$", re.IGNORECASE)
_MONTH_AFTER_RE = re.compile(rf"^(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b", re.IGNORECASE)
_YEAR_CONTEXT_RE = re.compile(r"\b(?:in|since|until|till|by|of|from|to|during|before|after|year|early|late|mid|the|"
                              r"spring|summer|autumn|fall|winter|between|and|through)\s+$", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z][\w'\u2019-]*")
_STOP_FOR_OBJECT = frozenset({"in", "on", "at", "by", "for", "from", "to", "with", "against", "into", "since", "and",
                              "or", "but", "as", "than", "that", "which", "who", "had", "have", "has", "were", "was",
                              "is", "are", "be", "been", "a", "an", "the", "this", "these", "those", "their", "its",
                              "his", "her", "of", "per", "each", "ago", "later", "earlier", "before", "after", "when",
                              "while", "would", "will", "could", "should", "may", "might", "must", "can", "did", "do",
                              "said", "says", "according", "near", "over", "under", "about", "more", "most",
                              "away", "during", "across", "along", "behind", "between", "within", "without",
                              "where", "what", "how", "why", "whom", "whose", "soon", "now", "then", "already", "also",
                              "still", "yet", "again", "there", "here", "not", "no"})
_ORDINAL_AFTER_RE = re.compile(r"^(?:st|nd|rd|th)\b", re.IGNORECASE)
_CLOCK_AFTER_RE = re.compile(r"^[:.]\d")
_CLOCK_BEFORE_RE = re.compile(r"\d[:.]$")
_TIME_AFTER_RE = re.compile(r"^\s*(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|bst\b|est\b|et\b)", re.IGNORECASE)
_FOOTNOTE_BEFORE_RE = re.compile(r"\[\s*$")
_FOOTNOTE_AFTER_RE = re.compile(r"^\s*\]")
_IN_NAME_BEFORE_RE = re.compile(r"\S\s+[A-Z][a-z]+\s+$")
_CODE_AFTER_RE = re.compile(r"^-?[A-Za-z]*\d")
_YEARLIKE_RE = re.compile(r"(?:18|19|20)\d\d")
_THE_BEFORE_RE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_FRACTION_AFTER_RE = re.compile(r"^-(?:thirds?|quarters?|fifths?|halves)\b|^\s+of\s+(?:the|them|us|those|these)\b",
                                re.IGNORECASE)
_HYPHEN_UNIT_RE = re.compile(r"^-([A-Za-z]+)")
_UNIT_WORD_RE = re.compile(r"^\s+(?:of\s+)?(per\s+cent|percentage\s+points|square\s+kilomet(?:er|re)s|cubic\s+meters"
                           r"|[A-Za-z]+)", re.IGNORECASE)
_WORTH_OF_RE = re.compile(r"^\s+worth\s+of(?=\s)", re.IGNORECASE)
_OF_RE = re.compile(r"^\s+of\s+", re.IGNORECASE)
_NEXT_WORD_RE = re.compile(r"^(\s+)([A-Za-z][\w'\u2019-]*)")
_FIRST_WORD_RE = re.compile(r"^()([A-Za-z][\w'\u2019-]*)")
_FOLLOWING_WORD_RE = re.compile(r"^\s+([A-Za-z][\w'-]*)")
_NAME_PREFIX_RE = re.compile(r"(?:\b(?:No|Nos|Resolution|Article|Route|Flight|Highway|Section|Chapter|Gate|Block|"
                             r"Unit|Brigade|Division|Battalion|Regiment|Corps|Army|Group|Paragraph|Point|Item|Number)"
                             r"\.?\s+|[A-Za-z]-)$")


@functools.lru_cache(maxsize=1)
def unit_lexicon() -> dict[str, str]:
    """Words that follow a number, and their normalised unit (``resources/quantity_units.tsv``)."""
    units = {}
    for line in resources.read_list("quantity_units.tsv"):
        word, _, unit = line.partition("\t")
        if unit:
            units[word.strip().lower()] = unit.strip()
    return units


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_quantities(text: str) -> list[dict]:
    """The quantities in one sentence: dicts with the table's columns but article_id and sent_id,
    offsets relative to ``text``."""
    from analysis.dates import _fold

    original, text = text, _fold(text)      # "ſix" is read as "six"; the text shown stays as written
    units = unit_lexicon()
    found = []
    for match in _NUMBER_RE.finditer(text):
        start, end = match.span()
        if start == end or not (match.group("digits") or match.group("vague") or match.group("word")):
            continue
        left, right = text[:start], text[end:]
        if match.group("rangesep") and match.group("rangesep").strip().lower() == "and" and not _BETWEEN_RE.search(left):
            continue  # "5 and 6" outside "between ... and ...": two numbers, not a range (rare; both skipped)
        if _excluded(match, left, right):
            continue
        value = low = high = math.nan
        if match.group("vague"):
            low, high = VAGUE[" ".join(match.group("vague").lower().split())]
        elif match.group("word"):
            word = " ".join(match.group("word").lower().split())
            if "-" in word:
                tens, ones = word.split("-")
                value = NUMBER_WORDS[tens] + NUMBER_WORDS[ones]
            else:
                value = NUMBER_WORDS[word]
        else:
            value = _number(match.group("digits"))
        if match.group("digits2"):
            low, high, value = value, _number(match.group("digits2")), math.nan
        scale = (match.group("scale") or "").strip().lower()
        factor = SCALES.get(scale, 1.0)
        value, low, high = value * factor, low * factor, high * factor
        if (match.group("digits") or match.group("word")) and not match.group("digits2"):
            low = high = value
        qualifier = None
        q = _QUALIFIER_RE.search(left)
        if q and not (match.group("vague") or match.group("digits2")):
            qualifier = QUALIFIERS[q.group("q").lower()]
            start = q.start("q")
            if qualifier in ("more than", "at least"):
                low, high = value, math.nan
            elif qualifier in ("up to", "less than"):
                low, high = math.nan, value
            else:
                low = high = math.nan
        elif match.group("digits2") and _BETWEEN_RE.search(left):
            start = _BETWEEN_RE.search(left).start()
        unit, obj, end = _unit_and_object(match, text, end, units)
        if match.group("word") and not match.group("cur") and unit is None:
            continue  # "one of them", "two-thirds": a bare number word without a counted thing
        if match.group("word") and match.group("word").lower() == "one" and obj is not None and \
                obj.lower().split()[-1] not in units:
            continue  # "one key question", "one place where": a determiner, not a count
        found.append({"text": original[start:end], "value": value, "low": low, "high": high, "unit": unit,
                      "object": obj, "qualifier": qualifier, "start": start, "end": end})
    return found


def _excluded(match, left: str, right: str) -> bool:
    digits = match.group("digits")
    if _MONTH_BEFORE_RE.search(left) and digits and not match.group("cur"):
        return True  # "February 28"
    if digits and _MONTH_AFTER_RE.match(right):
        return True  # "28 February", "28th of February"
    if digits and _ORDINAL_AFTER_RE.match(right):
        return True  # ordinals
    if digits and _CLOCK_AFTER_RE.match(right) or _CLOCK_BEFORE_RE.search(left):
        return True  # clock times, and the parts of dotted numbers
    if digits and _TIME_AFTER_RE.match(right):
        return True
    if digits and _NAME_PREFIX_RE.search(left) and not match.group("cur"):
        return True  # "Route 66", "Su-25", "No. 2"
    if digits and _FOOTNOTE_BEFORE_RE.search(left) and _FOOTNOTE_AFTER_RE.match(right):
        return True  # "[12]": a footnote marker (ISW)
    if digits and not match.group("cur") and _IN_NAME_BEFORE_RE.search(left) and not _QUALIFIER_RE.search(left):
        return True  # "Nord Stream 2", "Boeing 737": a number inside a name
    if digits and _CODE_AFTER_RE.match(right):
        return True
    if (digits and _YEARLIKE_RE.fullmatch(digits) and not match.group("cur") and not match.group("scale")
            and not match.group("pct")):
        next_word = _WORD_RE.match(right.lstrip())
        counted = next_word and next_word.group().lower() in unit_lexicon() and next_word.group().lower() not in (
            "years", "year")
        if _YEAR_CONTEXT_RE.search(left) or not counted:
            return True  # "in 2014", "2022 elections"
    word = match.group("word")
    if word and _THE_BEFORE_RE.search(left):
        return True  # "the two sides": a definite reference, not a count being reported
    return bool(word and _FRACTION_AFTER_RE.match(right))


def _unit_and_object(match, text: str, end: int, units: dict) -> tuple[str | None, str | None, int]:
    """The unit and the counted thing after a number; returns them and the new end of the span."""
    if match.group("cur"):
        unit = units.get(match.group("cur"))
        return unit, _phrase_after(text, end, skip_of=False)[0], end
    if match.group("pct"):
        return "percent", None, end
    rest = text[end:]
    hyphen = _HYPHEN_UNIT_RE.match(rest)
    if hyphen and hyphen.group(1).lower() in units:  # "25-kilometer convoy", "five-hour"
        unit = units[hyphen.group(1).lower()]
        obj, _ = _phrase_after(text, end + hyphen.end(), skip_of=False)
        return unit, obj, end + hyphen.end()
    # a unit word (possibly after "of": "hundreds of millions of dollars", "dozens of people")
    unit_match = _UNIT_WORD_RE.match(rest)
    if unit_match:
        word = " ".join(unit_match.group(1).lower().split())
        if word in units and units[word] in ("USD", "EUR", "GBP", "RUB", "UAH", "CNY", "JPY", "PLN", "TRY", "percent",
                                             "percentage point", "km", "mile", "m", "km2", "hectare", "tonne",
                                             "barrel", "m3", "MW", "second", "minute", "hour", "day", "week",
                                             "month", "year", "decade"):
            new_end = end + unit_match.end()
            obj = None
            worth = _WORTH_OF_RE.match(text[new_end:])
            if worth:
                obj, _ = _phrase_after(text, new_end + worth.end(), skip_of=False)
            return units[word], obj, new_end
    obj, obj_end = _phrase_after(text, end, skip_of=True)
    if obj is None:
        return None, None, end
    words = obj.lower().split()
    head = words[-1].replace("\u2019", "'")
    unit = units.get(" ".join(words[-2:])) or units.get(head) or _singular(head)
    return unit, obj, obj_end


def _phrase_after(text: str, position: int, *, skip_of: bool) -> tuple[str | None, int]:
    """The noun phrase after a number: up to four words, stopping at function words and punctuation."""
    rest = text[position:]
    offset = 0
    of = _OF_RE.match(rest)
    if of and skip_of:
        offset = of.end()
    words, end = [], position
    cursor = offset
    while len(words) < 4:
        step = _NEXT_WORD_RE.match(rest[cursor:])
        if cursor == offset and offset:
            step = _FIRST_WORD_RE.match(rest[cursor:])
        if not step:
            break
        word = step.group(2)
        lower = word.lower()
        if lower in _STOP_FOR_OBJECT or (lower.endswith("ly") and len(lower) > 4):
            break
        if words and (lower.endswith("ing") and len(lower) > 5 or lower in ("killed", "wounded", "injured")):
            break  # "a 25-kilometer convoy consisting of...": the verb ends the thing counted
        words.append(word)
        cursor += step.end()
        end = position + cursor
        if lower in unit_lexicon() and lower not in ("russian", "ukrainian"):
            # a counted noun ends the phrase unless another noun follows it ("rocket strikes")
            nxt = _FOLLOWING_WORD_RE.match(rest[cursor:])
            if not nxt or nxt.group(1).lower() not in unit_lexicon():
                break
    if not words:
        return None, position
    return " ".join(words), end


def quantities(sents: pd.DataFrame, *, roles: Sequence[str] | None = ("body",)) -> pd.DataFrame:
    """Find the numbers reported in sentences.

    Args:
        sents: the sentences table from :func:`analysis.sentences`.
        roles: paragraph roles to read (default body only).

    Returns:
        A DataFrame, one row per quantity: ``article_id``, ``sent_id``, ``text`` (the expression,
        qualifier included), ``value`` (the number; NaN for a vague amount or a range), ``low`` and
        ``high`` (the range it stands for: "dozens" 24-99, "more than 4,500" 4500-NaN, an exact
        number value-value), ``unit`` (normalised: USD, percent, km, day, person, missile...),
        ``object`` (the thing counted, "Russian soldiers"), ``qualifier`` (more than, at least,
        approximate, up to, less than), ``start``, ``end`` (offsets in the article's text).
    """
    rows = []
    selected = select_roles(sents, roles)
    for article_id, sent_id, text, offset in zip(*(selected[column].tolist()
                                                   for column in ("article_id", "sent_id", "text", "start"))):
        for found in parse_quantities(text):
            found["start"] += offset
            found["end"] += offset
            rows.append({"article_id": article_id, "sent_id": sent_id, **found})
    frame = pd.DataFrame(rows, columns=QUANTITY_COLUMNS)
    return frame.astype({"sent_id": "int64", "start": "int64", "end": "int64", "value": "float64", "low": "float64",
                         "high": "float64"})
