"""What a reader is, and the helpers every reader shares."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Protocol, runtime_checkable

from engine.errors import ErrorCode, ReadError
from engine.model import Report, Source, SourceFormat


@runtime_checkable
class Reader(Protocol):
    """Turns the bytes of one file into a `Report`, or raises `ReadError` with an error code."""

    format: SourceFormat
    suffixes: tuple[str, ...]

    def read(self, path: Path, data: bytes) -> Report: ...


def make_source(path: Path, data: bytes, fmt: SourceFormat, pages: int | None = None) -> Source:
    return Source(path=path.as_posix(), format=fmt, sha256=hashlib.sha256(data).hexdigest(), pages=pages)


def decode_text(data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), else GB18030, the superset of GBK/GB2312."""
    if b"\x00" in data[:4096]:
        raise ReadError(ErrorCode.unreadable, detail="binary content in a text file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(ErrorCode.unreadable, detail="text is neither UTF-8 nor GB18030")
