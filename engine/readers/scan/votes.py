"""A figure's readings weighed: the figure most of Tesseract's readings agree on and how far to trust it, then, where
they still disagree, the document's own digits choosing between them (nianbao.engine.readers.scan.font)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from nianbao.engine.readers.scan.font import Font, Shape
from nianbao.engine.readers.scan.settings import tuned
from nianbao.engine.text import IDEOGRAPH, NIL_WORDS

FIGURE = re.compile(r"-?\d+(?:\.\d+)?")
_FIGURE_ALIKE = re.compile(r"0|[1-9]\d*")  # a whole number as printed: no "01" of a 0 and a stray stroke
# What the English model makes of a lone thin digit at times: a 1 as "l", "I", "|", "]" or "!", a 0 as "O" or "D", a
# 6 as "b". Such a reading contradicts no figure in the vote; to the document's font it says which digit may stand
# there.
_LOOKALIKES = str.maketrans(dict.fromkeys("lI|][!i", "1") | dict.fromkeys("OoQD", "0") | {"b": "6"})
# A lone 0 in two pieces, its thin top and bottom lost (to a threshold at a low resolution, or where a seal's ring
# crossing it was taken out), read as its two arcs: "()", "{)", or one arc and a 0: "0)", "(0".
_BROKEN_ZERO = re.compile(r"[({\[]\s*0?\s*[)}\]]|0\s*[)}\]]|[({\[]\s*0")


def alike(text: str) -> str:
    """The figure a reading looks like, letters taken for the digits they stand for."""
    return "0" if _BROKEN_ZERO.fullmatch(text) else text.translate(_LOOKALIKES)


def said(readings: list[tuple[str, float]], chinese: str) -> tuple[str, ...]:
    """The figures a cell's readings say, a letter that looks like a digit taken for it, and the Chinese model's: the
    readings the document's font may choose among."""
    texts = [alike(text) for text, _ in readings]
    return (*dict.fromkeys(text for text in texts if FIGURE.fullmatch(text)), chinese)


def vote(readings: list[tuple[str, float]], chinese: str) -> tuple[str, float]:
    """The figure most readings agree on, and how far to trust it: Tesseract's own confidence, times the share of
    the figures read that agree, squared (a reading that is no figure at all, "Q" for a 0, contradicts nothing; a
    figure read otherwise even once does), halved when only one reading found it. Of figures read as often, the one
    the Chinese model read too. Where no reading is a figure, yet each that looks like one looks like the same (a
    thin 1 read "l" and "]", a 0 in two pieces read "()" or "0)"), that figure, trusted not at all: a person is shown
    the guess rather than a blank."""
    figures = [(text, conf) for text, conf in readings if FIGURE.fullmatch(text)]
    if not figures:  # no figure: a short label, 无, or a figure unread (flagged: a lone "的" is no label but a blur)
        words = len(IDEOGRAPH.findall(chinese)) >= 2 or chinese in NIL_WORDS or FIGURE.fullmatch(chinese)
        if words:
            return chinese, 0.0
        looks = {text for text in map(alike, (text for text, _ in readings)) if _FIGURE_ALIKE.fullmatch(text)}
        return (looks.pop() if len(looks) == 1 else ""), 0.0
    counts = Counter(text for text, _ in figures)
    best, agreeing = counts.most_common(1)[0]
    if counts[chinese] == agreeing:  # a tie the Chinese model's reading breaks (trusted no more for it)
        best = chinese
    confs = [conf for text, conf in figures if text == best]
    trust = sum(confs) / len(confs) * (agreeing / len(figures)) ** 2 * min(1.0, agreeing / 2)
    return best, round(trust, 3)


class Judged(Protocol):
    """A figure cell as read (nianbao.engine.readers.scan.figures.ReadCell)."""

    text: str
    confidence: float | None
    shapes: tuple[Shape, ...]
    readings: tuple[str, ...]


def by_font(figures: Sequence[Judged]) -> None:
    """Where the readings of a figure still disagree, the document's own digits choose between them
    (nianbao.engine.readers.scan.font). Not on a black-and-white page: its glyphs are what thresholding left."""
    s = tuned().font
    font = Font.learned((c.text, c.shapes) for c in figures if c.confidence is not None and c.confidence >= s.sure)
    for cell in figures:
        weak = cell.confidence is not None and cell.confidence < tuned().cells.low and cell.shapes
        if weak and (chosen := font.read(cell.shapes, cell.readings)) is not None:
            cell.text, cell.confidence = chosen, s.trust
