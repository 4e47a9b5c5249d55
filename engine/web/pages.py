"""The self-check pages: the upload form and the result, in plain language, tables drawn with the cells of
each failed identity highlighted. Every piece of report text is escaped (nianbao.engine.outputs.html_out.page sets a
Content-Security-Policy that lets no script run at all here)."""

from __future__ import annotations

import base64
from html import escape

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.notes import in_language
from nianbao.engine.outputs.html_out import page
from nianbao.engine.outputs.rows import not_judged_parts
from nianbao.engine.readers.pdf.pages import PageImage
from nianbao.engine.result import FileResult, ResultDocument, Status
from nianbao.engine.scoring import grade_label
from nianbao.engine.web import marked, pictures

UI = {
    "title": Msg("年报体检 · 自查", "Nianbao self-check"),
    "lead": Msg(
        "上传本机关的政府信息公开工作年度报告（PDF、OFD、Word（.docx/.doc）、网页（.html）、文本（.txt）），"
        "在提交前查看需要修改的地方。文件只用于本次检查，检查完即删除，不会保存。",
        "Upload your organ's annual disclosure report (PDF, OFD, Word .docx/.doc, web page .html, text .txt) and see "
        "what to fix before filing. The file is used for this check only and deleted right after.",
    ),
    "choose": Msg("选择报告文件", "Choose the report file"),
    "submit": Msg("开始检查", "Check"),
    "limit": Msg(
        "文件不超过 20 MB。逐页拍摄或扫描的图片可一次选择全部页面（按文件名中的页码排序）；"
        "网页中的统计表是图片的，请连同其“_files”文件夹中的图片一起选择。",
        "Files up to 20 MB. Page images of one report may be chosen all at once (ordered by the page number in their "
        "names); a saved web page whose tables are pictures, together with the pictures of its '_files' folder.",
    ),
    "score": Msg("得分", "Score"),
    "findings": Msg("需要修改的地方", "What to fix"),
    "tables": Msg(
        "统计表（有颜色的单元格是各问题涉及的数字，颜色与问题编号对应）",
        "Tables as read (coloured cells are the figures each finding rests on, in its colour)",
    ),
    "pages": Msg("在原文中查看（点击编号回到问题）", "On your pages (tap a number to go back to its finding)"),
    "download": Msg("检查结果（JSON，供系统对接）", "Result (JSON, for other systems)"),
    "letter": Msg("下载自查清单（Word）", "Download the self-check sheet (Word)"),
    "clean": Msg("未发现需要修改的地方。", "Nothing to fix was found."),
    "year": Msg("{year} 年度", "year {year}"),
    "template": Msg("{template} 版格式", "{template} template"),
    "unknown_organ": Msg("未识别机关名称", "organ not recognised"),
    "unknown_year": Msg("年度未识别", "year not recognised"),
    "checked": Msg("检查了什么", "What was checked"),
    "ran": Msg("共 {total} 条规则，{ran} 条已检查。", "{ran} of {total} rules were checked."),
    "not_applicable": Msg("未检查（适用于：{when}）", "not checked (applies: {when})"),
    "again": Msg("检查另一份报告", "Check another report"),
    "failed": Msg("无法检查这个文件", "This file could not be checked"),
    "notes": Msg("读取说明", "Reading notes"),
    "other": Msg("English", "中文"),
    "waiting": Msg("正在识别扫描件", "Reading the scan"),
    "waiting_lead": Msg(
        "扫描件和照片须逐页识别文字，每页约需 10–20 秒{pages}。本页每 {refresh} 秒自动刷新，检查完成后显示结果；"
        "已等待 {waited} 秒，最长 {limit} 秒。关闭本页即停止检查。",
        "Scans and photos are read page by page, about 10–20 s a page{pages}. This page refreshes every {refresh} s "
        "and shows the result when the check is done; waited {waited} s of at most {limit} s. Closing it stops the "
        "check.",
    ),
    "waiting_pages": Msg("（本文件 {pages} 页）", " ({pages} pages here)"),
    "scan_note": Msg(
        "扫描件或照片须逐页识别，每页约 10–20 秒，最多 40 页；超过 {limit} 秒未完成即停止。"
        "由 Word/WPS 导出的 PDF 几秒即可查完。",
        "Scans and photos are read page by page, about 10–20 s a page, up to 40 pages; a check still running after "
        "{limit} s is stopped. A PDF exported from Word/WPS is checked in seconds.",
    ),
    "timeout_advice": Msg(
        "请提交由 Word/WPS 直接导出的 PDF（几秒即可查完），或减少扫描页数、提高清晰度后重试。",
        "Submit the PDF exported from Word/WPS (checked in seconds), or fewer or clearer scanned pages.",
    ),
}
REFRESH = 3  # seconds between the waiting page's refreshes
STYLE = """
.refusal{display:block;border-left:5px solid #b42318;background:#fdecea;color:#3b0b07;padding:.7rem 1rem;
margin:1rem 0;border-radius:4px;font-size:1rem;line-height:1.5}
.upload{border:2px dashed #9aa6bd;border-radius:10px;padding:1.5rem;text-align:center;background:#f7f9fc}
.upload input[type=file]{margin:1rem 0;max-width:100%}button{font-size:1rem;padding:.5rem 1.5rem;border:0;
border-radius:6px;background:#2b5fb3;color:#fff;cursor:pointer}.big{font-size:2.5rem;font-weight:bold}
.scroll{overflow-x:auto}th{cursor:auto}
.lang{float:right}.identity{font-size:.85rem;color:#55607a}@media (max-width:600px){body{padding:.5rem}
table{font-size:.75rem}th,td{padding:.2rem}.big{font-size:2rem}}
"""


def _t(key: str, lang: Lang, **params: object) -> str:
    return escape(UI[key].render(lang, params))


def _switch(lang: Lang, href: str | None = None) -> str:
    other = next(each for each in Lang if each != lang)
    return f'<a class="lang" href="{href or f"/?lang={other.value}"}">{_t("other", lang)}</a>'


def _page(lang: Lang, body: str, switch: bool = True) -> str:
    return page(UI["title"].render(lang), f"<style>{STYLE}</style>{_switch(lang) if switch else ''}{body}")


def waiting_page(lang: Lang, token: str, waited: int, pages: int | None, limit: float) -> str:
    """The page a clerk sees while a scan is read: it asks again by itself (no script), and says how long it may
    take."""
    said = UI["waiting_pages"].render(lang, {"pages": pages}) if pages else ""
    lead = UI["waiting_lead"].render(lang, {"pages": said, "refresh": REFRESH, "waited": waited, "limit": f"{limit:g}"})
    refresh = f'<meta http-equiv="refresh" content="{REFRESH};url=/job/{escape(token)}?lang={lang.value}">'
    return _page(lang, f'{refresh}<h1>{_t("waiting", lang)}</h1><p role="status">{escape(lead)}</p>', switch=False)


def upload_page(lang: Lang, message: str | None = None, limit: float = 120.0) -> str:
    notice = f'<p class="refusal" role="alert">{escape(message)}</p>' if message else ""
    return _page(
        lang,
        f"<h1>{_t('title', lang)}</h1><p>{_t('lead', lang)}</p>{notice}"
        f'<form class="upload" method="post" action="/check?lang={lang.value}" enctype="multipart/form-data">'
        f'<label for="file">{_t("choose", lang)}</label><br>'
        '<input id="file" name="file" type="file" required multiple '
        'accept=".pdf,.docx,.doc,.wps,.ofd,.html,.htm,.txt,.json,.png,.jpg,.jpeg,.tif,.tiff,.xlsx,.xls,.et,.ods"><br>'
        f'<button type="submit">{_t("submit", lang)}</button><p>{_t("limit", lang)}</p>'
        f"<p>{_t('scan_note', lang, limit=f'{limit:g}')}</p></form>",
    )


def _meta(result: FileResult, lang: Lang) -> str:
    """Who, which year and which format, spelled out: "青禾市自然资源局 · 2023 年度 · 2021 版格式"."""
    report = result.report
    assert report is not None
    parts = [report.agency or UI["unknown_organ"].render(lang)]
    parts.append(UI["year"].render(lang, {"year": report.year}) if report.year else UI["unknown_year"].render(lang))
    if report.template:
        parts.append(UI["template"].render(lang, {"template": report.template}))
    return escape(" · ".join(parts))


def checked_html(document: ResultDocument, result: FileResult, lang: Lang) -> str:
    """What was checked: how many rules ran, and each rule that could not be, with why."""
    titles = document.profile.titles
    ran = [r for r in result.rules if r.status in (Status.passed, Status.failed)]
    skipped = [r for r in result.rules if r.status == Status.not_applicable]
    crashed = [r for r in result.rules if r.status == Status.error]
    items = [
        f"<li>{escape(r.rule)} {escape(titles.get(r.rule, ''))}："
        f"{escape(UI['not_applicable'].render(lang, {'when': document.profile.applies.get(r.rule, '')}))}</li>"
        for r in skipped
    ]
    items += [f"<li>{escape(r.rule)} {escape(titles.get(r.rule, ''))}：{escape(r.reason or '')}</li>" for r in crashed]
    lead = _t("ran", lang, ran=len(ran), total=len(result.rules))
    more = f"<ul>{''.join(items)}</ul>" if items else ""
    return f"<h2>{_t('checked', lang)}</h2><p>{lead}</p>{more}"


def _downloads(document: ResultDocument, lang: Lang) -> str:
    from nianbao.engine.office.selfcheck import self_check

    docx = base64.b64encode(self_check(document)).decode()
    data = base64.b64encode(document.to_json(indent=None).encode()).decode()
    kind = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    name = "自查清单.docx" if lang is Lang.zh else "self-check.docx"
    return (
        f'<p><a id="letter" download="{name}" href="data:{kind};base64,{docx}">{_t("letter", lang)}</a> · '
        f'<a download="nianbao-result.json" href="data:application/json;base64,{data}">{_t("download", lang)}</a>'
        f' · <a href="/?lang={lang.value}">{_t("again", lang)}</a></p>'
    )


def _result_body(document: ResultDocument, lang: Lang, images: list[PageImage], p: str) -> str:
    """One language's version of the result; `p` prefixes its ids (the other language's version)."""
    result = document.results[0]
    name = escape(result.source.path)
    ids = {key: f"{p}{key}" for key in ("refusal", "meta", "score", "grade")}
    if result.error:
        return (
            f"<h1>{_t('failed', lang)}</h1><p>{name}</p>"
            f'<p class="refusal" role="alert" id="{ids["refusal"]}">{escape(result.error.message)}'
            f"{_t('timeout_advice', lang) if result.error.code == 'timeout' else ''}</p>"
            f'<p><a href="/?lang={lang.value}">{_t("again", lang)}</a></p>'
        )
    report = result.report
    assert report is not None
    grade = grade_label(result.grade, lang)
    items = marked.numbered(result)
    notes = ""
    if report.notes:
        said = "".join(f"<li>{escape(in_language(n, lang))}</li>" for n in report.notes)
        notes = f"<h3>{_t('notes', lang)}</h3><ul>{said}</ul>"
    findings = marked.findings_list(result, items, lang, p, images) if items else f"<p>{_t('clean', lang)}</p>"
    drawn = marked.sheets(result, items, images, lang, p)
    css = escape(result.grade or "")
    return (
        f"{marked.style(items, p)}<h1>{_t('title', lang)}</h1>"
        f'<p>{name}<br><span id="{ids["meta"]}">{_meta(result, lang)}</span></p>'
        f'<p>{_t("score", lang)} <span class="big g-{css}" id="{ids["score"]}">{result.score:.1f}</span> '
        f'<span class="big g-{css}" id="{ids["grade"]}">{escape(grade)}</span></p>'
        + "".join(f'<p class="not-judged">{escape(part)}</p>' for part in not_judged_parts(result, lang))
        + f"{_downloads(document, lang)}<h2>{_t('findings', lang)}</h2>{findings}"
        + (f"<h2>{_t('pages', lang)}</h2>{drawn}" if drawn else "")
        + f"<h2>{_t('tables', lang)}</h2>{marked.tables(result, items, lang)}"
        f"{checked_html(document, result, lang)}{notes}"
    )


def result_page(
    document: ResultDocument,
    lang: Lang,
    images: list[PageImage] | None = None,
    other: ResultDocument | None = None,
) -> str:
    """The result in the clerk's language; with `other` (the same result said in the other language), both, and the
    language link switches between them on the page itself: the result is kept, nothing is uploaded again."""
    images = images or []
    shared = pictures.backgrounds(images) if images else ""  # each page image once, for both versions
    mine = _result_body(document, lang, images, "")
    if other is None:
        return _page(lang, shared + mine)
    them = Lang(other.lang)
    theirs = _result_body(other, them, images, f"{them.value}-")
    t, m = them.value, lang.value
    # The other version shows while its anchor, or anything inside it, is the page's target (a finding tapped).
    shown = f"body:has(#{t}:target) .v-{t},body:has(.v-{t} :target) .v-{t}"
    hidden = f"body:has(#{t}:target) .v-{m},body:has(.v-{t} :target) .v-{m}"
    css = f"<style>.v-{t}{{display:none}}{shown}{{display:block}}{hidden}{{display:none}}</style>"
    body = (
        f'{shared}{css}<a id="{t}"></a><a id="{m}"></a>'
        f'<div class="v v-{m}">{_switch(lang, f"#{t}")}{mine}</div>'
        f'<div class="v v-{t}" lang="{"en" if them is Lang.en else "zh-CN"}">{_switch(them, f"#{m}")}{theirs}</div>'
    )
    return _page(lang, body, switch=False)
