"""Whether a PDF is plain enough for PDFium to read its text: what a word processor prints.

PDFium keeps none of the bounds pdfminer.six is held to here (nianbao.engine.readers.pdf.guard): a content stream
that inflates to 400 MB it inflates, and Form XObjects that draw each other ten times over, eight deep, it draws
(measured: 0.9 and over 2 GB). So before PDFium sees a file, its streams are looked at as bytes, which costs a few
milliseconds (zlib in C): a file is plain when it is not encrypted, draws no Form XObject, marks no text with
/ActualText, every stream's filters are Flate or an image codec PDFium does not decode to read text, each stream and
all together inflate within the limits pdfminer's guard sets, and no CMap maps more codes than the guard allows.
Any other file is read by pdfminer, whose guard answers it as before (too-large, unreadable, encrypted). Being
conservative costs only speed.
"""

from __future__ import annotations

import re
import zlib

from nianbao.engine.limits import current
from nianbao.engine.readers.pdf.guard import MAX_CMAP_ENTRIES, MAX_OBJSTM_BYTES, TOTAL_STREAMS

# A stream's keyword after its dictionary (never the end of `endstream`), and its data's end.
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_END = b"endstream"
# How far back a stream's dictionary is looked for: a dictionary of a kilobyte is long (a font's widths stand in
# the font, not in its file's stream dictionary).
_DICTIONARY = 4096
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+|\d+\s+\d+\s+R)")
_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
_FLATE = (b"FlateDecode", b"Fl")
# Images: their data is decoded only to draw them, never to read a page's text.
_IMAGES = (b"DCTDecode", b"DCT", b"JPXDecode")
_FORM = re.compile(rb"/Subtype\s*/Form\b")
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_BEGIN = re.compile(rb"begin(?:bf|cid)range")
_ENDS = re.compile(rb"end(?:bf|cid)range")
_RANGE = re.compile(rb"<\s*([0-9A-Fa-f\s]+)>\s*<\s*([0-9A-Fa-f\s]+)>")
_CHUNK = 1 << 20
# Marked content standing for other text: PDFium's text page sets all its characters at the run's start (the second
# "a" of "Huaian" on the first), so such a file is read by pdfminer, which reads the glyphs.
_ACTUAL = b"/ActualText"


def plain(data: bytes) -> bool:
    """Whether PDFium may read this PDF's text (see the module's docstring)."""
    if b"/Encrypt" in data or _FORM.search(data) or _ACTUAL in data:
        return False
    limit = int(current().stream_mb * 1024 * 1024)
    budget = TOTAL_STREAMS * limit
    at = 0
    while (found := _STREAM.search(data, at)) is not None:
        begin = found.end()
        end = data.find(_END, begin)
        end = len(data) if end < 0 else end
        head = data[max(0, found.start() - _DICTIONARY) : found.start()]
        dictionary = head[head.rfind(b"obj") + 3 :] if b"obj" in head else head
        size = _decoded(data[begin:end], dictionary, MAX_OBJSTM_BYTES if _OBJSTM.search(dictionary) else limit)
        if size is None:
            return False
        budget -= size
        if budget < 0:
            return False
        at = end + len(_END)
    return True


def _decoded(raw: bytes, dictionary: bytes, limit: int) -> int | None:
    """The stream's decoded size, or None when PDFium should not be given it: a filter other than one Flate or an
    image codec, more than `limit` bytes, data that does not inflate, or a CMap over the guard's count."""
    found = _FILTER.search(dictionary)
    if found is not None and found.group(1).endswith(b"R"):
        return None  # filters named elsewhere: not looked up here
    filters = _NAME.findall(found.group(1)) if found is not None else []
    if not filters:
        return len(raw) if _cmap_fits(raw) else None  # (/ActualText in it: looked for in the whole file)
    if all(name in _IMAGES for name in filters):
        return 0
    if len(filters) != 1 or filters[0] not in _FLATE:
        return None  # LZW, RunLength, ASCII85, Flate twice over…: pdfminer's guard bounds those
    inflater = zlib.decompressobj()
    size, first = 0, b""
    try:
        piece = inflater.decompress(raw, _CHUNK)
        first, tail = piece, b""
        while piece:
            size += len(piece)
            if size > limit or _ACTUAL in tail + piece:
                return None
            tail = piece[-len(_ACTUAL) :]
            piece = inflater.decompress(inflater.unconsumed_tail, _CHUNK) if inflater.unconsumed_tail else b""
    except zlib.error:
        return None
    if b"begincmap" in first and (size > len(first) or not _cmap_fits(first)):
        return None  # a CMap of over a megabyte is no report's; one under it is checked whole
    return size


def _cmap_fits(data: bytes) -> bool:
    """Whether the CMap ranges in `data` map at most the guard's count of codes (a range over 2³² codes is a bomb)."""
    if b"range" not in data:
        return True
    # Each block from its begin to the next end, searched onwards only: a lazy pattern over the whole block would
    # scan to the data's end again from every begin that has no end (quadratic: 184 kB of them took 14 s).
    codes, at = 0, 0
    while (begin := _BEGIN.search(data, at)) is not None:
        end = _ENDS.search(data, begin.end())
        stop = end.start() if end is not None else len(data)
        for low, high in _RANGE.findall(data, begin.end(), stop):
            codes += _code(high) - _code(low) + 1
            if codes > MAX_CMAP_ENTRIES:
                return False
        at = end.end() if end is not None else len(data)
    return True


def _code(digits: bytes) -> int:
    """A CMap's hexadecimal code, whitespace (a line break within it too) left out."""
    return int(b"".join(digits.split()) or b"0", 16)
