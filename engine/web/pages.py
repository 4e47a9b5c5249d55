"""The self-check pages: the upload form and the result, in plain language, tables drawn with the cells of
each failed identity highlighted. Every piece of report text is escaped (engine.outputs.html_out.page sets a
Content-Security-Policy that lets no script run at all here)."""

from __future__ import annotations

import base64
from html import escape

from engine.i18n import Lang, Msg
from engine.outputs.html_out import findings_html, page
from engine.result import FileResult, ResultDocument
from engine.scoring import grade_label
from engine.template import APPLICATION_COLUMNS, APPLICATION_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS, Template, row_label

UI = {
    "title": Msg("年报体检 · 自查", "Nianbao self-check"),
    "lead": Msg(
        "上传本机关的政府信息公开工作年度报告（PDF、Word（.docx）、网页（.html）、文本（.txt）），"
        "在提交前查看需要修改的地方。文件只用于本次检查，检查完即删除，不会保存。",
        "Upload your organ's annual disclosure report (PDF, Word .docx, web page .html, text .txt) and see what "
        "to fix before filing. The file is used for this check only and deleted right after.",
    ),
    "choose": Msg("选择报告文件", "Choose the report file"),
    "submit": Msg("开始检查", "Check"),
    "limit": Msg("文件不超过 20 MB。", "Files up to 20 MB."),
    "score": Msg("得分", "Score"),
    "findings": Msg("需要修改的地方", "What to fix"),
    "tables": Msg(
        "统计表（标黄的单元格是出错的勾稽关系所涉及的数字）",
        "Tables (highlighted cells take part in an identity that does not hold)",
    ),
    "table3": Msg("表三 收到和处理政府信息公开申请情况", "Table 3: applications received and handled"),
    "table4": Msg("表四 行政复议、行政诉讼情况", "Table 4: reconsideration and litigation"),
    "download": Msg("下载检查结果（JSON）", "Download the result (JSON)"),
    "again": Msg("检查另一份报告", "Check another report"),
    "failed": Msg("无法检查这个文件", "This file could not be checked"),
    "meta": Msg("{agency} · {year} · {template}", "{agency} · {year} · {template}"),
    "notes": Msg("读取说明", "Reading notes"),
    "other": Msg("English", "中文"),
}
STYLE = """
.upload{border:2px dashed #9aa6bd;border-radius:10px;padding:1.5rem;text-align:center;background:#f7f9fc}
.upload input[type=file]{margin:1rem 0;max-width:100%}button{font-size:1rem;padding:.5rem 1.5rem;border:0;
border-radius:6px;background:#2b5fb3;color:#fff;cursor:pointer}.big{font-size:2.5rem;font-weight:bold}
.scroll{overflow-x:auto}td.hit{background:#ffe58a;font-weight:bold;outline:2px solid #d4a106}
.lang{float:right}.identity{font-size:.85rem;color:#55607a}@media (max-width:600px){body{padding:.5rem}
table{font-size:.75rem}th,td{padding:.2rem}.big{font-size:2rem}}
"""


def _t(key: str, lang: Lang, **params: object) -> str:
    return escape(UI[key].render(lang, params))


def _page(lang: Lang, body: str) -> str:
    other = next(each for each in Lang if each != lang)
    switch = f'<a class="lang" href="/?lang={other.value}">{_t("other", lang)}</a>'
    return page(UI["title"].render(lang), f"<style>{STYLE}</style>{switch}{body}")


def upload_page(lang: Lang, message: str | None = None) -> str:
    notice = f'<p class="sev sev-error" role="alert">{escape(message)}</p>' if message else ""
    return _page(
        lang,
        f"<h1>{_t('title', lang)}</h1><p>{_t('lead', lang)}</p>{notice}"
        f'<form class="upload" method="post" action="/check?lang={lang.value}" enctype="multipart/form-data">'
        f'<label for="file">{_t("choose", lang)}</label><br>'
        '<input id="file" name="file" type="file" required accept=".pdf,.docx,.doc,.wps,.html,.htm,.txt,.json"><br>'
        f'<button type="submit">{_t("submit", lang)}</button><p>{_t("limit", lang)}</p></form>',
    )


def _table(
    title: str,
    rows: list[tuple[str, str, list[tuple[str, object]]]],
    columns: list[str],
    hits: set[tuple[str, str, str]],
    table: str,
) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in ["", *columns])
    body = []
    for row_key, label, cells in rows:
        tds = []
        for col_key, value in cells:
            shown = "" if value is None else str(value)
            cls = ' class="hit"' if (table, row_key, col_key) in hits else ""
            tds.append(f'<td{cls} data-cell="{escape(row_key)}:{escape(col_key)}">{escape(shown)}</td>')
        body.append(f"<tr><th>{escape(label)}</th>{''.join(tds)}</tr>")
    rows_html = "".join(body)
    return f'<h3>{escape(title)}</h3><div class="scroll"><table><tr>{head}</tr>{rows_html}</table></div>'


def highlighted(result: FileResult) -> set[tuple[str, str, str]]:
    """(table, row, column) of every cell a counting finding rests on, as its rule recorded them."""
    hits = set()
    for f in result.findings:
        table = f.location.table or f.location.section
        if f.counts and table and f.location.cells:
            hits |= {(table, row, column) for row, column in f.location.cells}
    return hits


def tables_html(result: FileResult, lang: Lang) -> str:
    report = result.report
    assert report is not None
    apps = report.applications
    hits = highlighted(result)
    parts = []
    if apps:
        template = Template(report.template or "2021")
        keys = [line.key for line in APPLICATION_ROWS[template]]
        keys += [k for k in apps if k not in keys]
        rows = [
            (k, row_label("applications", k), [(c.key, apps[k].get(c.key)) for c in APPLICATION_COLUMNS])
            for k in keys
            if k in apps
        ]
        parts.append(
            _table(UI["table3"].render(lang), rows, [c.label for c in APPLICATION_COLUMNS], hits, "applications")
        )
    rl = report.review_litigation
    if rl:
        rows = [
            (g.key, g.label, [(c.key, rl[g.key].get(c.key)) for c in REVIEW_COLUMNS])
            for g in REVIEW_GROUPS
            if g.key in rl
        ]
        parts.append(
            _table(UI["table4"].render(lang), rows, [c.label for c in REVIEW_COLUMNS], hits, "review_litigation")
        )
    return "".join(parts)


def result_page(document: ResultDocument, lang: Lang) -> str:
    result = document.results[0]
    data = base64.b64encode(document.to_json(indent=None).encode()).decode()
    download = (
        f'<p><a download="nianbao-result.json" href="data:application/json;base64,{data}">'
        f'{_t("download", lang)}</a> · <a href="/?lang={lang.value}">{_t("again", lang)}</a></p>'
    )
    name = escape(result.source.path)
    if result.error:
        body = (
            f"<h1>{_t('failed', lang)}</h1><p>{name}</p>"
            f'<p class="sev sev-error">[{escape(result.error.code)}]</p><p>{escape(result.error.message)}</p>'
        )
        return _page(lang, body + download)
    report = result.report
    assert report is not None
    grade = grade_label(result.grade, lang)
    meta = _t("meta", lang, agency=report.agency or "-", year=report.year or "-", template=report.template or "-")
    notes = ""
    if report.notes:
        notes = f"<h3>{_t('notes', lang)}</h3><ul>" + "".join(f"<li>{escape(n)}</li>" for n in report.notes) + "</ul>"
    body = (
        f"<h1>{_t('title', lang)}</h1><p>{name}<br>{meta}</p>"
        f'<p>{_t("score", lang)} <span class="big g-{escape(result.grade or "")}" id="score">{result.score:.1f}</span> '
        f'<span class="big g-{escape(result.grade or "")}" id="grade">{escape(grade)}</span></p>'
        f"{download}<h2>{_t('findings', lang)}</h2>{findings_html(result, lang)}"
        f"<h2>{_t('tables', lang)}</h2>{tables_html(result, lang)}{notes}"
    )
    return _page(lang, body)
