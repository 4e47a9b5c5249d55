"""A scanned page's words outside its tables, read by PP-OCR's line recogniser where it is installed (its lines found
by nianbao.engine.readers.scan.textlines), else by Tesseract's Chinese model over the whole page."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

from nianbao.engine.readers.scan import recogniser
from nianbao.engine.readers.scan.settings import tuned
from nianbao.engine.readers.scan.tesseract import Deadline, Word, read_images
from nianbao.engine.readers.scan.textlines import crop, text_lines

if TYPE_CHECKING:
    from PIL import Image

log = logging.getLogger(__name__)

# Tesseract's Chinese model reads a printed （ as 〈 at times; the line recogniser was taught the full-width forms.
BRACKETS = str.maketrans({"〈": "（", "〉": "）"})


def read_prose(pages: list[tuple[Image.Image, float]], deadline: Deadline) -> list[list[Word]]:
    """Each (grey page with its tables painted out, dpi) page's words, in the page's own pixels: by the line
    recogniser one word a character, each line's words sharing its `line`; by Tesseract as it groups them (where
    the recogniser is not installed, or failed)."""
    read = _by_recogniser(pages, deadline)
    return read if read is not None else _by_tesseract(pages, deadline)


def read_cells(cells: list[tuple[Image.Image, float]], deadline: Deadline) -> tuple[list[list[Word]], bool]:
    """Each table cell's words (its grey image, the paper's grey and the seal's remains made white, and its dpi),
    each cell's lines in order: by the line recogniser, else by Tesseract's Chinese model (where the recogniser is not
    installed, or failed), each cell at `label_dpi` at least on a white margin, grey as scanned (thresholding or
    dusting would take the dots off its characters); and whether the recogniser read them."""
    read = _by_recogniser(cells, deadline)
    if read is not None:
        return read, True
    from PIL import ImageOps

    label_dpi = tuned().cells.label_dpi
    images = [ImageOps.expand(at_least(image, dpi, label_dpi), border=16, fill=255) for image, dpi in cells]
    out: list[list[Word]] = [[] for _ in cells]
    for word in read_images(images, "chi_sim", 6, deadline, invert=tuned().cells.invert):
        out[word.image].append(word)
    return out, False


def _by_recogniser(images: list[tuple[Image.Image, float]], deadline: Deadline) -> list[list[Word]] | None:
    """`by_lines`, or None where the recogniser is not installed or failed (then Tesseract reads)."""
    if not recogniser.available():
        return None
    try:
        return by_lines(images, deadline)
    except recogniser.Failed as exc:
        log.warning("the line recogniser failed, Tesseract reads instead: %s", exc)
        return None


def by_lines(pages: list[tuple[Image.Image, float]], deadline: Deadline) -> list[list[Word]]:
    """Each (grey image, dpi)'s words by the line recogniser: one word a character, in the image's pixels; a line's
    words share its `line`, and lines run in order down each image."""
    found = []
    images = []
    for index, (page, dpi) in enumerate(pages):
        for line in text_lines(page, dpi):
            image, left = crop(page, line)
            found.append((index, line, left))
            images.append(image)
    out: list[list[Word]] = [[] for _ in pages]
    lines = recogniser.read_lines(images, deadline)
    for number, ((index, line, left), read) in enumerate(zip(found, lines, strict=True)):
        text = read.text.translate(BRACKETS)
        centres = [left + centre for centre in read.centres]
        half = line.height / 2  # no character is wider than its line is high: a gap stays a gap
        for at, (ch, centre, confidence) in enumerate(zip(text, centres, read.confidences, strict=True)):
            start = max(centre - half, (centres[at - 1] + centre) / 2) if at else centre - half
            end = min(centre + half, (centre + centres[at + 1]) / 2) if at + 1 < len(centres) else centre + half
            width, place = max(1, round(end - start)), (index, number, 0)
            out[index].append(Word(index, round(start), line.top, width, line.height, place, ch, confidence))
    return out


def _by_tesseract(pages: list[tuple[Image.Image, float]], deadline: Deadline) -> list[list[Word]]:
    images = [at_least(page, dpi, tuned().cells.prose_dpi) for page, dpi in pages]
    read = read_images(images, "chi_sim", 3, deadline, invert=tuned().cells.invert)
    out: list[list[Word]] = [[] for _ in pages]
    for word in read:
        if 0 <= word.image < len(out):
            word = replace(word, text=word.text.translate(BRACKETS))
            factor = images[word.image].size[0] / pages[word.image][0].size[0]
            if factor != 1:  # back to the page's own pixels
                word = replace(word, left=round(word.left / factor), top=round(word.top / factor),
                               width=round(word.width / factor), height=round(word.height / factor))  # fmt: skip
            out[word.image].append(word)
    return out


def at_least(image: Image.Image, dpi: float, wanted: float) -> Image.Image:
    """The image at `wanted` dpi at least (a scan within the settings' `dpi_slack` of it is left as it is)."""
    from PIL import Image

    if dpi >= wanted * tuned().cells.dpi_slack:
        return image
    factor = wanted / dpi
    return image.resize((round(image.size[0] * factor), round(image.size[1] * factor)), Image.Resampling.LANCZOS)
