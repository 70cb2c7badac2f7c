"""news-analysis report: notebooks executed end to end, exported as self-contained, escaped HTML."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest

from analysis import config
from analysis.cli import main
from analysis.report import ReportError, build_report, report_notebooks, strip_outputs

from conftest import CORPORA, SEEDS, needs_shared

pytestmark = pytest.mark.notebooks

EXTERNAL = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    index = build_report([SEEDS], out)
    return out, index


class TestSeedReport:
    def test_index_links_every_notebook(self, seed_report):
        out, index = seed_report
        page = index.read_text(encoding="utf-8")
        for notebook in report_notebooks():
            assert f'href="{notebook.stem}.html"' in page
            assert (out / f"{notebook.stem}.html").is_file()
            assert (out / "executed" / notebook.name).is_file()
        assert '<span class="failed">' not in page

    def test_load_page_shows_the_analysis(self, seed_report):
        out, _ = seed_report
        page = (out / "01-load-and-clean.html").read_text(encoding="utf-8")
        assert "Kyiv, Moscow Hold Talks As Russian Invasion Shows Signs Of Escalating" in page
        assert "video-player fallback text" in page          # a role reason in the furniture table
        assert "With reporting by Reuters, AP, AFP, RIA Novosti, and TASS" in page
        assert page.count("data:image/png;base64,") >= 4     # charts embedded, not linked

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
        injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
        assert injected and str(SEEDS) in injected[0].source


def test_article_text_is_escaped(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        "<script>alert('title')</script> Strikes Hit Kyiv\n\n"
        "Officials said <img src=x onerror=alert(1)> missiles hit the city on Monday.\n\n"
        "<script>alert('furniture')</script> Advertisement\n\nAdvertisement\n", encoding="utf-8")
    out = tmp_path / "out"
    build_report([corpus], out)
    html = (out / "01-load-and-clean.html").read_text(encoding="utf-8")
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html or "&lt;script&gt;alert(" in html


def test_failed_notebook_is_reported_and_others_still_run(tmp_path):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(config.notebooks_dir() / "01-load-and-clean.ipynb", folder / "01-load-and-clean.ipynb")
    broken = nbformat.v4.new_notebook()
    broken.cells = [nbformat.v4.new_markdown_cell("# Broken on purpose"),
                    nbformat.v4.new_code_cell("corpus = None", metadata={"tags": ["parameters"]}),
                    nbformat.v4.new_code_cell("raise ValueError('no such column: claimant')")]
    nbformat.write(broken, folder / "02-broken.ipynb")
    out = tmp_path / "out"
    with pytest.raises(ReportError, match="02-broken.ipynb: ValueError: no such column: claimant") as caught:
        build_report(None, out, notebooks=sorted(folder.glob("*.ipynb")))
    index = caught.value.index.read_text(encoding="utf-8")
    assert '<span class="ok">ran</span>' in index
    assert "failed: ValueError: no such column: claimant" in index
    assert (out / "02-broken.html").is_file()  # the page shows the traceback


@needs_shared("corpora", "ukraine_gdelt_txt")
def test_notebooks_run_on_a_real_corpus(tmp_path):
    index = build_report([CORPORA / "ukraine_gdelt_txt"], tmp_path)
    page = (tmp_path / "01-load-and-clean.html").read_text(encoding="utf-8")
    for reason in ("call to action", "advertisement slot", "video teaser", "author label"):
        assert reason in page, reason
    assert index.is_file()


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
