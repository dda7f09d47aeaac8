"""A panel's watch: call its ``check`` every few seconds on the kernel's event loop, its
failures logged (never shown), until the kernel ends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from widgets.state import log


def start_watch(check: Callable[[], object], period_s: float, what: str) -> asyncio.Task | None:
    """The watching task, or None without a running loop (tests, scripts call ``check``)."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        return None

    async def watch() -> None:
        while True:
            await asyncio.sleep(period_s)
            try:
                check()
            except Exception:
                log.exception("veille : %s", what)

    return loop.create_task(watch())
