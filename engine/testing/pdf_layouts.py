"""Small PDFs, written byte by byte, of what producers do with a page that a PDF text reader must follow: a table's
tall label set in a vertical font at a large size scaled down by the text matrix (as WPS writes 洪泽区's
"三、本年度办理结果"; its font not embedded here), a page turned by /Rotate with its media box away from the
origin, a watermark at a slant, the table drawn inside a Form XObject, a stream compressed twice, a number broken
after its hyphen, a heading drawn twice to look bold.

Each is read by PDFium and by pdfminer.six alike (tests/test_pdfium_text.py); the fonts are not embedded (their
widths and metrics are in the file), so that nothing but the layout is tested.
"""

from __future__ import annotations

import zlib

from nianbao.engine.testing.amplifiers import pdf, stream

LABEL = "三、本年度办理结果"
ROWS = (("（一）予以公开", "12"), ("（二）部分公开", "3"), ("（三）不予公开", "45"), ("（四）无法提供", "6"))
_CJK = sorted(set(LABEL + "".join(label for label, _ in ROWS) + "内部资料"))
_CODES = {char: index + 1 for index, char in enumerate(_CJK)}

# The table: a label column merged over the four rows, a column of row labels, a column of figures.
_LEFT, _TOP, _ROW, _COLUMNS = 72.0, 700.0, 30.0, (72.0, 112.0, 352.0, 452.0)


def _cmap() -> bytes:
    pairs = "".join(f"<{code:04X}> <{ord(char):04X}>\n" for char, code in _CODES.items())
    return (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(_CODES)} beginbfchar\n{pairs}endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()


def _hex(text: str) -> str:
    return "<" + "".join(f"{_CODES[char]:04X}" for char in text) + ">"


def _table_ops(vertical: bool = False) -> str:
    """The rulings (stroked rectangles and lines) and the text of the table; its tall label in the vertical font or
    (two characters) across."""
    bottom = _TOP - _ROW * len(ROWS)
    ops = [f"0.5 w {_LEFT} {bottom} {_COLUMNS[-1] - _LEFT} {_TOP - bottom} re S"]
    for x in _COLUMNS[1:-1]:
        ops.append(f"{x} {bottom} m {x} {_TOP} l S")
    for row in range(1, len(ROWS)):
        y = _TOP - _ROW * row
        ops.append(f"{_COLUMNS[1]} {y} m {_COLUMNS[-1]} {y} l S")
    if vertical:  # a vertical font at 199 units scaled by 0.05 (about 10 points), down the first column
        ops.append(f"BT /V 199 Tf 0.05 0 0 0.05 {_LEFT + 15} {_TOP - 8} Tm {_hex(LABEL)} Tj ET")
    else:
        ops.append(f"BT /H 10.5 Tf {_LEFT + 9} {_TOP - 65} Td {_hex(LABEL[-2:])} Tj ET")
    for row, (label, figure) in enumerate(ROWS):
        baseline = _TOP - _ROW * row - 20
        ops.append(f"BT /H 10.5 Tf {_COLUMNS[1] + 6} {baseline} Td {_hex(label)} Tj ET")
        ops.append(f"BT /F 10.5 Tf {_COLUMNS[2] + 40} {baseline} Td ({figure}) Tj ET")
    return "\n".join(ops)


def _fonts(first: int) -> tuple[str, dict[int, bytes]]:
    """The three fonts (vertical and horizontal CJK, Helvetica with its digits' widths) from object `first` on."""
    descendant = (
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {first + 1} 0 R /DW 1000 /CIDToGIDMap /Identity >>"
    )
    descriptor = (
        "<< /Type /FontDescriptor /FontName /SimSun /Flags 6 /FontBBox [-8 -145 1000 859] /ItalicAngle 0 "
        "/Ascent 859 /Descent -141 /CapHeight 859 /StemV 93 >>"
    )
    objects = {
        first: descendant.encode(),
        first + 1: descriptor.encode(),
        first + 2: stream(_cmap()),
    }
    widths = " ".join("556" for _ in range(32, 123))  # a width for every character the pages print
    fonts = (
        f"/V << /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-V "
        f"/DescendantFonts [{first} 0 R] /ToUnicode {first + 2} 0 R >> "
        f"/H << /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H "
        f"/DescendantFonts [{first} 0 R] /ToUnicode {first + 2} 0 R >> "
        f"/F << /Type /Font /Subtype /TrueType /BaseFont /Helvetica /FirstChar 32 /LastChar 122 "
        f"/Widths [{widths}] /Encoding /WinAnsiEncoding >>"
    )
    return f"<< {fonts} >>", objects


def _document(
    content: bytes,
    box: str = "/MediaBox [0 0 595 842]",
    form: bool = False,
    entries: str = "",
    fonts: str = "",
    extra: dict[int, bytes] | None = None,
) -> bytes:
    """One page drawing `content` (in a Form XObject when `form`), its stream dictionary given `entries`; `fonts`
    more font resources (`/E 20 0 R`), held in the `extra` objects (from 20 on)."""
    named, objects = _fonts(10)
    fonts = named.removesuffix(" >>") + f" {fonts} >>" if fonts else named
    objects |= extra or {}
    resources = f"<< /Font {fonts} /XObject << /T 6 0 R >> >>" if form else f"<< /Font {fonts} >>"
    page = f"<< /Type /Page /Parent 2 0 R {box} /Resources {resources} /Contents 4 0 R >>"
    objects |= {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"}
    objects[3] = page.encode()
    if form:
        entries = f"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font {fonts} >>"
        objects[6] = stream(content, entries)
        objects[4] = stream(b"q 1 0 0 1 0 0 cm /T Do Q")
    else:
        objects[4] = stream(content, entries)
    return pdf(objects)


def vertical_label_pdf() -> bytes:
    """The table, its tall label in a vertical font scaled down by the text matrix. The font is not embedded, so
    PDFium knows no width of its glyphs and its text page leaves the label out: pdfminer reads such a file."""
    return _document(_table_ops(vertical=True).encode())


def rotated_page_pdf() -> bytes:
    """The table on a page turned by /Rotate 90 whose media box does not start at the origin."""
    shifted = f"1 0 0 1 20 40 cm\n{_table_ops()}"
    return _document(shifted.encode(), box="/Rotate 90 /MediaBox [20 40 615 882]")


def watermark_pdf() -> bytes:
    """The table with a watermark across the page at 30°."""
    mark = f"BT /H 40 Tf 0.866 0.5 -0.5 0.866 150 300 Tm {_hex('内部资料')} Tj ET"
    return _document(f"{_table_ops()}\n{mark}".encode())


def form_pdf() -> bytes:
    """The table drawn inside a Form XObject (annotations, Chromium's pages, stamps are forms)."""
    return _document(_table_ops().encode(), form=True)


def twice_compressed_pdf() -> bytes:
    """The table's content stream compressed twice over (a filter array naming Flate two times)."""
    body = zlib.compress(zlib.compress(_table_ops().encode()))
    return _document(body, entries="/Filter [/FlateDecode /FlateDecode]")


def _prose(ops: str) -> bytes:
    return _document(f"{_table_ops()}\n{ops}".encode())


def hyphen_pdf() -> bytes:
    """A telephone number and a word broken after their hyphens at a line's end (0517-83605210, Huai-an)."""
    return _prose("BT /F 10.5 Tf 72 500 Td (0517-) Tj 0 -14 Td (83605210) Tj 0 -14 Td (Huai-) Tj 0 -14 Td (an) Tj ET")


def fake_bold_pdf() -> bytes:
    """A heading made bold by drawing it twice a quarter point apart (a font without a bold face)."""
    return _prose("BT /F 12 Tf 72 500 Td (2024) Tj ET BT /F 12 Tf 72.25 500 Td (2024) Tj ET")


def actual_text_pdf() -> bytes:
    """A figure in a table cell and a word of prose each marked with the text they stand for (/ActualText, as
    tagged PDFs from Word mark ligatures and symbols)."""
    figure = f"/Span << /ActualText (45) >> BDC BT /F 10.5 Tf {_COLUMNS[2] + 40} {_TOP - 80} Td (45) Tj ET EMC"
    word = "/Span << /ActualText (Huaian) >> BDC BT /F 10.5 Tf 72 450 Td (Huaian) Tj ET EMC"
    table = _table_ops().replace(f"({ROWS[2][1]}) Tj ET", "() Tj ET")  # the figure is drawn marked instead
    return _document(f"{table}\n{word}\n{figure}".encode())
