"""Load news articles from files and folders into one DataFrame, with a load report.

One reader per format turns a file into article records: plain text and Markdown, HTML pages (main
text extracted by trafilatura), CSV/TSV tables, JSON and JSON Lines, and RSS/Atom feeds
(feedparser). Every file and every record is accounted for in the load report: it was loaded, it was
skipped with a reason, or it was dropped as an exact duplicate. Bad input never stops the load.

>>> arts = load_articles("seeds/")                              # doctest: +SKIP
>>> arts.attrs["load_report"][["path", "status", "articles"]]   # doctest: +SKIP
"""

from __future__ import annotations

import csv
import functools
import glob
import gzip
import hashlib
import io
import json
import math
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import pandas as pd

from analysis import config

#: The columns every articles table starts with, in this order. Extra metadata follows.
ARTICLE_COLUMNS = [
    "article_id", "title", "text", "source", "published", "url", "language", "path", "format", "n_words",
]
REPORT_COLUMNS = ["path", "record", "status", "reason", "articles"]

#: Column names recognised in tables and JSON, compared after :func:`_field_key` normalisation.
#: The first name present with a non-empty value wins; the others are kept as extra metadata.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "heading", "headline", "head", "subject"),
    "text": ("text", "body", "content", "article", "article_text", "full_text", "fulltext",
             "story", "maintext", "article_body", "body_text"),
    "published": ("published", "date", "date_formatted", "datetime", "published_at", "publish_date",
                  "pub_date", "pubdate", "publication_date", "date_published", "publishedat",
                  "timestamp", "time", "created_at", "datefull", "date_full"),
    "url": ("url", "link", "article_url", "href", "permalink", "canonical_url", "uri"),
    "source": ("source", "outlet", "publisher", "site", "site_name", "sitename", "publication",
               "source_name", "domain"),
    "language": ("language", "lang", "locale"),
}

TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
FORMAT_BY_SUFFIX = {
    **{s: "txt" for s in (".txt", ".text")},
    **{s: "md" for s in (".md", ".markdown")},
    **{s: "html" for s in HTML_SUFFIXES},
    ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".rss": "feed", ".atom": "feed", ".xml": "feed",
}
SIDECAR_SUFFIXES = (".meta.yaml", ".meta.yml", ".meta.json")

#: Legacy encodings that news sites actually used; the detector chooses among these only, so a
#: short Cyrillic text is read as cp1251 rather than an unlikely Mac code page.
WEB_ENCODINGS = (
    "cp1250", "cp1251", "cp1252", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "koi8_r", "koi8_u",
    "iso8859_2", "iso8859_5", "iso8859_7", "iso8859_9", "iso8859_15", "gb18030", "big5", "shift_jis",
    "euc_jp", "euc_kr",
)

#: A single article larger than this is not an article; raise ``max_article_bytes`` to load it.
MAX_ARTICLE_BYTES = 20_000_000

_WORD_RE = re.compile(r"\w+(?:['’.-]\w+)*")
_FIELD_KEY_RE = re.compile(r"[^0-9a-z]+")
_TZINFOS = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
    "MSK": 10800, "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200,
    "MDT": -21600, "PST": -28800, "PDT": -25200,
}


class _Skip(Exception):
    """Raised by a reader for a whole file that cannot be loaded; the message is the reason."""


@dataclass
class _Outcome:
    """What one reader made of one file: records to load, records skipped, notes."""

    records: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (record label, reason)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

def load_articles(
    *sources: str | Path,
    columns: Mapping[str, str] | None = None,
    filename_pattern: str | re.Pattern | bool | None = None,
    encoding: str | None = None,
    recursive: bool = True,
    drop_duplicates: bool = True,
    max_article_bytes: int = MAX_ARTICLE_BYTES,
    progress: bool | None = None,
) -> pd.DataFrame:
    """Load articles from files, folders and globs into one table.

    Args:
        *sources: files, folders (walked recursively) and glob patterns, any number of them, or
            lists of them. With no source (or only None), the embedded seed corpus is loaded.
        columns: maps a field (``title``, ``text``, ``published``, ``url``, ``source``,
            ``language``) to the column or key that holds it in CSV/TSV/JSON input, overriding the
            names recognised by default (case-insensitive), e.g. ``{"text": "story_body"}``.
        filename_pattern: a regular expression with named groups matched against each file name
            (without its suffix); the groups become metadata (``published``, ``source``,
            ``language`` and any other name). ``None`` tries the known conventions (GDELT's
            ``YYYYMMDDTHHMMSSZ_CC_lang_hash``); ``False`` reads nothing from file names.
        encoding: force one text encoding instead of detecting it.
        recursive: walk sub-folders of folder sources.
        drop_duplicates: drop articles whose title and text equal an earlier article's (reported).
        max_article_bytes: files of one article (txt, md, html) larger than this are skipped.
        progress: show a progress bar; ``None`` shows one only on an interactive terminal.

    Returns:
        A DataFrame, one row per article: ``article_id`` (16 hex digits hashed from title and
        text, so stable across runs and machines), ``title``, ``text`` (as loaded; every span in the
        toolkit points into it), ``source``, ``published`` (UTC datetime or NaT), ``url``,
        ``language``, ``path``, ``format`` (txt, md, html, csv, tsv, json, jsonl, feed),
        ``n_words``, ``record`` (row or line within a collection file), then any extra metadata found
        (sidecar files, front matter, file names, other columns). ``attrs["load_report"]`` is a
        DataFrame with ``path``, ``record``, ``status`` (loaded, skipped, duplicate, metadata),
        ``reason`` and ``articles``: articles read = loaded + skipped records + duplicates.

    Raises:
        FileNotFoundError: a source path does not exist or a glob matches nothing.
        ValueError: ``columns`` names an unknown field.

    >>> arts = load_articles("seeds/")                  # doctest: +SKIP
    >>> arts.loc[0, ["title", "source", "published"]]  # doctest: +SKIP
    """
    from tqdm import tqdm

    if columns:
        unknown = sorted(set(columns) - set(FIELD_ALIASES))
        if unknown:
            raise ValueError(f"columns= names unknown fields {unknown}; known: {sorted(FIELD_ALIASES)}")
    patterns = _filename_patterns(filename_pattern)
    sources = tuple(_flatten(sources))
    if not sources:
        sources = (config.seed_dir(),)
    files = _expand_sources(sources, recursive=recursive)

    report: list[dict[str, Any]] = []
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    show = config.progress_enabled(progress)
    for path, explicit in tqdm(files, desc="Loading", unit="file", disable=not show):
        label = str(path)
        if path.name.lower().endswith(SIDECAR_SUFFIXES):
            report.append(_report_row(label, None, "metadata", "sidecar metadata file", 0))
            continue
        fmt = _format_of(path)
        if not explicit and _is_doc_file(path):
            report.append(_report_row(label, None, "skipped",
                                      "looks like documentation, not an article (name it explicitly to load it)", 0))
            continue
        if fmt is None:
            report.append(_report_row(label, None, "skipped",
                                      f"unsupported file type {''.join(path.suffixes) or '(no suffix)'!r}; "
                                      "supported: " + ", ".join(sorted(FORMAT_BY_SUFFIX)), 0))
            continue
        try:
            outcome = _read_file(path, fmt, columns=columns, encoding=encoding,
                                 max_article_bytes=max_article_bytes)
        except _Skip as skip:
            report.append(_report_row(label, None, "skipped", str(skip), 0))
            continue
        except Exception as exc:  # noqa: BLE001 - a reader bug must not end the whole load
            report.append(_report_row(label, None, "skipped",
                                      f"could not be read: {type(exc).__name__}: {exc}", 0))
            continue
        try:
            extra_meta = _sidecar_metadata(path)
        except _Skip as skip:
            extra_meta = {}
            outcome.notes.append(str(skip))
        from_name = _metadata_from_filename(path, patterns)
        loaded = 0
        for record_label, reason in outcome.skipped:
            report.append(_report_row(label, record_label, "skipped", reason, 1))
        for record in outcome.records:
            article = _finish_record(record, path=path, fmt=fmt, from_name=from_name, sidecar=extra_meta)
            if article is None:
                report.append(_report_row(label, record.get("record"), "skipped", "empty text", 1))
                continue
            key = article["article_id"]
            if drop_duplicates and key in seen:
                report.append(_report_row(label, record.get("record"), "duplicate",
                                          f"exact duplicate of {seen[key]}", 1))
                continue
            seen.setdefault(key, label if article.get("record") is None else f"{label} {article['record']}")
            rows.append(article)
            loaded += 1
        note = "; ".join(outcome.notes)
        if loaded or not outcome.skipped:
            report.append(_report_row(label, None, "loaded", note or None, loaded))
        elif note:
            report.append(_report_row(label, None, "skipped", note, 0))

    arts = _articles_frame(rows)
    arts.attrs["load_report"] = pd.DataFrame(report, columns=REPORT_COLUMNS)
    return arts


def load_report(arts: pd.DataFrame) -> pd.DataFrame:
    """Return the load report attached to an articles table by :func:`load_articles`.

    Raises:
        KeyError: the table did not come from :func:`load_articles` (or lost its ``attrs``).
    """
    try:
        return arts.attrs["load_report"]
    except KeyError:
        raise KeyError("this table has no load report; it did not come from load_articles()") from None


def load_summary(report: pd.DataFrame) -> dict[str, int]:
    """Count a load report: files, articles loaded, records skipped, duplicates, files skipped."""
    files = report[report["status"] != "metadata"]
    return {
        "files": int(files["path"].nunique()),
        "loaded": int(report.loc[report["status"] == "loaded", "articles"].sum()),
        "skipped_records": int(report.loc[(report["status"] == "skipped") & report["record"].notna(), "articles"].sum()),
        "duplicates": int(report.loc[report["status"] == "duplicate", "articles"].sum()),
        "skipped_files": int(((report["status"] == "skipped") & report["record"].isna()).sum()),
    }


def parse_published(value: Any) -> pd.Timestamp:
    """Turn a date or time in any common form into a UTC Timestamp, or NaT.

    Naive times are taken as UTC. A text without a year (``"February 28"``) gives NaT rather than a
    guess. Numbers are Unix times (seconds, or milliseconds when very large).

    >>> parse_published("2022-02-28")
    Timestamp('2022-02-28 00:00:00+0000', tz='UTC')
    >>> parse_published("20220125T090000Z")
    Timestamp('2022-01-25 09:00:00+0000', tz='UTC')
    """
    if value is None or value is pd.NaT:
        return pd.NaT
    if isinstance(value, float) and math.isnan(value):
        return pd.NaT
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return _to_utc(pd.Timestamp(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return pd.Timestamp(seconds, unit="s", tz="UTC")
        except (OverflowError, ValueError):
            return pd.NaT
    return _parse_date_text(str(value).strip())


@functools.lru_cache(maxsize=65536)
def _parse_date_text(text: str) -> pd.Timestamp:
    """parse_published() for text, cached: a corpus repeats the same dates many times over."""
    if not text:
        return pd.NaT
    if _ISO_DATE_RE.match(text):
        try:
            return _to_utc(pd.Timestamp(text))
        except (ValueError, OverflowError):
            pass
    for fuzzy in (False, True):
        parsed = _parse_with_dateutil(text, fuzzy=fuzzy)
        if parsed is not None:
            return parsed
    return pd.NaT


_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")


def _parse_with_dateutil(text: str, *, fuzzy: bool) -> pd.Timestamp | None:
    from dateutil import parser as dateparser

    # Parse twice with different default dates: a field the text does not give (a missing year,
    # "3 days ago") shows up as a difference, and the result would depend on the day it runs, so it
    # is refused rather than guessed.
    results = []
    for default in (datetime(2000, 1, 1), datetime(2001, 2, 2)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results.append(dateparser.parse(text, default=default, tzinfos=_TZINFOS, fuzzy=fuzzy))
        except (ValueError, OverflowError, TypeError):
            return None
    if results[0].date() != results[1].date():
        return None
    try:
        return _to_utc(pd.Timestamp(results[0]))
    except (ValueError, OverflowError):
        return None


# --------------------------------------------------------------------------------------------
# Finding files
# --------------------------------------------------------------------------------------------

def _flatten(sources: Iterable[Any]) -> Iterator[str | Path]:
    """Sources may be nested lists (a notebook's ``corpus`` parameter); None means nothing."""
    for source in sources:
        if source is None:
            continue
        if isinstance(source, (list, tuple, set)):
            yield from _flatten(sorted(source, key=str) if isinstance(source, set) else source)
        else:
            yield source


def _expand_sources(sources: Iterable[str | Path], *, recursive: bool) -> list[tuple[Path, bool]]:
    """Turn sources into ``(file, named explicitly)`` pairs, sorted within each source, no repeats."""
    found: list[tuple[Path, bool]] = []
    seen: set[Path] = set()

    def add(path: Path, explicit: bool) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append((path, explicit))

    for source in sources:
        path = Path(source).expanduser()
        if path.is_file():
            add(path, True)
        elif path.is_dir():
            walker = path.rglob("*") if recursive else path.glob("*")
            for child in sorted(walker, key=lambda p: p.as_posix()):
                if child.is_file() and not _is_hidden(child.relative_to(path)):
                    add(child, False)
        elif glob.has_magic(str(source)):
            matches = sorted(glob.glob(str(path), recursive=True))
            if not matches:
                raise FileNotFoundError(f"no file matches the pattern {str(source)!r}")
            for match in matches:
                match_path = Path(match)
                if match_path.is_file():
                    add(match_path, True)
                elif match_path.is_dir():
                    for child in sorted(match_path.rglob("*"), key=lambda p: p.as_posix()):
                        if child.is_file() and not _is_hidden(child.relative_to(match_path)):
                            add(child, False)
        else:
            raise FileNotFoundError(f"no such file or folder: {str(source)!r}")
    return found


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") or part in ("__pycache__", ".ipynb_checkpoints") for part in relative.parts)


def _is_doc_file(path: Path) -> bool:
    stem = path.name.split(".", 1)[0].lower()
    return stem in config.DOC_FILE_STEMS


def _format_of(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return FORMAT_BY_SUFFIX.get(suffixes[-1]) if suffixes else None


# --------------------------------------------------------------------------------------------
# Bytes to text
# --------------------------------------------------------------------------------------------

def _read_bytes(path: Path, *, limit: int | None) -> bytes:
    size = path.stat().st_size
    if path.suffix.lower() == ".gz":
        try:
            with gzip.open(path, "rb") as fh:
                raw = fh.read() if limit is None else fh.read(limit + 1)
        except (OSError, EOFError) as exc:
            raise _Skip(f"not a readable gzip file ({exc})") from None
    else:
        if limit is not None and size > limit:
            raise _Skip(f"file too large for one article ({size / 1e6:.1f} MB > {limit / 1e6:.1f} MB); "
                        "pass max_article_bytes= to load it")
        raw = path.read_bytes()
    if limit is not None and len(raw) > limit:
        raise _Skip(f"file too large for one article (> {limit / 1e6:.1f} MB uncompressed); "
                    "pass max_article_bytes= to load it")
    if not raw.strip():
        raise _Skip("empty file")
    return raw


def decode_bytes(raw: bytes, *, encoding: str | None = None) -> tuple[str, str]:
    """Decode file content and return ``(text, encoding)``.

    UTF-8 (with or without BOM) and UTF-16 with BOM are recognised first; then Windows-1252 when
    it yields mostly-ASCII text (English news with a few pound signs or curly quotes); anything else
    is handed to charset-normalizer, which detects other legacy encodings (cp1251, latin-2...).

    Raises:
        ValueError: binary content, or no encoding decodes it.
    """
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValueError(f"cannot be decoded as {encoding}: {exc}") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ValueError(f"has a UTF-16 byte-order mark but is not UTF-16: {exc}") from None
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ValueError(f"has a UTF-8 byte-order mark but is not UTF-8: {exc}") from None
    head = raw[:8192]
    if b"\x00" in head or _control_share(head) > 0.1:
        raise ValueError("binary file (not text)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # English news in a legacy encoding is nearly always Windows-1252 (or its subset latin-1): a
    # few pound signs, dashes and curly quotes in ASCII text. Detectors guess wildly on such short
    # samples (mac_iceland, cp1250...), so cp1252 is taken when it decodes to mostly-ASCII text.
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        letters = [ch for ch in text if ch.isalpha()]
        foreign = sum(1 for ch in letters if ord(ch) > 127)
        if letters and foreign <= 0.1 * len(letters):
            return text, "cp1252"
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(WEB_ENCODINGS)).best()
    if best is None or best.encoding is None:
        raise ValueError("undecodable: not UTF-8 and no known text encoding fits")
    return str(best), best.encoding


def _control_share(head: bytes) -> float:
    if not head:
        return 0.0
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return controls / len(head)


def _decode(raw: bytes, encoding: str | None) -> tuple[str, str]:
    try:
        text, used = decode_bytes(raw, encoding=encoding)
    except ValueError as exc:
        raise _Skip(str(exc)) from None
    return text.replace("\r\n", "\n").replace("\r", "\n"), used


# --------------------------------------------------------------------------------------------
# Readers, one per format
# --------------------------------------------------------------------------------------------

def _read_file(path: Path, fmt: str, *, columns, encoding, max_article_bytes) -> _Outcome:
    if fmt in ("txt", "md"):
        return _read_text(path, fmt, encoding=encoding, limit=max_article_bytes)
    if fmt == "html":
        return _read_html(path, limit=max_article_bytes)
    if fmt in ("csv", "tsv"):
        return _read_table(path, fmt, columns=columns, encoding=encoding)
    if fmt == "json":
        return _read_json(path, columns=columns, encoding=encoding)
    if fmt == "jsonl":
        return _read_jsonl(path, columns=columns, encoding=encoding)
    if fmt == "feed":
        return _read_feed(path, columns=columns)
    raise _Skip(f"no reader for format {fmt!r}")


_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*\n", re.DOTALL)


def _read_text(path: Path, fmt: str, *, encoding, limit) -> _Outcome:
    text, used = _decode(_read_bytes(path, limit=limit), encoding)
    outcome = _Outcome()
    meta: dict[str, Any] = {}
    match = _FRONT_MATTER_RE.match(text)
    if match:
        import yaml

        try:
            parsed = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            outcome.notes.append(f"front matter is not valid YAML ({_first_line(exc)}); kept as text")
        else:
            if isinstance(parsed, dict):
                meta = _map_fields(parsed, None)
                text = text[match.end():]
            else:
                outcome.notes.append("front matter is not a mapping; kept as text")
    text = text.strip()
    if not text:
        raise _Skip("no text (empty after front matter)")
    if not meta.get("title"):
        headline = _headline(text, markdown=fmt == "md")
        if headline:
            meta["title"] = headline
    meta.update(text=text, encoding=used)
    outcome.records.append(meta)
    return outcome


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


_SENTENCE_END = (".", ",", ";", ":", "\u2026")


def _headline(text: str, *, markdown: bool = False) -> str | None:
    """Return the first line when it reads as a headline, else None.

    A headline is a line of its own (a blank line or the end of the file follows, and more text
    follows that), at most 30 words, that does not end like a sentence (``.``, ``,``, ``;``, ``:``).
    Headlines ending in ``?`` or ``!`` are allowed; a ``# `` Markdown heading always counts.
    """
    first, sep, rest = text.partition("\n")
    line = first.strip()
    if markdown and line.startswith("#"):
        return line.lstrip("#").strip() or None
    if not sep or not rest.strip() or not line:
        return None
    if not rest.startswith("\n") and not rest.lstrip(" \t").startswith("\n"):
        return None  # the first paragraph goes on: it is a wrapped sentence, not a headline
    words = line.split()
    if not 2 <= len(words) <= 30 or not any(ch.isalpha() for ch in line):
        return None
    if line.endswith(_SENTENCE_END) and not line.endswith(("...", "\u2026")):
        return None
    if line.endswith(('."', ".\u201d")) or line.startswith(("-", "\u2013", "\u2014")):
        return None
    if line.endswith(("-", "\u2013", "\u2014")):
        return None  # a dateline such as "Moscow CNN \u2014" opens the body
    from analysis.text import furniture_role

    if furniture_role(line) is not None:
        return None  # "VIEW VIDEO", "Subscribe to us on Twitter": page furniture, not a headline
    return line


def _read_html(path: Path, *, limit) -> _Outcome:
    raw = _read_bytes(path, limit=limit)
    head = raw[:8192]
    if b"\x00" in head or _control_share(head) > 0.1:
        raise _Skip("binary file (not text)")
    text, used = _decode(raw, _declared_charset(head))
    import trafilatura
    from lxml import html as lxml_html

    try:
        doc = trafilatura.bare_extraction(text, with_metadata=True, include_comments=False,
                                          include_tables=True, deduplicate=False)
    except Exception as exc:  # noqa: BLE001 - lxml and trafilatura raise many kinds
        raise _Skip(f"malformed HTML ({type(exc).__name__}: {exc})") from None
    body = (getattr(doc, "text", None) or "") if doc is not None else ""
    paragraphs = [line.strip() for line in body.split("\n") if line.strip()]
    if not paragraphs:
        raise _Skip("malformed or empty HTML: no article text found")
    try:
        # Parse the decoded text: bytes would make lxml re-read the page's charset declaration.
        tree = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*>", "", text))
    except Exception:  # noqa: BLE001 - metadata is optional, the text is already out
        tree = None
    meta = _html_metadata(tree) if tree is not None else {}
    sitename = getattr(doc, "sitename", None)
    title = meta.get("title") or getattr(doc, "title", None)
    if title and sitename and title.strip() == sitename.strip():
        title = meta.get("h1") or None
    record: dict[str, Any] = {
        "title": title,
        "text": "\n\n".join(paragraphs),
        "published": meta.get("published") or getattr(doc, "date", None),
        "url": meta.get("url"),
        "source": sitename or meta.get("site_name"),
        "language": meta.get("language") or getattr(doc, "language", None),
        "author": getattr(doc, "author", None),
        "description": getattr(doc, "description", None),
        "encoding": used,
    }
    outcome = _Outcome()
    outcome.records.append({k: v for k, v in record.items() if v not in (None, "")})
    return outcome


_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def _declared_charset(head: bytes) -> str | None:
    """The encoding a page declares in a ``<meta>`` tag, when Python knows it and it is not UTF-8."""
    import codecs

    match = _CHARSET_RE.search(head)
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None
    # A page declared UTF-8 that is not valid UTF-8 is common; detection handles it better.
    return None if name == "utf-8" else name


def _html_metadata(tree) -> dict[str, str]:
    """Title, canonical URL, publication time and language from a page's markup."""

    def first(xpath: str) -> str | None:
        for value in tree.xpath(xpath):
            value = (value if isinstance(value, str) else value.text_content()).strip()
            if value:
                return value
        return None

    meta: dict[str, str] = {}
    og_title = first('//meta[@property="og:title"]/@content')
    page_title = first("//title")
    h1 = first("//h1")
    site_name = first('//meta[@property="og:site_name"]/@content')
    if page_title and (" | " in page_title or " - " in page_title):
        # "Story headline | Site name": keep the part that is not the site's name
        parts = re.split(r"\s+[|\u2013\u2014-]\s+", page_title)
        page_title = max(parts, key=len) if len(parts) > 1 else page_title
    meta["title"] = og_title or page_title or h1
    if h1:
        meta["h1"] = h1
    if site_name:
        meta["site_name"] = site_name
    for candidate in (first('//link[@rel="canonical"]/@href'), first('//meta[@property="og:url"]/@content')):
        # A site's home page is not the article's address (ISW pages all claim their dev server's root).
        if candidate and re.match(r"https?://[^/]+/.*[^/]", candidate):
            meta["url"] = candidate
            break
    published = first('//meta[@property="article:published_time"]/@content') or first(
        '//meta[@name="date" or @name="pubdate" or @name="publish-date" or @itemprop="datePublished"]/@content'
    ) or first("//time/@datetime")
    if published:
        meta["published"] = published
    language = first("/html/@lang")
    if language:
        meta["language"] = language.split("-")[0].lower()
    return {k: v for k, v in meta.items() if v}


def _read_table(path: Path, fmt: str, *, columns, encoding) -> _Outcome:
    text, used = _decode(_read_bytes(path, limit=None), encoding)
    first_line = text.split("\n", 1)[0]
    if fmt == "tsv" or ("\t" in first_line and "," not in first_line):
        delimiter = "\t"
    elif ";" in first_line and "," not in first_line:
        delimiter = ";"
    else:
        delimiter = ","
    if csv.field_size_limit() < 2**31 - 1:
        csv.field_size_limit(2**31 - 1)  # live blogs run to megabytes in one cell
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    outcome = _Outcome()
    try:
        header = next(reader)
    except StopIteration:
        raise _Skip("empty table") from None
    except csv.Error as exc:
        raise _Skip(f"malformed CSV header: {exc}") from None
    keys = [_field_key(name) for name in header]
    mapping = _resolve_columns(keys, header, columns)
    n = len(header)
    row_no = 0
    while True:
        line_no = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            outcome.skipped.append((f"line {line_no}", f"malformed CSV from here on, rest of file not read: {exc}"))
            break
        if not row or all(not cell.strip() for cell in row):
            continue
        row_no += 1
        label = f"row {row_no}"
        if len(row) != n:
            outcome.skipped.append((label, f"malformed CSV row (line {line_no}): expected {n} fields, found {len(row)}"))
            continue
        raw = {key: cell for key, cell in zip(keys, row) if key and not key.startswith("unnamed")}
        record = _map_fields(raw, mapping)
        record["record"] = label
        record["encoding"] = used
        outcome.records.append(record)
    if row_no == 0 and not outcome.skipped:
        raise _Skip("table has a header but no rows")
    return outcome


def _resolve_columns(keys: list[str], names: list[str], columns: Mapping[str, str] | None) -> dict[str, str]:
    """Decide which key holds each field; raise _Skip when there is no text column."""
    mapping: dict[str, str] = {}
    present = [k for k in keys if k]
    for fld, column in (columns or {}).items():
        key = _field_key(column)
        if key not in present:
            raise _Skip(f"column {column!r} given in columns= for {fld!r} is not in this file "
                        f"(columns: {', '.join(n for n in names if n)})")
        mapping[fld] = key
    if "text" not in mapping and not any(alias in present for alias in FIELD_ALIASES["text"]):
        raise _Skip("missing text column: expected one of " + ", ".join(FIELD_ALIASES["text"][:6])
                    + f"; found {', '.join(n for n in names if n) or 'none'}; pass columns={{'text': ...}}")
    return mapping


def _read_json(path: Path, *, columns, encoding) -> _Outcome:
    text, used = _decode(_read_bytes(path, limit=None), encoding)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Skip(f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    items: list[Any]
    if isinstance(data, list):
        items = data
    elif isinstance(data, dict):
        for key in ("articles", "items", "data", "results", "documents", "docs", "entries", "records", "posts", "stories"):
            if isinstance(data.get(key), list):
                items = data[key]
                break
        else:
            items = [data]
    else:
        raise _Skip(f"JSON holds a {type(data).__name__}, not articles (an object or a list of objects)")
    outcome = _Outcome()
    for index, item in enumerate(items, start=1):
        _add_json_record(outcome, item, f"item {index}", columns, used)
    if not items:
        raise _Skip("JSON list is empty")
    return outcome


def _read_jsonl(path: Path, *, columns, encoding) -> _Outcome:
    text, used = _decode(_read_bytes(path, limit=None), encoding)
    outcome = _Outcome()
    for line_no, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        label = f"line {line_no}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            outcome.skipped.append((label, f"malformed JSON: {exc.msg} (column {exc.colno})"))
            continue
        _add_json_record(outcome, item, label, columns, used)
    return outcome


def _add_json_record(outcome: _Outcome, item: Any, label: str, columns, used: str) -> None:
    if not isinstance(item, dict):
        outcome.skipped.append((label, f"not a JSON object but a {type(item).__name__}"))
        return
    raw = {_field_key(k): v for k, v in item.items()}
    try:
        mapping = _resolve_columns(list(raw), list(item), columns)
    except _Skip as skip:
        outcome.skipped.append((label, str(skip)))
        return
    record = _map_fields(raw, mapping)
    record["record"] = label
    record["encoding"] = used
    outcome.records.append(record)


def _read_feed(path: Path, *, columns) -> _Outcome:
    raw = _read_bytes(path, limit=None)
    head = raw[:4096].lower()
    if path.suffix.lower() == ".xml" and not any(tag in head for tag in (b"<rss", b"<feed", b"<rdf:rdf")):
        raise _Skip("XML file that is not an RSS or Atom feed")
    import feedparser

    parsed = feedparser.parse(raw)
    feed = parsed.get("feed", {})
    entries = parsed.get("entries", [])
    outcome = _Outcome()
    if parsed.get("bozo") and not entries:
        raise _Skip(f"malformed feed: {_first_line(parsed.get('bozo_exception') or ValueError('unreadable'))}")
    if not entries:
        raise _Skip("feed has no entries")
    if parsed.get("bozo"):
        outcome.notes.append(f"feed is not well-formed ({_first_line(parsed['bozo_exception'])}); entries recovered")
    for index, entry in enumerate(entries, start=1):
        content = entry.get("content") or []
        body = content[0].get("value") if content else entry.get("summary", "")
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        record = {
            "title": entry.get("title"),
            "text": _html_to_text(body or ""),
            "published": datetime(*when[:6], tzinfo=timezone.utc) if when else entry.get("published"),
            "url": entry.get("link"),
            "source": feed.get("title"),
            "language": (feed.get("language") or "").split("-")[0].lower() or None,
            "author": entry.get("author"),
            "guid": entry.get("id"),
            "record": f"entry {index}",
        }
        outcome.records.append({k: v for k, v in record.items() if v not in (None, "")})
    return outcome


_BLOCK_TAGS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section",
               "article", "figcaption", "pre", "ul", "ol", "table"}


def _html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry), one paragraph per block element."""
    if "<" not in fragment:
        return fragment.strip()
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # noqa: BLE001 - fall back to tag stripping for unparseable fragments
        return re.sub(r"<[^>]+>", " ", fragment).strip()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n\n" + (element.tail or "")
            if element.tag.lower() == "br":
                element.tail = "\n" + element.tail[2:]
    text = root.text_content()
    blocks = [re.sub(r"[ \t\u00a0]+", " ", block).strip() for block in re.split(r"\n\s*\n", text)]
    return "\n\n".join(block for block in blocks if block)


# --------------------------------------------------------------------------------------------
# Metadata
# --------------------------------------------------------------------------------------------

def _field_key(name: Any) -> str:
    """Normalise a column or key name: ``"Article Url"`` -> ``"article_url"``."""
    return _FIELD_KEY_RE.sub("_", str(name).strip().lower()).strip("_")


def _map_fields(raw: Mapping[str, Any], mapping: Mapping[str, str] | None) -> dict[str, Any]:
    """Map a record's keys onto the article fields; other keys are kept as extra metadata."""
    raw = {_field_key(k): v for k, v in raw.items() if _field_key(k)}
    out: dict[str, Any] = {}
    used: set[str] = set()
    for fld, aliases in FIELD_ALIASES.items():
        candidates = [mapping[fld]] if mapping and fld in mapping else list(aliases)
        for key in candidates:
            value = raw.get(key)
            if _blank(value):
                continue
            if fld == "published" and pd.isna(parse_published(value)):
                continue
            out[fld] = value
            used.add(key)
            break
    for key, value in raw.items():
        if key not in used and key not in ARTICLE_COLUMNS and not _blank(value):
            out[key] = value
    return out


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _sidecar_metadata(path: Path) -> dict[str, Any]:
    """Read ``<stem>.meta.yaml`` / ``.meta.yml`` / ``.meta.json`` next to an article file."""
    stem = path.name.split(".", 1)[0] if path.suffix.lower() == ".gz" else path.stem
    for suffix in SIDECAR_SUFFIXES:
        candidate = path.with_name(stem + suffix)
        if not candidate.is_file():
            continue
        try:
            content = candidate.read_text(encoding="utf-8")
            if suffix == ".meta.json":
                data = json.loads(content)
            else:
                import yaml

                data = yaml.safe_load(content)
        except Exception as exc:  # noqa: BLE001 - any failure is reported, the article still loads
            raise _Skip(f"sidecar {candidate.name} could not be read ({_first_line(exc)}); ignored") from None
        if not isinstance(data, dict):
            raise _Skip(f"sidecar {candidate.name} is not a mapping; ignored")
        return _map_fields(data, None)
    return {}


def _filename_patterns(filename_pattern) -> list[re.Pattern]:
    if filename_pattern is False:
        return []
    if filename_pattern is None or filename_pattern is True:
        return [re.compile(p) for p in config.KNOWN_FILENAME_PATTERNS]
    pattern = re.compile(filename_pattern) if isinstance(filename_pattern, str) else filename_pattern
    if not pattern.groupindex:
        raise ValueError("filename_pattern needs named groups, e.g. r'(?P<published>\\d{8})_(?P<source>\\w+)'")
    return [pattern]


def _metadata_from_filename(path: Path, patterns: list[re.Pattern]) -> dict[str, Any]:
    name = path.name
    for suffix in reversed(path.suffixes):
        name = name[: -len(suffix)] if name.endswith(suffix) else name
    for pattern in patterns:
        match = pattern.search(name)
        if match:
            found = {k: v for k, v in match.groupdict().items() if v is not None}
            return _map_fields(found, None)
    return {}


def _finish_record(record: dict[str, Any], *, path: Path, fmt: str, from_name: dict, sidecar: dict) -> dict | None:
    """Merge metadata (file < file name < sidecar), normalise fields, hash the id."""
    merged = {**record}
    for layer in (from_name, sidecar):
        for key, value in layer.items():
            if key == "text":
                continue
            merged[key] = value
    text = merged.get("text")
    if _blank(text):
        return None
    text = str(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    title = merged.get("title")
    title = None if _blank(title) else " ".join(str(title).split())
    published = parse_published(merged.get("published"))
    if pd.isna(published) and not _blank(merged.get("published")):
        merged.setdefault("published_raw", str(merged.get("published")))
    language = merged.get("language")
    language = _language_code(language) if not _blank(language) else _guess_language(text)
    article = {
        "article_id": article_id(title, text),
        "title": title,
        "text": text,
        "source": None if _blank(merged.get("source")) else str(merged["source"]).strip(),
        "published": published,
        "url": None if _blank(merged.get("url")) else str(merged["url"]).strip(),
        "language": language,
        "path": str(path),
        "format": fmt,
        "n_words": len(_WORD_RE.findall(text)),
        "record": merged.get("record"),
    }
    for key, value in merged.items():
        if key not in article and key not in FIELD_ALIASES:
            article[key] = value
    return article


def article_id(title: str | None, text: str) -> str:
    """Return the stable id of an article: 16 hex digits of BLAKE2b over its title and text."""
    digest = hashlib.blake2b(digest_size=8)
    digest.update((title or "").encode("utf-8"))
    digest.update(b"\x1f")
    digest.update(text.encode("utf-8"))
    return digest.hexdigest()


def _language_code(value: Any) -> str:
    """``"English"`` -> ``"en"``, ``"en-GB"`` -> ``"en"``; unknown names are kept in lower case."""
    name = str(value).strip().lower().replace("_", "-")
    return config.LANGUAGE_CODES.get(name, name.split("-")[0])


def _guess_language(text: str) -> str | None:
    """``"en"`` when English function words make up a good share of the text, else None (unknown)."""
    from analysis.resources import stopwords

    words = [w.lower() for w in _WORD_RE.findall(text[:2000])]
    if len(words) < 5:
        return None
    share = sum(1 for w in words if w in stopwords()) / len(words)
    return "en" if share >= 0.2 else None


def _to_utc(stamp: pd.Timestamp) -> pd.Timestamp:
    if stamp.tzinfo is None:
        return stamp.tz_localize("UTC")
    return stamp.tz_convert("UTC")


def _report_row(path: str, record: str | None, status: str, reason: str | None, articles: int) -> dict:
    return {"path": path, "record": record, "status": status, "reason": reason, "articles": articles}


def _articles_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = ARTICLE_COLUMNS + ["record"]
    extras: list[str] = []
    for row in rows:
        for key in row:
            if key not in columns and key not in extras:
                extras.append(key)
    frame = pd.DataFrame(rows, columns=columns + extras)
    frame["published"] = pd.to_datetime(frame["published"], utc=True)
    frame["n_words"] = frame["n_words"].astype("int64")
    return frame
