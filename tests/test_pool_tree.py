"""The pool watches each check's whole process tree: a long check yields the CPU to short ones, and its
priority does not follow the worker to the next file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from engine.batch import tree
from engine.batch.pool import Pool, WorkerLimits
from engine.checker import Checker
from engine.plugins import PluginHost
from engine.profile import Profile
from engine.sources import Submission

pytestmark = pytest.mark.skipif(not tree.watchable(), reason="needs Linux /proc to watch a process tree")


def _priority_after(checker, sub: Submission) -> int:
    time.sleep(float(sub.data or b"0"))
    return os.getpriority(os.PRIO_PROCESS, 0)


def test_a_long_check_runs_at_a_lower_priority_and_the_next_file_does_not(monkeypatch):
    monkeypatch.setattr(tree, "SETTINGS", tree.TreeSettings(lower_after=0.3))
    own = os.getpriority(os.PRIO_PROCESS, 0)
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    pool = Pool(checker, 1, WorkerLimits(timeout=30), work=_priority_after)
    got: dict[int, int] = {}
    subs = [Submission(Path("long.txt"), data=b"1.5"), Submission(Path("short.txt"), data=b"0")]
    assert pool.run(subs, got.__setitem__)
    assert got == {0: max(own, tree.SETTINGS.niceness), 1: own}


def _gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True


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
        assert all(_gone(p) for p in pids)
    finally:
        child.kill()
