"""Table rules: the arithmetic identities (勾稽关系) of tables 三 and 四."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.engine import Category, CheckContext, Finding, Msg, Report, Rule, Severity, hookimpl
from nianbao.engine.template import (
    APPLICANT_COLUMNS,
    APPLICATION_COLUMNS,
    OUTCOME_GROUPS,
    REVIEW_COLUMNS,
    SUBTOTAL_KEYS,
    outcome_rows,
    row_label,
)
from nianbao.rules.support import NotANumber, balancing, cell_location, tidy, total, value


class ApplicationsBalance(Rule):
    """Table 三, every column: 本年新收 + 上年结转 = （七）总计 + 结转下年度继续办理.

    Why: this is the identity printed in the table's own header (本列数据的勾稽关系为：第一项加第二项之和，
    等于第三项加第四项之和). Every application either got an answer this year or is carried forward.

    How it decides: per column (自然人 … 总计), blank cells count as 0; a column holding text is skipped
    (NB205 reports the text). `expected` is the right-hand side, `actual` the left-hand side.
    One wrong figure that breaks other checks too is said once with them (nianbao.engine.checking.symptoms): each
    finding gives, per cell, the value that alone would mend it (`fixes`).

    How to fix: recount the column. Usually one figure was copied wrongly, or carried-forward
    applications were left out of 结转下年度继续办理.
    """

    id = "NB201"
    category = Category.accuracy
    name = "applications-balance"
    title = "表三：新收+结转 ≠ 办理总计+结转下年度"
    title_en = "Table 3: received + carried over ≠ handled + carried forward"
    severity = Severity.error
    weight = 12
    messages = {
        "unbalanced": Msg(
            "表三“{column}”列：本年新收（{received}）+上年结转（{carried}）= {left}，"
            "不等于办理结果总计（{handled}）+结转下年度继续办理（{forward}）= {right}。请核对该列这四个数字。",
            "Table 3, column '{column}': received ({received}) + carried over ({carried}) = {left}, "
            "but total handled ({handled}) + carried forward ({forward}) = {right}. Check these four figures.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        apps = report.applications
        rows = ("received_new", "carried_over", "total", "carried_forward")
        if not all(r in apps for r in rows):
            return
        for col in APPLICATION_COLUMNS:
            try:
                received, carried, handled, forward = (value(apps[r].get(col.key)) for r in rows)
            except NotANumber:
                continue
            if any(col.key not in apps[r] for r in rows):
                continue
            left, right = received + carried, handled + forward
            if left != right:
                yield Finding(
                    key="unbalanced",
                    params={
                        "column": col.label,
                        "received": tidy(received),
                        "carried": tidy(carried),
                        "handled": tidy(handled),
                        "forward": tidy(forward),
                        "left": tidy(left),
                        "right": tidy(right),
                    },
                    location=cell_location(
                        report, "applications", "received_new", col.key, [(r, col.key) for r in rows]
                    ),
                    expected=tidy(right),
                    actual=tidy(left),
                    fixes=balancing(
                        "applications",
                        [(r, col.key, sign, apps[r][col.key]) for r, sign in zip(rows, (1, 1, -1, -1), strict=True)],
                    ),
                )


class ApplicationsOutcomeTotal(Rule):
    """Table 三, every column: （七）总计 = the sum of all outcome rows; a subtotal row = its items.

    Why: （七）总计 is by definition the number of applications handled this year, and every handled
    application falls in exactly one outcome row: （一）予以公开, （二）部分公开, （三）不予公开 1–8,
    （四）无法提供 1–3, （五）不予处理 1–5, and （六）其他处理 (one row in the 2019 template, rows 1–3 in 2021).
    Reports that add subtotal rows for （三）–（六） must keep them equal to their items too.

    How it decides: blank cells count as 0; a column with text, or a table missing an outcome row
    (NB105's concern), is skipped. `expected` is the sum of the items, `actual` the printed total.
    One wrong figure that breaks other checks too is said once with them (nianbao.engine.checking.symptoms): each
    finding gives, per cell, the value that alone would mend it (`fixes`).

    How to fix: an outcome was counted in two rows or in none. Recount, and remember that a partly
    disclosed answer counts only under （二）部分公开.
    """

    id = "NB202"
    category = Category.accuracy
    name = "applications-outcome-total"
    title = "表三：办理结果各项之和 ≠（七）总计"
    title_en = "Table 3: outcome rows do not add up to the total"
    severity = Severity.error
    weight = 12
    messages = {
        "total": Msg(
            "表三“{column}”列：各项办理结果之和为 {expected}，但（七）总计填的是 {actual}。请核对该列各办理结果。",
            "Table 3, column '{column}': the outcome rows add up to {expected}, but (7) total says {actual}. "
            "Check the outcomes in this column.",
        ),
        "total_blank": Msg(
            "表三“{column}”列：各项办理结果之和为 {expected}，但（七）总计为空。请填写 {expected}。",
            "Table 3, column '{column}': the outcome rows add up to {expected}, but (7) total is blank. "
            "Write {expected}.",
        ),
        "subtotal": Msg(
            "表三“{row}”小计行“{column}”列：各分项之和为 {expected}，但小计填的是 {actual}。请核对分项和小计。",
            "Table 3, subtotal '{row}', column '{column}': its items add up to {expected}, "
            "but the subtotal says {actual}. Check the items and the subtotal.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        apps = report.applications
        rows = outcome_rows(apps)
        checks: list[tuple[str, list[str], str]] = []
        if rows and "total" in apps:
            checks.append(("total", rows, "total"))
        for subtotal in SUBTOTAL_KEYS:
            items = list(OUTCOME_GROUPS[subtotal])
            if subtotal in apps and all(r in apps for r in items):
                checks.append((subtotal, items, "subtotal"))
        for target, items, key in checks:
            for col in APPLICATION_COLUMNS:
                if col.key not in apps[target]:
                    continue
                try:
                    expected = total(apps[r].get(col.key) for r in items)
                    actual = value(apps[target][col.key])
                except NotANumber:
                    continue
                if expected != actual:
                    yield Finding(
                        key=key + ("_blank" if apps[target][col.key] is None and key == "total" else ""),
                        params={
                            "column": col.label,
                            "row": row_label("applications", target),
                            "expected": tidy(expected),
                            "actual": tidy(actual),
                        },
                        location=cell_location(
                            report, "applications", target, col.key, [(r, col.key) for r in (*items, target)]
                        ),
                        expected=tidy(expected),
                        actual=tidy(actual),
                        fixes=balancing(
                            "applications",
                            [(r, col.key, 1, apps[r].get(col.key)) for r in items]
                            + [(target, col.key, -1, apps[target][col.key])],
                        ),
                    )


class ApplicationsRowTotal(Rule):
    """Table 三, every row: 总计 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他.

    Why: the 总计 column is the sum of the six applicant columns (the official table has no separate
    法人或其他组织 subtotal column). Reports often fill only 总计, or only the applicant columns.

    How it decides: blank cells count as 0 (NB205 warns about them); a row with text is skipped.
    `expected` is the sum of the six columns, `actual` the printed 总计. When three or more rows have 总计 0 or blank
    beside applicant figures, the column was left unfilled: one finding lists all their cells.
    One wrong figure that breaks other checks too is said once with them (nianbao.engine.checking.symptoms): each
    finding gives, per cell, the value that alone would mend it (`fixes`).

    How to fix: fill the applicant columns so that they add up to 总计, or correct 总计.
    """

    id = "NB203"
    category = Category.accuracy
    name = "applications-row-total"
    title = "表三：各类申请人之和 ≠ 总计"
    title_en = "Table 3: applicant columns do not add up to the total column"
    severity = Severity.error
    weight = 12
    messages = {
        "row": Msg(
            "表三“{row}”行：六类申请人合计为 {expected}，但“总计”列填的是 {actual}。"
            "请核对该行各列，使各类申请人之和等于总计。",
            "Table 3, row '{row}': the six applicant columns add up to {expected}, but the total column says {actual}.",
        ),
        "row_blank": Msg(
            "表三“{row}”行：六类申请人合计为 {expected}，但“总计”列为空。请填写 {expected}。",
            "Table 3, row '{row}': the six applicant columns add up to {expected}, but the total is blank. "
            "Write {expected}.",
        ),
        "column": Msg(
            "表三“总计”列有 {count} 行为 0 或空，而这些行的各类申请人之和不为 0（如“{row}”行应为 {expected}）。"
            "请逐行填写总计列。",
            "Table 3's total column is 0 or blank in {count} rows whose applicant columns are not (e.g. '{row}' "
            "should be {expected}). Fill in the total column.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        wrong: list[tuple[str, dict, float, float]] = []
        for key, row in report.applications.items():
            if "total" not in row or any(c.key not in row for c in APPLICANT_COLUMNS):
                continue
            try:
                expected = total(row[c.key] for c in APPLICANT_COLUMNS)
                actual = value(row["total"])
            except NotANumber:
                continue
            if expected != actual:
                wrong.append((key, row, expected, actual))
        unfilled = [w for w in wrong if w[3] == 0]
        if len(unfilled) >= COLUMN_LEFT_EMPTY:
            # One cause, many symptoms: the 总计 column left at 0 (or blank) is one defect, said once with its cells:
            # each row's 总计 and the applicant figures that say it is not 0 (a figure read from a scan among them
            # may be what is wrong: nianbao.engine.checking.uncertain).
            key, _, expected, _ = unfilled[0]
            cells = [
                cell
                for k, row, *_ in unfilled
                for cell in [(k, "total"), *((k, c.key) for c in APPLICANT_COLUMNS if value(row[c.key]) != 0)]
            ]
            yield Finding(
                key="column",
                params={"count": len(unfilled), "row": row_label("applications", key), "expected": tidy(expected)},
                location=cell_location(report, "applications", key, "total", cells),
                expected=tidy(expected),
                actual=0,
            )
            wrong = [w for w in wrong if w not in unfilled]
        for key, row, expected, actual in wrong:
            yield Finding(
                key="row_blank" if row["total"] is None else "row",
                params={"row": row_label("applications", key), "expected": tidy(expected), "actual": tidy(actual)},
                location=cell_location(
                    report, "applications", key, "total", [(key, c.key) for c in APPLICATION_COLUMNS]
                ),
                expected=tidy(expected),
                actual=tidy(actual),
                fixes=balancing(
                    "applications",
                    [(key, c.key, 1, row[c.key]) for c in APPLICANT_COLUMNS] + [(key, "total", -1, row["total"])],
                ),
            )


# Rows whose 总计 is 0 or blank beside applicant figures: from this many, the column was left unfilled (one defect).
COLUMN_LEFT_EMPTY = 3


class ReviewLitigationTotal(Rule):
    """Table 四, every group: 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结.

    Why: each reconsideration or lawsuit either ended (upheld, corrected, other outcome) or is pending;
    总计 counts them all. This holds for 行政复议 and both kinds of 行政诉讼 (未经复议直接起诉, 复议后起诉).

    How it decides: blank cells count as 0; a group with text is skipped. `expected` is the sum of the
    four outcome columns, `actual` the printed 总计.
    One wrong figure that breaks other checks too is said once with them (nianbao.engine.checking.symptoms): each
    finding gives, per cell, the value that alone would mend it (`fixes`).

    How to fix: recount the group; a case still open at year end belongs under 尚未审结.
    """

    id = "NB204"
    category = Category.accuracy
    name = "review-litigation-total"
    title = "表四：各结果之和 ≠ 总计"
    title_en = "Table 4: outcomes do not add up to the total"
    severity = Severity.error
    weight = 12
    messages = {
        "group": Msg(
            "表四“{group}”：结果维持、结果纠正、其他结果、尚未审结之和为 {expected}，但总计填的是 {actual}。"
            "请核对各结果数，使其之和等于总计。",
            "Table 4, '{group}': upheld + corrected + other + pending = {expected}, but the total says {actual}.",
        ),
        "group_blank": Msg(
            "表四“{group}”：结果维持、结果纠正、其他结果、尚未审结之和为 {expected}，但总计为空。请填写 {expected}。",
            "Table 4, '{group}': upheld + corrected + other + pending = {expected}, but the total is blank.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        parts = [c.key for c in REVIEW_COLUMNS if c.key != "total"]
        for group, row in report.review_litigation.items():
            if "total" not in row or any(p not in row for p in parts):
                continue
            try:
                expected = total(row[p] for p in parts)
                actual = value(row["total"])
            except NotANumber:
                continue
            if expected != actual:
                yield Finding(
                    key="group_blank" if row["total"] is None else "group",
                    params={
                        "group": row_label("review_litigation", group),
                        "expected": tidy(expected),
                        "actual": tidy(actual),
                    },
                    location=cell_location(
                        report, "review_litigation", group, "total", [(group, c) for c in (*parts, "total")]
                    ),
                    expected=tidy(expected),
                    actual=tidy(actual),
                    fixes=balancing(
                        "review_litigation",
                        [(group, p, 1, row[p]) for p in parts] + [(group, "total", -1, row["total"])],
                    ),
                )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [
        ApplicationsBalance,
        ApplicationsOutcomeTotal,
        ApplicationsRowTotal,
        ReviewLitigationTotal,
    ]
