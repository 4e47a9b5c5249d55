"""Helpers the built-in rules share: cell arithmetic under the rules.md conventions, and locations.

Arithmetic treats a blank or dash cell (None), or a cell that says 无, as 0; a cell holding other text makes
the sum unknown, so the identity it belongs to is skipped (NB205 reports the text).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from nianbao.engine import Cell, Location, Report
from nianbao.engine.template import column_label, row_label
from nianbao.engine.text import NIL_WORDS, compact

# A sentence of prose: up to a full stop, a semicolon, a question or exclamation mark, or a line's end.
SENTENCE = re.compile(r"[^。；;！!？?\n]+")


class NotANumber(Exception):
    """A cell that holds text: the identity it takes part in cannot be checked."""


def value(cell: Cell) -> float:
    if type(cell) is int:  # most cells: at once
        return cell
    if cell is None or (isinstance(cell, str) and cell.strip() in NIL_WORDS):
        return 0
    if isinstance(cell, bool) or not isinstance(cell, int | float):
        raise NotANumber(cell)
    return cell


def total(cells: Iterable[Cell]) -> float:
    return sum(value(c) for c in cells)


def tidy(number: float) -> int | float:
    """Print 3.0 as 3: sums of counts are whole numbers."""
    return int(number) if float(number).is_integer() else round(number, 4)


def cell_location(
    report: Report, table: str, row: str, column: str | None = None, cells: Iterable[tuple[str, str]] = ()
) -> Location:
    """Where a cell stands, with the cells the finding rests on (the cell itself when none are given)."""
    anchor = report.anchor(f"{table}.{row}") or report.anchor(f"section.{table}")
    return Location(
        section=table,
        row=row,
        column=column,
        row_label=row_label(table, row),
        column_label=column_label(table, column, row, report.template) if column else None,
        page=anchor.page if anchor else None,
        line=anchor.line if anchor else None,
        cells=list(cells) or ([(row, column)] if column else None),
    )


def place(
    section: str, row: str | None = None, column: str | None = None, cells: Iterable[tuple[str, str]] = ()
) -> Location:
    """Where a finding made away from its report is, by keys alone (a cross-report rule's): the engine adds the
    page, the line and the printed labels from the report when the finding joins it."""
    return Location(
        section=section, row=row, column=column, cells=list(cells) or ([(row, column)] if row and column else None)
    )


def prose(report: Report) -> str:
    """The whole report's text (preface and every section) in its compact form, for rules that look anywhere."""
    return compact(report.preface + "".join(s.text for s in report.sections))


def section_location(report: Report, key: str, line: int | None = None, at: int | None = None) -> Location:
    """Where section `key` stands; with `at`, where its `at`-th text line stands (the sentence's own line or
    page), when the reader recorded it."""
    anchor = report.anchor(f"section.{key}")
    section = report.section(key) if at is not None else None
    own = section.anchor_at(at) if section and at is not None else None
    if own is not None and (own.page is not None or own.line is not None):
        anchor = own
    return Location(
        section=key,
        page=anchor.page if anchor else None,
        line=line if line is not None else (anchor.line if anchor else None),
    )


def balancing(table: str, terms: Iterable[tuple[str, str, int, Cell]]) -> dict[str, float]:
    """For an identity Σ sign × cell = 0 that does not hold: each cell ("table:row:column") with the value that alone
    would make it hold (`Finding.fixes`), where that value is a count (not below 0). `terms` are (row, column, sign
    +1 or -1, cell)."""
    items = [(row, column, sign, value(cell)) for row, column, sign, cell in terms]
    residual = sum(sign * v for _, _, sign, v in items)
    return {
        f"{table}:{row}:{column}": tidy(v - sign * residual)
        for row, column, sign, v in items
        if v - sign * residual >= 0
    }
