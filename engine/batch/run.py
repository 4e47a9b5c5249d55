"""One `check` run over many submissions: cache, workers, cross-report rules (with history), reviews, roster."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern

from engine import __version__
from engine.batch.across import contained
from engine.batch.cache import Cache, run_key
from engine.batch.history import gather
from engine.batch.pool import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT, Pool, WorkerLimits, default_jobs
from engine.batch.progress import Progress
from engine.batch.review import apply_review, load_review
from engine.checker import Checker
from engine.errors import ErrorCode, ReadError
from engine.isolation import run_isolated
from engine.model import Anchor, Report
from engine.organs import previous_years
from engine.result import FileResult, HistorySummary, RosterSummary, RuleResult, Status
from engine.roster import summarize
from engine.scoring import rescore
from engine.sources import Submission

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
    digest = hashlib.sha256()
    for folder in sorted(folders):
        files.update(p for p in folder.rglob("*") if p.suffix in {".py", ".toml", ".json"})
    for path in sorted(files):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _run_key(checker: Checker, options: RunOptions) -> str:
    """Everything besides a file's content that shapes its result."""
    profile = checker.profile
    return run_key(
        __version__,
        _code_digest(checker),
        checker.lang.value,
        profile.organ_type,
        profile.options,
        profile.resolved_deadlines(),
        {c.value: (p.points, p.cap) for c, p in profile.categories.items()},
        [(r.cls.id, r.plugin, r.severity.value, r.weight) for r in checker.rules + checker.cross_rules],
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
        cache = Cache(options.cache_dir / "results.sqlite", _run_key(checker, options))
    except (OSError, sqlite3.Error) as exc:
        log.warning("results cache %s unavailable, checking without it: %s", options.cache_dir, exc)
        return None
    return cache if cache.usable else None


def _size(sub: Submission) -> int:
    try:
        return sub.file.stat().st_size if sub.member is None else 0
    except OSError:
        return 0


class SharedRules:
    """One object for every identical rule result that passed or did not apply, for every identical place in a
    source (page and line), and for the tables' row and column keys: a batch's reports hold them by the tens and
    hundreds each (about 60 KB a report as separate objects). Nothing changes them afterwards but scoring, which
    sets the penalty of failed rule results only (these keep 0), so sharing them is safe."""

    def __init__(self) -> None:
        self.seen: dict[tuple, RuleResult] = {}
        self.places: dict[tuple, Anchor] = {}

    def rules_of(self, result: FileResult) -> FileResult:
        kept = []
        for r in result.rules:
            if r.status in (Status.passed, Status.not_applicable) and not r.penalty and r.reason is None:
                key = (r.rule, r.status, r.severity, r.weight, r.category)
                r = self.seen.setdefault(key, r)
            kept.append(r)
        result.rules = kept
        report = result.report
        if report is not None:
            report.anchors = {intern(k): self._place(a) for k, a in report.anchors.items()}
            for name in ("proactive", "applications", "review_litigation"):
                table = getattr(report, name)
                shared = {intern(r): {intern(c): v for c, v in row.items()} for r, row in table.items()}
                setattr(report, name, shared)
            for section in report.sections:
                if section.lines:
                    section.lines = [self._place(a) for a in section.lines]
        return result

    def _place(self, anchor: Anchor) -> Anchor:
        return self.places.setdefault((anchor.page, anchor.line, anchor.box), anchor)


@dataclass
class RunOutcome:
    results: list[FileResult]
    cached: int  # how many came from the cache
    roster: RosterSummary | None = None
    history: HistorySummary | None = None


def check_all(checker: Checker, subs: list[Submission], options: RunOptions) -> RunOutcome:
    """Check every submission, then compare them across reports (with earlier years' reports when `history` is
    given), then apply the review file."""
    decisions = load_review(options.review) if options.review else None  # a bad review file fails before any work
    models, earlier = gather(options.history, checker.limits) if options.history else ([], [])
    results, cached = _check_each(checker, [*subs, *earlier], options)
    done, read_before = results[: len(subs)], results[len(subs) :]
    earlier_scores = [*models, *((r.report, r.score) for r in read_before if r.report is not None)]
    history = [report for report, _ in earlier_scores]
    jobs = options.jobs or default_jobs()
    checker.check_across(done, contained(options.cross_timeout, options.memory_mb, jobs=jobs), history)
    if decisions is not None:
        apply_review(done, decisions)
        for result in done:
            if result.report is not None:
                rescore(result, checker.profile.categories)
    outcome = RunOutcome(done, cached)
    if checker.roster is not None:
        outcome.roster = summarize(checker.roster, done)
    if options.history:
        outcome.history = _history_summary(checker, done, earlier_scores, sum(1 for r in read_before if r.error))
    return outcome


def _check_each(checker: Checker, subs: list[Submission], options: RunOptions) -> tuple[list[FileResult], int]:
    """Every submission's result, in order: from the cache where the file is unchanged, else from the workers."""
    results: list[FileResult | None] = [None] * len(subs)
    shared = SharedRules()
    progress = Progress(len(subs), checker.lang, enabled=options.progress)
    cache = _open_cache(checker, options)
    digests: dict[int, str] = {}
    todo: list[int] = []
    try:
        for i, sub in enumerate(subs):
            digest = cache.digest(sub) if cache else None
            hit = cache.get(sub, digest) if cache and digest else None
            if hit is not None:
                results[i] = shared.rules_of(hit)
                progress.advance(hit.error is not None)
            else:
                todo.append(i)
                if digest:
                    digests[i] = digest

        def deliver(index: int, result: FileResult) -> None:
            original = todo[index]
            results[original] = shared.rules_of(result)
            if cache and original in digests:
                cache.put(digests[original], result)
            progress.advance(result.error is not None)

        # Largest files first: the long ones start early and the small ones fill the gaps at the end.
        todo.sort(key=lambda i: -_size(subs[i]))
        if todo:
            pool = Pool(checker, options.jobs or default_jobs(), WorkerLimits(options.timeout, options.memory_mb))
            pool.run([subs[i] for i in todo], deliver)
    finally:
        progress.close()
        if cache:
            cache.close()
    return [r for r in results if r is not None], len(subs) - len(todo)


def _history_summary(
    checker: Checker, done: list[FileResult], earlier: list[tuple[Report, float | None]], unreadable: int
) -> HistorySummary:
    """How many reports found last year's, and each one's score then (`previous_score`, for the year-over-year
    column)."""
    checked = [r for r in done if r.report is not None]
    everything = [*(r.report for r in checked), *(report for report, _ in earlier)]
    scores = [*(r.score for r in checked), *(score for _, score in earlier)]
    pairs = previous_years(checker.organ_keys(everything), [r.year for r in everything], len(checked))
    for i, j in pairs.items():
        checked[i].previous_score = scores[j]
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
