"""The document's own digits choose between Tesseract's readings of a figure (nianbao.engine.readers.scan.font):
digits printed in one typeface, a pixel off, blurred and speckled as a scan leaves them."""

from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed: scans cannot be made or read")

from nianbao.engine.readers.scan.font import Font, Shape, shape
from nianbao.engine.readers.scan.settings import tuned
from nianbao.engine.readers.scan.speck import glyphs
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DPI = 200


def _printed(text: str, rng: random.Random) -> Image.Image:
    """`text` as a cell of a grey scan holds it: 7-point digits (15 px tall), placed a fraction of a pixel off,
    blurred, speckled."""
    font = ImageFont.load_default(size=20)
    cell = Image.new("L", (24 + 12 * len(text), 40), 235)
    ImageDraw.Draw(cell).text((12 + rng.random(), 8 + rng.random()), text, font=font, fill=40)
    cell = cell.filter(ImageFilter.GaussianBlur(0.4 + 0.3 * rng.random()))
    return cell.point(lambda v: max(0, min(255, v + rng.randint(-12, 12))))


def _shapes(text: str, rng: random.Random) -> tuple[Shape, ...]:
    found = glyphs(_printed(text, rng), DPI, 200, 32, shaped=True)
    assert found is not None
    return found.shapes


def _font(figures: str, rng: random.Random) -> Font:
    return Font.learned((figure, _shapes(figure, rng)) for figure in figures.split() * 4)


def test_a_figure_whose_readings_disagree_is_the_one_its_glyphs_spell():
    """A 5 read as 3 at one threshold (淮安市 2024's 53, read "33", "53", "43"): the glyphs of the figures read surely
    say which."""
    rng = random.Random(1)
    font = _font("1023 4567 89 5301 2468", rng)
    assert font.read(_shapes("53", rng), ["33", "53", "43"]) == "53"
    assert font.read(_shapes("105", rng), ["165", "105", "103"]) == "105"
    assert font.read(_shapes("1", rng), ["1", "l", "]"]) == "1"


def test_the_font_never_reads_what_no_reading_said():
    rng = random.Random(2)
    font = _font("1023 4567 89 5301 2468", rng)
    assert font.read(_shapes("53", rng), ["33", "43"]) is None
    assert font.read(_shapes("53", rng), ["533"]) is None  # no reading of as many digits


def test_a_digit_the_font_has_not_learned_leaves_the_figure_to_a_person():
    """No 9 read surely in the document: a 9 read as 0 or 9 is not judged, though its nearest known digit is 0."""
    rng = random.Random(3)
    font = _font("1023 4567 8 5301 2468", rng)
    assert "9" not in font.digits
    assert font.read(_shapes("9", rng), ["0", "9"]) is None


def test_two_digits_run_into_one_glyph_are_not_judged():
    rng = random.Random(4)
    font = _font("1023 4567 89 5301 2468", rng)
    wide = _shapes("0", rng)[0]
    assert font.read((Shape(wide.pixels, wide.aspect * 2),), ["0", "8"]) is None


def test_a_figure_with_a_decimal_point_has_no_glyphs_to_judge():
    """Money keeps Tesseract's vote: which glyph a point stands after is not held with the glyphs."""
    rng = random.Random(5)
    assert _shapes("96171.6", rng) == ()
    assert _shapes("9617", rng) != ()


def test_readings_that_disagree_on_a_point_or_a_sign_are_not_settled_by_the_digits():
    """A 150 dpi photo's 128.5 whose point the lightest threshold lost (so its glyphs were taken, four digits) and
    another kept: the glyphs spell 1285, but they cannot say whether a point stands between them; nor a minus."""
    rng = random.Random(9)
    font = _font("1023 4567 89 5301 2468 1285", rng)
    assert font.read(_shapes("1285", rng), ["1285", "1283"]) == "1285"  # the digits alone: the font tells
    assert font.read(_shapes("1285", rng), ["1285", "128.5", "128.5"]) is None
    assert font.read(_shapes("25", rng), ["25", "-25"]) is None


def test_a_glyph_is_held_as_scanned_grey_within_its_box():
    crop = _printed("7", random.Random(6))
    found = glyphs(crop, DPI, 200, 32, shaped=True)
    assert found is not None and len(found.shapes) == 1
    assert shape(crop, (0, 0, crop.width - 1, crop.height - 1)).aspect == crop.width / crop.height


def test_a_one_read_only_as_a_letter_is_a_one_when_the_font_says_so():
    """Thin 1s that the English model read as "]", "l" or "!" and the Chinese one as 上 (淮安市 2024, grey, 200 dpi:
    five cells left blank and doubted): a letter that looks like a digit says which digit may stand there."""
    from nianbao.engine.readers.scan.votes import said

    rng = random.Random(7)
    font = _font("1023 4567 89 5301 2468 11", rng)
    assert font.read(_shapes("1", rng), said([("]", 0.5), ("l", 0.4), ("!", 0.0)], "上")) == "1"
    assert font.read(_shapes("7", rng), said([("]", 0.5), ("l", 0.4)], "上")) is None


def test_two_readings_of_a_figure_that_disagree_are_settled_by_the_chinese_models_and_stay_doubted():
    """A thin 7-point 50 read as "0" at the darker threshold and "50" at the lighter (淮安市 2024, grey with a seal):
    the first reading won the tie. The Chinese model's reading of the cell breaks it; the figure stays doubted."""
    from nianbao.engine.model import LOW_CONFIDENCE
    from nianbao.engine.readers.scan.votes import vote

    text, trust = vote([("0", 0.9), ("50", 0.9)], "50")
    assert text == "50" and trust < LOW_CONFIDENCE
    assert vote([("0", 0.9), ("50", 0.9)], "")[0] == "0"  # no word from it: as before
    assert vote([("50", 0.9), ("50", 0.9), ("0", 0.9)], "0")[0] == "50"  # two readings outvote it


def test_a_figure_read_only_as_letters_is_the_figure_they_look_like_trusted_not_at_all():
    """淮安市 2024 scanned black and white at 150 dpi: its thin 1s read "l" and "]" at every setting, a 0 whose
    hairlines the threshold took read "()", a 6 read "b" (ten figures). The vote left them blank, a person shown
    nothing to check; it now gives the figure the readings look like, never trusted."""
    from nianbao.engine.readers.scan.votes import vote

    assert vote([("l", 0.6), ("]", 0.4), ("", 0.0)], "") == ("1", 0.0)
    assert vote([("()", 0.5), ("( )", 0.3)], "上") == ("0", 0.0)
    # a 0 a grey seal's ring crossed, the ring taken out (洪泽区 2023 and 2024, five cells)
    assert vote([("0)", 0.5), ("{)", 0.4), ("(0", 0.3), ("", 0.0)], "A") == ("0", 0.0)
    assert vote([("10)", 0.5)], "") == ("", 0.0)  # no lone 0
    assert vote([("b", 0.5)], "") == ("6", 0.0)
    assert vote([("l", 0.6), ("O", 0.4)], "") == ("", 0.0)  # two figures' looks: no guess
    assert vote([("Ol", 0.6)], "") == ("", 0.0)  # "01" is no figure as printed
    assert vote([("l", 0.6)], "合计") == ("合计", 0.0)  # a label the Chinese model read stays
    assert vote([("l", 0.9), ("7", 0.5)], "")[0] == "7"  # a reading that is a figure is voted on as before


@pytest.mark.parametrize(
    ("readings", "seen", "sure", "bilevel", "read"),
    [
        # 淮安市 2024 at 150 dpi black and white, its thin 1s read "[" and a ")" where the 1 stood
        ([("l3o2", 0.29), ("Loz", 0.3), ("362", 0.36), ("[362", 0.55), ("[362", 0.7), ("1302", 0.2)], "1362", 0.93,
         True, "1362"),
        ([("3)", 0.71), ("3]", 0.6), ("3", 0.75), ("3)", 0.76), ("3]", 0.69), ("3)", 0.9)], "31", 0.88, True, "31"),
        # at 200 dpi: the recogniser's 33, sure, Tesseract read twice, its 53 three times: the vote's stands
        ([("53", 0.87), ("33", 0.62), ("a3", 0.78), ("53", 0.76), ("53", 0.86), ("33", 0.91)], "33", 0.85, True, "53"),
        # an unsure recogniser, or a grey page (its own digits choose there: votes.by_font): the vote's stands
        ([("3)", 0.71), ("3]", 0.6), ("3", 0.75), ("3)", 0.76), ("3]", 0.69), ("3)", 0.9)], "31", 0.4, True, "3"),
        ([("3)", 0.71), ("3]", 0.6), ("3", 0.75), ("3)", 0.76), ("3]", 0.69), ("3)", 0.9)], "31", 0.88, False, "3"),
    ],
)  # fmt: skip
def test_on_black_and_white_the_figure_the_line_recogniser_read_surely_settles_a_split_vote(
    readings, seen, sure, bilevel, read
):
    """Black and white has no font to choose by (its glyphs are what thresholding left). Where Tesseract's readings
    of a figure disagree and the line recogniser read one of them surely, as often as the vote's choice, that one is
    taken; doubted either way."""
    from nianbao.engine.readers.scan import figures

    cell = figures.ReadCell((0.0, 0.0, 40.0, 20.0), seen, seen=sure)
    page = SimpleNamespace(bilevel=bilevel)
    figures._judged(page, cell, figures._Read(readings=readings, ink=True), again=True)
    assert cell.text == read
    assert cell.confidence is not None and cell.confidence < tuned().cells.low


def test_a_figure_the_line_recogniser_read_surely_as_another_is_doubted():
    """Two models err apart: a 0 whose top a seal's ring took out read "U" at the darker thresholds and, the ring's
    edge beside it, 6 at the lighter ones, trusted at 0.93 (a "U" contradicts no figure), while the line recogniser
    read 0 (a real portal page's colour scan). The figure stands doubted, unless the recogniser was unsure."""
    from nianbao.engine.readers.scan import figures

    readings = [("U", 0.9), ("6", 0.91), ("U", 0.8), ("6", 0.94)]

    def judged(seen: float, chinese: str = "0") -> float | None:
        cell = figures.ReadCell((0.0, 0.0, 40.0, 20.0), chinese, seen=seen)
        grey = SimpleNamespace(bilevel=False)
        figures._judged(grey, cell, figures._Read(readings=list(readings), ink=True), again=True)
        assert cell.text == "6"
        return cell.confidence

    doubt = tuned().cells.doubt
    assert judged(0.56) <= doubt < tuned().cells.low
    assert judged(0.3) > tuned().cells.low  # an unsure recogniser, as before
    assert judged(0.9, "6") > tuned().cells.low  # the two agree
