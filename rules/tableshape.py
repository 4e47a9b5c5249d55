"""NB105: the three tables against the shape of the template they follow (rows, columns, the tables themselves)."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.engine import Category, CheckContext, Finding, Msg, Report, Rule, SectionKey, Severity, hookimpl
from nianbao.engine.organs import OrganType
from nianbao.engine.template import (
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_WIDTH,
    Template,
    column_label,
    row_label,
)
from nianbao.rules.structure import PASS
from nianbao.rules.support import cell_location, section_location

_TABLE_NAMES = {
    SectionKey.proactive: ("表二", "Table 2"),
    SectionKey.applications: ("表三", "Table 3"),
    SectionKey.review_litigation: ("表四", "Table 4"),
}


def template_shape(table: SectionKey, template: Template) -> dict[str, list[str]]:
    """Rows and their columns that the official template prints for one table."""
    if table is SectionKey.applications:
        return {r.key: [c.key for c in APPLICATION_COLUMNS] for r in APPLICATION_ROWS[template]}
    if table is SectionKey.review_litigation:
        return {g.key: [c.key for c in REVIEW_COLUMNS] for g in REVIEW_GROUPS}
    return {r.key: [c.key for c in r.columns] for r in PROACTIVE_ROWS[template]}


class TableIncomplete(Rule):
    """Every row and column of the template is in tables 二, 三 and 四, and each table is there.

    Why: the tables are a fixed form. A deleted row or column ("we had none") hides whether the figure is
    0 or was forgotten, and breaks the identities. A 2021 report that still prints the single 2019 row
    （六）其他处理 lacks its three sub-rows.

    How it decides: against the template the tables follow (2019 or 2021); one finding per missing row,
    one per row with missing columns, one per section printed without its table (then the report grades 合格 at
    best, whatever its score). Extra rows are allowed. A table or row that is there but was read with too few
    values to lay onto the template's columns (table 四 with 14 of its 15) is said to be so, not missing: no grade
    ceiling, and read from a scan a warning only, since the reading may be what fell short. The 规章 row left out by
    an organ that makes no 规章 (anyone but a province's or a 设区的市's government) is a warning that says why: the
    template is not kept, but no figure is missing. The 2019 template's single （六）其他处理 row in a 2021 report is
    one finding (the three rows it stands for are not each "missing").

    How to fix: print the full official table; write 0 where there is nothing to report.
    """

    id = "NB105"
    category = Category.completeness
    name = "table-incomplete"
    title = "统计表缺少行、列或整张表"
    title_en = "A table, or a template row or column, is missing"
    severity = Severity.error
    weight = 12
    messages = {
        "table": Msg(
            "第{numeral}部分没有{table}（统计表）。请按模板填报该表。",
            "Section {numeral} has no {table_en}. Fill in the template table.",
        ),
        "unplaced": Msg(
            "{table}只读到 {values} 个数值（模板为 {width} 栏），无法逐栏对应到模板，未予核对。"
            "请按模板填报完整的{table}。",
            "{table_en}: only {values} values were read for its {width} template columns, so they could not be matched "
            "to the columns and were not checked. Fill in the whole template table.",
        ),
        "unplaced-ocr": Msg(
            "扫描件中的{table}识别出 {values} 个数值（模板为 {width} 栏），无法逐栏对应，未予核对。"
            "请对照原件人工核对{table}。",
            "{table_en} in the scan: {values} values were recognised for its {width} template columns, so they "
            "could not be matched to the columns and were not checked. Check the table against the original.",
        ),
        "unplaced-row": Msg(
            "{table}“{row}”行读到 {values} 个数值，与模板栏目数不符，无法逐栏对应，未予核对。请按模板填齐该行各栏。",
            "{table_en}, row '{row}': {values} values were read, not one for each template column, so they could "
            "not be matched to the columns and were not checked. Fill in every column of the row.",
        ),
        "unplaced-row-ocr": Msg(
            "扫描件中{table}“{row}”行识别出 {values} 个数值，与模板栏目数不符，无法逐栏对应，未予核对。"
            "请对照原件人工核对该行。",
            "{table_en}, row '{row}' in the scan: {values} values were recognised, not one for each template "
            "column, so they could not be matched and were not checked. Check the row against the original.",
        ),
        "row": Msg(
            "{table}缺少“{row}”行。请按模板补上该行（没有数据填 0）。",
            "{table_en} lacks the row '{row}'. Add it (write 0 where there is nothing).",
        ),
        "old-other-row": Msg(
            "表三“（六）其他处理”只填了一行（2019 版模板的写法），2021 版模板将其分为“{rows}”三行。"
            "请按 2021 版模板分行填报。",
            "Table 3's '(6) other handling' is one row (the 2019 template's form); the 2021 template splits it into "
            "three rows: {rows}. Fill in the three rows.",
        ),
        "row-cannot-make": Msg(
            "{table}缺少“{row}”行。本机关不制定规章，该行各栏为 0，但模板要求保留该行，请补上并填 0。",
            "{table_en} lacks the row '{row}'. This organ makes no 规章, so the row is all 0, but the template keeps "
            "it: add it with 0.",
        ),
        "columns": Msg(
            "{table}“{row}”行缺少“{columns}”列。请按模板补齐。",
            "{table_en}, row '{row}' lacks the column(s) {columns}. Add them.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        template = Template(report.template) if report.template else None
        for section, (zh, en) in _TABLE_NAMES.items():
            table = report.table(section.value)
            unplaced = report.unplaced.get(section.value)
            if not table and unplaced is not None:
                yield Finding(
                    key="unplaced-ocr" if unplaced.source == "ocr" else "unplaced",
                    params={"table": zh, "table_en": en, "values": unplaced.values, "width": REVIEW_WIDTH},
                    location=section_location(report, section.value),
                    severity=Severity.warning if unplaced.source == "ocr" else None,
                )
                continue
            if not table:
                if report.has_section(section):
                    yield Finding(
                        key="table",
                        params={"numeral": section.numeral, "table": zh, "table_en": en},
                        location=section_location(report, section.value),
                        ceiling=PASS,
                    )
                continue
            if template is None:
                continue
            shape = template_shape(section, template)
            split = [r for r in _OTHER_ROWS if r in shape]
            if split and "other" in table and not any(r in table for r in split):
                # The 2019 template's single （六）其他处理 row in a 2021 report: one defect, not three missing rows.
                yield Finding(
                    key="old-other-row",
                    params={"rows": "、".join(row_label(section, r) for r in split)},
                    location=cell_location(report, section.value, "other", cells=[("other", "total")]),
                )
                shape = {r: c for r, c in shape.items() if r not in split}
            for row, columns in shape.items():
                names = {"table": zh, "table_en": en, "row": row_label(section, row)}
                if row not in table:
                    short = report.unplaced.get(f"{section.value}.{row}")
                    if short is None and row == "regulations" and not _makes_regulations(context):
                        # An organ that cannot make 规章 leaves its row out as empty: the template is not kept, but
                        # no figure is missing.
                        yield Finding(key="row-cannot-make", params=names, severity=Severity.warning,
                                      location=cell_location(report, section.value, row))  # fmt: skip
                    elif short is None:
                        yield Finding(key="row", params=names, location=cell_location(report, section.value, row))
                    else:
                        yield Finding(
                            key="unplaced-row-ocr" if short.source == "ocr" else "unplaced-row",
                            params={**names, "values": short.values},
                            location=cell_location(report, section.value, row),
                            severity=Severity.warning if short.source == "ocr" else None,
                        )
                    continue
                missing = [c for c in columns if c not in table[row]]
                if missing:
                    yield Finding(
                        key="columns",
                        params={**names, "columns": "、".join(column_label(section, c) for c in missing)},
                        location=cell_location(report, section.value, row, missing[0]),
                    )


_OTHER_ROWS = ("other.no_correction", "other.fee_unpaid", "other.other")


def _makes_regulations(context: CheckContext) -> bool:
    """Whether the organ may make 规章 (Legislation Law Art. 93): a province's or a 设区的市's government. Unknown
    kinds are given the benefit of the doubt: their missing row is the error it is for those who make them."""
    organ = context.organ
    if organ is None or not organ.known:
        return True
    return organ.type in (OrganType.provincial_government, OrganType.city_government)


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [TableIncomplete]
