"""One cause, many symptoms (nianbao.engine.checking.symptoms): a wrong figure that breaks several checks is one
finding, listing the checks it breaks and their cells, and costs once; independent defects stay apart."""

from __future__ import annotations

import pytest
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.testing.cases import sample


@pytest.fixture(scope="module")
def checker():
    return Checker(PluginHost.load(entry_points=False))


def _checked(checker, edits):
    report = sample("2021")
    for table, row, column, value in edits:
        report.table(table)[row][column] = value
    return checker.check_report(report)


def test_a_total_written_wrong_is_one_finding_naming_the_checks_it_breaks(checker):
    right = sample("2021").applications["received_new"]["total"]
    result = _checked(checker, [("applications", "received_new", "total", right + 29)])
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.rule == "NB201" and [s.rule for s in finding.symptoms] == ["NB203", "NB206"]
    assert finding.fixes == {"applications:received_new:total": right}
    assert finding.location.cells[0] == ("received_new", "total")
    assert {("received_new", "natural_person"), ("carried_forward", "total")} <= set(finding.location.cells)
    assert f"为 {right}" in finding.message and "NB203、NB206" in finding.message
    assert result.score == 88.0  # one error, as an evaluator counts it


def test_a_review_total_and_the_prose_stating_it_are_one_finding(checker):
    result = _checked(checker, [("review_litigation", "review", "total", 9)])
    assert [(f.rule, [s.rule for s in f.symptoms or []]) for f in result.findings] == [("NB204", ["NB206"])]


def test_two_wrong_figures_are_two_findings(checker):
    report = sample("2021")
    apps = report.applications
    result = _checked(
        checker,
        [
            ("applications", "received_new", "total", apps["received_new"]["total"] + 5),
            ("review_litigation", "review", "upheld", report.review_litigation["review"]["upheld"] + 1),
        ],
    )
    assert sorted(f.rule for f in result.findings) == ["NB201", "NB204"]
    assert result.score == 76.0


def test_english_says_the_same(checker):
    english = Checker(PluginHost.load(entry_points=False), lang="en")
    result = _checked(english, [("review_litigation", "review", "total", 9)])
    assert "breaks 1 more check(s) (NB206)" in result.findings[0].message
