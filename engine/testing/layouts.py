"""The three tables laid out as the official templates print them: cells with rowspan and colspan.

HTML and DOCX renderers draw from the same layout, so fixtures in both formats carry the same merged
cells a real report has (the vertical 三、本年度办理结果, the group labels of （三）–（六）, the two-level
header of table 四).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from nianbao.engine.model import Cell, Report
from nianbao.engine.template import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    Template,
)


@dataclass(frozen=True)
class CellSpec:
    text: str
    rowspan: int = 1
    colspan: int = 1
    value: bool = False  # a figure (right-aligned, narrow column)


Layout = list[list[CellSpec]]


def cell_text(cell: Cell, blank: str = "") -> str:
    """A cell as a report prints it: a blank as `blank`, money without trailing zeros."""
    if cell is None:
        return blank
    if isinstance(cell, float):
        return format(cell, ".15g")  # as printed: money keeps every digit the report gives
    return str(cell)


def _values(cells: list[Cell]) -> list[CellSpec]:
    return [CellSpec(cell_text(c), value=True) for c in cells]


def proactive_layout(report: Report) -> Layout:
    tpl = Template(report.template or "2021")
    rows: Layout = []
    header: str | None = None  # a group's heading, printed above the first of its rows the report keeps
    for row in PROACTIVE_ROWS[tpl]:
        group, _, item = row.label.rpartition(" ")
        if group:
            header = group
        if row.key not in report.proactive:
            continue
        span = {3: [1, 1, 1], 2: [2, 1], 1: [3]}[len(row.columns)]
        if header:
            group, header = header, None
            rows.append([CellSpec(group, colspan=4)])
            rows.append(
                [CellSpec("信息内容")] + [CellSpec(c.label, colspan=n) for c, n in zip(row.columns, span, strict=True)]
            )
        values = [report.proactive[row.key].get(c.key) for c in row.columns]
        rows.append(
            [CellSpec(item)]
            + [CellSpec(cell_text(v), colspan=n, value=True) for v, n in zip(values, span, strict=True)]
        )
    return rows


_GROUPS = {
    "withheld": "（三）不予公开",
    "unavailable": "（四）无法提供",
    "not_processed": "（五）不予处理",
    "other": "（六）其他处理",
}
_OUTER = "三、本年度办理结果"


def applications_layout(report: Report) -> Layout:
    tpl = Template(report.template or "2021")
    apps = report.applications
    columns = [c.key for c in APPLICATION_COLUMNS]
    rows: Layout = [
        [
            CellSpec("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3),
            CellSpec("申请人情况", colspan=7),
        ],
        [CellSpec("自然人", rowspan=2), CellSpec("法人或其他组织", colspan=5), CellSpec("总计", rowspan=2)],
        [CellSpec(c.label) for c in APPLICANT_COLUMNS[1:]],
    ]
    template_rows = [line for line in APPLICATION_ROWS[tpl] if line.key in apps]
    inner = [line for line in template_rows if line.key not in ("received_new", "carried_over", "carried_forward")]
    for line in template_rows:
        values = _values([apps[line.key].get(c) for c in columns])
        item = line.label.rpartition(" ")[2]
        if line.key in ("received_new", "carried_over", "carried_forward"):
            rows.append([CellSpec(item, colspan=3), *values])
            continue
        cells: list[CellSpec] = []
        if line is inner[0]:
            cells.append(CellSpec(_OUTER, rowspan=len(inner)))
        prefix, _, _ = line.key.partition(".")
        group = _GROUPS.get(prefix) if "." in line.key else None
        if group:
            members = [x for x in inner if x.key.startswith(prefix + ".")]
            if line is members[0]:
                cells.append(CellSpec(group, rowspan=len(members)))
            cells.append(CellSpec(item))
        else:
            cells.append(CellSpec(item, colspan=2))
        rows.append(cells + values)
    for key, cells in apps.items():
        if key.startswith("extra."):
            rows.append([CellSpec(key.removeprefix("extra."), colspan=3), *_values([cells.get(c) for c in columns])])
    return rows


def review_columns(report: Report) -> list[list[str]]:
    """The columns table 四 prints in each group: all five, unless a group's row lacks a column's key (a report
    that deleted that column; a blank cell is a key with None)."""
    rl = report.review_litigation
    return [[c.key for c in REVIEW_COLUMNS if not rl.get(g.key) or c.key in rl[g.key]] for g in REVIEW_GROUPS]


def review_layout(report: Report) -> Layout:
    rl = report.review_litigation
    label = {c.key: c.label for c in REVIEW_COLUMNS}
    printed = review_columns(report)
    review, direct, after = printed
    values = [rl.get(g.key, {}).get(c) for g, columns in zip(REVIEW_GROUPS, printed, strict=True) for c in columns]
    return [
        [CellSpec("行政复议", colspan=len(review)), CellSpec("行政诉讼", colspan=len(direct) + len(after))],
        [CellSpec(label[c], rowspan=2) for c in review]
        + [CellSpec("未经复议直接起诉", colspan=len(direct)), CellSpec("复议后起诉", colspan=len(after))],
        [CellSpec(label[c]) for c in direct + after],
        _values(values),
    ]


TABLE_LAYOUTS = {
    "proactive": proactive_layout,
    "applications": applications_layout,
    "review_litigation": review_layout,
}


def reading_order(report: Report) -> Iterator[str | tuple[str, Layout]]:
    """A report as a printed document runs: the title, the preface's paragraphs, then each section's heading and
    paragraphs followed by its table (as `(table key, layout)`), for the writers of DOCX and OFD fixtures."""
    yield report.title or ""
    yield from (p for p in report.preface.split("\n") if p)
    for section in report.sections:
        yield section.heading
        yield from (p for p in section.text.split("\n") if p)
        layout = TABLE_LAYOUTS.get(section.key.value)
        if layout and report.table(section.key.value):
            yield section.key.value, layout(report)


def placed(layout: Layout) -> Iterator[tuple[int, int, CellSpec]]:
    """Each cell of a layout with the grid row and column it starts at, as its row's and the rows above' spans
    leave them (what a table drawn from the layout merges)."""
    taken: set[tuple[int, int]] = set()
    for r, row in enumerate(layout):
        c = 0
        for spec in row:
            while (r, c) in taken:
                c += 1
            yield r, c, spec
            taken |= {(rr, cc) for rr in range(r, r + spec.rowspan) for cc in range(c, c + spec.colspan)}
            c += spec.colspan
