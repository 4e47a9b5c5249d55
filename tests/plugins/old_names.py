"""A cross-report rule written against the 0.1 names (engine, BatchRule, check_batch, nianbao_batch_rules)."""

from engine import BatchRule, Finding, hookimpl  # the 0.1 import name of nianbao.engine
from engine.readers.base import Reader  # the 0.1 home of Reader, under the 0.1 name


class SameTitle(BatchRule):
    """Two reports carry the same title (one organ copied another's report).

    Why: a local reviewer's check. How to fix: give the report your own organ's title.
    """

    id = "OL501"
    name = "same-title"
    title = "不同文件的标题相同"
    severity = "warning"
    weight = 1

    def check_batch(self, reports, context):
        seen = {}
        for i, report in enumerate(reports):
            if report.title in seen:
                yield i, Finding(message=f"标题与第 {seen[report.title] + 1} 份相同", location={"section": "title"})
            seen.setdefault(report.title, i)


@hookimpl
def nianbao_batch_rules():
    assert Reader is not None
    return [SameTitle]
