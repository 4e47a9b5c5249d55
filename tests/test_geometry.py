"""Page images as offices receive them (nianbao.engine.readers.scan.geometry): a photo's page cut from a dark desk with
its perspective undone and its light evened out, two pages on one sheet split, a tilt of up to 10° measured, pages fed
sideways or upside down turned upright, and a scan too poor to judge refused as `illegible`, never scored.

The pictures are made from our fixtures by nianbao.engine.testing.scan; benchmarks/reading.py measures the same kinds on
real layouts distorted by poppler and ImageMagick."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed (the ocr extra)")

from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.readers.pdf.reader import PdfReader
from nianbao.engine.readers.scan import geometry, raster, recogniser, surround
from nianbao.engine.readers.scan.reader import ocr_ready
from nianbao.engine.readers.scan.settings import tuned
from nianbao.engine.readers.scan.tesseract import Deadline
from nianbao.engine.testing.scan import ScanSpec, photographed, scanned_pages, scanned_pdf, turned, two_up
from PIL import Image

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
needs_ocr = pytest.mark.skipif(
    not ocr_ready(), reason="Tesseract with chi_sim and eng is not installed (apt install tesseract-ocr-chi-sim)"
)


@pytest.fixture(scope="module")
def pages():
    """The 2021 fixture scanned upright at 200 dpi, in grey, without tilt or seal."""
    pdf = (FIXTURES / "2021-qinghe.pdf").read_bytes()
    return scanned_pages(pdf, ScanSpec(dpi=200, skew=0.0, seal_page=0, seed=3, mode="grey"))


# grey desks dark to pale, a brown one (dark in blue), and a pink one: as light as paper in the red channel a colour
# page is read in
@pytest.mark.parametrize("desk", [35, 120, 200, 225, (150, 100, 60), (250, 175, 160)])
def test_a_photo_on_a_desk_dark_or_pale_is_cut_out_with_its_perspective_undone(pages, desk):
    page = pages[1]
    photo = photographed(page, surround=desk, seed=4)
    found = surround.found_page(raster.ink(photo), colour=photo)
    assert found is not None
    width, height = found.image.size
    assert abs(width - page.size[0]) < page.size[0] * 0.03 and abs(height - page.size[1]) < page.size[1] * 0.03
    assert 190 <= found.dpi <= 210  # the resolution taken from the page's width as A4
    # the page's own rulings come out straight: the tilt left is under half a degree
    assert abs(raster.skew(found.image)) < 0.5


def test_a_scan_with_white_margins_is_not_cut(pages):
    assert surround.found_page(raster.ink(pages[1])) is None


@pytest.mark.parametrize("name", ["image002.jpg", "image003.png", "image004.jpg"])
def test_a_picture_of_a_table_is_not_taken_for_a_photo(name):
    """A portal's table picture starts on its own ruling or paper: no surround steps up to it, nothing is cut."""
    picture = Image.open(ROOT / "tests" / "fixtures" / "patterns" / "table-pictures_files" / name)
    assert surround.found_page(raster.ink(picture)) is None


@pytest.mark.parametrize("size", [(1, 1), (3, 5), (12, 12), (40, 9)])
def test_a_tiny_picture_on_a_pale_ground_is_no_page(size):
    """Too few lines to fit a side through: nothing is cut, and nothing fails."""
    picture = Image.new("L", size, 170)
    picture.paste(250, (size[0] // 4, size[1] // 4, size[0] * 3 // 4 + 1, size[1] * 3 // 4 + 1))
    assert surround.found_page(picture) is None


def test_a_page_framed_by_a_grey_band_on_one_side_only_is_not_cut(pages):
    """A grey band along one edge (a scanner's lid showing past a short page) is no surround on every side."""
    page = raster.ink(pages[1]).copy()
    page.paste(170, (0, 0, page.size[0] // 10, page.size[1]))
    assert surround.found_page(page) is None


def test_light_falling_off_toward_the_corners_is_evened_out(pages):
    photo = raster.ink(photographed(pages[1], surround=235, seed=2))
    even = geometry.evened(photo)
    corner = even.crop((0, 0, even.size[0] // 8, even.size[1] // 8))
    assert corner.getextrema()[0] > 160  # the darkened paper in the corner reads as paper, not ink
    flat = raster.ink(pages[1])
    assert geometry.evened(flat) is flat  # an evenly lit scan is left as it is


def test_a_page_photographed_in_dim_light_is_brought_to_white(pages):
    """Paper at 160 all over is even, but as dark as the ink thresholds: it is evened out all the same."""
    page = raster.ink(pages[1])
    dim = page.point(lambda v: v * 160 // 255)

    def white(image: Image.Image) -> float:
        return sum(image.histogram()[231:]) / (image.size[0] * image.size[1])

    assert white(dim) == 0 and white(geometry.evened(dim)) > 0.97 * white(page)


def test_two_pages_on_one_sheet_are_split_at_the_gutter(pages):
    sheet = two_up(pages[0].convert("L"), pages[1].convert("L"))
    left, right = geometry.halves(sheet)
    width = pages[0].size[0]
    gutter = sheet.size[0] - 2 * width
    # cut in the blank between the two pages' text: the left page's right margin, the gutter, the right's left margin
    assert width * 0.88 <= left.size[0] <= width + gutter + width * 0.12
    assert left.size[0] + right.size[0] == sheet.size[0]
    assert geometry.halves(pages[1].convert("L")) == [pages[1].convert("L")]  # a portrait page stays whole


@pytest.mark.parametrize("angle", [-9.5, -6.0, 4.5, 8.0])
def test_a_tilt_of_up_to_ten_degrees_is_measured(pages, angle):
    tilted = pages[1].convert("L").rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=True)
    assert abs(raster.skew(tilted) - angle) <= 0.15


@pytest.mark.parametrize("angle", [-9.5, -0.6, 2.0])
def test_a_page_is_straightened_as_pillows_whole_turn_would_where_anything_is_printed(angle):
    """Only the printed part is worked out; every pixel is the whole turn's, a faint one-pixel border far from the
    print included, and the margins are paper."""
    import numpy as np

    pixels = np.array(_drawn(FIXTURES / "2021-qinghe.pdf", 1, dpi=200))
    pixels[60, 300:1300] = 204  # a light grey ruling (#ccc) alone near the top edge
    page = Image.fromarray(pixels, "L")
    whole = np.asarray(page.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
    ours = np.asarray(raster.straightened(page, angle))
    assert np.array_equal(ours, whole)
    noisy = Image.fromarray(np.clip(pixels.astype(int) - np.random.default_rng(1).integers(0, 30, pixels.shape), 0, 255)
                            .astype(np.uint8), "L")  # fmt: skip
    whole = np.asarray(noisy.rotate(-angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
    ours = np.asarray(raster.straightened(noisy, angle))
    printed = whole < tuned().raster.dark
    assert np.array_equal(ours[printed], whole[printed])  # the print as Pillow turns it; a margin's noise paper


def test_a_blank_page_has_no_tilt():
    """Every angle's profile of a page without ink is alike: the page is left as it is, not turned to the limit."""
    assert raster.skew(Image.new("L", (1654, 2339), 255)) == 0.0


def test_a_page_on_its_side_is_told_from_an_upright_one(pages):
    settings = tuned().geometry
    prose = pages[0].convert("L")
    assert geometry.line_ratio(prose, settings) >= settings.upright
    assert geometry.line_ratio(turned(prose, 90), settings) <= settings.sideways
    # a page of tables has lines both ways: not called sideways (the orientation model is asked)
    assert geometry.line_ratio(pages[1].convert("L"), settings) > settings.sideways


def _read(tmp_path, images, name="scan.pdf"):
    path = tmp_path / name
    # Copies: Pillow keeps what an image was last saved with, and an image once appended to another's PDF brings
    # those pages along when it is saved first itself.
    images = [image.copy() for image in images]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:], resolution=200)
    path.write_bytes(out.getvalue())
    return Checker(PluginHost.load(entry_points=False)).check_file(path)


@pytest.fixture(scope="module")
def truth():
    pdf = FIXTURES / "2021-qinghe.pdf"
    return PdfReader().read(pdf, pdf.read_bytes())


def _share(report, truth) -> float:
    want = [
        (t, r, c, v)
        for t in ("proactive", "applications", "review_litigation")
        for r, cells in truth.table(t).items()
        for c, v in cells.items()
    ]
    return sum(report.table(t).get(r, {}).get(c, "absent") == v for t, r, c, v in want) / len(want)


@needs_ocr
@pytest.mark.parametrize("turn", [180, 90])
def test_a_stack_fed_upside_down_or_sideways_is_read_as_if_upright(pages, truth, tmp_path, turn):
    result = _read(tmp_path, [turned(p, turn) for p in pages])
    assert result.report is not None, result.error
    assert _share(result.report, truth) >= 0.98
    assert any("顺时针转" in note for note in result.report.notes)


@needs_ocr
@pytest.mark.parametrize(("tilt", "turn"), [(-5, 0), (5, 0), (8, 0), (-10, 0), (-5, 180)])
def test_a_stack_fed_askew_is_turned_as_straight(tilt, turn):
    """Tilted 5–10°, a page of prose measures as one on its side (its lines' profile smeared), and the model asked
    of it tilted said so too: our fixture at -5° was turned 90° and read as garbage (illegible). With no page
    measuring upright, the pages are measured again straightened."""
    from nianbao.engine.readers.scan.tesseract import Deadline

    source = (FIXTURES / "2021-qinghe.pdf").read_bytes()
    tilted = [turned(p.convert("L"), turn) for p in scanned_pages(source, ScanSpec(dpi=200, skew=tilt, seed=3))]
    settings = tuned().geometry
    assert not any(geometry.line_ratio(p, settings) >= settings.upright for p in tilted)  # none tells as it is
    assert geometry.Upright(Deadline(120)).turns(tilted) == [(360 - turn) % 360] * len(tilted)


@needs_ocr
@pytest.mark.parametrize(("sideways", "turn"), [((), 0), ((1,), 90), ((1,), 270), ((1, 2), 90), ((1, 2), 270)])
def test_a_table_page_is_asked_about_only_when_its_grid_does_not_read_upright(
    pages, truth, tmp_path, monkeypatch, sideways, turn
):
    """Upright, the tables' pages' cells are wide: they go the stack's way and the first page alone is asked about
    (by the direction classifier of its lines, or the orientation model where that is unsure). Fed on their side
    among upright pages (either side; one, or two where the model is unsure of the second: the side the first was
    found on decides it), they are asked about and turned."""
    asked = []
    ask, by_lines = geometry.orientation, geometry.Upright._by_lines

    def told(upright, *args, **named):
        answer = by_lines(upright, *args, **named)
        if answer is not None:
            asked.append(answer)
        return answer

    monkeypatch.setattr(
        geometry, "orientation", lambda image, deadline: asked.append(image.size) or ask(image, deadline)
    )
    monkeypatch.setattr(geometry.Upright, "_by_lines", told)
    stack = [turned(page, turn) if i in sideways else page for i, page in enumerate(pages)]
    result = _read(tmp_path, stack)
    assert result.report is not None, result.error
    assert _share(result.report, truth) >= 0.98
    if not sideways:
        assert len(asked) == 1


@pytest.mark.skipif(not recogniser.available(), reason="the line recogniser (the ocr extra) is not installed")
@pytest.mark.parametrize("turn", [0, 180])
def test_a_page_whose_grid_looks_sideways_is_kept_the_stacks_way_when_its_lines_read_so(pages, monkeypatch, turn):
    """A portal page's table printed with narrow columns and wrapped headings has cells taller than wide, as a table
    on its side has: 沭阳县 2023's Chromium print, tilted 5° and scanned, had three table pages asked of the model,
    which leaned to 90° and 270° (read sideways, the scan refused as illegible). Its lines, read surely upright at
    the stack's turn, keep it so, unasked; only a page of table alone, whose lines do not tell, is asked about."""
    stack = [turned(page, turn) for page in pages]
    sided = []
    side = geometry.Upright._side
    monkeypatch.setattr(geometry.Upright, "_side", lambda upright, grey: sided.append(grey) or side(upright, grey))
    # the first page's prose runs across it; the others' lines run both ways, as a table page's do
    monkeypatch.setattr(geometry, "line_ratio", lambda grey, settings: 2.0 if grey is stack[0] else 1.0)
    turns = geometry.Upright(Deadline(120)).turns(stack, lambda index, at: geometry.Standing.side)
    assert turns == [turn] * len(stack)
    assert len(sided) < len(stack) - 1  # a table page with lines of prose told by them (asked of the model before)


@needs_ocr
@pytest.mark.skipif(not recogniser.available(), reason="the line recogniser (the ocr extra) is not installed")
@pytest.mark.parametrize("turn", [90, 270])
def test_table_pages_that_measure_upright_in_a_stack_fed_sideways_go_the_stacks_side(pages, monkeypatch, turn):
    """沭阳县 2023's Chromium print fed at 90°: three of its nine pages, tables of narrow columns, measured upright
    (their column rulings run across the page on its side as text lines do), no page was told upright, and those
    three were read as they lay while the others were turned: the scan was refused as illegible. With no page told
    upright and the pages on their side agreeing, a page that only measured upright is made ready at that side's
    turn; its grid looks sideways at any turn (narrow columns), and its lines, read surely there, turn it."""
    stack = [turned(page, turn) for page in pages]
    measured = id(stack[-1])  # the last page, tables, measures upright on its side; the others on their side
    monkeypatch.setattr(geometry, "line_ratio", lambda grey, settings: 2.0 if id(grey) == measured else 0.2)
    turns = geometry.Upright(Deadline(120)).turns(stack, lambda index, at: geometry.Standing.side)
    assert turns == [(360 - turn) % 360] * len(stack)


@needs_ocr
@pytest.mark.skipif(not recogniser.available(), reason="the line recogniser (the ocr extra) is not installed")
@pytest.mark.parametrize("turn", [90, 270])
def test_a_table_page_on_its_side_told_upside_down_does_not_turn_a_stack_fed_sideways(pages, monkeypatch, turn):
    """沭阳县 2023's Chromium print fed at 90° again (its header's time printed otherwise): one of the three table
    pages that measure upright on their side was told upside down by its "lines" (its column rulings), surely, and
    that one page set the whole stack's turn: every page read on its side, the scan refused as illegible. Where fewer
    than half the pages measure upright, each such page is made ready at the side the pages on their side agree on,
    and its grid or its lines there decide."""
    from nianbao.engine.readers.scan.tesseract import Orientation

    stack = [turned(page, turn) for page in pages]
    measured = id(stack[-1])
    monkeypatch.setattr(geometry, "line_ratio", lambda grey, settings: 2.0 if id(grey) == measured else 0.2)
    by_lines = geometry.Upright._by_lines

    def told(upright, grey, tilt=0.0, before=0):
        if id(grey) == measured and before == 0:
            return Orientation(180, 10.0)
        return by_lines(upright, grey, tilt, before)

    monkeypatch.setattr(geometry.Upright, "_by_lines", told)
    turns = geometry.Upright(Deadline(120)).turns(stack, lambda index, at: geometry.Standing.side)
    assert turns == [(360 - turn) % 360] * len(stack)


@pytest.mark.parametrize(("lean", "turn"), [(0.38, 0), (2.5, 90)])
def test_a_table_page_an_unsure_lean_says_is_sideways_goes_the_way_of_a_stack_told_surely(
    pages, monkeypatch, lean, turn
):
    """沭阳县 2023's Chromium print with a colour seal: one page of its table 三 (narrow columns, so its grid looks
    sideways), the seal over its few lines so they told nothing, was asked of the model, which leaned 0.38 to 90°;
    the page was read on its side and twelve figures lost. A lean under the model's own mark of sureness turns no
    page against a stack told surely upright; a sure answer still does (a landscape table page)."""
    from nianbao.engine.readers.scan.tesseract import Orientation

    stack = [page.convert("L") for page in pages]
    prose = id(stack[0])
    monkeypatch.setattr(geometry, "line_ratio", lambda grey, settings: 3.0 if id(grey) == prose else 1.1)
    monkeypatch.setattr(
        geometry.Upright,
        "_by_lines",
        lambda upright, grey, tilt=0.0, before=0: Orientation(0, 10.0) if id(grey) == prose else None,
    )
    monkeypatch.setattr(geometry.Upright, "_side", lambda upright, grey: Orientation(90, lean))

    def standing(index: int, at: int) -> geometry.Standing | None:  # the others' prose stands neither way on its side
        return geometry.Standing.side if index == 1 else geometry.Standing.upright if at == 0 else None

    turns = geometry.Upright(Deadline(60)).turns(stack, standing)
    assert turns == [0, turn, *[0] * (len(stack) - 2)]


@pytest.mark.skipif(not recogniser.available(), reason="the line recogniser (the ocr extra) is not installed")
@pytest.mark.parametrize(
    ("shares", "turn"),
    [
        ([0.0, 0.62, 0.0, 0.0, 0.0, 0.0], 0),  # one line misjudged (洪泽区 2024) does not leave the page to the model
        ([0.97, 0.95, 0.2, 0.99, 0.96, 0.98], 180),
        ([0.0, 0.0, 0.0, 0.95, 0.95, 0.95], None),  # half and half: the model is asked
        ([0.0, 0.0, 0.3, 0.3, 0.95, 0.0], None),
    ],
)
def test_a_page_is_told_upright_or_upside_down_by_most_of_its_lines_pieces(pages, monkeypatch, shares, turn):
    from nianbao.engine.readers.scan.tesseract import Deadline

    monkeypatch.setattr(recogniser, "upside_down", lambda lines, deadline: shares[: len(lines)])
    answer = geometry.Upright(Deadline(60))._by_lines(pages[0].convert("L"))
    assert (answer.turn if answer is not None else None) == turn


def _drawn(pdf: Path, page: int, dpi: int = 150) -> Image.Image:
    """A page of the PDF as PDFium draws it in grey."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        return document[page].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        document.close()


@pytest.mark.skipif(not recogniser.available(), reason="the line recogniser (the ocr extra) is not installed")
@pytest.mark.parametrize(
    ("source", "page"),
    [
        ("corpus/huaian_hongze_district_2023.pdf", 2),  # long lines of prose under the table
        ("corpus/huaian_hongze_district_2024.pdf", 2),
        ("fixtures/2021-qinghe.pdf", 0),
        ("fixtures/2021-qinghe.pdf", 2),
        ("fixtures/2019-nanyu.pdf", 2),
    ],
)
@pytest.mark.parametrize("turn", [0, 180])
def test_a_page_of_long_lines_is_told_by_pieces_of_them_as_wide_as_the_classifiers_window(source, page, turn):
    """A whole line squeezed into the direction classifier's 48 × 192 window (a line of 27 characters seven times
    over) left half of these pages and turns unsure, and so to the orientation model (ten times the cost). Read as
    pieces of about four characters each, every one is told."""
    from tests.conftest import CORPUS

    folder, _, name = source.partition("/")
    pdf = (CORPUS if folder == "corpus" else FIXTURES) / name
    if not pdf.exists():
        pytest.skip("the real corpus (../shared/corpus/real) is not here")
    answer = geometry.Upright(Deadline(60))._by_lines(turned(_drawn(pdf, page), turn))
    assert answer is not None and answer.turn == turn


def test_a_line_is_asked_as_windows_of_the_classifiers_shape_from_its_start_to_its_end():
    line = Image.new("L", (1000, 40), 255)
    pieces = recogniser.windows(line, 3)
    assert [p.size for p in pieces] == [(160, 40)] * 3
    assert recogniser.windows(Image.new("L", (120, 40)), 3)[0].size == (120, 40)  # a short line whole
    marked = line.copy()
    marked.paste(0, (990, 0, 1000, 40))  # the line's last stroke is in its last window
    assert recogniser.windows(marked, 3)[-1].getextrema()[0] == 0


@needs_ocr
def test_a_table_page_whose_profile_looks_sideways_is_told_by_its_grid(pages, truth, tmp_path, monkeypatch):
    """A real table page of 洪泽区 2023 measured 0.55 (under `sideways`: its columns' rulings outweigh its rows) and
    was asked of the orientation model, which said upright. Its grid's wide cells say so for nothing: the page is
    made ready at the stack's turn in any case. The model is asked no more than when the tables' pages measure as
    ours do."""
    asked = []
    ask, ratio = geometry.orientation, geometry.line_ratio
    monkeypatch.setattr(geometry, "orientation", lambda image, deadline: asked.append(1) or ask(image, deadline))
    _read(tmp_path, pages)
    as_ours = len(asked)
    # every page that does not measure upright (the tables' pages) measures as that one did
    monkeypatch.setattr(geometry, "line_ratio", lambda grey, s: r if (r := ratio(grey, s)) >= s.upright else 0.55)
    asked.clear()
    result = _read(tmp_path, pages)
    assert result.report is not None, result.error
    assert _share(result.report, truth) >= 0.98
    assert len(asked) == as_ours


@needs_ocr
def test_a_portal_page_printed_with_the_browsers_cell_spacing_and_scanned_is_read(tmp_path):
    """A portal table without `cellspacing="0"` prints each cell as a box of its own, light on its bottom and right
    (Chromium's inset border): a narrow 总计 column's top is shorter than a ruling, and the last row before a page
    break has only its light bottom. Scanned, the tables came out without their last column and the scan was refused
    as illegible; now such a row's short and light borders close its cells where the column rulings meet them."""
    from nianbao.engine.model import LOW_CONFIDENCE
    from nianbao.engine.testing.measure import figures

    pdf = FIXTURES / "patterns" / "browser-double-ruled.pdf"
    truth = PdfReader().read(pdf, pdf.read_bytes())
    images = scanned_pages(pdf.read_bytes(), ScanSpec(dpi=200, skew=0.5, seal_page=0, seed=3, mode="grey"))
    result = _read(tmp_path, images)
    assert result.report is not None, result.error
    want, read = figures(truth), figures(result.report)
    assert sum(read.get(key) == value for key, value in want.items()) >= 0.9 * len(want)
    for key, value in want.items():  # what is read otherwise is marked, or its row left out
        anchor = result.report.cell_anchors.get(key)
        if read.get(key, value) != value:
            assert anchor is not None and anchor.confidence is not None and anchor.confidence < LOW_CONFIDENCE


@needs_ocr
def test_a_report_printed_two_up_is_read_as_its_pages(pages, truth, tmp_path):
    sheets = [two_up(pages[0], pages[1]), pages[2]]
    result = _read(tmp_path, sheets)
    assert result.report is not None, result.error
    assert _share(result.report, truth) >= 0.98


@needs_ocr
def test_a_photo_on_a_dark_desk_is_read_or_refused_never_scored_on_what_was_not_read(pages, truth, tmp_path):
    result = _read(tmp_path, [photographed(p, surround=35, seed=n) for n, p in enumerate(pages)])
    if result.report is None:
        assert result.error.code == "illegible"
    else:
        assert _share(result.report, truth) >= 0.95
        assert any("拍摄的照片" in note for note in result.report.notes)


@needs_ocr
def test_one_page_of_a_report_is_refused_as_illegible_with_what_to_do(pages, tmp_path):
    result = _read(tmp_path, [pages[1]])  # the tables' page alone: too little of the report to judge
    assert result.report is None and result.error.code == "illegible"
    assert "重新扫描" in result.error.message and "Word/WPS" in result.error.message


@needs_ocr
def test_a_blank_photo_is_refused_not_scored(tmp_path):
    dark = Image.new("RGB", (1654, 2339), (30, 30, 30))
    result = _read(tmp_path, [dark])
    assert result.report is None and result.error.code in {"illegible", "no-text"}


def test_the_scanned_fixture_helpers_keep_their_shape():
    page = Image.new("RGB", (100, 200), "white")
    assert turned(page, 90).size == (200, 100)
    assert two_up(page, page, gutter_mm=2.54, dpi=100).size == (210, 200)
    assert scanned_pdf([page], 100).startswith(b"%PDF")


def test_numbered_page_images_in_one_folder_are_one_submission(tmp_path):
    from nianbao.engine.submissions import collect

    blank = Image.new("L", (20, 20), 255)
    names = ("水利局年报_1.png", "水利局年报_2.png", "水利局年报_10.png", "IMG_0001.jpg", "other.png", "p1.tif")
    for name in (*names, "2023.png", "2024.png"):  # names that are only a number say nothing of belonging together
        blank.save(tmp_path / name)
    (tmp_path / "sub").mkdir()
    blank.save(tmp_path / "sub" / "水利局年报_3.png")  # another folder: another report
    subs = {s.name: s for s in collect([tmp_path])}
    grouped = subs[f"{tmp_path.as_posix()}/水利局年报_{{1-10}}.png"]
    names = [p.rsplit("/", 1)[-1] for p in grouped.pages]
    assert names == ["水利局年报_1.png", "水利局年报_2.png", "水利局年报_10.png"]
    assert f"{tmp_path.as_posix()}/sub/水利局年报_3.png" in subs  # a lone numbered image stays itself
    assert len(subs) == 7  # the group, IMG_0001, other, p1, 2023, 2024, and sub's page
    assert not subs[f"{tmp_path.as_posix()}/2023.png"].pages


def test_page_numbers_given_twice_are_not_guessed_into_one_report(tmp_path):
    from nianbao.engine.submissions import collect

    blank = Image.new("L", (20, 20), 255)
    for name in ("page1.png", "page01.png", "page2.png"):
        blank.save(tmp_path / name)
    assert all(not s.pages for s in collect([tmp_path]))


@needs_ocr
def test_a_report_sent_as_numbered_page_images_is_read_as_one_report(pages, truth, tmp_path, run):
    import json
    import zipfile

    folder = tmp_path / "扫描件"
    folder.mkdir()
    for number, page in enumerate(pages, start=1):
        page.save(folder / f"青禾市测试局年报_第{number}页.jpg", quality=85, dpi=(200, 200))
    archive = tmp_path / "补交.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in sorted(folder.iterdir()):
            z.write(path, f"青禾/{path.name}")
    _code, out, _err = run("check", folder, archive, "--format", "json", "--no-cache")
    results = json.loads(out)["results"]
    assert len(results) == 2, [r["source"]["path"] for r in results]
    for result in results:
        assert result["source"]["path"].endswith("青禾市测试局年报_第{1-3}页.jpg")
        assert result["report"] is not None, result["error"]
        assert result["report"]["source"]["pages"] == 3
        model = Checker(PluginHost.load(entry_points=False)).check_file(FIXTURES / "2021-qinghe.pdf").report
        from nianbao.engine.model import Report

        assert _share(Report.model_validate(result["report"]), model) >= 0.98


@needs_ocr
def test_a_scanned_ofd_is_read_by_ocr_like_a_scanned_pdf(pages, truth, tmp_path):
    from nianbao.engine.testing.render_ofd import scanned_ofd

    jpegs = []
    for page in pages:
        out = io.BytesIO()
        page.save(out, "JPEG", quality=85, dpi=(200, 200))
        jpegs.append(out.getvalue())
    path = tmp_path / "扫描件.ofd"
    path.write_bytes(scanned_ofd(jpegs))
    result = Checker(PluginHost.load(entry_points=False)).check_file(path)
    assert result.report is not None, result.error
    assert result.report.source.format == "ofd" and result.report.source.reading == "ocr"
    assert _share(result.report, truth) >= 0.98


def test_a_page_images_stated_resolution_is_checked_against_a_pages_size():
    from nianbao.engine.readers.scan.reader import page_dpi

    assert page_dpi((2480, 3508), (300, 300)) == 300  # A4 at 300 dpi, as stated
    assert round(page_dpi((2524, 3541), (762.0, 762.0))) == 305  # 300 per cm read as dpi: measured as A4
    assert round(page_dpi((1654, 2339), None)) == 200  # none stated: the scan default fits an A4 page
    assert round(page_dpi((4000, 3000), (72, 72))) == 363  # a photo's 72 dpi would make a 41-inch page


def test_a_low_resolution_black_and_white_page_is_drawn_again_smoothed(pages):
    bilevel = pages[1].convert("L").point(lambda v: 255 if v > 140 else 0)
    small = bilevel.resize((bilevel.size[0] * 3 // 4, bilevel.size[1] * 3 // 4))  # 150 dpi
    small = small.point(lambda v: 255 if v > 127 else 0)
    drawn, dpi = _drawn_finer(small, 150)
    assert dpi == 300 and drawn.size == (small.size[0] * 2, small.size[1] * 2)
    assert sum(drawn.histogram()[1:255]) > 0  # edges in grey, as a grey scan has them
    grey = pages[1].convert("L")
    assert geometry.smoothed(grey, 200) == (grey, 200)  # a grey scan is read as it is
    assert geometry.smoothed(bilevel, 300)[1] == 300


def _drawn_finer(page: Image.Image, dpi: float) -> tuple[Image.Image, float]:
    """A black-and-white page as the reader makes it ready, but for the turn: smoothed at its own resolution, then
    drawn finer."""
    smooth, drawn = geometry.smoothed(page, dpi)
    return (geometry.enlarged(smooth, drawn / dpi) if drawn != dpi else smooth), drawn


def test_a_black_and_white_pages_lone_specks_are_dropped_and_its_strokes_thickened():
    """At 150 dpi a thin type's strokes are a pixel or two wide: thickened, a 0 broken into "( )" closes again; a
    speck alone is dropped first, or thickening would make it a blot."""
    from PIL import ImageDraw

    page = Image.new("L", (200, 100), 255)
    draw = ImageDraw.Draw(page)
    draw.line((40, 20, 40, 60), fill=0)  # a stroke one pixel wide
    draw.line((42, 20, 42, 60), fill=0)  # and another, a pixel of paper between: a broken glyph
    page.putpixel((150, 50), 0)  # a speck alone
    drawn, dpi = _drawn_finer(page, 150)
    assert dpi == 300 and drawn.crop((290, 90, 310, 110)).getextrema()[0] > 200  # the speck is gone
    thick = geometry.thickened(drawn)
    assert thick.crop((82, 60, 84, 100)).getextrema()[1] < 128  # the gap between the strokes is closed
    assert drawn.crop((82, 60, 84, 100)).getextrema()[1] > 128  # it was open
    assert sum(thick.histogram()[:128]) > sum(drawn.histogram()[:128])


def test_a_digit_broken_apart_is_doubted_and_a_minus_sign_kept_apart_from_thickening():
    """A light black-and-white scan may lose the bar of a 4: its diagonal left out, the 1 that is left reads as
    confidently as a 1 (9487 read 9187). A piece that tall within the figure doubts the reading. A minus sign stands
    apart from the digits: thickened, it joins them, so a figure with a mark before it is read as scanned."""
    from nianbao.engine.readers.scan.speck import glyphs
    from PIL import ImageDraw

    def crop(*strokes: tuple[int, int, int, int], width: int = 3) -> Image.Image:
        image = Image.new("L", (160, 60), 255)
        draw = ImageDraw.Draw(image)
        for stroke in strokes:
            draw.line(stroke, fill=0, width=width)
        return image

    nine, one = (60, 12, 60, 48), (80, 12, 80, 48)  # digits, as strokes
    assert not glyphs(crop(nine, one), 300, 160, 32).broken
    assert glyphs(crop(nine, one, (67, 34, 76, 21)), 300, 160, 32).broken  # "9/1": the 4's diagonal, left out
    point = crop(nine, one, (69, 46, 71, 46))  # a decimal point stays below the middle
    assert not glyphs(point, 300, 160, 32).broken
    minus = crop(nine, one, (46, 30, 55, 30))
    assert glyphs(minus, 300, 160, 32).minus
    assert not glyphs(geometry.thickened(geometry.thickened(minus)), 300, 160, 32).minus  # joined to the 1


def test_a_black_and_white_digits_pieces_are_drawn_with_it_and_doubted_a_point_and_a_comma_are_not_pieces():
    """At 150 dpi a thin 7's bar parts from its stem by a pixel or two of paper: left out, 746 read 46 and 769 read
    69 (淮安市 2024's figures). On a black-and-white page the bar is drawn with the digits and the figure doubted; on
    a grey page, where no threshold broke it, a small blot stays out. A decimal point, a comma below the line and a
    minus sign before the digits are no pieces."""
    from nianbao.engine.readers.scan.speck import glyphs
    from PIL import ImageDraw

    def crop(*strokes: tuple[int, int, int, int]) -> Image.Image:
        image = Image.new("L", (160, 60), 255)
        draw = ImageDraw.Draw(image)
        for stroke in strokes:
            draw.line(stroke, fill=0, width=3)
        return image

    def ink(image: Image.Image) -> int:
        return sum(image.point(lambda v: 255 if v < 128 else 0).histogram()[255:])

    stem, bar, six = (64, 18, 58, 48), (48, 13, 62, 13), (80, 12, 80, 48)  # the bar ends 4 px short of the stem
    whole = glyphs(crop(stem, six), 300, 160, 32, grey=False)
    mended = glyphs(crop(stem, bar, six), 300, 160, 32, grey=False)
    assert not whole.broken and mended.broken
    assert ink(mended.image) > ink(whole.image)  # the bar is drawn
    grey = glyphs(crop(stem, bar, six), 300, 160, 32)
    assert ink(grey.image) < ink(mended.image)
    for mark in ((70, 46, 72, 46), (70, 52, 71, 56)):  # a decimal point, a comma under the line
        assert not glyphs(crop(stem, six, mark), 300, 160, 32, grey=False).broken
    minus = glyphs(crop(stem, six, (40, 32, 50, 32)), 300, 160, 32, grey=False)
    assert minus.minus and not minus.broken


def test_a_seals_ring_clear_of_the_figure_leaves_it_read_as_it_is():
    """A grey scan's seal is ink at a figure's threshold. Where its ring crosses only the far end of a wide cell
    (洪泽区 2023's fee, 7730.28, two centimetres from the ring), the figure was read at a darker threshold all the
    same, its thin 3 dropped (770.28, doubted). A ring that clear of the figure is left out and the figure read as
    it is; a ring near it, or a cell holding nothing but the ring, is still a stain (read darker, doubted)."""
    from nianbao.engine.readers.scan.speck import glyphs
    from PIL import ImageDraw

    def cell(ring_right: int | None, digits: bool = True) -> Image.Image:
        image = Image.new("L", (790, 98), 250)
        draw = ImageDraw.Draw(image)
        if ring_right is not None:  # a ring 40 mm across at 200 dpi, its right edge at ring_right
            draw.ellipse((ring_right - 315, -110, ring_right, 205), outline=95, width=7)
        if digits:
            for x in (350, 372, 394):
                draw.line((x, 37, x, 62), fill=20, width=3)
        return image

    clean = glyphs(cell(None), 200, 160, 32)
    far = glyphs(cell(170), 200, 160, 32)
    assert clean is not None and far is not None and not clean.stained
    assert not far.stained and far.image.tobytes() == clean.image.tobytes()
    near = glyphs(cell(320), 200, 160, 32)  # 30 px, under 4 mm, from the figure: the ring's lettering stands there
    assert near is not None and near.stained
    alone = glyphs(cell(170, digits=False), 200, 160, 32)  # a figure may lie under the ring itself
    assert alone is None or alone.stained


@pytest.mark.parametrize(("ring", "threshold", "doubted"), [(150, 140, False), (130, 110, True)])
def test_under_a_grey_seal_a_figure_is_read_at_the_first_threshold_that_leaves_the_ring_out(ring, threshold, doubted):
    """A grey scan's ring crossing a figure is ink at the cell's threshold. The figure is read at the first darker
    threshold that leaves the ring out, not the darkest, which would cut the thin strokes the ring's grey does not
    reach (a 0 read as "U"); a ring gone only below `dark_seal` printed dark and may hide a stroke: doubted."""
    from nianbao.engine.readers.scan.figures import _unstained
    from nianbao.engine.readers.scan.speck import glyphs
    from PIL import ImageDraw

    image = Image.new("L", (300, 98), 250)
    draw = ImageDraw.Draw(image)
    draw.ellipse((150, -110, 465, 205), outline=ring, width=7)  # its left arc crosses the cell near the figure
    for x in (110, 132):
        draw.line((x, 37, x, 62), fill=20, width=3)
    draw.line((154, 37, 154, 62), fill=100, width=3)  # a thin stroke, scanned lighter: gone at the darkest thresholds
    read = _unstained(image, 200, 160, 32)
    at = glyphs(image, 200, threshold, 32)
    darkest = glyphs(image, 200, 70, 32)
    assert read is not None and at is not None and darkest is not None
    assert not read.stained and read.doubt is doubted
    assert read.image.tobytes() == at.image.tobytes() != darkest.image.tobytes()


def _zero(draw, left: int, hairline: int = 120) -> None:
    """A serif 0 as scanned: thick dark sides, a hairline top and bottom a threshold under 120 loses."""
    draw.ellipse((left, 34, left + 16, 64), outline=hairline, width=2)
    draw.line((left + 1, 42, left + 1, 56), fill=20, width=4)
    draw.line((left + 15, 42, left + 15, 56), fill=20, width=4)


def _arc(draw) -> None:  # a red seal's ring in grey (111), 1.5 mm thick, crossing the cell's left end
    draw.ellipse((-260, -120, 60, 200), outline=111, width=12)


def _ring_piece(draw) -> None:  # a piece of the ring wholly inside the cell, no longer than a figure
    draw.line((40, 30, 52, 62), fill=111, width=12)


def _lettering(draw) -> None:  # the ring and, inside it, a stroke of the seal's lettering as light as the ring
    _arc(draw)
    draw.line((80, 40, 92, 40), fill=111, width=3)
    draw.line((86, 34, 86, 60), fill=111, width=3)


@pytest.mark.parametrize("seal", [_arc, _ring_piece, _lettering])
def test_a_red_seal_scanned_grey_is_taken_out_and_the_print_by_it_read_whole(seal):
    """A red seal scans lighter than black print. Read at a threshold dark enough to leave its ring out, a serif 0's
    hairlines went too ("()", read blank); a piece of the ring inside a cell, no longer than a figure, was read as
    part of it. The seal's ink is now taken out pixel by pixel (what is not print, in the solid ink's reach or in a
    blot with no print), and the figure read whole at the cell's own threshold, doubted."""
    from nianbao.engine.readers.scan.figures import _unstained
    from nianbao.engine.readers.scan.speck import glyphs
    from PIL import ImageDraw

    def cell(sealed: bool) -> Image.Image:
        image = Image.new("L", (200, 98), 250)
        draw = ImageDraw.Draw(image)
        if sealed:
            seal(draw)
        _zero(draw, 110)
        _zero(draw, 132)
        return image

    clean = glyphs(cell(False), 200, 160, 32)
    read = _unstained(cell(True), 200, 160, 32)
    assert clean is not None and read is not None and not read.stained and read.doubt
    assert read.image.tobytes() == clean.image.tobytes()
    darker = glyphs(cell(False), 200, 110, 32)  # the old way's threshold: the hairlines lost
    assert darker is not None and darker.image.tobytes() != clean.image.tobytes()


def test_what_a_seals_taking_out_leaves_of_its_ring_below_a_figure_is_not_read_with_it():
    """A seal's ink pools at places as dark as print. Where the ring touches a figure, the seal is taken out pixel by
    pixel, but a dark stretch of its edge below the figure stayed, a line of ink of its own; drawn with the figure it
    made a 0 read ">" (沭阳县's table 三 under a grey seal, printed by Chromium: a 0 read blank). Only the figure's
    own line is read, doubted."""
    from nianbao.engine.readers.scan.figures import _unstained
    from PIL import ImageChops, ImageDraw, ImageFilter

    def cell(sealed: bool) -> Image.Image:
        image = Image.new("L", (100, 160), 250)
        draw = ImageDraw.Draw(image)
        if sealed:
            draw.ellipse((-300, -60, 20, 260), outline=105, width=14)  # the ring's right edge along the figure
            draw.line((8, 108, 12, 124), fill=45, width=4)  # its ink pooled dark, below the figure
        draw.ellipse((21, 66, 37, 90), outline=120, width=2)  # a serif 0 touching the ring
        draw.line((22, 72, 22, 84), fill=20, width=4)
        draw.line((36, 72, 36, 84), fill=20, width=4)
        return image.filter(ImageFilter.GaussianBlur(0.6))

    clean, read = _unstained(cell(False), 200, 160, 32), _unstained(cell(True), 200, 160, 32)
    assert clean is not None and read is not None and read.doubt and not read.stained
    # the figure alone on the canvas, scaled as without the seal (with the stub, both drawn smaller side by side)
    ink = [ImageChops.invert(glyphs.image).getbbox() for glyphs in (clean, read)]
    assert ink[0] == ink[1]


def test_ink_thicker_than_print_is_a_seals_on_grey_pages_only():
    """A blot holding ink thicker than any printed stroke is a seal's on a grey page; on black and white, whose
    figures are drawn again from a low resolution and thickened, a digit's strokes can be as thick (150 dpi: a figure
    of 淮安市's lost)."""
    from nianbao.engine.readers.scan.speck import glyphs
    from PIL import ImageDraw

    image = Image.new("L", (200, 98), 255)
    draw = ImageDraw.Draw(image)
    draw.line((100, 34, 100, 62), fill=0, width=9)  # a 1 thickened, 1.1 mm at 200 dpi
    on_grey, on_black_and_white = glyphs(image, 200, 160, 32), glyphs(image, 200, 160, 32, grey=False)
    assert on_grey is not None and on_grey.stained
    assert on_black_and_white is not None and not on_black_and_white.stained


def test_a_seal_printed_as_dark_as_the_print_is_read_at_darker_thresholds_as_before():
    from nianbao.engine.readers.scan.speck import without_lighter_seal
    from PIL import ImageDraw

    image = Image.new("L", (200, 98), 250)
    draw = ImageDraw.Draw(image)
    draw.ellipse((-260, -120, 60, 200), outline=35, width=12)
    _zero(draw, 110, hairline=20)
    assert without_lighter_seal(image, 200, 160) is None
    assert without_lighter_seal(Image.new("L", (200, 98), 250), 200, 160) is None  # no seal at all


def test_a_long_strip_of_black_and_white_is_not_drawn_four_times_larger():
    strip = Image.new("L", (1800, 30000), 255)
    drawn, dpi = geometry.smoothed(strip, 150)
    assert drawn is strip and dpi == 150


def test_the_scan_settings_in_force_are_the_ones_read():
    """The tuned numbers live in one settings object (nianbao.engine.readers.scan.settings): a page-count limit put
    in force for a block is the one a scanned PDF is refused by, and the default is back after it."""
    from dataclasses import replace

    from nianbao.engine.errors import ErrorCode, ReadError
    from nianbao.engine.readers.scan.reader import read_scanned_pdf
    from nianbao.engine.readers.scan.settings import SETTINGS, tuning
    from nianbao.engine.testing.amplifiers import grid_scan_pdf

    scan = grid_scan_pdf(pages=3, lines=4)
    with tuning(replace(SETTINGS, pages=replace(SETTINGS.pages, max_pages=2))), pytest.raises(ReadError) as raised:
        read_scanned_pdf(Path("three.pdf"), scan)
    assert raised.value.code is ErrorCode.too_large and raised.value.params["limit"] == "2 pages"
    assert tuned() is SETTINGS


def test_a_cells_inner_border_left_in_its_crop_is_no_figure():
    """A portal table printed by a browser with its default cell spacing gives each cell a light inner border of its
    own, bottom and right, a few pixels inside the ruling painted out: in a blank cell's crop at a light threshold an
    L, not thin in either direction, was read as a doubted "1" (15 blank cells of 上海市 2019's table 三 in every kind
    of scan). Thin lines along a blot's box alone, longer than any figure, are a corner of ruling; a figure beside
    them is read as it was without them."""
    from nianbao.engine.readers.scan.speck import glyphs
    from PIL import ImageDraw

    def crop(*strokes: tuple[int, int, int, int]) -> Image.Image:
        image = Image.new("L", (150, 55), 255)
        draw = ImageDraw.Draw(image)
        draw.line((4, 48, 144, 48), fill=185, width=2)  # the inner border's bottom, 5 px above the crop's edge
        draw.line((144, 4, 144, 48), fill=185, width=2)  # and its right
        for stroke in strokes:
            draw.line(stroke, fill=0, width=3)
        return image

    assert glyphs(crop(), 200, 200, 32) is None
    two = glyphs(crop((14, 12, 26, 12), (26, 12, 14, 36), (14, 36, 26, 36)), 200, 200, 32)
    assert two is not None and not two.stained
