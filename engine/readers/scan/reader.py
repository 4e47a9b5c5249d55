"""Scans: a PDF of page images (the stamped 盖章扫描件) and photos or scans saved as PNG, JPEG or TIFF.

The pages are read by OCR (nianbao.engine.readers.scan.ocr) into characters and rulings, then go through the same page
builder, page stitching and report assembly as a PDF's text. Every table cell read by OCR is marked in the model: its
anchor says `source: "ocr"` and, for a figure, the reading's `confidence`. Without the `ocr` extra (Pillow) and
Tesseract with its Chinese model, a scan gets `no-text` (a PDF) or `unsupported` (an image), and one sentence on
what to install or submit instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report
from nianbao.engine.notes import note
from nianbao.engine.packs import unpack_pages
from nianbao.engine.readers.base import make_source
from nianbao.engine.readers.pdfium import PDFIUM
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.grid import GridTooLarge
from nianbao.engine.readers.pipeline.positioned import layout_page, stitch
from nianbao.engine.readers.scan.mend import label_hidden_rows, restore_agency, restore_headings
from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, tuned

if TYPE_CHECKING:
    from nianbao.engine.readers.scan.ocr import ScannedPage
    from PIL import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
_IDEOGRAPH = re.compile(r"[\u4e00-\u9fff]")


def ocr_ready() -> bool:
    """Whether scans can be read here: Pillow (the `ocr` extra) and Tesseract with Chinese and English models."""
    try:
        import PIL  # noqa: F401
    except ImportError:
        return False
    from nianbao.engine.readers.scan.tesseract import available

    return available()


class ImageReader:
    format = "image"
    suffixes = IMAGE_SUFFIXES

    def read(self, path: Path, data: bytes) -> Report:
        if not ocr_ready():
            raise ReadError(ErrorCode.unsupported, "error.needs-ocr", suffix=path.suffix.lower() or "image")
        parts = unpack_pages(data)
        if parts is None:
            count, pages = _image_pages(data)
            return read_scan(path, data, pages, "image", count)
        count, pages = images_pages(parts)  # one report sent as numbered page images
        return read_scan(path, data, pages, "image", count)


def read_scanned_pdf(path: Path, data: bytes) -> Report:
    """A PDF without a text layer, read by OCR; `no-text` (with the install hint) when OCR is not set up here."""
    if not ocr_ready():
        raise ReadError(ErrorCode.no_text)
    import pypdfium2 as pdfium

    with PDFIUM:  # each call to PDFium holds it (nianbao.engine.readers.pdfium); OCR runs outside it
        document = pdfium.PdfDocument(data)
    try:
        with PDFIUM:
            count = len(document)
            sizes = [document.get_page_size(number) for number in range(min(count, tuned().pages.max_pages))]
        if count > tuned().pages.max_pages:
            raise ReadError(
                ErrorCode.too_large, size=f"{count} scanned pages", limit=f"{tuned().pages.max_pages} pages"
            )

        scale = tuned().pages.render_dpi / POINTS_PER_INCH
        for width, height in sizes:  # every page's size before the first is drawn: a page as large as a wall is no
            if width * height * scale * scale > tuned().pages.max_pixels:  # report page, and would take gigabytes
                size = f"{width * scale:,.0f}×{height * scale:,.0f} pixels"
                raise ReadError(ErrorCode.too_large, size=size, limit=f"{tuned().pages.max_pixels:,} pixels")

        def pages() -> Iterator[tuple[Image.Image, float]]:
            for number in range(count):
                with PDFIUM:
                    page = document[number]
                    bitmap = page.render(scale=scale)
                    # in colour: a red seal goes by its red channel (nianbao.engine.readers.scan.raster.ink); a copy,
                    # so the bitmap is closed here
                    image = bitmap.to_pil().convert("RGB")
                    bitmap.close()
                    page.close()
                yield image, tuned().pages.render_dpi

        return read_scan(path, data, pages(), "pdf", count)
    finally:
        with PDFIUM:
            document.close()


def page_dpi(size: tuple[int, int], stated: object) -> float:
    """The resolution of a page image: as the file states it, unless that would make the page's short side
    narrower or wider than a report page can be (`page_inches`: a resolution written in the wrong unit, 300 per cm
    read as 762 dpi, or none at all); then the page is taken to be A4 across."""
    s = tuned().pages
    try:
        dpi = float(stated[0]) if isinstance(stated, tuple) and stated[0] else s.default_dpi  # type: ignore[index]
    except (TypeError, ValueError):
        dpi = s.default_dpi
    short = min(size)
    low, high = s.page_inches
    least, most = s.dpi_range
    if not least <= dpi <= most or not low <= short / dpi <= high:
        return max(least, min(most, short / s.a4_inches))
    return dpi


def images_pages(images: list[bytes]) -> tuple[int, Iterator[tuple[Image.Image, float]]]:
    """The pages of several images in turn (numbered page images, a scanned OFD's pictures), bounded together."""
    opened = [_image_pages(image) for image in images]
    count = sum(n for n, _ in opened)
    if count > tuned().pages.max_pages:
        raise ReadError(ErrorCode.too_large, size=f"{count} scanned pages", limit=f"{tuned().pages.max_pages} pages")
    return count, (page for _, frames in opened for page in frames)


def _image_pages(data: bytes) -> tuple[int, Iterator[tuple[Image.Image, float]]]:
    """How many pages (frames) the image holds, and each page decoded in turn (a multi-page TIFF is not held whole)."""
    from io import BytesIO

    from PIL import Image, ImageSequence, UnidentifiedImageError

    def failed(exc: Exception) -> ReadError:
        if isinstance(exc, Image.DecompressionBombError):
            return ReadError(
                ErrorCode.too_large,
                size=f"> {tuned().pages.max_pixels:,} pixels",
                limit=f"{tuned().pages.max_pixels:,} pixels",
            )
        return ReadError(ErrorCode.unreadable, detail=f"not an image: {exc}")

    errors = (Image.DecompressionBombError, UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError)
    try:
        image = Image.open(BytesIO(data))
        count = _frames(image)
    except errors as exc:
        raise failed(exc) from None
    if count > tuned().pages.max_pages:
        raise ReadError(
            ErrorCode.too_large,
            size=f"> {tuned().pages.max_pages} scanned pages",
            limit=f"{tuned().pages.max_pages} pages",
        )

    def pages() -> Iterator[tuple[Image.Image, float]]:
        try:
            for frame in ImageSequence.Iterator(image):
                if (
                    frame.size[0] * frame.size[1] > tuned().pages.max_pixels
                ):  # known from the header, before any pixel is decoded
                    raise ReadError(ErrorCode.too_large, size=f"{frame.size[0]}×{frame.size[1]} pixels",
                                    limit=f"{tuned().pages.max_pixels:,} pixels")  # fmt: skip
                yield on_paper(frame), page_dpi(frame.size, frame.info.get("dpi"))
        except errors as exc:
            raise failed(exc) from None

    return count, pages()


def _frames(image: Image.Image) -> int:
    """How many frames (pages) an image holds, counted no further than `max_pages` + 1: Pillow's own count walks
    every frame, and a small TIFF can chain hundreds of thousands. (Pillow's count after a failed seek is wrong,
    so the frames are counted by seeking each in turn.)"""
    if not getattr(image, "is_animated", False):
        return 1
    count = 1
    try:
        while count <= tuned().pages.max_pages:
            image.seek(count)
            count += 1
    except EOFError:
        pass
    image.seek(0)
    return count


def read_scan(path: Path, data: bytes, pages: Iterable[tuple[Image.Image, float]], fmt: str, count: int) -> Report:
    from nianbao.engine.readers.scan.ocr import read_pages
    from nianbao.engine.readers.scan.tesseract import Deadline

    try:  # a page whose image makes thousands of "rulings" is no report page
        scanned = read_pages(pages, Deadline(current().timeout * tuned().pages.time_share))
        laid = [
            layout_page(page.chars, page.rulings, [], page.width, page.height, number)
            for number, page in enumerate(scanned, start=1)
        ]
    except GridTooLarge as exc:
        what, what_zh = ("ruling lines", "表格线") if exc.lines else ("table cells", "表格单元格")
        limit = exc.limit
        raise ReadError(ErrorCode.too_large, "error.pdf-too-complex", what=what, what_zh=what_zh, limit=limit) from exc
    blocks = stitch(laid)
    if not any(b.compact for b in blocks):
        raise ReadError(ErrorCode.no_text, "error.scan-no-text")
    restored = restore_headings(blocks)
    label_hidden_rows(blocks)
    doc = parse_blocks(blocks)
    doc.notes += restored
    doc.ocr = True
    try:
        report = build_report(doc, make_source(path, data, fmt, pages=count))  # type: ignore[arg-type]
    except ReadError as exc:
        # Little text read and no section: as likely a report OCR could not read as no report at all.
        if (
            exc.code is ErrorCode.not_a_report
            and len(_IDEOGRAPH.findall(doc.full_text)) < tuned().pages.not_a_report_text
        ):
            raise ReadError(ErrorCode.illegible, rows=0, expected=_expected_rows(None), sections=0) from None
        raise
    report.source.reading = "ocr"
    if agency := restore_agency(report):
        report.notes.append(agency)
    _refuse_illegible(report)
    _mark(report, scanned)
    report.notes += _page_notes(scanned)
    report.notes.append(note("note.scan"))
    return report


def _expected_rows(template: str | None) -> int:
    from nianbao.engine.template import APPLICATION_ROWS, PROACTIVE_ROWS, Template

    chosen = Template(template) if template else Template.T2021
    return len(APPLICATION_ROWS[chosen]) + len(PROACTIVE_ROWS[chosen])


def _refuse_illegible(report: Report) -> None:
    """`illegible` when too little of the template was read to judge the report (`min_rows_share`, `min_sections`)."""
    rows = sum(
        1 for table in ("proactive", "applications") for key in report.table(table) if not key.startswith("extra.")
    )
    expected = _expected_rows(report.template)
    s = tuned().pages
    if rows < expected * s.min_rows_share or len(report.sections) < s.min_sections:
        raise ReadError(ErrorCode.illegible, rows=rows, expected=expected, sections=len(report.sections))


def _page_notes(scanned: list[ScannedPage]) -> list[str]:
    """What was done to a page to read it: turned upright, cut from a photo's surround, straightened to the edge of
    what is corrected."""
    edge = tuned().raster.max_skew - tuned().raster.coarse_step  # the steepest tilt straightened, near enough
    notes = []
    for number, page in enumerate(scanned, start=1):
        if page.turn:
            notes.append(note("note.page-turned", page=number, turn=page.turn))
        if page.photo:
            notes.append(note("note.page-photo", page=number))
        if abs(page.angle) > edge:
            notes.append(note("note.page-tilted", page=number, angle=f"{abs(page.angle):.1f}"))
    return notes


def _mark(report: Report, scanned: list[ScannedPage]) -> None:
    """Each table cell read by OCR marked as such, a figure with its reading's confidence."""
    for anchor in report.cell_anchors.values():
        anchor.source = "ocr"
        if anchor.page is not None and anchor.box is not None and 1 <= anchor.page <= len(scanned):
            anchor.confidence = cell_confidence(scanned[anchor.page - 1], anchor.box)


def cell_confidence(page: ScannedPage, box: tuple[float, float, float, float]) -> float | None:
    """The confidence of the cell read at the centre of `box` (fractions of the page), if a cell was read there."""
    left, top, right, bottom = box
    cx, cy = (left + right) / 2 * page.width, (top + bottom) / 2 * page.height
    for cell in page.cells:
        x0, y0, x1, y1 = cell.box
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            return cell.confidence
    return None


def on_paper(frame: Image.Image) -> Image.Image:
    """The frame as RGB on white paper: a picture with transparent paper (a PNG cut from a document) would otherwise
    turn black where the paper is, and its black text would vanish into it."""
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    return frame.convert("RGB")
