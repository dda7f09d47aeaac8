"""The dashboard server's runtime folder, and nothing left running after it, however it ends.

A server keeps what its kernels need in one private folder per port and user (``0700``):
the kernel spec, the zygote's socket and ``processus.json`` (the server's and the zygote's
process ids). When the server dies — Ctrl-C, a supervisor's SIGKILL, the out-of-memory
killer — its processes go with it:

- the zygote reads the lifeline pipe whose write end only the server holds, and ends with
  its kernels when it closes (``zygote.serve``);
- each launcher asks the kernel to end when its parent (the server) dies (Linux
  ``PR_SET_PDEATHSIG``), and does so when the zygote goes away (``launch_kernel``);
- a kernel ends when its launcher's lifeline closes.

A new server on the same port first ends what a previous run there left behind (the zygote
it recorded, and every process whose environment names that folder's zygote socket).
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import time
from pathlib import Path

from territoire_data.server.launch_kernel import ZYGOTE_VARIABLE

RECORD = "processus.json"
SOCKET = "zygote.sock"


def folder_for(port: int) -> Path:
    """The private runtime folder of the server on ``port`` for this user (created 0700)."""
    folder = Path(tempfile.gettempdir()) / f"territoire-serveur-{os.getuid()}-{port}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.stat().st_uid != os.getuid():
        raise PermissionError(f"Dossier d'exécution « {folder} » appartenant à un autre compte.")
    os.chmod(folder, 0o700)
    return folder


def port_of(argv: list[str], default: int = 8866) -> int:
    """The ``--port`` of a server command line."""
    for i, value in enumerate(argv):
        if value.startswith("--port="):
            return int(value.split("=", 1)[1])
        if value == "--port" and i + 1 < len(argv):
            return int(argv[i + 1])
    return default


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def processes_of(folder: Path) -> list[int]:
    """Processes of this user whose environment names this folder's zygote socket (launchers,
    kernels, forked or not)."""
    marker = f"{ZYGOTE_VARIABLE}={folder / SOCKET}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:  # gone, or another user's
            continue
    return found


def end_leftovers(folder: Path, wait_s: float = 5.0) -> list[int]:
    """End what a previous server in ``folder`` left running; returns the process ids ended.
    A previous server still alive is left alone (its port is taken: Voilà says so)."""
    record = folder / RECORD
    targets: list[int] = []
    if record.exists():
        try:
            previous = json.loads(record.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            previous = {}
        server = int(previous.get("server") or 0)
        if server and _alive(server) and "territoire_data.server" in _command(server):
            return []
        zygote = int(previous.get("zygote") or 0)
        if zygote and _alive(zygote) and "territoire_data.server.zygote" in _command(zygote):
            targets.append(zygote)
    targets += [pid for pid in processes_of(folder) if pid not in targets]
    for pid in targets:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    limit = time.monotonic() + wait_s
    while any(_alive(p) for p in targets) and time.monotonic() < limit:
        time.sleep(0.1)
    for pid in targets:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    (folder / SOCKET).unlink(missing_ok=True)
    return targets


def record(folder: Path, **pids: int | None) -> None:
    (folder / RECORD).write_text(json.dumps({"server": os.getpid(), **pids}), encoding="utf-8")
