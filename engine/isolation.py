"""Running a piece of code that may misbehave (a plugin's import, a cross-report rule) in a child process of its
own: under a time limit and a memory limit, killed with its parent, its result or its failure sent back.

What misbehaves this way costs only itself: a hang becomes `timeout`, `os._exit` or a crash becomes `died`, any
exception (BaseException included) becomes `raised` with its text. Where processes cannot be forked, the code runs
in this process, with exceptions still contained but without the time limit.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Literal

MB = 1024 * 1024


def statm(field: int, pid: int | str = "self") -> int:
    """Bytes of a process's address space (field 0) or resident set (field 1), this one's by default; 0 where /proc
    is absent or the process is gone."""
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as stream:
            return int(stream.read().split()[field]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(megabytes: int | None) -> None:
    """Cap what this process may allocate from now on at `megabytes` (on top of what it already maps: a process
    forked from a large server inherits the server's mappings, which are not its own cost)."""
    if not megabytes:
        return
    try:
        import resource

        limit = statm(0) + megabytes * MB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform, or not allowed: run without
        pass


def die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux `PR_SET_PDEATHSIG`); exit at once if the
    parent is already gone. Elsewhere callers also check `os.getppid()` while idle.

    A child also lets Ctrl-C pass: the terminal sends it to the whole process group, and the parent alone decides
    what it means (it stops its children and says so in one line); a child that took it would print its traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:
        os._exit(0)


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


@dataclass(frozen=True)
class Outcome:
    kind: Literal["ok", "raised", "timeout", "died"]
    value: Any = None  # what the code returned (kind "ok")
    reason: str = ""  # what went wrong, in plain words (other kinds)
    exitcode: int | None = None  # how the child ended (kind "died")

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


def _child(conn: Connection, fn: Callable[[], Any], memory_mb: int | None, parent_pid: int) -> None:
    die_with_parent(parent_pid)
    limit_memory(memory_mb)
    try:
        message: tuple[str, Any] = ("ok", fn())
    except BaseException as exc:  # contained: SystemExit, KeyboardInterrupt and MemoryError included
        message = ("raised", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(message)
    except Exception as exc:  # the value cannot be sent (not picklable, too large for the memory limit)
        with contextlib.suppress(Exception):
            conn.send(("raised", f"{type(exc).__name__}: {exc}"))
    conn.close()


def run_isolated(
    fn: Callable[[], Any], timeout: float, memory_mb: int | None = None, cancel: threading.Event | None = None
) -> Outcome:
    """Run `fn` in a forked child and return what came of it; the child is gone when this returns. Setting
    `cancel` (from another thread) stops it within a fraction of a second."""
    return run_all_isolated([fn], timeout, memory_mb, cancel)[0]


@dataclass
class _Running:
    index: int
    process: Any
    receiver: Connection
    deadline: float


def run_all_isolated(
    fns: list[Callable[[], Any]],
    timeout: float,
    memory_mb: int | None = None,
    cancel: threading.Event | None = None,
    jobs: int = 1,
) -> list[Outcome]:
    """Run each of `fns` in a forked child of its own, at most `jobs` at once, each under `timeout`; the outcomes
    in the order of `fns`. Every child is gone when this returns."""
    if not can_fork():
        return [_in_process(fn) for fn in fns]
    context = mp.get_context("fork")
    outcomes: list[Outcome | None] = [None] * len(fns)
    waiting = list(range(len(fns)))
    running: list[_Running] = []
    try:
        while waiting or running:
            while waiting and len(running) < max(1, jobs):
                index = waiting.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(sender, fns[index], memory_mb, os.getpid()), daemon=True)
                process.start()
                sender.close()
                running.append(_Running(index, process, receiver, time.monotonic() + timeout))
            nearest = min(r.deadline for r in running)
            ready = wait(
                [r.receiver for r in running] + [r.process.sentinel for r in running],
                timeout=min(0.25, max(0.0, nearest - time.monotonic())),
            )
            cancelled = cancel is not None and cancel.is_set()
            for r in list(running):
                done = r.receiver in ready or r.process.sentinel in ready or r.receiver.poll()
                if done or cancelled or time.monotonic() >= r.deadline:
                    outcomes[r.index] = (
                        Outcome("timeout", reason="cancelled") if cancelled else _collect(r, timeout, ended=done)
                    )
                    _reap(r)
                    running.remove(r)
            if cancelled:
                for index in waiting:
                    outcomes[index] = Outcome("timeout", reason="cancelled")
                waiting.clear()
    finally:
        for r in running:
            _reap(r)
    return [o if o is not None else Outcome("died", reason="not run") for o in outcomes]


def _in_process(fn: Callable[[], Any]) -> Outcome:
    try:
        return Outcome("ok", fn())
    except Exception as exc:
        return Outcome("raised", reason=f"{type(exc).__name__}: {exc}")


def _collect(r: _Running, timeout: float, ended: bool = False) -> Outcome:
    if ended and not r.receiver.poll():
        # Its sentinel says it ended, yet it may not be reaped, nor its pipe seen closed, for a moment (a large
        # process takes a while to exit): that is not a timeout.
        r.process.join(timeout=10)
    if r.receiver.poll():
        try:
            kind, payload = r.receiver.recv()
        except (EOFError, OSError):
            # The pipe closed without an answer: the child is exiting, or gone (on a loaded machine it may take
            # a while to be seen gone: that is not a timeout).
            r.process.join(timeout=10)
            if r.process.is_alive():
                r.process.kill()
                r.process.join(timeout=5)
            return Outcome(
                "died", reason=f"the process exited (code {r.process.exitcode})", exitcode=r.process.exitcode
            )
        else:
            return Outcome("ok", payload) if kind == "ok" else Outcome("raised", reason=payload)
    if r.process.is_alive():
        return Outcome("timeout", reason=f"no answer within {timeout:g} s")
    r.process.join(timeout=5)
    return Outcome("died", reason=f"the process exited (code {r.process.exitcode})", exitcode=r.process.exitcode)


def _reap(r: _Running) -> None:
    if r.process.is_alive():
        r.process.kill()
    r.process.join(timeout=5)
    r.receiver.close()
