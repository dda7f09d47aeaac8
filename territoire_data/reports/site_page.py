"""One page of the national site (``national``): what it is, and how it is rendered and
written — the same on a forked worker of this machine and on a Dask worker (``remote``)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from territoire_data.errors import TerritoireError
from territoire_data.files import write_atomic
from territoire_data.reports import site

SHARED = "partage"


@dataclass(frozen=True)
class Page:
    code: str  # 33063, epci:…, scot:…, dep:33, reg:75, france
    name: str
    level: str
    departement: str  # the commune's (or the département's own); "" for other levels
    path: str  # relative to the output folder
    fingerprint: str = ""

    @property
    def shared(self) -> str:
        """The shared folder, relative to this page."""
        return "/".join([".."] * self.path.count("/") + [SHARED])


@dataclass
class Outcome:
    path: str
    status: str  # ok, error
    fingerprint: str
    duration_s: float
    message: str = ""


@dataclass(frozen=True)
class Job:
    """What every page of a run shares, sent with each batch of pages."""

    output: Path
    notebook: str
    peers: str


def rendered(cells, peers: str, page: Page) -> tuple[Outcome, str]:
    """One page's HTML (empty when it failed) and its outcome, from the ``direct.compiled``
    cells of the notebook; run where the warehouse was read (a forked worker, a Dask worker)."""
    from territoire_data.reports import direct

    start = time.perf_counter()
    try:
        parts = direct.run(cells, {"code": page.code, "pairs": peers, "partage": page.shared})
        content = site.page(page.name, "".join(parts), page.shared, level=page.level, home=page.shared + "/..")
        return Outcome(page.path, "ok", page.fingerprint, time.perf_counter() - start), content
    except Exception as error:  # recorded for this page; the run goes on
        message = str(error) if isinstance(error, TerritoireError) else f"{type(error).__name__} : {error}"
        return Outcome(page.path, "error", page.fingerprint, time.perf_counter() - start, message), ""


def written(output: Path, outcome: Outcome, content: str) -> Outcome:
    """Write a page ``rendered`` (when it did not fail) into the site's folder."""
    if outcome.status == "ok":
        target = output / outcome.path
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, content)
    return outcome
