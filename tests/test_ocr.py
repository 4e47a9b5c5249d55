"""Scans read by OCR (nianbao.engine.readers.scan.reader, nianbao.engine.readers.scan.ocr): our own PDFs printed, sealed
and scanned (nianbao.engine.testing.scan) come out as the text PDF's report, and every table cell is either read right
or marked doubtful. Needs Pillow and Tesseract with its Chinese and English models (Debian: tesseract-ocr,
tesseract-ocr-chi-sim); the tests skip with that reason without them."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed (the ocr extra)")

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.model import SectionKey
from nianbao.engine.readers.pdf.reader import PdfReader
from nianbao.engine.readers.pipeline.normalize import parse_cell
from nianbao.engine.readers.scan.ocr import read_pages
from nianbao.engine.readers.scan.reader import ImageReader, ocr_ready
from nianbao.engine.readers.scan.settings import SETTINGS
from nianbao.engine.readers.scan.tesseract import Deadline, read_images
from nianbao.engine.schemas import REPORT, schema_errors
from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(
    not ocr_ready(), reason="Tesseract with chi_sim and eng is not installed (apt install tesseract-ocr-chi-sim)"
)

FIXTURES = ROOT / "tests" / "fixtures"


def _truth(pdf):
    report = PdfReader().read(pdf, pdf.read_bytes())
    return report, {
        key: (anchor, report.table(key.split(":")[0])[key.split(":")[1]][key.split(":")[2]])
        for key, anchor in report.cell_anchors.items()
        if anchor.page and anchor.box
    }


# The two templates, a portal page printed by Chromium (other fonts, a browser's stamp on every page), and a grey
# scan, where the seal prints dark over the figures.
SCANS = [
    ("2019-nanyu", 150, 3.0, "colour"),
    ("2021-qinghe", 200, 1.0, "colour"),
    ("patterns/browser-print", 150, 2.0, "colour"),
    ("2021-qinghe", 200, 2.0, "grey"),
]


@pytest.fixture(scope="module", params=SCANS, ids=str)
def scanned(request, tmp_path_factory):
    """A fixture scanned, sealed and tilted; its pages as read by OCR, and the report the reader makes of it."""
    name, dpi, skew, mode = request.param
    pdf = FIXTURES / f"{name}.pdf"
    pages = scanned_pages(pdf.read_bytes(), ScanSpec(dpi=dpi, skew=skew, seed=dpi, mode=mode))
    scan = tmp_path_factory.mktemp("scan") / f"{pdf.stem}-scan.pdf"
    scan.write_bytes(scanned_pdf(pages, dpi))
    return pdf, scan, mode


def _cells_read(scan):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(scan.read_bytes())
    pages = [
        (document[i].render(scale=SETTINGS.pages.render_dpi / 72).to_pil(), SETTINGS.pages.render_dpi)
        for i in range(len(document))
    ]
    return read_pages(pages, Deadline(300))


def test_every_figure_is_read_right_or_marked_doubtful(scanned):
    pdf, scan, mode = scanned
    _report, truth = _truth(pdf)
    read = _cells_read(scan)
    right, wrong, figures = 0, [], 0
    signed = 0
    for key, (anchor, value) in truth.items():
        if not isinstance(value, int | float):
            continue
        figures += 1
        page = read[anchor.page - 1]
        left, top, r, bottom = anchor.box
        cx, cy = (left + r) / 2 * page.width, (top + bottom) / 2 * page.height
        cell = next(c for c in page.cells if c.box[0] <= cx <= c.box[2] and c.box[1] <= cy <= c.box[3])
        if parse_cell(cell.text) == value:
            right += 1
            signed += isinstance(value, int) and value < 0
        else:
            wrong.append((key, value, cell.text, cell.confidence))
    assert figures > 150
    # In grey the seal prints dark over the figures: those it covers are read at a darker threshold, and doubted.
    assert right / figures >= (0.995 if mode == "colour" else 0.97), wrong
    assert all(confidence is not None and confidence < SETTINGS.cells.low for *_, confidence in wrong), wrong
    if "2019" in pdf.name:
        assert signed >= 1  # a change from the year before, read with its minus sign


def test_a_scanned_pdf_reads_as_the_report_it_was_printed_from(scanned, run):
    pdf, scan, mode = scanned
    truth, cells = _truth(pdf)
    code, out, err = run("parse", scan)
    assert code == 0, err
    model = json.loads(out)
    assert schema_errors(model, REPORT) == []
    assert model["source"]["format"] == "pdf" and model["source"]["pages"] == truth.source.pages
    assert (model["template"], model["year"], model["agency"]) == (truth.template, truth.year, truth.agency)
    assert [s["key"] for s in model["sections"]] == [s.key.value for s in truth.sections]
    anchors = model["cell_anchors"]
    assert anchors and all(a["source"] == "ocr" for a in anchors.values())
    # A row the template lacks is keyed by its label, which OCR may read otherwise: the template's rows are compared.
    template_cells = {key: value for key, (_anchor, value) in cells.items() if ":extra." not in key}
    right = doubtful = 0
    for key, value in template_cells.items():
        table, row, column = key.split(":")
        right += model[table].get(row, {}).get(column) == value
        doubtful += (anchors.get(key, {}).get("confidence") or 1) < SETTINGS.cells.low
        # a row read short is not laid out; the check says so, and to look at the original
        doubtful += model["unplaced"].get(f"{table}.{row}", {}).get("source") == "ocr"
    # in grey, a seal over table 三 hides a few figures and can cost a row: each is doubted or said unplaced
    assert right + doubtful >= len(template_cells)
    assert right / len(template_cells) >= (0.98 if mode == "colour" else 0.93)
    # a money amount's decimal point, a change's sign: read right or marked doubtful
    for column, value in truth.proactive["fees"].items():
        anchor = anchors.get(f"proactive:fees:{column}") or {}
        assert model["proactive"]["fees"].get(column) == value or (anchor.get("confidence") or 0) < SETTINGS.cells.low
    assert any("OCR" in note for note in model["notes"])


def test_a_check_of_a_scan_scores_it(scanned, run):
    _pdf, scan, _mode = scanned
    _code, out, _err = run("check", scan, "--format", "json", "--no-cache")
    result = json.loads(out)["results"][0]
    assert result.get("error") is None and result["score"] is not None
    for finding in result["findings"]:  # what a finding rests on that OCR doubts is named in it
        if finding.get("doubtful_cells"):
            assert "OCR" in finding["message"]


def test_a_scanned_table_four_short_of_a_column_is_a_warning_to_check_the_original(tmp_path, run):
    pdf = FIXTURES / "patterns" / "review-column-deleted.pdf"  # 14 values under table 四's 15 headings
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf(scanned_pages(pdf.read_bytes(), ScanSpec(dpi=200, skew=1.0, seed=2)), 200))
    _code, out, _err = run("check", scan, "--format", "json", "--no-cache", "--select", "NB105")
    [finding] = json.loads(out)["results"][0]["findings"]
    assert (finding["rule"], finding["key"], finding["severity"]) == ("NB105", "NB105.unplaced-ocr", "warning")
    assert "请对照原件" in finding["message"] and finding["location"]["section"] == "review_litigation"


def test_a_black_and_white_tiff_with_the_seal_over_table_three_is_judged_only_where_it_can_be_read(tmp_path, run):
    """The seal prints black over table 三: the rows it garbles are placed by where they stand, the heading 四 whose
    numeral OCR drops is found again, and every finding the scan adds to the text PDF's rests on what OCR may have
    got wrong, says so, and is pending."""
    pdf = FIXTURES / "2021-qinghe.pdf"
    pages = scanned_pages(pdf.read_bytes(), ScanSpec(dpi=200, skew=1.5, seed=3, mode="bilevel"))
    tiff = tmp_path / "report.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:], dpi=(200, 200), compression="group4")
    results = {}
    for name, path in (("scan", tiff), ("text", pdf)):
        _code, out, _err = run("check", path, "--format", "json", "--no-cache")
        results[name] = json.loads(out)["results"][0]
    assert [s["key"] for s in results["scan"]["report"]["sections"]] == [k.value for k in SectionKey]

    def doubted(f):
        return f.get("doubtful_cells") or f.get("doubtful_parts")

    # nothing is said missing as the report's fault: a row the seal cost a figure is unplaced, and waits for a person
    assert not [f for f in results["scan"]["findings"] if f["rule"] in ("NB101", "NB105") and not doubted(f)]
    said = {(f["rule"], f["key"]) for f in results["text"]["findings"]}
    added = [f for f in results["scan"]["findings"] if (f["rule"], f["key"]) not in said]
    assert added and all(doubted(f) and "OCR" in f["message"] for f in added), added
    assert results["scan"]["score"] >= results["text"]["score"]  # what OCR added costs nothing until confirmed


def test_a_multi_page_tiff_of_the_scan_reads_like_the_pdf(tmp_path):
    from PIL import Image

    pdf = FIXTURES / "2021-qinghe.pdf"
    pages = scanned_pages(pdf.read_bytes(), ScanSpec(dpi=200, skew=1.5, seed=3))
    tiff = tmp_path / "report.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:], dpi=(200, 200), compression="tiff_deflate")
    report = ImageReader().read(tiff, tiff.read_bytes())
    truth = PdfReader().read(pdf, pdf.read_bytes())
    assert report.source.format == "image" and report.source.pages == len(pages)
    assert (report.template, report.year, report.agency) == (truth.template, truth.year, truth.agency)
    assert [s.key for s in report.sections] == [s.key for s in truth.sections]
    assert isinstance(Image.open(tiff).n_frames, int)


@pytest.mark.parametrize(
    ("source", "dpi"),
    [("2021-qinghe.pdf", 150), pytest.param("huaian_city_2024.pdf", 200, id="real-layout-200")],
)
def test_a_black_and_white_scan_packed_as_pdf_reads_as_the_same_scan_as_tiff(tmp_path, source, dpi):
    """A scanner in black-and-white mode packs each page as one Group 4 picture in a PDF. Drawn again by PDFium its
    edges came out grey, so it was no longer read as black and white (淮安市's 7-point figures at 200 dpi: 190 of 200
    where the TIFF read 199). Now the picture's own pixels are read at its own resolution: figure for figure as the
    same pages in a TIFF."""
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.testing.measure import figures

    from tests.conftest import CORPUS

    original = (CORPUS if source.startswith("huaian") else FIXTURES) / source
    if not original.exists():
        pytest.skip("the real corpus (../shared) is absent")
    pages = scanned_pages(original.read_bytes(), ScanSpec(dpi=dpi, skew=0.8, seed=3, mode="bilevel"))
    packed = tmp_path / "scan.pdf"
    packed.write_bytes(scanned_pdf(pages, dpi))
    assert b"/CCITTFaxDecode" in packed.read_bytes()
    tiff = tmp_path / "scan.tif"
    pages[0].save(tiff, save_all=True, append_images=pages[1:], dpi=(dpi, dpi), compression="group4")
    checker = Checker(PluginHost.load(entry_points=False))
    as_pdf, as_tiff = checker.check_file(packed).report, checker.check_file(tiff).report
    assert figures(as_pdf) == figures(as_tiff)
    assert {k: a.confidence for k, a in as_pdf.cell_anchors.items()} == {
        k: a.confidence for k, a in as_tiff.cell_anchors.items()
    }


def test_pages_with_transparent_paper_read_as_on_white(tmp_path):
    """PNG pages cut from a document keep their text in the alpha channel over black (or no) colour: read on white
    paper, as the same pages printed, not as black pages with nothing on them."""
    from PIL import Image

    pdf = FIXTURES / "2021-qinghe.pdf"
    pages = scanned_pages(pdf.read_bytes(), ScanSpec(dpi=200, skew=0.0, seed=4))
    cut = []
    for page in pages:
        ink = page.convert("L").point(lambda v: 255 - v)
        cut.append(Image.merge("RGBA", (*(Image.new("L", page.size, 0),) * 3, ink)))
    tiff = tmp_path / "cut.tif"
    cut[0].save(tiff, save_all=True, append_images=cut[1:], dpi=(200, 200), compression="tiff_deflate")
    report = ImageReader().read(tiff, tiff.read_bytes())
    truth = PdfReader().read(pdf, pdf.read_bytes())
    assert (report.template, report.year, report.agency) == (truth.template, truth.year, truth.agency)
    assert [s.key for s in report.sections] == [s.key for s in truth.sections]


def test_an_image_that_is_no_image_or_too_big_is_refused_with_a_code(tmp_path):
    from PIL import Image

    with pytest.raises(ReadError) as broken:
        ImageReader().read(tmp_path / "x.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert broken.value.code is ErrorCode.unreadable
    huge = io.BytesIO()
    Image.new("1", (9000, 9000)).save(huge, "PNG")  # 81 million pixels, a few kilobytes
    with pytest.raises(ReadError) as big:
        ImageReader().read(tmp_path / "big.png", huge.getvalue())
    assert big.value.code is ErrorCode.too_large


def test_a_page_of_a_dense_grid_is_refused_before_any_cell_is_read(tmp_path):
    from PIL import Image, ImageDraw

    page = Image.new("L", (1654, 2339), 255)
    draw = ImageDraw.Draw(page)
    for at in range(100, 1550, 6):
        draw.line((at, 100, at, 2200), fill=0)
    for at in range(100, 2200, 6):
        draw.line((100, at, 1550, at), fill=0)
    out = io.BytesIO()
    page.save(out, "PNG", dpi=(200, 200))
    with pytest.raises(ReadError) as dense:
        ImageReader().read(tmp_path / "grid.png", out.getvalue())
    assert dense.value.code is ErrorCode.too_large


def test_tesseract_past_the_deadline_is_a_timeout_and_leaves_no_process():
    from PIL import Image

    with pytest.raises(ReadError) as late:
        read_images([Image.new("L", (64, 32), 255)], "eng", 7, Deadline(0))
    assert late.value.code is ErrorCode.timeout
    with pytest.raises(ReadError) as cut:
        read_images([Image.new("L", (2400, 3200), 255)] * 40, "chi_sim", 3, Deadline(0.5))
    assert cut.value.code is ErrorCode.timeout
    children = subprocess.run(["pgrep", "-P", str(os.getpid()), "-x", "tesseract"], capture_output=True, text=True)
    assert children.stdout.split() == []  # killed with its process group and waited for


def test_a_scan_of_more_cells_than_any_report_is_refused_before_they_are_read():
    """Forty pages of a 140×140 ruled grid (6 KB): each cell would be read, two minutes' worth; refused for its
    cells in seconds, naming the limit."""
    import time

    from nianbao.engine.readers.scan.reader import read_scanned_pdf
    from nianbao.engine.testing.amplifiers import grid_scan_pdf

    started = time.monotonic()
    with pytest.raises(ReadError) as raised:
        read_scanned_pdf(Path("grid.pdf"), grid_scan_pdf(pages=40, lines=140))
    assert raised.value.code is ErrorCode.too_large and raised.value.params["limit"] == SETTINGS.cells.max_cells
    assert time.monotonic() - started < 30


def test_preparing_pages_stops_at_the_deadline():
    """The steps between Tesseract's runs check the file's clock too (a page is prepared in a fraction of a second,
    forty of them in seconds)."""
    from PIL import Image

    pages = ((Image.new("L", (1654, 2339), 255), 200.0) for _ in range(40))
    with pytest.raises(ReadError) as raised:
        read_pages(pages, Deadline(0.0))
    assert raised.value.code is ErrorCode.timeout


def test_a_tiff_of_a_hundred_thousand_pages_is_refused_without_counting_them():
    import time

    from nianbao.engine.testing.amplifiers import many_frames_tiff

    data = many_frames_tiff(100_000)
    started = time.monotonic()
    with pytest.raises(ReadError) as raised:
        ImageReader().read(Path("pages.tif"), data)
    assert raised.value.code is ErrorCode.too_large and "40" in raised.value.params["limit"]
    assert time.monotonic() - started < 2  # Pillow's own count walks every page: tens of seconds


def test_a_pdf_page_as_large_as_a_wall_is_refused_before_it_is_drawn():
    """A 460-byte PDF of one 14,400-point page (40,000² pixels at the reading resolution: 1.6 GB in grey) and no
    text: refused from its size, before a pixel is drawn; drawn for the clerk's page, it is drawn small."""
    import time

    from nianbao.engine.readers.pdf.pages import MAX_PIXELS, render_pages
    from nianbao.engine.testing import amplifiers as A

    data = A.pdf({**A._page("<< >>", size=(14400, 14400)), 4: A.stream(b"0 0 m 100 100 l S")})
    started = time.monotonic()
    with pytest.raises(ReadError) as raised:
        PdfReader().read(Path("wall.pdf"), data)
    assert raised.value.code is ErrorCode.too_large and "40,000" in raised.value.params["size"]
    assert time.monotonic() - started < 2
    (drawn,) = render_pages(data, [1])
    assert drawn.width * drawn.height <= MAX_PIXELS and drawn.width > 1000


def test_a_tiny_png_of_a_huge_blank_page_costs_seconds_not_minutes():
    """16 KB: a 7,745-pixel square page said to be 50 dpi (155 inches across, taken as A4 at ~940 dpi): it took
    77–93 s and 3.4 GB across the process tree; now it is drawn to a page's size first, and found empty."""
    import time

    from nianbao.engine.testing.amplifiers import sparse_png

    data = sparse_png()
    assert len(data) < 20_000
    started = time.monotonic()
    with pytest.raises(ReadError) as raised:
        ImageReader().read(Path("page.png"), data)
    assert raised.value.code in (ErrorCode.no_text, ErrorCode.too_large)
    assert time.monotonic() - started < 20


def test_print_under_a_dense_red_seal_stays_ink_and_the_seal_goes():
    """A dense seal laid over print (opacity 0.85, as an image editor or a thick stamp pad lays it): black print under
    it is a dull red (R 182), the seal on paper a brighter red (R 220). In the red channel both were light, so the
    figures and rulings under the seal vanished with it; under the seal the red channel is now stretched from the
    seal's own level, so the print stays ink and the seal is paper. A thin seal (multiplied) was and stays right."""
    import random

    from nianbao.engine.readers.scan.raster import ink

    DARK = SETTINGS.raster.dark
    from nianbao.engine.testing.scan import _sealed
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (600, 600), "white")
    ImageDraw.Draw(page).rectangle((280, 100, 320, 500), fill="black")  # print running through the seal's middle
    for opacity in (0.85, 0.0):
        sealed = _sealed(page, 72, random.Random(1), opacity)
        grey = ink(sealed)
        assert grey.getpixel((300, 300)) < DARK, opacity  # the print under the seal's star
        assert grey.getpixel((300, 120)) < DARK  # the print outside it
        seal = [
            grey.getpixel((x, y))
            for x in range(0, 600, 3)
            for y in range(0, 600, 3)
            if sealed.getpixel((x, y))[0] - sealed.getpixel((x, y))[1] > 100 and not 270 <= x <= 330
        ]
        assert seal and min(seal) > DARK, opacity  # the seal on paper is no ink


@pytest.mark.skipif(
    not (ROOT.parent / "shared" / "corpus" / "real" / "huaian_hongze_district_2023.pdf").exists(),
    reason="the real corpus (../shared) is absent",
)
def test_a_real_layout_scanned_in_colour_with_a_dense_seal_reads_the_figures_under_it():
    """洪泽区 2023, drawn by poppler and sealed and scanned by ImageMagick as benchmarks/reading.py does it (a seal
    composited over the tables at 85 % opacity, colour, 200 dpi, JPEG): 169 of 186 figures were placed before, the
    rows under the seal lost; now all but a figure or two the seal blots out (each marked, none counting)."""
    import shutil
    import sys

    if not (shutil.which("pdftoppm") and shutil.which("convert")):
        pytest.skip("poppler-utils and imagemagick are not installed here")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import reading
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost

    checker = Checker(PluginHost.load(entry_points=False))
    pdf = ROOT.parent / "shared" / "corpus" / "real" / "huaian_hongze_district_2023.pdf"
    measured = reading.measure(checker, pdf, reading.KINDS["colour200-seal"], 1)
    assert measured["cells"] == 186 and measured["placed"] >= 183
    assert measured["wrong-unmarked"] == measured["false"] == 0


@pytest.mark.skipif(
    not (ROOT.parent / "shared" / "corpus" / "real" / "huaian_hongze_district_2023.pdf").exists(),
    reason="the real corpus (../shared) is absent",
)
@pytest.mark.parametrize(
    ("source", "kind", "placed"),
    [
        # Thresholded by ImageMagick at 150 dpi (a Group 4 TIFF), its thin type breaks apart (a 0 as "( )"), the labels
        # of table 三 came out garbled, one was taken for another item's: 128 of 186 figures were placed. Strokes
        # thickened once the rulings are painted out, a label's own item number heeded and the rows under （六）
        # fitted to either template's: all but a figure or two.
        ("huaian_hongze_district_2023", "bw150", 182),
        # Photographed on a pale desk (ImageMagick's perspective and fall-off, 150 dpi): the page was not found on a
        # surround lighter than print, so its perspective stayed and rows near the corners split (97.8 %).
        ("huaian_hongze_district_2023", "photo-light", 185),
        # On a dark desk the page was cut out, but its paper under the dim light stood at 150–180, even enough to be
        # left as it was: the ink thresholds took whole table pages for ink (108 of 186 placed).
        ("huaian_hongze_district_2023", "photo-dark", 185),
    ],
)
def test_a_real_layout_scanned_badly_keeps_its_rows(source, kind, placed):
    """As benchmarks/reading.py makes them: the real report drawn by poppler and distorted by ImageMagick."""
    import shutil
    import sys

    if not (shutil.which("pdftoppm") and shutil.which("convert")):
        pytest.skip("poppler-utils and imagemagick are not installed here")
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import reading
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost

    checker = Checker(PluginHost.load(entry_points=False))
    pdf = ROOT.parent / "shared" / "corpus" / "real" / f"{source}.pdf"
    measured = reading.measure(checker, pdf, reading.KINDS[kind], 1)
    assert measured["placed"] >= placed, measured
    assert measured["wrong-unmarked"] == measured["false"] == 0
