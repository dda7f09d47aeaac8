"""``DashboardKernelManager``: the idle cull that frees lost pages' kernels quickly, without
killing the kernel of a page still loading.

The cull frees within a minute a kernel whose page went away without its page-close
request (a killed tab, a lost network): idle and disconnected for ``cull_idle_timeout``.
A page that has not connected yet (a slow browser under load) has no connection either:
its kernel is given ``connect_grace`` seconds of idleness before it is culled, so a
visitor never gets a page whose kernel was stopped under it.
"""

from __future__ import annotations

from datetime import timedelta

from jupyter_server._tz import utcnow  # the clock of the kernel activity it compares with
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from traitlets import Float


class DashboardKernelManager(AsyncMappingKernelManager):
    connect_grace = Float(
        180.0, config=True, help="Idle seconds allowed to a kernel whose page never connected, before the cull."
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._connected_once: set[str] = set()

    def notify_connect(self, kernel_id):
        self._connected_once.add(kernel_id)
        super().notify_connect(kernel_id)

    async def shutdown_kernel(self, kernel_id, *args, **kwargs):
        self._connected_once.discard(kernel_id)
        return await super().shutdown_kernel(kernel_id, *args, **kwargs)

    async def cull_kernel_if_idle(self, kernel_id):
        kernel = self._kernels.get(kernel_id)
        if kernel is None:
            return None
        if kernel_id not in self._connected_once and getattr(kernel, "execution_state", None) != "dead":
            last = getattr(kernel, "last_activity", None)
            if last is not None and utcnow() - last < timedelta(seconds=self.connect_grace):
                return None  # its page is still on its way
        return await super().cull_kernel_if_idle(kernel_id)
