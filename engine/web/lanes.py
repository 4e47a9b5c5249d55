"""Which checks run at once on the clerk's page: short ones first, long ones beside them, no one behind a scan.

Two lanes of worker slots. Every check starts in the *short* lane, as many at once as there are cores (`workers`).
A check still running after a short check's time (engine.batch.tree: the pool then lowers its priority) moves to
the *long* lane as soon as that lane has room, and gives its short slot to the next clerk: a scan, a converter at
work, or a hostile file never keeps a half-second report waiting for more than that moment. A check that is long
before it starts (a scan, told from its bytes) goes straight to the long lane, where scans hold at most half the
slots. The long lane has as many slots as the short one; its checks run at a lower priority, so the kernel gives
the short lane's checks the cores first. At most `short + long` worker processes run at once, each under the
memory limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from engine.batch import tree

T = TypeVar("T")


class Lanes:
    def __init__(self, short: int, long: int) -> None:
        self.short = asyncio.Semaphore(short)
        self.long = asyncio.Semaphore(long)
        self.scans = asyncio.Semaphore(max(1, long // 2))

    async def run(self, work: Callable[[], Awaitable[T]], scan: bool = False) -> T:
        """`work()` run under the lanes: waits for a slot, moves to the long lane when it runs long."""
        if scan:
            async with self.scans, self.long:
                return await work()
        await self.short.acquire()
        held = [self.short]
        task = asyncio.ensure_future(work())
        moving: asyncio.Future | None = None
        try:
            done, _ = await asyncio.wait({task}, timeout=tree.SETTINGS.lower_after)
            if not done:
                moving = asyncio.ensure_future(self.long.acquire())
                await asyncio.wait({task, moving}, return_when=asyncio.FIRST_COMPLETED)
                if _acquired(moving):
                    self.short.release()
                    held = [self.long]
            return await task
        finally:
            if not task.done():
                task.cancel()
            if moving is not None and not moving.done():
                moving.cancel()
                await asyncio.gather(moving, return_exceptions=True)
            if moving is not None and _acquired(moving) and self.long not in held:
                held.append(self.long)  # it got the long slot in the moment the check ended
            for semaphore in held:
                semaphore.release()


def _acquired(future: asyncio.Future) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None
