"""Cross-report rules, contained: each runs in a child process of its own under a time limit, so that a rule that
hangs, calls `os._exit` or exhausts memory costs only its own status (`error`, with the reason), never the run."""

from __future__ import annotations

import threading

from engine.checker import AcrossOutcome, ActiveRule, Checker, Containment
from engine.isolation import run_isolated
from engine.model import Report
from engine.rule import CheckContext


def contained(timeout: float, memory_mb: int | None, cancel: threading.Event | None = None) -> Containment:
    def run(checker: Checker, active: ActiveRule, reports: list[Report], context: CheckContext) -> AcrossOutcome:
        outcome = run_isolated(lambda: checker.run_across(active, reports, context), timeout, memory_mb, cancel)
        if outcome.ok:
            return outcome.value
        return AcrossOutcome(error=outcome.reason)

    return run
