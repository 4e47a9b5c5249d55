"""Structure rules: the six sections, the title, the template, the 统计期限 sentence (the tables' shape is NB105's,
in nianbao.rules.tableshape)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.engine import Category, CheckContext, Finding, Location, Msg, Report, Rule, SectionKey, Severity, hookimpl
from nianbao.engine.text import compact
from nianbao.rules.support import section_location

ORDER = list(SectionKey)


# Without section 五 or a statistical table a report grades 合格 at best, whatever its score (spec/rules.md).
PASS = "合格"
_CAPPED = frozenset({SectionKey.problems, SectionKey.proactive, SectionKey.applications, SectionKey.review_litigation})


class SectionMissing(Rule):
    """Each of the six mandatory sections 一 to 六 must be present.

    Why: Article 50 of the Regulation and the official format (国办公开办函〔2021〕30号, and
    〔2019〕60号 before it) fix six sections: 一、总体情况; 二、主动公开政府信息情况;
    三、收到和处理政府信息公开申请情况; 四、政府信息公开行政复议、行政诉讼情况;
    五、存在的主要问题及改进情况; 六、其他需要报告的事项. A missing section is the defect supervisors
    name most after late and copied reports.

    How it decides: a heading is recognised by its words, whatever its spacing or numbering, so the common
    variants (四、政府信息公开行政复议及行政诉讼情况, 五、存在问题及改进情况) count as present.
    One finding per missing section; rules about a section's content stay silent when it is missing. Without
    section 二, 三, 四 or 五 a report grades 合格 at best, whatever its score.

    How to fix: add the section under its official heading. A section with nothing to report still
    needs its heading and a sentence (for example 六 "本年度无其他需要报告的事项").
    """

    id = "NB101"
    category = Category.completeness
    name = "section-missing"
    title = "缺少必备的六个部分之一"
    title_en = "A mandatory section is missing"
    severity = Severity.error
    weight = 15
    messages = {
        "missing": Msg(
            "缺少第{numeral}部分“{heading}”。请按年度报告格式补上该部分及其标题。",
            "Section {numeral} '{heading_en}' ({heading}) is missing. Add it under its official heading.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        for key in SectionKey:
            if not report.has_section(key):
                yield Finding(
                    key="missing",
                    params={"numeral": key.numeral, "heading": key.heading, "heading_en": key.heading_en},
                    location=Location(section=key.value),
                    ceiling=PASS if key in _CAPPED else None,
                )


class SectionOrder(Rule):
    """The six sections appear once each, in the order 一 to 六.

    Why: the official format fixes the order, and readers (and supervisors' tools) look for each section
    in its place. A section printed twice usually means a paragraph was pasted from another report.

    How it decides: the sections found, in document order; one finding per repeated section, one for the
    order when it is not 一…六.

    How to fix: put the sections in the official order and merge or delete the repeated one.
    """

    id = "NB102"
    category = Category.completeness
    name = "section-order"
    title = "各部分重复或顺序不对"
    title_en = "Sections are repeated or out of order"
    severity = Severity.warning
    weight = 5
    messages = {
        "duplicate": Msg(
            "第{numeral}部分“{heading}”出现了 {count} 次。请合并或删除重复的部分。",
            "Section {numeral} ({heading}) appears {count} times. Merge or delete the repeated one.",
        ),
        "order": Msg(
            "各部分的顺序是 {found}，应为 一、二、三、四、五、六。请按年度报告格式调整顺序。",
            "The sections come in the order {found}; it should be 一 to 六. Reorder them.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        keys = [s.key for s in report.sections]
        for key in ORDER:
            count = keys.count(key)
            if count > 1:
                yield Finding(
                    key="duplicate",
                    params={"numeral": key.numeral, "heading": key.heading, "count": count},
                    location=section_location(report, key.value),
                )
        first = list(dict.fromkeys(keys))
        if first != sorted(first, key=ORDER.index):
            yield Finding(key="order", params={"found": "、".join(k.numeral for k in first)})


_STANDARD_WORDING = "政府信息公开工作年度报告"


class Title(Rule):
    """The title names the organ and the report year, in the standard wording.

    Why: the title is how a report is filed and found: <机关全称><年份>年政府信息公开工作年度报告 (the
    year may also come first). A title without the organ or the year, or with last year's year left in
    it, is a typical sign of a report copied from the previous one.

    How it decides: the title is the first lines of the report up to 报告. The organ is what remains
    when the year and the report name are taken away. The report year is the 统计期限 year when there is
    one. Wording other than 政府信息公开工作年度报告 (for example 政务信息公开年度报告) is only a warning.

    How to fix: write the title as <机关全称><YYYY>年政府信息公开工作年度报告, with the year of the
    statistics.
    """

    id = "NB103"
    category = Category.completeness
    name = "title"
    title = "标题缺少机关名称或年份，或年份与统计年度不符"
    title_en = "The title lacks the organ or the year, or names another year"
    severity = Severity.error
    weight = 12
    messages = {
        "no_title": Msg(
            "没有找到报告标题。请在正文前写明“<机关全称><年份>年政府信息公开工作年度报告”。",
            "No title was found. Put '<organ><year>年政府信息公开工作年度报告' before the text.",
        ),
        "no_agency": Msg(
            "标题“{title}”中没有机关名称。请写明机关全称。",
            "The title '{title}' does not name the organ. Add its full name.",
        ),
        "no_year": Msg(
            "标题“{title}”中没有年份。请写明报告年度。",
            "The title '{title}' names no year. Add the report year.",
        ),
        "wrong_year": Msg(
            "标题年份（{title_year}年）与统计期限的年份（{year}年）不一致。请核对标题和统计期限。",
            "The title's year ({title_year}) differs from the year of the statistics ({year}). Check both.",
        ),
        "wording": Msg(
            "标题写作“{title}”，规范名称是“{standard}”。请按规范名称修改标题。",
            "The title reads '{title}'; the standard wording is '{standard}'. Use the standard wording.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        where = Location(section="title")
        if not report.title:
            yield Finding(key="no_title", location=where)
            return
        params = {"title": report.title, "year": report.year, "title_year": report.title_year}
        if not report.agency:
            yield Finding(key="no_agency", params=params, location=where)
        if report.title_year is None:
            yield Finding(key="no_year", params=params, location=where)
        elif report.year is not None and report.year != report.title_year:
            yield Finding(
                key="wrong_year", params=params, location=where, expected=report.year, actual=report.title_year
            )
        if _STANDARD_WORDING not in compact(report.title):
            yield Finding(
                key="wording",
                params={**params, "standard": _STANDARD_WORDING},
                location=where,
                severity=Severity.warning,
            )


class TemplateMismatch(Rule):
    """The tables follow the template of the report year: 2019 format up to 2020, 2021 format from 2021.

    Why: 国办公开办函〔2021〕30号 replaced the 2019 format from the 2021 reports on. A 2021-or-later
    report with 2019 tables (本年新制作数量, 上一年项目数量, 政府集中采购, one 其他处理 row) uses an
    outdated template; a 2019/2020 report with 2021 tables was written or rewritten later.

    How it decides: the template is read from the tables' own labels, never from the year, and compared
    with the report year (统计期限, else the title).

    How to fix: redo tables 二–四 in the format of the report year.
    """

    id = "NB104"
    category = Category.completeness
    name = "template-mismatch"
    title = "统计表格式与报告年度不符"
    title_en = "The tables' template does not match the report year"
    severity = Severity.error
    weight = 12
    messages = {
        "mismatch": Msg(
            "{year}年度报告应使用{expected}版表格格式，但表格是{actual}版格式。请按{expected}版格式重做表二至表四。",
            "A {year} report should use the {expected} table template, but its tables follow the {actual} "
            "template. Redo tables 2 to 4.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        if report.year is None or report.template is None:
            return
        expected = "2021" if report.year >= 2021 else "2019"
        if report.template != expected:
            yield Finding(
                key="mismatch",
                params={"year": report.year, "expected": expected, "actual": report.template},
                location=section_location(report, SectionKey.proactive.value),
                expected=expected,
                actual=report.template,
            )


_PERIOD = re.compile(r"统计(?:期限|时限|期间|时段|区间|周期)")
_SENTENCE_END = re.compile(r"[。；]")


def _period_sentence(text: str) -> str | None:
    """The sentence that states the statistical period: from the previous 。；or line break to the next 。；
    (found from its keyword outwards, so the search stays linear however long the text runs without a stop)."""
    m = _PERIOD.search(text)
    if m is None:
        return None
    start = max(text.rfind(p, 0, m.start()) for p in "。；\n") + 1
    end = _SENTENCE_END.search(text, m.end())
    return text[start : end.start() if end else len(text)]


_YEARS = re.compile(r"((?:19|20)\d{2})\s*年")


class PeriodStatement(Rule):
    """The report states its statistical period (统计期限), for the report year only.

    Why: the customary sentence (本报告中所列数据的统计期限自 Y 年 1 月 1 日起至 Y 年 12 月 31 日止) tells the
    reader which year the figures cover; a period naming another year is a classic leftover of copying last
    year's report.

    How it decides: the preface and the sections are searched for a sentence with 统计期限 (or 统计时限,
    统计期间); every year it names must be the report year.

    How to fix: add or correct the sentence: 本报告中所列数据的统计期限自 Y 年 1 月 1 日起至 Y 年 12 月 31 日止。
    """

    id = "NB106"
    category = Category.completeness
    name = "period-statement"
    title = "缺少统计期限说明，或统计期限年份不对"
    title_en = "No statistical-period sentence, or it names another year"
    severity = Severity.warning
    weight = 4
    messages = {
        "missing": Msg(
            "没有写明统计期限。请补充“本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止”。",
            "The statistical period is not stated. "
            "Add '本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止'.",
        ),
        "other_year": Msg(
            "统计期限“{sentence}”写的是{years}年，与报告年度{year}年不符。请改为本报告年度。",
            "The period statement '{sentence}' names {years}, not the report year {year}. Name the report year.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        texts = [("preface", report.preface)] + [(s.key.value, s.text) for s in report.sections]
        for where, text in texts:
            sentence = _period_sentence(compact(text))
            if sentence is not None:
                years = sorted({int(y) for y in _YEARS.findall(sentence)})
                if report.year is not None and years and years != [report.year]:
                    yield Finding(
                        key="other_year",
                        params={"sentence": sentence[:60], "years": "、".join(map(str, years)), "year": report.year},
                        location=Location(section=where),
                        expected=report.year,
                        actual=years,
                    )
                return
        yield Finding(key="missing", params={"year": report.year or "Y"}, location=Location(section="preface"))


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [SectionMissing, SectionOrder, Title, TemplateMismatch, PeriodStatement]
