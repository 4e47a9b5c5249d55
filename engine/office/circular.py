"""What the office's circular (通报) says, gathered once from the result document; `circular_docx` and
`circular_html` lay it out.

Totals; who did not report (the roster) and who published late (NB401 failed); the grades; the ranking; the problems
found most often, counted once per report, each with two quoted examples; and the batch by region and by kind where a
roster gave them. Nothing here decides what a rule decided: it counts the findings that still count after review.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.outputs.accounting import account_sentences
from nianbao.engine.outputs.rollups import GROUPINGS, LATE_RULE, ROLLUP_COLUMNS, missing_rows, rollup_rows
from nianbao.engine.outputs.rows import file_name, ranked, ranks
from nianbao.engine.result import FileResult, Outline, ResultDocument
from nianbao.engine.rule import Category, Severity
from nianbao.engine.scoring import GRADES, NOT_JUDGED, grade_label

TOP_PROBLEMS = 10
EXAMPLES = 2

UI: dict[str, Msg] = {
    "title": Msg(
        "关于{year}政府信息公开工作年度报告检查情况的通报",
        "Circular on the check of the {year}annual reports on government information disclosure",
    ),
    "year": Msg("{year}年度", "{year} "),
    "totals_heading": Msg("一、总体情况", "1. Overview"),
    "totals": Msg(
        "本次共收到年度报告 {files} 份，其中 {checked} 份完成检查，{unreadable} 份无法读取；平均得分 {mean}。",
        "{files} annual report(s) were received: {checked} checked, {unreadable} could not be read; mean score {mean}.",
    ),
    "roster_totals": Msg(
        "应报送机关 {expected} 个，未报送 {missing} 个。",
        "{expected} organ(s) were due to report; {missing} did not.",
    ),
    "outside_ranking": Msg(
        "未纳入排名：{files}（不在名单内、重复报送或非本年度）。",
        "Not ranked: {files} (not on the roster, filed twice, or of another year).",
    ),
    "late_heading": Msg("二、未报送和逾期发布情况", "2. Not reported and published late"),
    "missing": Msg("未报送年度报告的机关（{count} 个）：{organs}。", "Did not report ({count}): {organs}."),
    "no_missing": Msg("名单内机关均已报送。", "Every organ on the roster reported."),
    "no_roster": Msg(
        "未提供应报送机关名单（--roster），无法统计未报送情况。", "No roster given: who did not report is unknown."
    ),
    "late": Msg("逾期发布年度报告的机关（{count} 个）：{organs}。", "Published late ({count}): {organs}."),
    "no_late": Msg("未发现逾期发布的报告。", "No report was published late."),
    "no_late_judged": Msg(
        "在能判断发布时间的 {judged} 份报告中，未发现逾期发布的。",
        "Of the {judged} report(s) whose timeliness could be judged, none was published late.",
    ),
    "undated": Msg(
        "另有 {count} 份报告无法判断是否逾期：{reasons}。请相关单位提供发布日期（如网页发布页的截图或链接）。",
        "For {count} more report(s) lateness could not be judged: {reasons}. The organs concerned are asked to state "
        "when they published (a link to, or a picture of, the published page).",
    ),
    "undated_reason": Msg("{count} 份{reason}", "{count}: {reason}"),
    "grades_heading": Msg("三、等级分布", "3. Grades"),
    "ranking_heading": Msg("四、得分排名", "4. Ranking"),
    "problems_heading": Msg("五、主要问题", "5. The most frequent problems"),
    "problem": Msg("{title}（{count} 份报告）", "{title} ({count} report(s))"),
    "example": Msg("例：{organ}——“{message}”", "e.g. {organ}: \u201c{message}\u201d"),
    "no_problems": Msg("未发现问题。", "No problems found."),
    "groups_heading": Msg("六、分地区、分类型情况", "6. By region and by kind"),
    "ask_heading": Msg("七、工作要求", "7. What organs are asked to do"),
    "ask": Msg(
        "请各单位对照反馈意见逐项整改，于 {days} 日内将整改情况报送{office}；未报送和逾期发布的单位请说明原因。",
        "Each organ is asked to correct every point of its feedback letter within {days} days and report to "
        "{office}; organs that did not report or published late are asked to explain why.",
    ),
    "office": Msg("我办", "us"),
    "date": Msg("{year}年{month}月{day}日", "{iso}"),
    "rank": Msg("名次", "rank"),
    "organ": Msg("机关", "organ"),
    "score": Msg("得分", "score"),
    "grade": Msg("等级", "grade"),
    "count": Msg("份数", "reports"),
    "unreadable": Msg("无法读取", "unreadable"),
}


def t(key: str, lang: Lang, **params: object) -> str:
    return UI[key].render(lang, params)


@dataclass
class Problem:
    rule: str
    title: str
    count: int  # reports with a counting finding of this rule
    examples: list[tuple[str, str]]  # (organ, message)


@dataclass
class Circular:
    lang: Lang
    year: int | None
    files: int
    checked: int
    unreadable: int
    mean: float | None
    roster: bool
    expected: int  # organs on the roster (reports matched plus missing)
    missing: list[str]
    late: list[str]
    # Reports whose lateness could not be judged, by why (nianbao.engine.scoring.NOT_JUDGED's keys): never counted on
    # time.
    undated: dict[str, int]
    grades: list[tuple[str, int]]  # (grade as the reader's language names it, count), best first; then unreadable
    ranking: list[tuple[int | None, str, float | None, str]]  # (rank, organ, score, grade)
    problems: list[Problem]
    groups: dict[str, tuple[list[str], list[list[Any]]]] = field(default_factory=dict)  # title → (header, rows)
    accounts: list[str] = field(default_factory=list)  # sentences naming every file that is not simply a report
    outside: list[str] = field(default_factory=list)  # files left out of the ranking, by file name
    office: str = ""
    reply_days: int = 15


def organ_name(result: FileResult) -> str:
    return result.organ or (result.report.agency if result.report else None) or result.source.path


def problems(document: ResultDocument) -> list[Problem]:
    """Rules that cost points (errors and warnings), counted once per report, most frequent first."""
    counts: Counter[str] = Counter()
    examples: dict[str, list[tuple[str, str]]] = {}
    for result in document.results:
        seen = set()
        for f in result.findings:
            if not f.counts or f.severity == Severity.info or f.rule in seen:
                continue
            seen.add(f.rule)
            counts[f.rule] += 1
            chosen = examples.setdefault(f.rule, [])
            if len(chosen) < EXAMPLES:
                chosen.append((organ_name(result), f.message))
    titles = document.profile.titles
    return [
        Problem(rule, titles.get(rule, rule), n, examples[rule])
        for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PROBLEMS]
    ]


def _ranked_files(document: ResultDocument) -> set[str] | None:
    """With a roster, the files ranked: each roster organ's one report of the year (not 名单外, not another year's,
    not the second of a duplicate: the roster lists an organ's files with a text layer's before a scan's). None
    without a roster: every file is ranked."""
    roster = document.roster
    if roster is None:
        return None
    chosen = set()
    for e in roster.entries:
        if e.status == "checked" and e.files:
            chosen.add(e.files[0])
    return chosen


def totals_text(c: Circular) -> str:
    """The overview's sentences (in English with a space between them)."""
    said = [t("totals", c.lang, files=c.files, checked=c.checked, unreadable=c.unreadable, mean=mean_text(c))]
    if c.roster:
        said.append(t("roster_totals", c.lang, expected=c.expected, missing=len(c.missing)))
    return ("" if c.lang is Lang.zh else " ").join(said)


def date_text(day: dt.date, lang: Lang) -> str:
    return t("date", lang, year=day.year, month=day.month, day=day.day, iso=day.isoformat())


def gather(document: ResultDocument) -> Circular:
    lang = Lang(document.lang)
    s = document.summary
    # One pass over the results (a stored batch's are read back one at a time): what the circular counts.
    years: Counter[int] = Counter()
    late: list[str] = []
    undated: Counter[str] = Counter()
    reported: set[str] = set()
    unmatched = set(document.roster.unmatched) if document.roster is not None else set()
    for r in document.results:
        if r.report is None:
            continue
        if r.report.year:
            years[r.report.year] += 1
        if any(x.rule == LATE_RULE and x.status == "fail" for x in r.rules):
            late.append(organ_name(r))
        if Category.timeliness in r.not_judged:
            undated[r.not_judged[Category.timeliness]] += 1
        if r.organ and r.source.path not in unmatched:
            reported.add(r.organ)
    year = document.roster.year if document.roster and document.roster.year else None
    year = year or (max(years, key=lambda y: (years[y], y)) if years else None)  # the usual year, else the latest
    grade_counts = [(grade_label(zh, lang), s.grades.get(zh, 0)) for _, zh, _ in GRADES]
    grade_counts.append((t("unreadable", lang), s.unreadable))
    order = ranked(document)
    ranked_files = _ranked_files(document)
    # One pass over the results: the lines of the ranking, and the checked files left out of it (with a roster).
    kept: list[tuple[Outline, tuple[str, float | None, str]]] = []
    outside: list[str] = []
    for outline, r in zip(order.outlines, order, strict=True):
        if ranked_files is None or outline.path in ranked_files:
            grade = grade_label(r.grade, lang) if r.grade else t("unreadable", lang)
            kept.append((outline, (organ_name(r), r.score, grade)))
        elif outline.checked:
            outside.append(file_name(outline.path))
    ranking = [(rank, *line) for rank, (_, line) in zip(ranks([o for o, _ in kept]), kept, strict=True)]
    missing = [row["organ"] for row in missing_rows(document)]
    circular = Circular(
        lang=lang,
        year=year,
        files=s.files,
        checked=s.checked,
        unreadable=s.unreadable,
        mean=s.mean_score,
        roster=document.roster is not None,
        expected=document.roster.expected if document.roster is not None else 0,
        missing=missing,
        late=sorted(late),
        undated=dict(undated),
        grades=grade_counts,
        ranking=ranking,
        problems=problems(document),
        office=document.profile.letterhead.office or t("office", lang),
        reply_days=document.profile.letterhead.reply_days,
    )
    if document.roster is not None:
        circular.accounts = account_sentences(document, lang)
        circular.outside = outside
        header = [label.render(lang) for label in ROLLUP_COLUMNS.values()]
        for by, title in GROUPINGS.items():
            rows = [list(row.values()) for row in rollup_rows(document, by)]
            circular.groups[title.render(lang)] = (header, rows)
    return circular


def year_text(circular: Circular) -> str:
    return t("year", circular.lang, year=circular.year) if circular.year else ""


def mean_text(circular: Circular) -> str:
    return "-" if circular.mean is None else f"{circular.mean:.1f}"


def late_text(circular: Circular) -> str:
    """Who published late; never "no report was late" where lateness could not be judged for some."""
    lang = circular.lang
    if circular.late:
        said = t("late", lang, count=len(circular.late), organs=joined(circular.late, lang))
    elif circular.undated:
        said = t("no_late_judged", lang, judged=circular.checked - sum(circular.undated.values()))
    else:
        said = t("no_late", lang)
    if circular.undated:
        reasons = joined(
            [
                t("undated_reason", lang, count=n, reason=NOT_JUDGED[why].render(lang))
                for why, n in circular.undated.items()
            ],
            lang,
        )
        said += t("undated", lang, count=sum(circular.undated.values()), reasons=reasons)
    return said


def joined(names: list[str], lang: Lang) -> str:
    return ("、" if lang is Lang.zh else ", ").join(names)
