"""Paths and defaults used across the package, defined in one place.

Nothing here touches the file system at import time: the paths are computed, not created.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The repository root when the package runs from a checkout (editable install), else None.
REPO_DIR = PACKAGE_DIR.parent if (PACKAGE_DIR.parent / "pyproject.toml").is_file() else None

RESOURCES_DIR = PACKAGE_DIR / "resources"
TEMPLATES_DIR = PACKAGE_DIR / "templates"

#: Environment variable that moves the writable NLTK data directory (default: a user cache dir).
DATA_DIR_ENV = "NEWS_ANALYSIS_DATA"
#: Environment variable that forces progress bars on ("1") or off ("0").
PROGRESS_ENV = "NEWS_ANALYSIS_PROGRESS"
#: Environment variable set by ``news-analysis report``: where charts save the table behind each
#: figure as CSV (``folder`` or ``folder::page``), see :func:`analysis.charts.figures_folder`.
FIGURES_ENV = "NEWS_ANALYSIS_FIGURES"

#: Files named like this are documentation, not articles, when met while walking a folder.
DOC_FILE_STEMS = ("readme", "license", "licence", "changelog", "copying", "notice", "authors")

#: Well-known file-name conventions, tried in order when the caller gives no ``filename_pattern``.
#: GDELT exports: ``20220125T090000Z_GB_en_7d015e6984.txt`` = publication time (UTC), outlet
#: country, language, hash.
KNOWN_FILENAME_PATTERNS = (
    r"^(?P<published>\d{8}T\d{6}Z)_(?P<country>[A-Z]{2})_(?P<language>[A-Za-z]{2,})_(?P<file_hash>[0-9a-f]{6,})$",
)

#: Language names found in metadata and file names, mapped to ISO 639-1 codes.
LANGUAGE_CODES = {
    "english": "en", "eng": "en", "ukrainian": "uk", "ukr": "uk", "russian": "ru", "rus": "ru",
    "polish": "pl", "pol": "pl", "belarusian": "be", "bel": "be", "german": "de", "deu": "de",
    "ger": "de", "french": "fr", "fra": "fr", "fre": "fr", "spanish": "es", "spa": "es",
    "italian": "it", "ita": "it", "arabic": "ar", "ara": "ar", "turkish": "tr", "tur": "tr",
}


def _first_existing(*candidates: Path) -> Path | None:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


def notebooks_dir() -> Path:
    """Return the folder of numbered notebooks (the checkout's, else the installed copy)."""
    found = _first_existing(
        *( [REPO_DIR / "notebooks"] if REPO_DIR else [] ), PACKAGE_DIR / "notebooks"
    )
    if found is None:
        raise FileNotFoundError(
            "The notebooks are missing from this installation of news-analysis; "
            "reinstall it with `pip install news-analysis` or run from a checkout (`make venv`)."
        )
    return found


def seed_dir() -> Path:
    """Return the folder of the embedded seed corpus."""
    found = _first_existing(*( [REPO_DIR / "seeds"] if REPO_DIR else [] ), PACKAGE_DIR / "seeds")
    if found is None:
        raise FileNotFoundError(
            "The seed corpus is missing from this installation of news-analysis; "
            "reinstall it or run from a checkout."
        )
    return found


#: Environment variable that moves the cache of analysed tables (default: ``data/interim/cache``).
CACHE_ENV = "NEWS_ANALYSIS_CACHE"


def interim_dir() -> Path:
    """Return ``data/interim/`` of the checkout (or of the working directory when installed)."""
    return (REPO_DIR or Path.cwd()) / "data" / "interim"


def cache_dir() -> Path:
    """Where :func:`analysis.pipeline.analyze` caches tables: ``$NEWS_ANALYSIS_CACHE``, else
    ``data/interim/cache``."""
    override = os.environ.get(CACHE_ENV)
    return Path(override).expanduser().resolve() if override else interim_dir() / "cache"


def user_data_dir() -> Path:
    """Return the writable, project-owned NLTK data directory.

    ``$NEWS_ANALYSIS_DATA`` wins; otherwise ``$XDG_CACHE_HOME/news-analysis/nltk_data``
    (``~/.cache/...``, or ``%LOCALAPPDATA%`` on Windows).
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser().resolve()
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "news-analysis" / "nltk_data"


def progress_enabled(progress: bool | None) -> bool:
    """Decide whether to show a progress bar.

    An explicit ``True``/``False`` wins; then ``$NEWS_ANALYSIS_PROGRESS`` ("0"/"1"); otherwise a bar is
    shown only when standard error is an interactive terminal, so logs and reports stay quiet.
    """
    if progress is not None:
        return bool(progress)
    env = os.environ.get(PROGRESS_ENV)
    if env is not None:
        return env.strip().lower() not in ("", "0", "false", "no", "off")
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
