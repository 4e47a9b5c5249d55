"""Scanned reports made from our own PDFs, as organs publish them: each page printed and scanned (rendered at 150
or 200 dpi), a little noise, a skew of 1–3°, and the organ's red seal pressed over part of a table; in colour, grey,
or black and white; wrapped back into a PDF without a text layer (Pillow writes colour and grey pages as JPEG, as
scanners do), and saved as one PNG per page.

The truth of every cell is the generated report the PDF came from, so an OCR path can be measured cell by cell.
Needs Pillow (the `ocr` extra and the tests install it).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageChops, ImageDraw, ImageFilter


@dataclass(frozen=True)
class ScanSpec:
    dpi: int = 200
    skew: float = 1.5  # degrees, counter-clockwise
    noise: float = 0.01  # share of pixels flipped to dark or light specks
    seal_page: int = 2  # 1-based: the seal is pressed on this page (the tables' page in our fixtures), if it exists
    seed: int = 0
    # "colour"; "grey" (the seal then prints dark grey over the figures); "bilevel" (black and white, thresholded as
    # a scanner does: the seal prints black)
    mode: str = "colour"
    # 0: the seal's ink multiplies the print (thin ink: black stays black under it); above 0, a dense seal laid over
    # the print with this opacity, as an image editor composites it (black print under it shows as a dull red)
    seal_opacity: float = 0.0


def scanned_pages(pdf: bytes, spec: ScanSpec) -> list[Image.Image]:
    """Each page of `pdf` as a scan would give it (RGB)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    rng = random.Random(spec.seed)
    pages = []
    try:
        for number in range(len(document)):
            page = document[number]
            image = page.render(scale=spec.dpi / 72).to_pil().convert("RGB")
            page.close()
            if number + 1 == spec.seal_page:
                image = _sealed(image, spec.dpi, rng, spec.seal_opacity)
            image = image.rotate(spec.skew, resample=Image.Resampling.BICUBIC, fillcolor="white")
            pages.append(_in_mode(_speckled(image.filter(ImageFilter.GaussianBlur(0.6)), spec.noise, rng), spec.mode))
    finally:
        document.close()
    return pages


def _in_mode(image: Image.Image, mode: str) -> Image.Image:
    if mode == "grey":
        return image.convert("L")
    if mode == "bilevel":
        return image.convert("L").point(lambda v: 255 if v > BILEVEL else 0).convert("1")
    return image


BILEVEL = 140  # a black-and-white scan's threshold: lighter is paper


def scanned_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """The pages wrapped into a PDF of images only (no text layer), as a scanner's software writes it."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def png(page: Image.Image, dpi: int) -> bytes:
    out = io.BytesIO()
    page.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _sealed(image: Image.Image, dpi: int, rng: random.Random, opacity: float = 0.0) -> Image.Image:
    """A red seal (a ring and a five-pointed star, 42 mm across) pressed over the middle of the page, where our
    fixtures' tables stand; multiplied as ink is, so black text under it stays black, or (`opacity`) laid over the
    print as a dense layer."""
    width, height = image.size
    diameter = round(42 / 25.4 * dpi)
    seal = Image.new("RGB", image.size, "white")
    draw = ImageDraw.Draw(seal)
    cx = width // 2 + rng.randint(-width // 10, width // 10)
    cy = height // 2 + rng.randint(-height // 10, height // 10)
    r = diameter // 2
    red = (214, 40, 40)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=max(3, r // 14))
    star = [
        (cx + (r * 0.38 if i % 2 == 0 else r * 0.15) * math.sin(i * math.pi / 5),
         cy - (r * 0.38 if i % 2 == 0 else r * 0.15) * math.cos(i * math.pi / 5))
        for i in range(10)
    ]  # fmt: skip
    draw.polygon(star, fill=red)
    if opacity <= 0:
        return ImageChops.multiply(image, seal)
    mask = ImageChops.invert(seal.convert("L")).point(lambda v: 255 if v > 0 else 0)
    return Image.composite(Image.blend(image, Image.new("RGB", image.size, red), opacity), image, mask)


def _speckled(image: Image.Image, share: float, rng: random.Random) -> Image.Image:
    """Scanner dust: `share` of the pixels set dark or light at random."""
    if share <= 0:
        return image
    pixels = image.load()
    width, height = image.size
    for _ in range(round(width * height * share)):
        x, y = rng.randrange(width), rng.randrange(height)
        pixels[x, y] = (40, 40, 40) if rng.random() < 0.5 else (250, 250, 250)
    return image


def turned(page: Image.Image, degrees: int) -> Image.Image:
    """The page as fed sideways or upside down: turned `degrees` clockwise."""
    return page.rotate(-degrees, expand=True)


def two_up(left: Image.Image, right: Image.Image, gutter_mm: float = 12, dpi: int = 200) -> Image.Image:
    """Two pages printed side by side on one landscape sheet, with a blank gutter between them."""
    gap = round(gutter_mm / 25.4 * dpi)
    sheet = Image.new(left.mode, (left.size[0] + gap + right.size[0], max(left.size[1], right.size[1])), "white")
    sheet.paste(left, (0, 0))
    sheet.paste(right, (left.size[0] + gap, 0))
    return sheet


def photographed(page: Image.Image, surround: int | tuple[int, int, int] = 40, seed: int = 0) -> Image.Image:
    """The page photographed from above on a desk of grey level `surround` (or of that colour): smaller than the
    frame, its corners pulled a few per cent (perspective), and the light falling off toward the frame's corners."""
    rng = random.Random(seed)
    width, height = page.size
    frame_w, frame_h = round(width * 1.25), round(height * 1.2)
    desk = surround if isinstance(surround, tuple) else (surround, surround, surround)
    photo = Image.new("RGB", (frame_w, frame_h), desk)
    left, top = (frame_w - width) // 2, (frame_h - height) // 2
    # where each corner of the page lands in the frame (top left, top right, bottom right, bottom left)
    corners = [
        (left + rng.uniform(-0.03, 0.03) * width, top + rng.uniform(-0.03, 0.03) * height),
        (left + width + rng.uniform(-0.03, 0.03) * width, top + rng.uniform(-0.03, 0.03) * height),
        (left + width + rng.uniform(-0.03, 0.03) * width, top + height + rng.uniform(-0.03, 0.03) * height),
        (left + rng.uniform(-0.03, 0.03) * width, top + height + rng.uniform(-0.03, 0.03) * height),
    ]
    from nianbao.engine.readers.scan.surround import _coefficients

    # the frame's pixel (x, y) shows the page's pixel the inverse map gives: solve frame → page
    coefficients = _coefficients([(0, 0), (width, 0), (width, height), (0, height)], 0, 0, corners)
    warped = page.convert("RGB").transform(
        (frame_w, frame_h), Image.Transform.PERSPECTIVE, coefficients, Image.Resampling.BICUBIC, fillcolor=desk
    )
    mask = Image.new("L", page.size, 255).transform((frame_w, frame_h), Image.Transform.PERSPECTIVE, coefficients)
    photo.paste(warped, (0, 0), mask)
    light = Image.radial_gradient("L").resize((frame_w, frame_h)).point(lambda v: 255 - v * 100 // 255)
    return ImageChops.multiply(photo, Image.merge("RGB", (light, light, light)))
