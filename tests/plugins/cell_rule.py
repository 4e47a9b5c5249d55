"""A local rule that rests on table cells: 本年新收 总计 above 50 is "to explain". The web page outlines its cell
with no change to the web code (location.cells is the only contract)."""

from nianbao.engine import Finding, Rule, hookimpl
from nianbao.engine.rule import Location


class ManyApplications(Rule):
    """More than 50 new applications: the office asks for a sentence on why."""

    id = "GZ201"
    name = "many-applications"
    title = "本年新收申请超过 50 件"
    severity = "warning"
    weight = 1

    def check(self, report, context):
        total = report.applications.get("received_new", {}).get("total")
        if isinstance(total, int | float) and total > 50:
            yield Finding(
                message=f"本年新收申请 {total:g} 件，请在第一部分说明原因。",
                location=Location(
                    section="applications", row="received_new", column="total", cells=[("received_new", "total")]
                ),
            )


@hookimpl
def nianbao_rules():
    return [ManyApplications]
