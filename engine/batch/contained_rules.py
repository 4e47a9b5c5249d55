"""Cross-report rules, contained: each runs in a child process of its own under a time limit, so that a rule that
hangs, calls `os._exit` or exhausts memory costs only its own status (`error`, with the reason), never the run."""

from __future__ import annotations

import threading
from collections.abc import Callable

from nianbao.engine.checking.crossreport import Containment, CrossOutcome
from nianbao.engine.isolation import run_all_isolated


def contained(
    timeout: float, memory_mb: int | None, cancel: threading.Event | None = None, jobs: int = 1
) -> Containment:
    """Each rule in a child process of its own, `jobs` at a time (they are independent), each under `timeout`."""

    def run(tasks: list[Callable[[], CrossOutcome]]) -> list[CrossOutcome]:
        outcomes = run_all_isolated(tasks, timeout, memory_mb, cancel, jobs)
        return [o.value if o.ok else CrossOutcome(error=o.reason) for o in outcomes]

    return run
