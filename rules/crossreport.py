"""Rules across the reports of a batch: the same organ's previous year, and text copied between reports.

An organ's reports are matched across years by its roster name or canonical name (nianbao.rules.years) and the report
year; the previous year's report may be in the batch or among the history given with `--history`.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

from nianbao.engine import (
    Applies,
    Brief,
    Category,
    CheckContext,
    CrossReportRule,
    Finding,
    Msg,
    Report,
    SectionKey,
    Severity,
    hookimpl,
)
from nianbao.engine.groups import Groups
from nianbao.engine.template import APPLICATION_COLUMNS
from nianbao.rules.nearcopy import agreement, candidates, chinese, hashed, jaccard, shingles, signature
from nianbao.rules.support import NotANumber, place, prose, tidy, value
from nianbao.rules.years import at, briefs, organ_keys, previous, previous_reports


class CarryOverContinuity(CrossReportRule):
    """上年结转 this year equals 结转下年度继续办理 in the same organ's report for last year, column by column.

    Why: the applications carried forward at the end of one year are the applications carried over at the
    start of the next. A difference means one of the two reports is wrong (or last year's was changed after
    publication).

    How it decides: when the batch holds the same organ's report for the year before (matched by name and
    year), each column of table 三 is compared; blank cells count as 0, text cells are skipped.

    How to fix: reconcile the two figures; if last year's report was wrong, say so in section 六.
    """

    id = "NB501"
    category = Category.accuracy
    name = "carry-over-continuity"
    title = "上年结转与上一年度报告的结转下年度不一致"
    title_en = "Carried over does not match last year's carried forward"
    severity = Severity.error
    weight = 12
    messages = {
        "column": Msg(
            "表三“{column}”列：本年度“上年结转”为 {actual}，"
            "但{year}年度报告的“结转下年度继续办理”为 {expected}（{source}）。"
            "请核对两年的数字，如上年有误请在第六部分说明。",
            "Table 3, column '{column}': carried over this year is {actual}, but the {year} report carried "
            "forward {expected} ({source}).",
        )
    }

    def digest(self, report: Report, context: CheckContext) -> tuple[dict, dict]:
        table = report.applications
        return dict(table.get("carried_over", {})), dict(table.get("carried_forward", {}))

    def applicable(self, reports: Sequence[Any], context: CheckContext) -> list[bool]:
        before = previous(reports, context)
        return [i in before for i in range(len(reports))]

    def check_reports(self, reports: Sequence[Any], context: CheckContext) -> Iterator[tuple[int, Finding]]:
        for i, (_, then), who in previous_reports(reports, context):
            now = reports[i][0]
            for col in APPLICATION_COLUMNS:
                if col.key not in now or col.key not in then:
                    continue
                try:
                    actual, expected = value(now[col.key]), value(then[col.key])
                except NotANumber:
                    continue
                if actual != expected:
                    yield (
                        i,
                        Finding(
                            key="column",
                            params={
                                "column": col.label,
                                "actual": tidy(actual),
                                "expected": tidy(expected),
                                "year": who.year,
                                "source": who.file,
                            },
                            location=place("applications", "carried_over", col.key),
                            expected=tidy(expected),
                            actual=tidy(actual),
                        ),
                    )


class InForceContinuity(CrossReportRule):
    """现行有效件数 this year equals last year's plus 本年制发 minus 本年废止 (2021 template).

    Why: documents in force at the end of the year are last year's plus those issued, less those repealed.
    A difference is often a sign of copied figures; but amendments, clean-up campaigns and mergers can
    legitimately break it, so this is a warning.

    How it decides: when the batch (or the history) holds the same organ's 2021-template report for the year
    before; for 规章 and 行政规范性文件; blank cells count as 0, text cells are skipped. A report that explains a
    recount or merger of the documents in force (现行有效…调整, 合并, 重新统计) is not judged; one that speaks of a
    clean-up (清理, 核减, 失效) is excused for fewer documents in force only: a clean-up never explains more.

    How to fix: check the figures; explain a legitimate difference (清理, 合并) in section 六.
    """

    id = "NB502"
    category = Category.accuracy
    name = "in-force-continuity"
    title = "现行有效件数与上年及本年制发、废止数不衔接"
    title_en = "Documents in force do not follow from last year's"
    severity = Severity.warning
    weight = 4
    applies = Applies(templates=frozenset({"2021"}))
    messages = {
        "row": Msg(
            "表二“{row}”：上年现行有效 {before} + 本年制发 {issued} − 本年废止 {repealed} = {expected}，"
            "但本年现行有效件数为 {actual}。请核对；如因清理、合并等原因不衔接，请在第六部分说明。",
            "Table 2, '{row}': last year's {before} in force + {issued} issued − {repealed} repealed = {expected}, "
            "but {actual} are in force.",
        )
    }
    ROWS = (("regulations", "规章"), ("normative_documents", "行政规范性文件"))

    def digest(self, report: Report, context: CheckContext) -> tuple[dict, bool] | None:
        if report.template != "2021":
            return None
        rows = {row: dict(report.proactive.get(row, {})) for row, _ in self.ROWS}
        return rows, _excuse(prose(report))

    def _pairs(self, reports: Sequence[Any], context: CheckContext) -> dict[int, int]:
        who = briefs(reports, context)
        return {
            i: j
            for i, j in previous(reports, context).items()
            if who[i].template == "2021" and who[j].template == "2021"
        }

    def applicable(self, reports: Sequence[Any], context: CheckContext) -> list[bool]:
        pairs = self._pairs(reports, context)
        return [i in pairs for i in range(len(reports))]

    def check_reports(self, reports: Sequence[Any], context: CheckContext) -> Iterator[tuple[int, Finding]]:
        for i, j in self._pairs(reports, context).items():
            (now_rows, cleaned_up), (then_rows, _) = reports[i], at(reports, context, j)
            for row, label in self.ROWS:
                now, then = now_rows.get(row, {}), then_rows.get(row, {})
                try:
                    before, issued = value(then["in_force"]), value(now["issued"])
                    repealed, actual = value(now["repealed"]), value(now["in_force"])
                except (KeyError, NotANumber):
                    continue
                expected = before + issued - repealed
                excused = cleaned_up == "any" or (cleaned_up == "fewer" and actual < expected)
                if actual != expected and not excused:
                    yield (
                        i,
                        Finding(
                            key="row",
                            params={
                                "row": label,
                                "before": tidy(before),
                                "issued": tidy(issued),
                                "repealed": tidy(repealed),
                                "expected": tidy(expected),
                                "actual": tidy(actual),
                            },
                            location=place("proactive", row, "in_force"),
                            expected=tidy(expected),
                            actual=tidy(actual),
                        ),
                    )


# "开展规范性文件清理，现行有效件数相应调整": the documents in force changed for a stated reason. A clean-up (清理,
# 核减, 失效) can only explain fewer documents in force; a recount or a merger (调整, 核增, 合并, 重新统计) either way.
_CLEAN_UP = re.compile(r"清理.{0,40}?现行有效|现行有效.{0,30}?(?:清理|核减|失效)")
_RECOUNT = re.compile(r"现行有效.{0,30}?(?:调整|核增|合并|重新统计)|(?:调整|核增|合并|重新统计).{0,30}?现行有效")


def _excuse(text: str) -> str | None:
    """What the report's prose excuses: "any" difference (a recount, a merger), only "fewer" in force (a clean-up),
    or nothing."""
    if _RECOUNT.search(text):
        return "any"
    return "fewer" if _CLEAN_UP.search(text) else None


MIN_CHARS = 80
THRESHOLD = 0.8
ESTIMATE = 0.5  # signatures that agree less are not compared exactly (nianbao.rules.nearcopy)


class DuplicateText(CrossReportRule):
    """Section 一 or 五 is not a copy of the same organ's previous report or of another organ's (雷同).

    Why: reports copied from last year, or between organs, are the defect supervisors cite most
    ("内容雷同、敷衍塞责"); a copied section 五 in particular means the problems were not looked at.

    How it decides: the Chinese text of each section (the organ's own name taken out) is cut into
    five-character pieces; two sections sharing 80% or more of their pieces are near-identical. Sections
    under 80 characters are not compared. A copy from the same organ's previous year is reported on the later
    report; a copy between two organs on both. Earlier years' reports given as history (`--history`) are compared
    with as the batch's are, and never reported on. Judged only when there is another report to compare with.

    How to fix: write the section afresh from this year's work.
    """

    id = "NB503"
    category = Category.copying
    name = "duplicate-text"
    title = "内容与往年或其他机关的报告雷同"
    title_en = "A section copies last year's report or another organ's"
    severity = Severity.error
    weight = 12
    messages = {
        "copy": Msg(
            "第{numeral}部分与{other}（{year}年度，{source}）的同一部分雷同（相似度 {percent}%）。"
            "请根据本年度实际情况重写。",
            "Section {numeral} is near-identical ({percent}%) to the same section of {other}'s {year} report "
            "({source}). Rewrite it from this year's work.",
        ),
        "copies": Msg(
            "第{numeral}部分与{other}（{year}年度，{source}）等 {count} 份报告的同一部分雷同"
            "（最高相似度 {percent}%）。请根据本年度实际情况重写。",
            "Section {numeral} is near-identical ({percent}%) to the same section of {other}'s {year} report "
            "({source}) and {more} more. Rewrite it from this year's work.",
        ),
    }
    SECTIONS = (SectionKey.overview, SectionKey.problems)

    def digest(self, report: Report, context: CheckContext) -> list[str | None]:
        """Per section compared: its Chinese text, the organ's name taken out (signatures are made where they are
        compared: `hash` is stable within a process only)."""
        kept: list[str | None] = []
        for key in self.SECTIONS:
            section = report.section(key)
            long_enough = section is not None and len(chinese(section.text)) >= MIN_CHARS
            kept.append(chinese(section.text, report.agency) if section is not None and long_enough else None)
        return kept

    def applicable(self, reports: Sequence[Any], context: CheckContext) -> list[bool]:
        """Judged when there is another report to compare with: in the batch, or an earlier one in the history."""
        others = len(reports) + len(context.history) > 1
        return [others and a for a in super().applicable(reports, context)]

    def check_reports(self, reports: Sequence[Any], context: CheckContext) -> Iterator[tuple[int, Finding]]:
        organs = organ_keys(reports, context)
        who = briefs(reports, context)
        batch = len(reports)
        everyone = batch + len(context.history)  # the history's reports are compared with, never reported on
        for s, key in enumerate(self.SECTIONS):
            owners: list[int] = []
            signatures: list[bytes] = []
            pieces: list[array[int]] = []  # each text's shingles, hashed: a tenth of their size as strings
            for i in range(everyone):
                text = at(reports, context, i)[s]
                if text is not None:
                    owners.append(i)
                    pieces.append(hashed(shingles(text)))
                    signatures.append(signature(pieces[-1]))
            groups = Groups(len(owners))
            best: dict[int, tuple[float, int]] = {}  # report -> (score, the other report) of its closest copy
            last_year: set[int] = set()  # reports that reuse the same organ's earlier section
            for a, b in candidates(signatures):
                i, j = owners[a], owners[b]
                if i >= batch and j >= batch:
                    continue  # two earlier reports: not this run's to report
                if agreement(signatures[a], signatures[b]) < ESTIMATE:
                    continue  # far below THRESHOLD: boilerplate shared, not a copy
                score = jaccard(pieces[a], pieces[b])
                if score < THRESHOLD:
                    continue
                if organs[i] is not None and organs[i] == organs[j]:
                    if who[i].year == who[j].year:
                        continue  # the same report submitted twice: not a copy
                    later, earlier = (i, j) if (who[i].year or 0) > (who[j].year or 0) else (j, i)
                    last_year.add(later)
                    _keep(best, later, score, earlier)
                    continue
                groups.join(a, b)
                _keep(best, i, score, j)
                _keep(best, j, score, i)
            sizes = groups.sizes()
            for a, i in enumerate(owners):
                if i not in best or i >= batch:
                    continue
                # How many others share this text: its group of copies between organs, and last year's own.
                count = sizes[groups.find(a)] - 1 + (1 if i in last_year else 0)
                score, other = best[i]
                yield i, self._finding(who[other], key, score, count)

    @staticmethod
    def _finding(other: Brief, key: SectionKey, score: float, count: int) -> Finding:
        return Finding(
            key="copy" if count <= 1 else "copies",
            params={
                "numeral": key.numeral,
                "other": other.agency or other.file,
                "year": other.year or "?",
                "source": other.file,
                "percent": round(score * 100),
                "more": count - 1,
                "count": count,
            },
            location=place(key.value),
            expected=other.file,
            actual=round(score, 3),
        )


def _keep(best: dict[int, tuple[float, int]], target: int, score: float, other: int) -> None:
    """The closest copy: highest similarity, then the earliest report."""
    current = best.get(target)
    if current is None or (score, -other) > (current[0], -current[1]):
        best[target] = (score, other)


@hookimpl
def nianbao_cross_report_rules() -> list[type[CrossReportRule]]:
    return [CarryOverContinuity, InForceContinuity, DuplicateText]
