"""A local rule file, passed with --plugin: written against spec/interfaces.md only."""

from nianbao.engine import Finding, Rule, hookimpl


class FeeStatementMentionsMeasure(Rule):
    """Section 六 should cite 《政府信息公开信息处理费管理办法》 by name.

    Why: a local reviewer's preference. How to fix: name the measure when stating the fees.
    """

    id = "LC301"
    name = "fee-measure-cited"
    title = "第六部分应写明信息处理费管理办法"
    severity = "warning"
    weight = 3

    def check(self, report, context):
        other = report.section("other_matters")
        if other is not None and "信息处理费管理办法" not in other.text:
            yield Finding(
                message="第六部分没有提到《政府信息公开信息处理费管理办法》。", location={"section": "other_matters"}
            )


class Crashes(Rule):
    """A rule with a bug: it raises. The run must go on without it."""

    id = "LC999"
    name = "always-crashes"
    title = "会崩溃的规则"
    severity = "error"
    weight = 5

    def check(self, report, context):
        raise RuntimeError("boom")


class NoDocs(Rule):
    id = "LC998"
    name = "no-docs"
    title = "没有文档的规则"

    def check(self, report, context):
        return []


@hookimpl
def nianbao_rules():
    return [FeeStatementMentionsMeasure, Crashes, NoDocs]
