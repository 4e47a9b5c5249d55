"""Findings that rest on what the reader may have got wrong say so, in the finding itself, and wait for a person.

Four kinds of doubt, all known from the report model, none from the rule:
- a figure OCR read with little confidence (`report.cell_anchors[...].confidence` under LOW_CONFIDENCE);
- a row laid onto the template by its label's likeness to the template's or by its position, not by its own
  words (`report.placements`, nianbao.engine.readers.pipeline.placement);
- something the finding says is missing (a section, a table, a row, a column) in a report read by OCR
  (`report.source.reading`): there, not reading it is as likely as its absence;
- the text of a scan a finding rests on: a sentence held against a table, words a content rule did not find, the
  title and dates (OCR read them too).
A PDF with some pages read by OCR and the others from its text layer (`report.source.ocr_pages`) doubts what it
says is missing as a scan does, and a section's text or a table only when it stands on such a page.
The finding lists the cells in `doubtful_cells` and the rest in `doubtful_parts` ("section.<key>", "<table>",
"<table>.<row>", "prose.<section>"), and its message ends with a sentence asking to check against the original. Such a
finding is pending (nianbao.engine.result.FindingResult.pending): it deducts nothing until a reviewer confirms it.
"""

from __future__ import annotations

from nianbao.engine.i18n import engine_message
from nianbao.engine.model import LOW_CONFIDENCE, Report
from nianbao.engine.result import FindingResult
from nianbao.engine.template import TABLES, column_label, row_label


def cell_key(key: str) -> tuple[str, str, str]:
    """A "table:row:column" key's parts (a row key of an extra row may itself hold a colon)."""
    table, _, rest = key.partition(":")
    row, _, column = rest.rpartition(":")
    return table, row, column


def _cells(finding: FindingResult) -> tuple[str | None, list[tuple[str, str]]]:
    location = finding.location
    table = location.table or location.section
    if table not in TABLES:
        return None, []
    cells = list(location.cells or [])
    if not cells and location.row and location.column:
        cells = [(location.row, location.column)]
    return table, cells


def doubtful(report: Report, finding: FindingResult) -> list[str]:
    """The finding's cells read by OCR with little confidence, or in a row placed by guess ("table:row:column").
    From a scan, a cell read blank (nothing seen where a figure may be) and a row the template lacks (there only as
    it was read) are doubtful too."""
    table, cells = _cells(finding)
    if table is None:
        return []
    scanned = by_ocr(report, table)
    out = []
    for row, column in cells:
        key = f"{table}:{row}:{column}"
        anchor = report.cell_anchors.get(key)
        low = anchor is not None and anchor.confidence is not None and anchor.confidence < LOW_CONFIDENCE
        unseen = scanned and (row.startswith("extra.") or report.table(table).get(row, {}).get(column) is None)
        if low or unseen or f"{table}.{row}" in report.placements:
            out.append(key)
    return out


def by_ocr(report: Report, table: str) -> bool:
    """Whether the table was read by OCR: the report is a scan, or the table was a picture (in a web page or a
    document) or on a page read by OCR."""
    if report.source.reading == "ocr" and not report.source.ocr_pages:
        return True
    return any(a.source == "ocr" for key, a in report.cell_anchors.items() if key.startswith(f"{table}:"))


def unread(report: Report, finding: FindingResult) -> list[str]:
    """What the finding says is missing, when the report was read by OCR: "section.<key>", "<table>" or
    "<table>.<row>"."""
    location = finding.location
    section = location.section
    table = location.table or section
    if report.source.reading != "ocr" and not (table in TABLES and by_ocr(report, table)):
        return []
    if section and not report.has_section(section):
        return [f"section.{section}"]
    if table not in TABLES:
        return []
    rows = report.table(table)
    if not rows:
        return [table]
    wanted = list(location.cells or []) or ([(location.row, location.column)] if location.row else [])
    return sorted(
        {f"{table}.{row}" for row, column in wanted if row not in rows or (column and column not in rows[row])}
    )


def prose(report: Report, finding: FindingResult) -> list[str]:
    """The text a finding rests on, when OCR read it ("prose.<section>", or "prose" for the report's title and
    dates): a sentence held against a table (a figure of the text may be misread as a table's may), or words a
    content rule looked for and did not find (OCR may have garbled them)."""
    location = finding.location
    if report.source.reading != "ocr" or _from_text_layer(report, location.section):
        return []
    if location.section and location.table not in (None, location.section):
        return [f"prose.{location.section}"]
    if location.cells or (location.section in TABLES and location.row):
        return []  # the table's own figures: doubted one by one, by their confidence
    return [f"prose.{location.section}" if location.section else "prose"]


def _from_text_layer(report: Report, section: str | None) -> bool:
    """Whether a section's text was read from the PDF's text layer, every line of it, when only some pages were read
    by OCR (not the report's title and dates: where they stand is not kept)."""
    pages = report.source.ocr_pages
    if not pages or not section:
        return False
    found = next((s for s in report.sections if s.key == section), None)
    if found is None or not found.lines:
        return False
    return all(line.page is not None and line.page not in pages for line in found.lines)


def mark(report: Report, finding: FindingResult, lang: str) -> None:
    """Note on the finding what it rests on that the reading may have got wrong, and say so in its message."""
    cells = doubtful(report, finding)
    parts = unread(report, finding) or prose(report, finding)
    if cells:
        finding.doubtful_cells = cells
    if parts:
        finding.doubtful_parts = parts
    if cells or parts:
        finding.message = finding.message + " " + sentence(report, cells, lang, parts)


def sentence(report: Report, cells: list[str], lang: str, parts: list[str] | None = None) -> str:
    """The sentence that ends a doubtful finding's message: which figures or rows to check, and why."""
    said = []
    sep = "；" if lang == "zh" else "; "
    low = [k for k in cells if f"{cell_key(k)[0]}.{cell_key(k)[1]}" not in report.placements]
    if low:
        said.append(engine_message("finding.ocr-doubt", lang, cells=sep.join(_cell_name(report, k) for k in low)))
    rows = sorted({f"{cell_key(k)[0]}.{cell_key(k)[1]}" for k in cells} & set(report.placements))
    for key in rows:
        table, _, row = key.partition(".")
        placement = report.placements[key]
        said.append(
            engine_message(
                f"finding.placement-doubt-{placement.by}", lang, row=row_label(table, row), label=placement.label
            )
        )
    if parts and any(not p.startswith("prose") for p in parts):
        said.append(engine_message("finding.unread-doubt", lang))
    if parts and any(p.startswith("prose") for p in parts):
        said.append(engine_message("finding.prose-doubt", lang))
    return " ".join(said)


def _cell_name(report: Report, key: str) -> str:
    table, row, column = cell_key(key)
    return f"{row_label(table, row)}/{column_label(table, column, row, report.template)}"
