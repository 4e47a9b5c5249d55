"""Every built-in rule against its cases, one folder per rule: tests/rules/<ID>/cases.json."""

from pathlib import Path

import pytest
from nianbao.engine.testing.cases import load_rule_cases

CASES = load_rule_cases(str(Path(__file__).parent / "rules" / "*" / "cases.json"))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule_case(case):
    case.evaluate()


def test_every_builtin_rule_has_passing_and_failing_cases():
    from nianbao.engine.checking.plugins import PluginHost

    builtin = {e.cls.id for e in PluginHost.load(entry_points=False).rules()}
    for rule in builtin:
        mine = [c for c in CASES if c.rule == rule]
        assert any(not c.expect for c in mine), f"{rule} has no passing case"
        assert any(c.expect for c in mine), f"{rule} has no failing case"
