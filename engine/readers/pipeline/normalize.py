"""Text and cell normalisation shared by every reader (report-model.md, "Cell values")."""

from __future__ import annotations

import re

from nianbao.engine.model import Cell
from nianbao.engine.text import NIL_WORDS, compact, kept_when_short, label_key, nfkc, squeeze

__all__ = ["NIL_WORDS", "compact", "label_key", "nfkc", "parse_cell", "squeeze"]

_SPACE = re.compile(r"\s+")
NUMBER = re.compile(r"^[-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# A figure with a unit written into a cell ("251000元", "2笔"): not a number, kept as printed (table 二 reads the
# number and keeps the unit: nianbao.engine.readers.pipeline.onto_template).
NUMBER_WITH_UNIT = re.compile(r"^([-−]?\d+(?:,\d{3})*(?:\.\d+)?)(万元|元|万|件|笔|次|个|项|宗|份|起)$")
COUNT_UNIT = re.compile(r"^(\d+)(件|笔|次|个|项|宗|份|起)$")
DASH = re.compile(r"^[—–\-/／－―~～]+$")
ZERO_WORDS = frozenset({"〇", "零", "○"})
MONEY_UNIT = re.compile(r"^([-−]?\d+(?:,\d{3})*(?:\.\d+)?)(万元|元|万)$")


# Both are asked about the same few hundred cell texts in report after report: the answers are kept.
@kept_when_short(1 << 13)
def is_value_token(piece: str) -> bool:
    """Whether a whitespace-separated piece of a table line is a cell value rather than label text."""
    p = nfkc(piece).strip()
    return bool(NUMBER.match(p) or NUMBER_WITH_UNIT.match(p) or DASH.match(p) or p in NIL_WORDS or p in ZERO_WORDS)


@kept_when_short(1 << 13)
def parse_cell(raw: str | None) -> Cell:
    """Turn printed cell text into a model cell: int, float, None (blank or dash) or the text itself."""
    if raw is None:
        return None
    printed = _SPACE.sub(" ", raw).strip()
    text = nfkc(printed).replace(" ", "").replace("−", "-")
    if not text or DASH.match(text):
        return None
    if text in ZERO_WORDS:
        return 0
    if NUMBER.match(text):
        plain = text.replace(",", "")
        return float(plain) if "." in plain else int(plain)
    return printed


def count_with_unit(cell: Cell) -> tuple[int, str] | None:
    """A count printed with its unit ("2笔", "15件"): the number and the unit."""
    if not isinstance(cell, str):
        return None
    m = COUNT_UNIT.match(nfkc(cell).replace(" ", ""))
    return (int(m.group(1)), m.group(2)) if m else None


def money_with_unit(cell: Cell) -> tuple[float | int, str] | None:
    """A money cell printed with its unit ("75394432.52元", "25.1万元"): the number and the unit."""
    if not isinstance(cell, str):
        return None
    m = MONEY_UNIT.match(nfkc(cell).replace(" ", "").replace("−", "-"))
    if not m:
        return None
    plain = m.group(1).replace(",", "")
    number = float(plain) if "." in plain else int(plain)
    return number, "万元" if m.group(2) in {"万元", "万"} else "元"
