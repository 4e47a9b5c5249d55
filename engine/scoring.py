"""Stage 3 for one report: from its rule results to a score (0–100), a grade and the order of its findings
(spec/rules.md, "Scoring").

A deduction model, chosen because a clerk can follow it: every rule that fails takes its weight off
100, scaled by how serious its findings are; further findings of the same rule add a quarter each, up to
twice the first. Rules that pass, do not apply or crashed take nothing off. With the default weights
(every error rule weighs more than 10) a report with no finding scores 100 and one with any error
finding scores under 90.
"""

from __future__ import annotations

from collections.abc import Iterable

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

METHOD = (
    "score = max(0, 100 - sum of rule penalties); a rule's penalty = weight x (f1 + 0.25 x (f2 + f3 + ...)), "
    "at most weight x 2 x f1, where f are its findings' severity factors, largest first "
    "(error 1.0, warning 0.4, info 0); rules that pass, do not apply or crashed cost nothing; "
    "grades: 优秀 >= 90, 良好 >= 80, 合格 >= 60, 不合格 < 60"
)


def rule_penalty(weight: float, severities: Iterable[Severity]) -> float:
    factors = sorted((SEVERITY_FACTOR[Severity(s)] for s in severities), reverse=True)
    if not factors:
        return 0.0
    raw = factors[0] + FURTHER_FINDING * sum(factors[1:])
    return round(weight * min(raw, CAP * factors[0]), 2)


def score(penalties: Iterable[float]) -> float:
    return round(max(0.0, 100.0 - sum(penalties)), 1)


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


def rescore(result: FileResult) -> FileResult:
    """Penalties, score and grade from the findings that stand (a reviewer's dismissal takes one back)."""
    standing: dict[str, list[Severity]] = {}
    for f in result.findings:
        if not (f.review and f.review.status == "dismissed"):
            standing.setdefault(f.rule, []).append(f.severity)
    for r in result.rules:
        r.penalty = rule_penalty(r.weight, standing.get(r.rule, [])) if r.status == Status.failed else 0.0
    result.score = score(r.penalty for r in result.rules)
    deductions: dict[Category, float] = {}
    for r in result.rules:
        if r.penalty:
            deductions[r.category] = round(deductions.get(r.category, 0.0) + r.penalty, 2)
    result.deductions = deductions
    result.grade = capped(grade(result.score), [f.ceiling for f in result.findings if f.counts and f.ceiling])
    result.findings.sort(key=finding_order)
    return result


SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}


def finding_order(f: FindingResult) -> tuple:
    return (SEVERITY_ORDER[f.severity], f.rule, f.location.page or 0, f.location.line or 0)
