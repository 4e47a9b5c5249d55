"""`--format csv`: one row per report, best first, in UTF-8 with a byte-order mark so Excel reads Chinese."""

from __future__ import annotations

import csv
import io

from engine.i18n import Lang
from engine.outputs.rows import headers, report_columns, report_rows, spreadsheet_safe
from engine.result import ResultDocument


def render(document: ResultDocument) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(report_columns(document), Lang(document.lang)))
    for row in report_rows(document):
        writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row.values()])
    return "\ufeff" + buffer.getvalue()
