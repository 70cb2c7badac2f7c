"""The HTML report opened in a real browser (headless Chromium driven by Playwright).

Two reports are built once for this module: one of the seed corpus and one of the hostile corpus in
``tests/fixtures/hostile`` (article titles, text and source names full of script, event-handler,
Markdown, table and template injections). Every page the report folder holds (``index.html`` and
one page per notebook, whatever notebooks there are) is opened from disk and checked: no console
error, every image loaded, the headings and tables of its notebook present, index links that lead to
files, no request leaving ``file:``, and, for the hostile report, no injected script run and every
hostile string shown as text. A full-page screenshot of every page is kept as a test artefact in
``$NEWS_ANALYSIS_ARTEFACTS`` (default: ``test-artefacts/screenshots/`` in the repository).

Chromium is the system's (``$NEWS_ANALYSIS_CHROMIUM``, else ``chromium`` or ``chromium-browser`` on
PATH); Playwright never downloads a browser. Without one the tests are skipped, except under CI
(``$CI`` set), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

from analysis.report import build_report, notebook_title, report_notebooks

from conftest import FIXTURES, REPO, SEEDS

pytestmark = pytest.mark.notebooks

HOSTILE = FIXTURES / "hostile"
ARTEFACTS = Path(os.environ.get("NEWS_ANALYSIS_ARTEFACTS") or REPO / "test-artefacts" / "screenshots")
#: The report folder of the hostile corpus is itself named with an injection: it is shown on the
#: index page ("Corpus: ...") and in the load report of notebook 01.
HOSTILE_FOLDER = "hostile <img src=x onerror=window.__pwned=20>"

#: Strings from tests/fixtures/hostile that must reach the reader as text, verbatim (single lines:
#: the browser's innerText breaks lines between table cells).
HOSTILE_TITLE = ('<script>window.__pwned = 1</script> Zelensky Says <img src=x onerror="window.__pwned=2"> '
                 "Kyiv Holds {{ 7*7 }} $x^2$")
HOSTILE_STRINGS = [
    HOSTILE_TITLE,
    '<img src=x onerror="window.__pwned=2">',
    "[click](javascript:window.__pwned=3)",
    '<b onmouseover="window.__pwned=4">the operation</b>',
    "</table></div></td></tr></tbody></table><script>window.__pwned = 5</script>",
    "# Injected heading: Russia Surrenders",
    "| Zelensky | <b onmouseover=window.__pwned=6>hover me</b> |",
    '<iframe src="javascript:window.__pwned=7"></iframe>',
    '<b onmouseover="window.__pwned=8">Evil Wire</b>',                  # a source name
    '<svg onload="window.__pwned=9"></svg>',
    "<script>window.__pwned = 10</script>",
    "<script>window.__pwned = 13</script>",                            # an HTML page's escaped title
    "{{ config }} and {% raw %}",
    r"$\alpha + \beta$",
    HOSTILE_FOLDER,
]

#: Chromium flags for containers and CI: no sandbox (root), no GPU, /tmp instead of a small /dev/shm.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-extensions",
                 "--no-first-run", "--no-default-browser-check", "--mute-audio"]

# What the page looks like to a reader, collected in one pass so that each page is opened once.
COLLECT_JS = """() => {
  const text = (el) => el.textContent.replace(/\\u00b6/g, "").replace(/\\s+/g, " ").trim();
  const payloads = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (/__pwned|^\\s*javascript:/i.test(a.value) || (/^on/i.test(a.name) && /__pwned/.test(a.value))) {
        payloads.push(`<${el.localName} ${a.name}="${a.value.slice(0, 80)}">`);
      }
    }
  }
  for (const s of document.scripts) {
    if (s.textContent.includes("__pwned")) payloads.push(`<script>${s.textContent.slice(0, 80)}`);
  }
  return {
    title: document.title,
    headings: Array.from(document.querySelectorAll("h1, h2, h3, h4, h5, h6"), (h) => [h.localName, text(h)]),
    tables: Array.from(document.querySelectorAll("table"),
                       (t) => ({cls: t.className, rows: t.querySelectorAll("tbody tr").length})),
    images: Array.from(document.images, (i) => ({src: i.getAttribute("src").slice(0, 40), complete: i.complete,
                                                width: i.naturalWidth, height: i.naturalHeight})),
    links: Array.from(document.querySelectorAll("a[href]"), (a) => [a.getAttribute("href"), a.href]),
    payloads: payloads,
    text: document.body.innerText,
  };
}"""

# Fire the events an injected handler would wait for on every element, then report __pwned.
PROVOKE_JS = """async () => {
  for (const el of document.querySelectorAll("body *")) {
    for (const type of ["mouseover", "mouseenter", "mousemove", "focus"]) {
      el.dispatchEvent(new Event(type, {bubbles: type !== "mouseenter" && type !== "focus"}));
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  return typeof window.__pwned === "undefined" ? null : String(window.__pwned);
}"""


@dataclass
class Visit:
    """One page of a report as the browser showed it."""

    name: str
    path: Path
    screenshot: Path
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    title: str = ""
    headings: list[tuple[str, str]] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)   # (href as written, resolved URL)
    payloads: list[str] = field(default_factory=list)
    text: str = ""
    pwned: str | None = None

    @property
    def is_index(self) -> bool:
        return self.name == "index.html"


@dataclass
class Report:
    label: str
    out: Path
    visits: dict[str, Visit]

    def notebook_pages(self) -> list[Visit]:
        return [v for v in self.visits.values() if not v.is_index]


def chromium_path() -> str | None:
    """The system Chromium: ``$NEWS_ANALYSIS_CHROMIUM``, else ``chromium`` / ``chromium-browser``."""
    override = os.environ.get("NEWS_ANALYSIS_CHROMIUM")
    if override:
        return override
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _unavailable(reason: str):
    """Skip on a developer's machine; under CI a browser test that cannot run is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip; .ci/run installs Debian's chromium)",
                    pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if not executable:
        _unavailable("no Chromium found: install chromium (apt-get install chromium) "
                     "or set NEWS_ANALYSIS_CHROMIUM to its executable")
    if not Path(executable).is_file():
        pytest.fail(f"NEWS_ANALYSIS_CHROMIUM={executable} is not a file", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _build(tmp_path_factory, corpus: list[Path]) -> Path:
    """Build a report the way the CLI does, in this session's own data dir (see conftest)."""
    out = tmp_path_factory.mktemp("browser-report")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("NEWS_ANALYSIS_DATA", str(tmp_path_factory.getbasetemp() / "nltk_data"))
        mp.setenv("NEWS_ANALYSIS_PROGRESS", "0")
        mp.setenv("NEWS_ANALYSIS_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
        build_report(corpus, out)
    return out


def _visit_report(browser, out: Path, label: str) -> Report:
    pages = sorted(out.glob("*.html"))
    shots = ARTEFACTS / label
    if shots.exists():
        shutil.rmtree(shots)
    shots.mkdir(parents=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True,
                                  service_workers="block")
    # Nothing may leave the machine: such a request is recorded (and failed by the test) and aborted.
    context.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
    visits: dict[str, Visit] = {}
    try:
        for path in pages:
            visit = Visit(path.name, path, shots / f"{path.stem}.png")
            page = context.new_page()
            page.on("console", lambda msg, v=visit: v.console_errors.append(f"{msg.text} ({msg.location})")
                    if msg.type == "error" else None)
            page.on("pageerror", lambda exc, v=visit: v.page_errors.append(str(exc)))
            page.on("request", lambda req, v=visit: v.requests.append(req.url))
            page.goto(path.as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            page.wait_for_function("() => Array.from(document.images).every((i) => i.complete)", timeout=15_000)
            page.evaluate("() => document.fonts.ready.then(() => true)")
            visit.pwned = page.evaluate(PROVOKE_JS)
            for key, value in page.evaluate(COLLECT_JS).items():
                setattr(visit, key, value)
            visit.headings = [tuple(h) for h in visit.headings]
            visit.links = [tuple(a) for a in visit.links]
            page.screenshot(path=str(visit.screenshot), full_page=True)
            page.close()
            visits[path.name] = visit
    finally:
        context.close()
    return Report(label, out, visits)


@pytest.fixture(scope="module")
def seed_report(browser, tmp_path_factory) -> Report:
    out = _build(tmp_path_factory, [SEEDS])
    return _visit_report(browser, out, "seed")


@pytest.fixture(scope="module")
def hostile_report(browser, tmp_path_factory) -> Report:
    corpus = tmp_path_factory.mktemp("hostile-corpus") / HOSTILE_FOLDER
    shutil.copytree(HOSTILE, corpus)
    out = _build(tmp_path_factory, [corpus])
    return _visit_report(browser, out, "hostile")


@pytest.fixture(params=["seed", "hostile"])
def report(request) -> Report:
    return request.getfixturevalue(f"{request.param}_report")


def _executed(report: Report, visit: Visit):
    return nbformat.read(report.out / "executed" / f"{Path(visit.name).stem}.ipynb", as_version=4)


def _markdown_headings(nb) -> list[tuple[str, str]]:
    """``(h1, text)`` for every ATX heading in the notebook's Markdown cells, as a browser shows it."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            match = re.match(r"^(#{1,6})\s+(.+?)\s*#*\s*$", line)
            if match:
                text = re.sub(r"[*_`]", "", match.group(2))
                found.append((f"h{len(match.group(1))}", re.sub(r"\s+", " ", text).strip()))
    return found


def _local_file(url: str) -> Path | None:
    parts = urlsplit(url)
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


# ------------------------------------------------------------------------------------------------
# Every page of both reports
# ------------------------------------------------------------------------------------------------

def test_report_has_a_page_per_notebook(report):
    names = set(report.visits)
    # the overview notebook (00-overview) is the index page
    expected = {"index.html"} | {f"{nb.stem}.html" for nb in report_notebooks() if not nb.stem.startswith("00-")}
    assert expected <= names, f"missing pages: {sorted(expected - names)}"
    assert "01-load-and-clean.html" in names
    for visit in report.notebook_pages():
        assert (report.out / "executed" / f"{Path(visit.name).stem}.ipynb").is_file(), visit.name


def test_no_console_errors(report):
    problems = {v.name: v.console_errors + v.page_errors for v in report.visits.values()
                if v.console_errors or v.page_errors}
    assert not problems, f"{report.label} report: errors in the browser console: {problems}"


def test_every_image_loads(report):
    for visit in report.visits.values():
        broken = [i for i in visit.images if not i["complete"] or i["width"] <= 0 or i["height"] <= 0]
        assert not broken, f"{report.label}/{visit.name}: images that did not load: {broken}"
        outside = [i["src"] for i in visit.images if not i["src"].startswith("data:image/")]
        assert not outside, f"{report.label}/{visit.name}: images not embedded: {outside}"
    for visit in report.notebook_pages():
        nb = _executed(report, visit)
        charts = sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                     if "image/png" in o.get("data", {}))
        assert len(visit.images) >= charts, f"{report.label}/{visit.name}: {charts} charts, {len(visit.images)} shown"
    assert len(report.visits["01-load-and-clean.html"].images) >= 4
    assert sum(len(v.images) for v in report.notebook_pages()) >= len(report.notebook_pages())


def test_index_heading_and_links(report):
    index = report.visits["index.html"]
    # the report's title, then the overview notebook's own title and headings
    assert [h for h in index.headings if h[0] == "h1"] == [("h1", "news-analysis report"), ("h1", "00 · Overview")]
    overview = nbformat.read(report.out / "executed" / "00-overview.ipynb", as_version=4)
    missing = [h for h in _markdown_headings(overview) if h not in index.headings]
    assert not missing, f"{report.label}/index.html: overview headings not on the page: {missing}"
    assert "Every notebook ran." in index.text
    targets = {}
    for href, url in index.links:
        target = _local_file(url)
        assert target is not None, f"index links outside the report: {href}"
        assert target.is_file(), f"index links to {href}, which is not a file"
        targets[target.resolve()] = href
    for visit in report.notebook_pages():
        assert visit.path.resolve() in targets, f"index.html does not link {visit.name}"
    assert "failed" not in index.text


def test_notebook_pages_show_their_headings(report):
    for visit in report.notebook_pages():
        nb = _executed(report, visit)
        h1 = [text for tag, text in visit.headings if tag == "h1"]
        assert h1 and h1[0] == notebook_title(report.out / "executed" / f"{Path(visit.name).stem}.ipynb"), \
            f"{report.label}/{visit.name}: h1 {h1}"
        assert visit.title, f"{visit.name} has no <title>"
        missing = [h for h in _markdown_headings(nb) if h not in visit.headings]
        assert not missing, f"{report.label}/{visit.name}: headings not on the page: {missing}"


def test_notebook_pages_show_tables(report):
    for visit in report.notebook_pages():
        filled = [t for t in visit.tables if "dataframe" in t["cls"] and t["rows"] > 0]
        assert filled, f"{report.label}/{visit.name}: no table with rows (tables: {visit.tables})"


def test_links_stay_in_the_report(report):
    for visit in report.visits.values():
        for href, url in visit.links:
            assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:")), \
                f"{report.label}/{visit.name}: link {href}"
            target = _local_file(url)
            if target is not None and not href.startswith("#"):
                assert target.is_file(), f"{report.label}/{visit.name}: link {href} leads nowhere"


def test_no_request_leaves_the_machine(report):
    for visit in report.visits.values():
        assert visit.requests, f"{visit.name}: no request recorded (not even the page itself)"
        outside = [url for url in visit.requests if not url.startswith(("file:", "data:"))]
        assert not outside, f"{report.label}/{visit.name} requested {outside}"


def test_screenshots_are_kept(report):
    for visit in report.visits.values():
        assert visit.screenshot.is_file() and visit.screenshot.stat().st_size > 5_000, visit.screenshot
        assert visit.screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# ------------------------------------------------------------------------------------------------
# The seed report
# ------------------------------------------------------------------------------------------------

def test_seed_pages_show_the_analysis(seed_report):
    load = seed_report.visits["01-load-and-clean.html"]
    assert "Kyiv, Moscow Hold Talks As Russian Invasion Shows Signs Of Escalating" in load.text
    assert "video-player fallback text" in load.text        # a role reason in the furniture table
    assert "RFE/RL" in load.text
    everything = "\n".join(v.text for v in seed_report.visits.values())
    for name in ("Medinsky", "Putin", "Kharkiv", "Borrell"):
        assert name in everything, name
    index = seed_report.visits["index.html"]
    assert "Corpus:" in index.text and str(SEEDS) in index.text


# ------------------------------------------------------------------------------------------------
# The hostile report: injections are shown, never run
# ------------------------------------------------------------------------------------------------

def test_injected_script_never_runs(hostile_report):
    ran = {v.name: v.pwned for v in hostile_report.visits.values() if v.pwned is not None}
    assert not ran, f"window.__pwned was set on {ran}"


def test_injections_are_not_markup(hostile_report):
    for visit in hostile_report.visits.values():
        assert not visit.payloads, f"{visit.name}: hostile text became markup: {visit.payloads}"
        injected = [h for h in visit.headings if "Injected heading" in h[1] or "__pwned" in h[1]]
        assert not injected, f"{visit.name}: article text rendered as a heading: {injected}"


def test_hostile_strings_are_shown_as_text(hostile_report):
    load = hostile_report.visits["01-load-and-clean.html"]
    assert HOSTILE_TITLE in load.text
    assert '<b onmouseover="window.__pwned=8">Evil Wire</b>' in load.text    # the source column
    assert HOSTILE_FOLDER in hostile_report.visits["index.html"].text       # "Corpus: ..."
    everything = "\n".join(v.text for v in hostile_report.visits.values())
    missing = [s for s in HOSTILE_STRINGS if s not in everything]
    assert not missing, f"hostile strings not shown verbatim anywhere in the report: {missing}"


def test_hostile_report_has_the_usual_tables(hostile_report):
    everything = "\n".join(v.text for v in hostile_report.visits.values())
    for expected in ("Zelensky", "Kyiv", "Kharkiv", "Russia", "Kuleba", "Example Wire", "Kyiv Independent"):
        assert expected in everything, expected
    for visit in hostile_report.notebook_pages():
        assert "Traceback" not in visit.text, f"{visit.name} shows a traceback"


def test_chart_labels_are_literal_text():
    """A '$' in a source name is drawn as text, not read as mathtext (which would raise)."""
    import pandas as pd
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from analysis import charts

    per_article = pd.DataFrame({"source": ["Kyiv Independent", "Kyiv Independent", r"$\pwned$ Wire"],
                                "mean_compound": [0.1, -0.2, -0.5]})
    fig = Figure()
    ax = charts.sentiment_by_group(per_article, by="source", ax=fig.subplots())
    FigureCanvasAgg(fig).draw()
    assert r"\$\pwned\$ Wire (1)" in [label.get_text() for label in ax.get_yticklabels()]   # escaped: drawn as typed
