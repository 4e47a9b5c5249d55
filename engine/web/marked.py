"""The clerk's own pages: each finding in a colour of its own, its cells outlined and numbered on the report's page
images (PDF) and on the drawn tables (every format).

Everything comes from the result: a finding's cells (`location.cells`, filled by the rule, built-in or plugin) and
where the reader found each cell (`report.cell_anchors`). Nothing is re-derived here. The page allows no script:
highlighting is CSS (`:target`, `:has`, `:hover`): tapping a finding goes to its first outline and lights up its
cells only; tapping an outline goes back to its finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.model import Anchor, Report
from nianbao.engine.outputs.html_out import SEVERITY, by_section, section_title, where
from nianbao.engine.readers.pdf.pages import PageImage
from nianbao.engine.result import FileResult, FindingResult
from nianbao.engine.template import (
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    Template,
    row_label,
)
from nianbao.engine.template_en import english
from nianbao.engine.web import pictures

# Each finding's colour: white numbers on them stand out at 4.5:1 or more (WCAG AA), and neighbours differ in hue.
PALETTE = ("#d62728", "#1f68c1", "#1e7a30", "#9333c4", "#b05a00", "#0b7482", "#b5236f", "#7a5230")

UI = {
    "page": Msg("第 {page} 页", "page {page}"),
    "see": Msg("在原文第 {page} 页查看", "see it on page {page}"),
    "table3": Msg("表三 收到和处理政府信息公开申请情况", "Table 3: applications received and handled"),
    "table4": Msg("表四 行政复议、行政诉讼情况", "Table 4: reconsideration and litigation"),
    "finding": Msg("问题 {n}", "finding {n}"),
}


def _t(key: str, lang: Lang, **params: object) -> str:
    return escape(UI[key].render(lang, params))


@dataclass(frozen=True)
class Numbered:
    n: int  # 1-based, the order of the list
    finding: FindingResult

    @property
    def colour(self) -> str:
        return PALETTE[(self.n - 1) % len(PALETTE)]

    @property
    def table(self) -> str | None:
        return self.finding.location.table or self.finding.location.section


def numbered(result: FileResult) -> list[Numbered]:
    """The findings that count, and those pending a check of the original (each says so: the clerk has the original
    at hand), numbered in the order the page lists them (by section, worst first)."""
    order = [f for _, group in by_section([f for f in result.findings if f.counts or f.pending]) for f in group]
    return [Numbered(i, f) for i, f in enumerate(order, start=1)]


def placed(report: Report, item: Numbered) -> list[tuple[str, str, Anchor]]:
    """The finding's cells the reader placed on a page: (row, column, anchor)."""
    out = []
    for row, column in item.finding.location.cells or []:
        anchor = report.cell_anchors.get(f"{item.table}:{row}:{column}")
        if anchor is not None and anchor.page and anchor.box:
            out.append((row, column, anchor))
    return out


def pages_to_draw(result: FileResult) -> list[int]:
    """The pages a finding's cells stand on, in page order."""
    if result.report is None:
        return []
    return sorted({a.page for item in numbered(result) for _, _, a in placed(result.report, item) if a.page})


def style(items: list[Numbered], p: str = "") -> str:
    """Each finding's colour, and what lights up when it (or one of its outlines) is hovered or tapped; `p`
    prefixes the ids of one language's version of the page."""
    rules = [
        ".sheet{margin:1rem 0}.paper{position:relative;border:1px solid #cfd5e0;max-width:900px}"
        ".box{position:absolute;border:2px solid var(--c);border-radius:2px;box-sizing:border-box;"
        "background:color-mix(in srgb,var(--c) 12%,transparent)}"
        + pictures.CSS  # the numbers in the page's margins, the crops
        + ".num{display:inline-block;min-width:24px;min-height:24px;line-height:24px;text-align:center;"
        "border-radius:12px;color:#fff;text-decoration:none;background:var(--c);font-size:.8rem;margin-right:.3rem}"
        "li.finding{scroll-margin-top:1rem;border-left:4px solid var(--c);padding-left:.4rem;margin:.3rem 0}"
        "td.mark{outline:2px solid var(--c);outline-offset:-2px;font-weight:bold;"
        "background:color-mix(in srgb,var(--c) 15%,transparent)}"
        "table.drawn th:first-child{position:sticky;left:0;background:#fff;z-index:1;min-width:7em;max-width:12em;"
        "white-space:normal;overflow-wrap:anywhere}"  # a long label wraps in its cell, never over the figures
        "body:has(.box:target) .box,body:has(li.finding:target) .box{opacity:.25}"
        ".box:target{scroll-margin-top:30vh}"
    ]
    for item in items:
        n, c = item.n, item.colour
        rules.append(f".f{n}{{--c:{c}}}")
        lit = f"background:color-mix(in srgb,{c} 35%,transparent);border-width:4px;opacity:1"
        rules.append(
            f"body:has(#{p}f{n}:hover) .box.f{n},body:has(#{p}f{n}:target) .box.f{n},"
            f"body:has(.box.f{n}:target) .box.f{n},.box.f{n}:hover{{{lit}}}"
        )
        rules.append(f"body:has(.box.f{n}:target) #{p}f{n},#{p}f{n}:target{{background:#fff7d6}}")
    return "<style>" + "".join(rules) + "</style>"


def findings_list(
    result: FileResult, items: list[Numbered], lang: Lang, p: str = "", images: list[PageImage] | None = None
) -> str:
    """The findings by section, each numbered in its colour, with a link to its first outline on the pages and,
    where the page is drawn, the page around its cells zoomed in."""
    report = result.report
    drawn = {image.page: image for image in images or []}
    by_finding = {id(i.finding): i for i in items}
    out = []
    for key, group in by_section([i.finding for i in items]):
        lis = []
        for f in group:
            item = by_finding[id(f)]
            spots = placed(report, item) if report else []
            link = ""
            number = f'<span class="num">{item.n}</span>'
            if spots:
                anchor = spots[0][2]
                link = f' <a href="#{p}c{item.n}-0">{_t("see", lang, page=anchor.page)}</a>'
                number = f'<a class="num" href="#{p}c{item.n}-0">{item.n}</a>'  # the number is a way there too
            place = where(f, lang)
            zoomed = ""
            if spots and spots[0][2].page in drawn:
                page = spots[0][2].page or 0
                on_page = [a for _, _, a in spots if a.page == page]
                label = UI["finding"].render(lang, {"n": item.n})
                zoomed = pictures.crop(drawn[page], on_page, f"#{p}c{item.n}-0", label)
            lis.append(
                f'<li class="finding f{item.n}" id="{p}f{item.n}">{number}'
                f'<span class="sev sev-{f.severity.value}">{escape(SEVERITY[f.severity].render(lang))}</span> '
                + (f'<span class="where">{escape(place)}</span> ' if place else "")
                + f"{escape(f.message)}{link}{zoomed}</li>"
            )
        out.append(f"<h3>{escape(section_title(key, lang))}</h3><ul>{''.join(lis)}</ul>")
    return "".join(out)


def sheets(result: FileResult, items: list[Numbered], images: list[PageImage], lang: Lang, p: str = "") -> str:
    """Each page image with every finding's cells outlined in the finding's colour and numbered."""
    report = result.report
    if report is None or not images:
        return ""
    outlines = [(item, k, anchor) for item in items for k, (_r, _c, anchor) in enumerate(placed(report, item))]
    offsets = pictures.badge_offsets([(item.n, f"{item.n}-{k}", anchor) for item, k, anchor in outlines])
    boxes: dict[int, list[str]] = {}
    for item, k, anchor in outlines:
        x0, y0, x1, y1 = anchor.box or (0, 0, 0, 0)
        label = escape(UI["finding"].render(lang, {"n": item.n}))
        drawn = boxes.setdefault(anchor.page or 0, [])
        drawn.append(
            f'<a class="box f{item.n}" id="{p}c{item.n}-{k}" href="#{p}f{item.n}" aria-label="{label}" '
            f'style="left:{x0 * 100:.2f}%;top:{y0 * 100:.2f}%;width:{(x1 - x0) * 100:.2f}%;'
            f'height:{(y1 - y0) * 100:.2f}%"></a>'
        )
        offset = offsets[f"{item.n}-{k}"]
        if offset is not None:  # its number, once in its band, in a margin: the tap target back to the finding
            style = pictures.badge_style(anchor, offset)
            drawn.append(f'<a class="badge f{item.n}" href="#{p}f{item.n}" style="{style}">{item.n}</a>')
    out = []
    for image in images:
        caption = _t("page", lang, page=image.page)
        out.append(
            f'<figure class="sheet" id="{p}p{image.page}"><div class="paper">{pictures.picture(image, caption)}'
            f"{''.join(boxes.get(image.page, []))}</div><figcaption>{caption}</figcaption></figure>"
        )
    return "".join(out)


def _marks(items: list[Numbered]) -> dict[tuple[str, str, str], Numbered]:
    """The first finding (in list order) that rests on each cell."""
    marks: dict[tuple[str, str, str], Numbered] = {}
    for item in items:
        for row, column in item.finding.location.cells or []:
            if item.table:
                marks.setdefault((item.table, row, column), item)
    return marks


def _drawn(title: str, table: str, rows: list, columns: list, marks: dict, lang: Lang) -> str:
    """A table as read: its row labels, then each cell, marked with the first finding that rests on it."""
    head = "".join(f"<th>{escape(english(c.label) if lang is Lang.en else c.label)}</th>" for c in columns)
    body = []
    for row_key, label, cells in rows:
        tds = []
        for column, value in cells:
            shown = "" if value is None else str(value)
            item = marks.get((table, row_key, column))
            attrs = f' class="mark f{item.n}" title="{item.n}"' if item else ""
            tds.append(f'<td{attrs} data-cell="{escape(row_key)}:{escape(column)}">{escape(shown)}</td>')
        body.append(f"<tr><th>{escape(label)}</th>{''.join(tds)}</tr>")
    return (
        f'<h3>{escape(title)}</h3><div class="scroll"><table class="drawn"><tr><th></th>{head}</tr>'
        f"{''.join(body)}</table></div>"
    )


def tables(result: FileResult, items: list[Numbered], lang: Lang) -> str:
    """Tables 三 and 四 as read, each finding's cells in its colour; row labels stay in view on a phone."""
    report = result.report
    assert report is not None
    marks = _marks(items)
    parts = []
    apps = report.applications
    if apps:
        template = Template(report.template or "2021")
        keys = [line.key for line in APPLICATION_ROWS[template]]
        keys += [k for k in apps if k not in keys]
        rows = [
            (k, row_label("applications", k, lang), [(c.key, apps[k].get(c.key)) for c in APPLICATION_COLUMNS])
            for k in keys
            if k in apps
        ]
        parts.append(_drawn(UI["table3"].render(lang), "applications", rows, list(APPLICATION_COLUMNS), marks, lang))
    review = report.review_litigation
    if review:
        rows = [
            (
                g.key,
                row_label("review_litigation", g.key, lang),
                [(c.key, review[g.key].get(c.key)) for c in REVIEW_COLUMNS],
            )
            for g in REVIEW_GROUPS
            if g.key in review
        ]
        parts.append(_drawn(UI["table4"].render(lang), "review_litigation", rows, list(REVIEW_COLUMNS), marks, lang))
    return "".join(parts)
