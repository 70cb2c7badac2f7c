"""Offline NLP resources: a project-owned NLTK data directory, word lists and lexicons.

Nothing is downloaded, ever. NLTK 3.10 refuses to open files outside ``nltk.data.path``, so every
resource NLTK reads lives in a directory this module owns and puts on that path:

* ``analysis/resources/nltk_data/`` inside the package, for models the project trains and ships;
* a writable directory (``$NEWS_ANALYSIS_DATA`` or ``~/.cache/news-analysis/nltk_data``) that is
  filled from installed wheels, e.g. the VADER lexicon from the ``vaderSentiment`` wheel, which NLTK
  only finds as ``sentiment/vader_lexicon.zip``.

Word lists (stopwords, abbreviations, paragraph-role patterns) are plain data files in
``analysis/resources/`` with their provenance in their header. All of them load lazily, once.
A missing resource raises :class:`ResourceMissingError`, whose message says how to fix it; there is
no silent fallback to a weaker result.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import re
import tempfile
import zipfile
from pathlib import Path

from analysis import config

#: Where NLTK's VADER looks for its lexicon, relative to a directory on ``nltk.data.path``.
VADER_RESOURCE = "sentiment/vader_lexicon.zip/vader_lexicon/vader_lexicon.txt"
_VADER_ZIP = Path("sentiment") / "vader_lexicon.zip"
_VADER_MEMBER = "vader_lexicon/vader_lexicon.txt"


class ResourceMissingError(RuntimeError):
    """A resource the toolkit needs is not installed. The message names the fix."""


def shipped_nltk_dir() -> Path:
    """Return the NLTK data directory shipped inside the package (trained models)."""
    return config.RESOURCES_DIR / "nltk_data"


def nltk_data_dir() -> Path:
    """Put the project's NLTK data directories on ``nltk.data.path`` and return the writable one.

    Safe to call any number of times; the directories are added once, at the front of the path, so
    the project's resources win over stray copies elsewhere.
    """
    import nltk

    writable = config.user_data_dir()
    writable.mkdir(parents=True, exist_ok=True)
    for directory in (shipped_nltk_dir(), writable):
        entry = str(directory)
        if entry not in nltk.data.path:
            nltk.data.path.insert(0, entry)
    return writable


def _vader_source() -> Path:
    spec = importlib.util.find_spec("vaderSentiment")
    if spec is None or not spec.submodule_search_locations:
        raise ResourceMissingError(
            "The VADER lexicon comes from the 'vaderSentiment' package, which is not installed. "
            "Fix: `pip install vaderSentiment` (or `make venv`, which installs every dependency)."
        )
    source = Path(next(iter(spec.submodule_search_locations))) / "vader_lexicon.txt"
    if not source.is_file():
        raise ResourceMissingError(
            f"The vaderSentiment package at {source.parent} has no vader_lexicon.txt. "
            "Fix: `pip install --force-reinstall vaderSentiment`."
        )
    return source


def ensure_vader_lexicon() -> str:
    """Make NLTK's VADER lexicon available offline and return its NLTK resource name.

    The lexicon is copied from the ``vaderSentiment`` wheel into
    ``<data dir>/sentiment/vader_lexicon.zip`` (rebuilt when the wheel's copy changes).

    Raises:
        ResourceMissingError: when ``vaderSentiment`` is not installed.
    """
    source = _vader_source()
    payload = source.read_bytes()
    digest = hashlib.sha256(payload).hexdigest()
    target = nltk_data_dir() / _VADER_ZIP
    stamp = target.with_suffix(".sha256")
    if not (target.is_file() and stamp.is_file() and stamp.read_text().strip() == digest):
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file and rename, so a concurrent reader never sees half a zip.
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".zip.tmp")
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                info = zipfile.ZipInfo(_VADER_MEMBER, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, payload)
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        stamp.write_text(digest + "\n")
    return VADER_RESOURCE


@functools.lru_cache(maxsize=1)
def vader_analyzer():
    """Return NLTK's ``SentimentIntensityAnalyzer`` on the VADER lexicon from the wheel (cached)."""
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer(lexicon_file=ensure_vader_lexicon())


def resource_path(name: str) -> Path:
    """Return the path of a data file in ``analysis/resources/``.

    Raises:
        ResourceMissingError: when the file is not there (a broken installation).
    """
    path = config.RESOURCES_DIR / name
    if not path.is_file():
        raise ResourceMissingError(
            f"The package data file {name!r} is missing from {config.RESOURCES_DIR}. "
            "Fix: reinstall news-analysis (`make venv` in a checkout, or `pip install --force-reinstall news-analysis`)."
        )
    return path


def read_list(name: str) -> list[str]:
    """Read a one-entry-per-line data file, dropping blank lines and ``#`` comments."""
    entries = []
    for line in resource_path(name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("#") else ""
        if line:
            entries.append(line)
    return entries


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Return the English stopword list (lower case). Provenance: ``resources/stopwords_en.txt``."""
    return frozenset(word.lower() for word in read_list("stopwords_en.txt"))


@functools.lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Return the news abbreviations Punkt must not split after, as Punkt stores them.

    Punkt keys abbreviations in lower case without their final period (``U.S.`` -> ``u.s``).
    """
    return frozenset(entry.lower().rstrip(".") for entry in read_list("abbreviations_en.txt"))


@functools.lru_cache(maxsize=1)
def paragraph_role_rules() -> tuple[tuple[str, re.Pattern, str], ...]:
    """Return the paragraph-role patterns as ``(role, compiled regex, why)`` in file order.

    The data file is a TSV with the columns ``role``, ``pattern`` and ``why``; patterns are
    case-insensitive Python regular expressions matched with ``re.search`` on the paragraph text.
    """
    rules = []
    path = resource_path("paragraph_roles.tsv")
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if parts[0] == "role":
            continue
        if len(parts) != 3:
            raise ResourceMissingError(
                f"{path}:{lineno}: expected 3 tab-separated fields (role, pattern, why), got {len(parts)}"
            )
        role, pattern, why = parts
        rules.append((role, re.compile(pattern, re.IGNORECASE), why))
    return tuple(rules)
