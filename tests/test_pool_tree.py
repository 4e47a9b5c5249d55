"""The pool watches each check's whole process tree: a long check yields the CPU to short ones, and its
priority does not follow the worker to the next file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from nianbao.engine.batch import tree
from nianbao.engine.batch.pool import Pool, WorkerLimits
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.submissions import Submission

from tests.conftest import alive

pytestmark = pytest.mark.skipif(not tree.watchable(), reason="needs Linux /proc to watch a process tree")


def _priority_after(checker, sub: Submission) -> int:
    time.sleep(float(sub.data or b"0"))
    return os.getpriority(os.PRIO_PROCESS, 0)


def _may_lower() -> bool:
    """Whether this system lets a process lower another's priority (some sandboxes forbid setpriority)."""
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        os.setpriority(os.PRIO_PROCESS, child.pid, 10)
        return os.getpriority(os.PRIO_PROCESS, child.pid) == 10
    except OSError:
        return False
    finally:
        child.kill()
        child.wait()


def test_a_long_check_runs_at_a_lower_priority_and_the_next_file_does_not(monkeypatch):
    if not _may_lower():
        pytest.skip("this system does not let a process lower another's priority")
    monkeypatch.setattr(tree, "SETTINGS", tree.TreeSettings(lower_after=0.3))
    own = os.getpriority(os.PRIO_PROCESS, 0)
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    pool = Pool(checker, 1, WorkerLimits(timeout=30), work=_priority_after)
    got: dict[int, int] = {}
    subs = [Submission(Path("long.txt"), data=b"1.5"), Submission(Path("short.txt"), data=b"0")]
    assert pool.run(subs, got.__setitem__)
    assert got == {0: max(own, tree.SETTINGS.niceness), 1: own}


def test_the_tree_is_measured_and_killed_whole(tmp_path):
    import subprocess
    import sys

    grandchild = "import time; time.sleep(60)"
    script = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {grandchild!r}]); time.sleep(60)"
    child = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(100):
            if len(tree.descendants(child.pid)) == 2:  # itself and the program it started
                break
            time.sleep(0.05)
        pids = tree.descendants(child.pid)
        assert len(pids) == 2
        assert tree.tree_resident(child.pid) > sum(tree.resident(p) for p in pids[1:])
        tree.kill(child.pid)
        child.wait(timeout=5)
        time.sleep(0.2)
        assert not any(alive(p) for p in pids)
    finally:
        child.kill()


def test_a_long_check_gives_its_short_slot_to_the_next_one(monkeypatch):
    """One short slot: a check past the short time leaves it, and the report behind it starts then, not when the
    long one ends; a second long check does the same; scans never take the short slot."""
    import asyncio

    from nianbao.engine.web.lanes import Lanes

    monkeypatch.setattr(tree, "SETTINGS", tree.TreeSettings(lower_after=0.2))

    async def scenario() -> dict[str, float]:
        lanes = Lanes(short=1)
        started = time.monotonic()
        ended: dict[str, float] = {}

        async def work(name: str, seconds: float) -> str:
            await asyncio.sleep(seconds)
            ended[name] = time.monotonic() - started
            return name

        async def later(delay: float, name: str, seconds: float, scan: bool = False) -> str:
            await asyncio.sleep(delay)
            return await lanes.run(lambda: work(name, seconds), scan=scan)

        got = await asyncio.gather(
            lanes.run(lambda: work("long", 1.0)),
            later(0.05, "short", 0.05),
            later(0.3, "second long", 1.0),
            later(0.35, "behind it", 0.05),
            later(0.0, "scan", 1.0, scan=True),
            later(0.05, "second scan", 0.1, scan=True),
        )
        assert got == ["long", "short", "second long", "behind it", "scan", "second scan"]
        return ended

    ended = asyncio.run(scenario())
    assert ended["short"] < 0.4  # it started when the long check left the short slot at 0.2 s
    assert ended["long"] == pytest.approx(1.0, abs=0.2)
    assert ended["behind it"] < 0.65  # behind the second long check for its first 0.2 s only
    assert ended["second scan"] > ended["scan"]  # one scan at a time with one worker
