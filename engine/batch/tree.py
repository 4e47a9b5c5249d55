"""A worker's whole process tree, watched from outside: the memory it holds together, and its turn at the CPU.

A check is more than its worker: LibreOffice and Tesseract run as the worker's children, each under a memory limit
of its own, so a worker at its limit with Tesseract at its own held twice what the check was allowed. The pool
therefore sums the resident memory of each busy worker and its descendants (Linux /proc; a cgroup would need
privileges the server does not have) and stops the check when the sum passes the limit.

It also lowers the CPU priority of a check that has run longer than a short one takes: on a busy server a report
that takes half a second is then not slowed by a scan or a hostile file that takes a minute (the kernel preempts
the long ones), which is what the office's clerks wait for. Elsewhere than Linux both do nothing.
"""

from __future__ import annotations

import contextlib
import os
import signal
from dataclasses import dataclass
from pathlib import Path

from nianbao.engine.isolation import statm

_PROC = Path("/proc")


@dataclass(frozen=True)
class TreeSettings:
    # How often a busy worker's tree is measured: a child allocating 100 MB/s passes its limit by at most this
    # share of a second's allocation before it is stopped (and each process is under RLIMIT_AS meanwhile).
    sample: float = 0.25
    # A check still running after this many seconds is a long one (a scan, a converter, a hostile file): real text
    # reports check in 0.1–1.5 s on one core (benchmarks/), so this leaves short checks untouched.
    lower_after: float = 2.0
    # The niceness it then runs at: the kernel gives a nice-10 process about a tenth of a nice-0 one's share.
    niceness: int = 10


SETTINGS = TreeSettings()


def watchable() -> bool:
    return (_PROC / "self" / "statm").exists()


def descendants(pid: int) -> list[int]:
    """The process and everything it started, still running (children of children included)."""
    found, todo = [], [pid]
    seen: set[int] = set()
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        found.append(current)
        todo += _children(current)
    return found


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in (_PROC / str(pid) / "task").iterdir():
            with contextlib.suppress(OSError, ValueError):
                out += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return out


def resident(pid: int) -> int:
    """Bytes of memory the process holds in RAM now; 0 when it is gone."""
    return statm(1, pid)


def proportional(pid: int) -> int:
    """Bytes of RAM the process holds, each page shared with others counted as its share (PSS): summed over a
    server and its forked workers, the pages they share are counted once. Its resident size where the kernel does
    not say."""
    try:
        with open(_PROC / str(pid) / "smaps_rollup", encoding="ascii") as stream:
            for line in stream:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resident(pid)


def tree_proportional(pid: int) -> int:
    """What a process and everything it started hold in RAM together, shared pages counted once."""
    return sum(proportional(each) for each in descendants(pid))


def tree_resident(pid: int, base: int = 0) -> int:
    """What a worker's tree holds beyond `base` (the worker's own size when it took its first file: a worker forked
    from the server shares the server's pages, which are not the check's cost)."""
    pids = descendants(pid)
    return max(0, resident(pid) - base) + sum(resident(child) for child in pids[1:])


def lower(pid: int, niceness: int = SETTINGS.niceness) -> None:
    """Lower the CPU priority of the process and its descendants (a process may always lower its own)."""
    for each in descendants(pid):
        with contextlib.suppress(OSError):
            if os.getpriority(os.PRIO_PROCESS, each) < niceness:
                os.setpriority(os.PRIO_PROCESS, each, niceness)


def kill(pid: int) -> None:
    """Kill the process and everything it started (a plugin's helper that never asked to die with its parent
    too): each is stopped first, so none can start another in between, then killed."""
    if not hasattr(signal, "SIGSTOP"):
        return
    pids: list[int] = []
    for _ in range(3):  # what was started between the first look and the stop is found on the next
        fresh = [each for each in descendants(pid) if each not in pids]
        if not fresh:
            break
        for each in fresh:
            with contextlib.suppress(OSError):
                os.kill(each, signal.SIGSTOP)
        pids += fresh
    for each in pids:
        with contextlib.suppress(OSError):
            os.kill(each, signal.SIGKILL)
