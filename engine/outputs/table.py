"""The overview a supervising office sorts and files: one row per report, and one row per finding.

CSV, XLSX and HTML all take their columns from here, so the three agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.i18n import Lang
from engine.model import SectionKey
from engine.result import FileResult, FindingResult, ResultDocument
from engine.rule import Severity
from engine.scoring import grade_en

REPORT_COLUMNS = {
    "rank": ("名次", "rank"),
    "file": ("文件", "file"),
    "organ": ("机关", "organ"),
    "year": ("年度", "year"),
    "template": ("模板", "template"),
    "score": ("得分", "score"),
    "grade": ("等级", "grade"),
    "errors": ("错误", "errors"),
    "warnings": ("警告", "warnings"),
    "failed_rules": ("未通过的规则", "failed rules"),
    "read_error": ("无法读取", "read error"),
}
FINDING_COLUMNS = {
    "file": ("文件", "file"),
    "organ": ("机关", "organ"),
    "year": ("年度", "year"),
    "rule": ("规则", "rule"),
    "name": ("规则名", "rule name"),
    "severity": ("级别", "severity"),
    "section": ("部分", "section"),
    "row": ("行", "row"),
    "column": ("列", "column"),
    "page": ("页", "page"),
    "line": ("行号", "line"),
    "message": ("说明", "message"),
    "expected": ("应为", "expected"),
    "actual": ("实为", "actual"),
    "review": ("复核", "review"),
    "review_reason": ("复核意见", "review reason"),
    "fingerprint": ("指纹", "fingerprint"),
}
SEVERITY = {Severity.error: ("错误", "error"), Severity.warning: ("警告", "warning"), Severity.info: ("提示", "note")}
REVIEW = {"confirmed": ("已确认", "confirmed"), "dismissed": ("已排除", "dismissed")}


def headers(columns: dict[str, tuple[str, str]], lang: Lang) -> list[str]:
    return [zh if lang == Lang.zh else en for zh, en in columns.values()]


def ranked(document: ResultDocument) -> list[FileResult]:
    """Best first; reports that could not be read last."""
    return sorted(document.results, key=lambda r: (r.score is None, -(r.score or 0), r.source.path))


def report_rows(document: ResultDocument) -> Iterator[dict[str, Any]]:
    lang = Lang(document.lang)
    for rank, r in enumerate(ranked(document), start=1):
        report = r.report
        failed = sorted({f.rule for f in r.findings if f.counts})
        yield {
            "rank": rank if r.score is not None else None,
            "file": r.source.path,
            "organ": report.agency if report else None,
            "year": report.year if report else None,
            "template": report.template if report else None,
            "score": r.score,
            "grade": (r.grade if lang == Lang.zh else grade_en(r.grade)) if r.grade else None,
            "errors": r.count(Severity.error) if report else None,
            "warnings": r.count(Severity.warning) if report else None,
            "failed_rules": " ".join(failed),
            "read_error": f"[{r.error.code}] {r.error.message}" if r.error else None,
        }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def finding_rows(document: ResultDocument) -> Iterator[dict[str, Any]]:
    lang = Lang(document.lang)
    pick = 0 if lang == Lang.zh else 1
    for r in document.results:
        for f in r.findings:
            loc = f.location
            yield {
                "file": r.source.path,
                "organ": r.report.agency if r.report else None,
                "year": r.report.year if r.report else None,
                "rule": f.rule,
                "name": f.name,
                "severity": SEVERITY[f.severity][pick],
                "section": loc.section,
                "row": loc.row_label or loc.row,
                "column": loc.column_label or loc.column,
                "page": loc.page,
                "line": loc.line,
                "message": f.message,
                "expected": _plain(f.expected),
                "actual": _plain(f.actual),
                "review": REVIEW[f.review.status][pick] if f.review else None,
                "review_reason": f.review.reason if f.review else None,
                "fingerprint": f.fingerprint,
            }


def spreadsheet_safe(value: Any) -> Any:
    """Report text never becomes a spreadsheet formula (=, +, -, @ at the start)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def section_title(key: str | None, lang: Lang) -> str:
    """How findings are grouped: the section's heading, or 整体 for the title, preface and the like."""
    if key in {k.value for k in SectionKey}:
        section = SectionKey(key)
        return section.heading if lang == Lang.zh else f"{section.numeral}. {section.heading_en}"
    return "整体" if lang == Lang.zh else "General"


def by_section(findings: list[FindingResult]) -> list[tuple[str | None, list[FindingResult]]]:
    """Findings grouped by section, general ones first, then 一 to 六; each group keeps its order (worst first)."""
    order = [k.value for k in SectionKey]
    groups: dict[str | None, list[FindingResult]] = {}
    for f in findings:
        groups.setdefault(f.location.section, []).append(f)
    return sorted(groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else -1)
