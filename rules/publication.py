"""Time rules: when the report was published."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from nianbao.engine import Applies, Category, CheckContext, Finding, Location, Msg, Report, Rule, Severity, hookimpl
from nianbao.engine.organs import OrganType

DEFAULT_DEADLINES = {"department": "01-31", "government": "03-31", "town": "03-31"}
_KINDS = {
    OrganType.department: ("department", "部门", "department"),
    OrganType.provincial_government: ("government", "县级以上人民政府", "county-level or higher government"),
    OrganType.city_government: ("government", "县级以上人民政府", "county-level or higher government"),
    OrganType.county_government: ("government", "县级以上人民政府", "county-level or higher government"),
    OrganType.zone_government: ("government", "县级以上人民政府（含代行区域政府职能的管委会）", "area government"),
    OrganType.town: ("town", "乡镇（街道）", "town or sub-district"),
    OrganType.general_office: ("department", "部门", "department"),
}


class LatePublication(Rule):
    """The report was published by its deadline.

    Why: Article 49 of the Regulation: departments of governments at county level and above publish by
    1月31日; the competent offices publish their government's report by 3月31日. The Regulation sets no
    date for 乡镇/街道, which provinces set (often earlier). Late publication is among the defects
    supervisors name most.

    How it decides: only when the publication date is known: an HTML page's 发布日期, the date the office's roster
    gives (its 发布日期 column), else the date under the signature, which is a warning only (a report is signed
    before it goes up) and only when it is a date the report could bear (in its year or the next, not in the
    future). The kind of organ comes from the profile or its name; the deadlines (MM-DD of the year after the
    report year) from the profile's [deadlines], with a province's own table when the profile names one.
    A 管委会/新区/开发区 reporting for its area counts as a government; a government's 办公厅/办公室 as a
    department. An organ whose kind cannot be told from its name (nor set in the profile) is not judged.

    How to fix: publish on time; if the date shown is wrong, correct the page's metadata.
    """

    id = "NB401"
    category = Category.timeliness
    name = "late-publication"
    title = "年度报告发布晚于法定期限"
    title_en = "The report was published after its deadline"
    severity = Severity.error
    weight = 12
    applies = Applies(requires=("published",), known_organ=True)
    messages = {
        "late": Msg(
            "报告于 {published} 发布，晚于{kind}的发布期限 {deadline}（晚 {days} 天）。"
            "请按期发布；如页面显示的日期有误，请更正发布日期。",
            "Published on {published}, after the deadline for a {kind_en} ({deadline}; {days} day(s) late).",
        ),
        "late-signed": Msg(
            "报告未写明发布日期，落款日期为 {published}，已晚于{kind}的发布期限 {deadline}（晚 {days} 天）；"
            "落款日期不等于发布日期，请核实实际发布日期，如确已逾期请说明原因。",
            "The report states no publication date; it is signed {published}, after the deadline for a {kind_en} "
            "({deadline}; {days} day(s) late). A signature is not a publication date: check when it was published.",
        ),
        "late-office": Msg(
            "报告于 {published} 发布（发布日期由名单提供），晚于{kind}的发布期限 {deadline}"
            "（晚 {days} 天）。请按期发布。",
            "Published on {published} (the date the office's roster gives), after the deadline for a {kind_en} "
            "({deadline}; {days} day(s) late).",
        ),
    }

    def check(self, report: Report, context: CheckContext) -> Iterator[Finding]:
        organ = context.organ
        if organ is None or organ.type not in _KINDS or report.year is None or report.published is None:
            return
        key, zh, en = _KINDS[organ.type]
        due = context.deadline or {**DEFAULT_DEADLINES, **context.deadlines}[key]
        month, day = (int(x) for x in due.split("-"))
        deadline = dt.date(report.year + 1, month, day)
        if report.published > deadline:
            signed = report.published_by == "signature"
            yield Finding(
                key={"signature": "late-signed", "office": "late-office"}.get(report.published_by or "", "late"),
                severity=Severity.warning if signed else None,
                params={
                    "published": report.published.isoformat(),
                    "deadline": deadline.isoformat(),
                    "kind": zh,
                    "kind_en": en,
                    "days": (report.published - deadline).days,
                },
                location=Location(section="published"),
                expected=deadline.isoformat(),
                actual=report.published.isoformat(),
            )


@hookimpl
def nianbao_rules() -> list[type[Rule]]:
    return [LatePublication]
