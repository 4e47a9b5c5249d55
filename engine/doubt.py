"""Findings that rest on a figure OCR read with little confidence say so, in the finding itself.

A scan's cells carry the confidence of their reading (`report.cell_anchors[...].confidence`, engine.readers.ocr).
When a finding's cells (`location.cells`) include one under LOW_CONFIDENCE, the finding lists those cells in
`doubtful_cells` and its message ends with a sentence asking to check them against the paper: the rule's
conclusion may be the OCR's misreading rather than the report's error. Rules know nothing of this.
"""

from __future__ import annotations

from engine.i18n import engine_message
from engine.model import LOW_CONFIDENCE, Report
from engine.result import FindingResult
from engine.template import TABLES, column_label, row_label


def doubtful(report: Report, finding: FindingResult) -> list[str]:
    """The finding's cells read by OCR with a confidence under LOW_CONFIDENCE, as "table:row:column" keys."""
    location = finding.location
    table = location.table or location.section
    if not location.cells or table not in TABLES or not report.cell_anchors:
        return []
    keys = [f"{table}:{row}:{column}" for row, column in location.cells]
    return [
        key
        for key in keys
        if (anchor := report.cell_anchors.get(key)) is not None
        and anchor.confidence is not None
        and anchor.confidence < LOW_CONFIDENCE
    ]


def mark(report: Report, finding: FindingResult, lang: str) -> None:
    """Note on the finding the doubtful cells it rests on, and say so at the end of its message."""
    cells = doubtful(report, finding)
    if cells:
        finding.doubtful_cells = cells
        finding.message = finding.message + " " + sentence(report, cells, lang)


def sentence(report: Report, cells: list[str], lang: str) -> str:
    names = []
    for key in cells:
        table, row, column = key.split(":")
        names.append(f"{row_label(table, row)}/{column_label(table, column, row, report.template)}")
    return engine_message("finding.ocr-doubt", lang, cells="；".join(names) if lang == "zh" else "; ".join(names))
