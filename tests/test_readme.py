"""The README's examples, run as written: a newcomer's first commands must work.

Every ``$ …`` line of a ``console`` block and every line of a ``bash`` block (except the
``make`` targets, which CI runs itself) runs in a shell on the demo data, from a folder laid
out like the repository (``notebooks/``, ``reports/sortie/``), with ``.venv/bin`` on the PATH;
the first line shown under a command must be the first line it prints (digits aside). The
Python block runs in a fresh interpreter on the same data.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def _commands() -> list[tuple[str, str | None]]:
    """(command, first line expected) of the console and bash blocks."""
    found: list[tuple[str, str | None]] = []
    for block in _blocks("console"):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("$ "):
                following = lines[i + 1] if i + 1 < len(lines) and not lines[i + 1].startswith("$ ") else None
                found.append((line[2:], following))
    for block in _blocks("bash"):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command and not command.startswith(("make ", "#")):
                found.append((command, None))
    return found


def _masked(text: str) -> str:
    return re.sub(r"\d+(?:[.,]\d+)?", "#", text.strip())


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


def test_the_readme_shows_commands():
    commands = [c for c, _ in _commands()]
    assert any(c.startswith("territoire radar") for c in commands) and any("papermill" in c for c in commands)
    assert any(".venv/bin/activate" in c for c in commands)


def test_the_readme_speaks_to_companies_and_elus():
    """Issue #17: one section for the companies, one for the élus, and the CLI shown runs."""
    assert "### Pour les entreprises et bureaux d'études" in README
    assert "### Pour les élus et les services" in README
    commands = [c for c, _ in _commands()]
    for start in ("territoire acteurs profil", "territoire acces demander", "territoire acces approuver"):
        assert any(c.startswith(start) for c in commands), start


@pytest.mark.parametrize("command, expected", _commands(), ids=[c[:60] for c, _ in _commands()])
def test_readme_command(command, expected, workdir, readme_home):
    env = {
        **os.environ,
        "TERRITOIRE_HOME": str(readme_home),
        "TERRITOIRE_NO_PROGRESS": "1",
        "PATH": f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}",
    }
    output = subprocess.run(["bash", "-c", command], cwd=workdir, env=env, capture_output=True, text=True, timeout=600)
    assert output.returncode == 0, f"{command}\n{output.stdout[-2000:]}\n{output.stderr[-3000:]}"
    if expected is not None:
        first = output.stdout.splitlines()[0] if output.stdout.strip() else ""
        assert _masked(first) == _masked(expected), (command, first)


def test_readme_python_example(home_demo, tmp_path):
    (code,) = [b for b in _blocks("python") if "from territoire_data import" in b]
    env = {**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_NO_PROGRESS": "1"}
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert output.returncode == 0, output.stderr[-3000:]
    assert list(tmp_path.iterdir()) == []  # nothing written where it runs
