"""Scans: a PDF of page images (the stamped 盖章扫描件) and photos or scans saved as PNG, JPEG or TIFF.

The pages are read by OCR (nianbao.engine.readers.scan.ocr) into characters and rulings, then go through the same page
builder, page stitching and report assembly as a PDF's text. Every table cell read by OCR is marked in the model: its
anchor says `source: "ocr"` and, for a figure, the reading's `confidence`. Without the `ocr` extra (Pillow) and
Tesseract with its Chinese model, a scan gets `no-text` (a PDF) or `unsupported` (an image), and one sentence on
what to install or submit instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

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
from nianbao.engine.readers.pipeline.raw import Block
from nianbao.engine.readers.scan.marks import cell_confidence, mark
from nianbao.engine.readers.scan.mend import label_hidden_rows, restore_agency, restore_headings
from nianbao.engine.readers.scan.pdf_images import bilevel_picture
from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, tuned
from nianbao.engine.text import IDEOGRAPH

if TYPE_CHECKING:
    from nianbao.engine.readers.scan.ocr import ScannedPage
    from PIL import Image

_T = TypeVar("_T")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")


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
    return _drawn_pdf(data, None, lambda count, pages: read_scan(path, data, pages, "pdf", count))


def of_print(image: Image.Image) -> bool:
    """Whether a picture is of print (a table, a page) rather than a photograph: mostly paper (`PageSettings`)."""
    s = tuned().pages
    small = image.convert("L")
    small.thumbnail((s.look_pixels, s.look_pixels))
    counts = small.histogram()
    total, seen, brightest = sum(counts), 0, 255
    for level in range(256):  # the 95th percentile: the paper's own level, bright or dim
        seen += counts[level]
        if seen >= 0.95 * total:
            brightest = level
            break
    return sum(counts[max(0, brightest - s.paper_span) :]) >= s.print_share * max(total, 1)


def printed_pictures(data: bytes, pictures: dict[int, list[tuple[float, float, float, float]]]) -> set[int]:
    """The pages (from 1) of `pictures` (each one's box on its page: x0, top, x1, bottom, points) at least one of whose
    pictures is of print, seen on the page drawn small."""
    scale = tuned().pages.look_pixels / 8.27 / POINTS_PER_INCH  # an A4 page's width in look_pixels

    def seen(count: int, pages: Iterator[tuple[Image.Image, float]]) -> set[int]:
        out = set()
        for number, (image, _) in zip(sorted(pictures), pages, strict=True):
            for x0, top, x1, bottom in pictures[number]:
                crop = image.crop((round(x0 * scale), round(top * scale), round(x1 * scale), round(bottom * scale)))
                if crop.size[0] and crop.size[1] and of_print(crop):
                    out.add(number)
        return out

    return _drawn_pdf(data, sorted(pictures), seen, dpi=scale * POINTS_PER_INCH)


def read_pdf_pages(
    path: Path, data: bytes, laid: list[list[tuple[Block, str | None]]], numbers: list[int], notes: list[str]
) -> Report:
    """A PDF whose text layer gave `laid`, except on the pages `numbers` (from 1), which show what it lacks (a scanned
    page among printed ones, a table pasted as a picture, glyphs without Unicode: nianbao.engine.readers.pdf.shown):
    those read from their images by OCR, and the report marked as read by OCR (a section or row found missing may be
    on them, unread). `no-text`, naming the pages, when OCR is not set up here."""
    if not ocr_ready():
        shown = "、".join(str(n) for n in numbers)
        raise ReadError(ErrorCode.no_text, "error.pages-no-text", pages=shown, count=len(numbers))
    scanned = _drawn_pdf(data, numbers, lambda count, pages: ocr_pages(pages))
    laid = list(laid)
    for number, page in zip(numbers, scanned, strict=True):
        laid[number - 1] = _laid(page, number)
    blocks = stitch(laid)
    restored = restore_headings(blocks)
    label_hidden_rows(blocks)
    doc = parse_blocks(blocks)
    doc.notes += notes + restored
    doc.ocr = True
    report = build_report(doc, make_source(path, data, "pdf", pages=len(laid)))
    report.source.reading, report.source.ocr_pages = "ocr", list(numbers)
    by_number = dict(zip(numbers, scanned, strict=True))
    for anchor in report.cell_anchors.values():
        if anchor.page in by_number:
            anchor.source = "ocr"
            if anchor.box is not None:
                anchor.confidence = cell_confidence(by_number[anchor.page], anchor.box)
    report.notes += _page_notes(scanned, numbers)
    report.notes.append(note("note.pages-ocr", pages="、".join(str(n) for n in numbers), count=len(numbers)))
    return report


def _drawn_pdf(
    data: bytes,
    numbers: list[int] | None,
    read: Callable[[int, Iterator[tuple[Image.Image, float]]], _T],
    dpi: float | None = None,
) -> _T:
    """`read(count, pages)` given the PDF's pages (those `numbers`, from 1, or all) drawn one by one at the scan's
    resolution (or `dpi`); `too-large` before the first is drawn when they are too many or one is too large."""
    import pypdfium2 as pdfium

    with PDFIUM:  # each call to PDFium holds it (nianbao.engine.readers.pdfium); OCR runs outside it
        document = pdfium.PdfDocument(data)
    try:
        with PDFIUM:
            wanted = [n - 1 for n in numbers] if numbers is not None else list(range(len(document)))
            count = len(wanted)
            sizes = [document.get_page_size(number) for number in wanted[: tuned().pages.max_pages]]
        if count > tuned().pages.max_pages:
            raise ReadError(
                ErrorCode.too_large, size=f"{count} scanned pages", limit=f"{tuned().pages.max_pages} pages"
            )

        drawn_dpi = dpi or tuned().pages.render_dpi
        scale = drawn_dpi / POINTS_PER_INCH
        for width, height in sizes:  # every page's size before the first is drawn: a page as large as a wall is no
            if width * height * scale * scale > tuned().pages.max_pixels:  # report page, and would take gigabytes
                size = f"{width * scale:,.0f}×{height * scale:,.0f} pixels"
                raise ReadError(ErrorCode.too_large, size=size, limit=f"{tuned().pages.max_pixels:,} pixels")

        def pages() -> Iterator[tuple[Image.Image, float]]:
            for number in wanted:
                with PDFIUM:
                    page = document[number]
                    own = bilevel_picture(page) if dpi is None else None  # a black-and-white scan's own pixels
                    if own is None:
                        bitmap = page.render(scale=scale)
                        # in colour: a red seal goes by its red channel (nianbao.engine.readers.scan.raster.ink); a
                        # copy, so the bitmap is closed here
                        own = bitmap.to_pil().convert("RGB"), drawn_dpi
                        bitmap.close()
                    page.close()
                yield own

        return read(count, pages())
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


def ocr_pages(pages: Iterable[tuple[Image.Image, float]]) -> list[ScannedPage]:
    """Each (image, dpi) page read by OCR within the file's share of time for it; `too-large` for a page whose image
    makes thousands of "rulings" or cells (no report page)."""
    from nianbao.engine.readers.scan.ocr import read_pages
    from nianbao.engine.readers.scan.tesseract import Deadline

    try:
        return read_pages(pages, Deadline(current().timeout * tuned().pages.time_share))
    except GridTooLarge as exc:
        raise _too_complex(exc) from exc


def read_scan(path: Path, data: bytes, pages: Iterable[tuple[Image.Image, float]], fmt: str, count: int) -> Report:
    scanned = ocr_pages(pages)
    blocks = stitch([_laid(page, number) for number, page in enumerate(scanned, start=1)])
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
            and len(IDEOGRAPH.findall(doc.full_text)) < tuned().pages.not_a_report_text
        ):
            raise ReadError(ErrorCode.illegible, rows=0, expected=_expected_rows(None), sections=0) from None
        raise
    report.source.reading = "ocr"
    if agency := restore_agency(report):
        report.notes.append(agency)
    _refuse_illegible(report)
    mark(report, scanned)
    report.notes += _page_notes(scanned)
    report.notes.append(note("note.scan"))
    return report


def _laid(page: ScannedPage, number: int) -> list[tuple[Block, str | None]]:
    try:  # a page whose image makes thousands of "rulings" is no report page
        return layout_page(page.chars, page.rulings, [], page.width, page.height, number)
    except GridTooLarge as exc:
        raise _too_complex(exc) from exc


def _too_complex(exc: GridTooLarge) -> ReadError:
    what, what_zh = ("ruling lines", "表格线") if exc.lines else ("table cells", "表格单元格")
    return ReadError(ErrorCode.too_large, "error.pdf-too-complex", what=what, what_zh=what_zh, limit=exc.limit)


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


def _page_notes(scanned: list[ScannedPage], numbers: list[int] | None = None) -> list[str]:
    """What was done to a page to read it: turned upright, cut from a photo's surround, straightened to the edge of
    what is corrected. `numbers`: the pages' numbers in the document, when not 1, 2, …"""
    edge = tuned().raster.max_skew - tuned().raster.coarse_step  # the steepest tilt straightened, near enough
    notes = []
    for number, page in zip(numbers or range(1, len(scanned) + 1), scanned, strict=True):
        if page.turn:
            notes.append(note("note.page-turned", page=number, turn=page.turn))
        if page.photo:
            notes.append(note("note.page-photo", page=number))
        if abs(page.angle) > edge:
            notes.append(note("note.page-tilted", page=number, angle=f"{abs(page.angle):.1f}"))
    return notes


def on_paper(frame: Image.Image) -> Image.Image:
    """The frame as RGB on white paper: a picture with transparent paper (a PNG cut from a document) would otherwise
    turn black where the paper is, and its black text would vanish into it."""
    from PIL import Image

    if frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    return frame.convert("RGB")
