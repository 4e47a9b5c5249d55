"""The helpers every reader shares. (`Reader` itself is `nianbao.engine.reader.Reader`; importing it from here
still works, for plugins written against 0.1.)"""

from __future__ import annotations

import codecs
import hashlib
import zipfile
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.model import Source, SourceFormat
from nianbao.engine.notes import note
from nianbao.engine.reader import Reader

__all__ = ["Reader", "decode_text", "make_source"]


def make_source(path: Path, data: bytes, fmt: SourceFormat, pages: int | None = None) -> Source:
    return Source(path=path.as_posix(), format=fmt, sha256=hashlib.sha256(data).hexdigest(), pages=pages)


# Byte-order marks, longest first (UTF-32 LE begins with the UTF-16 LE mark).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Encodings a page may declare and a report may be in. Anything else a page declares (unicode_escape, rot13,
# utf-7 …) is not a text encoding of a report and is ignored.
TEXT_ENCODINGS = frozenset(
    {
        "utf-8",
        "utf-16",
        "utf-16-le",
        "utf-16-be",
        "gb18030",
        "gbk",
        "gb2312",
        "big5",
        "big5hkscs",
        "cp950",
        "ascii",
        "latin-1",
        "iso8859-1",
        "cp1252",
        "euc_jp",
        "shift_jis",
        "euc_kr",
        "hz",
    }
)
# A UTF-8 file with this few undecodable bytes (per thousand) is UTF-8 with damage, not another encoding.
_DAMAGE_PER_MILLE = 2


def text_encoding(name: str) -> str | None:
    """The codec for a declared charset, when it is a real text encoding of reports; GB2312/GBK read as GB18030,
    their superset (pages labelled GB2312 often hold GBK characters)."""
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    if codec in {"gb2312", "gbk"}:
        return "gb18030"
    return codec if codec in TEXT_ENCODINGS else None


def decode_report(data: bytes, declared: str | None = None) -> tuple[str, str | None]:
    """Text of a report file and, when bytes had to be replaced, a note saying so.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); then a declared encoding (an HTML page's charset); then
    UTF-8, which a few damaged bytes do not disqualify; then GB18030, the superset of GBK/GB2312.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding)
    if b"\x00" in data[:4096]:
        utf16 = _bomless_utf16(data[:4096])
        if utf16 is None:
            raise ReadError(ErrorCode.unreadable, detail="binary content in a text file")
        return _decode(data, utf16)
    if declared:
        try:
            return data.decode(declared), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    if damaged * 1000 <= max(len(data), 1) * _DAMAGE_PER_MILLE:
        return text, _damage_note(damaged)
    try:
        return data.decode("gb18030"), None
    except UnicodeDecodeError:
        raise ReadError(ErrorCode.unreadable, detail="text is neither UTF-8 nor GB18030") from None


def _decode(data: bytes, encoding: str) -> tuple[str, str | None]:
    text = data.decode(encoding, errors="replace")
    damaged = text.count("\ufffd")
    return text, _damage_note(damaged) if damaged else None


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark: Chinese and ASCII text leave zero bytes on one side."""
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def _damage_note(count: int) -> str:
    return note("note.damaged-bytes", count=count)


def decode_text(data: bytes) -> str:
    """The text of a text file (see `decode_report`), without the note."""
    return decode_report(data)[0]


def bounded_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """A zip member's bytes, at most `limit` of them: the declared size is checked first, then what actually comes
    out is counted (the header may lie). Raises ReadError(too-large) past the limit."""
    if info.file_size > limit:
        raise ReadError(ErrorCode.too_large, size=f"{info.file_size / 2**20:.1f} MB", limit=f"{limit / 2**20:g} MB")
    with archive.open(info) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise ReadError(ErrorCode.too_large, size=f"> {limit / 2**20:g} MB", limit=f"{limit / 2**20:g} MB")
    return data
