"""Stage 3 for one report: from its rule results to a score (0–100), a grade and the order of its findings
(spec/rules.md, "Scoring").

A deduction model, chosen because a clerk can follow it: every rule that fails takes its weight off
100, scaled by how serious its findings are; further findings of the same rule add a quarter each, up to
twice the first. Rules that pass, do not apply or crashed take nothing off. With the default weights
(every error rule weighs more than 10) a report with no finding scores 100 and one with any error
finding scores under 90.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.result import FileResult, FindingResult, Status
from nianbao.engine.rule import Category, Severity

SEVERITY_FACTOR: dict[Severity, float] = {Severity.error: 1.0, Severity.warning: 0.4, Severity.info: 0.0}
FURTHER_FINDING = 0.25
CAP = 2.0

GRADES: tuple[tuple[float, str, str], ...] = (
    (90, "优秀", "excellent"),
    (80, "良好", "good"),
    (60, "合格", "pass"),
    (0, "不合格", "fail"),
)

PENALTY = Msg(
    "每条未通过的规则扣分 = 权重 ×（f1 + 0.25 ×（f2 + f3 + …）），至多为 权重 × 2 × f1；"
    "f 为该规则各问题的严重程度系数，由大到小（错误 1.0、警告 0.4、提示 0）；通过、不适用或出错的规则不扣分。",
    "a rule's penalty = weight x (f1 + 0.25 x (f2 + f3 + ...)), at most weight x 2 x f1, where f are its findings' "
    "severity factors, largest first (error 1.0, warning 0.4, info 0); rules that pass, do not apply or crashed cost "
    "nothing.",
)
TOTAL = Msg("得分 = 100 − 各规则扣分之和（最低 0）。", "score = max(0, 100 - sum of rule penalties);")
BY_CATEGORY = Msg(
    "分类计分（{parts}）：每类得分 = 该类分值 − 该类各规则扣分之和（扣分不超过该类上限，最低 0），得分 = 各类得分之和，"
    "未列出类别的扣分从总分中扣除。",
    "points per category ({parts}): a category scores its points less its rules' penalties (never more than its cap "
    "taken off, never below 0); the score is the categories' sum, less the penalties of categories not listed;",
)
GRADING = Msg(
    "等级：优秀 ≥ 90，良好 ≥ 80，合格 ≥ 60，不合格 < 60；缺少第五部分（或只写“无”）或缺少统计表的报告最高为合格。",
    "grades: excellent (优秀) >= 90, good (良好) >= 80, pass (合格) >= 60, fail (不合格) < 60; a report without "
    "section 5 (or with one that says only 无) or without a statistical table grades pass at best.",
)


@dataclass(frozen=True)
class CategoryPoints:
    """What a category is worth in a profile's scheme, and the most its rules may take off together."""

    points: float
    cap: float


Scheme = Mapping[Category, CategoryPoints]  # empty: the plain deduction model of the default profile


@dataclass(frozen=True)
class Scoring:
    """How a profile scores: its categories' points (empty: the plain deduction model) and the grade ceilings it
    sets on rules (an error of NB401 keeps a report at 合格 at best in the evaluator profile)."""

    categories: Scheme = field(default_factory=dict)
    ceilings: Mapping[str, str] = field(default_factory=dict)


# Rules of one category that each see the same defect another way: a report republished from last year repeats its
# prose (NB504), is 雷同 with it (NB503), keeps its tables (NB505) and its section 五 (NB506). Evaluators deduct
# once for a copy ("雷同扣5分"), so the category takes its largest penalty, not their sum.
ONE_DEFECT: frozenset[Category] = frozenset({Category.copying})

# Why a category could not be judged: none of its rules could run on this report.
NOT_JUDGED: dict[str, Msg] = {
    "no-date": Msg("未能确定发布日期", "no publication date could be found"),
    "no-kind": Msg("无法判断机关类型及其发布期限", "the organ's kind, and so its deadline, could not be told"),
    "no-history": Msg(
        "没有可比较的往年报告或其他机关的报告",
        "no earlier report, nor another organ's, to compare with",
    ),
    "crashed": Msg("该类规则运行出错", "its rules failed to run"),
    "not-applicable": Msg("该类规则均不适用于本报告", "none of its rules applies to this report"),
}
NOT_JUDGED_LINE = Msg("{category}：未评（{reason}）", "{category}: not judged ({reason})")
RESCALED = Msg(
    "未能评判的类别不计入：得分按已评类别的分值折算为百分制。",
    "categories that could not be judged are left out: the score is the judged categories' points scaled to 100.",
)


ONE_COPY = Msg(
    "同一类“跨年与雷同”的多条规则视为同一处抄袭，只按其中扣分最多的一条扣分。",
    "the copying rules see one copy several ways: only the largest of their penalties is taken off;",
)
NOT_JUDGED_SHOWN = Msg(
    "不能评判的类别（如无发布日期、无可比较的往年报告）在结果中标明“未评”。",
    "categories that could not be judged (no publication date, no earlier report to compare with) are shown as not "
    "judged.",
)
CEILINGS = Msg("以下规则有错误时等级最高为：{parts}。", "with an error of these rules the grade is at most: {parts}.")


def method(scoring: Scoring, lang: Lang) -> str:
    """The scoring method in words, in the reader's language."""
    space = "" if lang is Lang.zh else " "
    said = [ONE_COPY.render(lang)]
    if scoring.ceilings:
        parts = ("、" if lang is Lang.zh else ", ").join(
            f"{rule} {grade_label(grade, lang)}" for rule, grade in scoring.ceilings.items()
        )
        said.append(CEILINGS.render(lang, {"parts": parts}))
    if not scoring.categories:
        return space.join([TOTAL.render(lang), PENALTY.render(lang), *said, GRADING.render(lang),
                           NOT_JUDGED_SHOWN.render(lang)])  # fmt: skip
    parts = ("、" if lang is Lang.zh else ", ").join(
        f"{c.label.render(lang)} {p.points:g}" + (f"，上限 {p.cap:g}" if lang is Lang.zh else f" (cap {p.cap:g})")
        for c, p in scoring.categories.items()
    )
    return space.join(
        [BY_CATEGORY.render(lang, {"parts": parts}), PENALTY.render(lang), *said, GRADING.render(lang),
         RESCALED.render(lang)]
    )  # fmt: skip


def rule_penalty(weight: float, severities: Iterable[Severity]) -> float:
    factors = sorted((SEVERITY_FACTOR[Severity(s)] for s in severities), reverse=True)
    if not factors:
        return 0.0
    raw = factors[0] + FURTHER_FINDING * sum(factors[1:])
    return round(weight * min(raw, CAP * factors[0]), 2)


def score(penalties: Iterable[float]) -> float:
    return round(max(0.0, 100.0 - sum(penalties)), 1)


def category_scores(
    deductions: Mapping[Category, float], scheme: Scheme, unjudged: Iterable[Category] = ()
) -> dict[Category, float | None]:
    """Each scored category's points less what its rules took off, at most its cap; None for one not judged."""
    skipped = set(unjudged)
    return {
        c: None if c in skipped else round(max(0.0, p.points - min(p.cap, deductions.get(c, 0.0))), 2)
        for c, p in scheme.items()
    }


def total(deductions: Mapping[Category, float], scheme: Scheme, unjudged: Iterable[Category] = ()) -> float:
    """The score: 100 less every penalty, or, with a scheme, the categories' scores plus the points no category
    holds, less the penalties of categories the scheme does not list, scaled to 100 over the categories judged
    (a category none of whose rules could run is not full marks: it is left out)."""
    if not scheme:
        return score(deductions.values())
    skipped = {c for c in unjudged if c in scheme}
    unlisted = sum(v for c, v in deductions.items() if c not in scheme)
    rest = 100.0 - sum(p.points for p in scheme.values())
    kept = sum(v for v in category_scores(deductions, scheme, skipped).values() if v is not None)
    judged = 100.0 - sum(scheme[c].points for c in skipped)
    if judged <= 0:
        return 0.0
    return round(min(100.0, max(0.0, (kept + rest - unlisted) * 100.0 / judged)), 1)


def not_judged(result: FileResult) -> dict[Category, str]:
    """The categories none of whose rules could run on the report, each with why (a key of NOT_JUDGED)."""
    ran = {r.category for r in result.rules if r.status in (Status.passed, Status.failed)}
    out: dict[Category, str] = {}
    for r in result.rules:
        if r.category in ran or r.category in out or r.category is Category.other:
            continue
        out[r.category] = _why(r.category, result, crashed=r.status == Status.error)
    return out


def _why(category: Category, result: FileResult, crashed: bool) -> str:
    if crashed:
        return "crashed"
    report = result.report
    if category is Category.timeliness and report is not None:
        return "no-date" if report.published is None else "no-kind"
    if category is Category.copying:
        return "no-history"
    return "not-applicable"


def grade(value: float) -> str:
    return next(name for floor, name, _ in GRADES if value >= floor)


def capped(name: str, ceilings: Iterable[str]) -> str:
    """The grade, no higher than the lowest ceiling a finding sets."""
    order = [zh for _, zh, _ in GRADES]  # best first
    worst = max((order.index(c) for c in ceilings if c in order), default=0)
    return order[max(order.index(name), worst)]


def grade_label(name: str | None, lang: Lang) -> str:
    """A grade as the reader's language names it (the result document keeps the Chinese name)."""
    return next((Msg(zh, en).render(lang) for _, zh, en in GRADES if zh == name), name or "")


def rescore(result: FileResult, scoring: Scoring | None = None) -> FileResult:
    """Penalties, score and grade from the findings that stand (a reviewer's dismissal takes one back; a finding
    pending a check of the original stands only once a reviewer confirms it)."""
    scoring = scoring or Scoring()
    standing: dict[str, list[Severity]] = {}
    for f in result.findings:
        if f.counts:
            standing.setdefault(f.rule, []).append(f.severity)
    for r in result.rules:
        r.penalty = rule_penalty(r.weight, standing.get(r.rule, [])) if r.status == Status.failed else 0.0
    for category in ONE_DEFECT:  # one defect seen by several rules: only the largest penalty stands
        same = sorted((r for r in result.rules if r.category is category and r.penalty), key=lambda r: -r.penalty)
        for r in same[1:]:
            r.penalty = 0.0
    deductions: dict[Category, float] = {}
    for r in result.rules:
        if r.penalty:
            deductions[r.category] = round(deductions.get(r.category, 0.0) + r.penalty, 2)
    result.deductions = deductions
    result.not_judged = not_judged(result)
    result.score = total(deductions, scoring.categories, result.not_judged)
    result.category_scores = (
        category_scores(deductions, scoring.categories, result.not_judged) if scoring.categories else {}
    )
    ceilings = [f.ceiling for f in result.findings if f.counts and f.ceiling]
    ceilings += [
        scoring.ceilings[f.rule] for f in result.findings
        if f.counts and f.severity == Severity.error and f.rule in scoring.ceilings
    ]  # fmt: skip
    result.grade = capped(grade(result.score), ceilings)
    result.findings.sort(key=finding_order)
    return result


SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def finding_order(f: FindingResult) -> tuple:
    return (SEVERITY_ORDER[f.severity], f.rule, f.location.page or 0, f.location.line or 0)
