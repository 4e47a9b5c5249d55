"""Documents whose text does not hold what their pages show, made from a text original as offices receive them
(nianbao.engine.readers.pdf.shown): in a PDF, pages put in as pictures (a scanned page among printed ones), a table
pasted as a picture, fonts that map their glyphs to no Unicode or to symbols, pages drawn as outlines (by
Ghostscript); a table
pasted as a picture into a Word document or an OFD; and, for contrast, pictures that leave the text as it is: one
behind the text (a watermark), a seal's, a letterhead above the first page's text, a photograph.

Made with PDFium (pypdfium2, a dependency already: pages drawn, pictures put in as JPEG, objects taken out) and the
standard library's zip and XML for Word and OFD packages.
"""

from __future__ import annotations

import ctypes
import io
import re

_DPI = 200  # a scanner's usual resolution


def _document(pdf: bytes):
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(pdf)


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _jpeg(image) -> io.BytesIO:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=90)
    buffer.seek(0)
    return buffer


def _picture(document, page, image, box: tuple[float, float, float, float], behind: bool = False) -> None:
    """`image` put on `page` over `box` (left, bottom, right, top in PDF points): on top, or behind everything."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    picture = pdfium.PdfImage.new(document)
    picture.load_jpeg(_jpeg(image), inline=False, autoclose=True)
    left, bottom, right, top = box
    picture.set_matrix(pdfium.PdfMatrix().scale(right - left, top - bottom).translate(left, bottom))
    if behind:  # as pypdfium2's insert_obj does it, at the first place: the page's object now owns it
        if not raw.FPDFPage_InsertObjectAtIndex(page.raw, picture.raw, 0):
            raise ValueError("PDFium did not put the picture in")
        picture._detach_finalizer()
        picture.page, picture.pdf = page, document
    else:
        page.insert_obj(picture)
    page.gen_content()


def scanned_pages(pdf: bytes, numbers: set[int], dpi: int = _DPI) -> bytes:
    """The PDF with the pages `numbers` (from 1) drawn at `dpi` and put back as pictures only: what a scanned page
    put in among printed ones is."""
    document = _document(pdf)
    try:
        for number in sorted(numbers):
            page = document[number - 1]
            width, height = page.get_size()
            image = page.render(scale=dpi / 72).to_pil()
            for obj in list(page.get_objects()):
                page.remove_obj(obj)
            _picture(document, page, image, (0, 0, width, height))
            del page
        return _saved(document)
    finally:
        document.close()


def table_pictured(pdf: bytes, number: int, top: float, bottom: float, dpi: int = _DPI) -> bytes:
    """The PDF with the band of page `number` from `top` to `bottom` (points from the page's top) drawn and put back
    as a picture, its text and lines taken out: a table pasted into the document as a screenshot."""
    import pypdfium2.raw as raw

    document = _document(pdf)
    try:
        page = document[number - 1]
        width, height = page.get_size()
        scale = dpi / 72
        image = (
            page.render(scale=scale).to_pil().crop((0, round(top * scale), round(width * scale), round(bottom * scale)))
        )
        left, low, right, high = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
        for obj in list(page.get_objects()):
            if obj.type not in (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH):
                continue
            raw.FPDFPageObj_GetBounds(obj.raw, *map(ctypes.byref, (left, low, right, high)))
            middle = height - (low.value + high.value) / 2
            if top <= middle <= bottom:
                page.remove_obj(obj)
        _picture(document, page, image, (0, height - bottom, width, height - top))
        return _saved(document)
    finally:
        document.close()


def with_picture(
    pdf: bytes, number: int, box: tuple[float, float, float, float], behind: bool, photo: bool = False
) -> bytes:
    """The PDF with a picture over `box` (left, top, right, bottom, points from the page's top) of page `number`:
    pale grey with a red ring, behind the text (a watermark) or on top of it (a seal's picture); or, with `photo`, a
    photograph's mid-tones (a picture of an event beside the text)."""
    from PIL import Image, ImageDraw

    document = _document(pdf)
    try:
        page = document[number - 1]
        height = page.get_size()[1]
        left, top, right, bottom = box
        size = (max(8, round(right - left) * 2), max(8, round(bottom - top) * 2))
        image = Image.new("RGB", size, (235, 235, 235))
        if photo:  # sky to ground, 40–190 grey, tinted
            shade = Image.linear_gradient("L").resize(size).point(lambda v: 40 + v * 150 // 255)
            image = Image.merge("RGB", (shade, shade.point(lambda v: v * 9 // 10), shade.point(lambda v: v * 7 // 10)))
        ImageDraw.Draw(image).ellipse((4, 4, size[0] - 4, size[1] - 4), outline=(200, 30, 30), width=6)
        _picture(document, page, image, (left, height - bottom, right, height - top), behind=behind)
        return _saved(document)
    finally:
        document.close()


_TO_UNICODE = re.compile(rb"/ToUnicode\b")


def unmapped(pdf: bytes) -> bytes:
    """The PDF with its fonts' character maps unnamed (/ToUnicode → /ToUnicodX, the same length, so every offset
    holds): its glyphs print as before, and a text layer gives their font's numbers, no characters (乱码 when copied),
    as some converters and printer drivers write. Only where the font dictionaries are not compressed."""
    return _TO_UNICODE.sub(b"/ToUnicodX", pdf)


def symbol_mapped(pdf: bytes) -> bytes:
    """The PDF with its fonts' character maps sending every glyph to a symbol of the Dingbats (✁✂✃…), as a PDF
    printed through a PostScript driver and distilled again by Ghostscript comes out (its fonts Type 3, 淮安市's
    reports read ✍✞✟…): the glyphs print as before, and the text layer gives symbols. Each map's stream is rewritten
    and the cross-reference table made again; only for a PDF of plain objects and one such table."""
    import zlib

    objects = {int(m.group(1)): m.group(2) for m in _OBJECT.finditer(pdf)}
    maps = {int(n) for n in _MAP_REFERENCE.findall(pdf)}
    for number in maps:
        head, body = objects[number].split(b"stream", 1)
        raw = body.lstrip(b"\r\n")
        length = int(_LENGTH.search(head).group(1))  # type: ignore[union-attr]
        text = zlib.decompress(raw[:length]).decode("latin-1")
        symbols = iter(range(0x2701, 0x27BF))
        text = _DESTINATION.sub(lambda m, symbols=symbols: f"{m.group(1)} <{next(symbols, 0x27BF):04X}>", text)
        packed = zlib.compress(text.encode("latin-1"))
        head = _LENGTH.sub(f"/Length {len(packed)}".encode(), head)
        objects[number] = head + b"stream\n" + packed + b"\nendstream\n"
    trailer = pdf[pdf.rfind(b"trailer") :]
    trailer = trailer[: trailer.find(b"startxref")]
    out = io.BytesIO()
    out.write(pdf[: pdf.find(b"\n") + 1] + b"%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj" % number + objects[number] + b"endobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 %s \n" % (offsets.get(number, 0), b"n" if number in offsets else b"f"))
    out.write(trailer + b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


_OBJECT = re.compile(rb"(?m)^(\d+) 0 obj(.*?)endobj", re.S)
_MAP_REFERENCE = re.compile(rb"/ToUnicode\s*(\d+) 0 R")
_LENGTH = re.compile(rb"/Length (\d+)")
_DESTINATION = re.compile(r"(<[0-9A-Fa-f]{2,4}>)\s*<[0-9A-Fa-f]{4,}>")


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PICTURE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
# A picture in line with the text, as Word writes one pasted in (the namespaces declared on the drawing itself).
_DRAWING = (
    '<w:p xmlns:w="{w}"><w:r><w:drawing>'
    '<wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{id}" name="Picture {id}"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:nvPicPr><pic:cNvPr id="{id}" name="table.png"/><pic:cNvPicPr/></pic:nvPicPr>'
    '<pic:blipFill><a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
    '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
)


def docx_table_pictured(docx: bytes, holding: str, image, dpi: int = 96) -> bytes:
    """The DOCX with the body table whose text holds `holding` replaced by `image` in line (a PNG in word/media): a
    table pasted into the document as a screenshot, at `dpi` (a screenshot's 96)."""
    import zipfile
    from xml.etree import ElementTree as ET

    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    for prefix, uri in re.findall(rb'xmlns:(\w+)="([^"]+)"', members["word/document.xml"][:4000]):
        ET.register_namespace(prefix.decode(), uri.decode())
    root = ET.fromstring(members["word/document.xml"])
    body = root.find(f"{{{_W}}}body")
    rid = "rIdNianbaoPicture1"
    emu = 914400 / dpi  # English metric units a pixel
    for index, child in enumerate(list(body)):
        text = "".join(node.text or "" for node in child.iter(f"{{{_W}}}t"))
        if child.tag == f"{{{_W}}}tbl" and holding in text:
            cx, cy = round(image.size[0] * emu), round(image.size[1] * emu)
            drawing = _DRAWING.format(w=_W, cx=cx, cy=cy, id=4242, rid=rid)
            body.remove(child)
            body.insert(index, ET.fromstring(drawing))
            break
    else:
        raise ValueError(f"no table holds {holding!r}")
    members["word/document.xml"] = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    png = io.BytesIO()
    image.save(png, format="PNG")
    members["word/media/table.png"] = png.getvalue()
    rels = members["word/_rels/document.xml.rels"].decode()
    relation = f'<Relationship Id="{rid}" Type="{_PICTURE_REL}" Target="media/table.png"/>'
    members["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", relation + "</Relationships>").encode()
    types = members["[Content_Types].xml"].decode()
    if 'Extension="png"' not in types:
        png_type = '<Default Extension="png" ContentType="image/png"/>'
        members["[Content_Types].xml"] = types.replace("</Types>", png_type + "</Types>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


_OFD = "http://www.ofdspec.org/2016"


def ofd_band_pictured(ofd: bytes, number: int, band: tuple[float, float, float, float], image) -> bytes:
    """The OFD (as nianbao.engine.testing.render_ofd writes one) with what stands in `band` (left, top, right,
    bottom, mm) of page `number` taken out and `image` put there as an `ImageObject`, its picture a `MultiMedia`
    resource of the document: a table pasted into the document as a screenshot."""
    import zipfile
    from xml.etree import ElementTree as ET

    ET.register_namespace("ofd", _OFD)
    with zipfile.ZipFile(io.BytesIO(ofd)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    name = f"Doc_0/Pages/Page_{number - 1}/Content.xml"
    root = ET.fromstring(members[name])
    left, top, right, bottom = band
    for layer in root.iter(f"{{{_OFD}}}Layer"):
        for obj in list(layer):
            values = [float(v) for v in (obj.get("Boundary") or "").split()]
            if len(values) == 4 and top <= values[1] + values[3] / 2 <= bottom:
                layer.remove(obj)
        picture = ET.SubElement(layer, f"{{{_OFD}}}ImageObject")
        width, height = right - left, bottom - top
        picture.attrib.update(
            {"ID": "90001", "ResourceID": "90000", "Boundary": f"{left:.2f} {top:.2f} {width:.2f} {height:.2f}",
             "CTM": f"{width:.2f} 0 0 {height:.2f} 0 0"}
        )  # fmt: skip
        break
    members[name] = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
    document = members["Doc_0/Document.xml"].decode()
    members["Doc_0/Document.xml"] = document.replace(
        "</ofd:CommonData>", "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>"
    ).encode()
    members["Doc_0/DocumentRes.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{_OFD}" BaseLoc="Res"><ofd:MultiMedias>'
        '<ofd:MultiMedia ID="90000" Type="Image"><ofd:MediaFile>table.png</ofd:MediaFile></ofd:MultiMedia>'
        "</ofd:MultiMedias></ofd:Res>"
    ).encode()
    png = io.BytesIO()
    image.save(png, format="PNG")
    members["Doc_0/Res/table.png"] = png.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out.getvalue()


def outlined_pages(pdf: bytes, numbers: set[int]) -> bytes:
    """The PDF with the pages `numbers` (from 1) as Ghostscript draws them with `-dNoOutputFonts`: every glyph an
    outline, no text (转曲), the other pages as they were. Needs Ghostscript (`gs`)."""
    import subprocess
    import tempfile
    from pathlib import Path

    import pypdfium2 as pdfium

    with tempfile.TemporaryDirectory() as folder:
        source, drawn = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        source.write_bytes(pdf)
        command = ["gs", "-q", "-o", str(drawn), "-sDEVICE=pdfwrite", "-dNoOutputFonts", str(source)]
        subprocess.run(command, check=True, capture_output=True, timeout=300)
        outlined = drawn.read_bytes()
    text, curves, out = _document(pdf), _document(outlined), pdfium.PdfDocument.new()
    try:
        for index in range(len(text)):
            out.import_pages(curves if index + 1 in numbers else text, [index])
        return _saved(out)
    finally:
        for document in (out, curves, text):
            document.close()
