"""Section 五 (存在的主要问题及改进情况), read as an evaluator reads it: is there anything, does it name concrete
problems and a measure for each, and does it account for last year's problems."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from nianbao.engine import (
    Applies,
    Category,
    CheckContext,
    Finding,
    Msg,
    Report,
    Rule,
    SectionKey,
    Severity,
    compact,
    hookimpl,
    label_key,
)
from nianbao.engine.text import IDEOGRAPH, simplified
from nianbao.rules.support import prose, section_location

# What a section 五 that says nothing writes, once its spaces and punctuation are gone: 无, /, 不涉及, 无此项内容,
# 未发现(存在)问题 … (real reports use each of these).
_NOTHING = re.compile(
    r"^(?:本年度|今年|暂)?(?:无|没有|无此项(?:内容)?|略|不涉及|无相关(?:情况|内容|问题)|"
    r"未发现(?:存在)?(?:明显|突出)?(?:的)?问题|不存在(?:明显|突出)?问题)?$"
)
# The template's own sub-headings of section 五, before a colon: "（一）存在的主要问题：无。（二）改进情况：无。"
_SUBHEADING = re.compile(
    r"^[（(]?[一二三四五六1-6]?[)）、.．]?(?:存在的?主要问题|主要问题|存在问题|改进(?:情况|措施)|整改情况)[:：]"
)


def says_nothing(text: str) -> bool:
    """Whether section 五 says nothing: empty, a word for "none" (_NOTHING), or each of its template sub-headings
    followed by one."""
    if _NOTHING.match(label_key(text).replace("/", "").replace("／", "")):
        return True
    clauses = [c for c in re.split(r"[。；;\n]", compact(text)) if c]
    return bool(clauses) and all(
        _NOTHING.match(label_key(_SUBHEADING.sub("", c)).replace("/", "").replace("／", "")) for c in clauses
    )


# Item markers: 一是 / （一） / 1. / 1、 / 第一, each opening an item of a list of problems or measures.
_ITEM = re.compile(
    r"(?:[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]{1,2}[）)]|(?<![\d.])\d{1,2}[.．、](?!\d)|第[一二三四五六七八九十][，,、])"
)
# Where the measures begin, when a report writes problems first and measures after.
_MEASURES_START = re.compile(r"改进(?:措施|情况|方向)|整改措施|下一步|今后|为此|针对(?:上述|以上|这些)")
_SHORTFALL = re.compile(
    r"不足|不够|不强|不高|不全|不深|不到位|不及时|不规范|不完善|不充分|不平衡|不精准|欠缺|薄弱|偏少|偏低|偏弱|较少|较弱|"
    r"单一|滞后|有待|仍需|亟需|亟待|需要进一步|需进一步|短板|差距|尚未|还不|缺乏|缺少|"
    r"错误|差错|失误|泄露|未打码|未脱敏|不严"
)
_MEASURE = re.compile(
    r"下一步|将|加强|推进|推动|提升|提高|完善|健全|强化|持续|进一步|建立|优化|拓展|加大|落实|整改|改进|规范|丰富|深化|"
    r"做好|开展|加快|探索|坚持|严格|确保|组织|调整|建设|扩大|增强|增加|梳理|修订|制定|畅通|拓宽"
)
# Phrases that circulate unchanged between reports and name nothing specific.
_GENERIC = re.compile(
    r"认识不深|认识不到位|认识不足|重视不够|重视程度不够|重视程度有待|培训不足|教育培训不足|培训力度不够|意识有待|意识不强|"
    r"深度和广度|广度和深度|学习宣传力度不够|宣传力度不够|宣传不够|业务水平有待|业务能力有待|专业化水平不高|人员变动|兼职|"
    r"力量薄弱|工作力量|水平有待提高|仍有差距|存在一定差距|与群众期盼|与上级要求"
)
# What a concrete problem names: a part of the disclosure work.
_CONCRETE = re.compile(
    r"依申请|答复|申请|栏目|专栏|解读|目录|指南|新媒体|公众号|微博|平台|网站|页面|链接|检索|发布|更新|时效|决策|意见征集|"
    r"规范性文件|政策文件|政策|公报|数据|重点领域|基层|标准化|档案|保密审查|审查|互动|回应|留言|无障碍|年报|统计|"
    # what was published wrong: private data left unmasked, wording and typing errors, dead links
    r"个人信息|隐私|打码|脱敏|敏感信息|泄露|政治用语|错别字|断字|错字|差错|死链|附件"
)


@dataclass(frozen=True)
class ProblemsText:
    problems: list[str]  # the items naming shortfalls
    measures: list[str]  # the items or clauses naming measures
    whole: str


def _items(text: str) -> list[str]:
    """The items of a list (一是…, （一）…), else its sentences; a heading alone ("（二）改进措施") is no item."""
    marks = [m.start() for m in _ITEM.finditer(text)]
    listed = [text[a:b] for a, b in pairwise([0, *marks, len(text)])]
    parts = listed if len(marks) >= 2 else re.split(r"[。；;\n]", text)
    return [p for p in parts if len(IDEOGRAPH.findall(p)) >= 8]


def read_problems(report: Report) -> ProblemsText | None:
    """Section 五 split into problems and measures (with 六 when an old-style report puts the measures there)."""
    section = report.section(SectionKey.problems)
    if section is None:
        return None
    text = section.text
    six = report.section(SectionKey.other_matters)
    if six is not None and re.search(r"改进|措施|整改", six.heading) and not re.search(r"改进|措施", section.heading):
        text += "\n" + six.text
    text = simplified(compact(text))
    start = _MEASURES_START.search(text)
    head, tail = (text[: start.start()], text[start.start() :]) if start and start.start() > 0 else (text, "")
    problems = [i for i in _items(head) if _SHORTFALL.search(i)]
    if tail:  # after the problems: each clause naming an action is a measure ("提高认识，加强培训" is two)
        clauses = re.split(r"[,，;；。\n]", tail)
        measures = [c for c in clauses if len(IDEOGRAPH.findall(c)) >= 2 and _MEASURE.search(c)]
    else:  # problems and measures interleaved: an item may hold both
        measures = [i for i in _items(head) if _MEASURE.search(i)]
    return ProblemsText(problems, measures, text)


class ProblemsEmpty(Rule):
    """Section 五 (存在的主要问题及改进情况) must say something: not be empty, not just 无.

    Why: Article 50 requires the report to state the main problems of the organ's disclosure work and
    how they are being improved. Every organ has something to improve; an empty section, or one that
    says only 无 or 暂无, is treated by supervisors as a missing element.

    How it decides: the section's prose, without spaces and punctuation, is empty or says "none" in one of the
    forms real reports use (无, 暂无, /, 不涉及, 无此项内容, 未发现存在问题, 不存在问题), alone or after each of the
    template's sub-headings ("（一）存在的主要问题：无。（二）改进情况：无。"). A missing section is NB101's finding,
    not this rule's. A report with this finding grades 合格 at best, whatever its score.

    How to fix: name the concrete problems of this year's work (for example late answers, thin
    policy explanations, an outdated catalogue) and what will be done about each.
    """

    id = "NB301"
    category = Category.quality
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
        if says_nothing(section.text):
            yield Finding(
                key="nothing" if words else "empty",
                params={"text": section.text.strip()},
                location=section_location(report, SectionKey.problems.value),
                ceiling="合格",  # no section 五 worth the name: never above 合格, whatever the score
            )


class ProblemsThin(Rule):
    """Section 五 names concrete problems, and a measure for each, at some length.

    Why: Article 50 asks for the main problems *and* how they are being improved; the 2021 format notice
    asks that content "不宜泛化", and supervisors reject a section 五 that is perfunctory ("敷衍应对、浮皮潦草")
    or copied from circulating boilerplate.

    How it decides: section 五 (with 六 when an old-style report puts its measures there; traditional
    characters converted first) is split into items (一是…, （一）…, 1.…, else sentences). A problem is an
    item naming a shortfall (不足, 不够, 偏少, 单一, 滞后, 有待, 仍需…), a measure an item naming what will be done
    (下一步, 将, 加强, 完善…). Findings: fewer than 60 Chinese characters (option `min_chars`); no problem named;
    every problem a generic circulating phrase (认识不深, 重视不够, 培训不足, 学习宣传力度不够, 深度和广度…) with no
    concrete object of the disclosure work (依申请, 答复, 栏目, 解读, 目录, 新媒体, 平台…, or what was published
    wrong: 个人信息未打码, 政治用语、断字错误); no measure; or fewer measures than problems when two or more problems
    are listed. The generic finding quotes the stock phrase, or the clause naming the shortfall.

    Known limits: it reads words, not meaning: a concrete problem phrased without any shortfall word is
    missed, and a list of measures written as one sentence counts as one measure.

    How to fix: name each problem concretely (what part of the work, what fell short) and the measure planned
    for it.
    """

    id = "NB302"
    category = Category.quality
    name = "problems-thin"
    title = "“存在的主要问题及改进情况”过于单薄或泛泛而谈"
    title_en = "Section 5 is too thin or generic"
    severity = Severity.warning
    weight = 5
    messages = {
        "short": Msg(
            "第五部分只有 {count} 个汉字（少于 {minimum} 个）。请具体写明存在的问题和改进措施。",
            "Section 5 has only {count} Chinese characters (fewer than {minimum}). Describe the problems and "
            "measures concretely.",
        ),
        "no_problem": Msg(
            "第五部分没有写明存在什么具体问题（未见“不足、不够、偏少、有待”等说明短板的表述）。请逐条写明问题。",
            "Section 5 names no concrete problem (no shortfall such as 不足, 不够, 偏少, 有待). List the problems.",
        ),
        "generic": Msg(
            "第五部分所列问题都是泛泛的套话（如“{example}”），没有指出具体哪项公开工作存在不足。"
            "请写明具体问题（如依申请答复、政策解读、栏目更新等方面）。",
            "Section 5 lists only generic stock phrases (such as '{example}') and names no specific part of the "
            "disclosure work. Name the concrete problems.",
        ),
        "no_measure": Msg(
            "第五部分没有写明改进措施（未见“改进、下一步、措施、加强”等表述）。请针对所列问题写明具体改进措施。",
            "Section 5 names no improvement measure (no word such as 改进, 下一步, 措施, 加强). "
            "Name a concrete measure for each problem listed.",
        ),
        "fewer_measures": Msg(
            "第五部分列出 {problems} 个问题，但只有 {measures} 条改进措施。请针对每个问题写明改进措施。",
            "Section 5 lists {problems} problems but only {measures} measure(s). Give a measure for each problem.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.problems)
        read = read_problems(report)
        if section is None or read is None or says_nothing(section.text):
            return  # missing: NB101; empty: NB301
        where = section_location(report, SectionKey.problems.value)
        minimum = int(context.options.get("min_chars", 60))
        count = len(IDEOGRAPH.findall(read.whole))
        if count < minimum:
            yield Finding(key="short", params={"count": count, "minimum": minimum}, location=where)
        if not read.problems:
            yield Finding(key="no_problem", location=where)
        elif all(_GENERIC.search(p) and not _CONCRETE.search(p) for p in read.problems) or not any(
            _CONCRETE.search(p) for p in read.problems
        ):
            example = next((m.group(0) for p in read.problems if (m := _GENERIC.search(p))), None)
            example = example or _shortfall_clause(read.problems[0])
            yield Finding(key="generic", params={"example": example}, location=where)
        if not _MEASURE.search(read.whole):
            yield Finding(key="no_measure", location=where)
        elif len(read.problems) >= 2 and len(read.measures) < len(read.problems):
            params = {"problems": len(read.problems), "measures": len(read.measures)}
            yield Finding(key="fewer_measures", params=params, location=where)


def _shortfall_clause(problem: str) -> str:
    """The clause of a problem that names its shortfall ("业务水平有待提高"), not the preamble before it."""
    clauses = [c for c in re.split(r"[，,；;。]", problem) if c.strip()]
    found = next((c for c in clauses if _SHORTFALL.search(c)), clauses[0] if clauses else problem)
    return found.strip()[:30]


# A sentence accounting for last year's problems (what NB303 looks for).
LAST_YEAR = re.compile(
    r"(上一?年度?|去年|以往|往年|前一年|\d{4}年(?:度)?(?:工作中)?存在)[^。；]{0,40}?(整改|改进|落实|解决)"
    r"|(整改|改进)[^。；]{0,30}?(上一?年度?|去年)"
)
_FOUNDED = re.compile(
    r"(?:新组建|新成立|组建成立|挂牌成立|正式成立|于\d{4}年\d{1,2}月(?:\d{1,2}日)?(?:挂牌)?(?:成立|组建))"
)
# Said of the present, so no year is needed: "我局处于成立之初", "组建初期", "刚刚成立".
_JUST_FOUNDED = re.compile(r"(?:成立|组建|设立)(?:之初|初期)|(?:刚刚?|新近)(?:成立|组建|设立)|初创阶段")


class ProblemsNoRectification(Rule):
    """From 2021 on, the report says how last year's problems were rectified.

    Why: reports are expected to account for the problems named in the previous year's report, not only list
    this year's; some reviewers check it, and it shows the report was not copied forward unchanged. Its basis in
    the 2021 format notice is not confirmed, so it is information, not a warning.

    How it decides: anywhere in the report, a sentence naming last year (上一年度, 上年度, 去年, 以往, or
    "2024年工作中存在…") together with 整改, 改进, 落实 or 解决. Silent for an organ founded in the report year
    (新组建, 于…成立) or that says it is just founded (处于成立之初, 组建初期), which has no last year to account for.

    How to fix: add a paragraph on how the problems named in last year's report were rectified.
    """

    id = "NB303"
    category = Category.quality
    name = "problems-no-rectification"
    title = "未说明上一年度问题的整改情况"
    title_en = "The report says nothing of rectifying last year's problems"
    severity = Severity.info
    weight = 2
    applies = Applies(min_year=2021)
    messages = {
        "missing": Msg(
            "报告没有说明上一年度报告所列问题的整改情况。可在第五部分补充整改落实情况。",
            "The report does not say how the problems named in last year's report were rectified. Consider "
            "adding it to section 5.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        if rectification_unaccounted(report):
            yield Finding(key="missing", location=section_location(report, SectionKey.problems.value))


def rectification_unaccounted(report: Report) -> bool:
    """NB303's decision, which NB506 completes with last year's list: the report has a section 五 worth the name,
    says nowhere how last year's problems were rectified, and is not from an organ founded in the report year."""
    section = report.section(SectionKey.problems)
    if section is None or says_nothing(section.text):
        return False
    text = simplified(prose(report))
    if LAST_YEAR.search(text) or _JUST_FOUNDED.search(text):
        return False
    founded = _FOUNDED.search(text)
    return not (
        founded and (report.year is None or str(report.year) in text[max(0, founded.start() - 12) : founded.end()])
    )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [ProblemsEmpty, ProblemsThin, ProblemsNoRectification]
