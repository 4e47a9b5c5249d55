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
from dataclasses import dataclass

from engine.i18n import Lang, Msg
from engine.result import FileResult, FindingResult, Status
from engine.rule import Category, Severity

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


def method(scheme: Scheme, lang: Lang) -> str:
    """The scoring method in words, in the reader's language."""
    space = "" if lang is Lang.zh else " "
    if not scheme:
        return space.join(m.render(lang) for m in (TOTAL, PENALTY, GRADING))
    parts = ("、" if lang is Lang.zh else ", ").join(
        f"{c.label.render(lang)} {p.points:g}" + (f"，上限 {p.cap:g}" if lang is Lang.zh else f" (cap {p.cap:g})")
        for c, p in scheme.items()
    )
    return space.join((BY_CATEGORY.render(lang, {"parts": parts}), PENALTY.render(lang), GRADING.render(lang)))


def rule_penalty(weight: float, severities: Iterable[Severity]) -> float:
    factors = sorted((SEVERITY_FACTOR[Severity(s)] for s in severities), reverse=True)
    if not factors:
        return 0.0
    raw = factors[0] + FURTHER_FINDING * sum(factors[1:])
    return round(weight * min(raw, CAP * factors[0]), 2)


def score(penalties: Iterable[float]) -> float:
    return round(max(0.0, 100.0 - sum(penalties)), 1)


def category_scores(deductions: Mapping[Category, float], scheme: Scheme) -> dict[Category, float]:
    """Each scored category's points less what its rules took off, at most its cap."""
    return {c: round(max(0.0, p.points - min(p.cap, deductions.get(c, 0.0))), 2) for c, p in scheme.items()}


def total(deductions: Mapping[Category, float], scheme: Scheme) -> float:
    """The score: 100 less every penalty, or, with a scheme, the categories' scores plus the points no category
    holds, less the penalties of categories the scheme does not list."""
    if not scheme:
        return score(deductions.values())
    unlisted = sum(v for c, v in deductions.items() if c not in scheme)
    rest = 100.0 - sum(p.points for p in scheme.values())
    return round(min(100.0, max(0.0, sum(category_scores(deductions, scheme).values()) + rest - unlisted)), 1)


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


def rescore(result: FileResult, scheme: Scheme | None = None) -> FileResult:
    """Penalties, score and grade from the findings that stand (a reviewer's dismissal takes one back; a finding
    pending a check of the original stands only once a reviewer confirms it)."""
    standing: dict[str, list[Severity]] = {}
    for f in result.findings:
        if f.counts:
            standing.setdefault(f.rule, []).append(f.severity)
    for r in result.rules:
        r.penalty = rule_penalty(r.weight, standing.get(r.rule, [])) if r.status == Status.failed else 0.0
    deductions: dict[Category, float] = {}
    for r in result.rules:
        if r.penalty:
            deductions[r.category] = round(deductions.get(r.category, 0.0) + r.penalty, 2)
    result.deductions = deductions
    result.score = total(deductions, scheme or {})
    result.category_scores = category_scores(deductions, scheme) if scheme else {}
    result.grade = capped(grade(result.score), [f.ceiling for f in result.findings if f.counts and f.ceiling])
    result.findings.sort(key=finding_order)
    return result


SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def finding_order(f: FindingResult) -> tuple:
    return (SEVERITY_ORDER[f.severity], f.rule, f.location.page or 0, f.location.line or 0)
