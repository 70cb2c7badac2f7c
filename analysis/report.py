"""Run the numbered notebooks on a corpus and export them as a self-contained HTML report.

Each notebook in ``notebooks/`` is executed with papermill (its ``parameters`` cell receives
``corpus``), then exported with nbconvert through the ``offline`` template: images embedded, no
script or stylesheet fetched from outside the file, so the pages open on a laptop with no network.
An ``index.html`` links the pages and says which notebook, if any, failed.

>>> build_report(["seeds/"], "reports/")      # doctest: +SKIP
PosixPath('reports/index.html')
"""

from __future__ import annotations

import html
import json
import os
import re
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


def html_exporter():
    """Return nbconvert's HTML exporter set up for self-contained, offline pages."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(config.TEMPLATES_DIR)],
    )
    exporter.embed_images = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def export_html(executed: Path, target: Path) -> Path:
    """Export an executed notebook to one self-contained HTML file."""
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    body, _ = html_exporter().from_notebook_node(nb, resources={"metadata": {"name": executed.stem}})
    target.write_text(body, encoding="utf-8")
    return target


def build_report(
    corpus: Sequence[str | Path] | str | Path | None,
    out: str | Path,
    *,
    notebooks: Sequence[str | Path] | None = None,
    kernel_name: str | None = None,
    timeout: int = 3600,
    progress: bool | None = None,
) -> Path:
    """Execute the notebooks on ``corpus`` and write the HTML report to ``out``.

    Args:
        corpus: paths or globs of articles (anything :func:`analysis.load_articles` takes);
            ``None`` is the embedded seed corpus.
        out: the report folder; ``index.html``, one HTML page per notebook and the executed
            notebooks (``executed/``) are written there.
        notebooks: the notebooks to run (default: every numbered notebook in ``notebooks/``).
        kernel_name: Jupyter kernel to run them with (default: this Python's own kernel).
        timeout: seconds one cell may run before it is stopped.
        progress: show a progress bar; ``None`` shows one only on an interactive terminal.

    Returns:
        The path of ``index.html``. Pages of notebooks that failed show the error; the index marks
        them, and :class:`ReportError` is raised after everything that could be written is written.
    """
    import papermill
    from tqdm import tqdm

    out = Path(out)
    executed_dir = out / "executed"
    executed_dir.mkdir(parents=True, exist_ok=True)
    sources = _corpus_list(corpus)
    paths = [Path(n) for n in notebooks] if notebooks else report_notebooks()
    runs: list[NotebookRun] = []
    # The kernel inherits this environment: no progress bars in the pages, a non-interactive backend.
    env_backup = {k: os.environ.get(k) for k in (config.PROGRESS_ENV, "MPLBACKEND")}
    os.environ[config.PROGRESS_ENV] = "0"
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    try:
        for path in tqdm(paths, desc="Report", unit="notebook", disable=not config.progress_enabled(progress)):
            executed = executed_dir / path.name
            target = out / (path.stem + ".html")
            error = None
            try:
                papermill.execute_notebook(
                    str(path), str(executed), parameters={"corpus": sources},
                    kernel_name=kernel_name or _native_kernel(), language="python", cwd=str(path.parent),
                    progress_bar=False, log_output=False, execution_timeout=timeout,
                )
            except Exception as exc:  # noqa: BLE001 - one failed notebook must not stop the others
                error = _short_error(exc)
            page = export_html(executed, target) if executed.is_file() else None
            runs.append(NotebookRun(path.name, notebook_title(path), page, executed, error))
    finally:
        for key, value in env_backup.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    index = write_index(runs, out, sources)
    failed = [run for run in runs if not run.ok]
    if failed:
        raise ReportError(index, failed)
    return index


class ReportError(RuntimeError):
    """One or more notebooks failed; the report was still written, with the errors shown."""

    def __init__(self, index: Path, failed: list[NotebookRun]):
        self.index = index
        self.failed = failed
        names = "; ".join(f"{run.notebook}: {run.error}" for run in failed)
        super().__init__(f"{len(failed)} notebook(s) failed ({names}); see {index}")


def write_index(runs: list[NotebookRun], out: Path, sources: list[str] | None) -> Path:
    """Write ``index.html``: what corpus, when, and a link to each notebook's page."""
    corpus_text = ", ".join(sources) if sources else "the embedded seed article (seeds/)"
    items = []
    for run in runs:
        link = (f'<a href="{html.escape(run.html.name, quote=True)}">{html.escape(run.title)}</a>'
                if run.html else html.escape(run.title))
        status = ('<span class="ok">ran</span>' if run.ok
                  else f'<span class="failed">failed: {html.escape(run.error or "")}</span>')
        items.append(f"<li>{link} <small>({html.escape(run.notebook)})</small> {status}</li>")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>news-analysis report</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
li {{ margin: 0.4rem 0; }}
.ok {{ color: #1a7f37; }}
.failed {{ color: #cf222e; }}
small {{ color: #57606a; }}
</style>
</head>
<body>
<h1>news-analysis report</h1>
<p>Corpus: {html.escape(corpus_text)}<br><small>Built {stamp} with news-analysis.</small></p>
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


def _short_error(exc: Exception) -> str:
    name = getattr(exc, "ename", None) or type(exc).__name__
    value = getattr(exc, "evalue", None) or str(exc)
    first = value.strip().splitlines()[0] if value.strip() else ""
    return f"{name}: {first}"[:300]
