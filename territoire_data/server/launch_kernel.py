"""The kernel process Jupyter starts for the dashboard: a stand-in for a kernel forked by the zygote.

``python …/territoire_data/server/launch_kernel.py -f CONNECTION_FILE`` (run as a file, so
that the package is not imported) asks the zygote (its socket in ``$TERRITOIRE_ZYGOTE_SOCKET``) for a kernel, forwards the signals it receives to
it and exits with its exit code. Without a zygote (not configured, not answering), it
becomes an ordinary IPython kernel, so a dashboard always gets a kernel. It asks Linux to
stop it when its parent, the dashboard server, dies (``PR_SET_PDEATHSIG``, kept by the
ordinary kernel it may become): a server killed outright leaves no launcher behind.

Kept to the standard library: this process starts for every visitor.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
from typing import NoReturn

# Set by the dashboard server for its own kernels (not a setting): the zygote's socket.
ZYGOTE_VARIABLE = "TERRITOIRE_ZYGOTE_SOCKET"


def die_with_parent(number: int = signal.SIGTERM) -> bool:
    """Ask Linux to send ``number`` to this process when its parent dies (``PR_SET_PDEATHSIG``);
    False where that is not available."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, number, 0, 0, 0) == 0  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def ordinary_kernel(argv: list[str]) -> NoReturn:
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", *argv])


def _lines(connection: socket.socket):
    buffer = b""
    while True:
        data = connection.recv(65536)
        if not data:
            return
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            yield json.loads(line)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parent = os.getppid()
    if die_with_parent() and os.getppid() != parent:  # the server died before the request was set
        sys.exit(1)
    path = os.environ.get(ZYGOTE_VARIABLE)
    if not path:
        ordinary_kernel(argv)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:
        ordinary_kernel(argv)
    lifeline_read, lifeline_write = os.pipe()  # the kernel exits when this process's end closes
    request = {"argv": argv, "env": dict(os.environ), "cwd": os.getcwd()}
    try:
        socket.send_fds(connection, [json.dumps(request).encode() + b"\n"], [0, 1, 2, lifeline_read])
    except OSError:
        ordinary_kernel(argv)
    os.close(lifeline_read)
    replies = _lines(connection)
    first = next(replies, None)
    if not first or "pid" not in first:
        ordinary_kernel(argv)
    pid = int(first["pid"])

    def forward(number, _frame):
        try:
            os.kill(pid, number)
        except ProcessLookupError:
            pass

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(number, forward)
    code = 1
    for reply in replies:
        if "exit" in reply:
            code = int(reply["exit"])
            break
    else:  # the zygote went away: take the kernel down with this process
        forward(signal.SIGKILL, None)
    os.close(lifeline_write)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
