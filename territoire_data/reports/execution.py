"""One report: parameterise and execute the notebook, convert it to HTML (or PDF)."""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from territoire_data.errors import TerritoireError
from territoire_data.rendering.pdf import to_pdf

REPORT_TIMEOUT_S = 900  # one report never blocks a batch longer than this


@dataclass(frozen=True)
class Task:
    code: str
    name: str
    notebook: str  # notebook path
    parameters: dict
    file: str  # output file name (in the output folder)
    fingerprint: str  # hash of the inputs: unchanged → skipped on resume
    format: str = "html"  # html or pdf
    home: str = ""


@dataclass
class ReportResult:
    code: str
    file: str
    fingerprint: str
    status: str  # ok, error
    duration_s: float
    message: str = ""
    content: bytes = field(default=b"", repr=False)


_exporter = None


def html_exporter():
    """One HTML exporter per process: its templates are compiled once (before forking)."""
    global _exporter
    if _exporter is None:
        from territoire_data.reports.page import exporter

        _exporter = exporter()
    return _exporter


def _message_error(error: BaseException) -> str:
    from papermill.exceptions import PapermillExecutionError  # imported with the run, not with the plan

    if isinstance(error, PapermillExecutionError):
        return f"{error.ename} : {error.evalue} (cellule {error.exec_count})"
    if isinstance(error, TerritoireError):
        return str(error)
    return f"{type(error).__name__} : {error}"


def _use_home(home: str) -> None:
    """Notebooks run in this process call the package-level API: make its default workspace
    the task's home (and export it, for anything the notebook starts)."""
    from territoire_data.settings import HOME_VARIABLE
    from territoire_data.workspace import Workspace, default_workspace, set_default_workspace

    os.environ[HOME_VARIABLE] = home
    if default_workspace().home != Path(home).resolve():
        set_default_workspace(Workspace(home))


def run_task(task: Task) -> ReportResult:
    """Run one report in this process (the engine ``territory``: no kernel started)."""
    from territoire_data.reports.page import page

    start = time.perf_counter()
    if task.home:
        _use_home(task.home)
    try:
        import papermill

        nb = papermill.execute_notebook(
            task.notebook,
            None,
            parameters=task.parameters,
            engine_name="territoire",
            progress_bar=False,
            cwd=str(Path(task.notebook).parent),
            kernel_name="python3",
            log_output=False,
        )
        content = page(nb, f"{task.name} — portrait de territoire", html_exporter())
        data = to_pdf(content) if task.format == "pdf" else content.encode("utf-8")
        return ReportResult(task.code, task.file, task.fingerprint, "ok", time.perf_counter() - start, content=data)
    except Exception as error:  # recorded for this report; the batch goes on
        message = _message_error(error)
        from papermill.exceptions import PapermillExecutionError

        if not isinstance(error, (PapermillExecutionError, TerritoireError)):
            message += "\n" + "".join(traceback.format_exception(error)[-3:])
        return ReportResult(
            task.code, task.file, task.fingerprint, "error", time.perf_counter() - start, message=message.strip()
        )
