"""One `check` run over many submissions: cache, workers, cross-report rules (with history), reviews, roster."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.engine import __version__
from nianbao.engine.batch.answer import Answer, checked
from nianbao.engine.batch.cache import Cache, code_digest, run_key
from nianbao.engine.batch.contained_rules import contained
from nianbao.engine.batch.history import gather
from nianbao.engine.batch.in_process import check_here, compare_here
from nianbao.engine.batch.pool import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Pool, WorkerLimits, default_jobs
from nianbao.engine.batch.progress import Progress
from nianbao.engine.batch.store import Entry, Store, StoredResults, decode, encode
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.crossreport import CrossOutcome, ReportDigests, attach, compare, digests_of
from nianbao.engine.checking.translation import say_again
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.i18n import Lang
from nianbao.engine.isolation import run_isolated
from nianbao.engine.model import Report
from nianbao.engine.office.review import apply_review, load_review
from nianbao.engine.office.roster import summarize
from nianbao.engine.organs import previous_years
from nianbao.engine.readers.tools import fingerprint
from nianbao.engine.result import FileResult, HistorySummary, Outline, Review, RosterSummary
from nianbao.engine.scoring import rescore
from nianbao.engine.scratch import clear_orphans
from nianbao.engine.submissions import Submission

if TYPE_CHECKING:
    from nianbao.engine.batch.cluster import ClusterPool

log = logging.getLogger(__name__)


@dataclass
class RunOptions:
    jobs: int | None = None  # None: every core
    timeout: float = DEFAULT_TIMEOUT
    memory_mb: int | None = DEFAULT_MEMORY_MB
    cache_dir: Path | None = None  # None: no cache
    progress: bool | None = None  # None: when standard error is a terminal
    review: Path | None = None
    cross_timeout: float = 600.0  # seconds each cross-report rule may take over the whole run
    history: list[str] = field(default_factory=list)  # earlier years' reports or result documents
    cluster: str | None = None  # a Dask scheduler's address: each file is checked there (nianbao.engine.batch.cluster)
    cluster_shared: bool = False  # the cluster's workers see the paths as they are here: paths are sent, not bytes


def _code_digest(checker: Checker) -> str:
    """The engine's code and every loaded plugin's (the built-in rules, a local rule file): a changed checkout
    or an edited rule file must not reuse old results, even when no version number changed."""
    folders = {Path(__file__).resolve().parents[1]}  # the whole engine package
    files: set[Path] = set()
    for plugin in checker.host.manager.get_plugins():
        source = getattr(plugin, "__file__", None)
        if source:
            path = Path(source).resolve()
            if "." in getattr(plugin, "__name__", ""):
                folders.add(path.parent)  # a module in a package leans on its siblings (rules/support.py)
            else:
                files.add(path)
    return code_digest(sorted(folders), sorted(files))


def _run_key(checker: Checker, options: RunOptions, lang: Lang | None = None, code: str | None = None) -> str:
    """Everything besides a file's content that shapes its result (in `lang`, by default the checker's)."""
    profile = checker.profile
    return run_key(
        __version__,
        code or _code_digest(checker),
        fingerprint(),  # the programs and libraries a file is read with
        (lang or checker.lang).value,
        profile.organ_type,
        profile.options,
        profile.resolved_deadlines(),
        {c.value: (p.points, p.cap) for c, p in profile.categories.items()},
        profile.ceilings,
        [(r.cls.id, r.plugin, r.severity.value, r.weight) for r in checker.ruleset.rules + checker.ruleset.cross_rules],
        [(p.name, p.version) for p in checker.host.plugins],
        options.timeout,
        options.memory_mb,
        checker.roster.digest if checker.roster is not None else None,
    )


def _open_cache(checker: Checker, options: RunOptions) -> Cache | None:
    """The results cache, or None (with a warning) where it cannot be kept: a read-only folder, a full disk."""
    if options.cache_dir is None:
        return None
    try:
        code = _code_digest(checker)
        others = tuple(_run_key(checker, options, lang, code) for lang in Lang if lang != checker.lang)
        read = run_key(__version__, code, fingerprint(), options.timeout, options.memory_mb, "read")
        cache = Cache(options.cache_dir / "results.sqlite", _run_key(checker, options, code=code), others, read)
    except (OSError, sqlite3.Error) as exc:
        log.warning("results cache %s unavailable, checking without it: %s", options.cache_dir, exc)
        return None
    return cache if cache.usable else None


@dataclass
class RunOutcome:
    results: StoredResults  # in the order of the paths, read back from the run's store one at a time
    cached: int  # how many came from the cache
    roster: RosterSummary | None = None
    history: HistorySummary | None = None


def check_all(checker: Checker, subs: list[Submission], options: RunOptions) -> RunOutcome:
    """Check every submission, then compare them across reports (with earlier years' reports when `history` is
    given), then apply the review file. `subs` is handed over: the run empties it (`_handed`).

    Nothing of a report stays in memory once its worker is done with it: its result goes to the run's store and
    what the cross-report rules need of it (`nianbao.engine.checking.crossreport.ReportDigests`) stays with its outline.
    A result the cross-report rules found something in (or any, with a review file) is read back at once to take it in
    and be scored again; the others take the rules' statuses when an output reads them."""
    decisions = load_review(options.review) if options.review else None  # a bad review file fails before any work
    clear_orphans()  # what a run killed as a whole left in the temporary folder
    store = Store()
    earlier: list[tuple[ReportDigests, float | None]] = []
    files: list[Submission] = []
    if options.history:
        files = gather(
            options.history,
            checker.limits,
            lambda report: _earlier_digests(checker, report).stored(store.put),
            earlier.append,
        )
    started = time.monotonic()
    count = len(subs)
    entries, cached = _check_each(checker, _handed(subs, files), options, store)
    log.debug("%d files checked in %.1f s (%d from the cache)", len(entries), time.monotonic() - started, cached)
    done, read_before = entries[:count], entries[count:]
    earlier += [(e.digested, e.outline.score) for e in read_before if e.digested is not None]
    checked = [e for e in done if e.digested is not None]
    all_digested = [e.digested for e in checked if e.digested is not None]
    finish = _Finish(checker, decisions)
    if checker.ruleset.cross_rules:
        here = compare_here(checker, len(all_digested) + len(earlier))
        contain = (
            None if here else contained(options.cross_timeout, options.memory_mb, jobs=options.jobs or default_jobs())
        )
        started = time.monotonic()
        finish.outcomes = compare(
            checker.ruleset,
            checker.identities.pairing_keys,
            all_digested,
            [digested for digested, _ in earlier],
            store.get,
            contain,
        )
        log.debug("cross-report rules over %d reports in %.1f s", len(all_digested), time.monotonic() - started)
    found = {i for outcome in finish.outcomes for i in outcome.found}
    for slot, entry in enumerate(checked):
        entry.slot, entry.done = slot, not (finish.outcomes or decisions)
        if slot in found or decisions is not None:  # its score may change: known before any output is written
            result = decode(store.get(entry.ref), entry.outline.path)
            finish(result, entry)
            entry.ref, entry.outline, entry.done = store.put(encode(result)), Outline.of(result), True
    outcome = RunOutcome(StoredResults(store, sorted(done, key=lambda e: e.outline.path), finish), cached)
    if checker.roster is not None:
        failed = [(e.outline.path, e.outline.code) for e in done if e.digested is None]
        outcome.roster = summarize(checker.roster, [digested.brief for digested in all_digested], failed)
    if options.history:
        unreadable = sum(1 for e in read_before if e.outline.unreadable)
        outcome.history = _history_summary(checker, finish, checked, earlier, unreadable)
    return outcome


@dataclass
class _Finish:
    """What a checked report takes after the batch is compared: the cross-report rules' findings and statuses, the
    reviewer's decisions, its score again, and the same organ's score for the year before."""

    checker: Checker
    decisions: dict[str, Review] | None
    outcomes: list[CrossOutcome] = field(default_factory=list)
    previous: dict[int, float | None] = field(default_factory=dict)  # by slot

    def __call__(self, result: FileResult, entry: Entry) -> None:
        if not entry.done:
            if self.outcomes:
                attach(self.checker.ruleset, result, entry.slot, self.outcomes)
            if self.decisions is not None:
                apply_review([result], self.decisions)
            rescore(result, self.checker.profile.scoring)
        if entry.slot in self.previous:
            result.previous_score = self.previous[entry.slot]


def _here(checker: Checker, sub: Submission, work: Callable[[Checker, Submission], Answer]) -> Answer | FileResult:
    """One submission checked in this process (nianbao.engine.batch.in_process): a failure the reader and the rules
    do not contain themselves costs the file, as a worker's death would."""
    try:
        return work(checker, sub)
    except Exception as exc:
        log.debug("checking %s in process failed", sub.name, exc_info=True)
        error = ReadError(ErrorCode.unreadable, detail=f"{type(exc).__name__}: {exc}")
        return checker.failed(sub.name, error)


def _earlier_digests(checker: Checker, report: Report) -> ReportDigests:
    """What an earlier year's report from a result document leaves (it is not checked again)."""
    return digests_of(checker.ruleset, report, checker.context_of(report))


def _handed(subs: list[Submission], files: list[Submission]) -> list[Submission]:
    """Every submission in one list that only the checking holds: `subs`, emptied, and the earlier years' `files`.
    Each entry keeps the name a result needs; the submissions themselves (a path, its parts, its name: 600 bytes
    each, 60 MB in a run of 100,000) are let go once checked, before the cross-report rules and the outputs."""
    every = [*subs, *files]
    subs.clear()
    files.clear()
    return every


def _check_each(checker: Checker, subs: list[Submission], options: RunOptions, store: Store) -> tuple[list[Entry], int]:
    """Every submission's entry, in order: from the cache where the file is unchanged, else from the workers."""
    entries: list[Entry | None] = [None] * len(subs)
    progress = Progress(len(subs), checker.lang, enabled=options.progress)
    cache = _open_cache(checker, options)
    digests: dict[int, str] = {}
    todo: list[int] = []

    def enter(index: int, blob: bytes, digested: ReportDigests | None, outline: Outline) -> None:
        entries[index] = Entry(store.put(blob), outline, digested.stored(store.put) if digested is not None else None)
        progress.advance(outline.unreadable)

    try:
        for i, sub in enumerate(subs):
            digest = cache.digest(sub) if cache else None
            hit = cache.get(digest) if cache and digest else None
            if hit is not None:  # kept as it was stored, not validated again
                blob, digested, outline, own = hit
                if not own and cache is not None and digest:  # kept in another language: said again, not read again
                    result = decode(blob, outline.path)
                    say_again(checker.ruleset, result)
                    blob = encode(result)
                    cache.put(digest, blob, digested, outline, result.error)
                enter(
                    i, blob, digested.named(sub.name) if digested is not None else None, replace(outline, path=sub.name)
                )
            else:
                todo.append(i)
                if digest:
                    digests[i] = digest

        def deliver(index: int, answer: Answer | FileResult) -> None:
            original = todo[index]
            if isinstance(answer, FileResult):  # a file the pool failed (timeout, crash)
                answer = (encode(answer), None, Outline.of(answer), answer.error, None)
            blob, digested, outline, error, read = answer
            if cache and original in digests:
                cache.put(digests[original], blob, digested, outline, error)
                if read is not None:
                    cache.put_read(digests[original], read)
            enter(original, blob, digested, outline)

        read_before = 0
        for i in todo:  # read by an earlier run (another profile, selection or language): not read again
            before = cache.get_read(digests[i]) if cache and i in digests else None
            if before is not None:
                subs[i] = replace(subs[i], read_before=before)
                read_before += 1
        if read_before:
            log.debug("%d files read by an earlier run, checked again without reading", read_before)

        # Largest files first: the long ones start early and the small ones fill the gaps at the end.
        todo.sort(key=lambda i: -subs[i].size)
        if todo:
            limits = WorkerLimits(options.timeout, options.memory_mb)
            work = partial(checked, keep_read=cache is not None)
            if not options.cluster and check_here(checker, [subs[i] for i in todo]):
                deliver(0, _here(checker, subs[todo[0]], work))
            else:
                if options.cluster:
                    from nianbao.engine.batch.cluster import ClusterPool  # only a cluster run pays for importing it

                    pool: Pool | ClusterPool = ClusterPool(
                        checker, options.cluster, limits, work, options.cluster_shared
                    )
                else:
                    pool = Pool(checker, options.jobs or default_jobs(), limits, work=work)
                pool.run([subs[i] for i in todo], deliver)
    finally:
        progress.close()
        if cache:
            cache.close()
    return [e for e in entries if e is not None], len(subs) - len(todo)


def _history_summary(
    checker: Checker,
    finish: _Finish,
    checked: list[Entry],
    earlier: list[tuple[ReportDigests, float | None]],
    unreadable: int,
) -> HistorySummary:
    """How many reports found last year's, and each one's score then (`previous_score`, for the year-over-year
    column)."""
    everything = [*(e.digested for e in checked if e.digested is not None), *(digested for digested, _ in earlier)]
    scores = [*(e.outline.score for e in checked), *(score for _, score in earlier)]
    keys = checker.identities.pairing_keys([digested.brief.agency for digested in everything])
    pairs = previous_years(keys, [digested.brief.year for digested in everything], len(checked))
    finish.previous = {i: scores[j] for i, j in pairs.items()}
    return HistorySummary(reports=len(earlier), paired=len(pairs), unreadable=unreadable)


def read_contained(checker: Checker, path: Path) -> Report | ReadError:
    """Stage 1 alone (`nianbao parse`), in a child process under the profile's time and memory limits."""
    limits = checker.profile.limits

    def read() -> Report | tuple[str, str, dict]:
        try:
            return checker.read(path)
        except ReadError as err:  # sent back as plain values: an exception with keyword arguments does not pickle
            return (err.code.value, err.key, err.params)

    outcome = run_isolated(read, limits.timeout, limits.worker_memory_mb)
    if outcome.ok and isinstance(outcome.value, Report):
        return outcome.value
    if outcome.ok:
        code, key, params = outcome.value
        return ReadError(ErrorCode(code), key, **params)
    if outcome.kind == "timeout":
        return ReadError(ErrorCode.timeout, seconds=f"{limits.timeout:g}")
    if outcome.kind == "died":
        return ReadError(ErrorCode.unreadable, "error.crashed", exitcode=outcome.exitcode)
    if "MemoryError" in outcome.reason:
        return ReadError(ErrorCode.too_large, "error.memory")
    return ReadError(ErrorCode.unreadable, detail=outcome.reason)
