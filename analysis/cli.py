"""The ``news-analysis`` command: build reports and keep notebooks clean.

    news-analysis report PATH... --out reports/     load and analyse PATH once, run every notebook, write HTML
    news-analysis strip notebooks/*.ipynb           remove outputs before committing
    news-analysis cache [--prune | --clear]          what the analysis cache holds; free its space
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="news-analysis", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    report = commands.add_parser("report", help="run the notebooks on a corpus and write an HTML report")
    report.add_argument("paths", nargs="*", metavar="PATH",
                        help="files, folders or globs of articles (default: the embedded seed article)")
    report.add_argument("--out", default="reports", help="report folder (default: reports/)")
    report.add_argument("--title", default=None, help='the report\'s title (default: "news-analysis report")')
    report.add_argument("--with-code", action="store_true", help="show the notebooks' code (hidden by default)")
    report.add_argument("--format", action="append", dest="formats", choices=("html", "md"), metavar="FORMAT",
                        help="html (default) or md (Markdown with image files); repeat for both")
    report.add_argument("--workers", type=int, default=None,
                        help="processes that analyse the corpus (default: one per CPU)")
    report.add_argument("--no-cache", dest="cache", action="store_false",
                        help="analyse everything again instead of reading cached tables")
    report.add_argument("--notebook", action="append", dest="notebooks", metavar="IPYNB",
                        help="run only this notebook (repeatable; default: every numbered notebook)")
    report.add_argument("--kernel", default=None, help="Jupyter kernel name (default: this Python's)")
    report.add_argument("--timeout", type=int, default=3600, help="seconds one cell may run (default: 3600)")
    report.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="show a progress bar (default: only on a terminal)")

    strip = commands.add_parser("strip", help="remove outputs and execution counts from notebooks")
    strip.add_argument("notebooks", nargs="+", metavar="IPYNB")

    cache = commands.add_parser("cache", help="list what the analysis cache holds, and free its space")
    cache.add_argument("--dir", default=None, help="the cache folder (default: data/interim/cache, "
                                                   "or $NEWS_ANALYSIS_CACHE)")
    what = cache.add_mutually_exclusive_group()
    what.add_argument("--prune", action="store_true",
                      help="delete the tables of other pipeline versions and half-written parts")
    what.add_argument("--clear", action="store_true", help="delete the whole cache")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "report":
        from analysis.report import EmptyCorpusError, ReportError, build_report

        for path in args.paths:
            if not Path(path).exists() and not any(ch in path for ch in "*?["):
                print(f"news-analysis: no such file or folder: {path}", file=sys.stderr)
                return 2
        try:
            index = build_report(args.paths or None, args.out, notebooks=args.notebooks,
                                 kernel_name=args.kernel, timeout=args.timeout, progress=args.progress,
                                 title=args.title, with_code=args.with_code, formats=args.formats or ("html",),
                                 workers=args.workers, cache=args.cache,
                                 log=lambda line: print(f"news-analysis: {line}", file=sys.stderr, flush=True))
        except EmptyCorpusError as exc:
            print(f"news-analysis: {exc}", file=sys.stderr)
            return 2
        except ReportError as exc:
            print(f"news-analysis: {exc}", file=sys.stderr)
            print(f"Incomplete report written to {exc.index.resolve()}")
            return 1
        print(f"Report written to {index.resolve()}")
        return 0
    if args.command == "cache":
        from analysis.pipeline import cache_summary, prune_cache

        if args.prune or args.clear:
            freed = prune_cache(args.dir, everything=args.clear)
            print(f"freed {freed / 2**20:,.1f} MB")
        summary = cache_summary(args.dir)
        if summary.empty:
            print("the cache is empty")
        else:
            print(summary.to_string(index=False))
        return 0
    if args.command == "strip":
        from analysis.report import strip_outputs

        for notebook in args.notebooks:
            if strip_outputs(notebook):
                print(f"stripped {notebook}")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
