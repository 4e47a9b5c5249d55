"""Who wrote a report (nianbao.engine.checking.identity): the one place a report meets the roster, saying on the
report how it was matched, once, however often it is asked."""

from __future__ import annotations

from pathlib import Path

from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.identity import Identifier
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.office.roster import Roster, RosterOrgan

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "2021-qinghe.txt"
ROSTER = Roster([RosterOrgan("青禾市自然资源局", region="青禾市"), RosterOrgan("青禾市农业农村局")])


def _unnamed(checker: Checker):
    """The fixture as if its organ's name were not printed, filed in its organ's folder."""
    report = checker.read(FIXTURE)
    report.agency = None
    report.source.path = "报送/青禾市自然资源局/年报.txt"
    return report


def test_a_report_without_a_printed_name_is_its_folders_organ_said_once():
    checker = Checker(PluginHost.load(entry_points=False), roster=ROSTER)
    report = _unnamed(checker)
    first, again = Identifier(ROSTER).identify(report), Identifier(ROSTER).identify(report)
    assert first == again and first.name == "青禾市自然资源局" and first.region == "青禾市"
    assert sum("青禾市自然资源局" in note for note in report.notes) == 1


def test_checked_then_compared_the_report_carries_its_roster_note_once():
    """The clerk's page checks a report, then runs the cross-report rules over it: both ask who wrote it."""
    checker = Checker(PluginHost.load(entry_points=False), roster=ROSTER)
    result = checker.check_report(_unnamed(checker))
    checker.check_across([result])
    assert result.organ == "青禾市自然资源局"
    assert sum("青禾市自然资源局" in note for note in result.report.notes) == 1


def test_without_a_roster_the_printed_name_decides():
    checker = Checker(PluginHost.load(entry_points=False))
    who = Identifier(None).identify(checker.read(FIXTURE))
    assert who.name == "青禾市自然资源局" and who.deadline is None
