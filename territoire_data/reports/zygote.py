"""Warm worker processes that fork a clean child for every report.

``Zygote`` starts ``python -m territoire_data.reports.zygote``: it imports what reports
need, loads the referential and the warehouse, compiles the HTML templates, then waits for
tasks on its standard input. For each task it forks; the child runs the report and sends
the result back; the zygote relays it. A report therefore starts warm (no interpreter, no
kernel, no import, no data load: a fork takes a few milliseconds) and finishes in a process
that disappears with everything it did — globals, imported modules and their side effects,
open figures, environment changes. That is the isolation between reports.

Started as a subprocess (not ``multiprocessing``) so that it also runs inside Dask workers,
which are daemonic processes.
"""

from __future__ import annotations

import gc
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading

from territoire_data.errors import TerritoireError
from territoire_data.settings import HOME_VARIABLE


def _send(flows, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    flows.write(struct.pack("!Q", len(data)) + data)
    flows.flush()


def _receive(flows):
    header = flows.read(8)
    if len(header) < 8:
        raise EOFError
    (size,) = struct.unpack("!Q", header)
    data = flows.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


def _read_all(fd: int) -> bytes:
    pieces: list[bytes] = []
    while True:
        piece = os.read(fd, 1 << 20)
        if not piece:
            return b"".join(pieces)
        pieces.append(piece)


# -- inside the zygote ---------------------------------------------------------------------


def preheat(departements: list[str], example: str | None = None, codes: list[str] | None = None) -> None:
    """Everything a report would otherwise do first, done once before forking.

    ``example``: a commune whose portrait is run once here (then the shell is reset), so that
    the lazy imports and caches of a whole run are warm in every child.
    """
    import IPython.core.interactiveshell  # noqa: F401
    import papermill  # noqa: F401

    from territoire_data.rendering import portrait
    from territoire_data.reports import engine, execution
    from territoire_data.workspace import default_workspace

    workspace = default_workspace()  # this process serves one home: $TERRITOIRE_HOME
    communes = workspace.referential.communes
    warehouse = workspace.warehouse
    warehouse.latest  # noqa: B018
    warehouse.matrix_values  # noqa: B018
    execution.html_exporter()
    if codes:
        warehouse.preload(codes)  # the batch's series and NAF flows: no Parquet read per report
    for departement in departements:
        portrait.departement_shapes(workspace, departement)
        if codes:  # draw the département's map once, here: each report only outlines its commune
            members = [c for c in codes if c in communes.index and communes.at[c, "departement"] == departement]
            if members:
                portrait.Portrait(members[0], workspace=workspace).geomap()
    # The templates compile on first use: convert a tiny notebook once.
    import nbformat

    execution.html_exporter().from_notebook_node(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("x")]))
    if example:
        from territoire_data.reports.plan import NOTEBOOK

        if NOTEBOOK.is_file():
            for code in (example, "<essai d'erreur>"):  # a normal run, then the error path (tracebacks)
                execution.run_task(execution.Task(code, code, str(NOTEBOOK), {"code": code}, "", ""))
            # Children start from a clean namespace; modules imported by our portrait stay warm.
            engine.get_shell().reset(new_session=True)


def _run_in_one_child(task, delay_s: int):
    from territoire_data.reports.execution import ReportResult, run_task

    reading, writing = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: one report, then gone
        os.close(reading)
        exit_code = 0
        try:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.alarm(delay_s)
            result = run_task(task)
            signal.alarm(0)
            with os.fdopen(writing, "wb") as flows:
                flows.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:
            exit_code = 1
        finally:
            os._exit(exit_code)
    os.close(writing)
    _Child.pid = pid
    data = _read_all(reading)
    os.close(reading)
    _, status = os.waitpid(pid, 0)
    _Child.pid = None
    if data:
        return pickle.loads(data)
    if os.WIFSIGNALED(status):
        reason = (
            "délai dépassé"
            if os.WTERMSIG(status) == signal.SIGALRM
            else f"processus arrêté par le signal {os.WTERMSIG(status)}"
        )
    else:
        reason = f"processus terminé avec le code {os.WEXITSTATUS(status)}"
    return ReportResult(task.code, task.file, task.fingerprint, "error", 0.0, message=f"Rapport interrompu : {reason}.")


class _Child:
    """The report child this zygote is waiting for (process state: SIGTERM kills it too)."""

    pid: int | None = None


def _stop(_signum, _frame) -> None:
    child = _Child.pid
    if child:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    os._exit(1)


def serve_forever() -> None:
    """The zygote's main loop (``python -m territoire_data.reports.zygote``)."""
    inbound = sys.stdin.buffer
    output = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the protocol
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's decision, not ours
    signal.signal(signal.SIGTERM, _stop)
    configuration = _receive(inbound)
    try:
        preheat(configuration.get("departements", []), configuration.get("example"), configuration.get("codes"))
        # Objects loaded so far are never collected: a child's garbage collector then does not
        # walk (and copy, page by page) the parent's memory.
        gc.collect()
        gc.freeze()
        _send(output, ("ready", None))
    except Exception as error:
        _send(output, ("echec", f"{type(error).__name__} : {error}"))
        return
    while True:
        try:
            task = _receive(inbound)
        except EOFError:
            return
        if task is None:
            return
        _send(output, _run_in_one_child(task, configuration.get("delay_s", 900)))


# -- on the batch's side -------------------------------------------------------------------


class Zygote:
    """A warm worker: ``run_task(task)`` returns the ``ReportResult`` of one report."""

    def __init__(
        self,
        home: str,
        departements: list[str] | None = None,
        delay_s: int = 900,
        example: str | None = None,
        codes: list[str] | None = None,
    ):
        env = {
            **os.environ,
            HOME_VARIABLE: home,
            "TERRITOIRE_NO_PROGRESS": "1",
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        self.processes = subprocess.Popen(
            [sys.executable, "-m", "territoire_data.reports.zygote"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
        self._lock = threading.Lock()
        _send(
            self.processes.stdin,
            {"departements": departements or [], "delay_s": delay_s, "example": example, "codes": codes or []},
        )
        state, message = _receive(self.processes.stdout)
        if state != "ready":
            self.close()
            raise TerritoireError(f"Le processus de rapports n'a pas démarré : {message}")

    def run_task(self, task):
        with self._lock:
            _send(self.processes.stdin, task)
            return _receive(self.processes.stdout)

    def close(self, *, hard: bool = False) -> None:
        if self.processes.poll() is not None:
            return
        if hard:
            self.processes.terminate()  # the zygote kills its running child first
        else:
            try:
                _send(self.processes.stdin, None)
            except (BrokenPipeError, OSError):
                pass
        try:
            self.processes.wait(10)
        except subprocess.TimeoutExpired:
            self.processes.kill()
            self.processes.wait()


if __name__ == "__main__":
    serve_forever()
