"""A document's crops as the pages of one TIFF (nianbao.engine.readers.scan.tiffpages): what Tesseract is given."""

from __future__ import annotations

import io
import random
import shutil

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed: scans cannot be made or read")

from nianbao.engine.readers.scan.tiffpages import tiff_pages
from PIL import Image, ImageDraw


def _crops(n: int, seed: int) -> list[Image.Image]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        image = Image.new("L", (rng.randint(1, 300), rng.randint(1, 90)), 255)
        ImageDraw.Draw(image).text((2, 2), str(rng.randint(0, 10**6)), fill=0)
        for _ in range(40):  # grey specks: every value of a byte, not only black and white
            image.putpixel((rng.randrange(image.width), rng.randrange(image.height)), rng.randrange(256))
        out.append(image.convert(("L", "RGB", "1")[i % 3]))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_every_crop_is_a_page_in_order_pixel_for_pixel(seed):
    crops = _crops(37, seed)
    pages = Image.open(io.BytesIO(tiff_pages(crops)))
    for number, crop in enumerate(crops):
        pages.seek(number)
        assert (pages.mode, pages.size, pages.tobytes()) == (crop.mode, crop.size, crop.tobytes()), number
    with pytest.raises(EOFError):
        pages.seek(len(crops))


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="Tesseract is not installed")
def test_tesseract_reads_each_page_as_its_own_image():
    from nianbao.engine.readers.scan.tesseract import Deadline, read_images

    figures = ["417", "2026", "93"]
    crops = []
    for text in figures * 4:
        image = Image.new("L", (200, 60), 255)
        ImageDraw.Draw(image).text((40, 10), text, fill=0, font_size=36)
        crops.append(image)
    words = read_images(crops, "eng", 7, Deadline(60))
    assert {w.image: w.text for w in words} == dict(enumerate(figures * 4))
