"""Limits on what one file may cost: size, pages, inflated streams, nesting, text, time and memory.

Set in a profile's [limits] table; the defaults suit real reports with a wide margin. Readers look the limits up
with `current()`, which the checker sets around each read, so plugin readers can honour them too.
"""

from __future__ import annotations

import math
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ReadLimits:
    file_mb: float = 50  # a file (or an archive member) larger than this is refused: too-large
    pdf_pages: int = 500
    stream_mb: float = 64  # one PDF stream may inflate to this much (decompression bombs)
    html_depth: int = 250  # elements nested deeper than this: the page is refused
    markup_mb: float = 16  # an HTML page, or a DOCX's document.xml, larger than this is refused (parsed, it takes ~20x)
    text_chars: int = 5_000_000  # a text file with more characters is refused
    archive_mb: float = 2048  # all members of one .zip together, inflated
    archive_ratio: int = 200  # a member inflating beyond this many times its packed size is a zip bomb
    archive_members: int = 100_000  # an archive with more members than this is refused as a whole
    timeout: float = 120  # seconds per file
    worker_memory_mb: int = 2048  # what each check may hold: its worker's growth and every program it started
    cross_rule_timeout: float = 600  # seconds each cross-report rule may take over a whole run
    plugin_import_timeout: float = 30  # seconds an outside plugin may take to import

    @property
    def file_bytes(self) -> int:
        return int(self.file_mb * 1024 * 1024)

    @property
    def archive_bytes(self) -> int:
        return int(self.archive_mb * 1024 * 1024)

    @classmethod
    def from_table(cls, table: dict[str, Any]) -> ReadLimits:
        known = {f.name: f.type for f in fields(cls)}
        unknown = sorted(set(table) - set(known))
        if unknown:
            raise ValueError(f"unknown limit(s): {', '.join(unknown)} (known: {', '.join(known)})")
        values: dict[str, int | float] = {}
        for name, value in table.items():
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"limit {name} must be a positive, finite number, not {value!r}")
            most = CEILINGS.get(name, MOST)
            if value > most:
                raise ValueError(f"limit {name} must be at most {most:,.0f}, not {value!r}")
            if known[name] in (int, "int"):
                if not float(value).is_integer():
                    raise ValueError(f"limit {name} must be a whole number, not {value!r}")
                value = int(value)
            values[name] = value
        return cls(**values)


# The largest a limit may be set to: beyond these a number means "no limit", which the operating system's limits
# (seconds of CPU, bytes of address space) cannot hold and a check must never have.
MOST = 1e12
CEILINGS = {
    "timeout": 86_400.0,  # a day per file
    "cross_rule_timeout": 86_400.0,
    "plugin_import_timeout": 3_600.0,
    "worker_memory_mb": 1_048_576,  # 1 TB
}

DEFAULT = ReadLimits()
_current: ContextVar[ReadLimits | None] = ContextVar("nianbao_read_limits", default=None)


def current() -> ReadLimits:
    return _current.get() or DEFAULT


@contextmanager
def using(limits: ReadLimits) -> Iterator[None]:
    token = _current.set(limits)
    try:
        yield
    finally:
        _current.reset(token)


SETTINGS_BYTES = 4 * 1024 * 1024  # a profile or review file larger than this is a mistake (or /dev/zero)


def read_settings(path: Path) -> str:
    """A profile or review file's text: a regular file, of sane size, in UTF-8. OSError or ValueError otherwise."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file")
    with path.open("rb") as stream:
        data = stream.read(SETTINGS_BYTES + 1)
    if len(data) > SETTINGS_BYTES:
        raise ValueError(f"larger than {SETTINGS_BYTES // 1024 // 1024} MB")
    return data.decode("utf-8-sig")
