"""Who gets a dashboard kernel now, and who waits: a first-come, first-served waiting room.

A visitor is served at once when a preheated kernel is ready and fewer than ``ceiling``
dashboards are open; otherwise they get a ticket and a French waiting page that asks
``status(ticket)`` every second and reloads itself when its turn comes. Tickets nobody
asks about for ``expiry_s`` (the visitor left) are dropped, so a closed waiting tab never
holds the queue.

Pure logic, no server: the handlers pass in what the kernel manager says (kernels ready,
dashboards open) and the clock, so every rule is tested without starting a kernel.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Admission:
    """``serve``: open the dashboard now; otherwise wait with ``ticket`` at ``position`` (1 = next)."""

    serve: bool
    ticket: str | None = None
    position: int = 0
    full: bool = False  # waiting because the ceiling is reached (not only because kernels warm)


class WaitingRoom:
    def __init__(self, ceiling: int, *, expiry_s: float = 15.0, clock=time.monotonic):
        if ceiling < 1:
            raise ValueError("ceiling must be at least 1")
        self.ceiling = ceiling
        self.expiry_s = expiry_s
        self.clock = clock
        self._tickets: OrderedDict[str, float] = OrderedDict()  # ticket → last time it was seen

    def __len__(self) -> int:
        self._expire()
        return len(self._tickets)

    def admit(self, ticket: str | None, *, ready: int, open_dashboards: int) -> Admission:
        """A page request: serve it, or give (or keep) its place in the queue.

        ``ready``: preheated kernels ready to serve; ``open_dashboards``: kernels already given
        to visitors (pool kernels excluded).
        """
        self._expire()
        free = min(ready, self.ceiling - open_dashboards)
        if ticket is not None and ticket in self._tickets:
            position = list(self._tickets).index(ticket) + 1
            if position <= free:
                del self._tickets[ticket]
                return Admission(serve=True)
            self._tickets[ticket] = self.clock()
            return Admission(False, ticket, position, full=open_dashboards >= self.ceiling)
        if free > len(self._tickets):  # nobody waiting ahead takes the free places
            return Admission(serve=True)
        ticket = secrets.token_urlsafe(12)
        self._tickets[ticket] = self.clock()
        return Admission(False, ticket, len(self._tickets), full=open_dashboards >= self.ceiling)

    def status(self, ticket: str, *, ready: int, open_dashboards: int) -> dict:
        """What the waiting page polls: its place, and whether to reload now."""
        self._expire()
        if ticket not in self._tickets:
            return {"known": False, "turn": True, "position": 0}
        self._tickets[ticket] = self.clock()
        position = list(self._tickets).index(ticket) + 1
        free = min(ready, self.ceiling - open_dashboards)
        return {
            "known": True,
            "turn": position <= free,
            "position": position,
            "full": open_dashboards >= self.ceiling,
        }

    def _expire(self) -> None:
        limit = self.clock() - self.expiry_s
        for ticket in [t for t, seen in self._tickets.items() if seen < limit]:
            del self._tickets[ticket]
