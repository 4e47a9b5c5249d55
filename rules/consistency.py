"""NB206: the prose must not contradict the tables (the zero-consistency rule included)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate

from nianbao.engine import (
    Category,
    CheckContext,
    Finding,
    Location,
    Msg,
    Report,
    Rule,
    Section,
    SectionKey,
    Severity,
    compact,
    hookimpl,
)
from nianbao.rules.claims import CLAIMS, HANDLED, RECEIVED, RECEIVED_AND_CARRIED, Claim, Topic, figure_of
from nianbao.rules.support import SENTENCE, NotANumber, section_location, tidy, value

# "其中…", "区政府办代表区政府受理…": the sentence states a part of the table's figure, not the whole.
_PART = re.compile(r"其中|代表|本级")
# Words that make a denial about outcomes ("未被纠错"), which the table does not count apart.
_OUTCOME_ONLY = re.compile(r"纠错|纠正|败诉|撤销|确认违法")
_MAX_SENTENCE = 400  # characters; real sentences stating a figure are far shorter
_INCLUDES_CARRIED = re.compile(r"^[（(]?(?:含|包括|其中)上一?年度?结转")
# What a clause about applications may be about: disclosure, or the organ's other work.
_DISCLOSURE = re.compile(r"信息公开|依申请|公开申请|申请公开")
_OTHER_WORK = re.compile(
    r"行政许可|许可|审批|行政复议申请|复议申请|复议案件|信访|热线|留言|来信|来访|投诉|举报|提案|建议|诉求|咨询|12345"
)
# An organ acting as a reconsideration body or a court's party in others' cases: "受理行政复议申请56件", "作为复议机关".
_AS_REVIEW_BODY = re.compile(
    r"(?:受理|办理|办结|审结|审理|收到)[^，,。；;]{0,8}?(?:行政)?(?:复议|诉讼)|复议机关|复议机构"
)
# The organ's documents counted by disclosure attribute ("依申请公开信息数182条，不予公开信息数95条"): not the year's
# applications, though the words are the table's.
_DOCUMENT_COUNT = re.compile(r"信息数|文件数|公开信息\d|[条份]信息")
# A figure of another time: "较上年的81件", "2019年以来累计", "同比".
_OTHER_TIME = re.compile(r"较上年|比上年|上年同期|同比|去年|以来|累计|历年|近[三五十]年")
_YEAR = re.compile(r"((?:19|20)\d{2})年")


class TextTableMismatch(Rule):
    """A figure stated in the prose must agree with the tables; so must a statement that there were none.

    Why: the prose and the tables are read by different people, and when they disagree neither can be
    trusted. Checked figures: applications received (本年新收 总计), carried over, handled （七）总计,
    carried forward, reconsiderations (行政复议 总计), lawsuits (both 行政诉讼 总计 together), and the
    outcomes 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理, or a stated sum such as
    予以公开及部分公开. This is also the zero-consistency rule: an all-zero report must not say it handled
    applications, and a report that says 未收到申请 or 未发生行政复议、行政诉讼 must show zeros; one that says no fee
    notice was issued (未发出收费通知, often in section 六) must not count applicants who let one lapse (表三
    （六）2. 申请人逾期未按收费通知要求缴纳费用).

    How it decides: each sentence of the prose outside the tables is searched for these statements, with
    the verb before or after the figure ("收到申请70件", "共收到70件申请", "申请共计81件", "1件结转下年度",
    "结转至2026年6件"; "答复3件" and "诉讼2件" where the word opens its clause, since inside one it is often a part:
    当场答复, 民事诉讼; Arabic or Chinese numerals with 件/个/条/宗/起/次/份). A figure about applications counts
    only where the clause or the sentence before it speaks of disclosure (信息公开, 依申请), or in section
    三, and never where the nearest subject is the organ's other work (行政许可, 审批, 信访, 热线, 留言…); a
    reconsideration or lawsuit figure is skipped where the organ itself handles reconsiderations
    ("受理行政复议申请56件") unless the sentence speaks of disclosure. A received figure may be 本年新收 or
    本年新收 + 上年结转 ("共受理749件" = 713 + 36); a 办结 figure may be （七）总计 or （七）总计 − 上年结转; a sentence
    whose subject is a part (其中, an office acting 代表 the organ, 本级) may state less than the table.
    `expected` is the table's figure, `actual` the prose's; the finding names the sentence's own line or page.
    A table figure written wrong that breaks the table's identities too is said once, in their finding
    (nianbao.engine.checking.symptoms). A 总计 left blank, or at 0 beside applicant figures (the column left unfilled,
    NB203), is read as the sum of its row's columns: what the table does show.

    Not read as this year's applications: the organ's documents counted by disclosure attribute (依申请公开信息数182
    条, 不予公开信息数95条); a figure whose clause names another year or period (2024年… in a 2025 report, 较上年的81件,
    2019年以来累计, 同比); a sentence about the organ as a reconsideration body (复议机关).

    A share stated after an outcome's figure ("予以公开19件（占48.5%）") must be that figure's share of the
    applications handled (or received): a wrong one is its own finding (key `percent`).

    Known limits: a figure split from its noun by another figure, or stated only as a percentage, is not read.

    How to fix: decide which is right, the table or the sentence, and correct the other.
    """

    id = "NB206"
    category = Category.accuracy
    name = "text-table-mismatch"
    title = "正文数字与表格不一致"
    title_en = "A figure in the text contradicts the tables"
    severity = Severity.error
    weight = 12
    messages = {
        "figure": Msg(
            "第{numeral}部分正文写“{quote}”（{actual}），但{what}为 {expected}。请核对正文与表格，改正错误的一方。",
            "Section {numeral} says '{quote}' ({actual}), but the {what_en} is {expected}. "
            "Check the text against the table and correct whichever is wrong.",
        ),
        "percent": Msg(
            "第{numeral}部分正文写“{quote}”占 {percent}%，但按表三（七）总计 {base} 件计算为 {right}%。请核对百分比。",
            "Section {numeral} says '{quote}' is {percent}%, but against table 3's total of {base} it is {right}%. "
            "Check the percentage.",
        ),
        "none": Msg(
            "第{numeral}部分正文写“{quote}”，但{what}为 {expected}。请核对正文与表格，改正错误的一方。",
            "Section {numeral} says '{quote}', but the {what_en} is {expected}. "
            "Check the text against the table and correct whichever is wrong.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        seen: set[tuple[str, float]] = set()
        for section in report.sections:
            lines = _line_of(section)
            previous = ""
            for start, sentence in _sentences(section):
                claims = list(_claims_in(sentence, section.key, report.year, previous))
                previous = sentence
                for claim, stated, quote in claims:
                    readings = _readings(claim, report)
                    if not readings:
                        continue  # the table or the row is missing, or holds text: nothing to compare
                    expected = readings[0]
                    if stated is None:  # "none"
                        if expected == 0:
                            continue
                        stated = 0
                    if stated in readings:
                        share = _share_stated(sentence, quote, claim, stated, report)
                        if share is not None:
                            yield Finding(
                                key="percent",
                                params={"numeral": section.key.numeral, "quote": quote, **share},
                                location=_where(report, section, claim, lines(start + sentence.find(quote))),
                                expected=share["right"],
                                actual=share["percent"],
                            )
                        continue
                    if (claim.what, stated) in seen:
                        continue
                    if claim.aggregate and stated < max(readings) and _PART.search(sentence[: sentence.find(quote)]):
                        continue  # a part may be smaller than the whole
                    seen.add((claim.what, stated))
                    yield Finding(
                        key="none" if claim.zero else "figure",
                        params={
                            "numeral": section.key.numeral,
                            "quote": quote,
                            "actual": stated,
                            "what": claim.what,
                            "what_en": claim.what_en,
                            "expected": tidy(expected),
                        },
                        location=_where(report, section, claim, lines(start + sentence.find(quote))),
                        expected=tidy(expected),
                        actual=stated,
                        fixes=_fixes(claim, report, stated),
                    )


# "予以公开19件（占48.5%）", "不予公开5件，占比7.6%": a share stated right after an outcome's figure.
_PERCENT = re.compile(r"^[（(，,]?(?:占|约占|占比|占总数的?|占全部申请的?|比例为?)(\d+(?:\.\d+)?)[%％]")


def _share_stated(sentence: str, quote: str, claim: Claim, stated: float, report: Report) -> dict | None:
    """A wrong share stated after an outcome's figure, as its message's parameters; None when right or none. The
    share is of the applications handled (（七）总计), or of those received, with or without 上年结转: any that gives
    the printed figure (rounded or cut to its decimals) makes it right."""
    if claim.topic != Topic.outcome:
        return None
    m = _PERCENT.match(sentence[sentence.find(quote) + len(quote) :])
    if not m:
        return None
    printed = float(m.group(1))
    decimals = len(m.group(1).partition(".")[2])
    bases = [b for b in _readings_of((HANDLED, RECEIVED, RECEIVED_AND_CARRIED), report) if b is not None and b > 0]
    if not bases:
        return None
    step = 10.0**-decimals
    for base in bases:
        exact = stated / base * 100
        if abs(exact - printed) <= step / 2 + 1e-9 or 0 <= exact - printed < step:
            return None
    right = round(stated / bases[0] * 100, max(decimals, 1))
    return {"percent": m.group(1), "base": tidy(bases[0]), "right": right}


def _where(report: Report, section: Section, claim: Claim, line: int) -> Location:
    """The sentence's place, with the table cells its figure is read from."""
    where = section_location(report, section.key.value, at=line)
    where.table = claim.metrics[0].table
    where.cells = claim.metrics[0].cells(report)
    return where


def _fixes(claim: Claim, report: Report, stated: float) -> dict[str, float] | None:
    """Each cell the figure is read from, with the value that alone would make the table agree with the prose (the
    figure the message names is always a sum of cells)."""
    metric = claim.metrics[0]
    table = report.table(metric.table)
    try:
        cells = [(row, column, value(table[row].get(column))) for row, column in metric.cells(report)]
        gap = stated - metric(report)
    except (KeyError, NotANumber):
        return None
    return {f"{metric.table}:{row}:{column}": tidy(v + gap) for row, column, v in cells if v + gap >= 0} or None


def _readings(claim: Claim, report: Report) -> list[float]:
    """The claim's readings of the tables; none when the one its message names cannot be read."""
    found = _readings_of(claim.metrics, report)
    return [r for r in found if r is not None] if found and found[0] is not None else []


def _readings_of(metrics: tuple, report: Report) -> list[float | None]:
    """Each metric read from the tables, None where its table, row or cell cannot be read."""
    found: list[float | None] = []
    for metric in metrics:
        try:
            found.append(metric(report))
        except (KeyError, NotANumber):
            found.append(None)
    return found


def _sentences(section: Section) -> Iterator[tuple[int, str]]:
    """The section's sentences (whitespace removed), each with its offset in the whole compacted text.

    A "sentence" longer than any a report writes (a page without a full stop) is read in pieces cut at commas,
    so that the work per figure stays bounded and the rule stays linear in the text."""
    for m in SENTENCE.finditer(compact(section.text)):
        text = m.group(0)
        if len(text) <= _MAX_SENTENCE:
            yield m.start(), text
            continue
        at = 0
        while at < len(text):
            window = text[at : at + _MAX_SENTENCE]
            cut = max(window.rfind("，"), window.rfind(","))
            end = cut + 1 if at + _MAX_SENTENCE < len(text) and cut > _MAX_SENTENCE // 2 else len(window)
            yield m.start() + at, window[:end]
            at += end


def _line_of(section: Section) -> Callable[[int], int]:
    """Offset in the compacted text → the 0-based line of `section.text` it falls on."""
    lines = section.text.split("\n")
    ends = list(accumulate(len(compact(line)) for line in lines))
    return lambda offset: min(bisect_right(ends, offset), len(lines) - 1)


def _clause(sentence: str, start: int) -> str:
    end = re.search(r"[，,。；;]", sentence[start:])
    return sentence[start : start + end.start()] if end else sentence[start:]


def _clause_start(sentence: str, pos: int) -> int:
    cut = max(sentence.rfind(p, 0, pos) for p in "，,；;：:")
    return cut + 1


def _in_scope(claim: Claim, sentence: str, m: re.Match[str], section: SectionKey, previous: str = "") -> bool:
    """Whether a statement is about what the tables count (see the rule's docstring). `previous` is the sentence
    before (a paragraph's heading "（二）依申请公开情况" gives the sentences under it their subject)."""
    if claim.topic == Topic.outcome:
        return True
    before = sentence[: m.end()]
    clause = sentence[_clause_start(sentence, m.start()) : m.end()]
    disclosure = bool(_DISCLOSURE.search(before) or _DISCLOSURE.search(_clause(sentence, m.start())))
    if claim.topic == Topic.review:
        return disclosure or section is SectionKey.review_litigation or not _AS_REVIEW_BODY.search(clause)
    last_other = max((o.end() for o in _OTHER_WORK.finditer(before)), default=-1)
    last_disclosure = max((d.end() for d in _DISCLOSURE.finditer(before)), default=-1)
    if last_other > last_disclosure:
        return False  # "受理行政许可申请694件，办结694件": the nearest subject is other work
    if last_other < 0 and _last(_DISCLOSURE, previous) > _last(_OTHER_WORK, previous):
        return True  # the paragraph's subject, said in the sentence before ("（二）依申请公开情况。共收到70件申请")
    return disclosure or claim.topic == Topic.carried or section is SectionKey.applications


def _last(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of `pattern` in `text` ends (-1: none)."""
    return max((m.end() for m in pattern.finditer(text)), default=-1)


_MAY_CLAIM = re.compile(r"[\d零〇一二两三四五六七八九十百千]|未|没有|无")
# Every claim's pattern holds one of these words; a sentence without any is skipped at once.
_CLAIM_WORDS = re.compile(r"申请|结转|顺延|办结|答复|办理|处理完毕|公开|提供|处理|行政复议|诉讼|收费")


def _of_another_time(sentence: str, m: re.Match[str], year: int | None) -> bool:
    """Whether the figure is of another year or period: its clause (up to the figure) names a year not the report's,
    or compares or accumulates ("较上年的81件", "2019年以来累计")."""
    clause = sentence[_clause_start(sentence, m.start()) : m.end()]
    if _OTHER_TIME.search(clause):
        return True
    years = [int(y) for y in _YEAR.findall(sentence[: m.start()])]  # not its own words: 结转至2023年5件
    return year is not None and bool(years) and years[-1] != year


def _claims_in(
    sentence: str, section: SectionKey, year: int | None = None, previous: str = ""
) -> Iterator[tuple[Claim, float | None, str]]:
    """Statements in one sentence: (claim, stated figure or None for "none", quoted text)."""
    if not (_MAY_CLAIM.search(sentence) and _CLAIM_WORDS.search(sentence)):
        return  # no figure or denial, or nothing the tables count: nothing to compare
    taken: list[tuple[int, int]] = []  # spans already read as a figure, so one figure is one statement
    for claim in CLAIMS:
        for m in claim.pattern.finditer(sentence):
            if not _in_scope(claim, sentence, m, section, previous):
                continue
            quote = m.group(0)
            if _DOCUMENT_COUNT.search(quote) or (not claim.zero and _of_another_time(sentence, m, year)):
                continue  # documents, not applications; or a figure of another year
            if claim.zero:
                if re.search(r"\d", sentence[m.end() : m.end() + 6]):
                    continue  # "未发生…行政复议，行政诉讼2件": a figure follows, not a denial
                if _OUTCOME_ONLY.search(_clause(sentence, m.start())):
                    continue  # "未发生…被行政复议纠错": denies an outcome, not the cases
                yield claim, None, quote
                continue
            stated = figure_of(m)
            if stated is None or any(a < m.end() and m.start() < b for a, b in taken if claim.topic != Topic.outcome):
                continue
            if claim.topic in (Topic.applications, Topic.carried):
                taken.append(m.span())
            if claim.metrics[0] is RECEIVED and _INCLUDES_CARRIED.match(sentence[m.end() :]):
                # The same statement, read against 新收 + 结转 only.
                with_carried = Claim(
                    claim.what.replace("本年新收 总计", "本年新收+上年结转"),
                    claim.what_en,
                    claim.pattern,
                    (RECEIVED_AND_CARRIED,),
                    claim.topic,
                )
                yield with_carried, stated, quote
                continue
            yield claim, stated, quote


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [TextTableMismatch]
