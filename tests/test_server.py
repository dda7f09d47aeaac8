"""The dashboard server's rules without a server: the waiting room, the kernel counts read
from Voilà's pool, the waiting page, the command line."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from territoire_data.server.handlers import waiting_page
from territoire_data.server.pool import FIRST_CELL_DONE, count_kernels
from territoire_data.server.waiting_room import WaitingRoom


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_served_at_once_when_a_kernel_is_ready_and_below_the_ceiling():
    room = WaitingRoom(3, clock=Clock())
    assert room.admit(None, ready=1, open_dashboards=0).serve
    assert room.admit(None, ready=2, open_dashboards=2).serve
    assert len(room) == 0


def test_beyond_the_ceiling_visitors_wait_first_come_first_served():
    clock = Clock()
    room = WaitingRoom(2, clock=clock)
    first = room.admit(None, ready=1, open_dashboards=2)
    second = room.admit(None, ready=1, open_dashboards=2)
    assert not first.serve and first.full and first.position == 1
    assert not second.serve and second.position == 2
    # A place frees: only the head of the queue gets it, and a newcomer does not jump the queue.
    assert room.status(second.ticket, ready=1, open_dashboards=1)["turn"] is False
    assert room.status(first.ticket, ready=1, open_dashboards=1)["turn"] is True
    assert not room.admit(None, ready=1, open_dashboards=1).serve
    assert room.admit(first.ticket, ready=1, open_dashboards=1).serve
    assert room.status(second.ticket, ready=1, open_dashboards=1) == {
        "known": True,
        "turn": True,
        "position": 1,
        "full": False,
    }


def test_while_kernels_warm_visitors_wait_without_the_ceiling_reached():
    room = WaitingRoom(20, clock=Clock())
    waiting = room.admit(None, ready=0, open_dashboards=3)
    assert not waiting.serve and not waiting.full
    assert "Un espace de calcul se prépare" in waiting_page(waiting)
    assert room.admit(waiting.ticket, ready=1, open_dashboards=3).serve


def test_a_left_visitor_does_not_hold_the_queue():
    clock = Clock()
    room = WaitingRoom(1, expiry_s=15, clock=clock)
    gone = room.admit(None, ready=1, open_dashboards=1)
    stays = room.admit(None, ready=1, open_dashboards=1)
    for _ in range(4):  # only the second one keeps asking
        clock.now += 5
        room.status(stays.ticket, ready=1, open_dashboards=1)
    assert len(room) == 1 and room.status(gone.ticket, ready=1, open_dashboards=0)["known"] is False
    assert room.admit(stays.ticket, ready=1, open_dashboards=0).serve


def test_ceiling_must_be_positive():
    with pytest.raises(ValueError):
        WaitingRoom(0)


def test_waiting_page_is_french_escaped_and_polls():
    room = WaitingRoom(1, clock=Clock())
    admission = room.admit(None, ready=1, open_dashboards=1)
    page = waiting_page(admission, "/base/")
    assert '<html lang="fr">' in page and "Préparation du tableau de bord…" in page
    assert "nombre maximal" in page and "Position dans la file : 1." in page
    assert '"/base/territoire/api/queue"' in page and admission.ticket in page
    assert "http" not in page.replace("http-equiv", "")  # nothing fetched from another host


class Renderer:
    def __init__(self, snippets):
        self.rendered_cache = snippets


class Manager:
    """What ``count_kernels`` reads of Voilà's ``VoilaKernelManager``."""

    def __init__(self, pool, live):
        self._pools = {"tableau_de_bord.ipynb": pool}
        self.live = live

    def list_kernel_ids(self):
        return list(self.live)


def _task(loop, kernel_id=None, snippets=()):
    future = loop.create_future()
    if kernel_id is not None:
        future.set_result({"kernel_id": kernel_id, "renderer": Renderer(list(snippets)), "task": None})
    return future


def test_count_kernels_reads_the_pool():
    loop = asyncio.new_event_loop()
    try:
        ready = _task(loop, "a", ['<div cell-index="', '1">', "..."])  # the marker spans snippets
        running_first_cell = _task(loop, "b", ["<html>"])
        starting = _task(loop)
        manager = Manager([ready, running_first_cell, starting], live=["a", "b", "visitor-1", "visitor-2"])
        kernels = count_kernels(manager, "tableau_de_bord.ipynb")
        assert (kernels.ready, kernels.warming, kernels.open_dashboards, kernels.live) == (1, 2, 2, 5)
        assert FIRST_CELL_DONE == 'cell-index="1"'
    finally:
        loop.close()


def test_voila_pool_internals_still_there():
    """``count_kernels`` reads ``_pools``: fail here, not in production, if Voilà changes it."""
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    text = inspect.getsource(voila_kernel_manager_factory)
    assert "self._pools" in text and '"renderer": renderer' in text and '"kernel_id": kernel_id' in text


def test_dashboard_command_line():
    from territoire_data.cli.dashboard import voila_command
    from territoire_data.settings import Settings

    command = voila_command(8866, kernels=3, ceiling=7, commune="33281")
    assert command[1:3] == ["-m", "territoire_data.server"]
    assert "--template=territoire" in command and "--VoilaExporter.language_code=fr" in command
    assert "--VoilaExecutor.iopub_timeout=60" in command
    assert "--DashboardServer.ceiling=7" in command and "--pool_size=3" in command
    assert "--DashboardServer.announce=/?territoire=33281" in command
    # By default a lost page's kernel is freed within a minute: 30 s idle, checked every 10 s.
    assert Settings.from_environment({}).kernel_cull_s == 30
    assert "--MappingKernelManager.cull_idle_timeout=30" in command
    assert "--MappingKernelManager.cull_interval=10" in command
    assert Settings.from_environment({"TERRITOIRE_KERNEL_CULL_S": "9"}).kernel_cull_s == 9
    quick = voila_command(8866, cull_s=9)
    assert "--MappingKernelManager.cull_idle_timeout=9" in quick and "--MappingKernelManager.cull_interval=3" in quick


def test_cull_spares_a_page_still_loading_but_frees_a_lost_one():
    """Idle and disconnected for a minute: freed if its page had connected (a lost page),
    spared if its page never connected yet (a slow browser), until the grace runs out."""
    from datetime import timedelta
    from types import SimpleNamespace

    from jupyter_server._tz import utcnow

    from territoire_data.server.kernels import DashboardKernelManager

    stopped: list[str] = []

    class Manager(DashboardKernelManager):
        async def shutdown_kernel(self, kernel_id, *args, **kwargs):
            stopped.append(kernel_id)

    manager = Manager(cull_idle_timeout=40, connect_grace=180)
    minute_ago = utcnow() - timedelta(seconds=60)
    for kernel_id in ("loading", "lost", "abandoned"):
        manager._kernels[kernel_id] = SimpleNamespace(
            execution_state="idle",
            kernel_name="python3",
            kernel_spec=SimpleNamespace(metadata={}),
            last_activity=minute_ago if kernel_id != "abandoned" else utcnow() - timedelta(seconds=200),
        )
        manager._kernel_connections[kernel_id] = 0
    manager.notify_connect("lost")
    manager.notify_disconnect("lost")
    for kernel_id in ("loading", "lost", "abandoned"):
        asyncio.run(manager.cull_kernel_if_idle(kernel_id))
    assert stopped == ["lost", "abandoned"]


@pytest.mark.slow
def test_the_server_starts_quietly_in_french(home_demo, tmp_path):
    """Until « Tableau de bord prêt », the terminal shows territoire's French lines only:
    Jupyter's and Voilà's messages (« Voilà is running at », warnings) go to the journal."""
    import re

    from server import dashboard_server

    terminal, journal = tmp_path / "terminal.log", tmp_path / "journal" / "serveur.log"
    with dashboard_server(home_demo, kernels=1, log=terminal, journal=str(journal)):
        shown = [line for line in terminal.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert any(line.startswith("Tableau de bord prêt : http://127.0.0.1:") for line in shown), shown
    assert any(line.startswith("Journal du serveur : ") for line in shown), shown
    english = re.compile(r"is running at|WARNING|^\[[IWD] |not trusted|Kernel|Traceback")
    assert [line for line in shown if english.search(line)] == [], shown
    assert "running at" in journal.read_text(encoding="utf-8")
