"""One cause, many symptoms: findings of several rules that one wrong figure explains are said as one finding.

A 总计 written 99 for 70 breaks the column's balance (NB201), its row's sum (NB203) and the sentence that states 70
(NB206): three checks, one defect, and an evaluator deducts once. Each rule says, per cell it rests on, the value
that alone would make its finding go away (`Finding.fixes`); where two or more findings agree on one cell and one
value, that cell is the cause. The finding of the first rule stands, names the cell and its value, lists the others
as its symptoms and takes their cells; the others cost nothing apart.
"""

from __future__ import annotations

from nianbao.engine.checking.uncertain import cell_key, sentence
from nianbao.engine.i18n import engine_message
from nianbao.engine.model import Report
from nianbao.engine.result import FindingResult, Symptom
from nianbao.engine.rule import Location, Severity
from nianbao.engine.scoring import SEVERITY_ORDER, finding_order
from nianbao.engine.template import column_label, row_label


def gather(report: Report, findings: list[FindingResult], lang: str) -> list[FindingResult]:
    """`findings` with each group that one cell's value explains said as one finding (their order kept)."""
    remaining = list(findings)
    while True:
        cause = _cause(remaining)
        if cause is None:
            return remaining
        (cell, value), group = cause
        merged = _merge(report, cell, value, group, lang)
        at = remaining.index(group[0])
        remaining = [f for f in remaining if not any(f is g for g in group)]
        remaining.insert(min(at, len(remaining)), merged)


def _cause(findings: list[FindingResult]) -> tuple[tuple[str, float], list[FindingResult]] | None:
    """The cell and value the most findings agree on (two at least), with those findings in their order."""
    votes: dict[tuple[str, float], list[FindingResult]] = {}
    for f in findings:
        if f.symptoms:  # already said as one defect
            continue
        for cell, value in (f.fixes or {}).items():
            votes.setdefault((cell, value), []).append(f)
    best = max(votes.items(), key=lambda item: len(item[1]), default=None)
    return best if best is not None and len(best[1]) >= 2 else None


def _merge(report: Report, cell: str, value: float, group: list[FindingResult], lang: str) -> FindingResult:
    primary = min(group, key=finding_order)
    others = [f for f in group if f is not primary]
    table, row, column = cell_key(cell)
    cells = [(row, column)]
    for f in (primary, *others):
        cells += [c for c in f.location.cells or [] if c not in cells]
    severity = min((f.severity for f in group), key=lambda s: SEVERITY_ORDER[s])
    said = one_cause(report, cell, value, [f.rule for f in others], lang)
    doubtful_cells = _union(f.doubtful_cells for f in group)
    doubtful_parts = _union(f.doubtful_parts for f in group)
    message = f"{primary.message} {said}"
    if not (primary.doubtful_cells or primary.doubtful_parts) and (doubtful_cells or doubtful_parts):
        message += " " + sentence(report, doubtful_cells or [], lang, doubtful_parts)
    return primary.model_copy(
        update={
            "severity": Severity(severity),
            "message": message,
            "location": _at(report, primary, table, row, column, cells),
            "fixes": {cell: value},
            "doubtful_cells": doubtful_cells,
            "doubtful_parts": doubtful_parts,
            "symptoms": [
                Symptom(rule=f.rule, key=f.key, message=f.message, fingerprint=f.fingerprint, params=f.params)
                for f in others
            ],
        }
    )


def one_cause(report: Report, cell: str, value: float, rules: list[str], lang: str) -> str:
    """The sentence that says one wrong figure breaks these other checks too (and what the figure should be)."""
    table, row, column = cell_key(cell)
    name = f"{row_label(table, row)}/{column_label(table, column, row, report.template)}"
    joined = ("、" if lang == "zh" else ", ").join(dict.fromkeys(rules))
    return engine_message("finding.one-cause", lang, cell=name, value=_tidy(value), count=len(rules), rules=joined)


def _at(report: Report, primary: FindingResult, table: str, row: str, column: str, cells: list) -> Location:
    """The gathered finding stands at the cell that explains it (its row's line or page), with every cell."""
    anchor = report.anchor(f"{table}.{row}")
    where = {"row": row, "column": column, "cells": cells}
    where |= {"row_label": row_label(table, row), "column_label": column_label(table, column, row, report.template)}
    if anchor is not None and primary.location.section == table:  # a sentence's finding keeps the sentence's place
        where |= {"page": anchor.page, "line": anchor.line}
    return primary.location.model_copy(update=where)


def _union(lists) -> list[str] | None:
    found: list[str] = []
    for items in lists:
        found += [i for i in items or [] if i not in found]
    return found or None


def _tidy(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value
