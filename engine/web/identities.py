"""Which table cells a finding involves, so the page can highlight them and spell the identity out."""

from __future__ import annotations

from engine.result import FindingResult
from engine.template import APPLICANT_COLUMNS, OUTCOME_GROUPS, REVIEW_COLUMNS, SUBTOTAL_KEYS, outcome_rows

Cell = tuple[str, str, str]  # (table, row, column)

_BALANCE_ROWS = ("received_new", "carried_over", "total", "carried_forward")


def involved_cells(finding: FindingResult, applications: dict) -> set[Cell]:
    """The cells of tables 三 and 四 that a finding's identity adds up (or the one cell it is about)."""
    loc = finding.location
    if not loc.row:
        return set()
    table = loc.section or ""
    if finding.rule == "NB201" and loc.column:
        return {("applications", row, loc.column) for row in _BALANCE_ROWS}
    if finding.rule == "NB202" and loc.column:
        if loc.row in SUBTOTAL_KEYS:
            rows = [*OUTCOME_GROUPS[loc.row], loc.row]
        else:
            rows = [*(outcome_rows(applications) or []), "total"]
        return {("applications", row, loc.column) for row in rows}
    if finding.rule == "NB203":
        return {("applications", loc.row, c.key) for c in (*APPLICANT_COLUMNS,)} | {("applications", loc.row, "total")}
    if finding.rule == "NB204":
        return {("review_litigation", loc.row, c.key) for c in REVIEW_COLUMNS}
    if table in ("applications", "review_litigation") and loc.column:
        return {(table, loc.row, loc.column)}
    return set()
