"""Dates: find the date expressions in sentences and resolve them against the publication date.

News text rarely writes a full date. "February 28", "on Monday", "yesterday" and "last week" all
need the day the article was published to become a calendar date, so every expression is resolved
against its article's publication date, taken as the calendar day of the ``published`` timestamp
in its own time zone (``load_articles`` gives UTC). Nothing depends on today's date.

Supported expressions, each a row of :func:`dates`:

- ``explicit``: "February 28", "Feb. 28", "Feb 28", "28 February", "28 Feb", "February 28th",
  "February 28, 2022", "28 February 2022", "2022-02-28". A date without a year takes the year
  (publication year - 1, + 0 or + 1) that puts it nearest the publication date, so "December 30"
  in an article of 2023-01-02 is 2022-12-30.
- ``weekday``: "Monday", "on Tuesday night" (the latest such day on or before publication),
  "last Monday" (strictly before), "next Monday" (strictly after), "this Monday" (in the
  publication's Monday-to-Sunday week).
- ``relative``: "today", "tonight", "this morning" (the publication day), "overnight" (the night
  that ends on the publication morning, dated to the publication day), "yesterday", "last night"
  (the day before), "tomorrow", "the day before yesterday", "three days ago", "two weeks ago",
  "a month ago".
- ``period`` (``date`` is NaT, ``date_from`` and ``date_to`` bound the span): "last week", "this
  week", "next week" (Monday-to-Sunday weeks), "last weekend", "this month", "last year"...,
  "in March", "early March", "mid-March", "late March" (days 1-10, 11-20, 21-end), "March 2022",
  "in 2014".

Deliberately not dates: "may" (a month only when capitalised and given a day, a year, or a word
such as "in" or "since" before it; every bare month name needs the same, so "a protest march",
"Theresa May said" and "April Smith" are skipped), clock times ("10:30"), numbers that cannot be
days ("Route 66", "the 28th Brigade"), durations ("five days into the invasion", "in the past
week", "over the last week": spans counted back from an unstated moment, not calendar dates),
numeric day/month forms ("28/02/2022", whose order is ambiguous) and "on the 28th".

A date that needs the publication date is never guessed without one: it is returned with
``resolved`` False, ``date`` NaT and a ``reason``. Only dates written with their year (or ISO
dates) resolve on their own.

>>> found = dates(sents, arts=arts)                             # doctest: +SKIP
>>> found.query("resolved").groupby("date").size()              # doctest: +SKIP
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Sequence

import pandas as pd

from analysis.text import fold, select_roles

COLUMNS = ["article_id", "sent_id", "text", "start", "end", "kind", "date", "date_from", "date_to",
           "resolved", "reason"]
KINDS = ("explicit", "weekday", "relative", "period")

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
#: Abbreviations as news agencies write them ("Sept." as well as "Sep."); May has none.
MONTH_ABBREVIATIONS = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8,
                       "Sep": 9, "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}
WEEKDAYS = {name: number for number, name in enumerate(calendar.day_name)}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}

NO_PUBLICATION = "no publication date to supply the year"
NO_ANCHOR = "no publication date to anchor the expression"
NOT_A_DATE = "not a calendar date"

# Case matters for months and weekdays: "may" and "march" lower-case are a verb and a noun.
_FULL = "|".join(MONTHS)
_ABBR = "|".join(sorted(MONTH_ABBREVIATIONS, key=len, reverse=True))
_MONTH = rf"(?:(?:{_FULL})\b|(?:{_ABBR})(?:\.|\b))"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?![\d:])"          # never part of "10:30" or "2022"
_ORDINAL = r"(?:st|nd|rd|th)?\b"
_YEAR = r"(?:19\d\d|20\d\d|2100)(?![\d:])"
# Words that make a bare month name (or a bare year) a date: "in March", "since May".
_CONTEXT = r"in|on|since|until|till|from|by|during|through|before|after|of"
_YEAR_CONTEXT = r"in|since|until|till|by|of|during"

_ISO_RE = re.compile(r"(?<![\d-])(?P<year>(?:19|20)\d\d)-(?P<month>0[1-9]|1[0-2])-"
                     r"(?P<day>0[1-9]|[12]\d|3[01])(?![\d-])")
_MONTH_DAY_RE = re.compile(rf"\b(?P<month>{_MONTH})\s+(?P<day>{_DAY}){_ORDINAL}"
                           rf"(?:,?\s+(?P<year>{_YEAR}))?")
_DAY_MONTH_RE = re.compile(rf"(?<![\d:.,/])\b(?P<day>{_DAY}){_ORDINAL}\s+(?:of\s+)?"
                           rf"(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?")
_MONTH_PERIOD_RE = re.compile(rf"(?:\b(?P<context>(?i:{_CONTEXT}))\s+)?"
                              rf"(?:\b(?P<part>(?i:early|mid|late))(?:\s+|-))?"
                              rf"\b(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?")
_YEAR_RE = re.compile(rf"\b(?i:{_YEAR_CONTEXT})\s+(?P<year>{_YEAR})\b"
                      r"(?![-/.,]\d)(?!\s*(?i:gmt|utc|hours|hrs|percent|%))")
_WEEKDAY_RE = re.compile(r"(?:\b(?P<which>(?i:last|next|this))\s+)?"
                         rf"\b(?P<weekday>{'|'.join(WEEKDAYS)})\b"
                         r"(?:\s+(?P<part>(?i:morning|afternoon|evening|night))\b)?")
_RELATIVE_RE = re.compile(
    r"\b(?:(?P<before_yesterday>the\s+day\s+before\s+yesterday)"
    r"|(?P<after_tomorrow>the\s+day\s+after\s+tomorrow)"
    r"|(?P<yesterday>yesterday)(?:\s+(?:morning|afternoon|evening))?"
    r"|(?P<tomorrow>tomorrow)(?:\s+(?:morning|afternoon|evening|night))?"
    r"|(?P<today>today|tonight|this\s+(?:morning|afternoon|evening))"
    r"|(?P<last_night>last\s+night)"
    r"|(?P<overnight>overnight)"
    r"|(?P<which>last|this|next)\s+(?P<unit>week|weekend|month|year)"
    rf"|(?P<count>\d{{1,3}}|{'|'.join(NUMBER_WORDS)})\s+(?P<ago_unit>day|week|month|year)s?\s+ago"
    r")\b",
    re.IGNORECASE,
)
# Weekdays that name something else: "Black Friday", "Bloody Sunday".
_NAMED_WEEKDAY_RE = re.compile(r"\b(?:Black|Good|Bloody|Cyber|Ash|Palm|Easter|Holy|Super|Maundy)\s+$")
_NOT_TODAY_RE = re.compile(r"\b(?:USA|Russia)\s+$")
# "it will not happen overnight" means quickly, not last night.
_OVERNIGHT_IDIOM_BEFORE = re.compile(r"\b(?:happen\w*|change\w*|come|comes|came|disappear\w*|"
                                     r"vanish\w*|transform\w*)\s+$", re.IGNORECASE)
_OVERNIGHT_IDIOM_AFTER = re.compile(r"^\s+(?:success|sensation|star)", re.IGNORECASE)
# "over the last week" is a span counted back from publication, not the previous calendar week.
_ROLLING_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
# When two expressions overlap, the longer wins; on a tie, the more specific kind.
_PRIORITY = {"explicit": 0, "period": 1, "weekday": 2, "relative": 3}
#: A month name or abbreviation holds one of these (the names that hold no shorter one).
_MONTH_NEEDLES = tuple(name for name in (*MONTHS, *MONTH_ABBREVIATIONS)
                       if not any(other != name and other in name for other in (*MONTHS, *MONTH_ABBREVIATIONS)))
#: Every match of _RELATIVE_RE holds one of these words (case aside; see analysis.text.fold).
_RELATIVE_NEEDLES = ("yesterday", "tomorrow", "today", "tonight", "this", "last", "overnight", "next", "ago")


# --------------------------------------------------------------------------------------------
# Calendar arithmetic
# --------------------------------------------------------------------------------------------

def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.get(name) or MONTH_ABBREVIATIONS[name]


def _day(year: int, month: int, day: int) -> pd.Timestamp | None:
    try:
        return pd.Timestamp(dt.date(year, month, day))
    except ValueError:
        return None


def _nearest(candidates: list[tuple[pd.Timestamp, pd.Timestamp]], pub: pd.Timestamp):
    """The (from, to) span nearest the publication day; on a tie, the earlier one, since news
    reports the past far more often than the future."""
    def distance(span):
        first, last = span
        gap = (first - pub).days if pub < first else (pub - last).days if pub > last else 0
        return gap, first > pub
    return min(candidates, key=distance) if candidates else None


def _month_span(year: int, month: int, part: str | None) -> tuple[pd.Timestamp, pd.Timestamp]:
    last_day = calendar.monthrange(year, month)[1]
    first, last = {"early": (1, 10), "mid": (11, 20), "late": (21, last_day)}.get(
        (part or "").lower(), (1, last_day))
    return pd.Timestamp(dt.date(year, month, first)), pd.Timestamp(dt.date(year, month, last))


def _week_start(day: pd.Timestamp) -> pd.Timestamp:
    return day - pd.Timedelta(days=day.weekday())


def _publication_day(value) -> pd.Timestamp:
    """The calendar day of a publication timestamp, tz-naive at midnight, or NaT."""
    if value is None:
        return pd.NaT
    stamp = pd.Timestamp(value) if not isinstance(value, pd.Timestamp) else value
    if pd.isna(stamp):
        return pd.NaT
    if stamp.tzinfo is not None:
        # The wall-clock day where it was stamped; converting first could shift it a day.
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


# --------------------------------------------------------------------------------------------
# Finding expressions in one sentence
# --------------------------------------------------------------------------------------------

def _found(start, end, kind, first=None, last=None, reason=None):
    """One expression: its span in the sentence, kind and (from, to) days, or a reason."""
    return {"start": start, "end": end, "kind": kind, "date_from": first, "date_to": last,
            "reason": reason}


def _explicit(match: re.Match, pub: pd.Timestamp) -> dict:
    month = _month_number(match["month"]) if not match["month"].isdigit() else int(match["month"])
    day = int(match["day"])
    start, end = match.span()
    if match.group().endswith("."):
        end -= 1                                      # "on 28 Feb.": the period ends the sentence
    if match["year"]:
        stamp = _day(int(match["year"]), month, day)
        return _found(start, end, "explicit", stamp, stamp, None if stamp else NOT_A_DATE)
    if pd.isna(pub):
        return _found(start, end, "explicit", reason=NO_PUBLICATION)
    spans = [(s, s) for y in (pub.year - 1, pub.year, pub.year + 1) if (s := _day(y, month, day))]
    best = _nearest(spans, pub)
    if best is None:                                  # February 30: in no year at all
        return _found(start, end, "explicit", reason=NOT_A_DATE)
    return _found(start, end, "explicit", *best)


def _month_period(match: re.Match, pub: pd.Timestamp) -> dict | None:
    name, year, part = match["month"], match["year"], match["part"]
    if not year and not (match["context"] or part):
        return None                                   # "a protest march", "Theresa May said"
    if not year and name not in MONTHS:
        return None                                   # "in Mar" is rare, "Mar-a-Lago" is not
    if not year and re.match(r"\s*\d", match.string[match.end():]):
        return None                                   # "on February 45": not a day, not a month
    month = _month_number(name)
    start = match.start("part") if part else match.start("month")
    end = match.end()
    if year:
        return _found(start, end, "period", *_month_span(int(year), month, part))
    if pd.isna(pub):
        return _found(start, end, "period", reason=NO_PUBLICATION)
    spans = [_month_span(y, month, part) for y in (pub.year - 1, pub.year, pub.year + 1)]
    return _found(start, end, "period", *_nearest(spans, pub))


def _year_period(match: re.Match) -> dict:
    year = int(match["year"])
    return _found(match.start("year"), match.end("year"), "period",
                  pd.Timestamp(dt.date(year, 1, 1)), pd.Timestamp(dt.date(year, 12, 31)))


def _weekday(match: re.Match, text: str, pub: pd.Timestamp) -> dict | None:
    start = match.start("which") if match["which"] else match.start("weekday")
    if _NAMED_WEEKDAY_RE.search(text[:start]):
        return None
    end = match.end()
    if pd.isna(pub):
        return _found(start, end, "weekday", reason=NO_ANCHOR)
    target, today = WEEKDAYS[match["weekday"]], pub.weekday()
    which = (match["which"] or "").lower()
    if which == "next":
        offset = (target - today) % 7 or 7
    elif which == "last":
        offset = -((today - target) % 7 or 7)
    elif which == "this":
        offset = target - today
    else:
        offset = -((today - target) % 7)
    stamp = pub + pd.Timedelta(days=offset)
    return _found(start, end, "weekday", stamp, stamp)


def _calendar_unit(which: str, unit: str, pub: pd.Timestamp):
    step = {"last": -1, "this": 0, "next": 1}[which]
    if unit in ("week", "weekend"):
        monday = _week_start(pub) + pd.Timedelta(weeks=step)
        if unit == "weekend":
            return monday + pd.Timedelta(days=5), monday + pd.Timedelta(days=6)
        return monday, monday + pd.Timedelta(days=6)
    if unit == "month":
        first = (pub.replace(day=1) + pd.DateOffset(months=step)).normalize()
        return first, first + pd.offsets.MonthEnd(0)
    year = pub.year + step
    return pd.Timestamp(dt.date(year, 1, 1)), pd.Timestamp(dt.date(year, 12, 31))


def _relative(match: re.Match, text: str, pub: pd.Timestamp) -> dict | None:
    start, end = match.span()
    before, after = text[:start], text[end:]
    if match["today"] and _NOT_TODAY_RE.search(before):
        return None                                   # USA Today, Russia Today
    if match["overnight"] and (_OVERNIGHT_IDIOM_BEFORE.search(before)
                               or _OVERNIGHT_IDIOM_AFTER.search(after)):
        return None
    if match["which"] and _ROLLING_BEFORE.search(before):
        return None                                   # "over the last week": a duration
    kind = "period" if match["which"] else "relative"
    if pd.isna(pub):
        return _found(start, end, kind, reason=NO_ANCHOR)
    if match["which"]:
        return _found(start, end, kind, *_calendar_unit(match["which"].lower(),
                                                        match["unit"].lower(), pub))
    if match["count"]:
        count = NUMBER_WORDS.get(match["count"].lower()) or int(match["count"])
        unit = match["ago_unit"].lower()
        stamp = pub - (pd.Timedelta(days=count) if unit == "day" else
                       pd.Timedelta(weeks=count) if unit == "week" else
                       pd.DateOffset(months=count) if unit == "month" else
                       pd.DateOffset(years=count))
        return _found(start, end, kind, stamp, stamp)
    offsets = {"before_yesterday": -2, "after_tomorrow": 2, "yesterday": -1, "tomorrow": 1,
               "today": 0, "last_night": -1, "overnight": 0}
    group = next(name for name in offsets if match[name])
    stamp = pub + pd.Timedelta(days=offsets[group])
    return _found(start, end, kind, stamp, stamp)


def find_dates(text: str, published=None) -> list[dict]:
    """The date expressions in one text, resolved against ``published`` (a date, or None).

    Returns a list of dicts with ``start``, ``end`` (offsets in ``text``), ``kind``,
    ``date_from``, ``date_to`` (Timestamps or None) and ``reason``, in text order. Overlapping
    matches are settled in favour of the longer one ("28 February 2022" over "February 2022").
    """
    return _find_dates(_fold(text), _publication_day(published))


#: Letters that case-insensitive patterns match as ASCII ones ("laſt week" as "last week") but
#: that do not lower-case to them: read as their ASCII letter, one character for one, so offsets hold.
_FOLD = str.maketrans({"\u017f": "s", "\u0131": "i", "\u0130": "I", "\u212a": "K"})


def _fold(text: str) -> str:
    return text.translate(_FOLD)


def _find_dates(text: str, pub) -> list[dict]:
    """:func:`find_dates` with the publication day already worked out.

    Each pattern runs only when the text holds a string without which it cannot match (a month
    name, a weekday name, a year's first digits, a word of the relative expressions): a pattern
    that cannot match adds nothing, so the result is the same, and most sentences have no date.
    """
    candidates = []
    years = "19" in text or "20" in text or "21" in text
    months = any(name in text for name in _MONTH_NEEDLES)
    if years and "-" in text:
        candidates += [_explicit(m, pub) for m in _ISO_RE.finditer(text)]
    if months:
        for regex in (_MONTH_DAY_RE, _DAY_MONTH_RE):
            candidates += [_explicit(m, pub) for m in regex.finditer(text)]
        candidates += [_month_period(m, pub) for m in _MONTH_PERIOD_RE.finditer(text)]
    if years:
        candidates += [_year_period(m) for m in _YEAR_RE.finditer(text)]
    if any(name in text for name in WEEKDAYS):
        candidates += [_weekday(m, text, pub) for m in _WEEKDAY_RE.finditer(text)]
    folded = fold(text)
    if any(word in folded for word in _RELATIVE_NEEDLES):
        candidates += [_relative(m, text, pub) for m in _RELATIVE_RE.finditer(text)]
    candidates = [c for c in candidates if c is not None]
    # Longest first, so that a match inside a longer one ("February 2022" in "28 February 2022")
    # never blocks it; ties go to the earlier, then the more specific kind.
    candidates.sort(key=lambda c: (-(c["end"] - c["start"]), c["start"], _PRIORITY[c["kind"]]))
    chosen: list[dict] = []
    for candidate in candidates:
        if all(candidate["end"] <= c["start"] or candidate["start"] >= c["end"] for c in chosen):
            chosen.append(candidate)
    chosen.sort(key=lambda c: c["start"])
    return chosen


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------

def _publications(sents: pd.DataFrame, arts: pd.DataFrame | None, published) -> pd.Series:
    """The publication timestamp of each sentence: its own column, else the article's, else one
    date for all."""
    if "published" in sents.columns:
        return sents["published"]
    if arts is not None and "published" in arts.columns:
        mapping = arts.drop_duplicates("article_id").set_index("article_id")["published"]
        return sents["article_id"].map(mapping)
    return pd.Series([published] * len(sents), index=sents.index, dtype=object)


#: The dates a pandas datetime column can hold (nanoseconds since 1970 in 64 bits).
_IN_RANGE = (pd.Timestamp("1677-09-22"), pd.Timestamp("2262-04-11"))


def dates(
    sents: pd.DataFrame,
    *,
    arts: pd.DataFrame | None = None,
    published=None,
    roles: Sequence[str] | None = ("title", "body"),
) -> pd.DataFrame:
    """Find and resolve the date expressions of every sentence.

    Args:
        sents: the sentences table from :func:`analysis.sentences` (``article_id`` and ``text``
            are required; ``sent_id`` defaults to the row number and ``start`` to 0, so a
            hand-made table of texts will do).
        arts: the articles table, to take each article's ``published`` from when ``sents`` has no
            ``published`` column.
        published: one publication date for every sentence, used when neither ``sents`` nor
            ``arts`` gives one (a string, date or Timestamp).
        roles: paragraph roles to read (default title and body; ``None`` reads every sentence).
            Ignored when ``sents`` has no ``role`` column.

    Returns:
        A DataFrame, one row per expression in text order: ``article_id``, ``sent_id``, ``text``
        (the expression as written), ``start``, ``end`` (offsets in the article text, like the
        sentences table), ``kind`` (explicit / weekday / relative / period), ``date`` (the day,
        tz-naive at midnight; NaT for periods and unresolved expressions), ``date_from``,
        ``date_to`` (the span of a period; both equal ``date`` for a single day), ``resolved``
        (bool) and ``reason`` (None, or why the expression was left unresolved).

    >>> dates(sents, arts=arts).query("kind == 'explicit'")         # doctest: +SKIP
    """
    missing = [c for c in ("article_id", "text") if c not in sents.columns]
    if missing:
        raise KeyError(f"dates() needs the columns {missing}, which this table lacks "
                       f"(it has {list(sents.columns)})")
    if roles is not None and "role" in sents.columns:
        sents = select_roles(sents, roles)
    publications = _publications(sents, arts, published)
    sent_ids = sents["sent_id"] if "sent_id" in sents.columns else pd.Series(range(len(sents)),
                                                                              index=sents.index)
    starts = sents["start"] if "start" in sents.columns else pd.Series(0, index=sents.index)
    rows = []
    days: dict = {}   # publication timestamp -> its day (sentences of an article share one)
    for article_id, sent_id, text, offset, pub in zip(sents["article_id"].tolist(), sent_ids.tolist(),
                                                      sents["text"].tolist(), starts.tolist(), publications):
        if not isinstance(text, str):
            continue
        try:
            key = (type(pub), getattr(pub, "tzinfo", None), pub)
            day = days[key] if key in days else days.setdefault(key, _publication_day(pub))
        except TypeError:  # not hashable
            day = _publication_day(pub)
        for found in _find_dates(_fold(text), day):
            first, last = found["date_from"], found["date_to"]
            resolved = first is not None and pd.notna(first)
            if resolved and not all(_IN_RANGE[0] <= d <= _IN_RANGE[1] for d in (first, last) if pd.notna(d)):
                # "April 7, 1509": pandas dates hold 1677 to 2262 only; such a date stays unresolved
                resolved = False
                found = {**found, "reason": "outside the dates pandas can hold (1677-2262)"}
            rows.append({
                "article_id": article_id,
                "sent_id": sent_id,
                "text": text[found["start"]:found["end"]],
                "start": int(offset) + found["start"],
                "end": int(offset) + found["end"],
                "kind": found["kind"],
                "date": first if resolved and found["kind"] != "period" else pd.NaT,
                "date_from": first if resolved else pd.NaT,
                "date_to": last if resolved else pd.NaT,
                "resolved": resolved,
                "reason": found["reason"],
            })
    out = pd.DataFrame(rows, columns=COLUMNS)
    for column in ("date", "date_from", "date_to"):
        out[column] = pd.to_datetime(out[column]).astype("datetime64[ns]")
    out["start"] = out["start"].astype("int64")
    out["end"] = out["end"].astype("int64")
    out["resolved"] = out["resolved"].astype(bool)
    out["reason"] = out["reason"].astype(object).where(out["reason"].notna(), None)
    return out.reset_index(drop=True)
