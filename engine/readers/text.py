"""Plain text as PDF extraction leaves it (the seed report is the reference input).

Headings come in any spacing; table labels are split over lines, or written one character per line;
numbers follow their labels in row order; table headers are interleaved with labels. A table is read
as a stream of pieces: a run of label text followed by a run of values is one row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from engine.model import Anchor, Report, SectionKey
from engine.readers.assemble import RawDocument, RawSection, build_report
from engine.readers.base import decode_text, make_source
from engine.readers.layout import match_heading
from engine.readers.normalize import compact, is_value_token, parse_cell
from engine.readers.tables import (
    APPLICATION_SIGNATURES,
    PROACTIVE_SIGNATURES,
    RawRow,
    match_label,
)
from engine.template import APPLICATION_COLUMNS, REVIEW_COLUMNS, REVIEW_GROUPS

REVIEW_WIDTH = len(REVIEW_GROUPS) * len(REVIEW_COLUMNS)

# Words that open each table (its header), so prose before them stays prose.
_TABLE_CUES: dict[SectionKey, Callable[[str], bool]] = {
    SectionKey.proactive: lambda t: "第二十条" in t or t.startswith("信息内容"),
    SectionKey.applications: lambda t: any(w in t for w in ("申请人情况", "本列数据", "勾稽关系", "本年新收")),
    SectionKey.review_litigation: lambda t: t.startswith(("行政复议", "结果维持", "未经复议")),
}


@dataclass
class _Row:
    row: RawRow
    last_line: int  # index (0-based) of the line holding its last value


def _pieces(line: str) -> list[str]:
    # Markdown tables: the bars only separate cells.
    return line.replace("|", " ").split()


def _group_rows(lines: list[str], first: int) -> list[_Row]:
    """Split a table region into rows: label text, then the values that follow it."""
    rows: list[_Row] = []
    label: list[str] = []
    values: list = []
    value_line: int | None = None
    last = first

    def flush() -> None:
        nonlocal label, values, value_line
        if label or values:
            # The line of the row's first value: a label run may begin with the table header.
            anchor = Anchor(line=(value_line if value_line is not None else last) + 1)
            rows.append(_Row(RawRow(" ".join(label), values, anchor), last))
        label, values, value_line = [], [], None

    for i, line in enumerate(lines, start=first):
        for piece in _pieces(line):
            if is_value_token(piece):
                if value_line is None:
                    value_line = i
                values.append(parse_cell(piece))
                last = i
            else:
                if values:
                    flush()
                label.append(piece)
    flush()
    return rows


def _split_table(key: SectionKey, lines: list[str], first: int) -> tuple[list[str], list[_Row]]:
    """Separate a table section's prose from its table rows."""
    cue = _TABLE_CUES[key]
    start = next((i for i, line in enumerate(lines) if cue(compact(line))), None)
    if start is None:
        return lines, []
    rows = _group_rows(lines[start:], first + start)
    if key is SectionKey.review_litigation:
        end = next((n for n, r in enumerate(rows) if len(r.row.values) >= REVIEW_WIDTH), None)
    else:
        signatures = APPLICATION_SIGNATURES if key is SectionKey.applications else PROACTIVE_SIGNATURES
        matched = [n for n, r in enumerate(rows) if r.row.values and match_label(r.row.label, signatures)]
        end = matched[-1] if matched else None
        # Rows a report added after the template's last one still have a full row of values.
        while (
            end is not None
            and key is SectionKey.applications
            and end + 1 < len(rows)
            and len(rows[end + 1].row.values) == len(APPLICATION_COLUMNS)
        ):
            end += 1
    if end is None:
        return lines, []
    table_end = rows[end].last_line - first
    return lines[:start] + lines[table_end + 1 :], rows[: end + 1]


class TextReader:
    format = "txt"
    suffixes = (".txt", ".text", ".md")

    def read(self, path: Path, data: bytes) -> Report:
        return build_report(parse_text(decode_text(data)), make_source(path, data, "txt"))


def parse_text(text: str) -> RawDocument:
    lines = [line.replace("\x0c", " ") for line in text.split("\n")]
    doc = RawDocument(full_text=text)
    starts = [(i, h) for i, line in enumerate(lines) if (h := match_heading(line))]
    doc.head = lines[: starts[0][0]] if starts else lines[:6]
    table_text: list[str] = []
    for n, (i, (key, heading)) in enumerate(starts):
        body_first = i + 1
        body_end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        body = lines[body_first:body_end]
        prose = body
        if key in _TABLE_CUES:
            prose, rows = _split_table(key, body, body_first)
            table_text += [r.row.label for r in rows]
            raw = [r.row for r in rows]
            if key is SectionKey.proactive and not doc.proactive_rows:
                doc.proactive_rows = raw
            elif key is SectionKey.applications and not doc.application_rows:
                doc.application_rows = raw
            elif key is SectionKey.review_litigation and not doc.review_values and raw:
                doc.review_values = raw[-1].values
                doc.review_anchor = raw[-1].anchor
        doc.sections.append(
            RawSection(
                key=key,
                heading=heading,
                prose=[p.strip() for p in prose if p.strip()],
                anchor=Anchor(line=i + 1),
            )
        )
    doc.table_text = " ".join(table_text)
    return doc
