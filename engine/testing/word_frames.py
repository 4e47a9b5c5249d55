"""Word documents whose text stands in frames:
- a title or headings in text boxes, as Word writes one: the box as DrawingML (mc:Choice) and again as VML for older
  readers (mc:Fallback), both holding the same paragraphs. Letterheads (红头), titles and headings set apart are often
  boxes; LibreOffice writes every frame so, a PDF it turned into Word among them;
- the whole document inside a one-cell table (a frame drawn around the page, or a web page's layout table kept when
  the page is saved as Word), the report's own tables nested in it."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from html import escape
from io import BytesIO

_BOX = (
    '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
    '<wp:anchor behindDoc="0" distT="0" distB="0" distL="0" distR="0" simplePos="0" locked="0" layoutInCell="1" '
    'allowOverlap="1" relativeHeight="2"><wp:simplePos x="0" y="0"/>'
    '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
    '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
    '<wp:extent cx="5400000" cy="720000"/><wp:wrapTopAndBottom/><wp:docPr id="1" name="Title box"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
    '<wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5400000" cy="720000"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
    "<wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
    "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    '<mc:Fallback><w:pict><v:shape id="Title box" type="#_x0000_t202" style="width:425pt;height:57pt">'
    "<v:textbox><w:txbxContent>{paragraphs}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r></w:p>"
)


def in_text_boxes(docx: bytes, texts: list[str]) -> bytes:
    """The document with each paragraph holding one of `texts` moved into a text box, in both of Word's forms."""

    def boxed(text: str) -> str:
        for wanted in texts:
            paragraph = re.compile(r"<w:p>(?:(?!</w:p>).)*?" + re.escape(escape(wanted)) + r".*?</w:p>", re.S)
            found = paragraph.search(text)
            if found is None:
                raise ValueError(f"no paragraph {wanted!r} in the document")
            text = text[: found.start()] + _BOX.format(paragraphs=found.group(0)) + text[found.end() :]
        return text

    return document_rewritten(docx, boxed)


def in_layout_table(docx: bytes) -> bytes:
    """The document's body inside one table of one cell, its tables nested in that cell."""
    return document_rewritten(docx, _wrapped)


def _wrapped(text: str) -> str:
    start = text.index("<w:body>") + len("<w:body>")
    end = text.rfind("<w:sectPr")
    cell = '<w:tc><w:tcPr><w:tcW w:w="9000" w:type="dxa"/></w:tcPr>' + text[start:end] + "</w:tc>"
    table = '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid>'
    return text[:start] + table + f"<w:tr>{cell}</w:tr></w:tbl><w:p/>" + text[end:]


def document_rewritten(docx: bytes, change: Callable[[str], str]) -> bytes:
    """The document with word/document.xml's markup passed through `change`."""
    source = zipfile.ZipFile(BytesIO(docx))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(item, data)
    return out.getvalue()
