"""Print a report model as a source file, so readers can be tested against a known truth.

`render_text(report, layout="plain")` writes tidy text; `layout="layout"` table 三 as `pdftotext -layout` sets it
(a row label's first line beside its figures, its rest below them, a merged group label's pieces before the rows it
spans); `layout="pdf"` imitates what PDF extraction
leaves: spaced-out headings, prose broken every few dozen characters, table labels wrapped over lines,
group labels one character per line, values on the line after their label.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from nianbao.engine.model import Cell, Report, SectionKey
from nianbao.engine.template import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SUBTOTAL_ROWS,
    Template,
)
from nianbao.engine.testing.layouts import cell_text, review_columns

Layout = Literal["plain", "pdf", "layout"]


def _cell(cell: Cell) -> str:
    return cell_text(cell, blank="—")  # in text a blank cell would vanish: print the dash reports use


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def _spaced(heading: str) -> str:
    """A heading as PDF extraction may space it: '一、总 体 情况'."""
    return "".join(ch + (" " if i % 3 == 1 else "") for i, ch in enumerate(heading)).strip()


def _row(label: str, values: list[Cell], layout: Layout) -> Iterator[str]:
    cells = " ".join(_cell(v) for v in values)
    if layout == "plain":
        yield f"{label} {cells}"
        return
    if layout == "layout":  # as `pdftotext -layout` sets a row: the label's first line beside the figures
        first, *rest = _wrap(label, 11)
        yield f"{first:<14}  {cells}"
        yield from rest
        return
    yield from _wrap(label, 7)
    yield cells


def _beside(group: str, lines: list[str]) -> Iterator[str]:
    """A merged group label's lines (three characters each) set before a row's lines, as `pdftotext -layout` sets a
    narrow merged cell beside the first rows it spans."""
    pieces = _wrap(group, 3)
    for n in range(max(len(pieces), len(lines))):
        piece = pieces[n] if n < len(pieces) else ""
        yield f"{piece:<4}  {lines[n]}" if n < len(lines) else piece


def _group(label: str, layout: Layout) -> Iterator[str]:
    if layout in ("plain", "layout"):
        yield label
    else:
        yield from label  # one character per line, as narrow merged cells come out


def _split(label: str) -> tuple[str | None, str]:
    group, _, item = label.rpartition(" ")
    return (group or None), item


def proactive_lines(report: Report, layout: Layout) -> Iterator[str]:
    tpl = Template(report.template or "2021")
    header = None  # a group's heading, printed above the first of its rows the report keeps
    for row in PROACTIVE_ROWS[tpl]:
        group, item = _split(row.label)
        header = group or header
        if row.key not in report.proactive:
            continue
        if header:
            group, header = header, None
            yield group
            yield "信息内容 " + " ".join(c.label for c in row.columns)
        values = [report.proactive[row.key].get(c.key) for c in row.columns]
        yield from _row(item, values, layout)
    for key, cells in report.proactive.items():
        if key.startswith("extra."):
            yield from _row(key.removeprefix("extra."), list(cells.values()), layout)


def application_lines(report: Report, layout: Layout) -> Iterator[str]:
    tpl = Template(report.template or "2021")
    apps = report.applications
    yield "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） 申请人情况"
    yield "自然人 法人或其他组织 总计"
    yield " ".join(c.label for c in APPLICANT_COLUMNS[1:])
    subtotals = {line.key: line.label for line in SUBTOTAL_ROWS}
    printed_groups: set[str] = set()
    for line in APPLICATION_ROWS[tpl]:
        group, item = _split(line.label)
        opens = bool(group) and group not in printed_groups
        if opens:
            printed_groups.add(group)
        if opens and layout == "layout" and line.key in apps:
            yield from _beside(group, list(_row(item, [apps[line.key].get(c) for c in _COLUMNS], layout)))
            continue
        if opens:
            yield from _group(group, layout)
        if line.key in apps:
            yield from _row(item, [apps[line.key].get(c) for c in _COLUMNS], layout)
        # A subtotal row a report added stands after its last item.
        for subtotal, last in _SUBTOTAL_AFTER.items():
            if line.key == last and subtotal in apps:
                yield from _row(subtotals[subtotal].replace(" ", ""), [apps[subtotal].get(c) for c in _COLUMNS], layout)
    for key, cells in apps.items():
        if key.startswith("extra."):
            yield from _row(key.removeprefix("extra."), [cells.get(c) for c in _COLUMNS], layout)


_COLUMNS = [c.key for c in APPLICANT_COLUMNS] + ["total"]
_SUBTOTAL_AFTER = {
    "withheld": "withheld.administrative_inquiry",
    "unavailable": "unavailable.unclear_after_correction",
    "not_processed": "not_processed.confirmation",
    "other_subtotal": "other.other",
}


def review_lines(report: Report, layout: Layout) -> Iterator[str]:
    rl = report.review_litigation
    yield "行政复议 行政诉讼"
    yield "未经复议直接起诉 复议后起诉"
    label = {c.key: c.label for c in REVIEW_COLUMNS}
    printed = review_columns(report)
    labels = [label[c] for columns in printed for c in columns]
    if layout == "plain":
        yield " ".join(labels)
    else:
        for text in labels:
            yield from text
    groups = zip(REVIEW_GROUPS, printed, strict=True)
    yield " ".join(_cell(rl.get(g.key, {}).get(c)) for g, columns in groups for c in columns)


_TABLES = {
    SectionKey.proactive: (proactive_lines, "proactive"),
    SectionKey.applications: (application_lines, "applications"),
    SectionKey.review_litigation: (review_lines, "review_litigation"),
}


def render_text(report: Report, layout: Layout = "plain") -> str:
    width = 28 if layout == "pdf" else 10_000
    out: list[str] = []
    title = report.title or ""
    if layout == "pdf" and report.agency and report.year:
        out += [f"{report.agency} {report.year} 年", title.split("年", 1)[-1], ""]
    else:
        out += [title, ""]
    for paragraph in report.preface.split("\n"):
        if paragraph:
            out += _wrap(paragraph, width)
    out.append("")
    for section in report.sections:
        out.append(_spaced(section.heading) if layout == "pdf" else section.heading)
        for paragraph in section.text.split("\n"):
            if paragraph:
                out += _wrap(paragraph, width)
        table = _TABLES.get(section.key)
        if table and report.table(table[1]):
            out += list(table[0](report, layout))
        out.append("")
    return "\n".join(out)
