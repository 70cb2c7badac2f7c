"""Shared fixtures: the seed corpus, the hand-made fixtures and the real data in ../shared."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = REPO / "seeds"
SHARED = Path(os.environ.get("NEWS_ANALYSIS_SHARED", REPO.parent / "shared")).resolve()
CORPORA = SHARED / "corpora"
SEED_GOLD = SHARED / "seeds" / "seed_gold.yaml"


def needs_shared(*parts: str):
    """Skip (with the reason) when a path under ../shared is absent, as on a user's fresh clone."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(not path.exists(), reason=f"needs {path} (../shared is absent)")


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Every test builds resources in its session's own data dir, never the user's cache."""
    monkeypatch.setenv("NEWS_ANALYSIS_DATA", str(tmp_path_factory.getbasetemp() / "nltk_data"))
    monkeypatch.setenv("NEWS_ANALYSIS_PROGRESS", "0")
    monkeypatch.setenv("NEWS_ANALYSIS_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="session")
def seed_articles():
    from analysis import load_articles

    return load_articles(SEEDS)


@pytest.fixture(scope="session")
def seed_paragraphs(seed_articles):
    from analysis import paragraphs

    return paragraphs(seed_articles)


@pytest.fixture(scope="session")
def seed_sentences(seed_paragraphs):
    from analysis import sentences

    return sentences(seed_paragraphs)
