"""news-analysis report: notebooks executed end to end, exported as self-contained, escaped HTML."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import config
from analysis.cli import main
from analysis.pipeline import open_tables
from analysis.report import EmptyCorpusError, ReportError, build_report, report_notebooks, strip_outputs

from conftest import CORPORA, SEEDS, needs_shared

pytestmark = pytest.mark.notebooks

EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    index = build_report([SEEDS], out, cache=out / "cache")
    return out, index


class TestSeedReport:
    def test_index_is_the_overview_and_links_every_page(self, seed_report):
        out, index = seed_report
        assert index == out / "index.html"
        page = index.read_text(encoding="utf-8")
        assert "<h1>news-analysis report</h1>" in page and "Every notebook ran." in page
        assert "The corpus at a glance" in page and "The biggest reported numbers and who claims them" in page
        for notebook in report_notebooks():
            assert (out / "executed" / notebook.name).is_file()
            if notebook.stem.startswith("00-"):
                assert not (out / f"{notebook.stem}.html").exists()     # it is index.html
                continue
            assert f'href="{notebook.stem}.html"' in page
            assert (out / f"{notebook.stem}.html").is_file()
        assert "failed" not in re.sub(r"\.failed \{[^}]*\}|class=\"failed\"", "", page).lower().replace(
            "failed to", "")

    def test_overview_reads_like_a_brief_of_the_day(self, seed_report):
        out, _ = seed_report
        page = (out / "index.html").read_text(encoding="utf-8")
        for expected in ("28 Feb 2022 00:00 UTC", "more than 4,500 Russian soldiers", "Volodymyr Zelensky",
                         "Anton Herashchenko", "$630 billion", "Josep Borrell", "most negative", "most positive"):
            assert expected in page, expected
        assert page.count("data:image/png;base64,") >= 3

    def test_load_page_shows_the_analysis(self, seed_report):
        out, _ = seed_report
        page = (out / "01-load-and-clean.html").read_text(encoding="utf-8")
        assert "Kyiv, Moscow Hold Talks As Russian Invasion Shows Signs Of Escalating" in page
        assert "video-player fallback text" in page          # a role reason in the furniture table
        assert "With reporting by Reuters, AP, AFP, RIA Novosti, and TASS" in page
        assert page.count("data:image/png;base64,") >= 4     # charts embedded, not linked

    def test_code_is_hidden_by_default(self, seed_report):
        out, _ = seed_report
        page = (out / "02-terms.html").read_text(encoding="utf-8")
        assert "jp-InputArea-editor\"" not in page and "term_frequency(" not in page
        assert "02 · Terms and phrases" in page and page.count("data:image/png;base64,") >= 3

    def test_every_figure_has_its_table_next_to_it(self, seed_report):
        out, _ = seed_report
        page = (out / "05-developments.html").read_text(encoding="utf-8")
        links = re.findall(r'href="(figures/[^"]+\.csv)"', page)
        assert len(links) == 6 and page.count("data:image/png;base64,") >= 6
        named = {re.sub(r".*-figure-\d+-", "", link)[:-4]: link for link in links}
        assert set(named) == {"interaction_bars", "goldstein_balance", "development_timeline", "reported_numbers_chart",
                              "developments_per_day", "places_scatter"}
        timeline = pd.read_csv(out / named["development_timeline"])
        assert {"category", "date", "claimant"} <= set(timeline.columns) and len(timeline) >= 18
        pairs = pd.read_csv(out / named["interaction_bars"])
        assert {"actor", "target", "quad_class", "developments"} <= set(pairs.columns) and len(pairs) >= 5
        for page in out.glob("*.html"):
            for link in re.findall(r'href="(figures/[^"]+)"', page.read_text(encoding="utf-8")):
                assert (out / link).is_file(), link

    def test_tables_are_saved_once_for_every_notebook(self, seed_report):
        out, _ = seed_report
        tables = open_tables(out / "tables")
        assert len(tables.articles) == 1 and len(tables.developments) >= 18
        for notebook in report_notebooks():
            nb = nbformat.read(out / "executed" / notebook.name, as_version=4)
            injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
            assert injected and str(SEEDS) in injected[0].source
            assert str((out / "tables").absolute()) in injected[0].source

    def test_pages_are_self_contained(self, seed_report):
        out, _ = seed_report
        for page in out.glob("*.html"):
            html = page.read_text(encoding="utf-8")
            assert not EXTERNAL.search(html), f"{page.name} loads something from outside the file"
            assert "cdnjs" not in html and "unpkg" not in html

    def test_executed_notebook_has_no_errors(self, seed_report):
        out, _ = seed_report
        nb = nbformat.read(out / "executed" / "01-load-and-clean.ipynb", as_version=4)
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        assert outputs and not [o for o in outputs if o.get("output_type") == "error"]


def test_with_code_title_and_markdown(tmp_path):
    out = tmp_path / "out"
    index = build_report(None, out, notebooks=[config.notebooks_dir() / "02-terms.ipynb"], with_code=True,
                         title="Kharkiv <b>brief</b>", formats=("html", "md"), cache=tmp_path / "cache")
    page = (out / "02-terms.html").read_text(encoding="utf-8")
    assert "jp-InputArea-editor\"" in page and "term_frequency(" in page            # the code is shown
    assert "Kharkiv &lt;b&gt;brief&lt;/b&gt;" in page and "Kharkiv <b>brief</b>" not in page
    assert index == out / "index.html"                                      # no overview: a plain index
    assert "Kharkiv &lt;b&gt;brief&lt;/b&gt;" in index.read_text(encoding="utf-8")
    markdown = (out / "02-terms.md").read_text(encoding="utf-8")
    assert "# 02" in markdown and "term_frequency(" in markdown
    images = list((out / "02-terms_files").glob("*.png"))
    assert images and all(f"02-terms_files/{image.name}" in markdown for image in images)


@pytest.mark.skipif(os.name != "posix", reason="IPC sockets are for POSIX systems")
def test_kernels_talk_over_local_sockets(tmp_path, capfd):
    out = tmp_path / "out"
    build_report(None, out, notebooks=[config.notebooks_dir() / "02-terms.ipynb"], cache=tmp_path / "cache")
    assert (out / "02-terms.html").is_file()
    # over TCP, the kernel warns on its stderr (this process's) that it runs without encryption
    assert "TCP" not in capfd.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="IPC sockets are for POSIX systems")
def test_kernel_sockets_live_in_a_short_private_folder(tmp_path, monkeypatch):
    from analysis import report

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with report._kernel_options() as options:
        manager = options["config"]["KernelManager"]
        folder = Path(manager["ip"]).parent
        assert manager["transport"] == "ipc" and folder.parent == tmp_path and folder.is_dir()
        assert folder.stat().st_mode & 0o077 == 0                           # private to its owner
    assert not folder.exists()
    deep = tmp_path / ("d" * 60) / ("e" * 60)                               # no room for a socket path
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with report._kernel_options() as options:
        assert options == {}                                                # TCP, as jupyter's default


def test_article_text_is_escaped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        "<script>alert('title')</script> Strikes Hit Kyiv\n\n"
        "Officials said <img src=x onerror=alert(1)> missiles hit the city on Monday.\n\n"
        "<script>alert('furniture')</script> Advertisement\n\nAdvertisement\n", encoding="utf-8")
    out = tmp_path / "out"
    build_report([corpus], out, cache=tmp_path / "cache")
    for page in out.glob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(" not in html and "<img src=x" not in html, page.name
    load_page = (out / "01-load-and-clean.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in load_page or "&lt;script&gt;alert(" in load_page


def test_failed_notebook_names_the_cell_and_others_still_run(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(config.notebooks_dir() / "01-load-and-clean.ipynb", folder / "01-load-and-clean.ipynb")
    shutil.copy(config.notebooks_dir() / "00-overview.ipynb", folder / "00-overview.ipynb")
    broken = nbformat.v4.new_notebook()
    broken.cells = [nbformat.v4.new_markdown_cell("# Broken on purpose"),
                    nbformat.v4.new_code_cell("corpus = None\ntables = None", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("x = 1"),
                    nbformat.v4.new_code_cell("raise ValueError('no such column: claimant')")]
    nbformat.write(broken, folder / "02-broken.ipynb")
    out = tmp_path / "out"
    with pytest.raises(ReportError, match=r"incomplete.*02-broken.ipynb: cell \d+ \(raise ValueError"
                                          r"\('no such column: claimant'\)\): ValueError: no such column") as caught:
        build_report(None, out, notebooks=sorted(folder.glob("*.ipynb")), cache=tmp_path / "cache")
    index = caught.value.index.read_text(encoding="utf-8")
    assert "Incomplete report: 1 notebook(s) failed" in index and "Every notebook ran." not in index
    assert "02-broken.ipynb: cell" in index and "ValueError: no such column: claimant" in index
    assert (out / "02-broken.html").is_file()  # the page shows the traceback
    assert (out / "01-load-and-clean.html").is_file()


def test_empty_corpus_is_an_error_with_its_reason(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EmptyCorpusError, match="no readable articles.*no article files found"):
        build_report([empty], tmp_path / "out", cache=tmp_path / "cache")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "a.txt").write_bytes(b"\x00\x01\x02\x03")
    (bad / "b.txt").write_text("", encoding="utf-8")
    assert main(["report", str(bad), "--out", str(tmp_path / "out2")]) == 2
    err = capsys.readouterr().err
    assert "no readable articles" in err and "binary file" in err and "empty file" in err
    assert not (tmp_path / "out2" / "index.html").exists()


@needs_shared("corpora", "ukraine_gdelt_txt")
def test_notebooks_run_on_a_real_corpus(tmp_path):
    index = build_report([CORPORA / "ukraine_gdelt_txt"], tmp_path, cache=tmp_path / "cache")
    page = (tmp_path / "01-load-and-clean.html").read_text(encoding="utf-8")
    for reason in ("call to action", "advertisement slot", "video teaser", "author label"):
        assert reason in page, reason
    overview = index.read_text(encoding="utf-8")
    assert "Every notebook ran." in overview and ">282<" in overview


class TestCli:
    def test_missing_path_is_a_usage_error(self, tmp_path, capsys):
        assert main(["report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
        assert "no such file or folder" in capsys.readouterr().err

    def test_strip(self, tmp_path, capsys):
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell("1 + 1")
        cell.outputs = [nbformat.v4.new_output("execute_result", data={"text/plain": "2"}, execution_count=1)]
        cell.execution_count = 1
        nb.cells = [cell]
        path = tmp_path / "x.ipynb"
        nbformat.write(nb, path)
        assert main(["strip", str(path)]) == 0
        cleaned = json.loads(path.read_text())
        assert cleaned["cells"][0]["outputs"] == [] and cleaned["cells"][0]["execution_count"] is None
        assert strip_outputs(path) is False


class TestCommittedNotebooks:
    @pytest.mark.parametrize("path", report_notebooks(), ids=lambda p: p.name)
    def test_stripped_and_parameterised(self, path):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), "strip outputs before committing"
        params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1 and re.search(r"^corpus\s*=", params[0].source, re.M)
        assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")

    @pytest.mark.parametrize("path", report_notebooks(), ids=lambda p: p.name)
    def test_no_functions_or_classes_in_notebooks(self, path):
        nb = nbformat.read(path, as_version=4)
        source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert not re.search(r"^\s*(def|class) ", source, re.M)
