"""DOCX: the body of word/document.xml in order, paragraphs as lines and table rows as cells.

Read with the standard library (zipfile, ElementTree): merged cells need the raw markup anyway. A cell
merged horizontally (w:gridSpan) is one cell; a cell that continues a vertical merge (w:vMerge without
"restart") does not start in its row and is left out, so each row lists the cells that start in it, as the
block stream expects.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report
from nianbao.engine.readers.base import bounded_member, make_source
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.raw import Block

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"


def _text(element) -> str:
    """The text of a paragraph or cell: runs joined, tabs and breaks as spaces and line breaks."""
    parts: list[str] = []
    for node in element.iter():
        if node.tag == W + "t" and node.text:
            parts.append(node.text)
        elif node.tag == W + "tab":
            parts.append(" ")
        elif node.tag in (W + "br", W + "cr") or (node.tag == W + "p" and parts):
            parts.append("\n")
    return "".join(parts).strip()


def _starts_here(cell) -> bool:
    merge = cell.find(f"{W}tcPr/{W}vMerge")
    return merge is None or merge.get(W + "val") == "restart"


def _body_items(body):
    """Paragraphs and tables of the body in order, looking inside content controls (w:sdt)."""
    for child in body:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag == W + "sdt":
            content = child.find(W + "sdtContent")
            if content is not None:
                yield from _body_items(content)


def docx_blocks(data: bytes) -> list[Block]:
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
    for item in _body_items(body):
        if item.tag == W + "p":
            text = _text(item)
            for line in text.split("\n"):
                if line.strip():
                    blocks.append(Block(text=line))
            continue
        for row in item.findall(W + "tr"):
            cells = [_text(tc) for tc in row.findall(W + "tc") if _starts_here(tc)]
            blocks.append(Block(cells=cells))
    return blocks


class DocxReader:
    format = "docx"
    suffixes = (".docx",)

    def read(self, path: Path, data: bytes) -> Report:
        if data[:4] == OLE_MAGIC:  # the checker sends a Word 97 file named .docx to the .doc reader (sniff)
            raise ReadError(ErrorCode.unreadable, detail="an old .doc or a password-protected file, not a DOCX")
        return build_report(parse_blocks(docx_blocks(data)), make_source(path, data, "docx"))
