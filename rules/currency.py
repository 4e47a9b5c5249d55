"""Rules on whether a report is current: it follows today's format and legal basis (NB107) and its dates make
sense (NB108)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from nianbao.engine import (
    Applies,
    Category,
    CheckContext,
    Finding,
    Location,
    Msg,
    Report,
    Rule,
    SectionKey,
    Severity,
    compact,
    hookimpl,
)
from nianbao.rules.support import section_location

_OLD_TERM = r"(?<!行政)(?<!党内)规范性文件"
_NOT_FIGURE = r"[^，,。；;：:\d]"
# Superseded bases a 2021+ report should no longer follow, each with how to name it in a message.
_OUTDATED = (
    (
        re.compile(r"国办公开办函[〔\[(（【]?2019[〕\])）】]?60号"),
        "国办公开办函〔2019〕60号（2019 版格式）",
        "the 2019 format",
    ),
    (re.compile(r"年度报告格式[（(]试行[）)]"), "年度报告格式（试行）", "the trial format"),
    (re.compile(r"国务院令第?492号|第492号令"), "国务院令第492号（2007 年《条例》）", "the 2007 Regulation"),
    (re.compile(r"收费及减免|收费和减免"), "“收费及减免”（2019 年以前的章节）", "the pre-2019 heading on fees"),
    # The 2019 table 二 counted 规范性文件; the 2021 one counts 行政规范性文件 (a narrower set). Only the table's
    # statistics are read ("制发规范性文件5件", "现行有效规范性文件"): the word has other, current uses.
    (
        re.compile(
            rf"(?:制发|制定|印发|出台|废止|现行有效){_NOT_FIGURE}{{0,4}}?{_OLD_TERM}"
            rf"|{_OLD_TERM}{_NOT_FIGURE}{{0,8}}?(?:\d+|[一二三四五六七八九十]+)(?:件|个|份)"
        ),
        "“规范性文件”（2019 版表二的名称，2021 版为“行政规范性文件”）",
        "'规范性文件' (the 2019 table's name; 2021 counts 行政规范性文件)",
    ),
)


class OutdatedReferences(Rule):
    """A report from 2021 on follows the current format and cites the current Regulation.

    Why: the 2021 format (国办公开办函〔2021〕30号) replaced the 2019 one (〔2019〕60号) and its trial version, and
    the Regulation was revised in 2019 (国务院令第711号) replacing 国务院令第492号 of 2007; the pre-2019 reports had
    a section 收费及减免 that no longer exists. Evaluators flag 2021+ reports still built on these (real cases:
    2021 reports with the old 收费及减免 structure).

    How it decides: the report's text (preface, headings and sections) names 国办公开办函〔2019〕60号, 格式（试行）,
    国务院令第492号, or 收费及减免, or counts the 2019 table's 规范性文件 where the 2021 table counts 行政规范性文件
    ("制发规范性文件5件"). One finding lists what was found.

    Known limits: a report that mentions the old basis only to say it was replaced is flagged too; dismiss it in
    a review file.

    How to fix: compile the report by the 2021 format and cite the revised Regulation (国务院令第711号).
    """

    id = "NB107"
    category = Category.completeness
    name = "outdated-references"
    title = "沿用已废止的格式或法规依据"
    title_en = "The report follows a superseded format or legal basis"
    severity = Severity.warning
    weight = 4
    applies = Applies(min_year=2021)
    messages = {
        "outdated": Msg(
            "报告沿用了已被取代的依据或格式：{found}。请按国办公开办函〔2021〕30号的格式编制，并引用修订后的《条例》。",
            "The report follows a superseded basis or format: {found_en}. Use the 2021 format "
            "(国办公开办函〔2021〕30号) and cite the revised Regulation.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        text = compact(report.preface + "".join(s.heading + s.text for s in report.sections))
        found = [(zh, en) for pattern, zh, en in _OUTDATED if pattern.search(text)]
        if found:
            yield Finding(
                key="outdated",
                params={"found": "；".join(zh for zh, _ in found), "found_en": "; ".join(en for _, en in found)},
                location=section_location(report, SectionKey.overview.value),
            )


class DateSanity(Rule):
    """The date printed under the signature lies after the report year and not after publication.

    Why: a report covers a whole calendar year, so it cannot be signed before that year ends; a signature date
    after the publication date means one of the two is wrong (a real slip: a report for 2015 signed
    "2015年3月15日", the year left over from the previous report).

    How it decides: when the report prints a date at its end (2024年1月17日, 二〇二四年一月十七日): that date is
    before 12月31日 of the report year, or after the publication date when the page states one.

    How to fix: correct the date under the signature (usually the year).
    """

    id = "NB108"
    category = Category.quality
    name = "date-sanity"
    title = "落款日期不合理"
    title_en = "The date under the signature is implausible"
    severity = Severity.warning
    weight = 3
    applies = Applies(requires=("signed", "year"))
    messages = {
        "early": Msg(
            "报告落款日期为 {signed}，早于报告年度（{year} 年）结束。请核对落款日期（常见为年份未改）。",
            "The report is signed {signed}, before the report year ({year}) ends. Check the date (often the year "
            "was left unchanged).",
        ),
        "after_published": Msg(
            "报告落款日期为 {signed}，晚于发布日期 {published}。请核对落款日期或发布日期。",
            "The report is signed {signed}, after its publication date {published}. Check either date.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        signed, year = report.signed, report.year
        if signed is None or year is None:
            return
        where = Location(section="signed")
        if signed < dt.date(year, 12, 31):
            yield Finding(
                key="early",
                params={"signed": signed.isoformat(), "year": year},
                location=where,
                actual=signed.isoformat(),
                expected=f">= {year}-12-31",
            )
        elif report.published is not None and signed > report.published:
            params = {"signed": signed.isoformat(), "published": report.published.isoformat()}
            yield Finding(key="after_published", params=params, location=where, actual=signed.isoformat())


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [OutdatedReferences, DateSanity]
