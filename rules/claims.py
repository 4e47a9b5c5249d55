"""What the prose of a report can state about its tables (for NB206), and how to read the same figure from the
tables. Each claim is a pattern over a sentence (whitespace removed, NFKC) and one or more readings of the
tables: the statement holds when any reading agrees ("共受理749件" may be 本年新收 or 本年新收 + 上年结转)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from nianbao.engine import Cell, Report
from nianbao.engine.template import APPLICANT_COLUMNS, OUTCOME_GROUPS, REVIEW_COLUMNS
from nianbao.rules.support import NotANumber, total

NUM = r"(\d+|[零〇一二两三四五六七八九十百千]+)"
UNIT = r"(?:件|个|条|宗|起|次|份)"
GAP = r"[^，,。；;：:\d]"  # a few characters inside one clause, no figures
NOT_OUTCOME = r"(?:(?!维持|纠正|审结|结果|其中)[^，,。；;：:\d])"
# "共计", "合计": a total stated after its noun ("申请共计81件").
SUM = r"(?:共计|合计|总计|累计|共|计)"

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
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


_APPLICANTS = tuple(c.key for c in APPLICANT_COLUMNS)
_OUTCOMES = tuple(c.key for c in REVIEW_COLUMNS if c.key != "total")


def row_total(row: dict[str, Cell], parts: tuple[str, ...]) -> float:
    """A row's 总计; when that cell is blank, or 0 beside figures (the 总计 column left unfilled, NB203's finding),
    the sum of its parts: what the table does show."""
    if _from_parts(row, parts):
        return total(row[p] for p in parts)
    return total([row["total"]])


def _from_parts(row: dict[str, Cell], parts: tuple[str, ...]) -> bool:
    if row.get("total") not in (None, 0) or not any(row.get(p) is not None for p in parts):
        return False
    try:
        return row.get("total") is None or total(row.get(p) for p in parts) > 0
    except NotANumber:
        return False


@dataclass(frozen=True)
class Metric:
    """A figure of a table that prose may state: how to read it, and which cells it is read from."""

    read: Callable[[Report], float]
    table: str
    rows: Callable[[Report], tuple[str, ...]]

    def __call__(self, report: Report) -> float:
        return self.read(report)

    def cells(self, report: Report) -> list[tuple[str, str]]:
        """The [row, column] cells the figure rests on: each row's 总计, or its parts where 总计 is blank."""
        table = report.table(self.table)
        parts = _APPLICANTS if self.table == "applications" else _OUTCOMES
        found: list[tuple[str, str]] = []
        for key in self.rows(report):
            if key in table:
                found += [(key, p) for p in parts] if _from_parts(table[key], parts) else [(key, "total")]
        return found


def cell(table: str, row: str) -> Metric:
    parts = _APPLICANTS if table == "applications" else _OUTCOMES
    return Metric(lambda r: row_total(r.table(table)[row], parts), table, lambda r: (row,))


def rows(*keys: str) -> Metric:
    return Metric(
        lambda r: sum(row_total(r.applications[k], _APPLICANTS) for k in keys), "applications", lambda r: keys
    )


def minus(a: Metric, b: Metric) -> Metric:
    return Metric(lambda r: a(r) - b(r), a.table, lambda r: (*a.rows(r), *b.rows(r)))


def _group_rows(name: str, r: Report) -> tuple[str, ...]:
    keys = tuple(k for k in OUTCOME_GROUPS[name] if k in r.applications)
    if name == "other_subtotal" and not keys:
        return ("other",)
    if len(keys) < len(OUTCOME_GROUPS[name]):
        if name in r.applications:  # a subtotal row the report added stands for the missing items
            return (name,)
        raise KeyError(name)  # some of its rows were not read: the group's figure is unknown
    return keys


def group(name: str) -> Metric:
    def metric(r: Report) -> float:
        return sum(row_total(r.applications[k], _APPLICANTS) for k in _group_rows(name, r))

    return Metric(metric, "applications", lambda r: _group_rows(name, r))


_LAWSUITS = ("litigation_direct", "litigation_after_review")
lawsuits = Metric(
    lambda r: sum(row_total(r.review_litigation[g], _OUTCOMES) for g in _LAWSUITS),
    "review_litigation",
    lambda r: _LAWSUITS,
)


class Topic:
    """What a claim is about: applications for disclosure (scoped to disclosure wording), reconsiderations and
    lawsuits (scoped so that an organ's own work as a reconsideration body is not read), or an outcome whose
    words only the disclosure tables use."""

    applications = "applications"
    carried = "carried"  # 上年结转 / 结转下年度: words of the disclosure tables, unless other work is the subject
    review = "review"
    outcome = "outcome"


@dataclass(frozen=True)
class Claim:
    what: str  # message parameter naming the figure, Chinese
    what_en: str
    pattern: re.Pattern[str]
    metrics: tuple[Metric, ...]  # the first is the one the message names (and whose cells it shows)
    topic: str = Topic.outcome
    zero: bool = False  # the pattern states "none" rather than a figure
    aggregate: bool = False  # a whole-table figure that a qualified sentence may state a part of


def _claim(what: str, what_en: str, patterns: list[str], *metrics: Metric, **kw) -> Claim:
    return Claim(what, what_en, re.compile("|".join(f"(?:{p})" for p in patterns)), metrics, **kw)


RECEIVED = cell("applications", "received_new")
CARRIED_OVER = cell("applications", "carried_over")
HANDLED = cell("applications", "total")
REVIEWS = cell("review_litigation", "review")
RECEIVED_AND_CARRIED = rows("received_new", "carried_over")

_APPLICATION = r"(?:申请|依申请公开件|申请件)"
_RECEIVE = r"(?:收到|受理|新收|接收|接到)"
_FINISH = r"(?:办结|办理完毕|处理完毕)"
_CLAUSE_START = r"(?:^|(?<=[，,；;：:、]))"


CLAIMS: tuple[Claim, ...] = (
    _claim(
        "本年新收申请（表三 本年新收 总计）",
        "applications received (table 3)",
        [
            rf"{_RECEIVE}{GAP}{{0,16}}?{_APPLICATION}{GAP}{{0,8}}?{NUM}{UNIT}",
            rf"{_RECEIVE}{GAP}{{0,6}}?{NUM}{UNIT}{GAP}{{0,10}}?{_APPLICATION}",
            rf"(?:信息公开|依申请公开){GAP}{{0,4}}?申请{GAP}{{0,2}}?{SUM}{NUM}{UNIT}",
        ],
        RECEIVED,
        RECEIVED_AND_CARRIED,
        topic=Topic.applications,
        aggregate=True,
    ),
    _claim(
        "上年结转申请（表三 上年结转 总计）",
        "applications carried over (table 3)",
        [rf"上一?年度?结转{GAP}{{0,12}}?{NUM}{UNIT}"],
        CARRIED_OVER,
        topic=Topic.carried,
        aggregate=True,
    ),
    _claim(
        "结转下年度（表三 结转下年度继续办理 总计）",
        "applications carried forward (table 3)",
        [
            rf"(?:结转|顺延)(?:至|到)?(?:下一?年度?|\d{{4}}年度?){GAP}{{0,10}}?{NUM}{UNIT}",
            rf"{NUM}{UNIT}{GAP}{{0,6}}?(?:结转|顺延)(?:至|到)?(?:下一?年度?|\d{{4}}年度?)",
        ],
        cell("applications", "carried_forward"),
        topic=Topic.carried,
        aggregate=True,
    ),
    _claim(
        "办理申请（表三（七）总计）",
        "applications handled (table 3, total)",
        [rf"{_FINISH}{GAP}{{0,12}}?{NUM}{UNIT}", rf"{NUM}{UNIT}{GAP}{{0,4}}?(?:已|均已|全部)?{_FINISH}"],
        HANDLED,
        minus(HANDLED, CARRIED_OVER),  # "新收11件，办理完毕11件": this year's applications
        topic=Topic.applications,
        aggregate=True,
    ),
    _claim(
        "办理申请（表三（七）总计）",
        "applications handled (table 3, total)",
        [
            rf"(?:共答复|全部答复|依法答复){GAP}{{0,12}}?{NUM}{UNIT}",
            rf"答复{GAP}{{0,12}}?{_APPLICATION}{GAP}{{0,4}}?{NUM}{UNIT}",
            # "收到申请70件，答复70件": 答复 opening its clause. Inside one it is often a part (当场答复, 延期答复).
            rf"{_CLAUSE_START}(?:已|均已|全部|依法|按时|按期|及时)?答复{GAP}{{0,4}}?{NUM}{UNIT}",
        ],
        HANDLED,
        topic=Topic.applications,
        aggregate=True,
    ),
    _claim(
        "办理申请（表三 本年新收或（七）总计）",
        "applications dealt with (table 3, received or total)",
        [rf"办理{GAP}{{0,12}}?{_APPLICATION}{GAP}{{0,4}}?{NUM}{UNIT}"],
        RECEIVED,
        RECEIVED_AND_CARRIED,
        HANDLED,
        topic=Topic.applications,
        aggregate=True,
    ),
    _claim(
        "予以公开及部分公开（表三）",
        "disclosed plus partly disclosed (table 3)",
        [rf"予以公开(?:及|和|与|、|或)部分公开{GAP}{{0,4}}?{NUM}{UNIT}"],
        rows("disclosed", "partially_disclosed"),
    ),
    _claim(
        "予以公开（表三）",
        "disclosed (table 3)",
        [rf"予以公开(?!及|和|与|、|或){GAP}{{0,4}}?{NUM}{UNIT}"],
        rows("disclosed"),
    ),
    _claim(
        "部分公开（表三）",
        "partly disclosed (table 3)",
        [rf"(?<!及|和|与|、|或)部分公开{GAP}{{0,4}}?{NUM}{UNIT}"],
        rows("partially_disclosed"),
    ),
    _claim("不予公开（表三）", "withheld (table 3)", [rf"不予公开{GAP}{{0,8}}?{NUM}{UNIT}"], group("withheld")),
    _claim(
        "无法提供（表三）", "cannot be provided (table 3)", [rf"无法提供{GAP}{{0,8}}?{NUM}{UNIT}"], group("unavailable")
    ),
    _claim(
        "不予处理（表三）", "not processed (table 3)", [rf"不予处理{GAP}{{0,8}}?{NUM}{UNIT}"], group("not_processed")
    ),
    _claim(
        "其他处理（表三）", "other handling (table 3)", [rf"其他处理{GAP}{{0,8}}?{NUM}{UNIT}"], group("other_subtotal")
    ),
    _claim(
        "行政复议（表四 行政复议 总计）",
        "administrative reconsiderations (table 4)",
        [rf"行政复议(?:案件|申请)?{NOT_OUTCOME}{{0,6}}?{NUM}{UNIT}"],
        REVIEWS,
        topic=Topic.review,
        aggregate=True,
    ),
    _claim(
        "行政诉讼（表四 两类行政诉讼 总计）",
        "lawsuits (table 4, both kinds)",
        [
            rf"行政诉讼(?:案件)?{NOT_OUTCOME}{{0,6}}?{NUM}{UNIT}",
            # "行政复议1件、诉讼2件": 诉讼 opening its clause stands for 行政诉讼 (民事诉讼 never opens one bare).
            rf"{_CLAUSE_START}(?:被提起|被起诉|发生|涉及)?诉讼(?:案件)?{NOT_OUTCOME}{{0,6}}?{NUM}{UNIT}",
        ],
        lawsuits,
        topic=Topic.review,
        aggregate=True,
    ),
    # Statements of "none".
    _claim(
        "本年新收申请（表三 本年新收 总计）",
        "applications received (table 3)",
        [rf"(?:未|没有)(?:收到|受理|接到|接收){GAP}{{0,16}}?申请", rf"无{GAP}{{0,4}}?政府信息公开申请"],
        RECEIVED,
        topic=Topic.applications,
        zero=True,
    ),
    _claim(
        "申请人逾期未按收费通知要求缴纳费用（表三）",
        "applicants who did not pay after a fee notice (table 3)",
        # "未发出收费通知": no notice, so no applicant can have let one lapse. The row's own label ("申请人逾期未按
        # 收费通知要求缴纳费用") has no verb of issuing and is not read.
        [rf"(?:未|没有|无)(?:向申请人)?(?:发出|下发|送达|开具|出具|发放|产生){GAP}{{0,8}}?收费(?:通知|缴费通知)"],
        rows("other.fee_unpaid"),
        zero=True,
    ),
    _claim(
        "行政复议（表四 行政复议 总计）",
        "administrative reconsiderations (table 4)",
        [rf"(?:未|没有|无)(?:发生|出现|产生|涉及|收到)?{GAP}{{0,20}}?行政复议"],
        REVIEWS,
        topic=Topic.review,
        zero=True,
    ),
    _claim(
        "行政诉讼（表四 两类行政诉讼 总计）",
        "lawsuits (table 4, both kinds)",
        [rf"(?:未|没有|无)(?:发生|出现|产生|涉及|收到)?{GAP}{{0,20}}?行政诉讼"],
        lawsuits,
        topic=Topic.review,
        zero=True,
    ),
)


def figure_of(match: re.Match[str]) -> int | None:
    """The stated figure: the one NUM group of the alternative that matched."""
    text = next((g for g in match.groups() if g is not None), None)
    return parse_number(text) if text is not None else None
