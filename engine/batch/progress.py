"""A progress line on standard error for batches: counts, errors, time left. Only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from nianbao.engine.i18n import Lang, Msg

LINE = Msg(
    "检查 [{bar}] {done}/{total} · 无法读取 {failed} · 已用 {elapsed} · 剩余约 {left}",
    "checking [{bar}] {done}/{total} · unreadable {failed} · {elapsed} elapsed · about {left} left",
)
WIDTH = 24


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return (
        f"{seconds // 60}:{seconds % 60:02d}"
        if seconds < 3600
        else f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    )


class Progress:
    def __init__(self, total: int, lang: Lang, stream: TextIO | None = None, enabled: bool | None = None):
        self.stream = stream or sys.stderr
        self.enabled = (total > 1 and self.stream.isatty()) if enabled is None else enabled
        self.total, self.lang = total, lang
        self.done = self.failed = 0
        self.start = time.monotonic()
        self.last_draw = 0.0

    def advance(self, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        now = time.monotonic()
        if self.enabled and (now - self.last_draw > 0.1 or self.done == self.total):
            self.last_draw = now
            self.draw(now)

    def draw(self, now: float) -> None:
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0
        left = (self.total - self.done) / rate if rate else 0
        filled = int(WIDTH * self.done / max(self.total, 1))
        line = LINE.render(
            self.lang,
            {
                "bar": "#" * filled + "-" * (WIDTH - filled),
                "done": self.done,
                "total": self.total,
                "failed": self.failed,
                "elapsed": _clock(elapsed),
                "left": _clock(left),
            },
        )
        self.stream.write("\r" + line + "\x1b[K")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
