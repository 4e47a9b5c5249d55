"""The scans' prose and table labels read by PP-OCR's line recogniser (nianbao.engine.readers.scan.recogniser), its
lines found by their ink (nianbao.engine.readers.scan.textlines); Tesseract when the recogniser is not installed
(nianbao.engine.readers.scan.prose). The whole scan read through it is in tests/test_ocr.py and
benchmarks/reading.py."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.readers.pdf.reader import PdfReader
from nianbao.engine.readers.scan import prose, recogniser
from nianbao.engine.readers.scan.tesseract import Deadline
from nianbao.engine.readers.scan.tesseract import available as tesseract_available
from nianbao.engine.readers.scan.textlines import crop, text_lines

FIXTURES = Path(__file__).parent / "fixtures"
needs_recogniser = pytest.mark.skipif(not recogniser.available(), reason="the ocr extra's recogniser is not installed")


def _prose(pdf: Path, number: int, dpi: int = 200):
    """A page of our fixture down to the heading before its first table, drawn in grey; and its text there, as the
    text layer has it."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf.read_bytes())
    try:
        page = document[number]
        text = page.get_textpage()
        heading = "二、主动公开政府信息情况"
        index, count = text.search(heading).get_next()
        bottom = min(text.get_charbox(i)[1] for i in range(index, index + count))
        image = page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
        cut = round((page.get_height() - bottom + 4) * dpi / 72)
        truth = text.get_text_range()
        return image.crop((0, 0, image.size[0], cut)), truth[: truth.index(heading) + len(heading)]
    finally:
        document.close()


def _ideographs(text: str) -> Counter[str]:
    return Counter(re.findall(r"[\u4e00-\u9fff]", text))


def _numbers(text: str) -> Counter[str]:
    return Counter(re.findall(r"\d+", text.replace(",", "")))


@needs_recogniser
def test_a_page_of_prose_is_read_line_by_line_with_every_number():
    page, truth = _prose(FIXTURES / "2021-qinghe.pdf", 0)
    lines = text_lines(page, 200)
    read = recogniser.read_lines([crop(page, line)[0] for line in lines], Deadline(60))
    text = "\n".join(line.text for line in read)
    # every line of the text layer's prose has a line of ink; the lines run top to bottom
    assert len(lines) >= 15 and [line.top for line in lines] == sorted(line.top for line in lines)
    got, wanted = _ideographs(text), _ideographs(truth)
    assert sum((got & wanted).values()) >= 0.98 * sum(wanted.values())
    assert _numbers(truth) - _numbers(text) == Counter()  # the prose's figures are what prose rules compare
    for line, found in zip(read, lines, strict=True):  # each character placed along its line, in order
        assert list(line.centres) == sorted(line.centres)
        assert all(0 <= centre <= found.right - found.left + found.height for centre in line.centres)


def test_lines_go_to_the_model_in_batches_of_a_bounded_width_narrowest_first():
    widths = [40, 1_500, 60, 300, 50, 700, 45, 650, 2_000]
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    batches = recogniser._batches(order, widths, 1_280)
    assert [i for batch in batches for i in batch] == order  # each line once, narrowest first
    for batch in batches:  # padded to its widest (its last), within the bound unless one line is wider alone
        assert widths[batch[-1]] * len(batch) <= 1_280 or len(batch) == 1
    assert batches[0] == [0, 6, 4, 2]  # the table's cells together; the long lines of prose each alone
    assert [len(b) for b in batches[-3:]] == [1, 1, 1]


@needs_recogniser
def test_two_lines_run_together_are_parted_a_large_title_is_not_and_a_far_piece_is_read_apart():
    from PIL import Image, ImageDraw, ImageFont

    font_path = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
    if not Path(font_path).is_file():
        pytest.skip("no Chinese font to draw with")
    prose, title = ImageFont.truetype(font_path, 44), ImageFont.truetype(font_path, 88)
    page = Image.new("L", (1600, 700), 255)
    draw = ImageDraw.Draw(page)
    draw.text((60, 20), "青禾市人民政府办公室", font=title, fill=0)  # twice the prose's size, as a browser prints h1
    draw.text((60, 160), "政府信息公开工作年度报告", font=prose, fill=0)
    draw.text((1300, 160), "单位：件", font=prose, fill=0)  # far to the right: a piece of its own
    draw.text((60, 230), "主动公开政府信息情况", font=prose, fill=0)
    draw.text((60, 300), "收到和处理政府信息公开申请情况", font=prose, fill=0)
    draw.text((60, 342), "政府信息公开行政复议情况", font=prose, fill=0)  # its glyphs touch the line above's
    lines = text_lines(page, 200)
    read = [r.text for r in recogniser.read_lines([crop(page, line)[0] for line in lines], Deadline(60))]
    assert read == [
        "青禾市人民政府办公室", "政府信息公开工作年度报告", "单位：件", "主动公开政府信息情况",
        "收到和处理政府信息公开申请情况", "政府信息公开行政复议情况",
    ]  # fmt: skip


@needs_recogniser
def test_a_seal_ring_across_lines_of_prose_leaves_each_line_its_own():
    """A grey scan's seal: its ring is as dark as thin print and holds ink in every row it crosses, so the lines under
    it ran into one band, read as nothing, and a section heading among them was lost (our fixtures' grey scans with a
    seal: 86 % of cells placed)."""
    from PIL import Image, ImageDraw, ImageFont

    font_path = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
    if not Path(font_path).is_file():
        pytest.skip("no Chinese font to draw with")
    font = ImageFont.truetype(font_path, 44)
    texts = [
        "（五）监督保障", "组织全员参加政务公开业务培训，提升依法公开能力",
        "流两次，企业代表参与督导检查，明确责任追究", "全年因政府信息公开工作被申请行政复议的案件",
        "二、主动公开政府信息情况",
    ]  # fmt: skip
    page = Image.new("L", (1600, 600), 255)
    draw = ImageDraw.Draw(page)
    for row, text in enumerate(texts):
        draw.text((60, 40 + 100 * row), text, font=font, fill=0)
    draw.ellipse((300, 20, 700, 420), outline=110, width=14)  # a red seal's grey, 4 cm across at 254 dpi
    lines = text_lines(page, 200)
    assert [round((line.top - 40) / 100) for line in lines] == list(range(len(texts)))
    assert all(line.height < 60 for line in lines)
    read = [r.text for r in recogniser.read_lines([crop(page, line)[0] for line in lines], Deadline(60))]
    assert read[0] == texts[0] and read[-1] == texts[-1]  # the heading the ring crosses is read
    got, wanted = _ideographs("".join(read)), _ideographs("".join(texts))
    assert sum((got & wanted).values()) >= 0.95 * sum(wanted.values())


def test_a_tables_block_stays_one_band_for_the_orientation_and_parts_for_the_prose():
    """The orientation (geometry.Upright._by_lines) asks of a page as scanned, its tables there: it leaves a table's
    block of rows and rulings out as one tall band. Parted by the seal's rule (its grid is ink taller than any
    character), the block's rows were asked instead, and a colour scan of our 2021 fixture was turned upside down
    and refused as illegible."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument((FIXTURES / "2021-qinghe.pdf").read_bytes())
    try:
        page = document[1].render(scale=200 / 72, grayscale=True).to_pil().convert("L")  # table 三
    finally:
        document.close()
    tall = 18 / 25.4 * 200
    assert max(line.height for line in text_lines(page, 200, seals=False)) > tall
    assert max(line.height for line in text_lines(page, 200)) < tall


def test_the_greedy_reading_drops_repeats_and_blanks_and_places_each_character():
    pytest.importorskip("numpy")
    import numpy as np

    characters = ("", "1", "7", " ")
    columns = [0, 2, 2, 0, 1, 0, 1, 1, 3, 2]  # blank, 7 7, blank, 1, blank, 1 1, space, 7
    probabilities = np.full((len(columns), len(characters)), 0.01, dtype=np.float32)
    for column, index in enumerate(columns):
        probabilities[column, index] = 0.9
    line = recogniser._decoded(probabilities, characters, 8.0)
    assert line.text == "7117"  # a blank parts the two 1s; the space is left out
    assert line.centres == (16.0, 36.0, 56.0, 76.0)  # the middle of the columns each held, 8 px a column
    assert all(abs(c - 0.9) < 1e-6 for c in line.confidences)


@needs_recogniser
def test_reading_lines_past_the_deadline_is_a_timeout():
    page, _ = _prose(FIXTURES / "2021-qinghe.pdf", 0)
    images = [crop(page, line)[0] for line in text_lines(page, 200)]
    with pytest.raises(ReadError) as caught:
        recogniser.read_lines(images, Deadline(0))
    assert caught.value.code == ErrorCode.timeout


def test_without_the_recogniser_the_prose_is_read_by_tesseract(monkeypatch):
    if not tesseract_available():
        pytest.skip("Tesseract with its Chinese model is not installed")
    monkeypatch.setattr(recogniser, "available", lambda: False)
    monkeypatch.setattr(recogniser, "read_lines", lambda *a: pytest.fail("the recogniser was asked"))
    page, _ = _prose(FIXTURES / "2021-qinghe.pdf", 0)
    words = prose.read_prose([(page, 200)], Deadline(120))[0]
    text = "".join(word.text for word in words)
    assert "总体情况" in text and "主动公开政府信息情况" in text


def test_a_missing_model_leaves_the_recogniser_unavailable(monkeypatch):
    import importlib.util

    def forget() -> None:
        recogniser._session.cache_clear()
        recogniser._characters.cache_clear()

    forget()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    try:
        assert not recogniser.available()
        from PIL import Image

        assert recogniser.upside_down([Image.new("L", (300, 32), 255)], Deadline(60)) is None
    finally:
        monkeypatch.undo()
        forget()


@pytest.mark.slow
@needs_recogniser
def test_a_report_page_printed_and_scanned_reads_its_headings_by_the_recogniser(monkeypatch):
    """The whole scan path: the prose and the labels come from the recogniser, the figures still from Tesseract."""
    if not tesseract_available():
        pytest.skip("Tesseract with its Chinese model is not installed")
    from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

    asked = []
    read_lines = recogniser.read_lines

    def counted(images, deadline):
        asked.append(len(images))
        return read_lines(images, deadline)

    monkeypatch.setattr(recogniser, "read_lines", counted)
    pdf = FIXTURES / "2021-qinghe.pdf"
    scan = scanned_pdf(scanned_pages(pdf.read_bytes(), ScanSpec(dpi=200, skew=1.0, seed=3)), 200)
    report = PdfReader().read(Path("scan.pdf"), scan)
    assert asked and report.source.reading == "ocr"
    printed = PdfReader().read(pdf, pdf.read_bytes())
    assert [section.key for section in report.sections] == [section.key for section in printed.sections]


@needs_recogniser
@pytest.mark.parametrize("turn", [0, 180, 90, 270])
def test_a_stack_of_prose_pages_is_turned_by_the_direction_of_its_lines_without_the_orientation_model(
    monkeypatch, turn
):
    """Pages fed upside down or on their side are told by PP-OCR's direction classifier over their longest lines
    (0.03 s a page); Tesseract's orientation model (0.3–0.6 s) is not asked."""
    from nianbao.engine.readers.scan import geometry

    monkeypatch.setattr(geometry, "orientation", lambda *a: pytest.fail("the orientation model was asked"))
    page, _ = _prose(FIXTURES / "2021-qinghe.pdf", 0)
    stack = [geometry.turned(page, turn)] * 2
    assert geometry.Upright(Deadline(60)).turns(stack) == [(360 - turn) % 360] * 2


@needs_recogniser
def test_lines_that_do_not_tell_their_direction_leave_the_page_to_the_orientation_model(monkeypatch):
    from nianbao.engine.readers.scan import geometry

    asked = []
    monkeypatch.setattr(recogniser, "upside_down", lambda images, deadline: [0.5] * len(images))
    monkeypatch.setattr(geometry, "orientation", lambda image, deadline: asked.append(1) or None)
    page, _ = _prose(FIXTURES / "2021-qinghe.pdf", 0)
    geometry.Upright(Deadline(60)).turns([page])
    assert asked


@needs_recogniser
def test_a_recogniser_that_fails_leaves_the_words_to_tesseract_and_the_turn_to_its_model(monkeypatch, caplog):
    """ONNX Runtime failing on a batch (a refused allocation, a damaged model) costs the file nothing: its prose and
    its table cells are read by Tesseract, and which way up its pages stand is left to the orientation model."""
    if not tesseract_available():
        pytest.skip("Tesseract with its Chinese model is not installed")
    from PIL import Image, ImageDraw, ImageFont

    class Broken:
        def get_inputs(self):
            return [type("Input", (), {"name": "x"})()]

        def run(self, *args):
            raise RuntimeError("[ONNXRuntimeError] : 6 : RUNTIME_EXCEPTION : bad allocation")

    monkeypatch.setattr(recogniser, "_model", lambda: (Broken(), ("", "0")))
    monkeypatch.setattr(recogniser, "_session", lambda name: Broken())
    page, _ = _prose(FIXTURES / "2021-qinghe.pdf", 0)
    text = "".join(word.text for word in prose.read_prose([(page, 200)], Deadline(120))[0])
    assert "总体情况" in text and "主动公开政府信息情况" in text
    font_path = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
    if Path(font_path).is_file():
        cell = Image.new("L", (400, 60), 255)
        ImageDraw.Draw(cell).text((20, 10), "行政许可", font=ImageFont.truetype(font_path, 36), fill=0)
        assert "".join(w.text for w in prose.read_cells([(cell, 200)], Deadline(60))[0][0]) == "行政许可"
    assert recogniser.upside_down([page.crop((0, 0, 600, 60))], Deadline(60)) is None
    assert "the line recogniser failed" in caplog.text


@needs_recogniser
@pytest.mark.skipif(not tesseract_available(), reason="Tesseract is not installed")
def test_a_figure_printed_with_its_money_unit_is_read_left_of_the_unit_and_keeps_it():
    """A real portal page prints 表二's procurement amount as "251000元" in its cell: read whole by the English
    model, the unit's glyphs came out as digits (25100070). The recogniser tells where the unit starts; the figure
    is read left of it, and the cell says the unit after it, as a text layer's cell does (the reader notes it)."""
    from nianbao.engine.readers.scan import ocr
    from PIL import Image, ImageDraw, ImageFont

    fonts = Path("/usr/share/fonts/truetype")
    chinese, latin = fonts / "droid" / "DroidSansFallbackFull.ttf", fonts / "dejavu" / "DejaVuSerif.ttf"
    if not chinese.is_file() or not latin.is_file():
        pytest.skip("no Chinese and Latin fonts to draw with")
    words, digits = ImageFont.truetype(str(chinese), 30), ImageFont.truetype(str(latin), 28)
    page = Image.new("L", (1654, 900), 255)
    draw = ImageDraw.Draw(page)
    columns = (150, 600, 900, 1400)
    for y in (300, 380, 460):
        draw.line((columns[0], y, columns[-1], y), fill=0, width=3)
    for x in columns:
        draw.line((x, 300, x, 460), fill=0, width=3)
    for x, y, text in (
        (170, 318, "信息内容"),
        (620, 318, "采购项目数量"),
        (920, 318, "采购总金额"),
        (170, 398, "政府集中采购"),
    ):
        draw.text((x, y), text, font=words, fill=0)
    draw.text((620, 400), "6", font=digits, fill=0)
    draw.text((920, 400), "251000", font=digits, fill=0)
    draw.text((924 + draw.textlength("251000", font=digits), 398), "万元", font=words, fill=0)
    cells = ocr.read_pages([(page.convert("RGB"), 200.0)], Deadline(120))[0].cells
    assert [cell.text for cell in cells][-2:] == ["6", "251000万元"]


@pytest.mark.parametrize(
    ("read", "lefts", "spaced"),
    [
        ("25100元", [-2, 21, 37, 50, 66, 98], True),  # 上海市 with a colour seal: the trace across the last 0
        ("251000元", [0, 17, 33, 49, 66, 82, 100], False),
        ("69.39万元", [0, 17, 33, 40, 56, 74, 104], False),  # a decimal point is narrow: no room for a digit
    ],
)
def test_a_figure_whose_digits_leave_room_for_one_more_before_its_unit_is_doubted(read, lefts, spaced):
    """上海市 2019's portal page scanned in colour with a seal: its "251000元", the seal's trace across the last 0,
    was read 25100 by the recogniser and by Tesseract alike, sure and unmarked. The recogniser's places say more: its
    five digits span six digits' advance before 元. Such a figure is doubted (nianbao.engine.readers.scan.figures)."""
    from types import SimpleNamespace

    from nianbao.engine.readers.scan import ocr
    from nianbao.engine.readers.scan.figures import ReadCell
    from nianbao.engine.readers.scan.tesseract import Word

    words = [Word(0, left, 2, 16, 24, (1, 1, 1), ch, 0.9) for left, ch in zip(lefts, read, strict=True)]
    cell = ReadCell((100.0, 100.0, 160.0, 112.0), read)
    ocr._unit_apart(SimpleNamespace(dpi=200.0), cell, words)
    assert cell.unit and cell.spaced is spaced
