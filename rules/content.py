"""Content rules: what sections 一 and 六 and a government's report must say (section 五: rules/problems.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.engine import Applies, Category, CheckContext, Finding, Msg, Report, Rule, SectionKey, Severity, hookimpl
from nianbao.engine.text import compact
from nianbao.rules.support import SENTENCE, prose, section_location

_NOTHING = re.compile(r"^(?:无|暂无|没有|无此项|本年度无|略)?$")


# 信息处理费, or any statement of fees charged: "未收取费用", "无向申请人收取政府信息公开费用", "不收费".
_FEES = re.compile(r"信息处理费|处理费|收取.{0,12}费|收费")


class FeesStatement(Rule):
    """From 2021 on, section 六 states the information processing fees charged (未收取 counts).

    Why: 《政府信息公开信息处理费管理办法》（国办函〔2020〕109号） lets organs charge for excessive
    applications, and reports from 2021 on state what was charged in section 六; an explicit "未收取信息处理费"
    is a statement too.

    How it decides: section 六 mentions 信息处理费, 处理费 or 收费 (any amount, or none collected).

    How to fix: add a sentence such as "本年度未收取信息处理费" or the amount collected.
    """

    id = "NB304"
    category = Category.completeness
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
    (
        "政府信息管理",
        "information management",
        ("信息管理", "三审三校", "保密审查", "公开属性", "源头认定", "清理", "动态更新", "信息发布审核", "发布审查"),
    ),
    (
        "平台建设",
        "platform building",
        ("平台", "网站", "公众号", "新媒体", "微博", "政务服务", "政府公报", "专栏", "客户端", "APP"),
    ),
    ("监督保障", "supervision and safeguards", ("监督保障", "监督", "保障", "考核", "培训", "评议")),
)
# Section titles: a sentence naming several of them lists the report's parts, it does not report on them.
_SECTION_TITLES = re.compile(r"总体情况|主动公开政府信息情况|收到和处理|行政复议|存在的主要问题|其他需要报告")
_SENTENCE = re.compile(r"[^。；;\n]+")


def _reported(text: str) -> str:
    """The sentences of `text` that report something (without those that list the sections' titles)."""
    return "".join(s for s in _SENTENCE.findall(text) if len(_SECTION_TITLES.findall(s)) < 3)


class OverviewTopics(Rule):
    """Section 一 covers the five topics of the format: 主动公开, 依申请公开, 政府信息管理, 平台建设, 监督保障.

    Why: the 2021 format (国办公开办函〔2021〕30号) names these five parts of 总体情况, and most reports give
    each its own sub-heading; leaving one out leaves out a part of the work the report must account for.

    How it decides: the five sub-headings of section 一 first; else words of each topic in its sentences
    (三审三校, 保密审查, 公开属性 count for 政府信息管理; 公众号, 新媒体, 网站 for 平台建设; 监督, 考核, 培训 for
    监督保障). A sentence that merely lists the report's section titles does not count.

    Known limits: a topic covered only in words outside these lists is reported missing.

    How to fix: add a paragraph on each missing topic.
    """

    id = "NB305"
    category = Category.completeness
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
        text = _reported(compact(section.text))
        missing = [(zh, en) for zh, en, words in _TOPICS if not any(w in text for w in (zh, *words))]
        if missing:
            yield Finding(
                key="missing",
                params={"topics": "、".join(zh for zh, _ in missing), "topics_en": ", ".join(en for _, en in missing)},
                location=section_location(report, SectionKey.overview.value),
            )


_ACCOUNTABILITY = (
    ("工作考核", "assessment", ("考核",)),
    ("社会评议", "public evaluation", ("评议", "测评", "满意度")),
    ("责任追究", "accountability", ("追究", "问责")),
)
# Wording of a result, in the sentence that names the topic (the topic's own words taken out first, so 满意度 is no
# result of itself): a grade, a score, a share, a rank, a count, or that none arose. A sentence that only plans
# ("纳入年度考核", "开展社会评议", "明确责任追究") states none.
_RESULT = re.compile(
    r"结果为|结果是|结果[:：]|等次为|得分|\d+(?:\.\d+)?分|\d+(?:\.\d+)?[%％]|排名|名列|位列|第[一二三四五六七八九十\d]+名|"
    r"优秀|良好|合格|通报表扬|通报批评|受到表扬|未发生|未出现|没有发生|未有|无一|"
    r"\d+(?:人|次|起|家|个单位|名)"
)


class GovernmentAccountability(Rule):
    """A people's government reports the results of work assessment, public evaluation and accountability.

    Why: Article 50 requires the reports of people's governments at every level (not their departments) to
    include 工作考核、社会评议和责任追究结果情况, usually under 一（五）监督保障.

    How it decides: applies to governments (人民政府, towns, sub-districts, and a 管委会/新区 reporting for its
    area; not a government's 办公厅/办公室; the profile's organ type wins). Each of 考核, 评议 (测评, 满意度) and
    追究 (问责) must appear in a sentence that states a result of it (结果为, a score, a share, a rank, 优秀/合格, a
    count, 未发生…), the topic's own words aside: "纳入年度考核", "开展社会评议", "满意度调查" announce or name, they
    state no result.

    How to fix: state the results of the assessment, the public evaluation and any accountability measures.
    """

    id = "NB306"
    category = Category.completeness
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
        text = prose(report)
        missing = [(zh, en) for zh, en, words in _ACCOUNTABILITY if not _with_result(text, words)]
        if missing:
            yield Finding(
                key="missing",
                params={"items": "、".join(zh for zh, _ in missing), "items_en": ", ".join(en for _, en in missing)},
                location=section_location(report, SectionKey.overview.value),
            )


def _with_result(text: str, words: tuple[str, ...]) -> bool:
    """Whether a sentence names the topic (one of `words`) and states a result of it."""
    for sentence in SENTENCE.findall(compact(text)):
        if any(w in sentence for w in words):
            rest = sentence
            for w in words:
                rest = rest.replace(w, "、")
            if _RESULT.search(rest):
                return True
    return False


# What section 六 reports besides fees under the 2021 format: each item, and the words that show it is reported.
_OTHER_MATTERS_ITEMS = (
    ("落实年度政务公开工作要点情况", "the year's 政务公开工作要点 carried out", re.compile(r"工作要点")),
    (
        "人大代表建议和政协提案办理结果公开情况",
        "the answers to deputies' suggestions and CPPCC proposals published",
        re.compile(r"建议.{0,12}提案|提案.{0,12}建议|建议提案|议提案"),
    ),
)


class OtherMattersItems(Rule):
    """From 2021 on, section 六 reports how the year's 政务公开工作要点 were carried out and how the answers to
    people's congress deputies' suggestions and CPPCC members' proposals were published.

    Why: the 2021 format notice lists these in section 六 beside the fees; evaluators check for them, and a report
    that leaves them out went unremarked before. None of the real reports of the corpus reports them, and the
    notice's wording is not confirmed here, so this is information (no points); an office that requires them sets
    `NB307 = "warning"` under `[severity]` in its profile.

    How it decides: section 六 (when there is one) mentions 工作要点, and 建议 with 提案. Each missing item is named
    in one finding.

    Known limits: an organ that answered no suggestion or proposal should still say so; a mention is enough here,
    its content is not judged.

    How to fix: add a sentence on each: how the year's 政务公开工作要点 were carried out, and the suggestions and
    proposals answered and published (or that there were none).
    """

    id = "NB307"
    category = Category.completeness
    name = "other-matters-items"
    title = "第六部分未报告工作要点落实或建议提案办理结果公开情况"
    title_en = "Section 6 omits the 工作要点 carried out or the suggestions and proposals answered"
    severity = Severity.info
    weight = 3
    applies = Applies(min_year=2021)
    messages = {
        "missing": Msg(
            "第六部分没有报告{items}。请按 2021 年版格式补充（没有的也请写明）。",
            "Section 6 does not report {items_en}. Add them as the 2021 format asks (say so where there were none).",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.other_matters)
        if section is None:
            return
        text = compact(section.text)
        missing = [(zh, en) for zh, en, words in _OTHER_MATTERS_ITEMS if not words.search(text)]
        if missing:
            yield Finding(
                key="missing",
                params={"items": "、".join(zh for zh, _ in missing), "items_en": "; ".join(en for _, en in missing)},
                location=section_location(report, SectionKey.other_matters.value),
            )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [
        FeesStatement,
        OverviewTopics,
        GovernmentAccountability,
        OtherMattersItems,
    ]
