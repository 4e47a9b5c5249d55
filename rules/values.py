"""Value rules: what a single cell may hold, and what some cells may not hold for some organs."""

from __future__ import annotations

from collections.abc import Iterator

from engine import CheckContext, Finding, Msg, Report, Rule, SectionKey, Severity, hookimpl
from engine.organs import Level
from engine.rule import Applies
from engine.template import MONEY_CELLS, SIGNED_COLUMNS, Template, column_label, row_label
from rules.support import cell_location

# Which cells hold money and which may be negative, for either template when the template is unknown.
_MONEY = {t: MONEY_CELLS[t] for t in Template} | {None: MONEY_CELLS[Template.T2019] | MONEY_CELLS[Template.T2021]}
_SIGNED = {t: SIGNED_COLUMNS[t] for t in Template} | {None: SIGNED_COLUMNS[Template.T2019]}


class CellValue(Rule):
    """Every cell of tables 二, 三 and 四 holds a whole number ≥ 0 (money cells: a number ≥ 0).

    Why: the tables are counts. A negative, fractional or textual count cannot be added up, and a blank
    or dash leaves the reader guessing whether it means 0. Exceptions: the 2019 column 本年增/减 may be
    negative; the money cells (2019 采购总金额, 2021 本年收费金额 in 万元) may hold decimals.

    How it decides: text (such as 无 or 251000元), a negative count or a fraction is an error, one finding
    per cell; blank and dash cells are a warning ("treated as 0"), one finding per row listing its columns.

    How to fix: write every count as a plain number, 0 included; write money as a number in the
    unit the column header names, without the unit.
    """

    id = "NB205"
    name = "cell-value"
    title = "表格单元格不是规范的数字"
    title_en = "A table cell is not a proper number"
    severity = Severity.error
    weight = 12
    messages = {
        "text": Msg(
            "{table}“{row}”行“{column}”列填的是“{text}”，不是数字。请填写数字（没有就填 0）。",
            "{table_en}, row '{row}', column '{column}' holds '{text}', not a number. Write a number (0 if none).",
        ),
        "negative": Msg(
            "{table}“{row}”行“{column}”列为负数（{text}）。数量不能为负。",
            "{table_en}, row '{row}', column '{column}' is negative ({text}). Counts cannot be negative.",
        ),
        "fraction": Msg(
            "{table}“{row}”行“{column}”列为小数（{text}）。件数应为整数。",
            "{table_en}, row '{row}', column '{column}' is a fraction ({text}). Counts are whole numbers.",
        ),
        "blank": Msg(
            "{table}“{row}”行有 {count} 个单元格为空或填了横线（{columns}），按 0 计算。请填写 0。",
            "{table_en}, row '{row}': {count} cell(s) are blank or a dash ({columns}) and were taken as 0. Write 0.",
        ),
    }

    TABLES = (
        (SectionKey.proactive, "表二", "Table 2"),
        (SectionKey.applications, "表三", "Table 3"),
        (SectionKey.review_litigation, "表四", "Table 4"),
    )

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        for section, zh, en in self.TABLES:
            table = report.table(section.value)
            for row_key, row in table.items():
                blanks = []
                for col_key, cell in row.items():
                    kind = self._problem(cell, row_key, col_key, report.template)
                    if kind == "blank":
                        blanks.append(col_key)
                    elif kind:
                        names = {
                            "table": zh,
                            "table_en": en,
                            "row": row_label(section, row_key),
                            "column": column_label(section, col_key),
                            "text": cell,
                        }
                        where = cell_location(report, section.value, row_key, col_key)
                        yield Finding(key=kind, params=names, location=where, actual=cell)
                if blanks:
                    where = cell_location(report, section.value, row_key, blanks[0])
                    where.columns = blanks  # type: ignore[attr-defined]
                    yield Finding(
                        key="blank",
                        params={
                            "table": zh,
                            "table_en": en,
                            "row": row_label(section, row_key),
                            "count": len(blanks),
                            "columns": "、".join(column_label(section, c) for c in blanks),
                        },
                        location=where,
                        severity=Severity.warning,
                    )

    @staticmethod
    def _problem(cell: object, row: str, column: str, template: str | None) -> str | None:
        if cell is None:
            return "blank"
        if isinstance(cell, str):
            return "text"
        tpl = Template(template) if template else None
        money = (row, column) in _MONEY[tpl]
        if cell < 0 and column not in _SIGNED[tpl]:
            return "negative"
        if not money and isinstance(cell, float) and not cell.is_integer():
            return "fraction"
        return None


class RegulationsCapacity(Rule):
    """A town, a county-level government or a county-level department reports no 规章.

    Why: only the State Council and its departments, provincial governments and the governments of 设区的市
    (and 自治州) may make 规章 (Legislation Law, art. 93). A 乡镇/街道 or county-level organ reporting 规章 has
    usually put its 行政规范性文件 in the wrong row. Real cases: a town reporting 规章 现行有效件数 6.

    How it decides: the organ's level comes from the profile's organ type or else from its name (the last
    place name before the organ: …县, …区, …镇, …街道); a 县级市 is named like a city and is not judged.
    Every figure of the 规章 row must be 0 (or blank).

    How to fix: move the documents to the 行政规范性文件 row, or correct the figures to 0.
    """

    id = "NB207"
    name = "regulations-capacity"
    title = "乡镇街道或县级机关填报了规章"
    title_en = "A town or county-level organ reports regulations (规章)"
    severity = Severity.warning
    weight = 5
    messages = {
        "regulations": Msg(
            "{agency}是{level}机关，无权制定规章，但表二“规章”行填了 {figures}。请核对是否应填入“行政规范性文件”行。",
            "{agency} is a {level_en} organ and cannot make regulations (规章), but the 规章 row of table 2 "
            "reports {figures}. Check whether they belong in the normative-documents row.",
        )
    }
    LEVELS = {Level.town: ("乡镇（街道）", "town"), Level.county: ("县级", "county-level")}

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        organ = context.organ
        row = report.proactive.get("regulations")
        if organ is None or not organ.known or organ.level not in self.LEVELS or not row:
            return
        figures = {k: v for k, v in row.items() if isinstance(v, int | float) and v != 0}
        if figures:
            zh, en = self.LEVELS[organ.level]
            yield Finding(
                key="regulations",
                params={
                    "agency": report.agency,
                    "level": zh,
                    "level_en": en,
                    "figures": "、".join(f"{column_label('proactive', k)} {v}" for k, v in figures.items()),
                },
                location=cell_location(report, "proactive", "regulations", next(iter(figures))),
                actual=figures,
                expected=0,
            )


class FeeUnit(Rule):
    """The 2021 fee amount (本年收费金额) is written in 万元, as the column header says.

    Why: the 2021 template asks for 行政事业性收费 in 万元. Amounts copied from accounts in 元 overstate the
    fees ten-thousandfold (a real slip: "251000元" in an amount cell).

    How it decides: the cell carries 元 without 万, or the number is implausibly large for the organ: over
    1,000 万元 for a town, 100,000 万元 for a county-level organ, 10,000,000 万元 for any other.

    How to fix: convert the amount to 万元 (divide yuan by 10,000) and write the number without a unit.
    """

    id = "NB208"
    name = "fee-unit"
    title = "行政事业性收费金额像是以元而非万元填报"
    title_en = "The fee amount looks like yuan rather than 10,000 yuan"
    severity = Severity.warning
    weight = 4
    applies = Applies(templates=frozenset({"2021"}))
    messages = {
        "yuan": Msg(
            "表二“行政事业性收费”金额填的是“{value}”，单位应为万元。请换算成万元后只填数字。",
            "Table 2, fee amount reads '{value}'; the unit is 10,000 yuan. Convert and write the number only.",
        ),
        "large": Msg(
            "表二“行政事业性收费”金额为 {value} 万元，对{level}机关而言过大，可能是按元填报。请核对单位（万元）。",
            "Table 2, fee amount {value} (10,000 yuan) is implausibly large for a {level_en} organ; it may be in "
            "yuan. Check the unit.",
        ),
    }
    LIMITS = {Level.town: (1_000, "乡镇（街道）", "town"), Level.county: (100_000, "县级", "county-level")}
    DEFAULT = (10_000_000, "", "")

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        amount = report.proactive.get("fees", {}).get("amount")
        where = cell_location(report, "proactive", "fees", "amount")
        if isinstance(amount, str):
            if "元" in amount and "万" not in amount:
                yield Finding(key="yuan", params={"value": amount}, location=where, actual=amount)
            return
        if not isinstance(amount, int | float):
            return
        organ = context.organ
        limit, zh, en = self.LIMITS.get(organ.level if organ else None, self.DEFAULT)
        if amount > limit:
            yield Finding(
                key="large",
                params={"value": amount, "level": zh or "本", "level_en": en or "this"},
                location=where,
                actual=amount,
            )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [CellValue, RegulationsCapacity, FeeUnit]
