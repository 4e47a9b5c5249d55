"""`--format csv`: one row per report, best first, in UTF-8 with a byte-order mark so Excel reads Chinese."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from nianbao.engine.i18n import Lang
from nianbao.engine.outputs.rows import headers, report_columns, report_rows, spreadsheet_safe
from nianbao.engine.result import ResultDocument


def render(document: ResultDocument) -> str:
    return "".join(chunks(document))


def chunks(document: ResultDocument) -> Iterator[str]:
    """A row at a time: a province's ranking is never held whole."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers(report_columns(document), Lang(document.lang)))
    yield "\ufeff" + _taken(buffer)
    for row in report_rows(document):
        writer.writerow(["" if v is None else spreadsheet_safe(v) for v in row.values()])
        yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
