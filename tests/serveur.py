"""Start the real ``territoire dashboard`` (Voilà) for browser tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path


def port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def arreter(processus: subprocess.Popen, delai_s: float = 20) -> None:
    """Stop a server started in its own session, with everything it started."""
    os.killpg(processus.pid, signal.SIGTERM)
    try:
        processus.wait(delai_s)
    except subprocess.TimeoutExpired:
        os.killpg(processus.pid, signal.SIGKILL)
        processus.wait()


@contextmanager
def tableau_de_bord(home: Path, *, noyaux: int = 2, journal: Path | None = None, attendre_noyaux: bool = True):
    """Yield the base URL of a dashboard served from ``home``; stop it (and its kernels) after."""
    port = port_libre()
    env = {**os.environ, "TERRITOIRE_HOME": str(home), "TERRITOIRE_HORS_LIGNE": "1",
           "TERRITOIRE_SANS_PROGRESSION": "1"}
    sortie = open(journal, "w") if journal else subprocess.DEVNULL
    processus = subprocess.Popen(
        [sys.executable, "-m", "territoire_data", "dashboard", "--port", str(port), "--no-browser",
         "--noyaux", str(noyaux)], env=env, stdout=sortie, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        limite = time.monotonic() + 120
        while True:
            if processus.poll() is not None:
                raise RuntimeError(f"le tableau de bord s'est arrêté (code {processus.returncode})")
            try:
                # A plain connection: any page of Voilà would take a kernel.
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                if time.monotonic() > limite:
                    raise
                time.sleep(0.3)
        if attendre_noyaux and journal:
            from widgets.tableau_de_bord import MESSAGE_PRET

            while MESSAGE_PRET not in Path(journal).read_text(errors="replace"):
                if time.monotonic() > limite:
                    break
                time.sleep(0.3)
        yield url
    finally:
        arreter(processus)
        if journal:
            sortie.close()
