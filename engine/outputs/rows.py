"""The overview a supervising office sorts and files: one row per report, and one row per finding.

CSV, XLSX and HTML all take their columns from here, so the three agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from engine.i18n import Lang, Msg
from engine.model import SectionKey
from engine.result import FileResult, FindingResult, ResultDocument
from engine.rule import Category, Severity
from engine.scoring import grade_label
from engine.template import column_label, row_label

SCORED = tuple(c for c in Category if c is not Category.other)  # the categories evaluators score

REPORT_COLUMNS: dict[str, Msg] = {
    "rank": Msg("名次", "rank"),
    "file": Msg("文件", "file"),
    "organ": Msg("机关", "organ"),
    "region": Msg("地区", "region"),
    "kind": Msg("类型", "kind"),
    "year": Msg("年度", "year"),
    "template": Msg("模板", "template"),
    "score": Msg("得分", "score"),
    "previous_score": Msg("上年得分", "last year's score"),
    "grade": Msg("等级", "grade"),
    "errors": Msg("错误", "errors"),
    "warnings": Msg("警告", "warnings"),
    **{f"deduct_{c.value}": Msg(f"扣分·{c.label.zh}", f"points off: {c.label.en}") for c in SCORED},
    "failed_rules": Msg("未通过的规则", "failed rules"),
    "read_error": Msg("无法读取", "read error"),
}
FINDING_COLUMNS: dict[str, Msg] = {
    "file": Msg("文件", "file"),
    "organ": Msg("机关", "organ"),
    "year": Msg("年度", "year"),
    "rule": Msg("规则", "rule"),
    "name": Msg("规则名", "rule name"),
    "severity": Msg("级别", "severity"),
    "section": Msg("部分", "section"),
    "row": Msg("行", "row"),
    "column": Msg("列", "column"),
    "cells": Msg("涉及单元格", "cells involved"),
    "page": Msg("页", "page"),
    "line": Msg("行号", "line"),
    "message": Msg("说明", "message"),
    "expected": Msg("应为", "expected"),
    "actual": Msg("实为", "actual"),
    "review": Msg("复核", "review"),
    "review_reason": Msg("复核意见", "review reason"),
    "fingerprint": Msg("指纹", "fingerprint"),
}
SEVERITY = {
    Severity.error: Msg("错误", "error"),
    Severity.warning: Msg("警告", "warning"),
    Severity.info: Msg("提示", "note"),
}
KIND_NAMES = {
    "部门": Msg("部门", "department"),
    "政府": Msg("政府", "government"),
    "乡镇街道": Msg("乡镇街道", "town or subdistrict"),
    "管委会": Msg("管委会", "zone committee"),
    "办公厅": Msg("办公厅", "general office"),
    "其他": Msg("其他", "other"),
}
REVIEW = {"confirmed": Msg("已确认", "confirmed"), "dismissed": Msg("已排除", "dismissed")}


def headers(columns: dict[str, Msg], lang: Lang) -> list[str]:
    return [label.render(lang) for label in columns.values()]


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
            "organ": r.organ or (report.agency if report else None),
            "region": r.region,
            "kind": KIND_NAMES[r.kind].render(lang) if r.kind in KIND_NAMES else r.kind,
            "year": report.year if report else None,
            "template": report.template if report else None,
            "score": r.score,
            "previous_score": r.previous_score,
            "grade": grade_label(r.grade, lang) if r.grade else None,
            "errors": r.count(Severity.error) if report else None,
            "warnings": r.count(Severity.warning) if report else None,
            **{f"deduct_{c.value}": r.deductions.get(c, 0.0) if report else None for c in SCORED},
            "failed_rules": " ".join(failed),
            "read_error": (
                f"[{r.error.code}] {r.error.message}" + (f" ({r.error.detail})" if r.error.detail else "")
                if r.error
                else None
            ),
        }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str):
        return value
    return str(value)


def finding_rows(document: ResultDocument) -> Iterator[dict[str, Any]]:
    lang = Lang(document.lang)
    for r in document.results:
        for f in r.findings:
            loc = f.location
            yield {
                "file": r.source.path,
                "organ": r.report.agency if r.report else None,
                "year": r.report.year if r.report else None,
                "rule": f.rule,
                "name": f.name,
                "severity": SEVERITY[f.severity].render(lang),
                "section": loc.section,
                "row": loc.row_label or loc.row,
                "column": loc.column_label or loc.column,
                "cells": cells_text(f, r.report.template if r.report else None),
                "page": loc.page,
                "line": loc.line,
                "message": f.message,
                "expected": _plain(f.expected),
                "actual": _plain(f.actual),
                "review": REVIEW[f.review.status].render(lang) if f.review else None,
                "review_reason": f.review.reason if f.review else None,
                "fingerprint": f.fingerprint,
            }


def spreadsheet_safe(value: Any) -> Any:
    """Report text never becomes a spreadsheet formula (=, +, -, @, or a tab or carriage return before one)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


GENERAL = Msg("整体", "General")


def section_title(key: str | None, lang: Lang) -> str:
    """How findings are grouped: the section's heading, or 整体 for the title, preface and the like."""
    if key in {k.value for k in SectionKey}:
        section = SectionKey(key)
        return Msg(section.heading, f"{section.numeral}. {section.heading_en}").render(lang)
    return GENERAL.render(lang)


def cells_text(f: FindingResult, template: str | None = None) -> str | None:
    """The cells a finding rests on, by their printed row and column labels (行/列), for people to look up."""
    loc = f.location
    table = loc.table or loc.section
    if not (table and loc.cells):
        return None
    return "；".join(
        f"{row_label(table, row)}/{column_label(table, column, row, template)}" for row, column in loc.cells
    )


def by_section(findings: list[FindingResult]) -> list[tuple[str | None, list[FindingResult]]]:
    """Findings grouped by section, general ones first, then 一 to 六; each group keeps its order (worst first)."""
    order = [k.value for k in SectionKey]
    groups: dict[str | None, list[FindingResult]] = {}
    for f in findings:
        groups.setdefault(f.location.section, []).append(f)
    return sorted(groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else -1)
