"""Feedback letters (`nianbao letters`, `--format letters`): one DOCX per report, written to its organ.

A letter says who writes (the profile's `[letters]`), to whom, the report's score and grade (with the points per
category, and the categories that could not be judged), then every finding that still counts after review, grouped
by section, each with where it is (page or line, the table's row and column) and what is wrong and what to do, as the
rule wrote it. Findings that rest on what OCR may have misread are not asserted: they are listed apart, one matter per
doubtful figure, and the organ is asked to check them against its original. Dismissed findings are left out. A report
that could not be read gets a letter asking for a readable copy. A batch makes a zip.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.outputs.accounting import unreadable_organs
from nianbao.engine.outputs.docx_base import grid_table, new_document, xml_safe
from nianbao.engine.outputs.rows import (
    SEVERITY,
    by_section,
    categories_of,
    category_parts,
    cells_text,
    labels_of,
    pending_matters,
    section_title,
    shown_values,
)
from nianbao.engine.result import FileResult, FindingResult, ResultDocument
from nianbao.engine.rule import Category
from nianbao.engine.scoring import grade_label
from nianbao.engine.text import file_name, xml_text

UI: dict[str, Msg] = {
    "title": Msg(
        "关于{organ}{year}政府信息公开工作年度报告的反馈意见",
        "Feedback on the {year}annual report on government information disclosure of {organ}",
    ),
    "year": Msg("{year}年度", "{year} "),
    "to": Msg("{organ}：", "To {organ}:"),
    "scored": Msg(
        "经检查，你单位报送的年度报告（{file}）得分 {score}，等级为“{grade}”。",
        "We have checked your annual report ({file}): it scores {score}, graded '{grade}'.",
    ),
    "categories": Msg("分项得分：{parts}。", "By category: {parts}."),
    "deductions": Msg("扣分情况：{parts}。", "Points off: {parts}."),
    "ask": Msg(
        "现将发现的 {count} 个问题反馈如下，请逐项核对改正，并于 {reply_by} 前将整改情况报送{office}。",
        "The {count} problem(s) found are listed below. Please correct each of them and report what was done to "
        "{office} by {reply_by}.",
    ),
    "clean": Msg(
        "未发现需要改正的问题。请继续保持，并按时报送下一年度报告。",
        "No problems needing correction were found. Please keep to this standard and file next year's report on time.",
    ),
    "unreadable": Msg(
        "你单位报送的文件（{file}）无法检查：{message}请于 {reply_by} 前重新报送{office}。",
        "The file you filed ({file}) could not be checked: {message} Please file it again with {office} by {reply_by}.",
    ),
    "confirm": Msg(
        "另有 {count} 处内容是从扫描件或图片经文字识别（OCR）读出的，可能识别有误，暂不认定、不扣分。"
        "请对照原件核对下列数字或内容，并于 {reply_by} 前告知{office}是否与原件一致；如原件确实如此，请一并改正。",
        "{count} more matter(s) rest on what was read from a scan or a picture by OCR, which may have misread them: "
        "they are not held against the report and cost no points. Please check each against the original and tell "
        "{office} by {reply_by} whether it is as read; if the original does say so, please correct it too.",
    ),
    "matter": Msg("待核实", "to check"),
    "office": Msg("我办", "us"),
    "number": Msg("序号", "No."),
    "where": Msg("位置", "Where"),
    "what": Msg("问题及修改要求", "What is wrong and what to do"),
    "page": Msg("第 {page} 页", "page {page}"),
    "line": Msg("第 {line} 行", "line {line}"),
    "cells": Msg("单元格：{cells}", "cells: {cells}"),
    "expected": Msg("（应为 {expected}，实为 {actual}）", " (expected {expected}, found {actual})"),
    "contact": Msg("联系人：{contact}", "Contact: {contact}"),
    "date": Msg("{year}年{month}月{day}日", "{iso}"),
    "made_by": Msg(
        "本意见由 Nianbao {version} 检查生成，经人工复核后发出。",
        "Drafted by Nianbao {version}; reviewed before sending.",
    ),
}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


@dataclass(frozen=True)
class LetterDates:
    written: dt.date
    reply_by: dt.date


def _t(key: str, lang: Lang, **params: object) -> str:
    return UI[key].render(lang, params)


def _date(day: dt.date, lang: Lang) -> str:
    return _t("date", lang, year=day.year, month=day.month, day=day.day, iso=day.isoformat())


def counting(result: FileResult) -> list[FindingResult]:
    """What the letter lists: every finding still standing after review, worst first."""
    return [f for f in result.findings if f.counts]


def where(f: FindingResult, template: str | None, lang: Lang) -> str:
    """Page or line, then the table cells (行/列 by their printed labels), so the organ finds the spot."""
    loc = f.location
    parts = []
    if loc.page:
        parts.append(_t("page", lang, page=loc.page))
    elif loc.line:
        parts.append(_t("line", lang, line=loc.line))
    cells = cells_text(f, template, lang=lang)
    if cells:
        parts.append(_t("cells", lang, cells=cells))
    elif labels := labels_of(f, lang):
        parts.append(" / ".join(labels))
    return "；".join(parts) if lang is Lang.zh else "; ".join(parts)


def _name(result: FileResult, known: dict[str, str] | None = None) -> str:
    """Whom the letter is to: the organ the report is from; for a file that could not be read, the roster organ its
    file or folder name names (`known`), else the file's name."""
    report = result.report
    found = result.organ or (report.agency if report else None) or (known or {}).get(result.source.path)
    return found or file_name(result.source.path)


def filename(result: FileResult, taken: set[str], lang: Lang, known: dict[str, str] | None = None) -> str:
    """`<organ>-<year>-反馈意见.docx`, safe on every file system and unique within the batch."""
    year = result.report.year if result.report and result.report.year else ""
    stem = _UNSAFE.sub("_", f"{_name(result, known)}-{year}".strip("-"))[:80] or "report"
    suffix = "反馈意见" if lang is Lang.zh else "feedback"
    name, n = f"{stem}-{suffix}.docx", 2
    while name in taken:
        name, n = f"{stem}-{suffix}-{n}.docx", n + 1
    taken.add(name)
    return name


def letter(
    result: FileResult, document: ResultDocument, dates: LetterDates, known: dict[str, str] | None = None
) -> bytes:
    """One organ's letter as a DOCX (`known`: the roster organs of unreadable files, by path)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lang = Lang(document.lang)
    result = xml_safe(result)
    head = xml_safe(document.profile.letterhead)
    office = head.office or _t("office", lang)
    known = {path: xml_text(name) for path, name in (known or {}).items()}
    organ = _name(result, known)
    report = result.report
    doc = new_document()
    year = _t("year", lang, year=report.year) if report and report.year else ""
    title = doc.add_heading(_t("title", lang, organ=organ, year=year), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_t("to", lang, organ=organ))
    reply_by = _date(dates.reply_by, lang)
    sent = file_name(result.source.path)
    if result.error or report is None or result.score is None:
        message = result.error.message if result.error else ""
        doc.add_paragraph(
            _t(
                "unreadable",
                lang,
                file=sent,
                message=message,
                reply_by=reply_by,
                office=office,
            )
        )
    else:
        grade = grade_label(result.grade, lang)
        doc.add_paragraph(_t("scored", lang, file=sent, score=f"{result.score:g}", grade=grade))
        parts = category_parts(result, lang, document.profile.categories)
        if parts:
            key = "categories" if result.category_scores or result.not_judged else "deductions"
            doc.add_paragraph(_t(key, lang, parts=("、" if lang is Lang.zh else ", ").join(parts)))
        findings = counting(result)
        matters = pending_matters(result)
        if findings:
            doc.add_paragraph(_t("ask", lang, count=len(findings), reply_by=reply_by, office=office))
            findings_table(doc, findings, report.template, lang, categories_of(result))
        elif not matters:
            doc.add_paragraph(_t("clean", lang))
        if matters:
            doc.add_paragraph(_t("confirm", lang, count=len(matters), reply_by=reply_by, office=office))
            matters_table(doc, matters, report.template, lang)
    for text in (office, _date(dates.written, lang)):
        signed = doc.add_paragraph(text)
        signed.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if head.contact:
        doc.add_paragraph(_t("contact", lang, contact=head.contact))
    note = doc.add_paragraph(_t("made_by", lang, version=document.tool.version))
    note.runs[0].font.size = Pt(9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def findings_table(
    doc, findings: list[FindingResult], template: str | None, lang: Lang, categories: dict[str, Category]
) -> None:
    number = 0
    for section, group in by_section(findings):
        doc.add_heading(section_title(section, lang), level=2)
        table = grid_table(doc, [_t(key, lang) for key in ("number", "where", "what")])
        for f in group:
            number += 1
            row = table.add_row().cells
            row[0].text = str(number)
            row[1].text = where(f, template, lang)
            text = f"【{SEVERITY[f.severity].render(lang)}】{f.message}"
            shown = shown_values(f, categories.get(f.rule))
            if shown is not None:
                text += _t("expected", lang, expected=shown[0], actual=shown[1])
            row[2].text = text
        _widths(table, (1.2, 4.5, 10.5))


def matters_table(doc, matters: list[list[FindingResult]], template: str | None, lang: Lang) -> None:
    """Each pending matter once: where it is, and what the checks found if the original says what was read."""
    table = grid_table(doc, [_t(key, lang) for key in ("number", "where", "matter")])
    for number, group in enumerate(matters, start=1):
        row = table.add_row().cells
        row[0].text = str(number)
        row[1].text = "；".join(dict.fromkeys(w for f in group if (w := where(f, template, lang))))
        row[2].text = "\n".join(f.message for f in group)
    _widths(table, (1.2, 4.5, 10.5))


def _widths(table, cm: tuple[float, ...]) -> None:
    """Word reads the grid's column widths, LibreOffice and WPS each cell's: both are set."""
    from docx.shared import Cm

    table.autofit = False
    for column, width in zip(table.columns, cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, cm, strict=True):
            cell.width = Cm(width)


def letters(document: ResultDocument, dates: LetterDates) -> Iterator[tuple[str, bytes]]:
    """Every letter of a batch with its file name, in the order of the document (sorted by path), one at a time."""
    taken: set[str] = set()
    lang = Lang(document.lang)
    known = unreadable_organs(document)
    for r in document.results:
        yield filename(xml_safe(r), taken, lang, known), letter(r, document, dates, known)


def default_dates(document: ResultDocument, today: dt.date | None = None) -> LetterDates:
    written = today or dt.date.today()
    return LetterDates(written, written + dt.timedelta(days=document.profile.letterhead.reply_days))


def bundle(files: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """A zip of the letters (names in UTF-8, as Windows' own zip tool and WPS read them), given out a letter at a
    time: a province's letters are never held together."""
    out = _Taken()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
            yield out.take()
    yield out.take()


class _Taken(io.RawIOBase):
    """Where the zip is written: what came since the last `take`. Not seekable, so the zip's sizes follow each
    member (data descriptors), which every zip reader reads."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        taken = b"".join(self.chunks)
        self.chunks.clear()
        return taken


def render(document: ResultDocument) -> bytes:
    """`--format letters`: one DOCX for a single report, else a zip of one letter per report."""
    files = letters(document, default_dates(document))
    return next(files)[1] if len(document.results) == 1 else b"".join(bundle(files))
