"""What an office head reads first: the batch summed up by region and by kind of organ, and who did not report.

Each group's row counts reports, organs on the roster that did not report (未报送), late publications (NB401 failed),
the mean score and this year's against last year's where history was given, the grades, and the failed rules seen
most often. Everything is read from the result document; nothing a rule decided is decided again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.outputs.rows import KIND_NAMES
from nianbao.engine.result import FileResult, ResultDocument
from nianbao.engine.scoring import GRADES

LATE_RULE = "NB401"  # publication after the deadline: the office's first question
TOP_RULES = 3

ROLLUP_COLUMNS: dict[str, Msg] = {
    "group": Msg("分组", "group"),
    "reports": Msg("报告数", "reports"),
    "missing": Msg("未报送", "did not report"),
    "late": Msg("逾期发布", "late"),
    "mean_score": Msg("平均分", "mean score"),
    "previous_mean": Msg("上年平均分", "last year's mean"),
    **{f"grade_{en}": Msg(zh, en) for _, zh, en in GRADES},
    "top_rules": Msg("常见问题（规则）", "most frequent failed rules"),
}
MISSING_COLUMNS: dict[str, Msg] = {
    "organ": Msg("机关", "organ"),
    "kind": Msg("类型", "kind"),
    "region": Msg("地区", "region"),
}
GROUPINGS = {"region": Msg("按地区", "By region"), "kind": Msg("按类型", "By kind")}
UNKNOWN = Msg("（未识别）", "(unknown)")


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def _label(by: str, value: str | None, lang: Lang) -> str:
    if not value:
        return UNKNOWN.render(lang)
    return KIND_NAMES[value].render(lang) if by == "kind" and value in KIND_NAMES else value


def rollup_rows(document: ResultDocument, by: str) -> Iterator[dict[str, Any]]:
    """One row per region (`by="region"`) or kind (`by="kind"`), largest group first."""
    lang = Lang(document.lang)
    groups: dict[str | None, _Group] = {}
    for result in document.results:  # one pass, a result at a time: only the tallies are kept
        if result.report is not None:
            groups.setdefault(getattr(result, by), _Group()).add(result)
    missing = Counter(
        (m.region if by == "region" else m.kind) or None for m in (document.roster.missing if document.roster else [])
    )
    for key in sorted(set(groups) | set(missing), key=lambda k: (-(groups[k].reports if k in groups else 0), k or "")):
        group = groups.get(key) or _Group()
        yield {
            "group": _label(by, key, lang),
            "reports": group.reports,
            "missing": missing.get(key, 0),
            "late": group.late,
            "mean_score": _mean(group.scores),
            "previous_mean": _mean(group.previous),
            **{f"grade_{en}": group.grades.get(zh, 0) for _, zh, en in GRADES},
            "top_rules": " ".join(f"{rule}×{n}" for rule, n in group.failed.most_common(TOP_RULES)),
        }


@dataclass
class _Group:
    """What a region's or kind's row counts."""

    reports: int = 0
    late: int = 0
    scores: list[float] = field(default_factory=list)
    previous: list[float] = field(default_factory=list)
    grades: Counter[str | None] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)  # rules that cost points, once per report

    def add(self, r: FileResult) -> None:
        self.reports += 1
        self.late += any(x.rule == LATE_RULE and x.status == "fail" for x in r.rules)
        if r.score is not None:
            self.scores.append(r.score)
        if r.previous_score is not None:
            self.previous.append(r.previous_score)
        self.grades[r.grade] += 1
        self.failed.update({f.rule for f in r.findings if f.counts and f.severity != "info"})


def missing_rows(document: ResultDocument) -> Iterator[dict[str, Any]]:
    lang = Lang(document.lang)
    for m in document.roster.missing if document.roster else []:
        yield {"organ": m.organ, "kind": _label("kind", m.kind, lang) if m.kind else "", "region": m.region}
