"""Small files that cost much to read: the amplifiers of the reliability issue, written byte by byte.

Each function returns the bytes of one file; `nianbao.engine.testing.hostile` writes them next to the other bad files
with the error code each must get. None of them needs a tool to make, and none is larger than a few hundred kilobytes.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib

from nianbao.engine.testing.samples import SampleSpec, make_report


def _body(objects: dict[int, bytes]) -> tuple[io.BytesIO, dict[int, int]]:
    """The header and the numbered objects, and where each object starts."""
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(f"{number} 0 obj\n".encode() + objects[number] + b"\nendobj\n")
    return out, offsets


def pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF of the numbered objects (1 is the catalog), with a correct cross-reference table."""
    out, offsets = _body(objects)
    xref = out.tell()
    size = max(objects) + 1
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for number in range(1, size):
        out.write(f"{offsets.get(number, 0):010d} 00000 {'n' if number in offsets else 'f'} \n".encode())
    out.write(f"trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def stream(body: bytes, entries: str = "") -> bytes:
    return f"<< {entries} /Length {len(body)} >>\nstream\n".encode() + body + b"\nendstream"


def _page(resources: str, contents: str = "4 0 R", size: tuple[int, int] = (595, 842)) -> dict[int, bytes]:
    page = f"/MediaBox [0 0 {size[0]} {size[1]}] /Resources {resources} /Contents {contents}"
    return {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: f"<< /Type /Page /Parent 2 0 R {page} >>".encode(),
    }


_FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def reference_cycle_pdf() -> bytes:
    """The page's contents are a reference to a reference to the first one."""
    return pdf({**_page("<< >>", "4 0 R"), 4: b"5 0 R", 5: b"4 0 R"})


def xobject_laughs_pdf(levels: int = 8, fanout: int = 10) -> bytes:
    """Form XObjects nested `levels` deep, each drawing the next `fanout` times: fanout**levels drawings."""
    objects = _page("<< /XObject << /X0 10 0 R >> >>")
    objects[4] = stream(b"/X0 Do")
    for level in range(levels):
        inner = f"/X{level + 1} {11 + level} 0 R" if level + 1 < levels else ""
        body = (f"/X{level + 1} Do " * fanout).encode() if inner else b"0 0 m 1 1 l S"
        entries = f"/Type /XObject /Subtype /Form /BBox [0 0 10 10] /Resources << /XObject << {inner} >> >>"
        objects[10 + level] = stream(body, entries)
    return pdf(objects)


def _lzw_zero_runs(cycles: int) -> bytes:
    """LZW codes (PDF's, EarlyChange 1) for runs of zero bytes: each table fill expands ~5 KB to ~7 MB."""
    bits: list[str] = []
    width = 9
    for _ in range(cycles):
        bits.append(format(256, f"0{width}b"))  # clear the table
        width, length = 9, 258
        bits.append(format(0, f"0{width}b"))
        for code in range(258, 4095):
            bits.append(format(code, f"0{width}b"))
            length += 1
            width = {511: 10, 1023: 11, 2047: 12}.get(length, width)
    packed = "".join(bits)
    packed += "0" * (-len(packed) % 8)
    return int(packed, 2).to_bytes(len(packed) // 8, "big")


def lzw_bomb_pdf(cycles: int = 16) -> bytes:
    """A content stream of ~90 KB that LZW-decodes to ~115 MB."""
    return pdf({**_page("<< >>"), 4: stream(_lzw_zero_runs(cycles), "/Filter /LZWDecode")})


def runlength_bomb_pdf(megabytes: int = 256) -> bytes:
    """Flate over RunLength: a few hundred bytes that decode to `megabytes` of spaces."""
    runs = bytes([129, 32]) * (megabytes * 1024 * 1024 // 128) + bytes([128])
    return pdf({**_page("<< >>"), 4: stream(zlib.compress(runs, 9), "/Filter [/FlateDecode /RunLengthDecode]")})


def tounicode_bomb_pdf() -> bytes:
    """A font whose ToUnicode CMap maps a range of 2**32 codes."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n"
        b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange\nendcmap end end"
    )
    font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>"
    objects = _page(f"<< /Font << /F1 {font} >> >>")
    objects[4] = stream(b"BT /F1 12 Tf 72 720 Td (A) Tj ET")
    objects[5] = stream(cmap)
    return pdf(objects)


def object_stream_pdf(tokens: int = 12_000_000) -> bytes:
    """A compressed object stream of millions of tokens, which pdfminer would parse all to find one object."""
    body = b"0 0 " + b"1 " * tokens
    objects = _page("<< >>", "6 0 R")
    objects[4] = stream(zlib.compress(body, 9), "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode")
    objects[5] = b"null"
    return _with_objstm(objects)  # object 6, the page's contents, lives in the object stream


def _with_objstm(objects: dict[int, bytes]) -> bytes:
    """The objects plus a cross-reference stream saying that object 6 is object 0 of the object stream 4."""
    out, offsets = _body(objects)
    xref_at = out.tell()
    rows = [b"\x00\x00\x00\x00\x00"]
    for number in range(1, 8):
        if number == 6:
            rows.append(b"\x02" + (4).to_bytes(3, "big") + b"\x00")  # type 2: in object stream 4, index 0
        elif number == 7:
            rows.append(b"\x01" + xref_at.to_bytes(3, "big") + b"\x00")
        else:
            rows.append(b"\x01" + offsets.get(number, 0).to_bytes(3, "big") + b"\x00")
    body = b"".join(rows)
    xref = stream(body, "/Type /XRef /Size 8 /W [1 3 1] /Root 1 0 R")
    out.write(b"7 0 obj\n" + xref + b"\nendobj\n")
    out.write(f"startxref\n{xref_at}\n%%EOF\n".encode())
    return out.getvalue()


def ruled_grid_pdf(lines: int = 1200) -> bytes:
    """A large page of `lines` ruling lines 3 pt apart, half across and half down: (lines/2)**2 cells."""
    half, step = lines // 2, 3
    end = 20 + half * step
    parts = [f"20 {20 + i * step} m {end} {20 + i * step} l" for i in range(half)]
    parts += [f"{20 + i * step} 20 m {20 + i * step} {end} l" for i in range(half)]
    content = f"BT /F1 9 Tf 30 {end + 10} Td (2023) Tj ET " + " ".join(parts) + " S"
    body = stream(zlib.compress(content.encode(), 9), "/Filter /FlateDecode")
    return pdf({**_page(f"<< /Font << /F1 {_FONT} >> >>", size=(end + 40, end + 40)), 4: body})


def many_cells_json(cells: int = 1_000_000) -> bytes:
    """A report model whose table 三 has a row of a million extra cells."""
    document = make_report(SampleSpec("白鹭市生态环境局", 2023, seed=5)).to_json_dict()
    document["applications"]["received_new"].update({f"extra_{i}": 1 for i in range(cells)})
    return json.dumps(document, ensure_ascii=False).encode()


def nan_json() -> bytes:
    document = make_report(SampleSpec("白鹭市生态环境局", 2023, seed=5)).to_json_dict()
    text = json.dumps(document, ensure_ascii=False)
    return text.replace('"total": 0', '"total": NaN', 1).encode()


def huge_html_table(megabytes: int = 24) -> bytes:
    row = "<tr>" + "<td>1</td>" * 20 + "</tr>"
    count = megabytes * 1024 * 1024 // len(row)
    return (
        "<html><body><h1>2023年政府信息公开工作年度报告</h1><table>" + row * count + "</table></body></html>"
    ).encode()


def lying_docx(megabytes: int = 64) -> bytes:
    """A DOCX whose document.xml claims a few bytes but inflates to `megabytes`."""
    buffer = io.BytesIO()
    body = b"<w:document xmlns:w='http://schemas.openxmlformats.org/wordprocessingml/2006/main'><w:body>"
    body += b"<w:p/>" * (megabytes * 1024 * 1024 // 6) + b"</w:body></w:document>"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
    data = bytearray(buffer.getvalue())
    # Rewrite the declared (uncompressed) size in both headers to 1 KB.
    real = len(body).to_bytes(4, "little")
    small = (1024).to_bytes(4, "little")
    return bytes(data).replace(real, small)


def long_sentence_report(kilobytes: int = 1024) -> bytes:
    """A text report whose preface runs on for a megabyte without a full stop (regexes on report text)."""
    report = make_report(SampleSpec("白鹭市生态环境局", 2023, seed=5))
    from nianbao.engine.testing.render import render_text

    text = render_text(report)
    filler = "统计数据依据相关规定进行汇总" * (kilobytes * 1024 // 42)
    return text.replace("一、", filler + "\n一、", 1).encode()


def long_claims_report(kilobytes: int = 1024) -> bytes:
    """A text report whose section 一 states figures for a megabyte without a full stop (the prose rules)."""
    from nianbao.engine.testing.render import render_text

    text = render_text(make_report(SampleSpec("白鹭市生态环境局", 2023, seed=5)))
    filler = "共收到政府信息公开申请12件其中予以公开3件" * (kilobytes * 1024 // 60)
    return text.replace("二、", filler + "\n二、", 1).encode()


def many_streams_pdf(streams: int = 20, megabytes: int = 60) -> bytes:
    """A page whose contents are `streams` streams of `megabytes` each once inflated: each under the per-stream
    limit, together a gigabyte."""
    body = zlib.compress(b" " * (megabytes * 1024 * 1024), 9)
    objects = _page("<< >>", "[" + " ".join(f"{10 + i} 0 R" for i in range(streams)) + "]")
    for i in range(streams):
        objects[10 + i] = stream(body, "/Filter /FlateDecode")
    return pdf(objects)


def grid_scan_pdf(pages: int = 40, lines: int = 140) -> bytes:
    """`pages` A4 pages of an `lines`×`lines` ruled grid and no text: a scan to OCR, (lines-1)² cells a page."""
    step = 560 / lines
    parts = [f"20 {20 + i * step:.2f} m 580 {20 + i * step:.2f} l" for i in range(lines)]
    parts += [f"{20 + i * step:.2f} 20 m {20 + i * step:.2f} 580 l" for i in range(lines)]
    body = stream(zlib.compress((" ".join(parts) + " S").encode(), 9), "/Filter /FlateDecode")
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        **{
            3 + i: f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {3 + pages} 0 R >>".encode()
            for i in range(pages)
        },
        3 + pages: body,
    }
    return pdf(objects)


_ODT_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" office:version="1.2">
<office:body><office:text><text:p>青禾市测试局2022年政府信息公开工作年度报告</text:p>{body}</office:text></office:body>
</office:document-content>"""
_ODT_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>
<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>"""


def odt(body: str) -> bytes:
    """An OpenDocument text of a title line and `body` (content.xml markup: paragraphs, tables, frames)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", _ODT_CONTENT.format(body=body))
        archive.writestr("META-INF/manifest.xml", _ODT_MANIFEST)
    return out.getvalue()


def big_table_odt(rows: int = 20_000) -> bytes:
    """An OpenDocument text of one table of `rows` rows: a few kilobytes that LibreOffice lays out for minutes."""
    row = "<table:table-row>" + "<table:table-cell><text:p>1</text:p></table:table-cell>" * 4 + "</table:table-row>"
    head = '<table:table table:name="T"><table:table-column table:number-columns-repeated="4"/>'
    return odt(head + row * rows + "</table:table>")


def sparse_png(side: int = 7745, dpi: int = 50) -> bytes:
    """A white page `side` pixels square that says it is `dpi` dots per inch: a few kilobytes, a page of 155 inches
    read as A4 at ~940 dpi, or 60 million pixels to hold."""
    from PIL import Image

    image = Image.new("1", (side, side), 1)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=True)
    return out.getvalue()


def many_frames_tiff(frames: int = 300_000) -> bytes:
    """A TIFF of `frames` one-pixel pages, one small directory each, chained (126 bytes a page)."""
    import struct

    entries = [  # tag, type (3 short, 4 long), value; the strip offset is filled in per page
        (256, 3, 1), (257, 3, 1), (258, 3, 1), (259, 3, 1), (262, 3, 0),
        (273, 4, 0), (277, 3, 1), (278, 3, 1), (279, 4, 1),
    ]  # fmt: skip
    size = 2 + len(entries) * 12 + 4
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for page in range(frames):
        start = 8 + page * (size + 1)
        out += struct.pack("<H", len(entries))
        for tag, kind, value in entries:
            value = start + size if tag == 273 else value
            out += struct.pack("<HHII", tag, kind, 1, value)
        out += struct.pack("<I", 0 if page == frames - 1 else start + size + 1)
        out += b"\x00"  # the page's one pixel
    return bytes(out)
