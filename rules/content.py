"""Content rules: what the prose sections must say."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine import CheckContext, Finding, Msg, Report, Rule, SectionKey, Severity, hookimpl
from engine.rule import Applies
from engine.text import compact, label_key
from rules.support import section_location

_NOTHING = re.compile(r"^(?:无|暂无|没有|无此项|本年度无|略)?$")


class ProblemsEmpty(Rule):
    """Section 五 (存在的主要问题及改进情况) must say something: not be empty, not just 无.

    Why: Article 50 requires the report to state the main problems of the organ's disclosure work and
    how they are being improved. Every organ has something to improve; an empty section, or one that
    says only 无 or 暂无, is treated by supervisors as a missing element.

    How it decides: the section's prose, without spaces and punctuation, is empty or is one of
    无 / 暂无 / 没有 / 无此项. A missing section is NB101's finding, not this rule's.

    How to fix: name the concrete problems of this year's work (for example late answers, thin
    policy explanations, an outdated catalogue) and what will be done about each.
    """

    id = "NB301"
    name = "problems-empty"
    title = "“存在的主要问题及改进情况”为空或只写“无”"
    title_en = "Section 5 (problems and improvements) is empty or says only 'none'"
    severity = Severity.error
    weight = 12
    messages = {
        "empty": Msg(
            "第五部分“存在的主要问题及改进情况”没有内容。请写明本年度工作存在的主要问题和改进措施。",
            "Section 5 (main problems and improvements) is empty. State this year's main problems "
            "and the measures taken.",
        ),
        "nothing": Msg(
            "第五部分“存在的主要问题及改进情况”只写了“{text}”。请写明本年度工作存在的主要问题和改进措施。",
            "Section 5 (main problems and improvements) only says '{text}'. State this year's main "
            "problems and the measures taken.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.problems)
        if section is None:
            return
        words = label_key(section.text)
        if _NOTHING.match(words):
            yield Finding(
                key="nothing" if words else "empty",
                params={"text": section.text.strip()},
                location=section_location(report, SectionKey.problems.value),
            )


_CJK = re.compile(r"[\u4e00-\u9fff]")
_PROBLEM_WORDS = ("问题", "不足", "短板", "薄弱", "有待", "差距", "不够")
_MEASURE_WORDS = ("改进", "下一步", "措施", "将", "加强", "整改", "提升")


class ProblemsThin(Rule):
    """Section 五 names concrete problems and what will be done about them, at some length.

    Why: Article 50 asks for the main problems *and* how they are being improved. A couple of lines, or
    a list of measures with no problem named (or the reverse), is the most common weakness reviewers note
    ("内容雷同、敷衍塞责").

    How it decides: fewer than 60 Chinese characters, or no problem word (问题/不足/短板/薄弱/有待/差距/不够),
    or no improvement word (改进/下一步/措施/将/加强/整改/提升). The threshold is the profile option
    `min_chars` ([options.NB302]).

    How to fix: describe each problem concretely and the measure planned for it.
    """

    id = "NB302"
    name = "problems-thin"
    title = "“存在的主要问题及改进情况”过于单薄"
    title_en = "Section 5 is too thin"
    severity = Severity.warning
    weight = 5
    messages = {
        "short": Msg(
            "第五部分只有 {count} 个汉字（少于 {minimum} 个）。请具体写明存在的问题和改进措施。",
            "Section 5 has only {count} Chinese characters (fewer than {minimum}). Describe the problems and "
            "measures concretely.",
        ),
        "no_problem": Msg(
            "第五部分没有写明存在什么问题（未见“问题、不足、短板”等表述）。",
            "Section 5 names no problem (no word such as 问题, 不足, 短板).",
        ),
        "no_measure": Msg(
            "第五部分没有写明改进措施（未见“改进、下一步、措施、加强”等表述）。",
            "Section 5 names no improvement measure (no word such as 改进, 下一步, 措施, 加强).",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.problems)
        if section is None or _NOTHING.match(label_key(section.text)):
            return  # missing: NB101; empty: NB301
        where = section_location(report, SectionKey.problems.value)
        minimum = int(context.options.get("min_chars", 60))
        count = len(_CJK.findall(section.text))
        if count < minimum:
            yield Finding(key="short", params={"count": count, "minimum": minimum}, location=where)
        if not any(w in section.text for w in _PROBLEM_WORDS):
            yield Finding(key="no_problem", location=where)
        if not any(w in section.text for w in _MEASURE_WORDS):
            yield Finding(key="no_measure", location=where)


_LAST_YEAR = re.compile(
    r"(上一?年度?|去年|以往|往年|前一年)[^。；]{0,40}?(整改|改进|落实|解决)|(整改|改进)[^。；]{0,30}?(上一?年度?|去年)"
)


class ProblemsNoRectification(Rule):
    """From 2021 on, section 五 also says how last year's problems were rectified.

    Why: reports are expected to account for the problems named in the previous year's report, not only
    list this year's; reviewers check it (and it shows the report was not copied forward unchanged).

    How it decides: a sentence in section 五 that names last year (上一年度, 上年度, 去年, 以往) together
    with 整改, 改进, 落实 or 解决.

    How to fix: add a paragraph on how the problems named in last year's report were rectified.
    """

    id = "NB303"
    name = "problems-no-rectification"
    title = "未说明上一年度问题的整改情况"
    title_en = "Section 5 says nothing of rectifying last year's problems"
    severity = Severity.warning
    weight = 4
    applies = Applies(min_year=2021)
    messages = {
        "missing": Msg(
            "第五部分没有说明上一年度报告所列问题的整改情况。请补充整改落实情况。",
            "Section 5 does not say how the problems named in last year's report were rectified. Add it.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.problems)
        if section is None or _NOTHING.match(label_key(section.text)):
            return
        if not _LAST_YEAR.search(compact(section.text)):
            yield Finding(key="missing", location=section_location(report, SectionKey.problems.value))


_FEES = re.compile(r"信息处理费|处理费|收取费用|收费")


class FeesStatement(Rule):
    """From 2021 on, section 六 states the information processing fees charged (未收取 counts).

    Why: 《政府信息公开信息处理费管理办法》（国办函〔2020〕109号） lets organs charge for excessive
    applications, and reports from 2021 on state what was charged in section 六; an explicit "未收取信息处理费"
    is a statement too.

    How it decides: section 六 mentions 信息处理费, 处理费 or 收费 (any amount, or none collected).

    How to fix: add a sentence such as "本年度未收取信息处理费" or the amount collected.
    """

    id = "NB304"
    name = "fees-statement"
    title = "第六部分未说明信息处理费收取情况"
    title_en = "Section 6 does not state the information processing fees"
    severity = Severity.warning
    weight = 4
    applies = Applies(min_year=2021)
    messages = {
        "missing": Msg(
            "第六部分没有说明信息处理费的收取情况。请补充，例如“本年度未收取信息处理费”。",
            "Section 6 does not state the information processing fees. Add, e.g., '本年度未收取信息处理费'.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.other_matters)
        if section is not None and not _FEES.search(compact(section.text)):
            yield Finding(key="missing", location=section_location(report, SectionKey.other_matters.value))


_TOPICS = (
    ("主动公开", "proactive disclosure", ("主动公开",)),
    ("依申请公开", "disclosure on request", ("依申请公开", "依申请", "公开申请")),
    ("政府信息管理", "information management", ("信息管理", "政府信息管理")),
    ("平台建设", "platform building", ("平台建设", "平台", "网站")),
    ("监督保障", "supervision and safeguards", ("监督保障", "监督", "保障")),
)


class OverviewTopics(Rule):
    """Section 一 covers the five topics of the format: 主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障.

    Why: the 2021 format (国办公开办函〔2021〕30号) names these five parts of 总体情况, and most reports give
    each its own sub-heading; leaving one out leaves out a part of the work the report must account for.

    How it decides: keywords of each topic in section 一 (平台 or 网站 count for 平台建设, 监督 or 保障 for 监督保障).

    How to fix: add a paragraph on each missing topic.
    """

    id = "NB305"
    name = "overview-topics"
    title = "总体情况未涵盖五个方面"
    title_en = "Section 1 does not cover the five topics"
    severity = Severity.warning
    weight = 4
    messages = {
        "missing": Msg(
            "第一部分“总体情况”没有写到：{topics}。请补充这些方面的情况。",
            "Section 1 does not cover: {topics_en}. Add these topics.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.overview)
        if section is None:
            return
        text = compact(section.text)
        missing = [(zh, en) for zh, en, words in _TOPICS if not any(w in text for w in words)]
        if missing:
            yield Finding(
                key="missing",
                params={"topics": "、".join(zh for zh, _ in missing), "topics_en": ", ".join(en for _, en in missing)},
                location=section_location(report, SectionKey.overview.value),
            )


_ACCOUNTABILITY = (
    ("工作考核", "assessment", ("考核",)),
    ("社会评议", "public evaluation", ("评议",)),
    ("责任追究", "accountability", ("追究", "问责")),
)


class GovernmentAccountability(Rule):
    """A people's government reports the results of work assessment, public evaluation and accountability.

    Why: Article 50 requires the reports of people's governments at every level (not their departments) to
    include 工作考核、社会评议和责任追究结果情况, usually under 一（五）监督保障.

    How it decides: applies to governments (人民政府, towns, sub-districts; the profile's organ type wins);
    looks for 考核, 评议 and 追究 (or 问责) anywhere in the report.

    How to fix: state the results of the assessment, the public evaluation and any accountability measures.
    """

    id = "NB306"
    name = "government-accountability"
    title = "政府年报未报告考核、评议和责任追究结果"
    title_en = "A government's report omits assessment, evaluation and accountability results"
    severity = Severity.info
    weight = 2
    applies = Applies(governments_only=True)
    messages = {
        "missing": Msg(
            "人民政府的年度报告应报告工作考核、社会评议和责任追究结果，本报告没有写到：{items}。"
            "请在“监督保障”部分补充。",
            "A people's government's report should give the results of assessment, public evaluation and "
            "accountability; this one omits: {items_en}.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        text = compact(report.preface + "".join(s.text for s in report.sections))
        missing = [(zh, en) for zh, en, words in _ACCOUNTABILITY if not any(w in text for w in words)]
        if missing:
            yield Finding(
                key="missing",
                params={"items": "、".join(zh for zh, _ in missing), "items_en": ", ".join(en for _, en in missing)},
                location=section_location(report, SectionKey.overview.value),
            )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [
        ProblemsEmpty,
        ProblemsThin,
        ProblemsNoRectification,
        FeesStatement,
        OverviewTopics,
        GovernmentAccountability,
    ]
