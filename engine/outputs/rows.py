"""The overview a supervising office sorts and files: one row per report, and one row per finding.

CSV, XLSX and HTML all take their columns from here, so the three agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from nianbao.engine.groups import Groups
from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.lazy import Lazy
from nianbao.engine.model import SectionKey
from nianbao.engine.result import FileResult, FindingResult, Outline, ResultDocument
from nianbao.engine.rule import Category, Severity
from nianbao.engine.scoring import NOT_JUDGED, NOT_JUDGED_LINE, grade_label
from nianbao.engine.template import column_label, row_label
from nianbao.engine.template_en import english
from nianbao.engine.text import file_name

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
    "not_judged": Msg("未评类别", "not judged"),
    "pending": Msg("待核实", "to be checked"),
    "read_error": Msg("无法读取", "read error"),
}
CATEGORY_COLUMNS: dict[str, Msg] = {
    f"score_{c.value}": Msg(f"得分·{c.label.zh}", f"score: {c.label.en}") for c in SCORED
}


def report_columns(document: ResultDocument) -> dict[str, Msg]:
    """The report columns of this document: with a profile that gives categories points, the points kept per
    category stand where the points taken off would."""
    if not document.profile.categories:
        return REPORT_COLUMNS
    columns: dict[str, Msg] = {}
    for key, label in REPORT_COLUMNS.items():
        if key.startswith("deduct_"):
            category = key.removeprefix("deduct_")
            if category in document.profile.categories:
                columns[f"score_{category}"] = CATEGORY_COLUMNS[f"score_{category}"]
        else:
            columns[key] = label
    return columns


FINDING_COLUMNS: dict[str, Msg] = {
    "file": Msg("文件", "file"),
    "organ": Msg("机关", "organ"),
    "year": Msg("年度", "year"),
    "rule": Msg("编号", "rule"),
    "name": Msg("规则", "rule title"),
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
REVIEW = {
    "confirmed": Msg("已确认", "confirmed"),
    "dismissed": Msg("已排除", "dismissed"),
    "pending": Msg("待核实", "to be checked"),
}


def headers(columns: dict[str, Msg], lang: Lang) -> list[str]:
    return [label.render(lang) for label in columns.values()]


class Ranked(Lazy[FileResult]):
    """A document's results best first, reports that could not be read last: ordered by their outlines and read
    in that order (a stored batch's a result at a time)."""

    def __init__(self, document: ResultDocument):
        outlines = document.outlines()
        self.keys = sorted(
            range(len(outlines)), key=lambda i: (outlines[i].score is None, -(outlines[i].score or 0), outlines[i].path)
        )
        self.outlines = [outlines[i] for i in self.keys]
        self.results = document.results

    def item(self, index: int) -> FileResult:
        return self.results[index]


def ranked(document: ResultDocument) -> Ranked:
    return Ranked(document)


def ranks(results: Sequence[Outline | FileResult]) -> list[int | None]:
    """Places in a ranked list, equal scores sharing one (1, 2, 2, 4); no place for an unread report."""
    out: list[int | None] = []
    for i, r in enumerate(results):
        if r.score is None:
            out.append(None)
        elif i and results[i - 1].score == r.score:
            out.append(out[-1])
        else:
            out.append(i + 1)
    return out


def failed_rules(result: FileResult) -> list[str]:
    """The rules whose findings still count, by id."""
    return sorted({f.rule for f in result.findings if f.counts})


def titled(rule: str, document: ResultDocument) -> str:
    title = document.profile.titles.get(rule)
    return f"{rule} {title}" if title else rule


def report_rows(document: ResultDocument) -> Iterator[dict[str, Any]]:
    """One row per report, best first, keyed as `report_columns(document)`."""
    lang = Lang(document.lang)
    order = ranked(document)
    columns = report_columns(document)
    for rank, r in zip(ranks(order.outlines), order, strict=True):
        report = r.report
        row = {
            "rank": rank,
            "file": file_name(r.source.path),
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
            **{f"score_{c}": r.category_scores.get(c) for c in document.profile.categories},
            "failed_rules": "；".join(titled(rule, document) for rule in failed_rules(r)),
            "not_judged": "；".join(not_judged_parts(r, lang)) or None,
            "pending": len(pending_matters(r)) if report else None,
            "read_error": (
                f"[{r.error.code}] {r.error.message}" + (f" ({r.error.detail})" if r.error.detail else "")
                if r.error
                else None
            ),
        }
        yield {key: row[key] for key in columns}


# What an expected or actual value must look like to be shown to a person: a figure, a date, a short label. The
# copying rules' are measures (a share of 0.5 against 1.0, a similarity) and internal words (changed/unchanged).
_PATHLIKE = re.compile(r"[/\\]")
_DATE = re.compile(r"^(?:>=\s*)?\d{4}-\d{2}-\d{2}$")
_LABEL_CHARS = 40


def _person_value(value: Any) -> bool:
    if value is None or isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        if _DATE.match(value):
            return True
        # A label is short, Chinese (ASCII words are the rules' own: changed, unchanged) and no file's path.
        return len(value) <= _LABEL_CHARS and not value.isascii() and not _PATHLIKE.search(value)
    return False


def shown_values(f: FindingResult, category: Category | None) -> tuple[Any, Any] | None:
    """The finding's expected and actual values when a person reads them as they are (numbers, dates, labels in
    Chinese), else None: outputs sent to an organ show them only then."""
    if category is Category.copying or not (_person_value(f.expected) and _person_value(f.actual)):
        return None
    return f.expected, f.actual


def categories_of(result: FileResult) -> dict[str, Category]:
    return {r.rule: r.category for r in result.rules}


def readable(value: Any, lang: Lang = Lang.zh) -> Any:
    """An expected or actual value as a person reads it: numbers and text as they are, lists joined with 、, pairs
    as "键：值"; never Python's own notation."""
    if value is None or isinstance(value, bool):
        return None if value is None else Msg("是" if value else "否", "yes" if value else "no").render(lang)
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, dict):
        return "；".join(f"{k}：{readable(v, lang)}" for k, v in value.items())
    if isinstance(value, list | tuple | set):
        return "、".join(str(readable(v, lang)) for v in value)
    return str(value)


def finding_rows(document: ResultDocument) -> Iterator[dict[str, Any]]:
    lang = Lang(document.lang)
    for r in document.results:
        categories = categories_of(r)
        for f in r.findings:
            loc = f.location
            shown = shown_values(f, categories.get(f.rule))
            yield {
                "file": file_name(r.source.path),
                "organ": r.organ or (r.report.agency if r.report else None),
                "year": r.report.year if r.report else None,
                "rule": f.rule,
                "name": document.profile.titles.get(f.rule) or f.name,
                "severity": SEVERITY[f.severity].render(lang),
                "section": section_title(loc.section, lang),
                "row": loc.row_label or loc.row,
                "column": loc.column_label or loc.column,
                "cells": cells_text(f, r.report.template if r.report else None, lang=lang),
                "page": loc.page,
                "line": loc.line,
                "message": f.message,
                "expected": readable(shown[0], lang) if shown else None,
                "actual": readable(shown[1], lang) if shown else None,
                "review": REVIEW[f.review.status if f.review else "pending"].render(lang)
                if f.review or f.pending
                else None,
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
        number = list(SectionKey).index(section) + 1  # 一 … 六 as 1 … 6 in English
        return Msg(section.heading, f"{number}. {section.heading_en}").render(lang)
    return GENERAL.render(lang)


def labels_of(f: FindingResult, lang: Lang) -> list[str]:
    """The printed row and column labels of a finding's place, in the reader's language."""
    labels = [p for p in (f.location.row_label, f.location.column_label) if p]
    return [english(p) for p in labels] if lang is Lang.en else labels


MORE_CELLS = Msg(" 等 {count} 个单元格", " and more ({count} cells)")


def cells_text(f: FindingResult, template: str | None = None, most: int = 4, lang: Lang = Lang.zh) -> str | None:
    """The cells a finding rests on, by their printed row and column labels (行/列), for people to look up; past
    `most` cells, the first ones and how many in all."""
    loc = f.location
    table = loc.table or loc.section
    if not (table and loc.cells):
        return None
    named = [
        f"{row_label(table, row, lang)}/{column_label(table, column, row, template, lang)}" for row, column in loc.cells
    ]
    joint = "；" if lang == Lang.zh else "; "
    if len(named) > most:
        return joint.join(named[: most - 1]) + MORE_CELLS.render(lang, {"count": len(named)})
    return joint.join(named)


def by_section(findings: list[FindingResult]) -> list[tuple[str | None, list[FindingResult]]]:
    """Findings grouped by section, general ones (title, preface, none) together first, then 一 to 六; each group
    keeps its order (worst first)."""
    order = [k.value for k in SectionKey]
    groups: dict[str | None, list[FindingResult]] = {}
    for f in findings:
        key = f.location.section if f.location.section in order else None
        groups.setdefault(key, []).append(f)
    return sorted(groups.items(), key=lambda item: order.index(item[0]) if item[0] in order else -1)


def category_parts(result: FileResult, lang: Lang, points: dict[Category, dict[str, float]]) -> list[str]:
    """Where the score went, per category: "发布与时效 30/30" where the profile gives categories points, else the
    points each category took off ("数据准确 −12"); a category that could not be judged says so and why."""
    if result.category_scores:
        parts = [
            f"{c.label.render(lang)} {kept:g}/{points[c]['points']:g}"
            for c in points
            if (kept := result.category_scores.get(c)) is not None
        ]
    else:
        parts = [
            f"{c.label.render(lang)} −{v:g}" for c, v in sorted(result.deductions.items(), key=lambda kv: -kv[1]) if v
        ]
    return parts + not_judged_parts(result, lang)


def not_judged_parts(result: FileResult, lang: Lang) -> list[str]:
    """ "发布与时效：未评（未能确定发布日期）" for each category none of whose rules could run."""
    return [
        NOT_JUDGED_LINE.render(lang, {"category": c.label.render(lang), "reason": NOT_JUDGED[why].render(lang)})
        for c, why in result.not_judged.items()
        if why in NOT_JUDGED
    ]


def pending_matters(result: FileResult) -> list[list[FindingResult]]:
    """The findings waiting for a person's check of the original, as matters: findings that rest on the same
    doubtful cell or part are one matter (a misread figure breaks NB202, NB203 and NB206 at once; it is one thing to
    check)."""
    pending = [f for f in result.findings if f.pending]
    matters = Groups(len(pending))
    owner: dict[str, int] = {}
    for i, f in enumerate(pending):
        for key in [*(f.doubtful_cells or []), *(f.doubtful_parts or [])]:
            if key in owner:
                matters.join(i, owner[key])
            else:
                owner[key] = i
    groups: dict[int, list[FindingResult]] = {}
    for i, f in enumerate(pending):
        groups.setdefault(matters.find(i), []).append(f)
    return list(groups.values())


def dismissed_note(f: FindingResult, lang: Lang) -> str:
    """How a finding that does not count is shown beside it: a reviewer's dismissal with its reason, or 待核实 for
    one pending a check of the original."""
    if f.pending:
        return REVIEW["pending"].render(lang)
    reason = f.review.reason if f.review else ""
    return REVIEW["dismissed"].render(lang) + (f"：{reason}" if lang is Lang.zh else f": {reason}") * bool(reason)
