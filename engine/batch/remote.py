"""What runs on a Dask cluster's worker (nianbao.engine.batch.cluster sends it): a few files' check, exactly as on one
machine.

Each worker thread keeps one check process (`nianbao.engine.batch.pool.Pool` with one worker, kept between tasks): each
file is checked there under its own time and memory limits, so a reader that hangs, crashes or grows costs its file and
never the Dask worker. The run's checker is built once per worker from the run's `Setup` (one task's result, which
every check task depends on), with the client's rule files sent as text; a worker whose rules come out different
answers every file with `error.cluster-mismatch` rather than another score. A cancelled task (the run cancelled, the
client gone) is seen on the worker's own state within a second, and its check process is killed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import logging
import multiprocessing as mp
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache, partial
from pathlib import Path

from nianbao.engine import __version__
from nianbao.engine.batch.cache import code_digest
from nianbao.engine.batch.pool import FORK_LOCK, Pool, WorkerLimits
from nianbao.engine.checking.checker import Checker, failed
from nianbao.engine.checking.plugins import ENTRY_POINT_GROUP, PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.i18n import Lang
from nianbao.engine.office.roster import Roster
from nianbao.engine.submissions import Submission

log = logging.getLogger(__name__)


@cache
def installed() -> tuple[str, str, tuple[tuple[str, str | None], ...]]:
    """What must match between the client and every worker: Nianbao's version, a digest of the engine's and the
    built-in rules' code, and the installed plugins (entry points) with their versions."""
    folders = [Path(__file__).resolve().parents[1]]
    spec = importlib.util.find_spec("nianbao.rules")
    folders += [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    plugins = sorted(
        (ep.name, ep.dist.version if ep.dist else None)
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    )
    return __version__, code_digest(folders), tuple(plugins)


def _rules_of(checker: Checker) -> tuple[tuple[str, str, str, float], ...]:
    return tuple(
        (r.cls.id, r.plugin, r.severity.value, r.weight) for r in checker.ruleset.rules + checker.ruleset.cross_rules
    )


@dataclass(frozen=True)
class Setup:
    """What a worker needs to build the run's checker: sent once, as the result of one task (`held`)."""

    key: str  # which run's settings these are: a worker keeps its checker by it
    profile: Profile
    plugins: tuple[str, ...]  # as the client loaded them (rule files by their client-side paths)
    sources: dict[str, str]  # the rule files' text, by those paths
    lang: Lang
    roster: Roster | None
    limits: WorkerLimits
    work: Callable[[Checker, Submission], object]
    rules: tuple[tuple[str, str, str, float], ...]  # the client's rules, as the worker's must be

    @classmethod
    def of(cls, checker: Checker, limits: WorkerLimits, work: Callable[[Checker, Submission], object]) -> Setup:
        plugins = tuple(p.name for p in checker.host.plugins if p.origin in ("file", "module"))
        origins = {p.name: p.origin for p in checker.host.plugins}
        sources = {name: Path(name).read_text(encoding="utf-8") for name in plugins if origins[name] == "file"}
        rules = _rules_of(checker)
        key = hashlib.sha256(repr((__version__, plugins, sorted(sources.items()), rules, checker.lang)).encode())
        key.update(repr((limits, checker.profile, checker.roster.digest if checker.roster else None)).encode())
        return cls(
            key.hexdigest(), checker.profile, plugins, sources, checker.lang, checker.roster, limits, work, rules
        )


def held(setup: Setup) -> Setup:
    """The run's settings as a task's result (nianbao.engine.batch.cluster submits it once; every check task depends
    on it)."""
    return setup


KEEP_CHECKERS = 2  # a worker keeps the checkers of this many runs' settings built (a run and the one after it)
_CHECKERS: OrderedDict[str, Checker | str] = OrderedDict()
_LOCK = threading.Lock()


def _checker_for(setup: Setup) -> Checker | str:
    """The run's checker on this worker, built once per run (a string: why it cannot be the client's)."""
    with _LOCK, FORK_LOCK:  # no check is forked while this thread imports the rules and builds
        found = _CHECKERS.get(setup.key)
        if found is None:
            host = PluginHost.load(extra=setup.plugins, shipped=setup.sources)
            found = Checker(host, setup.profile, setup.lang, setup.roster)
            if _rules_of(found) != setup.rules:
                theirs, ours = set(setup.rules), set(_rules_of(found))
                found = ", ".join(sorted({r[0] for r in theirs ^ ours})) or "order"
            _CHECKERS[setup.key] = found
            while len(_CHECKERS) > KEEP_CHECKERS:
                _CHECKERS.popitem(last=False)
        _CHECKERS.move_to_end(setup.key)
        return found


class _TaskCancelled(threading.Event):
    """Set when the Dask task running this check is cancelled (or its worker closes): looked up on the worker's own
    state, so a cancelled run's checks stop within a second without a message to anyone."""

    def __init__(self) -> None:
        super().__init__()
        from distributed import get_worker

        self._worker = get_worker()
        self._key = self._worker.get_current_task()

    def is_set(self) -> bool:
        task = self._worker.state.tasks.get(self._key)
        running = self._worker.status.name in ("running", "paused")
        return super().is_set() or task is None or task.state == "cancelled" or not running


# Seconds a worker thread's check process waits for the thread's next file before it exits: a run keeps it busy (a
# task is always queued behind the running one), and a run that ended or was stopped leaves nothing behind for long.
IDLE_EXIT = 10.0
_LANES = threading.local()  # each Dask worker thread's kept pool: one check process, started once per run's checker


def _pool_for(checker: Checker, setup: Setup) -> Pool:
    """This thread's pool of one kept check process: a process started for every file would pay its start and a cold
    start (each first check warms the readers' and rules' caches) on every file. The process is spawned, not forked:
    a Dask worker's other threads import modules at any time (its own, as a worker dies; a task's, as it arrives), and
    a child forked meanwhile hangs at its first import of such a module (its lock is held by a thread the child does
    not have; a killed worker's files then timed out on the other one). It builds the run's checker itself."""
    pool = getattr(_LANES, "pool", None)
    if pool is None or pool.checker is not checker:
        if pool is not None:
            pool.close()
        limits = replace(setup.limits, idle_exit=IDLE_EXIT)
        made = partial(_built, setup)
        pool = _LANES.pool = Pool(checker, 1, limits, made, setup.work, keep=True, start="spawn")
    return pool


def _built(setup: Setup) -> Checker:
    """The run's checker, built in a check process from what the worker was sent."""
    _allow_children()  # a rule file's trial import runs in a child of its own, as on the worker
    return Checker(PluginHost.load(extra=setup.plugins, shipped=setup.sources), setup.profile, setup.lang, setup.roster)


def _allow_children() -> None:
    """Let this Dask worker start the check's child process. A nanny starts its worker as a daemonic process, and
    multiprocessing refuses children to those lest they be orphaned when it exits; ours die with their parent
    (`nianbao.engine.isolation.die_with_parent`), which is what the rule protects. (Dask's own switch for this,
    `distributed.worker.daemon = False`, is the worker's start-up setting, which a client cannot give.)"""
    config = getattr(mp.current_process(), "_config", None)
    if isinstance(config, dict) and config.get("daemon"):
        config["daemon"] = False


def check_on_worker(setup: Setup, subs: list[Submission]) -> list[object | None]:
    """A few files' check, as one Dask task: in a kept child process of the worker, each under its own limits (a file
    that hangs or crashes costs only itself). An answer is None where the task was cancelled first."""
    _allow_children()  # before the checker is built: a rule file's trial import runs in a child too
    checker = _checker_for(setup)
    if isinstance(checker, str):
        mismatch = ReadError(ErrorCode.unreadable, "error.cluster-mismatch", rules=checker)
        return [failed(sub.name, mismatch, setup.lang) for sub in subs]
    answers: list[object | None] = [None] * len(subs)

    def take(index: int, answer: object) -> None:
        answers[index] = answer

    _pool_for(checker, setup).run(subs, take, _TaskCancelled())
    return answers
