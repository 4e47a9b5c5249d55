"""Traces a copy leaves in one report: the signature of another organ."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine import Category, CheckContext, Finding, Msg, Report, Rule, Severity, hookimpl
from engine.organs import guess, match_key, short_name
from engine.text import compact
from rules.support import section_location

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
    """The report is signed by the organ it is from.

    Why: a report taken over from another organ keeps that organ's signature more often than anything else: the
    title and the first lines are changed, the last line is not. Evaluators read such a signature as 雷同 with
    another organ's report.

    How it decides: the line above the closing date, when it names an organ (a short line, no sentence, an organ's
    word), against the organ the report names itself by: the same organ in its compared form, without its region
    prefix, or as its general office (办公室, 办公厅: a government's report is signed by its office) is no finding.

    Known limits: only the signature is read; another organ's name inside the prose is not looked for.

    How to fix: sign the report with the organ's own name, and check the rest was written for it.
    """

    id = "NB308"
    category = Category.copying
    name = "signature-of-another-organ"
    title = "落款为其他机关"
    title_en = "The report is signed by another organ"
    severity = Severity.warning
    weight = 6
    messages = {
        "other": Msg(
            "报告落款为“{signed}”，与报告标题中的机关“{agency}”不符，可能沿用了其他机关的报告。请核对落款和全文。",
            "The report is signed '{signed}', not by '{agency}', the organ its title names: it may have been taken "
            "from another organ's report. Check the signature and the whole text.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        signed = signature(report)
        if signed is None or not report.agency or _same_organ(signed, report.agency):
            return
        yield Finding(
            key="other",
            params={"signed": signed, "agency": report.agency},
            location=section_location(report, report.sections[-1].key.value),
            expected=report.agency,
            actual=signed,
        )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [SignatureOfAnotherOrgan]
