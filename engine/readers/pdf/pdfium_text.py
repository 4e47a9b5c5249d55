"""A PDF page's characters and drawn lines through PDFium, as pdfminer.six would give them.

PDFium (already a dependency, for drawing pages) parses a page in C; pdfminer.six interprets its content stream in
Python, three quarters of a text PDF's check. What the page builder (nianbao.engine.readers.pipeline.positioned)
takes from either is the same: each character's box and text, and each drawn line or rectangle. The boxes are
pdfminer's: the character's advance across, from its baseline plus the font's descent up one font size, in
pdfminer's page coordinates (the media box's corner at 0, the page's /Rotate applied, y downwards once flipped); a
path is cut into subpaths and each is a line, a rectangle or a curve as pdfminer makes them. Held to pdfminer's
blocks on every PDF of the tests, the benchmarks and ../shared/corpus (tests/test_pdfium_text.py).

Only a plain PDF comes here (nianbao.engine.readers.pdf.plain): pdfminer keeps its bounds for everything else.
Characters drawn invisible and characters without Unicode are left out, and counted, as pictures are noted: whether
the page shows what its text layer lacks (nianbao.engine.readers.pdf.shown).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

from nianbao.engine.readers.pdf import shown as seen
from nianbao.engine.readers.pdf.shown import Box, Shown
from nianbao.engine.readers.pipeline.grid import THIN, Char, Segment, rect_segments
from nianbao.engine.text import unify_radicals
from pdfminer.utils import apply_matrix_pt, mult_matrix

Matrix = tuple[float, float, float, float, float, float]  # as pdfminer.utils composes and applies them


@dataclass(frozen=True)
class PageObjects:
    chars: list[Char]
    rulings: list[Segment]
    shading: list[Segment]  # the edges of filled, unstroked rectangles
    width: float
    height: float
    shown: Shown


@dataclass(frozen=True)
class _Run:
    """What the characters of one text object share: its matrix, font size and font descent (a share of the size)."""

    a: float
    b: float
    c: float
    d: float
    size: float
    descent: float
    hidden: bool = False  # drawn invisible (render mode 3) or as a clip only (7)
    # PDFium measured the font's descent on a glyph (its descriptor says none): its loose boxes then take in each
    # glyph's own box, and differ from character to character
    measured: bool = False

    @property
    def upright(self) -> bool:
        return abs(self.b) < 1e-9 and abs(self.c) < 1e-9 and self.a > 0 and self.d > 0


def pdfium_pages(data: bytes, max_pages: int) -> list[PageObjects] | None:
    """Every page's characters and lines; None when the PDF has more than `max_pages` pages (pdfminer then reads up
    to the limit and says so) or PDFium's text page leaves out text pdfminer reads: a text object whose glyphs have
    no width (a vertical font that is not embedded). Raises pypdfium2's PdfiumError for a file PDFium cannot open.

    Where PDFium's text page reads better, it is kept: a word drawn twice a hair apart to look bold is one word
    (pdfminer reads "22002244" for 2024)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(data)
    try:
        if len(document) > max_pages:
            return None
        out = []
        for index in range(len(document)):
            page = document[index]
            textpage = raw.FPDFText_LoadPage(page.raw)
            try:
                ctm, width, height = _page_frame(page)
                chars, hidden, unmapped = _chars(textpage, ctm, height)
                # A page with (almost) no text and this many curves is read from its image (its text drawn as
                # outlines, a glyph a curve): its paths are not worked out once that many are counted.
                enough = seen.SETTINGS.outlines if len(chars) <= seen.SETTINGS.covered else None
                drawn = _drawn(page, textpage, ctm, height, enough)
                if drawn is None:
                    return None
                rulings, shading, pictures, curves = drawn
                what = seen.shown(chars, pictures, width, hidden, unmapped, curves, first=index == 0)
                out.append(PageObjects(chars, rulings, shading, width, height, what))
            finally:
                raw.FPDFText_ClosePage(textpage)
                page.close()
        return out
    finally:
        document.close()


def _page_frame(page) -> tuple[Matrix, float, float]:
    """pdfminer's page matrix (the media box's corner at the origin, /Rotate applied) and the page's size in it."""
    x0, y0, x1, y1 = page.get_mediabox()
    rotate = page.get_rotation()
    ctm: Matrix
    if rotate == 90:
        ctm = (0, -1, 1, 0, -y0, x1)
    elif rotate == 180:
        ctm = (-1, 0, 0, -1, x1, y1)
    elif rotate == 270:
        ctm = (0, 1, -1, 0, y1, -x0)
    else:
        ctm = (1, 0, 0, 1, -x0, -y0)
    (px0, py0), (px1, py1) = apply_matrix_pt(ctm, (x0, y0)), apply_matrix_pt(ctm, (x1, y1))
    return ctm, abs(px1 - px0), abs(py1 - py0)


class _Calls:
    """PDFium's calls that take or give a text object or a font, declared with plain addresses: a dictionary key
    without a cast, and no pointer object made and checked a character."""

    def __init__(self) -> None:
        import pypdfium2.raw as raw

        def declared(function, result, *arguments):
            return ctypes.CFUNCTYPE(result, *arguments)(ctypes.cast(function, ctypes.c_void_p).value)

        address, number, real = ctypes.c_void_p, ctypes.c_int, ctypes.c_float
        self.text_object = declared(raw.FPDFText_GetTextObject, address, address, number)
        self.font = declared(raw.FPDFTextObj_GetFont, address, address)
        self.descent = declared(raw.FPDFFont_GetDescent, number, address, real, ctypes.POINTER(real))
        self.render_mode = declared(raw.FPDFTextObj_GetTextRenderMode, number, address)


_CALLS: list[_Calls] = []


def _calls() -> _Calls:
    if not _CALLS:
        _CALLS.append(_Calls())
    return _CALLS[0]


_VERTICAL = 1.5  # ems: a loose box wider than this is a vertical font's, unscaled by the text matrix
_NO_WIDTH = 0.01  # PDFium's kSizeEpsilon: a text object narrower than this is left out of its text page


_UNSEEN = (3, 7)  # text render modes that draw nothing: invisible, and a clipping path only


def _chars(textpage, ctm: Matrix, height: float) -> tuple[list[Char], int, int]:
    """The characters shown, with their Unicode; and how many were drawn invisible, and how many have no Unicode."""
    import pypdfium2.raw as raw

    count = raw.FPDFText_CountChars(textpage)
    units = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(textpage, 0, count, units)
    text = bytes(units)[: 2 * max(written - 1, 0)].decode("utf-16-le", "replace")
    if len(text) != count:  # a character outside the BMP takes two units: one at a time
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i) or 0xFFFD) for i in range(count))
    if "\ufffe" in text or "\x02" in text:
        # A hyphen ending a line before a word goes on is marked so by PDFium ("Huai-" / "an" as "Huai\ufffe"): it is
        # printed, and pdfminer reads it, so it is a hyphen again.
        hyphen = raw.FPDFText_IsHyphen
        text = "".join("-" if c in "\ufffe\x02" and hyphen(textpage, i) == 1 else c for i, c in enumerate(text))
    calls = _calls()
    text_object, loose_box, origin = calls.text_object, raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin
    box, x, y = raw.FS_RECTF(), ctypes.c_double(), ctypes.c_double()
    box_ref, x_ref, y_ref, handle = ctypes.byref(box), ctypes.byref(x), ctypes.byref(y), textpage
    runs: dict[int, tuple[_Run, tuple[float, float, float, float] | None]] = {}
    descents: dict[int, float] = {}
    plain_page = ctm[:4] == (1, 0, 0, 1)
    unmapped_error = raw.FPDFText_HasUnicodeMapError
    out: list[Char] = []
    hidden = unmapped = 0
    for index, (char, shown) in enumerate(zip(text, unify_radicals(text), strict=True)):
        if not char.strip():  # PDFium's own spaces and line ends, and the document's blanks
            continue
        key = text_object(handle, index) or 0
        loose_box(handle, index, box_ref)
        known = runs.get(key)
        if known is None:
            run = _run(textpage, index, key, calls, descents)
            fast = None
            origin(handle, index, x_ref, y_ref)
            if plain_page and run.upright and not run.measured and abs(x.value - box.left) < _NO_WIDTH:
                # An upright run on an unrotated page (nearly every character): its loose boxes start at their
                # characters' origins and stand as far above their baselines, so each box is its first
                # character's, shifted (one call to PDFium a character fewer). A font without ascent and descent
                # has glyph boxes instead: not so.
                first = _char(run, box, x.value, y.value, ctm, height, shown)
                fast = (first.x0 - box.left, first.top + box.bottom, first.bottom + box.bottom, run.size * run.a)
            known = runs[key] = (run, fast)
        run, fast = known
        if run.hidden:
            hidden += 1
            continue
        if unmapped_error(handle, index) == 1:  # its font's number for the glyph, no character
            unmapped += 1
            continue
        if fast is None:
            origin(handle, index, x_ref, y_ref)
            out.append(_char(run, box, x.value, y.value, ctm, height, shown))
            continue
        across, top, bottom, em = fast
        left, width = box.left + across, box.right - box.left
        wide = width > _VERTICAL * em  # a vertical font's box: one em, as `_char` says
        out.append(Char(left, top - box.bottom, left + (em if wide else width), bottom - box.bottom, shown))
    return out, hidden, unmapped


def _run(textpage, index: int, obj: int, calls: _Calls, descents: dict[int, float]) -> _Run:
    """The run of character `index`, text object `obj`: its matrix, font size and font descent."""
    import pypdfium2.raw as raw

    matrix = raw.FS_MATRIX()
    raw.FPDFText_GetMatrix(textpage, index, ctypes.byref(matrix))
    font = calls.font(obj) if obj else None
    descent = descents.get(font or 0)
    if descent is None:
        value = ctypes.c_float()
        found = font and calls.descent(font, 1000.0, ctypes.byref(value))
        descent = descents[font or 0] = value.value / 1000.0 if found else 0.0
    hidden = bool(obj) and calls.render_mode(obj) in _UNSEEN
    size = raw.FPDFText_GetFontSize(textpage, index)
    # No font descends above its baseline. PDFium gives a positive descent where the font's descriptor says 0
    # (LibreOffice's subsets): it measures the glyph of character code "g" instead, in a CID subset any character (a
    # flat 二 363 units up). pdfminer takes the descriptor's 0, and so do we. Taken as given, every character of that
    # subset stood half a line above its neighbours ("二、上年结转…数量" read "、上年结…数二转量").
    measured = descent > 0
    return _Run(matrix.a, matrix.b, matrix.c, matrix.d, size, 0.0 if measured else descent, hidden, measured)


def _char(run: _Run, box, x: float, y: float, ctm: Matrix, height: float, text: str) -> Char:
    """The character's box as pdfminer computes it: its advance across (PDFium's loose box is that wide), from the
    baseline plus the font's descent up one font size, through the text object's matrix and the page's."""
    size = run.size
    width = box.right - box.left
    if run.upright:
        advance = width / run.a
    else:
        advance = (width * width + (box.top - box.bottom) ** 2) ** 0.5 / max(abs(run.a) + abs(run.b), 1e-9)
    if advance > _VERTICAL * size:  # a vertical font's box, which PDFium leaves unscaled by the matrix: one em
        advance = size
    low = run.descent * size
    xs, ys = [], []
    for bx, by in ((0.0, low), (advance, low), (advance, low + size), (0.0, low + size)):
        px, py = apply_matrix_pt(ctm, (run.a * bx + run.c * by + x, run.b * bx + run.d * by + y))
        xs.append(px)
        ys.append(py)
    return Char(min(xs), height - max(ys), max(xs), height - min(ys), text)


def _drawn(
    page, textpage, ctm: Matrix, height: float, enough: int | None = None
) -> tuple[list[Segment], list[Segment], list[Box], int] | None:
    """The page's drawn lines (`rulings`), the edges of filled rectangles (`shading`), the boxes of its pictures and
    how many curves it draws, Form XObjects included (once `enough` curves are counted, no path more is looked at:
    a glyph drawn as an outline is a path of dozens of segments, each a few calls to PDFium); None when the text page
    leaves a text object out (its glyphs have no width)."""
    import pypdfium2.raw as raw

    hidden = False
    curves = 0
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    rulings: list[Segment] = []
    shading: list[Segment] = []
    pictures: list[Box] = []
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    matrix = raw.FS_MATRIX()
    px, py = ctypes.c_float(), ctypes.c_float()

    def paint(shape: str, points: list[tuple[float, float]], stroked: bool) -> None:
        nonlocal curves
        # as pdfminer's PDFPageAggregator.paint_path: a redundant lineto before the closing h dropped, "ml" a line
        if len(shape) > 3 and shape.endswith("lh") and points[-2] == points[0]:
            shape, points = shape[:-2] + "h", points[:-2] + points[-1:]
        line = shape in ("ml", "mlh")
        if not line and len(points) > 5:
            curves += 1
            return  # a curve (a seal's ring, a rounded corner, a glyph drawn as an outline): no ruling
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
        thin = min(x1 - x0, y1 - y0) <= THIN
        (rulings if stroked or thin or line else shading).extend(rect_segments(x0, height - y1, x1, height - y0))

    def path(obj, outer: Matrix) -> None:
        if enough is not None and curves >= enough:
            return
        raw.FPDFPath_GetDrawMode(obj, ctypes.byref(fill), ctypes.byref(stroke))
        if not fill.value and not stroke.value:
            return  # a clipping path: nothing drawn
        shape, points, start, curve = "", [], (0.0, 0.0), 0
        for number in range(raw.FPDFPath_CountSegments(obj)):
            segment = raw.FPDFPath_GetPathSegment(obj, number)
            kind = raw.FPDFPathSegment_GetType(segment)
            raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(px), ctypes.byref(py))
            # PDFium keeps points in single precision; pdfminer in double. Rounded to a thousandth of a point, both
            # give the same boxes (content streams print three decimals at most).
            x, y = apply_matrix_pt(outer, (px.value, py.value))
            point = (round(x, 3), round(y, 3))
            if kind == raw.FPDF_SEGMENT_MOVETO:
                if shape:
                    paint(shape, points, bool(stroke.value))
                shape, points, start, curve = "m", [point], point, 0
            elif kind == raw.FPDF_SEGMENT_LINETO:
                shape += "l"
                points.append(point)
            else:  # a Bézier curve is three points here, one segment (its end) in pdfminer
                curve += 1
                if curve % 3 == 0:
                    shape += "c"
                    points.append(point)
            if raw.FPDFPathSegment_GetClose(segment):
                shape += "h"
                points.append(start)
        if shape:
            paint(shape, points, bool(stroke.value))

    def unseen(obj) -> bool:
        """A text object PDFium's text page drops while pdfminer reads it: under a hundredth of a point wide but
        tall (a vertical font's column of glyphs that PDFium has no outlines for). An object neither wide nor tall
        holds blanks (browsers print them): the text page drops it, and pdfminer reads nothing in it either."""
        raw.FPDFPageObj_GetBounds(obj, *map(ctypes.byref, (left, bottom, right, top)))
        return abs(right.value - left.value) < _NO_WIDTH <= abs(top.value - bottom.value)

    def picture(obj, outer: Matrix) -> None:
        """The picture's box on the page: its bounds (in its form's space) through the forms it stands in."""
        raw.FPDFPageObj_GetBounds(obj, *map(ctypes.byref, (left, bottom, right, top)))
        corners = [apply_matrix_pt(outer, (x, y)) for x in (left.value, right.value) for y in (bottom.value, top.value)]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        pictures.append((min(xs), height - max(ys), max(xs), height - min(ys)))

    def walk(count, get, parent, outer: Matrix, form: Matrix | None) -> None:
        nonlocal hidden
        for number in range(count(parent)):
            obj = get(parent, number)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_TEXT:
                hidden = hidden or unseen(obj)
                continue
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                picture(obj, form or ctm)
                continue
            if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM):
                continue
            raw.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
            inner = mult_matrix((matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f), outer)
            if kind == raw.FPDF_PAGEOBJ_FORM:
                walk(raw.FPDFFormObj_CountObjects, raw.FPDFFormObj_GetObject, obj, inner, inner)
            else:
                path(obj, inner)

    walk(raw.FPDFPage_CountObjects, raw.FPDFPage_GetObject, page.raw, ctm, None)
    return None if hidden else (rulings, shading, pictures, curves)
