"""Structure rules: the six mandatory sections."""

from __future__ import annotations

from collections.abc import Iterator

from engine import CheckContext, Finding, Location, Msg, Report, Rule, SectionKey, Severity, hookimpl


class SectionMissing(Rule):
    """Each of the six mandatory sections 一 to 六 must be present.

    Why: Article 50 of the Regulation and the official format (国办公开办函〔2021〕30号, and
    〔2019〕60号 before it) fix six sections: 一、总体情况; 二、主动公开政府信息情况;
    三、收到和处理政府信息公开申请情况; 四、政府信息公开行政复议、行政诉讼情况;
    五、存在的主要问题及改进情况; 六、其他需要报告的事项. A missing section is the defect supervisors
    name most after late and copied reports.

    How it decides: a heading is recognised by its words, whatever its spacing or numbering, so the common
    variants (四、政府信息公开行政复议及行政诉讼情况, 五、存在问题及改进情况) count as present.
    One finding per missing section; rules about a section's content stay silent when it is missing.

    How to fix: add the section under its official heading. A section with nothing to report still
    needs its heading and a sentence (for example 六 "本年度无其他需要报告的事项").
    """

    id = "NB101"
    name = "section-missing"
    title = "缺少必备的六个部分之一"
    title_en = "A mandatory section is missing"
    severity = Severity.error
    weight = 15
    messages = {
        "missing": Msg(
            "缺少第{numeral}部分“{heading}”。请按年度报告格式补上该部分及其标题。",
            "Section {numeral} '{heading_en}' ({heading}) is missing. Add it under its official heading.",
        )
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        for key in SectionKey:
            if not report.has_section(key):
                yield Finding(
                    key="missing",
                    params={
                        "numeral": key.numeral,
                        "heading": key.heading,
                        "heading_en": key.heading_en,
                    },
                    location=Location(section=key.value),
                )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [SectionMissing]
