"""Traces a copy leaves in one report: another organ's name in the signature or the prose (NB308), another year's
name where the prose states this year's work (NB309)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from nianbao.engine import Applies, Category, CheckContext, Finding, Msg, Report, Rule, SectionKey, Severity, hookimpl
from nianbao.engine.organs import guess, match_key, organs_like, short_name
from nianbao.engine.text import compact
from nianbao.rules.support import SENTENCE, section_location

# The date under a signature: 2024年1月17日, 二〇二四年一月十七日.
_DATE_LINE = re.compile(
    r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年\d{1,2}月\d{1,2}日$|^[〇零一二三四五六七八九]{4}年.{1,3}月.{1,3}日$"
)
# A signature is a short line naming an organ, with no sentence in it.
_MAX_SIGNATURE = 30
_SENTENCE_MARKS = re.compile(r"[，,。；;：:、]")


def signature(report: Report) -> str | None:
    """The organ named on the line above the closing date, when the report ends with a signature."""
    if not report.sections:
        return None
    lines = [compact(x) for x in report.sections[-1].text.splitlines() if compact(x)]
    for at in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
        if _DATE_LINE.match(lines[at]) and at > 0:
            line = lines[at - 1]
            organ = guess(line)
            if len(line) <= _MAX_SIGNATURE and not _SENTENCE_MARKS.search(line) and organ and organ.known:
                return line
            return None
    return None


def _same_organ(a: str, b: str) -> bool:
    """Whether two printed names are one organ: equal in their compared form or without their region prefix, or one
    the general office of the other (a government's report is compiled and signed by its 办公室)."""
    ka, kb = match_key(a) or "", match_key(b) or ""
    if ka == kb or (short_name(ka) or ka) == (short_name(kb) or kb):
        return True
    shorter, longer = sorted((ka, kb), key=len)
    for office in ("办公室", "办公厅", "办"):
        if longer == shorter + office or (short_name(longer) or longer) == (short_name(shorter) or shorter) + office:
            return True
    return False


class SignatureOfAnotherOrgan(Rule):
    """The report is signed by the organ it is from, and its prose does not speak as another organ of its kind.

    Why: a report taken over from another organ keeps that organ's signature more often than anything else: the
    title and the first lines are changed, the last line is not; a sentence deep in the prose keeps its name too
    ("淮阴区农业农村局认真贯彻…" in the report of 洪泽区农业农村局). Evaluators read either as 雷同 with another
    organ's report.

    How it decides: the line above the closing date, when it names an organ (a short line, no sentence, an organ's
    word), against the organ the report names itself by: the same organ in its compared form, without its region
    prefix, or as its general office (办公室, 办公厅: a government's report is signed by its office) is no finding.
    In the prose: the organ's own words, printed in full, after another place of the same rank (区 for 区, 县 for
    县): a place under the organ's own parent (淮安市淮阴区农业农村局), or two characters before the suffix that
    stand nowhere else in the report and are no verb ("强化县人民政府门户网站", "推进市科委…" are verbs). A superior
    (淮安市农业农村局), a generic name (各县区农业农村局) or a name after a word of working together (与, 会同,
    转至, 学习…) is not read. One finding per report for the prose, naming the first such name and how many.

    Known limits: abbreviated names (淮阴区政府), another organ of a different kind, or a place written without its
    suffix are not looked for; a place of three or more characters outside the parent's name is quoted by its
    last two.

    How to fix: sign the report with the organ's own name, and check the rest was written for it.
    """

    id = "NB308"
    category = Category.copying
    name = "another-organ"
    title = "落款或正文为其他机关"
    title_en = "The signature or the prose names another organ as its own"
    severity = Severity.warning
    weight = 6
    messages = {
        "other": Msg(
            "报告落款为“{signed}”，与报告标题中的机关“{agency}”不符，可能沿用了其他机关的报告。请核对落款和全文。",
            "The report is signed '{signed}', not by '{agency}', the organ its title names: it may have been taken "
            "from another organ's report. Check the signature and the whole text.",
        ),
        "prose": Msg(
            "第{numeral}部分正文出现“{named}”（全文共 {count} 处），是与“{agency}”同类的其他地方机关，"
            "可能沿用了其他机关的报告。请核对这些句子。",
            "Section {numeral} names '{named}' ({count} times in all), an organ of the same kind elsewhere than "
            "'{agency}': the text may have been taken from its report. Check these sentences.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        if not report.agency:
            return
        signed = signature(report)
        if signed is not None and not _same_organ(signed, report.agency):
            yield Finding(
                key="other",
                params={"signed": signed, "agency": report.agency},
                location=section_location(report, report.sections[-1].key.value),
                expected=report.agency,
                actual=signed,
            )
        named: list[tuple[str, int, str]] = []  # (section key, line, name)
        whole = compact(report.preface + "".join(s.text for s in report.sections))
        for section in report.sections:
            for at, line in enumerate(section.text.splitlines()):
                text = compact(line)
                if signed is not None and text == signed:
                    continue  # the signature is said above
                named += [(section.key.value, at, n) for n in organs_like(text, report.agency, whole)]
        if named:
            key, at, first = named[0]
            yield Finding(
                key="prose",
                params={
                    "numeral": SectionKey(key).numeral,
                    "named": first,
                    "count": len(named),
                    "agency": report.agency,
                },
                location=section_location(report, key, at=at),
                expected=report.agency,
                actual=first,
            )


# A sentence opening with a year as its time ("2023年，…", "2023年度，…", "2023年全年…"), not a date (2023年12月) nor a
# span (2023年以来).
_YEAR_OPENING = re.compile(r"^((?:19|20)\d{2})年度?(?:[，,]|全年|度内|内|里|中)")
# The sentence states the organ's work in figures: "…共发布信息61条".
_WORK_FIGURE = re.compile(r"\d+(?:件|条|个|次|份|期|篇|场|人次)")
# Comparing or recalling: the year is the point, not a leftover.
_COMPARING = re.compile(r"较|同比|相比|比上年|增长|减少|下降|上升|持平|以来|修订|施行|印发|出台")
# Sections that state the year's work; 五 (problems and last year's rectification) and 六 may name last year.
_WORK_SECTIONS = (SectionKey.overview, SectionKey.proactive, SectionKey.applications, SectionKey.review_litigation)


class StaleYear(Rule):
    """The prose states this year's work under this year, not under a year before it.

    Why: a sentence such as "2023年，在主动公开的61条信息中…" in a 2024 report is a paragraph left over from last
    year's report: its figures are last year's, and evaluators read it as a copy. (A report's figures of another
    year are not compared with the tables: NB206 skips them.)

    How it decides: in sections 一 to 四, a sentence that opens with an earlier year as its time (2023年，…;
    2023年度，…; 2023年全年…) and states a figure of work (61条, 5件…), without comparing or recalling (较, 同比,
    以来, 修订, 施行…) and without naming the report's own year, nor set beside a sentence that opens with the report's
    year or compares (a comparison said in two sentences). A date (2023年12月) or a span (2023年以来) is not
    read, nor sections 五 and 六, which may rightly speak of last year. One finding per report: the first such
    sentence, and how many there are.

    Known limits: a sentence that recalls last year's figure on purpose, without a word of comparison, is flagged
    too; dismiss it in a review file.

    How to fix: write the year's own figures under the report year, or say plainly that the figure is last year's.
    """

    id = "NB309"
    category = Category.copying
    name = "stale-year"
    title = "正文以往年年份叙述本年工作"
    title_en = "The prose states the year's work under an earlier year"
    severity = Severity.warning
    weight = 4
    applies = Applies(requires=("year",))
    messages = {
        "stale": Msg(
            "第{numeral}部分有句子以“{stated}年”开头叙述工作数字（“{quote}”），而本报告为 {year} 年度"
            "（全文共 {count} 处），可能沿用了往年报告的段落。请核对年份和数字。",
            "Section {numeral} states figures of work under {stated} ('{quote}') in a report for {year} "
            "({count} such sentences): a paragraph may be left over from an earlier report. Check the year and "
            "the figures.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        year = report.year
        if year is None:
            return
        found: list[tuple[SectionKey, int, int, str]] = []  # (section, line, stated year, sentence)
        own = f"{year}年"
        for section in report.sections:
            if section.key not in _WORK_SECTIONS:
                continue
            sentences = [
                (at, m.group(0))
                for at, line in enumerate(section.text.splitlines())
                for m in SENTENCE.finditer(compact(line))
            ]
            for i, (at, sentence) in enumerate(sentences):
                opening = _YEAR_OPENING.match(sentence)
                if not opening or int(opening.group(1)) >= year or own in sentence:
                    continue
                # "2023年，收到申请218件。2024年，收到申请250件": set beside this year's figure, last year's is a
                # comparison.
                beside = [t for _, t in sentences[max(0, i - 1) : i + 2] if t is not sentence]
                if any(t.startswith(own) or _COMPARING.search(t) for t in beside):
                    continue
                if _WORK_FIGURE.search(sentence) and not _COMPARING.search(sentence):
                    found.append((section.key, at, int(opening.group(1)), sentence))
        if not found:
            return
        key, at, stated, sentence = found[0]
        yield Finding(
            key="stale",
            params={
                "numeral": key.numeral,
                "stated": stated,
                "quote": sentence[:40] + ("…" if len(sentence) > 40 else ""),
                "year": year,
                "count": len(found),
            },
            location=section_location(report, key.value, at=at),
            expected=year,
            actual=stated,
        )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [SignatureOfAnotherOrgan, StaleYear]
