"""Value rules: what a single cell may hold, and what some cells may not hold for some organs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from nianbao.engine import Applies, Category, CheckContext, Finding, Msg, Report, Rule, SectionKey, Severity, hookimpl
from nianbao.engine.organs import Level
from nianbao.engine.template import MONEY_CELLS, SIGNED_COLUMNS, Template, column_label, row_label
from nianbao.rules.support import NIL_WORDS, cell_location

# Which cells hold money and which may be negative, for either template when the template is unknown.
_MONEY = {t: MONEY_CELLS[t] for t in Template} | {None: MONEY_CELLS[Template.T2019] | MONEY_CELLS[Template.T2021]}
_SIGNED = {t: SIGNED_COLUMNS[t] for t in Template} | {None: SIGNED_COLUMNS[Template.T2019]}


class CellValue(Rule):
    """Every cell of tables 二, 三 and 四 holds a whole number ≥ 0 (money cells: a number ≥ 0).

    Why: the tables are counts. A negative, fractional or textual count cannot be added up, and a blank,
    a dash or the word 无 leaves the reader guessing whether it means 0. Exceptions: the 2019 column 本年增/减
    may be negative; the money cells (2019 采购总金额, 2021 本年收费金额 in 万元) may hold decimals, and a money
    cell printed with its unit (251000元) is read as the number (NB208 judges the unit).

    How it decides: text that is not a number, a negative count or a fraction is an error, one finding per
    cell; blank, dash and 无 cells are a warning ("treated as 0"), one finding per row listing its columns,
    or, when more than three rows of a table have them, one finding for the table listing the rows.

    How to fix: write every count as a plain number, 0 included; write money as a number in the
    unit the column header names, without the unit.
    """

    id = "NB205"
    category = Category.accuracy
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
            "{table}“{row}”行“{column}”列为负数（{text}）。数量不能为负，请核实后改正。",
            "{table_en}, row '{row}', column '{column}' is negative ({text}). Counts cannot be negative: correct it.",
        ),
        "unit": Msg(
            "{table}“{row}”行“{column}”列填的是“{text}{unit}”，已按 {text} 读取。请只填数字，不写单位。",
            "{table_en}, row '{row}', column '{column}' holds '{text}{unit}', read as {text}. Write the number alone.",
        ),
        "fraction": Msg(
            "{table}“{row}”行“{column}”列为小数（{text}）。件数应为整数，请核实后改正。",
            "{table_en}, row '{row}', column '{column}' is a fraction ({text}). Counts are whole numbers: correct it.",
        ),
        "blank": Msg(
            "{table}“{row}”行有 {count} 个单元格为空、填了横线或“无”（{columns}），按 0 计算。请填写 0。",
            "{table_en}, row '{row}': {count} cell(s) are blank, a dash or 无 ({columns}) and were taken as 0. "
            "Write 0.",
        ),
        "blank_table": Msg(
            "{table}有 {count} 个单元格为空、填了横线或“无”，按 0 计算，涉及 {rows} 行（{row_list}），"
            "最多的是{columns}列。请在这些单元格填写 0。",
            "{table_en}: {count} cells in {rows} rows are blank, a dash or 无 and were taken as 0 ({row_list}); "
            "most are in the column(s) {columns}. Write 0 in them.",
        ),
    }

    TABLES = (
        (SectionKey.proactive, "表二", "Table 2"),
        (SectionKey.applications, "表三", "Table 3"),
        (SectionKey.review_litigation, "表四", "Table 4"),
    )
    ROWS_PER_TABLE = 3  # more rows with blanks than this: one finding for the table

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        template = Template(report.template) if report.template else None
        for section, zh, en in self.TABLES:
            names = {"table": zh, "table_en": en}
            blank_rows: dict[str, list[str]] = {}
            for row_key, row in report.table(section.value).items():
                for col_key, cell in row.items():
                    kind = self._problem(cell, row_key, col_key, template)
                    unit = report.units.get(f"{section.value}.{row_key}.{col_key}") if report.units else None
                    if kind is None and unit and unit not in ("元", "万元"):  # money's unit is NB208's
                        finding = self._cell_finding(report, section, names, row_key, col_key, "unit")
                        finding.params["unit"] = unit
                        finding.severity = Severity.warning
                        yield finding
                    if kind == "blank":
                        blank_rows.setdefault(row_key, []).append(col_key)
                    elif kind:
                        yield self._cell_finding(report, section, names, row_key, col_key, kind)
            if len(blank_rows) > self.ROWS_PER_TABLE:
                yield self._table_finding(report, section, names, blank_rows)
                continue
            for row_key, blanks in blank_rows.items():
                where = cell_location(report, section.value, row_key, blanks[0])
                where.cells = [(row_key, c) for c in blanks]
                yield Finding(
                    key="blank",
                    params={
                        **names,
                        "row": row_label(section, row_key),
                        "count": len(blanks),
                        "columns": "、".join(column_label(section, c, row_key, report.template) for c in blanks),
                    },
                    location=where,
                    severity=Severity.warning,
                )

    @staticmethod
    def _cell_finding(report: Report, section: SectionKey, names: dict, row: str, column: str, kind: str) -> Finding:
        cell = report.table(section.value)[row][column]
        params = {
            **names,
            "row": row_label(section, row),
            "column": column_label(section, column, row, report.template),
            "text": cell,
        }
        where = cell_location(report, section.value, row, column)
        where.cells = [(row, column)]
        return Finding(key=kind, params=params, location=where, actual=cell)

    @staticmethod
    def _table_finding(report: Report, section: SectionKey, names: dict, blank_rows: dict[str, list[str]]) -> Finding:
        by_column = Counter(c for cols in blank_rows.values() for c in cols)
        most = max(by_column.values())
        rows = [row_label(section, r) for r in blank_rows]
        where = cell_location(report, section.value, next(iter(blank_rows)))
        where.cells = [(r, c) for r, cols in blank_rows.items() for c in cols]
        return Finding(
            key="blank_table",
            params={
                **names,
                "count": sum(by_column.values()),
                "rows": len(blank_rows),
                "row_list": "；".join(rows[:6]) + ("……" if len(rows) > 6 else ""),
                "columns": "、".join(column_label(section, c) for c, n in by_column.items() if n == most),
            },
            location=where,
            severity=Severity.warning,
        )

    @staticmethod
    def _problem(cell: object, row: str, column: str, tpl: Template | None) -> str | None:
        if cell is None or (isinstance(cell, str) and cell.strip() in NIL_WORDS):
            return "blank"
        if isinstance(cell, str):
            return "text"
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
    category = Category.accuracy
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

    How it decides: the cell was printed with 元 (not 万元) after its number, or the number is implausibly
    large for the organ: over 1,000 万元 for a town, 100,000 万元 for a county-level organ, 10,000,000 万元 for any
    other (an organ whose kind is unknown gets the last limit).

    How to fix: convert the amount to 万元 (divide yuan by 10,000) and write the number without a unit.
    """

    id = "NB208"
    category = Category.accuracy
    name = "fee-unit"
    title = "行政事业性收费金额像是以元而非万元填报"
    title_en = "The fee amount looks like yuan rather than 10,000 yuan"
    severity = Severity.warning
    weight = 4
    applies = Applies(templates=frozenset({"2021"}))
    messages = {
        "yuan": Msg(
            "表二“行政事业性收费”行“本年收费金额（单位：万元）”填的是“{value}”，以元为单位。请换算成万元后只填数字。",
            "Table 2, fee amount (in 10,000 yuan) reads '{value}', in yuan. Convert to 10,000 yuan and write the "
            "number only.",
        ),
        "large": Msg(
            "表二“行政事业性收费”行“本年收费金额（单位：万元）”为 {value}，对{level}机关而言过大，可能是按元填报。"
            "请核对单位（万元）。",
            "Table 2, fee amount {value} (10,000 yuan) is implausibly large for a {level_en} organ; it may be in "
            "yuan. Check the unit.",
        ),
    }
    LIMITS = {Level.town: (1_000, "乡镇（街道）", "town"), Level.county: (100_000, "县级", "county-level")}
    DEFAULT = (10_000_000, "", "")

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        amount = report.proactive.get("fees", {}).get("amount")
        where = cell_location(report, "proactive", "fees", "amount")
        where.cells = [("fees", "amount")]
        if report.units.get("proactive.fees.amount") == "元":
            yield Finding(key="yuan", params={"value": f"{amount}元"}, location=where, actual=amount)
            return
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


class InForceWithinYear(Rule):
    """Table 二, 规章 and 行政规范性文件: the documents in force at the year's end are at least those issued in the year
    and not repealed.

    Why: a document issued this year is in force at its end unless it was repealed; "本年制发 5, 本年废止 0, 现行有效
    0" cannot be, and evaluators read it from table 二 alone, without last year's report (NB502 needs that).

    How it decides: 2021 template; 现行有效件数 < 本年制发 − 本年废止, blank cells as 0, text skipped. A repeal of
    earlier years' documents can make 本年废止 exceed 本年制发: then nothing is expected of 现行有效.

    Known limits: a document issued and repealed in the same year is counted in both, as the template asks.

    How to fix: count the documents in force at 31 December, this year's among them.
    """

    id = "NB209"
    category = Category.accuracy
    name = "in-force-within-year"
    title = "表二：现行有效件数少于本年制发减废止"
    title_en = "Table 2: fewer documents in force than issued less repealed this year"
    severity = Severity.warning
    weight = 5
    applies = Applies(templates=frozenset({"2021"}))
    messages = {
        "row": Msg(
            "表二“{row}”：本年制发 {issued} 件、本年废止 {repealed} 件，现行有效件数却只有 {in_force} 件"
            "（至少应为 {least}）。请核对现行有效件数。",
            "Table 2, '{row}': {issued} issued and {repealed} repealed this year, yet only {in_force} in force (at "
            "least {least}). Check the documents in force.",
        )
    }
    ROWS = (("regulations", "规章"), ("normative_documents", "行政规范性文件"))

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        from nianbao.rules.support import NotANumber, tidy, value

        for row, label in self.ROWS:
            cells = report.proactive.get(row, {})
            try:
                issued, repealed = value(cells.get("issued")), value(cells.get("repealed"))
                in_force = value(cells.get("in_force"))
            except NotANumber:
                continue
            least = issued - repealed
            if in_force < least:
                yield Finding(
                    key="row",
                    params={
                        "row": label,
                        "issued": tidy(issued),
                        "repealed": tidy(repealed),
                        "in_force": tidy(in_force),
                        "least": tidy(least),
                    },
                    location=cell_location(
                        report, "proactive", row, "in_force", [(row, c) for c in ("issued", "repealed", "in_force")]
                    ),
                    expected=tidy(least),
                    actual=tidy(in_force),
                )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [CellValue, RegulationsCapacity, FeeUnit, InForceWithinYear]
