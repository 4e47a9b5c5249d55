"""A rule that takes its time, so that a test can interrupt a batch half way."""

import time

from nianbao.engine import Rule, hookimpl


class Slow(Rule):
    """Waits a little on every report (a test fixture). How to fix: nothing to fix."""

    id = "TS001"
    name = "slow"
    title = "慢规则"
    severity = "info"
    weight = 0

    def check(self, report, context):
        time.sleep(0.05)
        return []


@hookimpl
def nianbao_rules():
    return [Slow]
