"""PDF through pdfminer.six: one pass per file, no layout analysis, prose and tables from the same objects.

Each page's characters and ruling lines are collected once (`PDFPageAggregator(laparams=None)`); tables are
rebuilt from the rulings (engine.readers.grid); the remaining characters become text lines, so a table drawn
without rulings still reads row by row. Pages become one stream of blocks; a table that runs onto the next
page simply continues in the stream, and a row cut in two by the page break is joined again.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from engine.errors import ErrorCode, ReadError
from engine.limits import current
from engine.model import Report
from engine.readers import pdfguard
from engine.readers.assemble import build_report
from engine.readers.base import make_source
from engine.readers.blocks import parse_blocks
from engine.readers.grid import (
    MAX_CELLS,
    MAX_RULINGS,
    THIN,
    Char,
    GridTooLarge,
    Segment,
    build_grids,
    join_line,
    rect_segments,
)
from engine.readers.normalize import compact
from engine.readers.raw import Block
from engine.text import unify_radicals

log = logging.getLogger(__name__)

MARGIN_TOP, MARGIN_BOTTOM = 0.07, 0.09  # page-number and running-header bands, as a share of the height
_ITEM = re.compile(r"^\d+[.．、]")


class PdfReader:
    format = "pdf"
    suffixes = (".pdf",)

    def read(self, path: Path, data: bytes) -> Report:
        blocks, pages, notes = pdf_blocks(data)
        if not any(b.compact for b in blocks):
            raise ReadError(ErrorCode.no_text)
        doc = parse_blocks(blocks)
        doc.notes += notes
        return build_report(doc, make_source(path, data, "pdf", pages=pages))


def _page_objects(layout, height: float) -> tuple[list[Char], list[Segment], list[Segment]]:
    """Characters, drawn rulings, and the edges of shaded (filled, unstroked) rectangles."""
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTLine, LTRect

    chars: list[Char] = []
    rulings: list[Segment] = []
    shading: list[Segment] = []

    def walk(items) -> None:
        for obj in items:
            if isinstance(obj, LTChar):
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


def _text_lines(chars: list[Char]) -> list[tuple[float, str]]:
    """Characters outside tables as lines: (top, text), top to bottom."""
    lines: list[tuple[float, float, list[Char]]] = []  # (top, bottom, chars)
    for ch in sorted(chars, key=lambda c: (c.top, c.x0)):
        if lines:
            top, bottom, members = lines[-1]
            overlap = min(bottom, ch.bottom) - max(top, ch.top)
            if overlap >= 0.5 * min(bottom - top, ch.size):
                members.append(ch)
                lines[-1] = (min(top, ch.top), max(bottom, ch.bottom), members)
                continue
        lines.append((ch.top, ch.bottom, [ch]))
    return [(top, join_line(members)) for top, _, members in lines]


def _in_band(top: float, height: float) -> bool:
    return top < height * MARGIN_TOP or top > height * (1 - MARGIN_BOTTOM)


def _is_margin_note(text: str) -> bool:
    """A page number (第 3 页, - 3 -, 3/8): a short line with a digit."""
    return len(compact(text)) <= 12 and any(ch.isdigit() for ch in text)


# What a browser prints around a page it saves as PDF: the date and time, the page's address, "1/3".
_BROWSER_STAMP = re.compile(
    r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}[, ]+(?:上午|下午)?\d{1,2}:\d{2}|^(?:file|https?)://|\s\d+\s*/\s*\d+$"
)


def _margin_key(text: str) -> str:
    """A running header or footer as it repeats from page to page: its text with every number as #."""
    return _DIGITS.sub("#", compact(text))


_DIGITS = re.compile(r"\d+")


def _page_blocks(layout, page_no: int) -> list[tuple[Block, str | None]]:
    """A page's lines and table rows, top to bottom; a line in the top or bottom band carries its margin key, so
    that the document can drop what repeats from page to page (running headers and footers)."""
    height = layout.height
    chars, rulings, shading = _page_objects(layout, height)
    try:
        grids, prose = build_grids(rulings, shading, chars)
    except GridTooLarge as exc:
        what, what_zh, limit = (
            ("ruling lines", "表格线", MAX_RULINGS) if exc.lines else ("table cells", "表格单元格", MAX_CELLS)
        )
        raise pdfguard.PdfTooLarge("error.pdf-too-complex", what=what, what_zh=what_zh, limit=limit) from exc
    items: list[tuple[float, Block, str | None]] = []
    for top, text in _text_lines(prose):
        band = _in_band(top, height)
        if band and (_is_margin_note(text) or _BROWSER_STAMP.search(text.strip())):
            continue
        items.append((top, Block(text=text, page=page_no), _margin_key(text) if band else None))
    width = layout.width or 1.0
    for grid in grids:
        for top, row, boxes in zip(grid.row_tops, grid.rows, grid.boxes, strict=True):
            placed = [
                (round(x0 / width, 4), round(y0 / height, 4), round(x1 / width, 4), round(y1 / height, 4))
                for x0, y0, x1, y1 in boxes
            ]
            items.append((top, Block(cells=row, page=page_no, boxes=placed), None))
    items.sort(key=lambda item: item[0])
    return [(block, key) for _, block, key in items]


def _running(pages: list[list[tuple[Block, str | None]]]) -> set[str]:
    """Margin lines that recur on two pages or more: running headers and footers, not the report's text."""
    seen: dict[str, int] = {}
    for page in pages:
        for key in {key for _, key in page if key}:
            seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count >= 2}


def _join_cut_row(previous: list[Block], following: list[Block]) -> None:
    """A table row cut by a page break: when one part has the figures and the other only label text and
    blank cells, the two parts become one row (label texts joined, the figures kept)."""
    if not previous or not following:
        return
    last, first = previous[-1], following[0]
    if last.cells is None or first.cells is None:
        return
    before, after = last.pieces(), first.pieces()
    labels = [p.text for p in before + after if not p.is_value]
    values_before = [p for p in before if p.is_value]
    values_after = [p for p in after if p.is_value]
    opening = next((p.text for p in after if not p.is_value), "")
    if opening[:1] in ("（", "(") or _ITEM.match(opening):
        return  # the next part opens a row of its own
    if all(p.value is None for p in values_after) and len(values_after) in (0, len(values_before)):
        kept = values_before
    elif all(p.value is None for p in values_before) and len(values_before) in (0, len(values_after)):
        kept = values_after
    else:
        return
    previous[-1] = Block(cells=["".join(labels)] + [p.text for p in kept], page=last.page, line=last.line)
    del following[0]


def pdf_blocks(data: bytes) -> tuple[list[Block], int, list[str]]:
    """The blocks of every page in reading order, the page count, and notes on what could not be read."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    limits = current()
    pdfguard.install()
    pdfguard.start_file()
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = pdfguard.bounded_interpreter(manager, device)
    blocks: list[Block] = []
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
        notes.append(f"PDF 在第 {pages} 页之后损坏，只读取了前 {pages} 页。")
    if pages == 0:
        raise ReadError(ErrorCode.unreadable, detail="no pages")
    running = _running(pages_read)
    for page_blocks in pages_read:
        kept = [block for block, key in page_blocks if key is None or key not in running]
        _join_cut_row(blocks, kept)  # after the running lines are gone, a row cut by the page break meets its rest
        blocks.extend(kept)
    return blocks, pages, notes
