"""What Voilà's kernel manager holds for the dashboard: kernels ready, warming, given to visitors.

Voilà keeps its preheated kernels in ``VoilaKernelManager._pools`` (one list of tasks per
notebook); there is no public accessor, so this module is the one place that reads it
(Voilà is pinned below 0.6 for that reason; ``tests/test_server.py`` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

# Voilà's template wraps each executed cell in ``<div cell-index="N">``: once the first cell's
# HTML is rendered, the kernel has loaded its data and waits for its visitor.
FIRST_CELL_DONE = 'cell-index="1"'


@dataclass(frozen=True)
class Kernels:
    ready: int  # preheated, first cell run: a visitor gets a page at once
    warming: int  # starting or running the first cell
    open_dashboards: int  # given to visitors (not in the pool any more)

    @property
    def live(self) -> int:
        return self.ready + self.warming + self.open_dashboards


def count_kernels(manager, notebook: str) -> Kernels:
    """Kernels of ``notebook`` (the path Voilà keys its pool with) in ``manager``."""
    pools = getattr(manager, "_pools", None) or {}
    ready = warming = 0
    pooled: set[str] = set()
    for task in pools.get(notebook, []):
        if not task.done() or task.cancelled() or task.exception() is not None:
            warming += 1
            continue
        content = task.result()
        pooled.add(content["kernel_id"])
        if FIRST_CELL_DONE in "".join(content["renderer"].rendered_cache):  # the marker spans snippets
            ready += 1
        else:
            warming += 1
    live = set(manager.list_kernel_ids())
    return Kernels(ready=ready, warming=warming, open_dashboards=len(live - pooled))
