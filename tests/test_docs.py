"""The documentation's examples, run as written: a newcomer's first commands must work.

Pages: ``README.md`` and every page of the documentation site (``docs/**/*.md``). Every
``$ …`` line of a ``console`` block and every line of a ``bash`` block (except the ``make``
targets, which CI runs itself) runs in a shell on the demo data, from a folder laid out like
the repository (``notebooks/``, ``reports/sortie/``), with ``.venv/bin`` on the PATH; the
first line shown under a command must be the first line it prints (digits aside). Every
``python`` block that imports ``territoire_data`` runs in a fresh interpreter on the same
data. ``sh`` blocks show production configuration (JupyterHub with a real identity provider,
backups): they are not run here. The site itself builds strict (zero warnings).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

PAGES = {
    path.relative_to(ROOT).as_posix(): path.read_text(encoding="utf-8")
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
}
README = PAGES["README.md"]


def _blocks(language: str, text: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def _commands() -> list[tuple[str, str, str | None]]:
    """(page, command, first line expected) of the console and bash blocks of every page."""
    found: list[tuple[str, str, str | None]] = []
    for page, text in PAGES.items():
        for block in _blocks("console", text):
            lines = block.splitlines()
            for i, line in enumerate(lines):
                if line.startswith("$ "):
                    following = lines[i + 1] if i + 1 < len(lines) and not lines[i + 1].startswith("$ ") else None
                    found.append((page, line[2:], following))
        for block in _blocks("bash", text):
            for line in block.splitlines():
                command = line.split("  #", 1)[0].strip()
                if command and not command.startswith(("make ", "#")):
                    found.append((page, command, None))
    return found


def _python_examples() -> list[tuple[str, str]]:
    return [(page, b) for page, text in PAGES.items() for b in _blocks("python", text) if "territoire_data" in b]


def _masked(text: str) -> str:
    return re.sub(r"\d+(?:[.,]\d+)?", "#", text.strip())


def test_the_site_builds_strict(tmp_path):
    """``make docs``: MkDocs Material, strict — a broken link, a page out of the menu or a bad
    reference fails; the generated reference pages hold what the code holds."""
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "WARNING" not in run.stderr, run.stderr[-3000:]
    site = tmp_path / "site"
    cli = (site / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "Utilisation : territoire data build" in cli and "Usage:" not in cli
    from territoire_data.core.catalogue import INDICATORS

    catalogue = (site / "reference" / "indicateurs.html").read_text(encoding="utf-8")
    assert all(f"<code>{i.id}</code>" in catalogue for i in INDICATORS)
    api = (site / "reference" / "api.html").read_text(encoding="utf-8")
    assert "DataContext" in api and "allowance" in api and "Workspace" in api
    architecture = (site / "ARCHITECTURE.html").read_text(encoding="utf-8")
    assert "territoire_data.workspace" in architecture and "territoire_data.sources" in architecture


def test_readme_is_a_quickstart():
    """A short README: what it is, the two commands, first steps, where to go next."""
    assert len(README.splitlines()) < 200
    assert "make demo" in README and "make test" in README
    for page in re.findall(r"\]\((docs/[^)#]+)", README):
        assert (ROOT / page).is_file(), page


def test_the_docs_show_commands():
    commands = [c for _, c, _ in _commands()]
    assert any(c.startswith("territoire radar") for c in commands) and any("papermill" in c for c in commands)
    assert any(".venv/bin/activate" in c for page, c, _ in _commands() if page == "README.md")


def test_the_docs_speak_to_companies_and_elus():
    """Issue #17: one section for the companies, one for the élus, and the CLI shown runs."""
    assert "## Pour les entreprises et bureaux d'études" in PAGES["docs/entreprises/annuaire.md"]
    assert "## Pour les élus et les services" in PAGES["docs/elus/echanges.md"]
    commands = [c for _, c, _ in _commands()]
    for start in ("territoire acteurs profil", "territoire acces demander", "territoire acces approuver"):
        assert any(c.startswith(start) for c in commands), start


@pytest.fixture(scope="module")
def readme_home(tmp_path_factory, home_demo):
    """A copy of the demo home with the demo accounts: what ``make demo`` leaves."""
    import shutil

    folder = tmp_path_factory.mktemp("home-lecteur")
    shutil.copytree(
        home_demo,
        folder,
        symlinks=True,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("discussions.sqlite*", "echanges"),
    )
    assert run_cli("db", "demo", home=folder).returncode == 0
    return folder


@pytest.fixture(scope="module")
def workdir(tmp_path_factory, readme_home):
    folder = tmp_path_factory.mktemp("lecteur")
    (folder / "notebooks").symlink_to(ROOT / "territoire_data" / "notebooks")
    (folder / "reports" / "sortie").mkdir(parents=True)
    (folder / ".venv").symlink_to(ROOT / ".venv") if (ROOT / ".venv").exists() else None
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("page, command, expected", _commands(), ids=[f"{p}: {c[:50]}" for p, c, _ in _commands()])
def test_docs_command(page, command, expected, workdir, readme_home):
    env = {
        **os.environ,
        "TERRITOIRE_HOME": str(readme_home),
        "TERRITOIRE_NO_PROGRESS": "1",
        "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
    }
    output = subprocess.run(["bash", "-c", command], cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    assert output.returncode == 0, f"{page}: {command}\n{output.stdout[-2000:]}\n{output.stderr[-3000:]}"
    if expected is not None:
        first = output.stdout.splitlines()[0] if output.stdout.strip() else ""
        assert _masked(first) == _masked(expected), (page, command, first)


@pytest.mark.slow
@pytest.mark.parametrize("page, code", _python_examples(), ids=[p for p, _ in _python_examples()])
def test_docs_python_example(page, code, home_demo, tmp_path):
    env = {**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_NO_PROGRESS": "1"}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert output.returncode == 0, output.stderr[-3000:]
    assert list(tmp_path.iterdir()) == []  # nothing written where it runs
