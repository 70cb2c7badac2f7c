"""The project's set-up files agree with each other and with what the README promises."""

from __future__ import annotations

import re
import subprocess
import tomllib

import pytest
import yaml

from conftest import REPO


def pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_environment_yml_matches_pyproject():
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    assert "python=3.11" in deps and "pip" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict) and "pip" in d)
    assert "-e ." in pip
    assert sorted(d for d in pip if d != "-e .") == sorted(pyproject()["project"]["dependencies"])


def test_console_script_and_python_version():
    project = pyproject()["project"]
    assert project["name"] == "news-analysis"
    assert project["scripts"] == {"news-analysis": "analysis.cli:main"}
    assert project["requires-python"] == ">=3.11"


def test_make_help_lists_the_commands():
    out = subprocess.run(["make", "--no-print-directory", "-C", str(REPO), "help"], capture_output=True,
                         text=True, check=True).stdout
    for target in ("report", "test", "lab", "benchmark"):
        assert re.search(rf"make {target}\s+\S", out), target


def test_readme_gives_the_two_commands_first():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_code = readme.index("```")
    block = readme[first_code: readme.index("```", first_code + 3)]
    assert "make report" in block and "make test" in block
    for column in ("article_id", "published", "role", "sent_id", "start", "end"):
        assert f"`{column}`" in readme


def test_ci_runs_make_test():
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_nothing_from_shared_is_tracked():
    tracked = subprocess.run(["git", "-C", str(REPO), "ls-files"], capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    sizes = {p: (REPO / p).stat().st_size for p in tracked if (REPO / p).is_file()}
    assert [p for p, size in sizes.items() if size > 5_000_000] == []
    # over a megabyte: only the models the project trains and ships
    assert all(p.startswith("analysis/resources/models/") for p, size in sizes.items() if size > 1_000_000)
    assert not [p for p in tracked if p.startswith(("data/raw/", "data/interim/")) and not p.endswith(".gitkeep")]


@pytest.mark.parametrize("progress, shown", [(True, True), (False, False)])
def test_progress_bar_switch(capsys, progress, shown):
    from analysis import load_articles, paragraphs

    paragraphs(load_articles(REPO / "seeds", progress=progress), progress=progress)
    err = capsys.readouterr().err
    assert ("Loading" in err and "Paragraphs" in err) is shown
    if not shown:
        assert err == ""


def test_progress_quiet_when_not_interactive(capsys, monkeypatch):
    from analysis import load_articles

    monkeypatch.delenv("NEWS_ANALYSIS_PROGRESS", raising=False)
    load_articles(REPO / "seeds")  # stderr is captured, not a terminal
    assert capsys.readouterr().err == ""
