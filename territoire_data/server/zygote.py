"""A fork server for the dashboard's kernels: imports and data loaded once, each kernel forked.

Starting a dashboard kernel the usual way costs ≈ 4 s of processor (Python, Jupyter, pandas,
Arrow, the widgets, the referential, the peer matrix) — the cost that limits how many
visitors a small server takes in a minute. The zygote pays it once: it imports all that and
loads the workspace's shared data, then waits on a UNIX socket. Each kernel is a fork of
it (≈ 10 ms, its pages shared with the zygote until written).

The kernel Jupyter starts is ``launch_kernel`` (see there), a tiny process that asks the
zygote for a kernel and stands for it (signals forwarded, exit code returned). Protocol,
one connection per kernel: the launcher sends one JSON line ``{"argv", "env", "cwd"}`` with
four file descriptors (stdin, stdout, stderr, and the read end of a "lifeline" pipe whose
write end only the launcher holds); the zygote answers ``{"pid": N}``, then, when the
kernel ends, ``{"exit": CODE}``. A kernel exits when its lifeline closes (its launcher was
killed), so no kernel outlives its launcher. The zygote has a lifeline of its own, from the
dashboard server: when it closes (the server died, however), the zygote ends its kernels
and exits, so nothing outlives the server.

Nothing here opens a database connection, a ZeroMQ context or an event loop before
forking: each kernel creates its own.
"""

from __future__ import annotations

import gc
import json
import os
import selectors
import signal
import socket
import sys
import threading
import time

READ_LIMIT = 1 << 20  # a request (argv, environment) is a few kB


def preload() -> None:
    """Import what a dashboard kernel imports and load the data every kernel reads."""
    import ipykernel.kernelapp  # noqa: F401
    import ipyleaflet  # noqa: F401
    import ipywidgets  # noqa: F401

    # ``requested_territory`` waits with ``voila.utils.wait_for_request``: importing Voilà
    # compiles a JSON-schema grammar (lark, ≈ 2.5 s of processor) — once, here.
    import voila.utils  # noqa: F401

    import widgets.dashboard  # noqa: F401
    from territoire_data.errors import TerritoireError
    from territoire_data.workspace import default_workspace

    try:
        workspace = default_workspace()
        workspace.referential  # noqa: B018
        warehouse = workspace.warehouse
        warehouse.matrix_values  # noqa: B018
        warehouse.density_classes  # noqa: B018
        warehouse.scot_members  # noqa: B018
    except TerritoireError:  # no warehouse yet: each kernel says so on its page
        pass


def _read_request(connection: socket.socket) -> tuple[dict, list[int]]:
    message, fds, _flags, _address = socket.recv_fds(connection, READ_LIMIT, 4)
    while not message.endswith(b"\n"):
        more = connection.recv(READ_LIMIT)
        if not more:
            break
        message += more
    return json.loads(message), list(fds)


def _watch_lifeline(fd: int) -> None:
    """In a kernel: exit as soon as the launcher's end of the lifeline closes."""

    def watch():
        while True:
            try:
                if not os.read(fd, 1):
                    break
            except InterruptedError:
                continue
            except OSError:
                break
        os._exit(0)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def _run_kernel(request: dict, fds: list[int]) -> None:
    """In the forked child: become the kernel the launcher asked for. Never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        for target, fd in zip((0, 1, 2), fds[:3]):
            os.dup2(fd, target)
        for fd in fds[:3]:
            if fd > 2:
                os.close(fd)
        _watch_lifeline(fds[3])
        os.chdir(request.get("cwd") or "/")
        os.environ.clear()
        os.environ.update(request["env"])
        from ipykernel.kernelapp import IPKernelApp

        # The kernel watches its parent, the zygote: it stops if the zygote goes away.
        IPKernelApp.launch_instance(argv=[*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"])
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 0
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        os._exit(code)


def serve(path: str, lifeline: int | None = None) -> None:
    """Listen on ``path``; fork a kernel per request; report each kernel's exit. Ends, with its
    kernels, when the ``lifeline`` file descriptor (the server's pipe) closes."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    if lifeline is not None:
        selector.register(lifeline, selectors.EVENT_READ, data="lifeline")
    waiting: dict[int, socket.socket] = {}  # kernel pid → its launcher's connection
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"territoire : zygote des noyaux prêt ({path})", file=sys.stderr, flush=True)
    try:
        while True:
            for key, _events in selector.select(timeout=0.2):
                if key.data == "lifeline":
                    if not os.read(key.fd, 1):  # the server is gone
                        return
                    continue
                connection, _ = listener.accept()
                try:
                    request, fds = _read_request(connection)
                except (OSError, ValueError):
                    connection.close()
                    continue
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    selector.close()
                    if lifeline is not None:
                        os.close(lifeline)
                    listener.close()
                    for other in waiting.values():
                        other.close()
                    connection.close()
                    _run_kernel(request, fds)
                for fd in fds:
                    os.close(fd)
                try:
                    connection.sendall(json.dumps({"pid": pid}).encode() + b"\n")
                except OSError:
                    pass
                waiting[pid] = connection
            _reap(waiting)
    finally:
        _end_kernels(waiting)
        listener.close()


def _end_kernels(waiting: dict[int, socket.socket], wait_s: float = 5.0) -> None:
    """SIGTERM to every kernel, then SIGKILL to those still there after ``wait_s``."""
    for pid in list(waiting):
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    limit = time.monotonic() + wait_s
    while waiting and time.monotonic() < limit:
        _reap(waiting)
        time.sleep(0.05)
    for pid in list(waiting):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _reap(waiting: dict[int, socket.socket]) -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        connection = waiting.pop(pid, None)
        if connection is not None:
            try:
                connection.sendall(json.dumps({"exit": os.waitstatus_to_exitcode(status)}).encode() + b"\n")
            except OSError:
                pass
            connection.close()


def main() -> None:
    path = sys.argv[1]
    lifeline = int(sys.argv[2]) if len(sys.argv) > 2 else None
    preload()
    # Everything loaded so far stays out of the collector's sight: a kernel's first collection
    # does not walk (and so copy) the pages it shares with the zygote.
    gc.collect()
    gc.freeze()
    serve(path, lifeline)


if __name__ == "__main__":
    main()
