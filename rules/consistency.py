"""NB206: the prose must not contradict the tables (the zero-consistency rule included)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from engine import CheckContext, Finding, Msg, Report, Rule, Severity, hookimpl
from engine.model import Cell
from engine.readers.normalize import compact
from engine.template import APPLICANT_COLUMNS, OUTCOME_GROUPS, REVIEW_COLUMNS
from rules.support import NotANumber, section_location, tidy, total

NUM = r"(\d+|[零〇一二两三四五六七八九十百千]+)"
UNIT = r"(?:件|个|条|宗|起|次|份)"
GAP = r"[^，,。；;：:\d]"  # a few characters inside one clause, no figures
NOT_OUTCOME = r"(?:(?!维持|纠正|审结|结果|其中)[^，,。；;：:\d])"

_CN = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    result, digit = 0, None
    for ch in text:
        if ch in _CN:
            digit = _CN[ch]
        elif ch in _CN_UNITS:
            result += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
        else:
            return None
    return result + (digit or 0)


# --- what the prose can state, and how to read the same figure from the tables -------------------

Metric = Callable[[Report], float]


def row_total(row: dict[str, Cell], parts: tuple[str, ...]) -> float:
    """A row's 总计; when that cell is blank, the sum of its parts (what the table does show)."""
    if row.get("total") is None and any(row.get(p) is not None for p in parts):
        return total(row[p] for p in parts)
    return total([row["total"]])


_APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS)
_OUTCOMES = tuple(c.key for c in REVIEW_COLUMNS if c.key != "total")


def _cell(table: str, row: str) -> Metric:
    parts = _APPLICANTS if table == "applications" else _OUTCOMES
    return lambda r: row_total(r.table(table)[row], parts)


def _rows(*rows: str) -> Metric:
    return lambda r: sum(row_total(r.applications[row], _APPLICANTS) for row in rows)


def _group(name: str) -> Metric:
    def metric(r: Report) -> float:
        rows = [k for k in OUTCOME_GROUPS[name] if k in r.applications]
        if name == "other_subtotal" and not rows:
            rows = ["other"]
        if not rows:
            raise KeyError(name)
        return sum(row_total(r.applications[k], _APPLICANTS) for k in rows)

    return metric


def _lawsuits(r: Report) -> float:
    rl = r.review_litigation
    return sum(row_total(rl[g], _OUTCOMES) for g in ("litigation_direct", "litigation_after_review"))


@dataclass(frozen=True)
class Claim:
    what: str  # message parameter naming the figure, Chinese
    what_en: str
    pattern: re.Pattern[str]
    metric: Metric
    zero: bool = False  # the pattern states "none" rather than a figure
    aggregate: bool = False  # a whole-table figure that a qualified sentence may state a part of


def _claim(what: str, what_en: str, pattern: str, metric: Metric, zero: bool = False, aggregate: bool = False) -> Claim:
    return Claim(what, what_en, re.compile(pattern), metric, zero, aggregate)


_RECEIVED = _cell("applications", "received_new")
_REVIEWS = _cell("review_litigation", "review")

CLAIMS: tuple[Claim, ...] = (
    _claim(
        "本年新收申请（表三 本年新收 总计）",
        "applications received (table 3)",
        rf"(?:收到|受理|新收|接收|接到){GAP}{{0,16}}?申请{GAP}{{0,8}}?{NUM}{UNIT}",
        _RECEIVED,
        aggregate=True,
    ),
    _claim(
        "上年结转申请（表三 上年结转 总计）",
        "applications carried over (table 3)",
        rf"上一?年度?结转{GAP}{{0,12}}?{NUM}{UNIT}",
        _cell("applications", "carried_over"),
        aggregate=True,
    ),
    _claim(
        "结转下年度（表三 结转下年度继续办理 总计）",
        "applications carried forward (table 3)",
        rf"(?:结转|顺延)(?:至|到)?下一?年度?{GAP}{{0,10}}?{NUM}{UNIT}",
        _cell("applications", "carried_forward"),
        aggregate=True,
    ),
    _claim(
        "办理申请（表三（七）总计）",
        "applications handled (table 3, total)",
        rf"(?:办结|共答复|全部答复|依法答复|答复申请|办理完毕|处理完毕){GAP}{{0,12}}?{NUM}{UNIT}",
        _cell("applications", "total"),
        aggregate=True,
    ),
    _claim(
        "予以公开及部分公开（表三）",
        "disclosed plus partly disclosed (table 3)",
        rf"予以公开(?:及|和|与|、|或)部分公开{GAP}{{0,4}}?{NUM}{UNIT}",
        _rows("disclosed", "partially_disclosed"),
    ),
    _claim(
        "予以公开（表三）",
        "disclosed (table 3)",
        rf"予以公开(?!及|和|与|、|或){GAP}{{0,4}}?{NUM}{UNIT}",
        _rows("disclosed"),
    ),
    _claim(
        "部分公开（表三）",
        "partly disclosed (table 3)",
        rf"(?<!及|和|与|、|或)部分公开{GAP}{{0,4}}?{NUM}{UNIT}",
        _rows("partially_disclosed"),
    ),
    _claim("不予公开（表三）", "withheld (table 3)", rf"不予公开{GAP}{{0,4}}?{NUM}{UNIT}", _group("withheld")),
    _claim(
        "无法提供（表三）",
        "cannot be provided (table 3)",
        rf"无法提供{GAP}{{0,4}}?{NUM}{UNIT}",
        _group("unavailable"),
    ),
    _claim(
        "不予处理（表三）",
        "not processed (table 3)",
        rf"不予处理{GAP}{{0,4}}?{NUM}{UNIT}",
        _group("not_processed"),
    ),
    _claim(
        "其他处理（表三）",
        "other handling (table 3)",
        rf"其他处理{GAP}{{0,4}}?{NUM}{UNIT}",
        _group("other_subtotal"),
    ),
    _claim(
        "行政复议（表四 行政复议 总计）",
        "administrative reconsiderations (table 4)",
        rf"行政复议(?:案件|申请)?{NOT_OUTCOME}{{0,6}}?{NUM}{UNIT}",
        _REVIEWS,
        aggregate=True,
    ),
    _claim(
        "行政诉讼（表四 两类行政诉讼 总计）",
        "lawsuits (table 4, both kinds)",
        rf"行政诉讼(?:案件)?{NOT_OUTCOME}{{0,6}}?{NUM}{UNIT}",
        _lawsuits,
        aggregate=True,
    ),
    # Statements of "none".
    _claim(
        "本年新收申请（表三 本年新收 总计）",
        "applications received (table 3)",
        rf"(?:未|没有)(?:收到|受理|接到|接收){GAP}{{0,16}}?申请|无{GAP}{{0,4}}?政府信息公开申请",
        _RECEIVED,
        zero=True,
    ),
    _claim(
        "行政复议（表四 行政复议 总计）",
        "administrative reconsiderations (table 4)",
        rf"(?:未|没有|无)(?:发生|出现|产生|涉及|收到)?{GAP}{{0,20}}?行政复议",
        _REVIEWS,
        zero=True,
    ),
    _claim(
        "行政诉讼（表四 两类行政诉讼 总计）",
        "lawsuits (table 4, both kinds)",
        rf"(?:未|没有|无)(?:发生|出现|产生|涉及|收到)?{GAP}{{0,20}}?行政诉讼",
        _lawsuits,
        zero=True,
    ),
)

# "其中…", "区政府办代表区政府受理…": the sentence states a part of the table's figure, not the whole.
_PART = re.compile(r"其中|代表|本级")
# Words that make a denial about outcomes ("未被纠错"), which the table does not count apart.
_OUTCOME_ONLY = re.compile(r"纠错|纠正|败诉|撤销|确认违法")
_SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_INCLUDES_CARRIED = re.compile(r"^[（(]?(?:含|包括|其中)上一?年度?结转")


class TextTableMismatch(Rule):
    """A figure stated in the prose must agree with the tables; so must a statement that there were none.

    Why: the prose and the tables are read by different people, and when they disagree neither can be
    trusted. Checked figures: applications received (本年新收 总计), carried over, handled （七）总计,
    carried forward, reconsiderations (行政复议 总计), lawsuits (both 行政诉讼 总计 together), and the
    outcomes 予以公开, 部分公开, 不予公开, 无法提供, 不予处理, 其他处理, or a stated sum such as
    予以公开及部分公开. This is also the zero-consistency rule: an all-zero report must not say it handled
    applications, and a report that says 未收到申请 or 未发生行政复议、行政诉讼 must show zeros.

    How it decides: each sentence of the prose outside the tables is searched for these statements
    (Arabic or Chinese numerals followed by 件/个/条/宗/起); "收到…N件（含上年结转…）" is compared with
    本年新收 + 上年结转. `expected` is the table's figure, `actual` the prose's.

    How to fix: decide which is right, the table or the sentence, and correct the other.
    """

    id = "NB206"
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
        "none": Msg(
            "第{numeral}部分正文写“{quote}”，但{what}为 {expected}。请核对正文与表格，改正错误的一方。",
            "Section {numeral} says '{quote}', but the {what_en} is {expected}. "
            "Check the text against the table and correct whichever is wrong.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        seen: set[tuple[str, float]] = set()
        for section in report.sections:
            for sentence in _SENTENCE.findall(compact(section.text)):
                for claim, stated, quote in _claims_in(sentence, report):
                    try:
                        expected = claim.metric(report)
                    except (KeyError, NotANumber):
                        continue  # the table or the row is missing, or holds text: nothing to compare
                    if stated is None:  # "none"
                        if expected == 0:
                            continue
                        stated = 0
                    if stated == expected or (claim.what, stated) in seen:
                        continue
                    if claim.aggregate and stated < expected and _PART.search(sentence[: sentence.find(quote)]):
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
                        location=section_location(report, section.key.value),
                        expected=tidy(expected),
                        actual=stated,
                    )


def _clause(sentence: str, start: int) -> str:
    end = re.search(r"[，,。；;]", sentence[start:])
    return sentence[start : start + end.start()] if end else sentence[start:]


_MAY_CLAIM = re.compile(r"[\d零〇一二两三四五六七八九十百千]|未|没有|无")
# Every claim's pattern holds one of these words; a sentence without any is skipped at once.
_CLAIM_WORDS = re.compile(r"申请|结转|顺延|办结|答复|办理完毕|处理完毕|公开|提供|处理|行政复议|行政诉讼")


def _claims_in(sentence: str, report: Report) -> Iterator[tuple[Claim, float | None, str]]:
    """Statements in one sentence: (claim, stated figure or None for "none", quoted text)."""
    if not (_MAY_CLAIM.search(sentence) and _CLAIM_WORDS.search(sentence)):
        return  # no figure or denial, or nothing the tables count: nothing to compare
    for claim in CLAIMS:
        for m in claim.pattern.finditer(sentence):
            quote = m.group(0)
            if claim.zero:
                if re.search(r"\d", sentence[m.end() : m.end() + 6]):
                    continue  # "未发生…行政复议，行政诉讼2件": a figure follows, not a denial
                if _OUTCOME_ONLY.search(_clause(sentence, m.start())):
                    continue  # "未发生…被行政复议纠错": denies an outcome, not the cases
                yield claim, None, quote
                continue
            stated = parse_number(m.group(1))
            if stated is None:
                continue
            if claim.metric is _RECEIVED and _INCLUDES_CARRIED.match(sentence[m.end() :]):
                yield (
                    Claim(
                        claim.what.replace("本年新收 总计", "本年新收+上年结转"),
                        claim.what_en,
                        claim.pattern,
                        _rows("received_new", "carried_over"),
                    ),
                    stated,
                    quote,
                )
                continue
            yield claim, stated, quote


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [TextTableMismatch]
