"""Tables a portal published as pictures inside its page (a screenshot of the Word or Excel table): read in place.

A page saved with its pictures arrives as one pack (nianbao.engine.packs.pack_saved: 报告.html and its 报告_files
folder);
a picture may also be inside the page itself (a `data:` address). Each picture in the article large enough to hold
a table is read by OCR like a scan's page (nianbao.engine.readers.scan.ocr), and its rows stand in the block stream
where the picture stood, so the table is found under its section as if it were text. Its cells are marked as a scan's
are (`source: "ocr"`, a figure with its confidence), so a finding that rests on a misread figure waits for a person.

When a table is missing and the article shows pictures that were not sent, the page is refused with a code that
says what to send (`images-missing`): judging it would blame the report for pictures Nianbao never saw.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.model import Report
from nianbao.engine.readers.pipeline.grid import Char, Segment
from nianbao.engine.readers.pipeline.raw import Block

if TYPE_CHECKING:
    from nianbao.engine.readers.scan.ocr import ScannedPage
    from PIL import Image


@dataclass(frozen=True)
class PictureSettings:
    # A picture in a web page is drawn in CSS pixels, 96 to the inch; a screenshot states no other resolution that
    # can be trusted (PNG writers put 72, 96 or nothing).
    css_dpi: float = 96.0
    # Read at this resolution: the scan path is tuned for 200 dpi pages, and a 9 pt figure at 96 dpi is 12 px high,
    # too small for Tesseract; drawn at 200 dpi it is 25 px.
    read_dpi: float = 200.0
    # A table's picture is at least this many CSS pixels each way: table 四 is wide and short (three header lines and
    # a line of figures, 95 px in a browser's picture); narrower ones are icons, seals and QR codes, flatter ones rules.
    min_width: int = 240
    min_height: int = 48
    # At most this many pictures of a page are read (a report has three tables, sometimes cut into a picture a page).
    max_pictures: int = 12


SETTINGS = PictureSettings()


def addresses(sources: list[str]) -> list[str]:
    """The pictures' addresses in the order the article shows them, each once."""
    return list(dict.fromkeys(s for s in sources if s.strip()))


def resolve(src: str, files: dict[str, bytes]) -> bytes | None:
    """A picture's bytes: from its `data:` address, or the saved file its address names (by its path relative to the
    page's folder, else by its file name when only one saved file has it: a page saved from the portal keeps
    absolute addresses, http://…/W020240123.png, and the browser writes the file as 报告_files/W020240123.png)."""
    src = src.strip()
    if src.startswith("data:"):
        head, _, body = src.partition(",")
        if not head.endswith(";base64"):
            return None
        try:
            return base64.b64decode(body, validate=False)
        except (binascii.Error, ValueError):
            return None
    path = unquote(urlsplit(src).path).replace("\\", "/").lstrip("./")
    if not path:
        return None
    if path in files:
        return files[path]
    name = PurePosixPath(path).name.lower()
    same = [data for key, data in files.items() if PurePosixPath(key).name.lower() == name]
    return same[0] if len(same) == 1 else None


def read_pictures(found: dict[str, bytes]) -> tuple[dict[str, list[Block]], list[ScannedPage]]:
    """Each picture large enough to be a table, read by OCR: its blocks by address (every block's `page` the
    picture's number among those read, from 1), and the pages as OCR read them, for `mark`."""
    from nianbao.engine.readers.pipeline.positioned import layout_page, stitch
    from nianbao.engine.readers.scan.reader import ocr_pages

    chosen: list[tuple[str, Image.Image]] = []
    for src, data in found.items():  # decoded one by one, and no more than the cap (a page may show hundreds)
        if (image := _picture(data)) is not None:
            chosen.append((src, image))
            if len(chosen) == SETTINGS.max_pictures:
                break
    if not chosen:
        return {}, []
    scanned = ocr_pages(_drawn(image for _, image in chosen))
    blocks: dict[str, list[Block]] = {}
    for number, ((src, _), page) in enumerate(zip(chosen, scanned, strict=True), start=1):
        laid = layout_page(page.chars, page.rulings, [], page.width, page.height, number)
        blocks[src] = stitch([laid])
    return blocks, scanned


@dataclass(frozen=True)
class Placed:
    """A picture on a document's page, read by OCR and set where it stands: its characters and rulings in the page's
    own units, its box there (x0, top, x1, bottom), and the page as OCR read it (for each cell's confidence)."""

    chars: list[Char]
    rulings: list[Segment]
    box: tuple[float, float, float, float]
    page: ScannedPage

    def holds(self, x: float, y: float) -> bool:
        x0, top, x1, bottom = self.box
        return x0 <= x <= x1 and top <= y <= bottom

    def confidence(self, x: float, y: float) -> float | None:
        """The confidence of the figure read at (x, y) of the document's page, if a cell was read there."""
        from nianbao.engine.readers.scan.marks import cell_confidence

        x0, top, x1, bottom = self.box
        fx, fy = (x - x0) / max(x1 - x0, 1e-9), (y - top) / max(bottom - top, 1e-9)
        return cell_confidence(self.page, (fx, fy, fx, fy))


def read_placed(found: list[tuple[bytes, tuple[float, float, float, float]]], per_inch: float) -> list[Placed | None]:
    """Each picture (its bytes, and its box on its page in the page's units, `per_inch` of them to the inch) large
    enough to be a table, read by OCR (at `read_dpi` at least: a screenshot pasted in is 96 dpi) and set in its box;
    None for one that is no picture, too small, or past `max_pictures`."""
    from nianbao.engine.readers.scan.reader import ocr_pages
    from PIL import Image

    chosen: list[tuple[int, Image.Image, float, tuple[float, float, float, float]]] = []
    for index, (data, box) in enumerate(found[: SETTINGS.max_pictures]):
        if (image := _picture(data)) is None or box[2] <= box[0] or box[3] <= box[1]:
            continue
        dpi = image.size[0] / ((box[2] - box[0]) / per_inch)
        if dpi < SETTINGS.read_dpi:
            factor = SETTINGS.read_dpi / dpi
            image = image.resize(
                (round(image.size[0] * factor), round(image.size[1] * factor)), Image.Resampling.LANCZOS
            )
            dpi = SETTINGS.read_dpi
        chosen.append((index, image, dpi, box))
    out: list[Placed | None] = [None] * len(found)
    if not chosen:
        return out
    scanned = ocr_pages((image, dpi) for _, image, dpi, _ in chosen)
    for (index, _, _, box), page in zip(chosen, scanned, strict=True):
        x0, top, x1, bottom = box
        sx, sy = (x1 - x0) / page.width, (bottom - top) / page.height
        chars = [
            Char(x0 + c.x0 * sx, top + c.top * sy, x0 + c.x1 * sx, top + c.bottom * sy, c.text) for c in page.chars
        ]
        rulings = [
            Segment(True, top + s.pos * sy, x0 + s.start * sx, x0 + s.end * sx)
            if s.horizontal
            else Segment(False, x0 + s.pos * sx, top + s.start * sy, top + s.end * sy)
            for s in page.rulings
        ]
        out[index] = Placed(chars, rulings, box, page)
    return out


def _picture(data: bytes) -> Image.Image | None:
    """The picture decoded, or None when it is no picture or too small to hold a table."""
    from io import BytesIO

    from nianbao.engine.readers.scan.reader import of_print
    from nianbao.engine.readers.scan.settings import tuned
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(BytesIO(data))
        width, height = image.size
        if width < SETTINGS.min_width or height < SETTINGS.min_height or width * height > tuned().pages.max_pixels:
            return None
        image = image.convert("RGB")
        return image if of_print(image) else None  # a photograph holds no table
    except (Image.DecompressionBombError, UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        return None


def _drawn(images: Iterator[Image.Image]) -> Iterator[tuple[Image.Image, float]]:
    from PIL import Image

    factor = SETTINGS.read_dpi / SETTINGS.css_dpi
    for image in images:
        size = (round(image.size[0] * factor), round(image.size[1] * factor))
        yield image.resize(size, Image.Resampling.LANCZOS), SETTINGS.read_dpi


def mark(report: Report, scanned: list[ScannedPage]) -> None:
    """The cells read from pictures marked as a scan's (`source: "ocr"`, a figure's confidence), then let go of the
    picture's page and box: the report's pages are the web page's, where a picture has no page of its own."""
    from nianbao.engine.readers.scan.marks import cell_confidence

    for anchor in report.cell_anchors.values():
        if anchor.page is None:
            continue
        anchor.source = "ocr"
        if 1 <= anchor.page <= len(scanned) and anchor.box is not None:
            anchor.confidence = cell_confidence(scanned[anchor.page - 1], anchor.box)
        anchor.page, anchor.box = None, None


def refuse_unread(report: Report, unsent: list[str], found: dict[str, bytes], read: bool, stem: str) -> None:
    """When a table is missing and the article shows pictures: `images-missing` when some were not sent, `unsupported`
    (with the install line) when they were sent but OCR is not set up here."""
    if all(report.table(t) for t in ("proactive", "applications", "review_litigation")):
        return
    if unsent:
        raise ReadError(ErrorCode.images_missing, count=len(unsent), folder=f"{stem}_files")
    if found and not read:
        from nianbao.engine.readers.scan.reader import ocr_ready

        if not ocr_ready():
            raise ReadError(ErrorCode.unsupported, "error.needs-ocr", suffix="html")
