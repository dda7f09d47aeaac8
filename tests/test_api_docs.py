"""The API reference builds from the docstrings (pdoc), with the pages a consultant needs."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_api_reference_builds(tmp_path):
    run = subprocess.run(
        [sys.executable, str(ROOT / "docs" / "build_api.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    pages = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")}
    for page in (
        "territoire_data.html",
        "territoire_data/workspace.html",
        "territoire_data/core/territories.html",
        "territoire_data/rendering/territory_export.html",
        "territoire_data/rendering/reading.html",
        "widgets/analysis.html",
    ):
        assert page in pages, page
    workspace = (tmp_path / "territoire_data" / "workspace.html").read_text(encoding="utf-8")
    assert "Workspace" in workspace and "territory" in workspace and "access_units" in workspace
