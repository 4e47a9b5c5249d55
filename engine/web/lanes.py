"""Which checks run at once on the clerk's page: short ones first, long ones beside them, no one behind a scan.

Every check starts in the *short* lane, as many at once as there are cores (`workers`). A check still running after
a short check's time (nianbao.engine.batch.tree: the pool then lowers its priority, so the kernel gives the cores to the
short ones first) leaves the short lane and gives its slot to the next clerk: a scan, a converter at work or a
hostile file never keeps a half-second report waiting for more than that moment. A check that is long before it
starts (a scan, told from its bytes) never takes a short slot, and scans run at most half as many at once as there
are workers. How many checks run at all is bounded by the admission (nianbao.engine.web.app: running and waiting
together), so the long ones are bounded too, each under the memory limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from nianbao.engine.batch import tree

T = TypeVar("T")


class Lanes:
    def __init__(self, short: int) -> None:
        self.short = asyncio.Semaphore(short)
        self.scans = asyncio.Semaphore(max(1, short // 2))

    async def run(self, work: Callable[[], Awaitable[T]], scan: bool = False) -> T:
        """`work()` run under the lanes: waits for a slot; leaves the short lane when it runs long."""
        if scan:
            async with self.scans:
                return await work()
        async with self.short:
            task = asyncio.ensure_future(work())
            try:
                done, _ = await asyncio.wait({task}, timeout=tree.SETTINGS.lower_after)
            except asyncio.CancelledError:
                task.cancel()
                raise
        return task.result() if done else await task
