"""Print a report model as a portal page: navigation around the article, a metadata block with the
publication date, Word-style markup (numbers split across <span>s), tables with rowspan and colspan."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

from nianbao.engine.model import Report
from nianbao.engine.testing.layouts import TABLE_LAYOUTS, Layout


def _table(layout: Layout) -> str:
    rows = []
    for row in layout:
        cells = []
        for cell in row:
            span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
                f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
            )
            text = escape(cell.text).replace("\n", "<br/>") if cell.text else "&nbsp;"
            cells.append(f'<td{span}><p style="text-align:center"><span>{text}</span></p></td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1" cellspacing="0" style="border-collapse:collapse">\n' + "\n".join(rows) + "\n</table>"


def _prose(text: str) -> str:
    # Word exports split runs anywhere, figures included: "<span>2</span><span>02</span><span>2</span>年".
    def split(m: re.Match[str]) -> str:
        digits = m.group(0)
        return "".join(f"<span>{escape(digits[i : i + 2])}</span>" for i in range(0, len(digits), 2))

    return re.sub(r"\d+", split, escape(text))


def render_html(report: Report, published: dt.date | None = None, encoding: str = "utf-8") -> bytes:
    body = [f'<h1 class="article-title">{escape(report.title or "")}</h1>']
    body += [f"<p>{_prose(p)}</p>" for p in report.preface.split("\n") if p]
    for section in report.sections:
        body.append(f'<p style="font-weight:bold"><strong>{escape(section.heading)}</strong></p>')
        body += [f"<p>{_prose(p)}</p>" for p in section.text.split("\n") if p]
        layout = TABLE_LAYOUTS.get(section.key.value)
        if layout and report.table(section.key.value):
            body.append(_table(layout(report)))
    date = published.isoformat() if published else ""
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={encoding}">
<title>{escape(report.title or "")}_政府信息公开年报_门户网站</title>
<script>var nav = "<p>一、总体情况</p>";</script><style>p {{ margin: 0 }}</style></head>
<body>
<div class="header"><ul class="nav"><li>首页</li><li>政务公开</li><li>政府信息公开年报</li><li>互动交流</li></ul></div>
<div class="meta"><table class="table_content"><tr><td>索引号</td><td>000000000/{report.year or 0}-00001</td>
<td>发布日期</td><td>{date}</td></tr><tr><td>发布机构</td><td>{escape(report.agency or "")}</td></tr></table></div>
<div class="article"><div id="zoomcon">
{chr(10).join(body)}
</div></div>
<div class="footer"><p>主办单位：某某市人民政府办公室 网站标识码：0000000000 备案号：某ICP备00000000号</p></div>
</body></html>
"""
    return page.encode(encoding)
