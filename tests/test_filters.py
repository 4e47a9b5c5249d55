"""Whole-image passes of numpy held to what they replaced on any image: rank filters of a grey image
(nianbao.engine.readers.scan.filters) to Pillow's own, the same pixel everywhere, at the edges too; a ruling's runs
of ink (nianbao.engine.readers.scan.strokes.runs) to the bytes expression that found them row by row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("numpy", reason="numpy is not installed (the ocr extra)")

from nianbao.engine.readers.scan.filters import darkest, lightest, median3
from nianbao.engine.readers.scan.settings import tuned
from nianbao.engine.readers.scan.strokes import runs
from PIL import Image, ImageFilter


@st.composite
def _images(draw: st.DrawFn) -> Image.Image:
    width, height = draw(st.integers(1, 30)), draw(st.integers(1, 25))
    levels = draw(st.sampled_from([(0, 255), (0, 128, 255), tuple(range(256))]))  # black and white, or any grey
    pixels = draw(st.lists(st.sampled_from(levels), min_size=width * height, max_size=width * height))
    return Image.frombytes("L", (width, height), bytes(pixels))


@settings(max_examples=300, deadline=None)
@given(_images(), st.sampled_from([1, 3, 5, 7, 11]))
def test_the_darkest_and_lightest_around_each_pixel_are_pillows(image, size):
    assert darkest(image, size).tobytes() == image.filter(ImageFilter.MinFilter(size)).tobytes()
    assert lightest(image, size).tobytes() == image.filter(ImageFilter.MaxFilter(size)).tobytes()


@settings(max_examples=300, deadline=None)
@given(_images())
def test_the_median_of_each_three_by_three_square_is_pillows(image):
    assert median3(image).tobytes() == image.filter(ImageFilter.MedianFilter(3)).tobytes()


def test_only_a_grey_image_and_a_window_with_a_centre_are_taken():
    with pytest.raises(ValueError, match="grey"):
        median3(Image.new("RGB", (4, 4)))
    with pytest.raises(ValueError, match="centre"):
        darkest(Image.new("L", (4, 4)), 4)


def _runs_by_expression(image: Image.Image, shortest: int) -> list[tuple[int, int, int]]:
    """The runs as they were found before, row by row with a bytes expression."""
    import re

    s = tuned().raster
    run = re.compile(rb"\xff(?:\x00{0,%d}\xff)*" % s.gap)
    width, data, out = image.size[0], image.tobytes(), []
    for row, offset in enumerate(range(0, len(data), width)):
        for m in run.finditer(data, offset, offset + width):
            length = m.end() - m.start()
            if length >= shortest and data.count(255, m.start(), m.end()) >= s.fill * length:
                out.append((row, m.start() - offset, m.end() - offset))
    return out


@st.composite
def _ink(draw: st.DrawFn) -> Image.Image:
    width, height = draw(st.integers(1, 60)), draw(st.integers(1, 12))
    share = draw(st.floats(0.0, 1.0))  # from paper to solid ink, with specks of paper in it
    flags = draw(st.lists(st.floats(0.0, 1.0), min_size=width * height, max_size=width * height))
    return Image.frombytes("L", (width, height), bytes(255 if f < share else 0 for f in flags))


@settings(max_examples=400, deadline=None)
@given(_ink(), st.integers(1, 12))
def test_the_runs_of_ink_a_ruling_is_made_of_are_found_as_row_by_row(image, shortest):
    """nianbao.engine.readers.scan.strokes.runs: all rows at once, the same runs in the same order."""
    assert runs(image, shortest) == _runs_by_expression(image, shortest)
