"""When a run is one small text report, it is checked in this process: no worker, no child per cross-report rule.

A worker costs a fork, its pipe and its heartbeat, and each cross-report rule a child process of its own: together
about a third of a one-file check, which a clerk checking a report from the command line, an editor or a pre-commit
hook pays every time. They guard the run against a file or a rule that hangs or balloons, and they are skipped only
where nothing can: a plain-text or JSON report of at most `max_bytes`, read by Nianbao's own readers (pure Python, in
time linear in its size) and checked by built-in rules only (an outside plugin's rule might hang: in a worker it costs
its file, here it would cost the run). Every other file still goes to a worker under the time and memory limits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nianbao.engine.checking.checker import Checker
from nianbao.engine.readers.sniff import sniff
from nianbao.engine.submissions import Submission


@dataclass(frozen=True)
class InProcessSettings:
    # A report's text is 20–80 KB and is read and checked in a few hundredths of a second; a megabyte of text takes
    # well under a second, far inside any time limit, and a few tens of megabytes of memory.
    max_bytes: int = 1_000_000
    suffixes: tuple[str, ...] = (".txt", ".json")  # what Nianbao reads by pure Python alone


SETTINGS = InProcessSettings()


def builtin_only(checker: Checker) -> bool:
    """Whether every reader and rule of the run is Nianbao's own (no outside plugin loaded, none failed)."""
    return all(p.origin == "builtin" for p in checker.host.plugins) and not checker.host.problems


def check_here(checker: Checker, subs: Sequence[Submission]) -> bool:
    """Whether the run's files (those still to check) are one small text report, or one whose model an earlier run
    kept, safe to check in this process."""
    if len(subs) != 1 or not builtin_only(checker):
        return False
    sub = subs[0]
    if isinstance(sub.read_before, str):  # its model, read by an earlier run: nothing is read again
        return True
    if sub.refused or sub.member or sub.suffix not in SETTINGS.suffixes or sub.size > SETTINGS.max_bytes:
        return False
    return sniff(sub.head()) in (None, "json")  # a PDF renamed .txt is read as a PDF: in a worker


def compare_here(checker: Checker, reports: int) -> bool:
    """Whether the cross-report rules may run in this process: over one report at most (nothing to compare it with,
    so each rule only says it does not apply) and built-in rules only. A run of one report asks, and so does each
    upload to the clerk's page."""
    return reports <= 1 and builtin_only(checker)
