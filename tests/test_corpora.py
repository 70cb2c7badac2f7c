"""The real corpora in ../shared load completely, with their metadata (skipped when absent)."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_articles, load_report, paragraphs
from analysis.load import load_summary

from conftest import CORPORA, needs_shared

pytestmark = pytest.mark.shared


def statuses(arts: pd.DataFrame) -> dict[str, int]:
    return load_summary(load_report(arts))


@pytest.fixture(scope="module")
def gdelt():
    return load_articles(CORPORA / "ukraine_gdelt_txt")


@pytest.fixture(scope="module")
def isw():
    return load_articles(CORPORA / "isw_html")


@needs_shared("corpora", "ukraine_gdelt_txt")
class TestGdelt:
    @pytest.fixture
    def arts(self, gdelt):
        return gdelt

    def test_all_282_load_with_publication_time(self, arts):
        assert len(arts) == 282
        assert arts["published"].notna().all()
        stamp = pd.to_datetime(arts["path"].map(lambda p: Path(p).name[:16]), format="%Y%m%dT%H%M%SZ", utc=True)
        assert (arts["published"] == stamp).all()
        assert set(arts["language"]) == {"en"}
        assert set(arts["country"]) >= {"GB", "US", "PL", "UA", "RU", "BY"}

    def test_web_furniture_tagged_not_deleted(self, arts):
        paras = paragraphs(arts)
        tagged = paras[paras["role"] != "body"]
        assert {"VIEW VIDEO", "Advertisement", "CLICK HERE TO GET THE FOX NEWS APP"} <= set(tagged["text"])
        assert (tagged["text"].str.startswith("For more information, please visit")).any()
        assert (tagged["role"] == "promo").sum() >= 100
        # nothing deleted: paragraphs cover every non-blank character of every text
        joined = paras.groupby("article_id")["text"].apply(lambda t: "".join("".join(t).split()))
        original = arts.set_index("article_id")["text"].map(lambda t: "".join(t.split()))
        assert (joined.sort_index() == original.sort_index()).all()


@needs_shared("corpora", "guardian_csv")
def test_guardian_every_row_with_text_loads():
    folder = CORPORA / "guardian_csv"
    csv.field_size_limit(sys.maxsize)
    rows_with_text = rows_without = 0
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                text = row.get("Text", row.get("text", ""))
                if text.strip():
                    rows_with_text += 1
                else:
                    rows_without += 1
    arts = load_articles(folder)
    counts = statuses(arts)
    assert counts["loaded"] + counts["duplicates"] == rows_with_text == 183
    assert counts["skipped_records"] == rows_without
    assert arts["published"].notna().all() and arts["title"].notna().all() and arts["url"].notna().all()
    assert arts["published"].min() >= pd.Timestamp("2022-02-01", tz="UTC")


@needs_shared("corpora", "isw_html")
class TestIsw:
    NAVIGATION = ("Skip to main content", "Search form", "Who We Are", "Get Involved", "Planned Giving",
                  "Press ISW", "1400 16th Street NW", "ph (202) 293-5550", "File Attachments:", "Download the PDF")

    @pytest.fixture
    def arts(self, isw):
        return isw

    def test_every_page_loads_without_navigation(self, arts):
        assert len(arts) == 198
        raw = (CORPORA / "isw_html" / "2022-02-28.html").read_text(encoding="utf-8")
        assert all(item in raw for item in ("Who We Are", "Get Involved", "Skip to main content"))
        for item in self.NAVIGATION:
            assert not arts["text"].str.contains(item, regex=False).any(), item

    def test_metadata(self, arts):
        assert arts["title"].str.contains("Offensive Campaign Assessment").sum() >= 190
        assert not arts["title"].str.contains("| Institute", regex=False).any()
        assert set(arts["source"]) == {"Institute for the Study of War"}
        day = pd.to_datetime(arts["path"].str.extract(r"(\d{4}-\d{2}-\d{2})\.html")[0], utc=True)
        assert (arts["published"].dt.normalize() == day).sum() >= 197
        assert arts["url"].isna().all()  # the pages only name their dev server's home page

    def test_footnotes_are_credits(self, arts):
        paras = paragraphs(arts)
        notes = paras[paras["text"].str.match(r"\[\d+\] http")]
        assert len(notes) > 6000 and (notes["role"] == "credits").all()


@needs_shared("corpora", "bbc")
class TestBbc:
    def test_all_2225_articles_load(self):
        arts = load_articles(CORPORA / "bbc")
        counts = statuses(arts)
        assert counts["loaded"] + counts["duplicates"] == 2225
        report = load_report(arts)
        assert report.loc[report["path"].str.endswith("README.TXT"), "status"].tolist() == ["skipped"]
        everything = load_articles(CORPORA / "bbc", drop_duplicates=False)
        assert len(everything) == 2225 and everything["title"].notna().all()

    def test_the_file_that_is_not_utf8(self):
        art = load_articles(CORPORA / "bbc" / "sport" / "199.txt").iloc[0]
        assert art["encoding"] == "cp1252"
        assert "a \u00a315.8m signing from Parma" in art["text"]
        assert art["title"] == "Chelsea sack Mutu"


@needs_shared("corpora", "reuters21578.jsonl")
def test_reuters_every_story_with_a_body_loads():
    path = CORPORA / "reuters21578.jsonl"
    with_body = without = 0
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if (json.loads(line).get("text") or "").strip():
                with_body += 1
            else:
                without += 1
    assert (with_body, without) == (19779, 1799)
    arts = load_articles(path)
    counts = statuses(arts)
    assert counts["loaded"] + counts["duplicates"] == with_body
    assert counts["skipped_records"] == without
    report = load_report(arts)
    assert set(report.loc[report["status"] == "skipped", "reason"]) == {"empty text"}
    assert arts["published"].notna().mean() > 0.99
    assert arts["published"].dropna().dt.year.eq(1987).all()
