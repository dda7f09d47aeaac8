"""Progress reporting for long work, in French, on stderr (tqdm), and the checkpoints that
let a long batch be interrupted and resumed.

Whether bars show is a setting (``Settings.progress``, ``TERRITOIRE_NO_PROGRESS=1`` hides
them); callers pass it as ``enabled``.
"""

from __future__ import annotations

import signal
import sys
import time

from tqdm.auto import tqdm


def bar(
    iterable=None, *, desc: str, unit: str, total: int | None = None, enabled: bool = True, leave: bool = True, **kwargs
):
    """A French progress bar on stderr (hidden when ``enabled`` is false)."""
    return tqdm(
        iterable, desc=desc, unit=unit, total=total, file=sys.stderr, disable=not enabled, leave=leave, **kwargs
    )


class Steps:
    """A bar that advances one named step at a time: ``steps("Lecture")``."""

    def __init__(self, title: str, total: int, *, enabled: bool = True):
        self._bar = tqdm(
            total=total,
            desc=title,
            file=sys.stderr,
            disable=not enabled,
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]",
        )
        self._title = title
        self._first_one = True

    def __call__(self, label: str) -> None:
        if not self._first_one:
            self._bar.update(1)
        self._first_one = False
        self._bar.set_description(f"{self._title} : {label}")

    def __enter__(self) -> Steps:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self._bar.update(self._bar.total - self._bar.n)
            self._bar.set_description(self._title)
        self._bar.close()


class Checkpoint:
    """A long batch's resumption point: ``save`` (its manifest) runs at most every
    ``every_s`` seconds as results come (``reached``); with ``stop_after``, the batch stops
    as a Ctrl-C would once that many are done (tests of resumption)."""

    def __init__(self, save, *, every_s: float = 5.0, stop_after: int | None = None):
        self.save, self.every_s, self.stop_after = save, every_s, stop_after
        self._saved = time.monotonic()

    def reached(self, done: int) -> None:
        if time.monotonic() - self._saved > self.every_s:
            self.save()
            self._saved = time.monotonic()
        if self.stop_after is not None and done >= self.stop_after:
            raise KeyboardInterrupt


def ignore_interrupt() -> None:
    """In a worker process: Ctrl-C is the parent's to handle (it stops the pool, saves)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
