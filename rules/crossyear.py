"""Rules that compare a report with the same organ's report for the year before (in the batch, or given as history):
how much of the prose is repeated, whether the tables changed at all, and whether section 五 is last year's again.

Evaluators deduct for all three: 宿迁 "与上年度重复率大于50%的，扣分"; 泉州鲤城 "年度报告与往年…雷同扣5分"; a
统计局 report found "一字不差" from two years before, its tables "数据完全一样" for three years.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from nianbao.engine import (
    Category,
    Cell,
    CheckContext,
    CrossReportRule,
    Finding,
    Msg,
    Report,
    SectionKey,
    Severity,
    hookimpl,
)
from nianbao.rules.nearcopy import chinese, shingles
from nianbao.rules.problems import ProblemsText, read_problems, rectification_unaccounted
from nianbao.rules.support import SENTENCE, NotANumber, place, value
from nianbao.rules.years import previous, previous_reports

PROSE = (SectionKey.overview, SectionKey.problems, SectionKey.other_matters)
MIN_CHARS = 200  # a shorter text says too little to call it repeated
SENTENCE_SHARE = 0.8  # a sentence is repeated when this share of its pieces is in last year's text


# Sentences the official template has every organ write every year, the same but for the year and the organ: the
# preface's basis, statistical period and contact line, and 六's lines on fees, 工作要点 and 建议提案. Repeating them
# is following the template, not copying last year: they are left out before the repeat rate is measured.
_FIXED = re.compile(
    r"根据.{0,30}(?:条例|通知|要求).{0,30}编制"
    r"|统计期限|统计期间|数据统计.{0,10}自"
    r"|如对本?报告.{0,10}(?:疑问|意见|建议)|(?:电子版|全文).{0,20}(?:下载|查阅)"
    r"|未收取.{0,10}(?:信息处理费|费用)|无其他需要报告的事项"
    r"|工作要点.{0,12}落实|落实.{0,20}工作要点|建议.{0,12}提案.{0,20}公开"
)


def _unfixed(text: str) -> str:
    """The text without the template's fixed sentences."""
    return "。".join(m.group(0) for m in SENTENCE.finditer(text or "") if not _FIXED.search(m.group(0)))


def _prose(report: Report) -> list[tuple[str, str]]:
    """(where, text) of the preface and sections 一, 五 and 六, without the template's fixed sentences."""
    parts = [("preface", _unfixed(report.preface or ""))]
    parts += [(key.value, _unfixed(section.text)) for key in PROSE if (section := report.section(key)) is not None]
    return parts


class RepeatRate(CrossReportRule):
    """This year's prose is not largely last year's (重复率).

    What it checks: the share of this year's preface and sections 一, 五 and 六 (cut into five-character pieces of
    their Chinese, the organ's own name left out) that is found in the same organ's report for the year before. The
    sentences the template has every organ write every year (the preface's basis, statistical period and contact
    line; 六's "no fees charged") are left out first: writing them again is following the template.

    Why: evaluators deduct for a report that repeats last year's (宿迁: 与上年度重复率大于50%的扣分); a report
    written anew each year is the point of reporting each year.

    How it decides: when last year's report of the same organ is in the batch or the history, and this year's
    prose has at least 200 Chinese characters; over 50 % (profile option `threshold`, a share between 0 and 1) is
    a warning, listing the sentences found (almost) whole in last year's report.

    How to fix: write the report from this year's work; keep only the fixed phrases the template requires.
    """

    id = "NB504"
    category = Category.copying
    name = "repeat-rate"
    title = "与上一年度报告重复率过高"
    title_en = "Much of the prose repeats last year's report"
    severity = Severity.error
    weight = 12
    messages = {
        "repeated": Msg(
            "本年度报告正文（前言及第一、五、六部分）有 {percent}% 的内容与{year}年度报告相同，"
            "其中 {count} 句几乎一字不差，如：“{examples}”。请根据本年度工作实际重新撰写。",
            "{percent}% of this year's prose (preface, sections 1, 5 and 6) is found in the {year} report; "
            "{count} sentence(s) are almost word for word the same, e.g. '{examples}'. Write it from this year's work.",
        )
    }

    def digest(self, report: Report, context: CheckContext) -> tuple[str | None, list[tuple[str, str]]]:
        return report.agency, _prose(report)

    def applicable(self, reports: Sequence[Any], context: CheckContext) -> list[bool]:
        before = previous(reports, context)
        return [i in before for i in range(len(reports))]

    def check_reports(self, reports: Sequence[Any], context: CheckContext) -> Iterator[tuple[int, Finding]]:
        threshold = float(context.options.get("threshold", 0.5))
        for i, (their_agency, their_prose), who in previous_reports(reports, context):
            agency, parts = reports[i]
            chars = "".join(chinese(t, agency) for _, t in parts)
            if len(chars) < MIN_CHARS:
                continue
            mine = shingles(chars)
            theirs = shingles("".join(chinese(t, their_agency) for _, t in their_prose))
            share = len(mine & theirs) / len(mine) if mine else 0.0
            if share <= threshold:
                continue
            repeated = list(self._repeated(agency, parts, theirs))
            where = max(PROSE, key=lambda k: sum(1 for w, _ in repeated if w == k.value))
            yield (
                i,
                Finding(
                    key="repeated",
                    params={
                        "percent": round(share * 100),
                        "year": who.year or "?",
                        "count": len(repeated),
                        "examples": "”“".join(s[:40] for _, s in repeated[:3]),
                        "sentences": [s for _, s in repeated],
                        "source": who.file,
                    },
                    location=place(where.value),
                    expected=threshold,
                    actual=round(share, 3),
                ),
            )

    @staticmethod
    def _repeated(
        agency: str | None, parts: list[tuple[str, str]], theirs: frozenset[str]
    ) -> Iterator[tuple[str, str]]:
        for where, text in parts:
            for m in SENTENCE.finditer(text):
                pieces = shingles(chinese(m.group(0), agency))
                if len(pieces) >= 8 and len(pieces & theirs) >= SENTENCE_SHARE * len(pieces):
                    yield where, m.group(0).strip()


# Cells that count what happened in the year (not what stands at its end): table 二's issued, repealed, decisions,
# fees and procurement, and every cell of tables 三 and 四.
_FLOW_COLUMNS = frozenset({"issued", "repealed", "decisions", "amount", "count", "new_made", "new_published", "change"})


# What stands at the start and the end of the year: carried over from the year before, and carried forward.
_STOCK_ROWS = frozenset({"carried_over", "carried_forward"})


def _flows(report: Report) -> Iterator[tuple[tuple[str, str, str], Cell]]:
    for table in ("applications", "review_litigation", "proactive"):
        for row, columns in report.table(table).items():
            if table == "applications" and row in _STOCK_ROWS:
                continue
            for column, cell in columns.items():
                if table != "proactive" or column in _FLOW_COLUMNS:
                    yield (table, row, column), cell


def _unchanged(
    now: list[tuple[tuple[str, str, str], Cell]], then: list[tuple[tuple[str, str, str], Cell]]
) -> tuple[int, list[tuple[str, str, str]]] | None:
    """How many flow cells the two reports share and which are not zero, when every shared one is equal; None at
    the first that differs (most pairs differ in their first figures, so this stops early)."""
    before = dict(then)
    shared, nonzero = 0, []
    for key, cell in now:
        if key not in before:
            continue
        try:
            a, b = value(cell), value(before[key])
        except NotANumber:
            continue
        if a != b:
            return None
        shared += 1
        if a != 0:
            nonzero.append(key)
    return shared, nonzero


class TablesUnchanged(CrossReportRule):
    """The year's figures are not last year's copied.

    What it checks: every flow cell — table 二's 制发/废止, 处理决定 and fees, table 三 but for 上年结转 and
    结转下年度 (stocks, which move from one year to the next), and table 四 — against the same organ's report for the
    year before.

    Why: a year's applications, decisions and lawsuits are never all exactly last year's; when every figure is the
    same, the tables were copied (a 统计局's tables were found "数据完全一样" three years running).

    How it decides: when last year's report is known, at least 20 flow cells are present in both, all are equal,
    and at least 3 of them are not zero (an organ with no applications two years running is not copying).

    How to fix: fill the tables from this year's records.
    """

    id = "NB505"
    category = Category.copying
    name = "tables-unchanged"
    title = "统计表数据与上一年度完全相同"
    title_en = "The tables repeat last year's figures exactly"
    severity = Severity.error
    weight = 12
    messages = {
        "same": Msg(
            "表二、表三、表四的 {count} 个本年度数据（其中 {nonzero} 个不为 0）与{year}年度报告完全相同。"
            "请按本年度实际统计数据填写。",
            "All {count} figures of the year in tables 2, 3 and 4 ({nonzero} of them not 0) are exactly those of the "
            "{year} report. Fill the tables from this year's records.",
        )
    }
    MIN_CELLS = 20
    MIN_NONZERO = 3

    def digest(self, report: Report, context: CheckContext) -> list[tuple[tuple[str, str, str], Cell]]:
        return list(_flows(report))

    def applicable(self, reports: Sequence[Any], context: CheckContext) -> list[bool]:
        before = previous(reports, context)
        return [i in before for i in range(len(reports))]

    def check_reports(self, reports: Sequence[Any], context: CheckContext) -> Iterator[tuple[int, Finding]]:
        for i, last, who in previous_reports(reports, context):
            found = _unchanged(reports[i], last)
            if found is None:
                continue
            shared, nonzero = found
            if shared < self.MIN_CELLS or len(nonzero) < self.MIN_NONZERO:
                continue
            cells = sorted((row, column) for table, row, column in nonzero if table == "applications")
            yield (
                i,
                Finding(
                    key="same",
                    params={"count": shared, "nonzero": len(nonzero), "year": who.year or "?"},
                    location=place("applications", cells=cells),
                    expected="changed",
                    actual="unchanged",
                ),
            )


class ProblemsCarriedForward(CrossReportRule):
    """Section 五 is this year's: its measures are not last year's word for word, and last year's problems that
    reappear are named.

    What it checks: each measure of this year's section 五 against last year's section 五 of the same organ; and each
    problem last year's section 五 named against this year's.

    Why: section 五 is where an organ says what it will do about its shortfalls; measures copied from last year mean
    nothing was looked at again (evaluators deduct for it), and a problem named two years running is worth seeing
    (it may be honest, or last year's measures did not work).

    How it decides: a measure of ten or more Chinese characters that appears whole in last year's section 五 is
    copied (a warning listing them); a problem of last year whose five-character pieces are 80 % or more in this
    year's section 五 reappears (an info listing them); and when this year's report nowhere says how last year's
    problems were rectified (NB303), last year's problems are listed (an info: NB303's evidence).

    How to fix: write this year's measures for this year's problems, and say what became of last year's.
    """

    id = "NB506"
    category = Category.copying
    name = "problems-carried-forward"
    title = "第五部分照搬上一年度的问题与改进措施"
    title_en = "Section 5 carries last year's problems and measures forward"
    severity = Severity.warning
    weight = 4
    messages = {
        "copied": Msg(
            "第五部分有 {count} 条改进措施与{year}年度报告一字不差，如：“{examples}”。请结合本年度问题提出新的措施。",
            "{count} measure(s) in section 5 are word for word those of the {year} report, e.g. '{examples}'. "
            "Set measures for this year's problems.",
        ),
        "unaccounted": Msg(
            "本年度报告未说明上一年度问题的整改情况；{year}年度报告第五部分列出的问题有 {count} 个，如：“{examples}”。"
            "请逐项说明整改结果。",
            "This year's report does not say how last year's problems were rectified; section 5 of the {year} report "
            "named {count}, e.g. '{examples}'. Say what became of each.",
        ),
        "reappear": Msg(
            "{year}年度报告第五部分所列的 {count} 个问题本年度再次出现，如：“{examples}”。"
            "请说明上年整改情况及问题反复的原因。",
            "{count} problem(s) named in section 5 of the {year} report appear again this year, e.g. '{examples}'. "
            "Say what became of last year's rectification and why the problem persists.",
        ),
    }
    MIN_MEASURE = 10

    def digest(self, report: Report, context: CheckContext) -> tuple[ProblemsText | None, bool]:
        return read_problems(report), rectification_unaccounted(report)

    def applicable(self, reports: Sequence[Any], context: CheckContext) -> list[bool]:
        before = previous(reports, context)
        return [i in before for i in range(len(reports))]

    def check_reports(self, reports: Sequence[Any], context: CheckContext) -> Iterator[tuple[int, Finding]]:
        for i, (then, _), who in previous_reports(reports, context):
            now, unaccounted = reports[i]
            if now is None or then is None:
                continue
            year = who.year or "?"
            copied = [m for m in now.measures if len(chinese(m)) >= self.MIN_MEASURE and m in then.whole]
            if copied:
                yield i, self._finding("copied", copied, year, Severity.warning)
            present = shingles(chinese(now.whole))
            again = [
                p
                for p in then.problems
                if (pieces := shingles(chinese(p))) and len(pieces & present) >= 0.8 * len(pieces)
            ]
            if again:
                yield i, self._finding("reappear", again, year, Severity.info)
            # NB303's evidence: the report does not account for last year's problems, and here they are.
            if then.problems and unaccounted:
                yield i, self._finding("unaccounted", then.problems, year, Severity.info)

    @staticmethod
    def _finding(key: str, items: list[str], year: object, severity: Severity) -> Finding:
        return Finding(
            key=key,
            params={
                "count": len(items),
                "year": year,
                "examples": "”“".join(t[:40] for t in items[:3]),
                "items": items,
            },
            location=place(SectionKey.problems.value),
            severity=severity,
            actual=len(items),
        )


@hookimpl
def nianbao_cross_report_rules() -> list[type[CrossReportRule]]:
    return [RepeatRate, TablesUnchanged, ProblemsCarriedForward]
