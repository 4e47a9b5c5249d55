"""`--format html`: one self-contained page for an intranet: a sortable overview, the grade distribution as a
chart, and every report's findings. No external assets; every piece of report text is escaped, and the page's
Content-Security-Policy allows only its own script (by hash), so nothing from a report can ever run.
"""

from __future__ import annotations

import base64
import hashlib
from html import escape

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.notes import in_language
from nianbao.engine.outputs.accounting import ACCOUNT_COLUMNS, account_rows
from nianbao.engine.outputs.rollups import GROUPINGS, MISSING_COLUMNS, ROLLUP_COLUMNS, missing_rows, rollup_rows
from nianbao.engine.outputs.rows import (
    REPORT_COLUMNS,
    REVIEW,
    SEVERITY,
    by_section,
    category_parts,
    cells_text,
    failed_rules,
    headers,
    labels_of,
    ranked,
    report_rows,
    section_title,
)
from nianbao.engine.result import FileResult, FindingResult, ResultDocument
from nianbao.engine.scoring import GRADES, grade_label

UI = {
    "title": Msg("年报体检结果", "Nianbao results"),
    "page": Msg("第 {page} 页", "page {page}"),
    "missing": Msg("未报送（{year} 年度，{count} 个机关）", "Did not report ({year}: {count} organ(s))"),
    "accounts": Msg("名单核对（应报送 {expected} 个机关）", "Roster check ({expected} organ(s) due to report)"),
    "line": Msg("第 {line} 行", "line {line}"),
    "summary": Msg(
        "共 {files} 个文件：已检查 {checked} 个，无法读取 {unreadable} 个；平均分 {mean}。",
        "{files} file(s): {checked} checked, {unreadable} unreadable; mean score {mean}.",
    ),
    "chart": Msg("等级分布", "Grades"),
    "unreadable": Msg("无法读取", "unreadable"),
    "overview": Msg(
        "总览（点击表头排序，点击机关名称查看问题）", "Overview (click a heading to sort, an organ to see its findings)"
    ),
    "legend": Msg("规则说明", "Rules"),
    "by_category": Msg("分项", "by category"),
    "reports": Msg("各报告问题", "Findings by report"),
    "clean": Msg("未发现问题。", "No findings."),
    "generated": Msg("由 Nianbao {version} 生成，评分方法：{method}", "Made by Nianbao {version}; scoring: {method}"),
    "notes": Msg("读取说明", "Reading notes"),
}

STYLE = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:0 auto;max-width:1200px;padding:1rem;
color:#1d2330;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}.scroll{overflow-x:auto}summary,li,p,footer{overflow-wrap:anywhere}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #cfd5e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f8;cursor:pointer;user-select:none;white-space:nowrap}td.num{text-align:right;white-space:nowrap}
td[class^="g-"]{white-space:nowrap}td.organ{min-width:9em}td.short{white-space:nowrap}td.file{max-width:16em;overflow-wrap:anywhere;font-size:.8rem}
abbr{text-decoration:underline dotted;cursor:help}dl.legend dt{font-family:monospace;float:left;clear:left;width:5em}
dl.legend dd{margin:0 0 .2rem 5.5em}
@media (max-width:640px){
body{padding:.5rem}table.cards thead{display:none}
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:auto;max-width:none}
table.cards tr{border:1px solid #cfd5e0;border-radius:6px;margin:.5rem 0;padding:.3rem .6rem;display:grid;
grid-template-columns:repeat(2,minmax(0,1fr));column-gap:.8rem}table.cards td.wide{grid-column:1/-1}
table.cards td{border:none;padding:.1rem 0;text-align:left;white-space:normal;min-width:0}
table.cards td::before{content:attr(data-label) "：";color:#55607a}table.cards td:empty{display:none}
.scroll{overflow-x:visible}}
.g-优秀{color:#17743a}.g-良好{color:#2b5fb3}.g-合格{color:#9a6700}.g-不合格{color:#b42318}
details{border:1px solid #cfd5e0;border-radius:6px;margin:.5rem 0;padding:.4rem .8rem}summary{cursor:pointer}
.sev{display:inline-block;min-width:3em;border-radius:4px;padding:0 .3em;color:#fff;font-size:.8rem;text-align:center}
.sev-error{background:#b42318}.sev-warning{background:#b76e00}.sev-info{background:#55607a}
.dismissed{text-decoration:line-through;opacity:.6}.pending{opacity:.75;font-style:italic}.rule{font-family:monospace}.where{color:#55607a}
.review{font-size:.8rem;color:#55607a}footer{margin-top:2rem;font-size:.8rem;color:#55607a}
"""

# Sorting any table of the page by the column clicked: numbers as numbers, text as text, blanks last.
SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var col = th.cellIndex, body = th.closest("table").tBodies[0];
    var asc = th.dataset.dir !== "asc"; th.dataset.dir = asc ? "asc" : "desc";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
      if (x === "" || y === "") { return x === y ? 0 : (x === "" ? 1 : -1); }
      var nx = Number(x), ny = Number(y);
      var r = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, "zh");
      return asc ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
// A link to a report's findings opens them (a closed <details> would hide what the link points at).
function openTarget() {
  var id = decodeURIComponent(location.hash.slice(1)), el = id && document.getElementById(id);
  if (el && el.tagName === "DETAILS") { el.open = true; el.scrollIntoView(); }
}
window.addEventListener("hashchange", openTarget);
openTarget();
"""


def t(key: str, lang: Lang, **params: object) -> str:
    return escape(UI[key].render(lang, params))


def page(title: str, body: str, script: str = "", lang: Lang = Lang.zh) -> str:
    """A complete page: inline style, and only `script` (by its hash) allowed to run."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{digest}'"
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang is Lang.zh else "en"}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n"
        + (f"<script>{script}</script>" if script else "")
        + "</body></html>\n"
    )


def grade_chart(document: ResultDocument, lang: Lang) -> str:
    """Bars per grade (and unreadable files), drawn as inline SVG."""
    bars = [(grade_label(g, lang), document.summary.grades.get(g, 0), g) for _, g, _ in GRADES]
    bars.append((UI["unreadable"].render(lang), document.summary.unreadable, "unreadable"))
    top = max([n for _, n, _ in bars] + [1])
    colours = {"优秀": "#17743a", "良好": "#2b5fb3", "合格": "#9a6700", "不合格": "#b42318", "unreadable": "#55607a"}
    parts = []
    for i, (label, count, key) in enumerate(bars):
        height = round(120 * count / top)
        x = 20 + i * 90
        parts.append(
            f'<rect x="{x}" y="{140 - height}" width="60" height="{height}" fill="{colours[key]}"></rect>'
            f'<text x="{x + 30}" y="{135 - height}" text-anchor="middle">{count}</text>'
            f'<text x="{x + 30}" y="158" text-anchor="middle">{escape(label)}</text>'
        )
    return (
        f'<svg role="img" aria-label="{t("chart", lang)}" width="480" height="170" viewBox="0 0 480 170" '
        'style="max-width:100%;height:auto" '
        f'font-size="12" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'
    )


def table(labels: list[str], rows: list[list[str]]) -> str:
    """A sortable table that becomes one card per row on a phone (each cell labelled by its column)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in labels)
    body = "".join("<tr>" + "".join(rows_cells) + "</tr>" for rows_cells in rows)
    return (
        f'<div class="scroll"><table class="sortable cards"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _table(columns: dict[str, Msg], rows: list[dict], lang: Lang) -> str:
    labels = headers(columns, lang)
    return table(labels, [[cell(v, label) for v, label in zip(row.values(), labels, strict=True)] for row in rows])


def rollups_html(document: ResultDocument, lang: Lang) -> str:
    """Who did not report (with a roster), then the batch by region and by kind."""
    parts = []
    if document.roster is not None:
        absent = list(missing_rows(document))
        title = t("missing", lang, count=len(absent), year=document.roster.year or "")
        parts.append(f"<h2>{title}</h2>" + (_table(MISSING_COLUMNS, absent, lang) if absent else ""))
        accounts = t("accounts", lang, expected=document.roster.expected)
        parts.append(f"<h2>{accounts}</h2>" + _table(ACCOUNT_COLUMNS, list(account_rows(document)), lang))
    for by, title in GROUPINGS.items():
        table = _table(ROLLUP_COLUMNS, list(rollup_rows(document, by)), lang)
        parts.append(f"<h2>{escape(title.render(lang))}</h2>{table}")
    return "".join(parts)


def cell(value: object, label: str, css: str = "", shown: str | None = None) -> str:
    """A table cell: `value` sorts, `shown` (already escaped HTML) is what is seen, `label` names it on a card."""
    text = "" if value is None else str(value)
    classes = " ".join(c for c in (css, "num" if isinstance(value, int | float) else "") if c)
    html = escape(text) if shown is None else shown
    return (
        f'<td data-v="{escape(text)}" data-label="{escape(label)}"'
        + (f' class="{escape(classes)}"' if classes else "")
        + f">{html}</td>"
    )


# The overview's columns, in the order an office head reads them; the file comes last (it is long).
OVERVIEW = (
    "rank", "organ", "region", "kind", "year", "score", "previous_score", "grade", "categories", "errors",
    "warnings", "failed_rules", "template", "read_error", "file",
)  # fmt: skip


def overview(document: ResultDocument, lang: Lang) -> str:
    """One row per report, best first; columns that are empty for every report (no roster, no history) left out."""
    order = ranked(document)
    rows = [
        {**row, "categories": "、".join(category_parts(r, lang, document.profile.categories)), "index": i}
        for i, (row, r) in enumerate(zip(report_rows(document), order, strict=True))
    ]
    columns = [k for k in OVERVIEW if any(row.get(k) not in (None, "") for row in rows) or k in ("organ", "score")]
    labels = {k: (REPORT_COLUMNS[k] if k in REPORT_COLUMNS else UI["by_category"]).render(lang) for k in columns}
    body = []
    for row, result in zip(rows, order, strict=True):
        cells = []
        for key in columns:
            value, label = row.get(key), labels[key]
            if key == "organ":
                name = value or result.source.path
                link = f'<a href="#r{row["index"]}">{escape(name)}</a>'
                cells.append(cell(name, label, "organ wide", link))
            elif key == "grade" and value:
                cells.append(cell(value, label, f"g-{result.grade}"))
            elif key == "failed_rules":
                rules = failed_rules(result)
                shown = " ".join(
                    f'<abbr title="{escape(document.profile.titles.get(rule, rule))}">{escape(rule)}</abbr>'
                    for rule in rules
                )
                cells.append(cell(" ".join(rules), label, "wide", shown))
            elif key in ("region", "kind"):
                cells.append(cell(value, label, "short"))
            elif key in ("file", "categories", "read_error"):
                cells.append(cell(value, label, f"{key} wide"))
            else:
                cells.append(cell(value, label))
        body.append(cells)
    return table([labels[k] for k in columns], body)


def legend(document: ResultDocument, lang: Lang) -> str:
    """The titles of the rules that failed somewhere in the batch, for reading the overview's ids."""
    seen = sorted({rule for r in document.results for rule in failed_rules(r)})
    if not seen:
        return ""
    items = "".join(
        f"<dt>{escape(rule)}</dt><dd>{escape(document.profile.titles.get(rule, rule))}</dd>" for rule in seen
    )
    return f'<h2>{t("legend", lang)}</h2><dl class="legend">{items}</dl>'


def where(f: FindingResult, lang: Lang) -> str:
    loc = f.location
    cells = cells_text(f, lang=lang)
    parts = [cells] if cells and len(loc.cells or []) > 1 else labels_of(f, lang)
    if loc.page:
        parts.append(UI["page"].render(lang, {"page": loc.page}))
    elif loc.line:
        parts.append(UI["line"].render(lang, {"line": loc.line}))
    return " · ".join(parts)


def finding_item(f: FindingResult, lang: Lang) -> str:
    review = f' <span class="review">[{escape(REVIEW["pending"].render(lang))}]</span>' if f.pending else ""
    if f.review:
        review = (
            f' <span class="review">[{escape(REVIEW[f.review.status].render(lang))}：{escape(f.review.reason)}]</span>'
        )
    cls = ' class="pending"' if f.pending else ' class="dismissed"' if not f.counts else ""
    place = where(f, lang)
    return (
        f'<li{cls}><span class="sev sev-{f.severity.value}">{escape(SEVERITY[f.severity].render(lang))}</span> '
        f'<span class="rule">{escape(f.rule)}</span> '
        + (f'<span class="where">{escape(place)}</span> ' if place else "")
        + f"{escape(f.message)}{review}</li>"
    )


def findings_html(result: FileResult, lang: Lang) -> str:
    """A report's findings grouped by section, in section order, most serious first."""
    if not result.findings:
        return f"<p>{t('clean', lang)}</p>"
    out = []
    for key, findings in by_section(result.findings):
        items = "".join(finding_item(f, lang) for f in findings)
        out.append(f"<h4>{escape(section_title(key, lang))}</h4><ul>{items}</ul>")
    return "".join(out)


def report_block(index: int, result: FileResult, lang: Lang, points: dict | None = None) -> str:
    report = result.report
    if result.error:
        summary = f"{escape(result.source.path)} — {t('unreadable', lang)}"
        body = f"<p>[{escape(result.error.code)}] {escape(result.error.message)}</p>"
    else:
        assert report is not None
        grade = grade_label(result.grade, lang)
        summary = (
            f"{escape(result.organ or report.agency or result.source.path)} · {escape(str(report.year or ''))} · "
            f'<span class="g-{escape(result.grade or "")}">{result.score:.1f} {escape(grade)}</span>'
            f' <span class="where">{escape(result.source.path)}</span>'
        )
        parts = category_parts(result, lang, points or {})
        body = (f'<p class="where">{escape("、".join(parts))}</p>' if parts else "") + findings_html(result, lang)
        if report.notes:
            notes = "".join(f"<li>{escape(in_language(n, lang))}</li>" for n in report.notes)
            body += f"<h4>{t('notes', lang)}</h4><ul>{notes}</ul>"
    return f'<details id="r{index}"><summary>{summary}</summary>{body}</details>'


def render(document: ResultDocument) -> str:
    lang = Lang(document.lang)
    s = document.summary
    mean = "-" if s.mean_score is None else f"{s.mean_score:.1f}"
    blocks = "".join(report_block(i, r, lang, document.profile.categories) for i, r in enumerate(ranked(document)))
    body = (
        f"<h1>{t('title', lang)}</h1>"
        f"<p>{t('summary', lang, files=s.files, checked=s.checked, unreadable=s.unreadable, mean=mean)}</p>"
        f"<h2>{t('chart', lang)}</h2>{grade_chart(document, lang)}"
        f"{rollups_html(document, lang)}"
        f"<h2>{t('overview', lang)}</h2>{overview(document, lang)}{legend(document, lang)}"
        f"<h2>{t('reports', lang)}</h2>{blocks}"
        f"<footer>{t('generated', lang, version=document.tool.version, method=document.profile.method)}</footer>"
    )
    return page(UI["title"].render(lang), body, SCRIPT, lang)
