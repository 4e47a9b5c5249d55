"""PDF: one pass per file, no layout analysis, prose and tables from the same objects.

Each page's characters and ruling lines are collected once: by PDFium where the file is plain (what a word processor
or a browser prints: nianbao.engine.readers.pdf.plain, .pdfium_text), else by pdfminer.six
(`PDFPageAggregator(laparams=None)`) under its guard. Both give the same characters and lines. Tables are rebuilt
from the rulings (nianbao.engine.readers.pipeline.grid); the remaining characters become text lines, so a table
drawn without rulings still reads row by row. Pages become one stream of blocks; a table that runs onto the next
page simply continues in the stream, and a row cut in two by the page break is joined again.
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
        blocks, pages, notes = pdf_blocks(data)
        if not any(b.compact for b in blocks):
            from nianbao.engine.readers.scan.reader import read_scanned_pdf

            return read_scanned_pdf(path, data)  # a scan: read by OCR where it is set up, else `no-text`
        doc = parse_blocks(blocks)
        doc.notes += notes
        return build_report(doc, make_source(path, data, "pdf", pages=pages))


def _page_objects(layout, height: float) -> tuple[list[Char], list[Segment], list[Segment]]:
    """Characters, drawn rulings, and the edges of shaded (filled, unstroked) rectangles."""
    from nianbao.engine.readers.pdf.content import Glyph
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTLine, LTRect

    chars: list[Char] = []
    rulings: list[Segment] = []
    shading: list[Segment] = []

    def walk(items) -> None:
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
            elif isinstance(obj, LTFigure):
                walk(obj)

    walk(layout)
    return chars, rulings, shading


def _page_blocks(layout, page_no: int) -> list[tuple[Block, str | None]]:
    chars, rulings, shading = _page_objects(layout, layout.height)
    return _laid(chars, rulings, shading, layout.width, layout.height, page_no)


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


def pdf_blocks(data: bytes) -> tuple[list[Block], int, list[str]]:
    """The blocks of every page in reading order, the page count, and notes on what could not be read."""
    laid, pages, notes = pdf_pages(data)
    return stitch(laid), pages, notes


def pdf_pages(data: bytes) -> tuple[list[list[tuple[Block, str | None]]], int, list[str]]:
    """Each page's blocks (with their margin keys) before the pages are stitched, the page count, and notes."""
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
        return laid, len(laid), []
    pdfguard.install()
    pdfguard.start_file()
    manager = PDFResourceManager()
    device = glyph_device(manager)
    interpreter = pdfguard.bounded_interpreter(manager, device)
    pages_read: list[list[tuple[Block, str | None]]] = []
    notes: list[str] = []
    pages = 0
    try:
        for page_no, page in enumerate(PDFPage.get_pages(io.BytesIO(data)), start=1):
            if page_no > limits.pdf_pages:
                raise ReadError(
                    ErrorCode.too_large, size=f"> {limits.pdf_pages} pages", limit=f"{limits.pdf_pages} pages"
                )
            interpreter.process_page(page)
            pages_read.append(_page_blocks(device.get_result(), page_no))
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
    return pages_read, pages, notes


def _by_pdfium(data: bytes, max_pages: int) -> list[list[tuple[Block, str | None]]] | None:
    """Each page's blocks read by PDFium; None where pdfminer is to read the file: not plain, more pages than the
    limit (pdfminer reads up to it and says so), one PDFium cannot open (pdfminer says why, or reads what it can of a
    damaged file), or no text on any page (a scan, or contents a broken reference hides: pdfminer tells which)."""
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
    if pages is None or not any(page.chars for page in pages):
        return None
    return [_laid(p.chars, p.rulings, p.shading, p.width, p.height, n) for n, p in enumerate(pages, start=1)]
