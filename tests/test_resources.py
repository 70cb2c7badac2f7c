"""analysis.resources: the project-owned NLTK data directory and the offline lexicons."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from analysis import resources


class TestVader:
    def test_lexicon_zip_built_from_the_wheel(self, tmp_path, monkeypatch):
        monkeypatch.setenv("NEWS_ANALYSIS_DATA", str(tmp_path))
        name = resources.ensure_vader_lexicon()
        assert name == "sentiment/vader_lexicon.zip/vader_lexicon/vader_lexicon.txt"
        with zipfile.ZipFile(tmp_path / "sentiment" / "vader_lexicon.zip") as zf:
            assert zf.namelist() == ["vader_lexicon/vader_lexicon.txt"]
            lexicon = zf.read("vader_lexicon/vader_lexicon.txt").decode("utf-8")
        assert lexicon.count("\n") > 7000
        assert any(line.startswith("good\t") for line in lexicon.splitlines())

    def test_nltk_finds_it_on_its_path(self, tmp_path, monkeypatch):
        import nltk

        monkeypatch.setenv("NEWS_ANALYSIS_DATA", str(tmp_path))
        resources.ensure_vader_lexicon()
        assert str(tmp_path) in nltk.data.path
        found = nltk.data.find("sentiment/vader_lexicon.zip")
        assert str(tmp_path) in str(found)

    def test_analyzer_scores_real_sentences(self):
        resources.vader_analyzer.cache_clear()
        sia = resources.vader_analyzer()
        assert sia.polarity_scores("Dozens of dead and hundreds of wounded.")["compound"] < -0.5
        assert sia.polarity_scores("Our support is crucial and the talks were a great success.")["compound"] > 0.5

    def test_missing_wheel_names_the_fix(self, monkeypatch):
        import importlib.util

        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *a: None if name == "vaderSentiment" else real(name, *a))
        with pytest.raises(resources.ResourceMissingError, match="pip install vaderSentiment"):
            resources.ensure_vader_lexicon()

    def test_rebuilt_when_wheel_copy_changes(self, tmp_path, monkeypatch):
        monkeypatch.setenv("NEWS_ANALYSIS_DATA", str(tmp_path))
        resources.ensure_vader_lexicon()
        stamp = tmp_path / "sentiment" / "vader_lexicon.sha256"
        stamp.write_text("stale\n")
        resources.ensure_vader_lexicon()
        assert stamp.read_text().strip() != "stale"


class TestWordLists:
    def test_stopwords(self):
        words = resources.stopwords()
        assert len(words) == 179 + 7
        assert {"the", "and", "of", "n't", "'s"} <= words
        assert not {"russia", "war", "kyiv"} & words

    def test_abbreviations_stored_as_punkt_keys(self):
        abbrevs = resources.abbreviations()
        assert {"u.s", "gen", "sen", "feb", "no", "mr"} <= abbrevs
        assert not any(a.endswith(".") for a in abbrevs)

    def test_role_rules_compile_and_use_known_roles(self):
        from analysis.text import ROLES

        rules = resources.paragraph_role_rules()
        assert len(rules) > 40
        assert {role for role, _, _ in rules} <= set(ROLES) - {"title", "body"}
        assert all(why for _, _, why in rules)

    def test_missing_data_file_names_the_fix(self):
        with pytest.raises(resources.ResourceMissingError, match="reinstall news-analysis"):
            resources.read_list("no_such_list.txt")


def test_import_has_no_side_effects(tmp_path):
    """Importing the package reads no resource, creates no directory and imports no NLTK."""
    code = (
        "import sys, analysis, analysis.charts, analysis.report, analysis.cli, analysis.terms, analysis.sentiment,"
        " analysis.ner, analysis.actors, analysis.quotes, analysis.evaluate, analysis.train, analysis.quantities,"
        " analysis.dates, analysis.developments, analysis.pipeline, analysis.vader, analysis.load, analysis.text;"
        "print('nltk' in sys.modules, 'trafilatura' in sys.modules, 'matplotlib.pyplot' in sys.modules)"
    )
    env = {"NEWS_ANALYSIS_DATA": str(tmp_path / "data"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["False", "False", "False"]
    assert not (tmp_path / "data").exists()
