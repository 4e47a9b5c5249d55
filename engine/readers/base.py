"""The helpers every reader shares. (`Reader` itself is `engine.reader.Reader`; importing it from here
still works, for plugins written against 0.1.)"""

from __future__ import annotations

import hashlib
from pathlib import Path

from engine.errors import ErrorCode, ReadError
from engine.model import Source, SourceFormat
from engine.reader import Reader

__all__ = ["Reader", "decode_text", "make_source"]


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
