"""Progress reporting for long work, in French, on stderr (tqdm)."""

from __future__ import annotations

import os
import sys

from tqdm.auto import tqdm


def bars_disabled() -> bool:
    """Bars are hidden when ``TERRITOIRE_SANS_PROGRESSION`` is set (logs, CI)."""
    return bool(os.environ.get("TERRITOIRE_SANS_PROGRESSION"))


class Steps:
    """A bar that advances one named step at a time: ``etapes("Lecture")``."""

    def __init__(self, title: str, total: int):
        self._bar = tqdm(
            total=total,
            desc=title,
            file=sys.stderr,
            disable=bars_disabled(),
            bar_format="{desc} {bar} {n_fmt}/{total_fmt} [{elapsed}]",
        )
        self._title = title
        self._first_one = True

    def __call__(self, label: str) -> None:
        if not self._first_one:
            self._bar.update(1)
        self._first_one = False
        self._bar.set_description(f"{self._title} : {label}")

    def __enter__(self) -> "Steps":
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self._bar.update(self._bar.total - self._bar.n)
            self._bar.set_description(self._title)
        self._bar.close()
