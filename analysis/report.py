"""Run the numbered notebooks on a corpus and export them as a self-contained HTML report.

Each notebook in ``notebooks/`` is executed with papermill (its ``parameters`` cell receives
``corpus``), then exported with nbconvert through the ``offline`` template: images embedded, no
script or stylesheet fetched from outside the file, so the pages open on a laptop with no network.
An ``index.html`` links the pages and says which notebook, if any, failed.

>>> build_report(["seeds/"], "reports/")      # doctest: +SKIP
PosixPath('reports/index.html')
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Sequence

from analysis import config

NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"


@dataclass
class NotebookRun:
    """What happened to one notebook of a report."""

    notebook: str
    title: str
    html: Path | None
    executed: Path
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def report_notebooks(folder: Path | None = None) -> list[Path]:
    """Return the numbered notebooks (``01-...ipynb``, ``02-...``) of a folder, in order."""
    folder = Path(folder) if folder else config.notebooks_dir()
    found = sorted(folder.glob(NOTEBOOK_GLOB))
    if not found:
        raise FileNotFoundError(f"no numbered notebooks ({NOTEBOOK_GLOB}) in {folder}")
    return found


def notebook_title(path: Path) -> str:
    """Return the first Markdown heading of a notebook, or its file name."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return path.stem


def html_exporter(*, with_code: bool = False):
    """Return nbconvert's HTML exporter set up for self-contained, offline pages (code hidden
    unless ``with_code``)."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(config.TEMPLATES_DIR)],
    )
    exporter.embed_images = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_input = not with_code
    return exporter


def export_html(executed: Path, target: Path, *, with_code: bool = False, header: str = "",
                title: str | None = None) -> Path:
    """Export an executed notebook to one self-contained HTML file; ``header`` is markup (already
    escaped) put at the top of the page: the report's navigation."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    if title:
        nb.metadata["title"] = title
    resources = {"metadata": {"name": executed.stem}, "report_header": header}
    body, _ = html_exporter(with_code=with_code).from_notebook_node(nb, resources=resources)
    target.write_text(body, encoding="utf-8")
    return target


def export_markdown(executed: Path, target: Path, *, with_code: bool = False) -> Path:
    """Export an executed notebook to Markdown, its images as files in ``<stem>_files/``."""
    import nbformat
    from nbconvert import MarkdownExporter

    nb = nbformat.read(executed, as_version=4)
    exporter = MarkdownExporter()
    exporter.exclude_input = not with_code
    files = f"{target.stem}_files"
    body, resources = exporter.from_notebook_node(nb, resources={"metadata": {"name": executed.stem},
                                                                 "output_files_dir": files})
    target.write_text(body, encoding="utf-8")
    for name, data in resources.get("outputs", {}).items():
        path = target.parent / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


#: Formats a report can be written in.
FORMATS = ("html", "md")


def build_report(
    corpus: Sequence[str | Path] | str | Path | None,
    out: str | Path,
    *,
    notebooks: Sequence[str | Path] | None = None,
    kernel_name: str | None = None,
    timeout: int = 3600,
    progress: bool | None = None,
    title: str | None = None,
    with_code: bool = False,
    formats: Sequence[str] = ("html",),
    workers: int | None = None,
    cache: bool | str | Path = True,
    log=None,
) -> Path:
    """Load and analyse ``corpus`` once, execute the notebooks on its tables, write the report.

    Args:
        corpus: paths or globs of articles (anything :func:`analysis.load_articles` takes);
            ``None`` is the embedded seed corpus.
        out: the report folder: ``index.html`` (the overview), one page per notebook, the
            executed notebooks (``executed/``), every table as Parquet (``tables/``) and the
            table behind each figure as CSV (``figures/``).
        notebooks: the notebooks to run (default: every numbered notebook in ``notebooks/``).
        kernel_name: Jupyter kernel to run them with (default: this Python's own kernel).
        timeout: seconds one cell may run before it is stopped.
        progress: show progress bars; ``None`` shows them only on an interactive terminal.
        title: the report's title (default "news-analysis report").
        with_code: show the notebooks' code in the pages (hidden by default).
        formats: ``"html"`` and/or ``"md"`` (Markdown, images as files).
        workers, cache: passed to :func:`analysis.pipeline.analyze`.
        log: called with a line of text at each step (the command prints them).

    Returns:
        The path of ``index.html`` (or of the overview's Markdown page when only ``md`` is asked).

    Raises:
        EmptyCorpusError: no article could be loaded (nothing is written but the folder).
        ReportError: one or more notebooks failed; everything that could be written is written,
            the failing cell is named on the page and in the index, which says the report is
            incomplete.
    """
    import papermill
    from tqdm import tqdm

    from analysis.load import load_articles
    from analysis.pipeline import analyze

    say = log or (lambda _line: None)
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise ValueError(f"formats must be among {', '.join(FORMATS)}, not {', '.join(sorted(unknown)) or 'none'}")
    title = title or "news-analysis report"
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sources = _corpus_list(corpus)
    corpus_text = ", ".join(sources) if sources else "the embedded seed article (seeds/)"

    say(f"Loading {corpus_text}")
    arts = load_articles(sources, progress=progress)
    if arts.empty:
        raise EmptyCorpusError(corpus_text, arts.attrs.get("load_report"))
    say(f"Analysing {len(arts):,} articles")
    tables = analyze(arts, progress=progress, workers=workers, cache=cache)
    tables_dir = tables.save(out / "tables")

    paths = [Path(n) for n in notebooks] if notebooks else report_notebooks()
    overview = [p for p in paths if p.stem.startswith("00-")]
    ordered = [p for p in paths if p not in overview] + overview      # the overview links the others: last
    pages = [(p, _page_name(p, overview), notebook_title(p)) for p in paths]
    executed_dir = out / "executed"
    executed_dir.mkdir(exist_ok=True)
    runs: list[NotebookRun] = []
    # The kernel inherits this environment: no progress bars in the pages, a non-interactive
    # backend, and the folder where charts save the table behind each figure.
    keys = (config.PROGRESS_ENV, "MPLBACKEND", config.FIGURES_ENV)
    env_backup = {k: os.environ.get(k) for k in keys}
    os.environ[config.PROGRESS_ENV] = "0"
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    try:
        for number, path in enumerate(tqdm(ordered, desc="Report", unit="notebook",
                                           disable=not config.progress_enabled(progress)), start=1):
            say(f"Running {path.stem} ({number}/{len(ordered)})")
            executed = executed_dir / path.name
            os.environ[config.FIGURES_ENV] = f"{out / 'figures'}::{path.stem}"
            error = None
            try:
                with _kernel_options() as options:
                    papermill.execute_notebook(
                        str(path), str(executed),
                        parameters={"corpus": sources, "tables": str(tables_dir.absolute())},
                        kernel_name=kernel_name or _native_kernel(), language="python", cwd=str(path.parent),
                        progress_bar=False, log_output=False, execution_timeout=timeout, **options,
                    )
            except Exception as exc:  # noqa: BLE001 - one failed notebook must not stop the others
                error = _cell_error(exc)
                say(f"  failed: {error}")
            runs.append(NotebookRun(path.name, notebook_title(path), None, executed, error))
    finally:
        for key, value in env_backup.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

    by_name = {run.notebook: run for run in runs}
    for path, page, page_title in pages:
        run = by_name[path.name]
        if not run.executed.is_file():
            continue
        is_index = page == "index"
        header = _page_header(pages, by_name, current=path, title=title, corpus_text=corpus_text,
                              full=is_index)
        if "html" in formats:
            run.html = export_html(run.executed, out / f"{page}.html", with_code=with_code, header=header,
                                   title=title if is_index else f"{page_title} · {title}")
        if "md" in formats:
            export_markdown(run.executed, out / f"{page}.md", with_code=with_code)
    index_run = next((by_name[p.name] for p in overview if by_name[p.name].ok and by_name[p.name].html), None)
    if "html" in formats and index_run is None:
        index = write_index(runs, out, sources, title=title)
    elif "html" in formats:
        index = out / "index.html"
    else:
        index = out / "index.md" if overview else out / f"{paths[0].stem}.md"
    failed = [run for run in runs if not run.ok]
    if failed:
        raise ReportError(index, failed)
    return index


class EmptyCorpusError(ValueError):
    """No article could be loaded from the corpus, so there is nothing to report."""

    def __init__(self, corpus_text: str, load_report=None):
        self.load_report = load_report
        reasons = ""
        if load_report is not None and len(load_report):
            skipped = load_report[load_report["status"] == "skipped"]
            counts = skipped["reason"].value_counts()
            reasons = "; ".join(f"{n} {reason}" for reason, n in counts.head(5).items())
            reasons = f" ({len(load_report)} file(s) or record(s) read, none usable: {reasons})"
        else:
            reasons = " (no article files found)"
        super().__init__(f"no readable articles in {corpus_text}{reasons}")


class ReportError(RuntimeError):
    """One or more notebooks failed; the report was still written, with the errors shown."""

    def __init__(self, index: Path, failed: list[NotebookRun]):
        self.index = index
        self.failed = failed
        names = "; ".join(f"{run.notebook}: {run.error}" for run in failed)
        super().__init__(f"the report is incomplete: {len(failed)} notebook(s) failed ({names}); see {index}")


_NAV_CSS = """<style>
.na-nav { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 0.9rem; padding: 0.6rem 1rem;
  border-bottom: 1px solid #d0d7de; margin-bottom: 1rem; line-height: 1.6; }
.na-nav a { margin-right: 1rem; }
.na-nav .here { font-weight: 600; margin-right: 1rem; }
.na-nav .ok { color: #1a7f37; } .na-nav .failed { color: #cf222e; }
.na-nav h1 { font-size: 1.6rem; margin: 0.2rem 0; }
.na-nav small { color: #57606a; }
.figure-data { font-size: 0.85rem; }
table.dataframe td, table.dataframe th { text-align: left !important; vertical-align: top; }
</style>"""


def _page_name(path: Path, overview: list[Path]) -> str:
    return "index" if path in overview[:1] else path.stem


def _page_header(pages, runs: dict, *, current: Path, title: str, corpus_text: str, full: bool) -> str:
    """The navigation at the top of each page (escaped here: titles and paths may come from anywhere)."""
    links = []
    for path, page, page_title in pages:
        label = html.escape(page_title)
        run = runs.get(path.name)
        state = "" if run is None or run.ok else ' <span class="failed">(failed)</span>'
        if path == current:
            links.append(f'<span class="here">{label}</span>{state}')
        elif run is not None and run.executed.is_file():
            links.append(f'<a href="{html.escape(page, quote=True)}.html">{label}</a>{state}')
        else:
            links.append(f"<span>{label}</span>{state}")
    parts = [_NAV_CSS, '<nav class="na-nav">']
    if full:
        stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        failed = [run for run in runs.values() if not run.ok]
        status = (f'<span class="failed">Incomplete report: {len(failed)} notebook(s) failed: '
                  + "; ".join(html.escape(f"{run.notebook}: {run.error}") for run in failed) + "</span>"
                  if failed else '<span class="ok">Every notebook ran.</span>')
        parts.append(f"<h1>{html.escape(title)}</h1>")
        parts.append(f"<div>Corpus: {html.escape(corpus_text)}<br><small>Built {stamp} with news-analysis."
                     f"</small> {status}</div>")
    parts.append("<div>" + " ".join(links) + "</div></nav>")
    return "\n".join(parts)


def write_index(runs: list[NotebookRun], out: Path, sources: list[str] | None, *,
                title: str = "news-analysis report") -> Path:
    """Write a plain ``index.html`` (when the overview is not part of the report or failed): what
    corpus, when, and a link to each notebook's page with whether it ran."""
    corpus_text = ", ".join(sources) if sources else "the embedded seed article (seeds/)"
    items = []
    for run in runs:
        link = (f'<a href="{html.escape(run.html.name, quote=True)}">{html.escape(run.title)}</a>'
                if run.html else html.escape(run.title))
        status = ('<span class="ok">ran</span>' if run.ok
                  else f'<span class="failed">failed: {html.escape(run.error or "")}</span>')
        items.append(f"<li>{link} <small>({html.escape(run.notebook)})</small> {status}</li>")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    failed = [run for run in runs if not run.ok]
    warning = (f'<p class="failed">Incomplete report: {len(failed)} notebook(s) failed.</p>' if failed else "")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
li {{ margin: 0.4rem 0; }}
.ok {{ color: #1a7f37; }}
.failed {{ color: #cf222e; }}
small {{ color: #57606a; }}
</style>
</head>
<body>
<h1>{html.escape(title)}</h1>
<p>Corpus: {html.escape(corpus_text)}<br><small>Built {stamp} with news-analysis.</small></p>
{warning}
<ol>
{chr(10).join(items)}
</ol>
</body>
</html>
"""
    index = out / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def strip_outputs(path: str | Path) -> bool:
    """Remove outputs and execution counts from a notebook in place. Returns True if it changed."""
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    changed = False
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            changed = True
        cell["outputs"] = []
        cell["execution_count"] = None
    if changed:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return changed


def _corpus_list(corpus) -> list[str] | None:
    if corpus is None:
        return None
    if isinstance(corpus, (str, Path)):
        corpus = [corpus]
    # Absolute paths: the notebooks run in their own folder, not the caller's.
    return [str(Path(c).expanduser().absolute()) if not _is_glob(str(c)) else
            str(Path(os.path.expanduser(str(c))).absolute()) for c in corpus]


def _is_glob(text: str) -> bool:
    return bool(re.search(r"[*?\[]", text))


#: The longest socket path used: the system's limit is 103 (macOS) or 107 (Linux) bytes.
_SOCKET_PATH_MAX = 100


@contextlib.contextmanager
def _kernel_options():
    """How papermill's kernels talk to it: over local sockets (IPC) where the system has them, so no
    network port is opened for them (and ipykernel has no unencrypted TCP to warn about, once per
    notebook). The sockets live in a private temporary folder, removed afterwards. Over TCP on
    Windows, which has no IPC sockets, and where the temporary folder's path is too long for one."""
    if os.name != "posix":
        yield {}
        return
    from traitlets.config import Config

    with tempfile.TemporaryDirectory(prefix="na-kernels-") as folder:
        stem = os.path.join(folder, "kernel")            # a kernel's sockets: kernel-1, kernel-2, ...
        if len(os.fsencode(stem)) + len("-99999") > _SOCKET_PATH_MAX:
            yield {}
        else:
            yield {"config": Config({"KernelManager": {"transport": "ipc", "ip": stem}})}


def _native_kernel() -> str:
    """The name of a kernel that runs this very Python (so the notebooks import this package)."""
    import sys

    from jupyter_client.kernelspec import NATIVE_KERNEL_NAME, KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(NATIVE_KERNEL_NAME)
    if spec.argv and Path(spec.argv[0]).name.startswith("python") and Path(spec.argv[0]).is_absolute() \
            and Path(spec.argv[0]).resolve() != Path(sys.executable).resolve():
        raise RuntimeError(
            f"The Jupyter kernel {NATIVE_KERNEL_NAME!r} runs {spec.argv[0]}, not this Python ({sys.executable}); "
            "pass kernel_name= (or --kernel) naming a kernel of the environment where news-analysis is installed."
        )
    return NATIVE_KERNEL_NAME


def _cell_error(exc: Exception) -> str:
    """Which cell failed and why: "cell 7 (charts.timeline(ledger)): ValueError: ..."."""
    message = _short_error(exc)
    count = getattr(exc, "exec_count", None)
    source = (getattr(exc, "source", None) or "").strip().splitlines()
    if count is None and not source:
        return message
    where = f"cell {count}" if count is not None else "a cell"
    if source:
        first = source[0] if len(source[0]) <= 60 else source[0][:57] + "..."
        where += f" ({first})"
    return f"{where}: {message}"


def _short_error(exc: Exception) -> str:
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    first = value.strip().splitlines()[0] if value.strip() else ""
    return f"{name}: {first}"[:300]
