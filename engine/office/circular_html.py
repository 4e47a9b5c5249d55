"""The circular (通报) draft as one self-contained page: the same content as the DOCX, for a browser or a phone."""

from __future__ import annotations

import datetime as dt
from html import escape

from nianbao.engine.office.circular import date_text, gather, joined, late_text, t, totals_text, year_text
from nianbao.engine.outputs.html_out import SCRIPT, cell, grade_chart, page, table
from nianbao.engine.result import ResultDocument


def render(document: ResultDocument, written: dt.date | None = None) -> str:
    """The circular as one page, dated `written` (default: today)."""
    c = gather(document)
    lang = c.lang

    def p(text: str) -> str:
        return f"<p>{escape(text)}</p>"

    def h2(key: str) -> str:
        return f"<h2>{escape(t(key, lang))}</h2>"

    totals = totals_text(c)
    if not c.roster:
        absent = t("no_roster", lang)
    elif c.missing:
        absent = t("missing", lang, count=len(c.missing), organs=joined(c.missing, lang))
    else:
        absent = t("no_missing", lang)
    late = late_text(c)
    labels = [t("rank", lang), t("organ", lang), t("score", lang), t("grade", lang)]
    ranking = table(
        labels,
        [
            [cell(rank, labels[0]), cell(organ, labels[1], "organ wide"), cell(score, labels[2]), cell(g, labels[3])]
            for rank, organ, score, g in c.ranking
        ],
    )
    problems = "".join(
        f"<li>{escape(t('problem', lang, title=pr.title, count=pr.count))}<ul>"
        + "".join(f"<li>{escape(t('example', lang, organ=o, message=m))}</li>" for o, m in pr.examples)
        + "</ul></li>"
        for pr in c.problems
    )
    groups = "".join(
        f"<h3>{escape(title)}</h3>"
        + table(header, [[cell(v, label) for v, label in zip(row, header, strict=True)] for row in rows])
        for title, (header, rows) in c.groups.items()
    )
    body = (
        f"<h1>{escape(t('title', lang, year=year_text(c)))}</h1>"
        + h2("totals_heading")
        + p(totals)
        + h2("late_heading")
        + p(absent)
        + p(late)
        + "".join(p(sentence) for sentence in c.accounts)
        + h2("grades_heading")
        + grade_chart(document, lang)
        + h2("ranking_heading")
        + ranking
        + (p(t("outside_ranking", lang, files=joined(c.outside, lang))) if c.outside else "")
        + h2("problems_heading")
        + (f"<ol>{problems}</ol>" if problems else p(t("no_problems", lang)))
        + (h2("groups_heading") + groups if groups else "")
        + h2("ask_heading")
        + p(t("ask", lang, days=c.reply_days, office=c.office))
        + f'<p style="text-align:right">{escape(c.office)}<br>{escape(date_text(written or dt.date.today(), lang))}</p>'
    )
    return page(t("title", lang, year=year_text(c)), body, SCRIPT, lang)
