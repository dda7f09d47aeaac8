"""Build the API reference from the docstrings with pdoc: ``make docs`` (→ ``docs/api/``).

``python docs/build_api.py [OUTPUT]``; the test suite builds it too (tests/test_api_docs.py),
so a docstring that breaks the build fails CI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PACKAGES = [
    "territoire_data",
    "territoire_data.workspace",
    "territoire_data.settings",
    "territoire_data.core",
    "territoire_data.sources",
    "territoire_data.rendering",
    "territoire_data.reports",
    "territoire_data.access",
    "territoire_data.store",
    "territoire_data.discussions",
    "territoire_data.service",
    "territoire_data.radar",
    "widgets",
    "widgets.analysis",
    "widgets.providers",
    "widgets.dashboard",
    "widgets.state",
]
EXCLUDED = [
    "!territoire_data.__main__",
    "!territoire_data.service.__main__",
    "!territoire_data.server.launch_kernel",
    "!territoire_data.store.migrations.*",
]


def build(output: Path) -> int:
    command = [sys.executable, "-m", "pdoc", *PACKAGES, *EXCLUDED, "--docformat", "markdown", "-o", str(output)]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    sys.exit(build(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "api"))
