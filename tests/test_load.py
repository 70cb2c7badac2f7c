"""load_articles(): formats, metadata, bad input and the load report."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import load_articles, load_report
from analysis.load import ARTICLE_COLUMNS, article_id, decode_bytes, load_summary, parse_published

from conftest import FIXTURES, SEEDS

FORMATS = FIXTURES / "formats"
BAD = FIXTURES / "bad"


def by_title(arts: pd.DataFrame, title: str) -> pd.Series:
    rows = arts[arts["title"] == title]
    assert len(rows) == 1, f"expected one article titled {title!r}, found {len(rows)}"
    return rows.iloc[0]


def accounted(report: pd.DataFrame) -> int:
    """Articles the report accounts for: loaded + skipped records + duplicates."""
    return int(report.loc[report["status"].isin(["loaded", "skipped", "duplicate"]), "articles"].sum())


class TestSeed:
    def test_seed_article_and_sidecar_metadata(self, seed_articles):
        assert len(seed_articles) == 1
        art = seed_articles.iloc[0]
        assert art["title"] == "Kyiv, Moscow Hold Talks As Russian Invasion Shows Signs Of Escalating"
        assert art["source"] == "RFE/RL"
        assert art["published"] == pd.Timestamp("2022-02-28", tz="UTC")
        assert art["language"] == "en"
        assert art["format"] == "txt"
        assert art["text"].startswith("Kyiv, Moscow Hold Talks")
        assert art["text"].endswith("RIA Novosti, and TASS")
        assert art["n_words"] == len(re.findall(r"\w+(?:['’.-]\w+)*", art["text"]))

    def test_columns_in_contract_order(self, seed_articles):
        assert list(seed_articles.columns[: len(ARTICLE_COLUMNS)]) == ARTICLE_COLUMNS
        assert str(seed_articles["published"].dtype) == "datetime64[ns, UTC]" or "UTC" in str(seed_articles["published"].dtype)

    def test_report_lists_article_sidecar_and_readme(self, seed_articles):
        report = load_report(seed_articles)
        statuses = dict(zip(report["path"].map(lambda p: Path(p).name), report["status"]))
        assert statuses == {
            "000_be07c432dae3cefd.txt": "loaded",
            "000_be07c432dae3cefd.meta.yaml": "metadata",
            "README.md": "skipped",
        }

    def test_no_source_means_seed(self, seed_articles):
        assert load_articles()["article_id"].tolist() == seed_articles["article_id"].tolist()
        assert load_articles(None)["article_id"].tolist() == seed_articles["article_id"].tolist()


class TestArticleId:
    def test_stable_and_independent_of_location(self, tmp_path, seed_articles):
        copy = tmp_path / "elsewhere" / "renamed.txt"
        copy.parent.mkdir()
        shutil.copy(SEEDS / "000_be07c432dae3cefd.txt", copy)
        again = load_articles(copy)
        assert again["article_id"].iloc[0] == seed_articles["article_id"].iloc[0]
        assert re.fullmatch(r"[0-9a-f]{16}", again["article_id"].iloc[0])

    def test_depends_on_title_and_text(self):
        assert article_id("A", "text") != article_id("B", "text")
        assert article_id("A", "text") != article_id("A", "text!")
        assert article_id(None, "text") == article_id("", "text")


@pytest.fixture(scope="module")
def format_arts():
    return load_articles(FORMATS)


@pytest.fixture(scope="module")
def bad_arts():
    return load_articles(BAD)


class TestFormats:
    @pytest.fixture
    def arts(self, format_arts):
        return format_arts

    def test_every_fixture_article_loads(self, arts):
        assert sorted(arts["format"].value_counts().items()) == [
            ("csv", 2), ("feed", 3), ("html", 2), ("json", 2), ("jsonl", 2), ("md", 1), ("tsv", 1), ("txt", 2),
        ]

    def test_plain_text_headline_is_title_and_stays_in_text(self, arts):
        art = by_title(arts, "Ceasefire Talks Resume In Istanbul")
        assert art["text"].startswith("Ceasefire Talks Resume In Istanbul\n\nNegotiators")
        assert pd.isna(art["published"])

    def test_markdown_front_matter(self, arts):
        art = by_title(arts, "Grain corridor reopens")
        assert art["source"] == "Example Wire"
        assert art["published"] == pd.Timestamp("2022-08-01 03:30", tz="UTC")  # +03:00 converted
        assert art["url"] == "https://example.org/grain-corridor"
        assert art["author"] == "A. Reporter"
        assert not art["text"].startswith("---")
        assert art["text"].startswith("# Grain corridor reopens")

    def test_sidecar_json(self, arts):
        art = by_title(arts, "Sanctions widen to more banks")
        assert (art["source"], art["url"], art["section"]) == ("Example Daily", "https://example.org/sanctions", "world")
        assert art["published"] == pd.Timestamp("2022-03-02", tz="UTC")

    def test_html_main_text_without_navigation(self, arts):
        art = by_title(arts, "Drone strikes hit Kyiv power plant")
        assert art["source"] == "Example News"
        assert art["url"] == "https://news.example.org/world/kyiv-drones"
        assert art["published"] == pd.Timestamp("2022-10-17 08:15", tz="UTC")
        assert art["language"] == "en"
        assert "Explosive drones struck a power plant" in art["text"]
        assert "shot down most of the drones" in art["text"]
        for furniture in ("Subscribe now", "Cookie settings", "All rights reserved", "Privacy policy"):
            assert furniture not in art["text"]
        # paragraphs come out separated by blank lines, like every other format
        assert "\n\nEmergency crews" in art["text"]

    def test_csv_columns_recognised_case_insensitively(self, arts):
        art = by_title(arts, "Kharkiv shelled again")
        assert art["url"] == "https://example.org/a"
        assert art["source"] == "Example Post"
        assert art["section"] == "world"
        assert art["published"] == pd.Timestamp("2022-02-28", tz="UTC")
        assert art["record"] == "row 1"

    def test_csv_empty_text_row_is_reported(self, arts):
        report = load_report(arts)
        row = report[(report["path"].str.endswith("table.csv")) & (report["status"] == "skipped")]
        assert row[["record", "reason"]].values.tolist() == [["row 3", "empty text"]]

    def test_tsv(self, arts):
        art = by_title(arts, "Aid convoy arrives")
        assert art["source"] == "Example TSV"
        assert art["published"] == pd.Timestamp("2022-03-18 10:00", tz="UTC")

    def test_json_nested_list_and_unix_time(self, arts):
        port = by_title(arts, "Port reopens")
        assert port["url"] == "https://example.org/port"
        assert list(port["tags"]) == ["grain", "ports"]
        bridge = by_title(arts, "Bridge damaged")
        assert bridge["published"] == pd.Timestamp(1665213600, unit="s", tz="UTC")

    def test_jsonl_records_and_reuters_style_date(self, arts):
        art = by_title(arts, "Evacuation from Mariupol")
        assert art["published"] == pd.Timestamp("2022-05-01 14:00", tz="UTC")
        assert art["record"] == "line 1"
        assert by_title(arts, "Strikes on Lviv")["record"] == "line 4"

    def test_rss_feed(self, arts):
        art = by_title(arts, "Zelensky addresses parliament")
        assert art["text"] == ("President Volodymyr Zelensky addressed the European Parliament by video link on Tuesday."
                               "\n\nMembers gave him a standing ovation.")
        assert art["source"] == "Example Feed News"
        assert art["url"] == "https://feed.example.org/zelensky-parliament"
        assert art["published"] == pd.Timestamp("2022-03-01 10:00", tz="UTC")
        convoy = by_title(arts, "Convoy stalls near Kyiv")
        assert convoy["published"] == pd.Timestamp("2022-03-02 06:30", tz="UTC")  # +0200 converted

    def test_atom_feed(self, arts):
        art = by_title(arts, "Kherson falls")
        assert art["text"] == "Russian forces took control of Kherson, the city's mayor said."
        assert art["url"] == "https://atom.example.org/kherson"

    def test_invariant(self, arts):
        report = load_report(arts)
        assert accounted(report) == len(arts) + 2  # two empty-text records reported
        assert load_summary(report)["loaded"] == len(arts)


class TestBadInput:
    @pytest.fixture
    def arts(self, bad_arts):
        return bad_arts

    @pytest.fixture
    def reasons(self, arts):
        report = load_report(arts)
        skipped = report[report["status"] == "skipped"]
        return {(Path(p).name, r if isinstance(r, str) else None): reason
                for p, r, reason in zip(skipped["path"], skipped["record"], skipped["reason"])}

    @pytest.mark.parametrize("name, expected", [
        ("empty.txt", "empty file"),
        ("whitespace.txt", "empty file"),
        ("binary.txt", "binary file"),
        ("image.html", "binary file"),
        ("malformed.json", "malformed JSON"),
        ("no_text.html", "no article text"),
        ("no_text_column.csv", "missing text column"),
        ("broken.rss", "malformed feed"),
        ("notes.xml", "not an RSS or Atom feed"),
        ("data.docx", "unsupported file type"),
    ])
    def test_whole_file_skipped_with_reason(self, reasons, name, expected):
        assert expected in reasons[(name, None)]

    def test_missing_text_column_names_the_fix(self, reasons):
        reason = reasons[("no_text_column.csv", None)]
        assert "headline, summary, date" in reason and "columns=" in reason

    def test_ragged_csv_row_reported_others_loaded(self, arts, reasons):
        assert "expected 3 fields, found 4" in reasons[("ragged.csv", "row 2")]
        assert set(arts.loc[arts["path"].str.endswith("ragged.csv"), "title"]) == {"Good row", "Second good"}

    def test_unterminated_quote_reported(self, reasons):
        assert "malformed CSV" in reasons[("unterminated.csv", "line 2")]

    def test_bad_jsonl_lines_reported_good_line_loaded(self, arts, reasons):
        assert "malformed JSON" in reasons[("bad_lines.jsonl", "line 2")]
        assert "not a JSON object" in reasons[("bad_lines.jsonl", "line 3")]
        assert arts.loc[arts["path"].str.endswith("bad_lines.jsonl"), "title"].tolist() == ["ok"]

    @pytest.mark.parametrize("name, encoding, snippet", [
        ("cp1252.txt", "cp1252", "paid £15.8m for the striker, the club’s record – fans"),
        ("bom.txt", "utf-8-sig", "Kyiv Holds Out\n\nThe capital"),
        ("utf16.txt", "utf-16", "Odesa Braces\n\nOdesa braced"),
    ])
    def test_encodings_detected(self, arts, name, encoding, snippet):
        art = arts[arts["path"].str.endswith(name)].iloc[0]
        assert art["encoding"] == encoding
        assert snippet in art["text"]
        assert "\ufeff" not in art["text"]

    def test_nothing_dropped_silently(self, arts):
        report = load_report(arts)
        # 5 records in tables/lines were readable articles or reported records; files skipped count 0
        loaded = int(report.loc[report["status"] == "loaded", "articles"].sum())
        assert loaded == len(arts) == 6
        skipped_records = report[(report["status"] == "skipped") & report["record"].notna()]
        assert skipped_records["articles"].tolist() == [1, 1, 1, 1]
        assert set(report["path"].map(lambda p: Path(p).name)) == {p.name for p in BAD.iterdir()}


class TestOptions:
    def test_columns_override(self, tmp_path):
        table = tmp_path / "odd.csv"
        table.write_text("story_id,story_body,when\n1,\"Kyiv was shelled overnight, officials said.\",2022-03-01\n")
        arts = load_articles(table, columns={"text": "Story_Body", "published": "when"})
        assert arts["text"].tolist() == ["Kyiv was shelled overnight, officials said."]
        assert arts["published"].tolist() == [pd.Timestamp("2022-03-01", tz="UTC")]

    def test_columns_naming_absent_column_is_reported(self, tmp_path):
        table = tmp_path / "odd.csv"
        table.write_text("a,b\n1,2\n")
        report = load_report(load_articles(table, columns={"text": "nope"}))
        assert "'nope'" in report["reason"].iloc[0] and report["status"].iloc[0] == "skipped"

    def test_unknown_field_in_columns_raises(self):
        with pytest.raises(ValueError, match="unknown fields"):
            load_articles(SEEDS, columns={"body_text": "x"})

    def test_filename_pattern(self, tmp_path):
        path = tmp_path / "2022-03-05_kyivindependent_strike.txt"
        path.write_text("Missiles hit the city overnight, officials said.\n")
        arts = load_articles(path, filename_pattern=r"(?P<published>\d{4}-\d{2}-\d{2})_(?P<source>[a-z]+)_(?P<slug>\w+)")
        art = arts.iloc[0]
        assert (art["source"], art["slug"]) == ("kyivindependent", "strike")
        assert art["published"] == pd.Timestamp("2022-03-05", tz="UTC")

    def test_gdelt_file_names_recognised_by_default(self, tmp_path):
        path = tmp_path / "20220125T090000Z_GB_English_7d015e6984.txt"
        path.write_text("Emmanuel Macron has told a press conference in Berlin that he plans talks.\n")
        art = load_articles(path).iloc[0]
        assert art["published"] == pd.Timestamp("2022-01-25 09:00", tz="UTC")
        assert (art["country"], art["language"]) == ("GB", "en")
        assert pd.isna(load_articles(path, filename_pattern=False).iloc[0]["published"])

    def test_pattern_without_groups_raises(self):
        with pytest.raises(ValueError, match="named groups"):
            load_articles(SEEDS, filename_pattern=r"\d+")

    def test_duplicates_dropped_and_reported(self, tmp_path):
        for name in ("a.txt", "b.txt"):
            shutil.copy(SEEDS / "000_be07c432dae3cefd.txt", tmp_path / name)
        arts = load_articles(tmp_path)
        report = load_report(arts)
        assert len(arts) == 1
        dup = report[report["status"] == "duplicate"]
        assert dup["path"].map(lambda p: Path(p).name).tolist() == ["b.txt"]
        assert "a.txt" in dup["reason"].iloc[0]
        assert len(load_articles(tmp_path, drop_duplicates=False)) == 2

    def test_globs_and_several_sources(self):
        arts = load_articles(str(FORMATS / "*.json*"), FORMATS / "plain.txt")
        assert sorted(arts["format"]) == ["json", "json", "jsonl", "jsonl", "txt"]

    def test_same_file_twice_loads_once(self):
        assert len(load_articles(FORMATS / "plain.txt", FORMATS / "plain.txt")) == 1

    def test_missing_source_raises(self, tmp_path):
        with pytest.raises(FileNotFoundError, match="no such file or folder"):
            load_articles(tmp_path / "nowhere")
        with pytest.raises(FileNotFoundError, match="no file matches"):
            load_articles(str(tmp_path / "*.txt"))

    def test_huge_single_article_file_skipped(self, tmp_path):
        path = tmp_path / "huge.txt"
        path.write_text("word " * 3000)
        report = load_report(load_articles(path, max_article_bytes=10_000))
        assert report["status"].tolist() == ["skipped"] and "too large" in report["reason"].iloc[0]

    def test_gzip_input(self, tmp_path):
        import gzip

        path = tmp_path / "wire.jsonl.gz"
        with gzip.open(path, "wt", encoding="utf-8") as fh:
            fh.write(json.dumps({"title": "Zipped", "text": "Compressed lines load too, officials said."}) + "\n")
        arts = load_articles(path)
        assert arts[["title", "format"]].values.tolist() == [["Zipped", "jsonl"]]

    def test_hidden_files_and_folders_ignored(self, tmp_path):
        (tmp_path / ".git").mkdir()
        (tmp_path / ".git" / "note.txt").write_text("Not an article at all, just git.\n")
        (tmp_path / "story.txt").write_text("A real story about the war, officials said.\n")
        report = load_report(load_articles(tmp_path))
        assert report["path"].map(lambda p: Path(p).name).tolist() == ["story.txt"]

    def test_inputs_not_mutated_and_progress_off(self, capsys):
        load_articles(SEEDS, progress=False)
        assert capsys.readouterr().err == ""


class TestParsePublished:
    @pytest.mark.parametrize("value, expected", [
        ("2022-02-28", "2022-02-28 00:00"),
        ("2022-02-28T10:15:00+02:00", "2022-02-28 08:15"),
        ("20220125T090000Z", "2022-01-25 09:00"),
        ("26-FEB-1987 15:01:01.79", "1987-02-26 15:01:01.790"),
        ("27-MAR-1987 02:17:09.88   T C", "1987-03-27 02:17:09.880"),
        ("Wednesday, 23 February 2022", "2022-02-23 00:00"),
        ("Mon, 28 Feb 2022 10:00:00 EST", "2022-02-28 15:00"),
        (1646042400, "2022-02-28 10:00"),
    ])
    def test_parses(self, value, expected):
        assert parse_published(value) == pd.Timestamp(expected, tz="UTC")

    @pytest.mark.parametrize("value", ["February 28", "3 days ago", "", None, "not a date", float("nan")])
    def test_refuses_to_guess(self, value):
        assert pd.isna(parse_published(value))


class TestDecode:
    def test_binary_raises(self):
        with pytest.raises(ValueError, match="binary"):
            decode_bytes(b"\x00\x01\x02abc")

    def test_forced_encoding(self):
        assert decode_bytes("£".encode("latin-1"), encoding="latin-1") == ("£", "latin-1")
        with pytest.raises(ValueError, match="cannot be decoded as utf-8"):
            decode_bytes(b"\xa3", encoding="utf-8")

    def test_cyrillic_legacy_encoding_detected(self):
        text = "Президент Украины выступил с обращением к гражданам страны в понедельник вечером."
        decoded, encoding = decode_bytes(text.encode("cp1251"))
        assert decoded == text and encoding.replace("-", "").replace("_", "").lower() in {"cp1251", "windows1251"}


def test_html_declared_legacy_charset():
    art = load_articles(FORMATS / "cp1251.html").iloc[0]
    assert art["encoding"] == "cp1251"
    assert art["title"] == "\u041d\u043e\u0432\u043e\u0441\u0442\u0438"  # "Новости", from <title>, site name removed
    assert art["text"].startswith("\u041e\u0431\u0441\u0442\u0440\u0435\u043b \u0425\u0430\u0440\u044c\u043a\u043e\u0432\u0430\n\n")
    assert art["language"] == "ru"
