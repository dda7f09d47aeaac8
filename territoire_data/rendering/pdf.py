"""Self-contained HTML pages printed to PDF with the system Chromium (headless): the reports'
and the triennial reports' PDF format."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from territoire_data.errors import TerritoireError


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def to_pdf(content_html: str) -> bytes:
    """Print the self-contained page to PDF with the system Chromium (headless)."""
    browser = chromium()
    if browser is None:
        raise TerritoireError("Le format PDF demande Chromium (paquet Debian « chromium ») : introuvable.")
    with tempfile.TemporaryDirectory(prefix="territoire-pdf-") as folder:
        source, target = Path(folder) / "rapport.html", Path(folder) / "rapport.pdf"
        source.write_text(content_html, encoding="utf-8")
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={folder}/profil",
                f"--print-to-pdf={target}",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        return target.read_bytes()
