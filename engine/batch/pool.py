"""Checking many files at once: worker processes, each file isolated, results delivered as they come.

Each worker checks one file at a time. While many small files wait, a worker is handed a few at once and answers
each as it finishes it, so that it never waits for the parent between two files; each file's clock starts when the
one before it is answered. The parent watches every file's clock: a file that takes longer than
the time limit has its worker killed and gets the error `timeout`; a worker that dies (a reader crashing the
interpreter, a memory blow-up past the worker's limit) costs its file an `unreadable`; either way a fresh worker
takes its place and the batch goes on. Results reach `on_result` the moment they arrive, so the caller can save
them (the cache) and nothing already checked is lost if the run is interrupted.

Workers never outlive the run: each asks the kernel to kill it when its parent dies (Linux), checks its parent
while idle (elsewhere), and closes the pipe ends of its siblings that fork handed it, so a killed parent leaves
no worker behind. A worker's memory limit counts only what it allocates after it starts (a worker forked from a
large server inherits the server's mappings), and a worker that grew by more than half its limit while checking
(a leaking rule or reader) is replaced after its file.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection, wait
from typing import Any

from nianbao.engine.batch import tree
from nianbao.engine.checking.checker import Checker
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.isolation import MB, die_with_parent, limit_memory, statm
from nianbao.engine.scratch import clear_of
from nianbao.engine.submissions import Submission

DEFAULT_TIMEOUT = 120.0
DEFAULT_MEMORY_MB = 2048

HEARTBEAT = 1.0  # seconds an idle worker waits before checking that its parent still lives


@dataclass(frozen=True)
class HandingSettings:
    """How many files a worker is handed at once."""

    # A small report is checked in a few milliseconds, and between two files handed one at a time the worker waits
    # for the parent to take the answer and send the next. Handed a few at once, it answers each and goes straight
    # on: 1,000 small reports in 0.94× the time (docs/benchmarks.md).
    together: int = 8
    small: int = 256 * 1024  # bytes: files this small are handed together (a scan or a long PDF one at a time)
    # Only while this many times `together` files per worker still wait: at the end of a run each file goes to
    # whichever worker is free, so that no worker is left with several while another has none.
    ahead: int = 4


HANDING = HandingSettings()

# The parent's ends of every worker pipe: a forked worker closes the ones it inherited, so that only the parent
# holds them (a worker holding a sibling's pipe would keep that sibling waiting after the parent died).
_PARENT_ENDS: set[Connection] = set()
# Held while a worker is forked. A process that checks in several threads (a cluster's worker) also holds it while it
# imports or builds a checker: a fork taken while another thread is half way through an import would leave the
# child waiting forever on that module's lock.
FORK_LOCK = threading.RLock()


@dataclass(frozen=True)
class WorkerLimits:
    timeout: float = DEFAULT_TIMEOUT  # seconds per file
    memory_mb: int | None = DEFAULT_MEMORY_MB  # what a worker may allocate beyond what it inherits; None: no limit
    watch: bool = True  # measure each check's whole process tree against memory_mb, and lower long checks' priority
    lower_after: float | None = None  # seconds before a check's priority is lowered; None: nianbao.engine.batch.tree's
    idle_exit: float | None = None  # seconds an idle worker waits for work before it exits; None: until told


def _close_inherited() -> None:
    for end in list(_PARENT_ENDS):
        with contextlib.suppress(OSError):
            end.close()
    _PARENT_ENDS.clear()


def _work(
    conn: Connection,
    inherited: Checker | None,
    make_checker: Callable[[], Checker] | None,
    memory_mb: int | None,
    parent_pid: int,
    work: Callable[[Checker, Submission], object],
    idle_exit: float | None = None,
) -> None:
    die_with_parent(parent_pid)
    _close_inherited()
    limit_memory(memory_mb)
    started = statm(1)
    checker = inherited if inherited is not None else make_checker()  # type: ignore[misc]
    idle_since = time.monotonic()
    while True:
        try:
            if not conn.poll(HEARTBEAT):
                if os.getppid() != parent_pid:
                    return  # orphaned: nobody will ever send a task
                if idle_exit is not None and time.monotonic() - idle_since > idle_exit:
                    return  # a kept worker nobody used for a while: the next file starts a fresh one
                continue
            task = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if task is None:
            return
        for index, sub in task:
            try:
                result = work(checker, sub)
            except MemoryError:
                result = checker.failed(sub.name, ReadError(ErrorCode.too_large, "error.memory"))
            # Grown by half its limit (a leak in a rule or a reader): it says so with the result and retires, and
            # the parent starts a fresh worker for the next file (and gives the files it was handed to others).
            retire = bool(memory_mb) and statm(1) - started > (memory_mb or 0) * MB // 2
            conn.send((index, result, retire))
            if retire:
                return
        idle_since = time.monotonic()


@dataclass
class _Worker:
    process: mp.process.BaseProcess
    conn: Connection
    handed: deque[tuple[int, Submission]] = field(default_factory=deque)  # sent, not yet answered, in order
    started: float = 0.0  # when the first of them was begun
    base: int = 0  # its resident bytes when it took its first file (shared with the parent when forked)
    lowered: bool = False  # its CPU priority lowered for the current file (a long one)
    idle_since: float = field(default_factory=time.monotonic)

    @property
    def task(self) -> tuple[int, Submission] | None:
        """The file it is checking."""
        return self.handed[0] if self.handed else None


@dataclass
class Pool:
    """Worker processes for one run. Use `run()`; the pool is closed when it returns, unless `keep` is set: then its
    idle workers wait for the next `run()` (a cluster's worker thread checks one file per call), until `close()`."""

    checker: Checker
    jobs: int
    limits: WorkerLimits = field(default_factory=WorkerLimits)
    make_checker: Callable[[], Checker] | None = None  # for platforms that cannot fork; default: rebuild
    # What a worker does with each submission (a batch also keeps what the report leaves for cross-report rules);
    # the pool itself answers a file it failed (timeout, crash) with a FileResult.
    work: Callable[[Checker, Submission], object] = Checker.check_submission
    keep: bool = False
    # How a worker process is started: forked where the platform can (it inherits the checker built, and starts in
    # milliseconds), else spawned. "spawn" for a parent whose other threads may be importing a module while it forks (a
    # Dask worker): a forked child that imports the same module waits for that import's lock forever.
    start: str | None = None
    _kept: list[_Worker] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        self._watching = self.limits.watch and tree.watchable()  # looked up once, not at every wake-up
        if self.make_checker is None:
            self.make_checker = partial(
                rebuild_checker,
                self.checker.profile,
                [p.name for p in self.checker.host.plugins if p.origin in ("file", "module")],
                self.checker.lang,
            )

    def _context(self) -> mp.context.BaseContext:
        methods = mp.get_all_start_methods()
        return mp.get_context(self.start or ("fork" if "fork" in methods else "spawn"))

    def _start(self) -> _Worker:
        context = self._context()
        # A forked worker inherits the parent's checker as it is (nothing pickled); a spawned one builds its own.
        inherited = self.checker if context.get_start_method() == "fork" else None
        with FORK_LOCK:  # the pipe made and its child end closed here before another thread forks
            parent, child = context.Pipe()
            process = context.Process(
                target=_work,
                args=(
                    child,
                    inherited,
                    self.make_checker,
                    self.limits.memory_mb,
                    os.getpid(),
                    self.work,
                    self.limits.idle_exit,
                ),
                daemon=True,
            )
            process.start()
            _PARENT_ENDS.add(parent)
            child.close()
        return _Worker(process, parent)

    def run(
        self,
        subs: Sequence[Submission],
        on_result: Callable[[int, Any], None],
        cancel: threading.Event | None = None,
    ) -> bool:
        """Check every submission; False when `cancel` was set first (the workers are then killed at once)."""
        pending = deque(enumerate(subs))
        wanted = max(1, min(self.jobs, len(subs)))
        workers, self._kept = self._kept[:wanted], self._kept[wanted:]
        workers += [self._start() for _ in range(wanted - len(workers))]
        try:
            while pending or any(w.task for w in workers):
                for i, w in enumerate(workers):
                    if w.task is None and pending:
                        if not w.process.is_alive() or self._may_leave(w):  # retired (memory), died, idle long
                            self._stop(w)
                            w = workers[i] = self._start()
                        w.handed.extend(self._hand(pending, len(workers)))
                        w.started = time.monotonic()
                        w.base = w.base or tree.resident(w.process.pid)
                        w.conn.send(list(w.handed))
                busy = [w for w in workers if w.task]
                deadline = min(w.started for w in busy) + self.limits.timeout
                timeout = max(0.0, deadline - time.monotonic())
                if cancel is not None:
                    timeout = min(timeout, HEARTBEAT)
                if self._watching:
                    timeout = min(timeout, tree.SETTINGS.sample)
                wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=timeout)
                if cancel is not None and cancel.is_set():
                    return False
                for i, w in enumerate(workers):
                    if w.task is not None:
                        workers[i] = self._collect(w, on_result, pending)
            return True
        finally:
            cancelled = cancel is not None and cancel.is_set()
            for w in workers:
                if self.keep and not cancelled and w.task is None:
                    self._kept.append(w)
                else:
                    self._stop(w, kill=cancelled)

    @staticmethod
    def _hand(pending: deque[tuple[int, Submission]], workers: int) -> list[tuple[int, Submission]]:
        """The next file, and with it the small files after it while many wait."""
        handed = [pending.popleft()]
        if len(pending) < HANDING.together * HANDING.ahead * workers:
            return handed
        while len(handed) < HANDING.together and pending and _small(handed[-1][1]) and _small(pending[0][1]):
            handed.append(pending.popleft())
        return handed

    def close(self) -> None:
        """Stop the workers a kept pool holds."""
        for w in self._kept:
            self._stop(w)
        self._kept.clear()

    def _may_leave(self, w: _Worker) -> bool:
        """A kept worker idle for half the time after which it exits on its own: not sent a file it might leave."""
        idle_exit = self.limits.idle_exit
        return idle_exit is not None and time.monotonic() - w.idle_since > idle_exit / 2

    def _watch(self, w: _Worker) -> ReadError | None:
        """The check's whole tree measured (nianbao.engine.batch.tree): the error that stops it when it holds more than
        the memory limit together; a long check let run at a lower priority."""
        if not self._watching:
            return None
        after = tree.SETTINGS.lower_after if self.limits.lower_after is None else self.limits.lower_after
        if not w.lowered and time.monotonic() - w.started > after:
            tree.lower(w.process.pid)
            w.lowered = True
        limit = self.limits.memory_mb
        if limit and tree.tree_resident(w.process.pid, w.base) > limit * MB:
            return ReadError(ErrorCode.too_large, "error.memory-tree", limit=f"{limit:,} MB")
        return None

    def _collect(
        self, w: _Worker, on_result: Callable[[int, Any], None], pending: deque[tuple[int, Submission]]
    ) -> _Worker:
        """Deliver what a worker finished, or fail an overdue, crashed or too large file and replace its worker;
        the files it was handed after that one go back to the front of `pending`."""
        assert w.task is not None
        while w.handed and w.conn.poll():
            try:
                got_index, result, retire = w.conn.recv()
            except (EOFError, OSError):
                break  # the worker died while answering: treated as a crash below
            w.handed.popleft()
            w.started = w.idle_since = time.monotonic()  # the next file's clock starts now
            on_result(got_index, result)
            if retire or w.lowered:  # a lowered worker cannot raise its priority again: a fresh one takes over
                return self._replace(w, pending)
        if not w.handed:
            return w
        index, sub = w.handed[0]
        over = self._watch(w) if w.process.is_alive() else None
        if over is None and w.process.is_alive() and time.monotonic() - w.started < self.limits.timeout:
            return w
        if over is not None:
            error = over
        elif w.process.is_alive():
            error = ReadError(ErrorCode.timeout, seconds=f"{self.limits.timeout:g}")
        else:
            error = ReadError(ErrorCode.unreadable, "error.crashed", exitcode=w.process.exitcode)
        w.handed.popleft()
        on_result(index, self.checker.failed(sub.name, error))
        return self._replace(w, pending, kill=True)

    def _replace(self, w: _Worker, pending: deque[tuple[int, Submission]], kill: bool = False) -> _Worker:
        """A fresh worker in place of `w`; what `w` was handed and did not answer waits again, first (and `w`, busy
        with it, is killed rather than told to stop)."""
        rest = list(w.handed)
        w.handed.clear()
        pending.extendleft(reversed(rest))
        self._stop(w, kill=kill or bool(rest))
        return self._start()

    @staticmethod
    def _stop(w: _Worker, kill: bool = False) -> None:
        try:
            if w.process.is_alive() and w.task is None and not kill:
                w.conn.send(None)
                w.process.join(timeout=1)
        except (OSError, BrokenPipeError):
            pass
        if w.process.is_alive():
            tree.kill(w.process.pid)  # its converter, its OCR and whatever a plugin started go with it
            w.process.kill()
            w.process.join(timeout=5)
        if w.process.exitcode != 0:  # killed or crashed mid-file: its converter's private folder goes with it
            clear_of(w.process.pid)
        with FORK_LOCK:
            _PARENT_ENDS.discard(w.conn)
        w.conn.close()


def _small(sub: Submission) -> bool:
    return sub.size <= HANDING.small


def rebuild_checker(profile, plugins: list[str], lang) -> Checker:
    """The parent's checker, built again in a worker that was spawned rather than forked."""
    from nianbao.engine.checking.plugins import PluginHost

    return Checker(PluginHost.load(extra=plugins), profile, lang)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
