"""Start the real ``territoire dashboard`` (Voilà) for browser tests and benchmarks."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ANNOUNCEMENT = "Tableau de bord prêt : "  # printed once a preheated kernel can serve a visitor


def server_state(url: str) -> dict:
    """Kernels ready, warming, open dashboards and visitors waiting (``/territoire/api/state``)."""
    with urllib.request.urlopen(f"{url}/territoire/api/state", timeout=10) as answer:
        return json.load(answer)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(processes: subprocess.Popen, delay_s: float = 20) -> None:
    """Stop a server started in its own session, with everything it started."""
    os.killpg(processes.pid, signal.SIGTERM)
    try:
        processes.wait(delay_s)
    except subprocess.TimeoutExpired:
        os.killpg(processes.pid, signal.SIGKILL)
        processes.wait()


@contextmanager
def dashboard_server(
    home: Path,
    *,
    kernels: int = 2,
    ceiling: int | None = None,
    log: Path | None = None,
    wait_kernels: bool = True,
    environment: dict | None = None,
    journal: str = "-",
):
    """Yield the base URL of a dashboard served from ``home``; stop it (and its kernels) after.

    With ``wait_kernels`` (and a ``log``), returns once the server announces its URL, that is
    once a preheated kernel is ready to serve a visitor. ``journal``: the server's journal
    (``-``, the default here: everything in ``log``, for the tests that read Jupyter's lines)."""
    port = free_port()
    env = {**os.environ, "TERRITOIRE_HOME": str(home), "TERRITOIRE_NO_PROGRESS": "1", **(environment or {})}
    output = open(log, "w") if log else subprocess.DEVNULL
    processes = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "territoire_data",
            "dashboard",
            "--port",
            str(port),
            "--no-browser",
            "--noyaux",
            str(kernels),
            *(["--plafond", str(ceiling)] if ceiling else []),
            "--journal",
            journal,
        ],
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        limit = time.monotonic() + 120
        while True:
            if processes.poll() is not None:
                raise RuntimeError(f"le tableau de bord s'est arrêté (code {processes.returncode})")
            try:
                # A plain connection: any page of Voilà would take a kernel.
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                break
            except OSError:
                if time.monotonic() > limit:
                    raise
                time.sleep(0.3)
        if wait_kernels and log:
            while ANNOUNCEMENT not in Path(log).read_text(errors="replace"):
                if time.monotonic() > limit:
                    break
                time.sleep(0.3)
        yield url
    finally:
        stop(processes)
        if log:
            output.close()
