"""Scanned pages straightened and their ruling lines found (nianbao.engine.readers.scan.raster), measured against the
vector rulings of the PDF each scan was made from: the first step of reading scans."""

from __future__ import annotations

import io
from itertools import pairwise

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed: scans cannot be made or read")

from nianbao.engine.readers.pdf import guard as pdfguard
from nianbao.engine.readers.pdf.content import glyph_device
from nianbao.engine.readers.pdf.reader import _page_objects
from nianbao.engine.readers.scan import raster
from nianbao.engine.readers.scan.settings import SETTINGS
from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

from tests.conftest import ROOT

RENDER_DPI = SETTINGS.pages.render_dpi
SOURCE = (ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes()
# Table 四 of this one has a 30 pt wide cell whose lower ruling a 150 dpi scan lays across two rows of pixels
ORGAN_ZONE = (ROOT / "tests" / "fixtures" / "patterns" / "organ-zone.pdf").read_bytes()


def _vector_rulings(source: bytes, page_no: int):
    from pdfminer.pdfinterp import PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    manager = PDFResourceManager()
    device = glyph_device(manager)
    interpreter = pdfguard.bounded_interpreter(manager, device)
    pdfguard.install()
    pdfguard.start_file()
    for number, page in enumerate(PDFPage.get_pages(io.BytesIO(source)), start=1):
        interpreter.process_page(page)
        if number == page_no:
            layout = device.get_result()
            return [r for r in _page_objects(layout, layout.height)[1] if r.end - r.start > 10]
    raise AssertionError("no such page")


@pytest.mark.parametrize(
    ("source", "page_no", "dpi", "skew", "seed", "in_pdf", "mode"),
    [
        (SOURCE, 2, 200, 2.0, 3, False, "colour"),
        (SOURCE, 2, 150, -1.2, 4, False, "colour"),
        (SOURCE, 2, 200, -3.0, 5, False, "colour"),
        (SOURCE, 2, 150, 2.6, 6, False, "colour"),
        (SOURCE, 2, 150, 2.6, 6, True, "colour"),
        (ORGAN_ZONE, 3, 150, 1.0, 0, True, "colour"),
        # the seal prints dark over the table: its ring is no ruling, and a ruling it runs into stays one
        (SOURCE, 2, 200, 2.0, 200, True, "grey"),
        (SOURCE, 2, 200, 1.5, 3, False, "bilevel"),
    ],
)
def test_a_tilted_sealed_scan_is_straightened_and_every_ruling_found_and_nothing_else(
    source, page_no, dpi, skew, seed, in_pdf, mode
):
    page = scanned_pages(source, ScanSpec(dpi=dpi, skew=skew, seed=seed, mode=mode))[page_no - 1]
    if in_pdf:  # a scanned PDF, whose pages are drawn again at RENDER_DPI to be read: a line may fall across two rows
        import pypdfium2 as pdfium

        drawn = pdfium.PdfDocument(scanned_pdf([page], dpi))[0].render(scale=RENDER_DPI / 72)
        page, dpi = drawn.to_pil().convert("RGB"), RENDER_DPI
    grey = raster.ink(page)
    angle = raster.skew(grey)
    assert abs(angle - skew) <= 0.15
    found = raster.rulings(raster.straightened(grey, angle), dpi)
    truth = _vector_rulings(source, page_no)

    def near(f, t) -> bool:
        return f.horizontal == t.horizontal and abs(f.pos - t.pos) <= 2.5 and f.end > t.start and f.start < t.end

    for t in truth:  # each drawn ruling is found along at least 95 % of its length
        spans = sorted((max(f.start, t.start), min(f.end, t.end)) for f in found if near(f, t))
        covered, reach = 0.0, t.start
        for a, b in spans:
            covered += max(0.0, b - max(a, reach))
            reach = max(reach, b)
        assert covered >= 0.95 * (t.end - t.start), (t, spans)
    assert not [f for f in found if not any(near(f, t) for t in truth)]  # no ruling made of text or specks


def test_an_upright_clean_page_has_no_tilt():
    page = scanned_pages(SOURCE, ScanSpec(dpi=150, skew=0.0, noise=0.0, seed=1))[1]
    assert abs(raster.skew(raster.ink(page))) <= 0.15  # as close as a tilted one is measured


@pytest.mark.parametrize(
    "pieces",
    [
        [(299, 0.0, 0.5), (303, 0.5, 1.0)],  # leaning left: its upper half a pixel left, its lower a pixel right
        [(303, 0.0, 0.5), (299, 0.5, 1.0)],  # leaning right
        [(303, 0.0, 0.3), (299, 0.3, 0.7), (303, 0.7, 1.0)],  # bowed: its middle a pixel left of its ends
    ],
)
def test_a_ruling_a_scan_jogged_a_pixel_is_still_a_ruling(pieces):
    """A column ruling four pixels thick whose edges jog a pixel along it (a black-and-white page tilted and drawn
    again: its rows short on both sides of its whole middle ones) is a ruling, not the arc of a seal's ring."""
    from PIL import Image, ImageDraw

    dpi, top, bottom = 300, 100, 260
    page = Image.new("L", (600, 400), 255)
    draw = ImageDraw.Draw(page)
    for y in (top, bottom):
        draw.rectangle((50, y, 550, y + 2), fill=0)
    draw.rectangle((300, top, 302, bottom), fill=0)
    for x, start, end in pieces:
        draw.rectangle((x, top + start * (bottom - top), x, top + end * (bottom - top)), fill=0)
    found = [r for r in raster.rulings(page, dpi) if not r.horizontal]
    assert len(found) == 1 and abs(found[0].pos * dpi / 72 - 301) <= 1
    assert found[0].start <= top * 72 / dpi + 1 and found[0].end >= bottom * 72 / dpi - 1


@pytest.mark.parametrize(
    ("thick", "edge", "ruling"),
    [
        (3, 0.5, True),  # a 1-point ruling at 200 dpi: three whole columns, a fourth along half its length
        (3, 0.0, True),
        (5, 0.0, False),  # a title's stroke, 0.6 mm: as thick all along
    ],
)
def test_a_ruling_one_row_high_is_as_thick_as_its_ink_not_its_widest_row(thick, edge, ruling):
    """A column ruling one table row high (shorter than the length that makes any line a ruling) must be thin. A
    ruling blurred or leaning into one more column of pixels along part of its length is no thicker for it: under a
    seal's star that cut it at both its ends, 洪泽区 2023's fee row lost the ruling between its label and its figure
    and read as one cell. A stroke as thick as a title's all along is no ruling."""
    from PIL import Image, ImageDraw

    dpi, top, bottom, x = 200, 100, 200, 300  # 12.7 mm: a row, under long_mm
    page = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(page)
    for y in (top, bottom):
        draw.rectangle((50, y, 550, y + 2), fill=0)
    draw.rectangle(
        (x, top + 6, x + thick - 1, bottom - 6), fill=0
    )  # parted from the rows' rulings, as the star left it
    if edge:
        draw.rectangle((x + thick, top + 6, x + thick, top + 6 + edge * (bottom - top - 12)), fill=0)
    found = [r for r in raster.rulings(page, dpi) if not r.horizontal]
    assert bool(found) is ruling


@pytest.mark.parametrize("radius_mm", [18.0, 20.0, 22.0, 23.0])  # official seals are 38–45 mm across
@pytest.mark.parametrize("stroke_mm", [1.0, 1.6, 1.9])
def test_the_side_of_a_seals_ring_is_no_column_ruling(radius_mm, stroke_mm):
    """The side of a seal's ring printed grey, nearly upright over a row or two, is longer than any row and was taken
    for a column ruling: the ring's columns split around its inside reach beyond its deepest whole column, so it did
    not measure as an arc (洪泽区 2024, grey with a seal: a band row parted, and 行政强制's figure read from the ring's
    inside; 淮安市 2024's fee cut at the ring, 96171. for 96171.6). The table's own rulings are all found."""
    from PIL import Image, ImageDraw, ImageFilter

    dpi, px = 200, 200 / 25.4
    r, stroke = round(radius_mm * px), round(stroke_mm * px)
    page = Image.new("L", (1200, 900), 255)
    draw = ImageDraw.Draw(page)
    rows = (150, 300, 400, 500, 650)
    for y in rows:
        draw.rectangle((100, y, 1100, y + 1), fill=0)
    for x in (100, 700, 1100):
        draw.rectangle((x, rows[0], x + 1, rows[-1]), fill=0)
    cx, cy = 420, 450  # the ring's left side crosses the rows between the first column's rulings
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=95, width=stroke)
    page = page.filter(ImageFilter.GaussianBlur(0.8))
    down = [round(f.pos * dpi / 72) for f in raster.rulings(page, dpi) if not f.horizontal]
    assert all(any(abs(x - c) <= 3 for c in (100, 700, 1100)) for x in down), down
    assert all(any(abs(x - c) <= 3 for x in down) for c in (100, 700, 1100)), down


@pytest.mark.parametrize("inside", [False, True])  # the ring's outer or inner edge along the ruling
@pytest.mark.parametrize("stroke_mm", [1.0, 1.5])
def test_a_ruling_a_red_ring_runs_along_is_one_ruling_across_it(inside, stroke_mm):
    """A red seal's ring laid along a column ruling at a tangent covers it for 10–17 mm; in the red channel the ruling
    runs on there only faintly, a gap far longer than a ring crossing it makes, and the cells either side ran into
    one (our fixtures' colour scans with a seal: a row's label and its first figure read as one cell, the row
    unplaced). The ruling is one across the ring; a column ruling that stops at a merged row stays stopped."""
    from PIL import Image, ImageDraw, ImageFilter

    dpi, px = 200, 200 / 25.4
    r, stroke = round(21 * px), round(stroke_mm * px)
    page = Image.new("RGB", (1200, 1000), (250, 250, 248))
    draw = ImageDraw.Draw(page)
    rows = (100, 250, 400, 550, 700, 850)
    for y in rows:
        draw.rectangle((100, y, 1100, y + 1), fill=(20, 20, 20))
    for x in (100, 1100):
        draw.rectangle((x, rows[0], x + 1, rows[-1]), fill=(20, 20, 20))
    draw.rectangle((500, rows[0], 501, rows[2]), fill=(20, 20, 20))  # a column that stops at a merged row
    draw.rectangle((500, rows[3], 501, rows[-1]), fill=(20, 20, 20))
    x = 700  # the ruling the ring runs along
    draw.rectangle((x, rows[0], x + 1, rows[-1]), fill=(20, 20, 20))
    seal = Image.new("L", page.size, 0)
    middle = x + r - stroke // 2 if not inside else x - r + stroke // 2
    ImageDraw.Draw(seal).ellipse((middle - r, 475 - r, middle + r, 475 + r), outline=int(0.85 * 255), width=stroke)
    page = Image.composite(Image.new("RGB", page.size, (215, 30, 30)), page, seal).filter(ImageFilter.GaussianBlur(0.7))
    grey = raster.ink(page)
    down = sorted((round(f.pos * dpi / 72), round(f.start * dpi / 72), round(f.end * dpi / 72))
                  for f in raster.rulings(grey, dpi) if not f.horizontal)  # fmt: skip
    at = [line for line in down if abs(line[0] - x) <= 3]
    assert len(at) == 1 and at[0][1] <= rows[0] + 3 and at[0][2] >= rows[-1] - 3, down
    column = [line for line in down if abs(line[0] - 500) <= 3]
    assert len(column) == 2, down  # the merged row's gap (a row, 19 mm) is paper: not bridged


def test_a_column_ruling_a_red_ring_runs_along_to_the_tables_foot_is_carried_through_the_last_row():
    """A red seal's ring laid along a column ruling down to the table's foot left no piece below it to join: in the
    red channel the ruling stopped above the last row, a row of figures 5.6 mm tall, and two of its cells read as one
    (上海市 2019's portal table 四 under a colour seal: its fifteen figures read as fourteen, the table left out).
    A ruling that stops is carried on, crossing ruling by crossing ruling, where its line runs on faintly; a column
    that stops at a merged cell, the strokes of the cell's text along its line, stays stopped."""
    from PIL import Image, ImageDraw, ImageFilter

    dpi, px = 200, 200 / 25.4
    r, stroke = round(21 * px), round(1.5 * px)
    page = Image.new("RGB", (1200, 600), (250, 250, 248))
    draw = ImageDraw.Draw(page)
    rows = (100, 200, 300, 344)  # a header row, a merged heading above part of it, the row of figures
    for y in rows:
        draw.rectangle((100, y, 1100, y + 1), fill=(20, 20, 20))
    for x in (100, 300, 700, 900, 1100):
        draw.rectangle((x, rows[0], x + 1, rows[-1]), fill=(20, 20, 20))
    draw.rectangle((500, rows[1], 501, rows[-1]), fill=(20, 20, 20))  # stops under a heading merged over it
    for top in (125, 148, 172):  # the heading's strokes along its line
        draw.rectangle((499, top, 502, top + 14), fill=(20, 20, 20))
    x = 700  # the ruling the ring runs along, tangent at the row of figures
    seal = Image.new("L", page.size, 0)
    middle = x + r - stroke // 2
    ImageDraw.Draw(seal).ellipse((middle - r, 322 - r, middle + r, 322 + r), outline=int(0.85 * 255), width=stroke)
    page = Image.composite(Image.new("RGB", page.size, (215, 30, 30)), page, seal).filter(ImageFilter.GaussianBlur(0.7))
    down = sorted((round(f.pos * dpi / 72), round(f.start * dpi / 72), round(f.end * dpi / 72))
                  for f in raster.rulings(raster.ink(page), dpi) if not f.horizontal)  # fmt: skip
    at = [line for line in down if abs(line[0] - x) <= 3]
    assert at and max(line[2] for line in at) >= rows[-1] - 3, down
    assert all(b - a > 10 for _, a, b in at) and min(line[1] for line in at) <= rows[0] + 3, down
    heading = [line for line in down if abs(line[0] - 500) <= 3]
    assert heading and min(line[1] for line in heading) >= rows[1] - 3, down


def test_a_column_ruling_leaning_a_pixel_a_row_is_one_ruling_down_the_table():
    """A photo's perspective undone leaves a column ruling leaning: 上海市 2019's portal table photographed, its
    column between 上一年项目数量 and 本年增/减 drifted from 660.5 to 659.5 pixels over three rows, each row's piece
    (a browser's double rule breaks it at every row) shorter than a ruling. Pieces were joined only within 1.5 pixels
    of their line's first piece, the last one fell alone and was dropped, and two figures read as one cell ("00"):
    both rows unplaced. Each piece continues the line whose last piece it lies beside."""
    from PIL import Image, ImageDraw

    dpi = 200
    rule = round(raster.pixels(SETTINGS.raster.rule_mm, dpi))
    page = Image.new("L", (600, 500), 255)
    draw = ImageDraw.Draw(page)
    top, height, gap = 60, rule - 12, 4  # each row's piece shorter than a ruling, parted by the double rule's gap
    for n, x in enumerate((300, 301, 302, 303)):
        y = top + n * (height + gap)
        draw.rectangle((x, y, x, y + height), fill=0)
    bottom = top + 4 * (height + gap) - gap
    found = [r for r in raster.rulings(page, dpi) if not r.horizontal]
    assert len(found) == 1, found
    assert found[0].start * dpi / 72 <= top + 1 and found[0].end * dpi / 72 >= bottom - 1


def test_a_narrow_cells_top_stepping_down_a_row_of_pixels_closes_the_cell():
    """The top of a narrow 总计 cell in a browser's double-ruled table, photographed: a one-pixel border a little
    aslant, on one row of pixels for its first half and the next for its second, so neither row reached from column
    ruling to column ruling; the cell ran down over the row above it and the total row's 805 was read as
    （六）其他处理's. Each row's ink is taken with the next row's."""
    from PIL import Image, ImageDraw

    dpi = 200
    page = Image.new("L", (600, 500), 255)
    draw = ImageDraw.Draw(page)
    left, right = 300, 360  # a narrow column, 7.6 mm: its top shorter than a ruling
    for x in (left, right):
        draw.rectangle((x, 50, x, 450), fill=0)
    for y in (50, 450):
        draw.rectangle((100, y, 500, y), fill=0)
    draw.rectangle((left + 2, 250, left + 36, 250), fill=0)  # the border's first part, then a row lower
    draw.rectangle((left + 36, 251, right - 2, 251), fill=0)
    across = [r for r in raster.rulings(page, dpi) if r.horizontal and 240 <= r.pos * dpi / 72 <= 260]
    assert len(across) == 1, across
    assert across[0].start * dpi / 72 <= left + 1 and across[0].end * dpi / 72 >= right - 1


def _dashed_row(draw, y: int, columns: tuple[int, ...], dash: int = 30, gap: int = 11, last_short: int = 4) -> None:
    """A light cell border as a 150 dpi black-and-white scan leaves it: dashes shorter than a ruling, and a wider
    gap where each column ruling crosses, most of it after the ruling (the cell spacing and the corner lost), as
    measured on the real page; the last cell's may stop `last_short` pixels short of the table's border."""
    for left, right in pairwise(columns):
        short = last_short if right == columns[-1] else 4
        x = left + (14 if left != columns[0] else 1)
        while x < right - short:
            draw.rectangle((x, y, min(x + dash, right - short) - 1, y), fill=0)
            x += dash + gap


@pytest.mark.parametrize("last_short", [4, 23])
def test_a_row_ruled_in_dashes_on_a_black_and_white_scan_is_a_ruling_and_a_line_of_text_is_not(last_short):
    """上海市 2019's portal table printed by Chromium and scanned black and white at 150 dpi: its light cell borders
    threshold into dashes of 2–9 mm, most shorter than a ruling, and a wider gap at each column. Rows ran together
    (the header, 规章 and 规范性文件 as one row). Thin pieces joined along a line from column ruling to column
    ruling, across a third, are a row ruling; the strokes of a line of text inside a cell join too, but cross no
    column and are not. The last cell's dashes may stop as far short of the table's border as the corner at a
    column (23 pixels, 3.9 mm: its 行政处罚 row and the header above it read as one)."""
    from PIL import Image, ImageDraw

    dpi = 150
    columns = (100, 300, 450, 600)
    page = Image.new("L", (700, 400), 255)
    draw = ImageDraw.Draw(page)
    for x in columns:
        draw.rectangle((x, 50, x, 350), fill=0)
    for y in (50, 350):
        draw.rectangle((columns[0], y, columns[-1], y), fill=0)
    _dashed_row(draw, 250, columns, last_short=last_short)
    for x in range(
        columns[0] + 4, columns[1] - 12, 22
    ):  # a line of text's strokes from one side of its cell to the other
        draw.rectangle((x, 200, x + 14, 200), fill=0)

    def across(dashed: bool) -> list[tuple[float, float, float]]:
        scale = dpi / 72
        found = raster.rulings(page, dpi, dashed=dashed)
        return [
            (f.pos * scale, f.start * scale, f.end * scale) for f in found if f.horizontal and 60 < f.pos * scale < 340
        ]

    assert not across(dashed=False)  # dashes shorter than a ruling
    found = across(dashed=True)
    assert len(found) == 1 and abs(found[0][0] - 250) <= 1, found
    assert found[0][1] <= columns[0] + 1 and found[0][2] >= columns[-1] - 1


def test_a_row_a_page_break_left_alone_ruled_in_dashes_keeps_its_cells():
    """The same table's last row alone at the top of the next page: its top border dashes, its cells' sides stopping
    at their own light bottom borders (lost to the threshold) a cell spacing short of the table's. Its sides are
    column rulings and its top a row ruling: its figures stay in their cells."""
    from PIL import Image, ImageDraw

    dpi = 150
    columns = (100, 180, 260, 340, 420)
    top, bottom = 69, 106
    page = Image.new("L", (600, 300), 255)
    draw = ImageDraw.Draw(page)
    _dashed_row(draw, top, columns)
    draw.rectangle((columns[0] - 4, bottom, columns[-1] + 4, bottom + 1), fill=0)
    for x in columns:
        draw.rectangle((x, top, x, bottom - 4), fill=0)
    found = raster.rulings(page, dpi, dashed=True)
    scale = dpi / 72
    down = sorted(round(f.pos * scale) for f in found if not f.horizontal)
    assert down == list(columns), down
    assert any(f.horizontal and abs(f.pos * scale - top) <= 1 for f in found)
    # without dashes looked for, the row has no top
    assert not [f for f in raster.rulings(page, dpi) if f.horizontal and abs(f.pos * scale - top) <= 1]


def test_the_last_cell_of_a_row_a_page_break_left_alone_keeps_its_side():
    """上海市 2019's portal page printed by Chromium, scanned grey at 200 dpi: table 四's one row of figures alone at
    the top of the last page, each cell a box of its own (the browser's cell spacing), the table's border a cell
    spacing outside. The cells' sides stop 4–5 pixels short of the table's bottom border, and the last cell's top
    (53 pixels) is too short to be a ruling, so the table's right border met a row ruling at its foot only: the row
    lost its last cell and was not read. A short side meeting a row ruling at one end is a column ruling where the
    row's other sides start and stop as it does."""
    from PIL import Image, ImageDraw

    dpi = 200
    columns = (116, 225, 334, 442, 552)
    page = Image.new("L", (900, 300), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((columns[0], 90, columns[-1] - 5, 90), fill=0)  # the cells' tops; the last cell's too short
    draw.rectangle((columns[-1] + 8, 90, columns[-1] + 61, 90), fill=0)
    draw.rectangle((columns[0] - 6, 140, columns[-1] + 69, 140), fill=0)  # the table's bottom border
    for x in columns:
        draw.rectangle((x, 90, x, 135), fill=0)
    border = columns[-1] + 69
    draw.rectangle((border, 88, border, 140), fill=0)  # the table's right border, its top above the cells'
    draw.rectangle((200, 20, 200, 60), fill=0)  # a stroke in the page's header, meeting nothing
    scale = dpi / 72
    down = sorted(round(f.pos * scale) for f in raster.rulings(page, dpi) if not f.horizontal)
    assert down == [*columns, border], down


def test_a_ruling_with_text_standing_on_it_gives_no_dashed_row_below_it():
    """Our 2019 fixture scanned black and white at 150 dpi: a row's text stood close under its top ruling, and the
    ruling's runs joined to the strokes below made one span seventeen rows deep, thin for its length; the dashes
    looked for in it found a "row ruling" at its middle, eight pixels under the ruling, and the row's figures fell
    out of their cells. A dash lies on a row or two of pixels."""
    from PIL import Image, ImageDraw

    dpi = 150
    columns = (100, 300, 450, 600)
    page = Image.new("L", (700, 400), 255)
    draw = ImageDraw.Draw(page)
    for x in columns:
        draw.rectangle((x, 50, x, 350), fill=0)
    for y in (50, 250, 350):
        draw.rectangle((columns[0], y, columns[-1], y), fill=0)
    for row in range(251, 268):  # a few strokes of text on each row under the ruling, down to 17 rows deep
        for x in (columns[0] + 10 + 7 * row % 60, columns[1] + 20 + 5 * row % 50, columns[2] + 15 + 3 * row % 40):
            draw.rectangle((x, row, x + 11, row), fill=0)
    scale = dpi / 72
    across = sorted(round(f.pos * scale) for f in raster.rulings(page, dpi, dashed=True) if f.horizontal)
    assert across == [50, 250, 350], across
