"""Checking on a Dask cluster (`check --cluster tcp://HOST:8786`): each file's check is a task on the cluster's
workers (nianbao.engine.batch.remote), everything else stays on this machine.

This side reads each file within its limits and sends its bytes with the task, so workers need no shared disk
(`shared`: the paths are sent instead, for folders every worker sees at the same place). The cache, the run's store,
the cross-report phase and the outputs stay here; results are taken as they complete.

Small files go several to a task. Only as many tasks are out as the workers have threads, twice over, so this side
holds a bounded number of files' bytes however large the batch. A Dask worker lost mid-file (a machine gone,
`kill -9`) is the scheduler's to handle: it gives the task to another worker, as often as its `allowed-failures`
says (docs/cluster.md starts the scheduler with 1); after that the files are unreadable with why. With no worker
at all for a while, or the scheduler gone, the files still out are unreadable with why: the run never hangs on the
cluster. A cancelled run cancels its tasks, and the workers stop their checks (nianbao.engine.batch.remote).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from dataclasses import dataclass, field, replace
from typing import Any

from nianbao.engine.batch.pool import WorkerLimits
from nianbao.engine.batch.remote import Setup, check_on_worker, held, installed
from nianbao.engine.checking.checker import Checker
from nianbao.engine.errors import ErrorCode, ReadError, UsageError
from nianbao.engine.i18n import Lang, engine_message
from nianbao.engine.submissions import NESTED_ARCHIVES, Submission

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ClusterSettings:
    connect: float = 10.0  # seconds to reach the scheduler: a loaded one over a slow link answers within that
    # Seconds without any worker (before the first, or after all are gone) before the files still out are
    # unreadable: a cluster restarting its workers is back within that, one without workers is not.
    no_workers: float = 120.0
    per_thread: int = 2  # tasks out per worker thread: one running and one sent ahead, so no thread waits for bytes
    # Small files go several to a task: a task costs the scheduler, the worker and this side about 10 ms of CPU in
    # all, as much as checking a small text report. A task takes files until it holds this many or this many bytes.
    task_files: int = 8
    task_bytes: int = 2 * 1024 * 1024
    heartbeat: float = 1.0  # seconds between looks at the cluster (workers gone, Ctrl-C) while files are out
    # The files' bytes out at once, at most: the scheduler holds a task's bytes until a worker takes it, and a batch of
    # 50 MB scans on a cluster of a thousand threads would otherwise put 100 GB in flight.
    bytes_out: int = 512 * 1024 * 1024


SETTINGS = ClusterSettings()


def available() -> bool:
    try:
        import distributed  # noqa: F401
    except ImportError:
        return False
    return True


def require(lang: Lang) -> None:
    """A usage error naming the extra when Dask's `distributed` is not installed."""
    if not available():
        raise UsageError(engine_message("usage.cluster-extra", lang))


@dataclass(frozen=True)
class _Task:
    """A task out on the cluster: the files it holds (their place in the run and the submission, without the bytes
    sent, which are read again if the task must be sent again)."""

    files: list[tuple[int, Submission]]
    size: int  # the bytes sent
    again: bool = False  # sent a second time (its first result was lost with its worker)


@dataclass
class ClusterPool:
    """The cluster in place of nianbao.engine.batch.pool.Pool: the same `run()`, each file a task on the cluster."""

    checker: Checker
    address: str
    limits: WorkerLimits
    work: Callable[[Checker, Submission], object]
    shared: bool = False  # workers read the paths themselves
    settings: ClusterSettings = field(default_factory=lambda: SETTINGS)

    def run(
        self,
        subs: Sequence[Submission],
        on_result: Callable[[int, Any], None],
        cancel: threading.Event | None = None,
    ) -> bool:
        """Check every submission on the cluster; False when `cancel` was set first (its tasks are then
        cancelled)."""
        from distributed import Client

        lang = self.checker.lang
        try:
            client = Client(self.address, timeout=self.settings.connect, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise UsageError(
                engine_message("usage.cluster-unreachable", lang, address=self.address, reason=exc)
            ) from None
        out: dict[Any, _Task] = {}  # each task out, with the files it holds
        try:
            self._refuse_strangers(client)
            # The run's settings, held on the cluster as a task's result: if every worker holding it is lost, the
            # scheduler computes it again (scattered data would be gone for good, and every task with it).
            setup = client.submit(held, Setup.of(self.checker, self.limits, self.work), pure=False)
            with client.as_current():  # distributed.wait finds its client so
                return self._feed(client, setup, subs, on_result, out, cancel)
        finally:
            if out:  # cancelled or failed midway: nothing of this run goes on on the cluster
                with contextlib.suppress(Exception):
                    client.cancel(list(out), force=True)
            with contextlib.suppress(Exception):
                client.close()

    def _refuse_strangers(self, client: Any) -> None:
        """A usage error when a worker runs another Nianbao (version, code or installed plugins) than this one."""
        ours = installed()
        try:
            client.wait_for_workers(1, timeout=self.settings.no_workers)
        except TimeoutError:
            raise UsageError(
                engine_message("usage.cluster-no-workers", self.checker.lang, address=self.address)
            ) from None
        theirs = {address: _plain(found) for address, found in client.run(installed, on_error="return").items()}
        strangers = sorted(address for address, found in theirs.items() if found != ours)
        if strangers:
            found = theirs[strangers[0]]
            raise UsageError(
                engine_message(
                    "usage.cluster-mismatch",
                    self.checker.lang,
                    workers=", ".join(strangers),
                    theirs=f"{found[0]} ({found[1][:12]})",
                    ours=f"{ours[0]} ({ours[1][:12]})",
                )
            )
        log.debug("cluster %s: %d workers run nianbao %s", self.address, len(theirs), ours[0])

    def _ship(self, sub: Submission) -> Submission:
        """What is sent for a submission: its bytes (bounded as on one machine), or the path for a shared folder."""
        if self.shared or sub.read_before is not None or sub.refused or (sub.member and sub.suffix in NESTED_ARCHIVES):
            return sub  # nothing to read here: the worker answers from what the submission says
        return replace(sub, data=sub.read_bytes(self.checker.limits))

    def _feed(
        self,
        client: Any,
        setup: Any,
        subs: Sequence[Submission],
        on_result: Callable[[int, Any], None],
        out: dict[Any, _Task],
        cancel: threading.Event | None,
    ) -> bool:
        from distributed import wait

        pending = deque(range(len(subs)))
        alone_since: float | None = None  # when the cluster was last seen without a worker
        threads, looked = 0, 0.0
        while pending or out:
            try:
                if time.monotonic() - looked > self.settings.heartbeat:  # the scheduler asked at most this often
                    threads, looked = sum(_threads(client).values()), time.monotonic()
                while pending and len(out) < self.settings.per_thread * max(1, threads) and self._room(out):
                    files, shipped, size = self._task(subs, pending, on_result, threads)
                    if files:
                        out[client.submit(check_on_worker, setup, shipped, pure=False)] = _Task(files, size)
                if out:
                    try:
                        wait(list(out), timeout=self.settings.heartbeat, return_when="FIRST_COMPLETED")
                    except TimeoutError:
                        pass
                    except CancelledError:  # a task the scheduler dropped: sent again (_take), unless it is gone
                        if client.status != "running":
                            raise
                if cancel is not None and cancel.is_set():
                    return False
                self._take(client, setup, out, on_result)
            except (OSError, CancelledError) as exc:  # the scheduler is gone (its connection closed, not back)
                log.debug("cluster lost (%s): %s", client.status, exc, exc_info=True)
                lost = ReadError(ErrorCode.unreadable, "error.cluster-lost", detail=str(exc))
                self._give_up(subs, pending, out, on_result, lost)
                break
            if threads:
                alone_since = None
            elif alone_since is None:
                alone_since = time.monotonic()
            elif time.monotonic() - alone_since > self.settings.no_workers:
                seconds = f"{self.settings.no_workers:g}"
                gone = ReadError(ErrorCode.unreadable, "error.cluster-no-workers", seconds=seconds)
                self._give_up(subs, pending, out, on_result, gone)
        return True

    def _room(self, out: dict[Any, _Task]) -> bool:
        return sum(task.size for task in out.values()) < self.settings.bytes_out

    def _task(
        self, subs: Sequence[Submission], pending: deque[int], on_result: Callable[[int, Any], None], threads: int
    ) -> tuple[list[tuple[int, Submission]], list[Submission], int]:
        """The next few files for one task (their places and submissions), what is sent for them, and its bytes; read
        and bounded here (a file that cannot be read is answered at once). Never so many that some worker thread
        would be left without a task: a short batch goes one file a task."""
        files: list[tuple[int, Submission]] = []
        shipped: list[Submission] = []
        size = 0
        most = max(1, min(self.settings.task_files, len(pending) // (max(1, threads) * self.settings.per_thread)))
        while pending and len(files) < most and size < self.settings.task_bytes:
            index = pending.popleft()
            try:
                sent = self._ship(subs[index])
            except ReadError as err:
                on_result(index, self.checker.failed(subs[index].name, err))
                continue
            files.append((index, subs[index]))
            shipped.append(sent)
            size += sent.size
        return files, shipped, size

    def _take(self, client: Any, setup: Any, out: dict[Any, _Task], on_result: Callable[[int, Any], None]) -> None:
        """The finished tasks' answers, fetched together (one round trip, not one a task). A task whose result went
        with its worker before it was fetched, or that the scheduler dropped, is sent again once."""
        done = [f for f in out if f.done()]
        finished = [f for f in done if f.status == "finished"]
        try:
            fetched = list(zip(finished, client.gather(finished), strict=True))
        except CancelledError:  # some result is gone: fetched one by one, the gone ones sent again
            fetched = []
            for future in finished:
                with contextlib.suppress(TimeoutError):  # being computed again: taken on a later round
                    try:
                        fetched.append((future, future.result(timeout=0.1)))
                    except CancelledError:
                        self._again(client, setup, out, future, on_result)
        for future, answers in fetched:
            for (index, sub), answer in zip(out.pop(future).files, answers, strict=True):
                on_result(index, answer if answer is not None else self._lost(sub))
        for future in [f for f in done if f.status != "finished"]:
            failure = self._failure(future)
            if failure.key == "error.cluster-lost":
                self._again(client, setup, out, future, on_result)
            else:
                for index, sub in out.pop(future).files:
                    on_result(index, self.checker.failed(sub.name, failure))

    def _again(
        self, client: Any, setup: Any, out: dict[Any, _Task], future: Any, on_result: Callable[[int, Any], None]
    ) -> None:
        """A task sent once more, or, sent twice already, its files unreadable."""
        task = out.pop(future)
        if task.again:
            for index, sub in task.files:
                on_result(index, self.checker.failed(sub.name, ReadError(ErrorCode.unreadable, "error.worker-lost")))
        else:
            sent = []
            for index, sub in task.files:
                try:
                    sent.append((index, sub, self._ship(sub)))
                except ReadError as err:  # gone or changed since: as it would be read now
                    on_result(index, self.checker.failed(sub.name, err))
            if sent:
                files = [(index, sub) for index, sub, _ in sent]
                shipped = [shipped for _, _, shipped in sent]
                out[client.submit(check_on_worker, setup, shipped, pure=False)] = replace(task, files=files, again=True)

    def _failure(self, future: Any) -> ReadError:
        """Why a task's files were not checked: their workers died (the scheduler's KilledWorker), the task raised
        outside the checks, or it was lost with the scheduler."""
        try:
            exc = future.exception()
        except Exception as lost:  # cancelled, or the scheduler forgot it
            exc = lost
        if exc is None or isinstance(exc, CancelledError):
            return ReadError(ErrorCode.unreadable, "error.cluster-lost")
        key = "error.worker-lost" if type(exc).__name__ == "KilledWorker" else "error.cluster-task"
        return ReadError(ErrorCode.unreadable, key, detail=f"{type(exc).__name__}: {exc}")

    def _lost(self, sub: Submission) -> Any:
        """A file whose worker saw its task cancelled without this run asking (the scheduler dropped it)."""
        return self.checker.failed(sub.name, ReadError(ErrorCode.unreadable, "error.cluster-lost"))

    def _give_up(
        self,
        subs: Sequence[Submission],
        pending: deque[int],
        out: dict[Any, _Task],
        on_result: Callable[[int, Any], None],
        error: ReadError,
    ) -> None:
        """Every file still out or waiting is unreadable with `error` (the cluster cannot check them)."""
        with contextlib.suppress(Exception):
            next(iter(out)).client.cancel(list(out), force=True)
        for index in sorted([*(i for task in out.values() for i, _ in task.files), *pending]):
            on_result(index, self.checker.failed(subs[index].name, error))
        out.clear()
        pending.clear()


def _threads(client: Any) -> dict[str, int]:
    """Each live worker's threads, as the client last heard from the scheduler."""
    workers = client.scheduler_info(n_workers=-1).get("workers", {})
    return {address: int(info.get("nthreads", 1)) for address, info in workers.items()}


def _plain(found: Any) -> tuple:
    """A worker's `installed()` as it came back over the wire (tuples may arrive as lists); a worker that could not
    say (a Nianbao without this function, say) as its error."""
    try:
        version, digest, plugins = found
        return version, digest, tuple(tuple(p) for p in plugins)
    except (TypeError, ValueError):
        return "?", f"{type(found).__name__}: {found}", ()
