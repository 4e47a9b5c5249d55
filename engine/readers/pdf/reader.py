"""PDF: one pass per file, no layout analysis, prose and tables from the same objects.

Each page's characters and ruling lines are collected once: by PDFium where the file is plain (what a word processor
or a browser prints: nianbao.engine.readers.pdf.plain, .pdfium_text), else by pdfminer.six
(`PDFPageAggregator(laparams=None)`) under its guard. Both give the same characters and lines. Tables are rebuilt
from the rulings (nianbao.engine.readers.pipeline.grid); the remaining characters become text lines, so a table
drawn without rulings still reads row by row. Pages become one stream of blocks; a table that runs onto the next
page simply continues in the stream, and a row cut in two by the page break is joined again.

A page that shows what its text layer lacks (a scanned page, a table pasted as a picture, text drawn invisible over
a scan, glyphs without Unicode: nianbao.engine.readers.pdf.shown) is read from its image by OCR; when every page with
anything on it is so, the PDF is read as a scan.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report
from nianbao.engine.notes import note
from nianbao.engine.readers.base import make_source
from nianbao.engine.readers.pdf import guard as pdfguard
from nianbao.engine.readers.pdf.shown import Box, Shown, shown
from nianbao.engine.readers.pdfium import PDFIUM
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.grid import (
    MAX_CELLS,
    MAX_RULINGS,
    THIN,
    Char,
    GridTooLarge,
    Segment,
    rect_segments,
)
from nianbao.engine.readers.pipeline.positioned import layout_page, stitch
from nianbao.engine.readers.pipeline.raw import Block
from nianbao.engine.text import unify_radicals

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PdfSettings:
    # A plain PDF's characters and lines are read by PDFium: the same blocks as pdfminer.six gives on every PDF of
    # the tests, the benchmarks and ../shared/corpus, in about half its time (benchmarks/run.py, "(b) in one
    # process"). Off, every PDF is read by pdfminer, as before 2026-12-06.
    pdfium: bool = True


SETTINGS = PdfSettings()


class PdfReader:
    format = "pdf"
    suffixes = (".pdf",)

    def read(self, path: Path, data: bytes) -> Report:
        read = pdf_read(data)
        blocks = stitch(read.laid)
        unread = [number for number, seen in enumerate(read.shown, start=1) if seen.unread]
        if not any(b.compact for b in blocks) or (unread and all(s.unread or not s.chars for s in read.shown)):
            from nianbao.engine.readers.scan.reader import read_scanned_pdf

            # a scan, or nothing the text layer holds worth keeping: read by OCR where it is set up, else `no-text`
            report = read_scanned_pdf(path, data)
            if any(s.hidden or s.unmapped for s in read.shown):
                report.notes.insert(0, note("note.text-layer-unread"))
            return report
        beside = {n: list(read.shown[n - 1].bare) for n in unread if read.shown[n - 1].beside_text}
        if beside:
            from nianbao.engine.readers.scan.reader import ocr_ready, printed_pictures

            # pictures beside the text: print is read, a photograph is not; without OCR, the text is read as it is
            # and a table missing is refused below, as a web page's pictures are
            printed = printed_pictures(data, beside) if ocr_ready() else set()
            unread = [n for n in unread if n not in beside or n in printed]
        if unread:
            from nianbao.engine.readers.scan.reader import read_pdf_pages

            return read_pdf_pages(path, data, read.laid, unread, read.notes)
        doc = parse_blocks(blocks)
        doc.notes += read.notes
        report = build_report(doc, make_source(path, data, "pdf", pages=read.pages))
        if beside and not all(report.table(t) for t in ("proactive", "applications", "review_litigation")):
            from nianbao.engine.readers.scan.reader import ocr_ready

            if not ocr_ready():  # the table may be one of the pictures: what cannot be read is not the report's fault
                pages = "、".join(str(n) for n in beside)
                raise ReadError(ErrorCode.no_text, "error.pages-no-text", pages=pages, count=len(beside))
        return report


@dataclass(frozen=True)
class PdfPages:
    """A PDF's pages as its text layer gives them."""

    laid: list[list[tuple[Block, str | None]]]  # each page's blocks (with their margin keys), not yet stitched
    pages: int
    notes: list[str]  # what could not be read
    shown: list[Shown]  # each page: what its text layer left out, and whether it is to be read from its image


def _page_objects(layout, height: float) -> tuple[list[Char], list[Segment], list[Segment], list[Box], int]:
    """Characters, drawn rulings, the edges of shaded (filled, unstroked) rectangles, pictures' boxes, and how many
    curves are drawn (a seal's ring, glyphs drawn as outlines)."""
    from nianbao.engine.readers.pdf.content import Glyph
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage, LTLine, LTRect

    chars: list[Char] = []
    rulings: list[Segment] = []
    shading: list[Segment] = []
    pictures: list[Box] = []
    curves = 0

    def walk(items) -> None:
        nonlocal curves
        for obj in items:
            if isinstance(obj, Glyph | LTChar):
                text = unify_radicals(obj.get_text())
                if text.strip():
                    chars.append(Char(obj.x0, height - obj.y1, obj.x1, height - obj.y0, text))
            elif isinstance(obj, LTLine | LTRect) or (isinstance(obj, LTCurve) and len(obj.pts) <= 5):
                # LTLine and LTRect are LTCurve subclasses; a short curve is usually a drawn border.
                edges = rect_segments(obj.x0, height - obj.y1, obj.x1, height - obj.y0)
                thin = min(obj.width, obj.height) <= THIN
                (rulings if obj.stroke or thin or isinstance(obj, LTLine) else shading).extend(edges)
            elif isinstance(obj, LTCurve):
                curves += 1
            elif isinstance(obj, LTImage):
                pictures.append((obj.x0, height - obj.y1, obj.x1, height - obj.y0))
            elif isinstance(obj, LTFigure):
                walk(obj)

    walk(layout)
    return chars, rulings, shading, pictures, curves


def _page_blocks(layout, page_no: int, hidden: int, unmapped: int) -> tuple[list[tuple[Block, str | None]], Shown]:
    chars, rulings, shading, pictures, curves = _page_objects(layout, layout.height)
    seen = shown(chars, pictures, layout.width, hidden, unmapped, curves, first=page_no == 1)
    return _laid(chars, rulings, shading, layout.width, layout.height, page_no), seen


def _laid(
    chars: list[Char], rulings: list[Segment], shading: list[Segment], width: float, height: float, page_no: int
) -> list[tuple[Block, str | None]]:
    try:
        return layout_page(chars, rulings, shading, width, height, page_no)
    except GridTooLarge as exc:
        what, what_zh, limit = (
            ("ruling lines", "表格线", MAX_RULINGS) if exc.lines else ("table cells", "表格单元格", MAX_CELLS)
        )
        raise pdfguard.PdfTooLarge("error.pdf-too-complex", what=what, what_zh=what_zh, limit=limit) from exc


def pdf_pages(data: bytes) -> tuple[list[list[tuple[Block, str | None]]], int, list[str]]:
    """Each page's blocks (with their margin keys) before the pages are stitched, the page count, and notes."""
    read = pdf_read(data)
    return read.laid, read.pages, read.notes


def pdf_read(data: bytes) -> PdfPages:
    """The PDF's pages as its text layer gives them: by PDFium where the file is plain, else by pdfminer.six."""
    from nianbao.engine.readers.pdf.content import glyph_device
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    limits = current()
    try:
        laid = _by_pdfium(data, limits.pdf_pages) if SETTINGS.pdfium else None
    except pdfguard.PdfTooLarge as exc:
        raise ReadError(ErrorCode.too_large, exc.key, **exc.params) from None
    if laid is not None:
        return PdfPages([page for page, _ in laid], len(laid), [], [seen for _, seen in laid])
    pdfguard.install()
    pdfguard.start_file()
    manager = PDFResourceManager()
    device = glyph_device(manager)
    interpreter = pdfguard.bounded_interpreter(manager, device)
    pages_read: list[list[tuple[Block, str | None]]] = []
    seen: list[Shown] = []
    notes: list[str] = []
    pages = 0
    try:
        for page_no, page in enumerate(PDFPage.get_pages(io.BytesIO(data)), start=1):
            if page_no > limits.pdf_pages:
                raise ReadError(
                    ErrorCode.too_large, size=f"> {limits.pdf_pages} pages", limit=f"{limits.pdf_pages} pages"
                )
            interpreter.process_page(page)
            page_read, page_seen = _page_blocks(device.get_result(), page_no, device.hidden, device.unmapped)
            pages_read.append(page_read)
            seen.append(page_seen)
            pages = page_no
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ReadError(ErrorCode.encrypted) from None
    except pdfguard.PdfTooLarge as exc:
        cycle = exc.key == "error.pdf-reference-cycle"
        raise ReadError(ErrorCode.unreadable if cycle else ErrorCode.too_large, exc.key, **exc.params) from None
    except (
        PDFSyntaxError,
        PSException,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
    ) as exc:
        # pdfminer raises plain Python errors on many corrupt files.
        if pages == 0:
            raise ReadError(ErrorCode.unreadable, detail=f"{type(exc).__name__}: {exc}") from None
        log.warning("PDF damaged after page %d: %s", pages, exc)
        notes.append(note("note.pdf-truncated", pages=pages))
    if pages == 0:
        raise ReadError(ErrorCode.unreadable, detail="no pages")
    return PdfPages(pages_read, pages, notes, seen)


def _by_pdfium(data: bytes, max_pages: int) -> list[tuple[list[tuple[Block, str | None]], Shown]] | None:
    """Each page's blocks read by PDFium, and what it shows; None where pdfminer is to read the file: not plain, more
    pages than the limit (pdfminer reads up to it and says so), one PDFium cannot open (pdfminer says why, or reads
    what it can of a damaged file), or no text on any page while some page shows nothing to read from its image
    either (contents a broken reference hides: pdfminer tells). A PDF each of whose pages is a picture, outlines
    or glyphs without Unicode is read by OCR: pdfminer would only say so again (an outlined report's pages took it
    0.3 CPU s each)."""
    from nianbao.engine.readers.pdf.pdfium_text import pdfium_pages
    from nianbao.engine.readers.pdf.plain import plain
    from pypdfium2 import PdfiumError

    if not plain(data):
        return None
    try:
        with PDFIUM:  # a Dask worker checks files in threads (nianbao.engine.readers.pdfium)
            pages = pdfium_pages(data, max_pages)
    except (PdfiumError, AttributeError):  # PDFium cannot open it, or an older PDFium lacks a call of its text API
        return None
    if pages is None or (not any(page.chars for page in pages) and not all(page.shown.unread for page in pages)):
        return None
    return [(_laid(p.chars, p.rulings, p.shading, p.width, p.height, n), p.shown) for n, p in enumerate(pages, 1)]
