"""Bounds that pdfminer.six does not keep by itself, so that a small hostile PDF cannot take all memory or time.

pdfminer has no hooks for these, so they are put in place once, at the module level of pdfminer's own modules
(`install()`), and read the current file's limits (`nianbao.engine.limits.current()`) at every call:

- every decoder that can amplify (Flate, LZW, RunLength) stops at `stream_mb` of output, and all the streams of one
  file together at `TOTAL_STREAMS` times that (twenty streams of 60 MB each are no report either);
- a chain of indirect references (`1 0 R` → `2 0 R` → `1 0 R`) stops after `MAX_HOPS` instead of looping forever;
- a ToUnicode or CID CMap may map at most `MAX_CMAP_ENTRIES` codes (a bfrange over 2³² codes is a bomb);
- an object stream may inflate to at most `MAX_OBJSTM_BYTES` (tens of millions of tokens to parse otherwise);
- Form XObjects nest at most `MAX_XOBJECT_DEPTH` deep and a page draws at most `MAX_DRAWS` of them
  (`BoundedInterpreter`: a few nested forms each drawing the next ten times is a billion drawings).

Each bound raises `PdfTooLarge`, which the reader reports as `too-large` with the reason.
"""

from __future__ import annotations

import zlib
from typing import Any

from nianbao.engine.limits import current

MAX_HOPS = 64
MAX_CMAP_ENTRIES = 1 << 20
MAX_OBJSTM_BYTES = 16 * 1024 * 1024
MAX_XOBJECT_DEPTH = 12
MAX_DRAWS = 5_000
TOTAL_STREAMS = 4

# Bytes decoded so far for the file being read (one file at a time per process: readers run in workers).
_decoded = [0]


def start_file() -> None:
    """Reset the per-file budget of decoded bytes: call before reading each PDF."""
    _decoded[0] = 0


def _spend(size: int) -> None:
    _decoded[0] += size
    if _decoded[0] > TOTAL_STREAMS * _stream_limit():
        limit = f"{TOTAL_STREAMS * current().stream_mb:g} MB"
        raise PdfTooLarge(
            "error.pdf-too-complex", what="decoded streams in all", what_zh="解压后的数据流总量", limit=limit
        )


class PdfTooLarge(Exception):
    """A bound of this module was reached; `key` and `params` name it in the reader's error."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _stream_limit() -> int:
    return int(current().stream_mb * 1024 * 1024)


def _too_large_stream() -> PdfTooLarge:
    return PdfTooLarge("error.stream-too-large", limit=f"{current().stream_mb:g} MB")


class _BoundedZlib:
    """Stands in for the zlib module inside pdfminer.pdftypes: inflating stops at the limit."""

    error = zlib.error

    def decompress(self, data: bytes) -> bytes:
        limit = _stream_limit()
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, limit + 1)
        if len(out) > limit:
            raise _too_large_stream()
        out += inflater.flush()
        _spend(len(out))
        return out

    def decompressobj(self, *args: Any, **kwargs: Any) -> _BoundedInflater:
        return _BoundedInflater(zlib.decompressobj(*args, **kwargs), _stream_limit())


class _BoundedInflater:
    def __init__(self, inner: Any, limit: int) -> None:
        self.inner, self.limit, self.total = inner, limit, 0

    def decompress(self, data: bytes, max_length: int = 0) -> bytes:
        out = self.inner.decompress(data, max_length) if max_length else self.inner.decompress(data)
        self.total += len(out)
        if self.total > self.limit:
            raise _too_large_stream()
        _spend(len(out))
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _lzwdecode(data: bytes) -> bytes:
    from io import BytesIO

    from pdfminer.lzw import LZWDecoder

    limit, total, chunks = _stream_limit(), 0, []
    for chunk in LZWDecoder(BytesIO(data)).run():
        total += len(chunk)
        if total > limit:
            raise _too_large_stream()
        chunks.append(chunk)
    _spend(total)
    return b"".join(chunks)


def _rldecode(data: bytes) -> bytes:
    """RunLengthDecode (PDF 1.7, 7.4.5), stopping at the limit: a length byte n < 128 copies the next n + 1 bytes,
    n > 128 repeats the next byte 257 - n times, 128 ends the data."""
    limit, out, i = _stream_limit(), bytearray(), 0
    while i < len(data) and data[i] != 128:
        n = data[i]
        if n < 128:
            out += data[i + 1 : i + n + 2]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) > limit:
            raise _too_large_stream()
    _spend(len(out))
    return bytes(out)


def _resolve1(x: object, default: object = None) -> Any:
    from pdfminer.pdftypes import PDFObjRef

    hops = 0
    while isinstance(x, PDFObjRef):
        hops += 1
        if hops > MAX_HOPS:
            raise PdfTooLarge("error.pdf-reference-cycle")
        x = x.resolve(default=default)
    return x


def _count_cmap_entries(parser: Any, token: Any) -> None:
    """Before pdfminer expands a bfrange/cidrange block: how many codes it will map, added to the CMap's count."""
    objs = [obj for _, obj in parser.curstack]
    entries = 0
    for i in range(0, len(objs) - 2, 3):
        start, end = objs[i], objs[i + 1]
        if isinstance(start, bytes) and isinstance(end, bytes) and len(start) == len(end):
            entries += max(0, int.from_bytes(end[-4:], "big") - int.from_bytes(start[-4:], "big") + 1)
    parser.nianbao_entries = getattr(parser, "nianbao_entries", 0) + entries
    if parser.nianbao_entries > MAX_CMAP_ENTRIES:
        raise PdfTooLarge("error.pdf-too-complex", what="CMap codes", what_zh="字体编码映射", limit=MAX_CMAP_ENTRIES)


_installed = False


def install() -> None:
    """Put the bounds in place (once per process)."""
    global _installed
    if _installed:
        return
    import pdfminer.pdffont
    import pdfminer.pdfinterp
    import pdfminer.pdfpage
    import pdfminer.pdftypes
    from pdfminer.cmapdb import CMapParser
    from pdfminer.pdfdocument import PDFDocument

    pdfminer.pdftypes.zlib = _BoundedZlib()  # type: ignore[attr-defined]
    pdfminer.pdftypes.lzwdecode = _lzwdecode  # type: ignore[attr-defined]
    pdfminer.pdftypes.rldecode = _rldecode  # type: ignore[attr-defined]
    for module in (pdfminer.pdftypes, pdfminer.pdfinterp, pdfminer.pdfpage, pdfminer.pdffont):
        module.resolve1 = _resolve1  # type: ignore[attr-defined]

    keyword = CMapParser.do_keyword
    ranges = (CMapParser.KEYWORD_ENDBFRANGE, CMapParser.KEYWORD_ENDCIDRANGE)

    def do_keyword(self: Any, pos: int, token: Any) -> None:
        if token in ranges:
            _count_cmap_entries(self, token)
        keyword(self, pos, token)

    CMapParser.do_keyword = do_keyword  # type: ignore[method-assign]

    get_objects = PDFDocument._get_objects

    def _get_objects(self: Any, stream: Any) -> Any:
        if len(stream.get_data()) > MAX_OBJSTM_BYTES:
            raise PdfTooLarge(
                "error.pdf-too-complex", what="object stream", what_zh="对象流", limit=f"{MAX_OBJSTM_BYTES >> 20} MB"
            )
        return get_objects(self, stream)

    PDFDocument._get_objects = _get_objects  # type: ignore[method-assign]
    _installed = True


def bounded_interpreter(manager: Any, device: Any) -> Any:
    """A page interpreter that counts Form XObjects: nesting depth and drawings per page."""
    from nianbao.engine.readers.pdf.content import execute
    from pdfminer.pdfinterp import PDFPageInterpreter

    class BoundedInterpreter(PDFPageInterpreter):
        depth = 0
        draws: list[int]  # shared by an interpreter and its sub-interpreters: one count per page

        def process_page(self, page: Any) -> None:
            self.draws = [0]
            super().process_page(page)

        def execute(self, streams: Any) -> None:
            execute(self, streams)  # nianbao.engine.readers.pdf.content: the same operators, tokenized faster

        def subinterp(self) -> Any:
            inner = super().subinterp()
            inner.depth = self.depth + 1
            inner.draws = self.draws
            return inner

        def do_Do(self, xobjid_arg: Any) -> None:
            self.draws[0] += 1
            if self.draws[0] > MAX_DRAWS:
                raise PdfTooLarge(
                    "error.pdf-too-complex", what="drawn objects per page", what_zh="每页绘制对象", limit=MAX_DRAWS
                )
            if self.depth >= MAX_XOBJECT_DEPTH:
                raise PdfTooLarge(
                    "error.pdf-too-complex",
                    what="nesting of drawn objects",
                    what_zh="绘制对象嵌套",
                    limit=MAX_XOBJECT_DEPTH,
                )
            super().do_Do(xobjid_arg)

    return BoundedInterpreter(manager, device)
