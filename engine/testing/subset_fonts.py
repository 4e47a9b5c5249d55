"""A PDF whose characters come from two fonts on one baseline, one of them an embedded subset described as LibreOffice
writes its fallback fonts' subsets (DroidSansFallback where the page's font is missing): /Ascent 0 /Descent 0 in its
descriptor.

PDFium then measures the font on its glyphs of character codes "A" and "g", which in a CID subset are whatever
characters the subset numbered 65 and 103: a flat one (二) gave LibreOffice's subset a descent of +363 units. Its
characters' loose boxes take in both that measure and each glyph's own box, so they differ from character to
character. pdfminer.six takes the descriptor's 0. Read as PDFium gave them, the subset's characters stood half a line
above their neighbours and each row label came apart ("二、上年结转…数量" read "、上年结…数二转量").

The subset is built by fontTools: square glyphs, a flat one where the label has 一, 二 or 三, so that the glyph boxes
differ as a real font's do.
"""

from __future__ import annotations

import io

from nianbao.engine.testing.amplifiers import stream
from nianbao.engine.testing.pdf_layouts import _CODES, _COLUMNS, _ROW, _TOP, ROWS, _document, _hex

_FLAT = frozenset("一二三")
_MEASURED_ASCENT, _MEASURED_DESCENT = 65, 103  # the glyphs PDFium measures a font without metrics on: "A" and "g"


def _subset() -> bytes:
    """A TrueType font of boxes: glyph n for character code n of the tables' labels (pdf_layouts._CODES), flat ones
    for 一二三, and glyph 103 ("g") flat 363 units up, as LibreOffice's subset had it."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    flat = {code for char, code in _CODES.items() if char in _FLAT} | {_MEASURED_DESCENT}
    names = [".notdef"] + [f"g{n}" for n in range(1, _MEASURED_DESCENT + 1)]

    def box(bottom: int, top: int):  # type: ignore[no-untyped-def]
        pen = TTGlyphPen(None)
        for x, y in ((80, bottom), (80, top), (920, top), (920, bottom)):
            (pen.lineTo if x != 80 or y != bottom else pen.moveTo)((x, y))
        pen.closePath()
        return pen.glyph()

    glyphs = {name: box(363, 450) if n in flat else box(-100, 809 if n == _MEASURED_ASCENT else 780)
              for n, name in enumerate(names)}  # fmt: skip
    font = FontBuilder(1000, isTTF=True)
    font.setupGlyphOrder(names)
    font.setupCharacterMap({})
    font.setupGlyf(glyphs)
    font.setupHorizontalMetrics({name: (1000, 80) for name in names})
    font.setupHorizontalHeader(ascent=880, descent=-120)
    font.setupNameTable({"familyName": "Subset", "styleName": "Regular"})
    font.setupOS2()
    font.setupPost()
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def subset_font_pdf() -> bytes:
    """The tables' rows of pdf_layouts, each row label's first half in the embedded subset (/E), the rest in the
    page's CJK font (/H), one baseline: as LibreOffice prints a page whose font it lacks."""
    program = _subset()
    ops = []
    for row, (label, figure) in enumerate(ROWS):
        baseline = _TOP - _ROW * row - 20
        half = (len(label) + 1) // 2
        shown = f"/E 10.5 Tf {_hex(label[:half])} Tj /H 10.5 Tf {_hex(label[half:])} Tj"
        ops.append(f"BT {_COLUMNS[1] + 6} {baseline} Td {shown} ET")
        ops.append(f"BT /F 10.5 Tf {_COLUMNS[2] + 40} {baseline} Td ({figure}) Tj ET")
    bottom = _TOP - _ROW * len(ROWS)
    ops.append(f"0.5 w {_COLUMNS[1]} {bottom} {_COLUMNS[-1] - _COLUMNS[1]} {_TOP - bottom} re S")
    ops.append(f"{_COLUMNS[2]} {bottom} m {_COLUMNS[2]} {_TOP} l S")
    for row in range(1, len(ROWS)):
        y = _TOP - _ROW * row
        ops.append(f"{_COLUMNS[1]} {y} m {_COLUMNS[-1]} {y} l S")
    embedded = {
        20: b"<< /Type /Font /Subtype /Type0 /BaseFont /EAAAAA+Subset /Encoding /Identity-H "
        b"/DescendantFonts [21 0 R] /ToUnicode 12 0 R >>",
        21: b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /EAAAAA+Subset "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        b"/FontDescriptor 22 0 R /DW 1000 /CIDToGIDMap /Identity >>",
        22: b"<< /Type /FontDescriptor /FontName /EAAAAA+Subset /Flags 4 /FontBBox [0 -238 1002 902] /ItalicAngle 0 "
        b"/Ascent 0 /Descent 0 /CapHeight 902 /StemV 80 /FontFile2 23 0 R >>",
        23: stream(program, f"/Length1 {len(program)}"),
    }
    return _document("\n".join(ops).encode(), fonts="/E 20 0 R", extra=embedded)
