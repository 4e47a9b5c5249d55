"""Content rules: what the prose sections must say."""

from __future__ import annotations

import re
from collections.abc import Iterator

from engine import CheckContext, Finding, Msg, Report, Rule, SectionKey, Severity, hookimpl
from engine.readers.normalize import label_key
from rules.support import section_location

_NOTHING = re.compile(r"^(?:无|暂无|没有|无此项|本年度无|略)?$")


class ProblemsEmpty(Rule):
    """Section 五 (存在的主要问题及改进情况) must say something: not be empty, not just 无.

    Why: Article 50 requires the report to state the main problems of the organ's disclosure work and
    how they are being improved. Every organ has something to improve; an empty section, or one that
    says only 无 or 暂无, is treated by supervisors as a missing element.

    How it decides: the section's prose, without spaces and punctuation, is empty or is one of
    无 / 暂无 / 没有 / 无此项. A missing section is NB101's finding, not this rule's.

    How to fix: name the concrete problems of this year's work (for example late answers, thin
    policy explanations, an outdated catalogue) and what will be done about each.
    """

    id = "NB301"
    name = "problems-empty"
    title = "“存在的主要问题及改进情况”为空或只写“无”"
    title_en = "Section 5 (problems and improvements) is empty or says only 'none'"
    severity = Severity.error
    weight = 12
    messages = {
        "empty": Msg(
            "第五部分“存在的主要问题及改进情况”没有内容。请写明本年度工作存在的主要问题和改进措施。",
            "Section 5 (main problems and improvements) is empty. State this year's main problems "
            "and the measures taken.",
        ),
        "nothing": Msg(
            "第五部分“存在的主要问题及改进情况”只写了“{text}”。请写明本年度工作存在的主要问题和改进措施。",
            "Section 5 (main problems and improvements) only says '{text}'. State this year's main "
            "problems and the measures taken.",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        section = report.section(SectionKey.problems)
        if section is None:
            return
        words = label_key(section.text)
        if _NOTHING.match(words):
            yield Finding(
                key="nothing" if words else "empty",
                params={"text": section.text.strip()},
                location=section_location(report, SectionKey.problems.value),
            )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [ProblemsEmpty]
