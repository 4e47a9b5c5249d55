"""The clerk's self-check sheet (DOCX): what to fix before filing, where, in the clerk's words, for the organ
itself. Not the office's feedback letter (nianbao.engine.office.letters): no office, no reply date, no "经人工复核"."""

from __future__ import annotations

import datetime as dt
import io

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.office.letters import counting, findings_table, matters_table
from nianbao.engine.outputs.docx_base import new_document, xml_safe
from nianbao.engine.outputs.rows import categories_of, category_parts, pending_matters
from nianbao.engine.result import ResultDocument
from nianbao.engine.scoring import grade_label
from nianbao.engine.text import file_name

UI: dict[str, Msg] = {
    "title": Msg("{organ}{year}政府信息公开工作年度报告自查清单", "Self-check of the {year}annual report of {organ}"),
    "year": Msg("{year}年度", "{year} "),
    "unknown": Msg("本机关", "this organ"),
    "checked": Msg(
        "自查文件：{file}。检查日期：{date}。得分 {score}，等级“{grade}”。",
        "File: {file}. Checked on {date}. Score {score}, graded '{grade}'.",
    ),
    "categories": Msg("分项得分：{parts}。", "By category: {parts}."),
    "fix": Msg(
        "以下 {count} 处需要在提交前修改（位置为原文的页码或行号，单元格为统计表中的格子）：",
        "Fix these {count} things before filing (where: the page or line of your file, and the table cells):",
    ),
    "clean": Msg("未发现需要修改的地方，可以提交。", "Nothing to fix was found: the report may be filed."),
    "confirm": Msg(
        "以下 {count} 处是从扫描件或图片识别出的，可能识别有误：请对照原件核对，原件确实如此的请一并修改。",
        "These {count} things were read from a scan or a picture and may be misread: check each against your "
        "original, and fix it too where the original says so.",
    ),
    "unreadable": Msg("文件无法检查：{message}", "The file could not be checked: {message}"),
    "made_by": Msg(
        "本清单由 Nianbao {version} 自动生成，供本机关提交前自查，不是上级机关的反馈意见。",
        "Made by Nianbao {version} for your own check before filing; it is not the supervising office's feedback.",
    ),
}


def _t(key: str, lang: Lang, **params: object) -> str:
    return UI[key].render(lang, params)


def self_check(document: ResultDocument, today: dt.date | None = None) -> bytes:
    """The sheet for the document's one result, in the document's language."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    lang = Lang(document.lang)
    result = xml_safe(document.results[0])
    report = result.report
    organ = result.organ or (report.agency if report else None) or _t("unknown", lang)
    year = _t("year", lang, year=report.year) if report and report.year else ""
    doc = new_document()
    doc.add_heading(_t("title", lang, organ=organ, year=year), level=1).alignment = WD_ALIGN_PARAGRAPH.CENTER
    day = (today or dt.date.today()).isoformat()
    if result.error or report is None or result.score is None:
        doc.add_paragraph(_t("unreadable", lang, message=result.error.message if result.error else ""))
    else:
        grade = grade_label(result.grade, lang)
        file = file_name(result.source.path)
        doc.add_paragraph(_t("checked", lang, file=file, date=day, score=f"{result.score:g}", grade=grade))
        parts = category_parts(result, lang, document.profile.categories)
        if parts and (result.category_scores or result.not_judged):
            doc.add_paragraph(_t("categories", lang, parts=("、" if lang is Lang.zh else ", ").join(parts)))
        findings, matters = counting(result), pending_matters(result)
        if findings:
            doc.add_paragraph(_t("fix", lang, count=len(findings)))
            findings_table(doc, findings, report.template, lang, categories_of(result))
        elif not matters:
            doc.add_paragraph(_t("clean", lang))
        if matters:
            doc.add_paragraph(_t("confirm", lang, count=len(matters)))
            matters_table(doc, matters, report.template, lang)
    note = doc.add_paragraph(_t("made_by", lang, version=document.tool.version))
    note.runs[0].font.size = Pt(9)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
