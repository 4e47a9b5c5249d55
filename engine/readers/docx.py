"""DOCX: the body of word/document.xml in order, paragraphs as lines and table rows as cells.

Read with the standard library (zipfile, ElementTree): merged cells need the raw markup anyway. A cell
merged horizontally (w:gridSpan) is one cell; a cell that continues a vertical merge (w:vMerge without
"restart") does not start in its row and is left out, so each row lists the cells that start in it, as the
block stream expects.

A picture in the body as large as a table (a table pasted as a screenshot; a seal or a logo is smaller:
nianbao.engine.readers.pdf.shown) is read by OCR where OCR is set up, as a web page's is
(nianbao.engine.readers.pictures): its rows stand in the block stream where it stands, its cells marked as a
scan's.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report
from nianbao.engine.notes import note
from nianbao.engine.readers import pictures
from nianbao.engine.readers.base import bounded_member, make_source
from nianbao.engine.readers.pdf.shown import SETTINGS as SHOWN
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.raw import Block

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
_EMU = 914400 / 72  # English metric units to the point
_TWIPS = 20  # to the point
A4_WIDTH = 595.3  # points, when the document states no page size
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# The pictures of one document held at once, in members' worth (markup_mb each): a table's screenshot is under a
# megabyte, a scanned page a few; a document of hundreds of large pictures is not held whole.
_PICTURES_MEMBERS = 4


def _text(element) -> str:
    """The text of a paragraph or cell: runs joined, tabs and breaks as spaces and line breaks."""
    parts: list[str] = []
    for node in _shown(element):
        if node.tag == W + "t" and node.text:
            parts.append(node.text)
        elif node.tag == W + "tab":
            parts.append(" ")
        elif node.tag in (W + "br", W + "cr") or (node.tag == W + "p" and parts):
            parts.append("\n")
    return "".join(parts).strip()


def _shown(element):
    """The element and what it holds, in document order, without the markup Word keeps for older readers: a text box
    or shape is written twice, as DrawingML (mc:Choice) and as VML (mc:Fallback), and read once (twice, every line
    of a text box stood twice: a title in a letterhead's box, a PDF turned into Word by LibreOffice). A stack, not
    recursion: markup nested thousands deep costs only its length."""
    todo = [element]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(child for child in reversed(node) if child.tag != _FALLBACK)


def _pictures(element, page_width: float) -> list[str]:
    """The relationship ids of the pictures a paragraph shows as large as a table, in order (DrawingML, sized by
    its extent; VML in older documents, taken whatever its size)."""
    s = SHOWN
    ids = []
    size: tuple[float, float] | None = None
    for node in element.iter():
        if node.tag == _EXTENT:
            try:
                size = (int(node.get("cx", "0")) / _EMU, int(node.get("cy", "0")) / _EMU)
            except ValueError:
                size = None
            continue
        rid = node.get(_R + "embed") if node.tag == _BLIP else node.get(_R + "id") if node.tag == _VML_IMAGE else None
        small = (
            node.tag == _BLIP
            and size is not None
            and (size[0] < s.picture_width * page_width or size[1] < s.picture_height)
        )
        if rid and not small:
            ids.append(rid)
    return ids


def _starts_here(cell) -> bool:
    merge = cell.find(f"{W}tcPr/{W}vMerge")
    return merge is None or merge.get(W + "val") == "restart"


def _body_items(body, depth: int = 0):
    """Paragraphs and tables of the body in order, looking inside content controls (w:sdt) and layout tables (at
    most `_CONTAINERS_DEEP` of them within each other; deeper, a table is read as a table)."""
    for child in body:
        if child.tag == W + "tbl" and depth < _CONTAINERS_DEEP and _layout(child):
            for cell in child.iterfind(f"{W}tr/{W}tc"):
                yield from _body_items(cell, depth + 1)
        elif child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag == W + "sdt" and depth < _CONTAINERS_DEEP:
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_items(content, depth + 1)


# A page's layout tables and content controls within each other: a portal page saved as Word nests two or three.
_CONTAINERS_DEEP = 16


def _layout(table) -> bool:
    """Whether a table only lays the document out: a cell holds a table of its own (a web page saved as Word keeps the
    page's layout tables, the report's tables inside them), or it is one cell, a frame drawn around the text. Its
    cells' paragraphs and tables are read as the body's (as one row, the whole report was one cell: no report)."""
    cells = table.findall(f"{W}tr/{W}tc")
    return len(cells) == 1 or table.find(f"{W}tr/{W}tc/{W}tbl") is not None


def _blocks(data: bytes, read: dict[str, list[Block]]) -> tuple[list[Block], list[str]]:
    """The body as blocks, and the relationship ids of the pictures it shows, in order; a picture read by OCR
    (`read`, by its relationship id) stands where it is."""
    from xml.etree import ElementTree as ET

    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            xml = bounded_member(archive, archive.getinfo("word/document.xml"), int(current().markup_mb * 2**20))
    except KeyError:
        raise ReadError(ErrorCode.unreadable, detail="no word/document.xml: not a Word document") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise ReadError(ErrorCode.unreadable, detail=f"not a valid DOCX (zip): {exc}") from None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ReadError(ErrorCode.unreadable, detail=f"damaged document.xml: {exc}") from None
    body = root.find(W + "body")
    if body is None:
        raise ReadError(ErrorCode.unreadable, detail="document.xml has no body")
    blocks: list[Block] = []
    shown: list[str] = []
    size = body.find(f"{W}sectPr/{W}pgSz")
    try:
        page_width = int(size.get(W + "w", "")) / _TWIPS if size is not None else A4_WIDTH
    except ValueError:
        page_width = A4_WIDTH
    for item in _body_items(body):
        if item.tag == W + "p":
            text = _text(item)
            for line in text.split("\n"):
                if line.strip():
                    blocks.append(Block(text=line))
            for rid in _pictures(item, page_width):
                shown.append(rid)
                blocks.extend(read.get(rid, []))
            continue
        for row in item.findall(W + "tr"):
            cells = [_text(tc) for tc in row.findall(W + "tc") if _starts_here(tc)]
            blocks.append(Block(cells=cells))
    return blocks, list(dict.fromkeys(shown))


def _media(data: bytes, ids: list[str]) -> dict[str, bytes]:
    """The pictures' files by relationship id (word/_rels/document.xml.rels), each bounded as a member is and all
    together to `_PICTURES_MEMBERS` members' worth (a document of many large pictures is held no further); a
    picture linked from outside the document, or missing, is left out."""
    from xml.etree import ElementTree as ET

    limit = int(current().markup_mb * 2**20)
    room = _PICTURES_MEMBERS * limit
    found: dict[str, bytes] = {}
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            rels = ET.fromstring(bounded_member(archive, archive.getinfo("word/_rels/document.xml.rels"), limit))
            targets = {r.get("Id"): r for r in rels.iter(_RELS)}
            for rid in ids[: pictures.SETTINGS.max_pictures * 4]:
                rel = targets.get(rid)
                if rel is None or rel.get("TargetMode") == "External":
                    continue
                name = "word/" + (rel.get("Target") or "").lstrip("/").removeprefix("word/")
                try:
                    found[rid] = bounded_member(archive, archive.getinfo(name), min(limit, room))
                except (KeyError, ReadError):  # missing, or larger than a document's picture is (or room is left)
                    continue
                room -= len(found[rid])
    except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError):
        return found
    return found


class DocxReader:
    format = "docx"
    suffixes = (".docx",)

    def read(self, path: Path, data: bytes) -> Report:
        if data[:4] == OLE_MAGIC:  # the checker sends a Word 97 file named .docx to the .doc reader (sniff)
            raise ReadError(ErrorCode.unreadable, detail="an old .doc or a password-protected file, not a DOCX")
        blocks, shown = _blocks(data, {})
        from nianbao.engine.readers.scan.reader import ocr_ready

        found = _media(data, shown) if shown else {}
        read, scanned = pictures.read_pictures(found) if found and ocr_ready() else ({}, [])
        if read:
            blocks, _ = _blocks(data, read)
        doc = parse_blocks(blocks)
        doc.ocr = bool(read)
        report = build_report(doc, make_source(path, data, "docx"))
        pictures.refuse_unread(report, [], found, bool(read), path.stem)
        if read:
            pictures.mark(report, scanned)
            report.notes.append(note("note.document-pictures-read", count=len(read)))
        return report
