"""The kernels' fork server: a real zygote, real kernels started by jupyter_client through the
dashboard's kernel spec, their exit, and no kernel outliving its launcher."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from territoire_data.server.app import kernel_spec, start_zygote
from territoire_data.server.launch_kernel import ZYGOTE_VARIABLE

pytestmark = pytest.mark.slow


@pytest.fixture
def zygote(tmp_path, monkeypatch, home):
    monkeypatch.setenv("TERRITOIRE_HOME", str(home))  # a referential, no warehouse: imports only
    monkeypatch.delenv(ZYGOTE_VARIABLE, raising=False)
    process = start_zygote(tmp_path)
    assert process is not None, "le zygote n'a pas démarré"
    yield process, tmp_path
    os.environ.pop(ZYGOTE_VARIABLE, None)  # set by start_zygote for the kernels to come
    process.terminate()
    process.wait(10)


def _kernel(folder: Path, env: dict) -> KernelManager:
    specs = KernelSpecManager(kernel_dirs=[str(kernel_spec(folder) / "kernels")])
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=specs)
    manager.start_kernel(env=env)
    return manager


def _run(manager: KernelManager, code: str) -> str:
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        outputs = []
        client.execute_interactive(code, timeout=60, output_hook=lambda m: outputs.append(m["content"].get("text", "")))
        return "".join(outputs).strip()
    finally:
        client.stop_channels()


def test_kernels_are_forked_from_the_zygote_and_end_cleanly(zygote):
    process, folder = zygote
    env = {**os.environ, ZYGOTE_VARIABLE: os.environ[ZYGOTE_VARIABLE]}
    manager = _kernel(folder, env)
    try:
        parent = int(_run(manager, "import os; print(os.getppid())"))
        assert parent == process.pid  # a fork of the zygote, not a fresh interpreter
        # Preloaded: pandas and the widgets are already imported in the kernel.
        assert (
            _run(manager, "import sys; print('pandas' in sys.modules and 'widgets.dashboard' in sys.modules)") == "True"
        )
        launcher = manager.provisioner.process
        assert "launch_kernel.py" in " ".join(psutil.Process(launcher.pid).cmdline())
    finally:
        manager.shutdown_kernel(now=False)
    assert launcher.wait(20) == 0


def test_a_kernel_does_not_outlive_its_killed_launcher(zygote):
    process, folder = zygote
    manager = _kernel(folder, {**os.environ})
    kernel_pid = int(_run(manager, "import os; print(os.getpid())"))
    launcher = manager.provisioner.process
    os.kill(launcher.pid, signal.SIGKILL)  # what a brutal shutdown does
    launcher.wait(10)
    limit = time.monotonic() + 15
    while psutil.pid_exists(kernel_pid) and psutil.Process(kernel_pid).status() != psutil.STATUS_ZOMBIE:
        assert time.monotonic() < limit, "le noyau a survécu à son lanceur"
        time.sleep(0.2)
    manager.cleanup_resources()


def test_without_a_zygote_an_ordinary_kernel_starts(tmp_path, monkeypatch):
    monkeypatch.delenv(ZYGOTE_VARIABLE, raising=False)
    env = {**os.environ, ZYGOTE_VARIABLE: str(tmp_path / "absent.sock")}
    manager = _kernel(tmp_path, env)
    try:
        assert _run(manager, "print(6 * 7)") == "42"
        launcher = manager.provisioner.process
        assert "ipykernel_launcher" in " ".join(psutil.Process(launcher.pid).cmdline())  # the launcher became it
    finally:
        manager.shutdown_kernel(now=True)


def test_launcher_imports_only_the_standard_library():
    """It starts for every visitor: no pandas, no package import (run as a file)."""
    from territoire_data.server.app import LAUNCHER

    code = (
        f"import runpy, sys; sys.argv = ['x']; "
        f"m = runpy.run_path({str(LAUNCHER)!r}, run_name='lanceur'); "
        "print(sorted(n for n in sys.modules if n.split('.')[0] in ('pandas', 'numpy', 'territoire_data', 'zmq')))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "[]"
