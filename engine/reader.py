"""The reader API: what turns the bytes of one file into a `Report` (stage 1).

A reader is any object with ``format``, ``suffixes`` and ``read(path, data)``; a plugin contributes it
through the ``nianbao_readers`` hook, exactly as the built-in readers in ``nianbao.engine.readers`` are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol, runtime_checkable

from nianbao.engine.model import Report, SourceFormat


@runtime_checkable
class Reader(Protocol):
    """Turns the bytes of one file into a `Report`, or raises `nianbao.engine.ReadError` with an error code."""

    format: SourceFormat
    suffixes: tuple[str, ...]

    def read(self, path: Path, data: bytes) -> Report: ...
