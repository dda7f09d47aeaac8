"""Concurrent writers on SQLite and on a real PostgreSQL; a writer killed mid-transaction."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import home_with_referential

pytestmark = [pytest.mark.slow]

PROCESSES, MESSAGES = 8, 200

WRITER = """
import sys
from territoire_data import default_workspace
from territoire_data.discussions import DiscussionSpace
login, thread, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
space = DiscussionSpace(login, workspace=default_workspace())
print("ready", flush=True)
sys.stdin.readline()  # everybody starts together
for i in range(n):
    space.reply(thread, f"{login}-{i}")
"""

INTERRUPTED = """
import sys, time
from territoire_data import default_workspace
from territoire_data.store.models import Message
with default_workspace().store.session() as s:
    s.add(Message(thread_id=int(sys.argv[1]), author_id=1, text="jamais validé", html="<p>jamais validé</p>"))
    s.flush()
    print("in progress", flush=True)
    time.sleep(120)
"""


def _environment(home: Path, url: str | None) -> dict:
    env = {
        **os.environ,
        "TERRITOIRE_HOME": str(home),
        "TERRITOIRE_MESSAGE_LIMIT": "100000/60",
        "TERRITOIRE_NO_PROGRESS": "1",
    }
    if url:
        env["TERRITOIRE_DB_URL"] = url
    else:
        env.pop("TERRITOIRE_DB_URL", None)
    return env


def _prepare(env: dict) -> int:
    """Schema, 8 élus of Bordeaux, one thread; returns the thread id."""
    script = (
        "from territoire_data import default_workspace\n"
        "from territoire_data.access.users import add_user\n"
        "workspace = default_workspace()\n"
        "workspace.store.upgrade()\n"
        f"for i in range({PROCESSES}):\n    add_user(workspace, f'writer{{i}}', 'elu', '33063')\n"
        "print(workspace.discussions('writer0').create_thread('33063', 'Charge', 'départ', 'elus'))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert output.returncode == 0, output.stderr
    return int(output.stdout.strip().splitlines()[-1])


def _loaded(env: dict, thread: int) -> float:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, f"writer{i}", str(thread), str(MESSAGES)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(PROCESSES)
    ]
    for e in writers:
        assert e.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for e in writers:
        e.stdin.write("go\n")
        e.stdin.flush()
    for e in writers:
        _, errors = e.communicate(timeout=600)
        assert e.returncode == 0, errors
    return time.perf_counter() - start


def _check(env: dict, thread: int) -> None:
    script = (
        "import json\nfrom territoire_data import default_workspace\n"
        f"print(json.dumps([m['text'] for m in default_workspace().discussions('writer0').messages({thread})]))\n"
    )
    output = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert output.returncode == 0, output.stderr
    import json

    texts = json.loads(output.stdout)
    expected_list = {f"writer{p}-{i}" for p in range(PROCESSES) for i in range(MESSAGES)}
    assert len(texts) == 1 + PROCESSES * MESSAGES  # exactly 1 600 answers: none lost, none duplicated
    assert set(texts[1:]) == expected_list and len(set(texts)) == len(texts)


def _kill_middle_transaction(env: dict, thread: int) -> None:
    processes = subprocess.Popen(
        [sys.executable, "-c", INTERRUPTED, str(thread)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert processes.stdout.readline().strip() == "in progress"
    processes.send_signal(signal.SIGKILL)
    processes.wait()
    # The lock is released and the half-done write is gone: others write and read normally.
    script = (
        "from territoire_data import default_workspace\n"
        f"space = default_workspace().discussions('writer1'); space.reply({thread}, 'après le kill')\n"
        f"texts = [m['text'] for m in space.messages({thread})]\n"
        "assert 'jamais validé' not in texts and texts[-1] == 'après le kill', texts[-3:]\n"
        f"assert len(texts) == {2 + PROCESSES * MESSAGES}\n"
    )
    output = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert output.returncode == 0, output.stderr


def _scenario(env: dict) -> float:
    """Load, check the count, kill a writer mid-transaction; returns the load's duration."""
    thread = _prepare(env)
    duration = _loaded(env, thread)
    _check(env, thread)
    _kill_middle_transaction(env, thread)
    return duration


def test_sqlite_8_processes_200_messages(tmp_path_factory, home, ref):
    folder = home_with_referential(tmp_path_factory, home, "home-concurrence-sqlite")
    duration = _scenario(_environment(folder, None))
    import sqlite3

    connection = sqlite3.connect(folder / "echanges" / "discussions.sqlite")
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    print(f"SQLite : {PROCESSES * MESSAGES} messages en {duration:.1f} s")


@pytest.mark.postgres
def test_postgresql_8_processes_200_messages(tmp_path_factory, home, ref, postgres):
    folder = home_with_referential(tmp_path_factory, home, "home-concurrence-pg")
    duration = _scenario(_environment(folder, postgres))
    print(f"PostgreSQL : {PROCESSES * MESSAGES} messages en {duration:.1f} s")
