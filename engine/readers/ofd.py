"""OFD (GB/T 33190, the national fixed-layout format many portals offer beside PDF): a zip of XML pages.

Each page's text objects (`TextObject` → `TextCode` with X, Y and DeltaX, in millimetres from the object's
`Boundary`, optionally through a `CTM`) become positioned characters, and its path objects (`PathObject` →
`AbbreviatedData`: M, L, C …) ruling lines; both go to the same page builder as PDF
(nianbao.engine.readers.pipeline.positioned), so tables, running headers and rows cut by page breaks read alike. Limits
as for DOCX (nianbao.engine.readers.ofd_package).

Pictures (`ImageObject`) are read by OCR where the text does not hold what they show: every page of a scanned OFD,
and in a printed one a scanned page or a table pasted as a picture (as large as a table, no text over it:
nianbao.engine.readers.pdf.shown), set where it stands on its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree as ET

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report, Source
from nianbao.engine.notes import note
from nianbao.engine.readers.base import make_source
from nianbao.engine.readers.ofd_package import NUMBER as _NUMBER
from nianbao.engine.readers.ofd_package import Package as _Package
from nianbao.engine.readers.ofd_package import children as _children
from nianbao.engine.readers.ofd_package import local as _local
from nianbao.engine.readers.ofd_package import numbers as _numbers
from nianbao.engine.readers.ofd_package import resolve as _resolve
from nianbao.engine.readers.pdf.pages import MAX_PAGES, PageImage
from nianbao.engine.readers.pdf.shown import SETTINGS as SHOWN
from nianbao.engine.readers.pdf.shown import bare
from nianbao.engine.readers.pictures import Placed, read_placed
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.grid import Char, GridTooLarge, Segment, rect_segments
from nianbao.engine.readers.pipeline.positioned import layout_page, stitch
from nianbao.engine.readers.pipeline.raw import Block
from nianbao.engine.text import unify_radicals

A4 = (210.0, 297.0)  # mm, when a document states no page area
POINTS_PER_MM = 72 / 25.4
FLAT = 0.3  # mm: a path step this close to horizontal or vertical is a ruling
# Characters on one page: a dense A4 page of small print holds about 4,000. A few kilobytes of packed XML can hold
# millions, each a glyph to lay out.
MAX_PAGE_CHARS = 40_000


def _box(element: ET.Element | None) -> tuple[float, float] | None:
    """Width and height of a PhysicalBox (x y w h)."""
    if element is None:
        return None
    values = _numbers(element.text)
    return (values[2], values[3]) if len(values) == 4 and values[2] > 0 and values[3] > 0 else None


def _deltas(text: str | None, count: int) -> list[float]:
    """DeltaX/DeltaY: numbers, with "g N d" standing for N times d."""
    tokens = (text or "").split()
    out: list[float] = []
    i = 0
    while i < len(tokens) and len(out) < count:
        if tokens[i] == "g" and i + 2 < len(tokens):
            try:
                out += [float(tokens[i + 2])] * min(int(float(tokens[i + 1])), count)
            except ValueError:
                break
            i += 3
            continue
        try:
            out.append(float(tokens[i]))
        except ValueError:
            break
        i += 1
    return out[:count]


def _ctm(element: ET.Element) -> tuple[float, float, float, float, float, float]:
    values = _numbers(element.get("CTM"))
    return tuple(values) if len(values) == 6 else (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)  # type: ignore[return-value]


def _too_many_chars() -> ReadError:
    return ReadError(ErrorCode.too_large, "error.ofd-too-complex", what="characters on one page", what_zh="单页字符")


def _text_chars(obj: ET.Element, room: int = MAX_PAGE_CHARS) -> list[Char]:
    """The object's characters placed on the page; `too-large` past `room` of them (what the page has left)."""
    boundary = _numbers(obj.get("Boundary"))
    if len(boundary) < 2:
        return []
    bx, by = boundary[0], boundary[1]
    size = (_numbers(obj.get("Size")) or [3.5])[0]
    a, b, c, d, e, f = _ctm(obj)
    scale = abs(d) or 1.0
    chars = []
    x = y = 0.0
    for code in obj:
        if _local(code.tag) != "TextCode":
            continue
        if len(code.text or "") > room - len(chars):
            raise _too_many_chars()
        text = unify_radicals(code.text or "")
        x = (_numbers(code.get("X")) or [x])[0]
        y = (_numbers(code.get("Y")) or [y])[0]
        dx = _deltas(code.get("DeltaX"), max(len(text) - 1, 0))
        dy = _deltas(code.get("DeltaY"), max(len(text) - 1, 0))
        for i, ch in enumerate(text):
            if ch.strip():
                px, py = a * x + c * y + e, b * x + d * y + f  # the object's own transform, then its place
                width = (dx[i] if i < len(dx) else size) * (abs(a) or 1.0)
                height = size * scale
                chars.append(
                    Char(bx + px, by + py - 0.8 * height, bx + px + max(width, 0.1), by + py + 0.2 * height, ch)
                )
            x += dx[i] if i < len(dx) else size
            y += dy[i] if i < len(dy) else 0.0
    return chars


def _path_segments(obj: ET.Element) -> tuple[list[Segment], bool]:
    """The straight, level or upright steps of a path, and whether it is only filled (shading, not a ruling)."""
    boundary = _numbers(obj.get("Boundary"))
    if len(boundary) < 2:
        return [], False
    bx, by = boundary[0], boundary[1]
    a, b, c, d, e, f = _ctm(obj)
    stroke = obj.get("Stroke", "true").lower() != "false"
    fill = obj.get("Fill", "false").lower() == "true"
    data = next((el.text for el in obj if _local(el.tag) == "AbbreviatedData"), "") or ""
    tokens = data.split()
    segments: list[Segment] = []
    current = start = None
    i = 0
    while i < len(tokens):
        op = tokens[i]
        args = []
        i += 1
        while i < len(tokens) and _NUMBER.fullmatch(tokens[i]):
            args.append(float(tokens[i]))
            i += 1
        if op in ("M", "S") and len(args) >= 2:
            current = start = (args[-2], args[-1])
        elif op == "L" and len(args) >= 2 and current is not None:
            for k in range(0, len(args) - 1, 2):
                target = (args[k], args[k + 1])
                segments += _step(current, target, bx, by, (a, b, c, d, e, f))
                current = target
        elif op == "C" and current is not None and start is not None:  # close the subpath
            segments += _step(current, start, bx, by, (a, b, c, d, e, f))
            current = start
        elif len(args) >= 2:  # curves and arcs: their end point, no ruling
            current = (args[-2], args[-1])
    if not segments and len(boundary) == 4 and fill and not stroke:
        x0, y0 = bx, by
        segments = rect_segments(x0, y0, x0 + boundary[2], y0 + boundary[3])
    return segments, fill and not stroke


def _step(p, q, bx, by, m) -> list[Segment]:
    a, b, c, d, e, f = m
    x0, y0 = bx + a * p[0] + c * p[1] + e, by + b * p[0] + d * p[1] + f
    x1, y1 = bx + a * q[0] + c * q[1] + e, by + b * q[0] + d * q[1] + f
    if abs(y1 - y0) <= FLAT and abs(x1 - x0) > FLAT:
        return [Segment(True, (y0 + y1) / 2, min(x0, x1), max(x0, x1))]
    if abs(x1 - x0) <= FLAT and abs(y1 - y0) > FLAT:
        return [Segment(False, (x0 + x1) / 2, min(y0, y1), max(y0, y1))]
    return []


@dataclass
class OfdPage:
    """A page's characters, rulings, shading edges, width and height (mm), and its pictures: each one's box (x0,
    top, x1, bottom, mm) and the resource it shows."""

    chars: list[Char]
    rulings: list[Segment]
    shading: list[Segment]
    width: float
    height: float
    pictures: list[tuple[tuple[float, float, float, float], str]]


def ofd_pages(data: bytes) -> list[OfdPage]:
    """Every page, in document order."""
    package = _Package(data)
    root = package.xml("OFD.xml")
    doc_root = next((e.text.strip() for e in _children(root, "DocRoot") if e.text), None)
    if not doc_root:
        raise ReadError(ErrorCode.unreadable, detail="OFD.xml names no DocRoot")
    document = package.xml(doc_root)
    default = _box(next(iter(_children(document, "PhysicalBox")), None)) or A4
    pages = []
    limit = current().pdf_pages
    for number, page in enumerate(_children(document, "Page"), start=1):
        if number > limit:
            raise ReadError(ErrorCode.too_large, size=f"> {limit} pages", limit=f"{limit} pages")
        location = page.get("BaseLoc")
        if not location:
            continue
        content = package.xml(_resolve(doc_root, location))
        width, height = _box(next(iter(_children(content, "PhysicalBox")), None)) or default
        chars: list[Char] = []
        rulings: list[Segment] = []
        shading: list[Segment] = []
        pictures: list[tuple[tuple[float, float, float, float], str]] = []
        for obj in content.iter():
            kind = _local(obj.tag)
            if kind == "TextObject":
                chars += _text_chars(obj, MAX_PAGE_CHARS - len(chars))
            elif kind == "PathObject":
                segments, filled = _path_segments(obj)
                (shading if filled else rulings).extend(segments)
            elif kind == "ImageObject":
                box = _numbers(obj.get("Boundary"))
                x, y, w, h = box if len(box) == 4 else (0.0, 0.0, 0.0, 0.0)
                pictures.append(((x, y, x + w, y + h), obj.get("ResourceID", "")))
        pages.append(OfdPage(chars, rulings, shading, width, height, pictures))
    if not pages:
        raise ReadError(ErrorCode.unreadable, detail="OFD has no pages")
    return pages


def page_svgs(data: bytes, pages: list[int]) -> list[PageImage]:
    """The given pages (1-based) drawn as SVG from their own characters and ruling lines, for the clerk's page to
    outline cells on (there is no OFD renderer to lean on). Every character is escaped."""
    drawn = []
    for number, page in enumerate(ofd_pages(data), start=1):
        if number not in pages or len(drawn) >= MAX_PAGES:
            continue
        chars, rulings, width, height = page.chars, page.rulings, page.width, page.height
        lines = "".join(
            f'<line x1="{s.start:.2f}" y1="{s.pos:.2f}" x2="{s.end:.2f}" y2="{s.pos:.2f}"/>'
            if s.horizontal
            else f'<line x1="{s.pos:.2f}" y1="{s.start:.2f}" x2="{s.pos:.2f}" y2="{s.end:.2f}"/>'
            for s in rulings
        )
        text = "".join(
            f'<text x="{c.x0:.2f}" y="{c.bottom - 0.2 * c.size:.2f}" font-size="{c.size:.2f}">{escape(c.text)}</text>'
            for c in chars
        )
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" role="img">'
            f'<rect width="{width:g}" height="{height:g}" fill="#fff"/>'
            f'<g stroke="#222" stroke-width="0.25">{lines}</g><g fill="#222">{text}</g></svg>'
        )
        drawn.append(PageImage(number, b"", round(width * 4), round(height * 4), svg))
    return drawn


def laid_pages(data: bytes) -> list[list[tuple[Block, str | None]]]:
    """Each page's blocks (with their margin keys) before the pages are stitched."""
    return [_laid(page, number) for number, page in enumerate(ofd_pages(data), start=1)]


def _laid(page: OfdPage, number: int, placed: list[Placed] | None = None) -> list[tuple[Block, str | None]]:
    """The page laid out, with the pictures read by OCR (`placed`) set where they stand. In points: the page
    builder's lengths are a PDF's (a doubled border is two lines under 5 pt apart; in millimetres a table's 4.6 mm
    row would be one)."""
    k = POINTS_PER_MM
    placed = placed or []
    chars = [Char(c.x0 * k, c.top * k, c.x1 * k, c.bottom * k, c.text) for c in page.chars]
    chars += [Char(c.x0 * k, c.top * k, c.x1 * k, c.bottom * k, c.text) for p in placed for c in p.chars]
    rulings = [Segment(s.horizontal, s.pos * k, s.start * k, s.end * k) for s in page.rulings]
    rulings += [Segment(s.horizontal, s.pos * k, s.start * k, s.end * k) for p in placed for s in p.rulings]
    shading = [Segment(s.horizontal, s.pos * k, s.start * k, s.end * k) for s in page.shading]
    try:
        return layout_page(chars, rulings, shading, page.width * k, page.height * k, number)
    except GridTooLarge as exc:
        what, what_zh = ("ruling lines", "表格线") if exc.lines else ("table cells", "表格单元格")
        raise ReadError(ErrorCode.too_large, "error.ofd-too-complex", what=what, what_zh=what_zh) from exc


class OfdReader:
    format = "ofd"
    suffixes = (".ofd",)

    def read(self, path: Path, data: bytes) -> Report:
        pages = ofd_pages(data)
        laid = [_laid(page, number) for number, page in enumerate(pages, start=1)]
        blocks = stitch(laid)
        if not any(b.compact for b in blocks):
            images = page_images(data)
            if not images:
                raise ReadError(ErrorCode.no_text, "error.ofd-no-text")
            return _read_scanned(path, data, images)
        chosen = {
            number: [page.pictures[i] for i in found]
            for number, page in enumerate(pages, start=1)
            if page.pictures
            and (found := bare(page.chars, [p for p, _ in page.pictures], page.width, POINTS_PER_MM, number == 1))
        }
        if chosen:
            return _read_pictured(path, data, pages, chosen)
        return build_report(parse_blocks(blocks), make_source(path, data, "ofd", pages=len(laid)))


def _read_pictured(
    path: Path, data: bytes, pages: list[OfdPage], chosen: dict[int, list[tuple[tuple[float, ...], str]]]
) -> Report:
    """A printed OFD with pages that show pictures its text lacks (`chosen`: by page number, each picture's box and
    resource): the pictures of print read by OCR and set where they stand (a photograph is passed over), the report
    marked as a PDF's with pages read so is (nianbao.engine.readers.scan.reader.read_pdf_pages). Without OCR, the
    text as it is, unless a page has no text of its own or a table is missing: `no-text`, naming the pages."""
    from nianbao.engine.readers.scan.mend import label_hidden_rows, restore_headings
    from nianbao.engine.readers.scan.reader import ocr_ready

    on_page: dict[int, list[Placed]] = {}
    if ocr_ready():
        package, files = _resources(data)
        found = [(n, box, package.raw(files[rid])) for n in sorted(chosen) for box, rid in chosen[n] if rid in files]
        placed = read_placed([(image, box) for _, box, image in found], per_inch=25.4)
        for (number, _, _), picture in zip(found, placed, strict=True):
            if picture is not None:
                on_page.setdefault(number, []).append(picture)
    if not on_page:  # photographs only, or no OCR here
        report = build_report(
            parse_blocks(stitch([_laid(p, n) for n, p in enumerate(pages, 1)])), _source(path, data, pages)
        )
        textless = any(len(pages[n - 1].chars) <= SHOWN.covered for n in chosen)
        missing = not all(report.table(t) for t in ("proactive", "applications", "review_litigation"))
        if not ocr_ready() and (textless or missing):
            shown = "、".join(str(n) for n in sorted(chosen))
            raise ReadError(ErrorCode.no_text, "error.pages-no-text", pages=shown, count=len(chosen))
        return report
    numbers = sorted(on_page)
    shown = "、".join(str(n) for n in numbers)
    laid = [_laid(page, number, on_page.get(number, [])) for number, page in enumerate(pages, start=1)]
    blocks = stitch(laid)
    restored = restore_headings(blocks)
    label_hidden_rows(blocks)
    doc = parse_blocks(blocks)
    doc.notes += restored
    doc.ocr = True
    report = build_report(doc, _source(path, data, pages))
    report.source.reading, report.source.ocr_pages = "ocr", numbers
    for anchor in report.cell_anchors.values():
        if anchor.page in on_page and anchor.box is not None:
            page = pages[anchor.page - 1]
            x = (anchor.box[0] + anchor.box[2]) / 2 * page.width
            y = (anchor.box[1] + anchor.box[3]) / 2 * page.height
            for picture in on_page[anchor.page]:
                if picture.holds(x, y):
                    anchor.source, anchor.confidence = "ocr", picture.confidence(x, y)
    report.notes.append(note("note.pages-ocr", pages=shown, count=len(numbers)))
    return report


def _source(path: Path, data: bytes, pages: list[OfdPage]) -> Source:
    return make_source(path, data, "ofd", pages=len(pages))


def _read_scanned(path: Path, data: bytes, images: list[bytes]) -> Report:
    """An OFD of page images (a scanned report): its pages read by OCR like a scanned PDF's."""
    from nianbao.engine.readers.scan.reader import images_pages, ocr_ready, read_scan

    if not ocr_ready():
        raise ReadError(ErrorCode.no_text, "error.ofd-no-text")
    count, pages = images_pages(images)
    return read_scan(path, data, pages, "ofd", count)


def _resources(data: bytes) -> tuple[_Package, dict[str, str]]:
    """The package, and the member of each picture resource (`MultiMedia`) by its ID."""
    package = _Package(data)
    files: dict[str, str] = {}
    root = package.xml("OFD.xml")
    doc_root = next((e.text.strip() for e in _children(root, "DocRoot") if e.text), None)
    if not doc_root:
        return package, files
    document = package.xml(doc_root)
    for common in _children(document, "CommonData"):
        for res in [*_children(common, "DocumentRes"), *_children(common, "PublicRes")]:
            if not res.text:
                continue
            res_path = _resolve(doc_root, res.text.strip())
            resources = package.xml(res_path)
            base_loc = (resources.get("BaseLoc") or "").strip()
            folder = _resolve(res_path, base_loc) if base_loc else str(PurePosixPath(res_path).parent)
            for medium in resources.iter():
                if _local(medium.tag) == "MultiMedia" and medium.get("ID"):
                    file = next((m.text.strip() for m in medium if _local(m.tag) == "MediaFile" and m.text), None)
                    if file:
                        files[medium.get("ID", "")] = _resolve(f"{folder}/_", file)
    return package, files


def page_images(data: bytes) -> list[bytes]:
    """The largest picture of each page (`ImageObject` → `MultiMedia` resource → its file), in page order: what a
    scanned OFD holds instead of text. Bounded as every member is."""
    package, files = _resources(data)
    out = []
    for page in ofd_pages(data):
        shown = [((b[2] - b[0]) * (b[3] - b[1]), files[rid]) for b, rid in page.pictures if rid in files]
        if shown:
            out.append(package.raw(max(shown)[1]))
    return out
