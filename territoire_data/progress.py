"""Progress reporting for long work, in French, on stderr (tqdm).

Whether bars show is a setting (``Settings.progress``, ``TERRITOIRE_NO_PROGRESS=1`` hides
them); callers pass it as ``enabled``.
"""

from __future__ import annotations

import sys

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
