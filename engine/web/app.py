"""`nianbao serve`: the self-check web page (Starlette on uvicorn), the same checker underneath.

An upload never touches the disk: its bytes go to a worker process (forked for the check, with the per-file time
and memory limits) and are dropped with the answer. At most `workers` short checks run at once, short ones first
(nianbao.engine.web.lanes), and at most `queue` more wait or run long; a full queue answers 503 with `Retry-After`, and
a check whose client went away is stopped. Requests must name this computer in `Host` when the server listens
on loopback (no DNS rebinding), and uploads must come from the page itself (`Origin`), so another site the clerk
visits cannot post files here (nianbao.engine.web.intake). Every answer carries the security headers; every refusal is a
readable page (or JSON under /api/).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import threading
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from nianbao.engine.batch import tree
from nianbao.engine.batch.answer import Answer, checked
from nianbao.engine.batch.contained_rules import contained
from nianbao.engine.batch.in_process import compare_here
from nianbao.engine.batch.pool import Pool, WorkerLimits, default_jobs
from nianbao.engine.batch.store import decode
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.translation import translate
from nianbao.engine.i18n import Lang
from nianbao.engine.isolation import MB, run_isolated
from nianbao.engine.readers.ofd import page_svgs
from nianbao.engine.readers.pdf.pages import PageImage, render_pages
from nianbao.engine.result import FileResult, ResultDocument
from nianbao.engine.scratch import clear_orphans
from nianbao.engine.submissions import Submission
from nianbao.engine.web import jobs
from nianbao.engine.web.intake import ERRORS, LOOPBACK, Intake, SecurityHeaders, lang_of
from nianbao.engine.web.jobs import Job, likely_scan, scan_pages
from nianbao.engine.web.kept import KeptModels
from nianbao.engine.web.lanes import Lanes
from nianbao.engine.web.marked import pages_to_draw
from nianbao.engine.web.pages import result_page, upload_page, waiting_page
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

HOLDING_EVERY = 0.25  # seconds between two measures of the service's memory


@dataclass(frozen=True)
class ServeLimits:
    timeout: float = 60.0  # seconds per check
    memory_mb: int | None = 2048  # what one check's worker may allocate
    workers: int = 0  # short checks at once (nianbao.engine.web.lanes); 0: the core count
    queue: int = 0  # checks admitted beyond those, waiting or run long; 0: four per worker
    # No check is admitted while the service (server, workers, converters, OCR) holds more than this together: the
    # checks running go on, and each holds at most a few hundred MB more (a scan of 40 pages about 400), so the
    # whole stays near a gigabyte on an office PC. None: no budget.
    memory_budget_mb: int | None = 640

    @property
    def pool(self) -> int:
        return self.workers or default_jobs()

    @property
    def waiting(self) -> int:
        return self.queue or 4 * self.pool


class SelfCheck(Intake):
    def __init__(self, checker: Checker, limits: ServeLimits, bound_host: str = "127.0.0.1"):
        self.checker = checker
        # Findings are written in the checker's language: one checker per language, the same plugins and profile.
        # One deadline per check: the readers' shares (OCR, the converter) are taken from the web's own limit.
        profile = replace(checker.profile, limits=replace(checker.profile.limits, timeout=limits.timeout))
        self.checkers = {lang: Checker(checker.host, profile, lang, checker.roster) for lang in Lang}
        self.jobs: dict[str, Job] = {}
        self.kept = KeptModels()
        self.limits = limits
        self.worker_limits = WorkerLimits(timeout=limits.timeout, memory_mb=limits.memory_mb)
        self.suffixes = set(checker.host.readers())  # every ending a reader takes, plugins' included
        self.loopback_only = bound_host in LOOPBACK
        self.lanes = Lanes(short=limits.pool)
        self.admitted = 0  # running + waiting
        self._held = (float("-inf"), 0)  # when the service's memory was last measured, and what it held

    # --- the check itself --------------------------------------------------------------------

    def check(
        self, data: bytes, filename: str, cancel: threading.Event, lang: Lang = Lang.zh, scan: bool = False
    ) -> ResultDocument | None:
        checker = self.checkers[lang]
        results: list[FileResult] = []
        # a scan is long from the start: it yields the cores to other clerks' reports at once, not after 2 s
        limits = replace(self.worker_limits, lower_after=0.0) if scan else self.worker_limits
        key = self.kept.key(data, filename)
        before = self.kept.get(key)  # read before: the same upload again, its model kept (nianbao.engine.web.kept)
        answers: list[Answer | FileResult] = []
        pool = Pool(checker, 1, limits, work=partial(checked, keep_read=before is None))
        sub = Submission(Path(filename), data=data, read_before=before)
        if not pool.run([sub], lambda _i, answer: answers.append(answer), cancel):
            return None
        for answer in answers:
            if isinstance(answer, FileResult):  # the worker failed it (its time, its memory)
                results.append(answer)
                continue
            blob, _, outline, _, read = answer
            results.append(decode(blob, outline.path))
            if isinstance(read, str):
                self.kept.put(key, read)
        here = compare_here(checker, len(results))  # one upload, built-in rules: nothing to compare it with
        checker.check_across(results, None if here else contained(self.limits.timeout, self.limits.memory_mb, cancel))
        return None if cancel.is_set() else checker.document(results)

    async def run_check(
        self,
        request: Request,
        data: bytes,
        filename: str,
        draw: bool = False,
        job: Job | None = None,
        scan: bool | None = None,
    ) -> tuple[ResultDocument, list[PageImage]] | Response | None:
        """The check and, with `draw`, the pages its findings point at: one admission, one slot for both (nothing
        drawn when there is nothing to draw), in the lanes that keep short checks ahead of long ones
        (nianbao.engine.web.lanes). `scan`: whether the upload is a scan, when the caller has told already. None when
        the client went away first."""
        scan = likely_scan(data, filename) if scan is None else scan
        if job is None:
            if self.full():
                return self.busy(request)
            self.admitted += 1

        async def check_and_draw() -> tuple[ResultDocument, list[PageImage]] | None:
            gone = job.abandoned if job is not None else request.is_disconnected
            document = await self._until_gone(gone, data, filename, lang_of(request), scan)
            if document is None or not draw or not _drawable(document):
                return None if document is None else (document, [])
            return document, await run_in_threadpool(self.page_images, document, data)

        try:
            return await self.lanes.run(check_and_draw, scan=scan)
        finally:
            if job is None:  # a job's admission is its own (start_job), given back when it ends
                self.admitted -= 1

    def full(self) -> bool:
        if self.admitted >= self.limits.pool + self.limits.waiting:  # running (short or long) and waiting
            return True
        return self.admitted > 0 and self.holding() > (self.limits.memory_budget_mb or 0) * MB > 0

    def holding(self) -> int:
        """What the service holds in memory, its workers and their programs included (measured at most every
        HOLDING_EVERY seconds: a storm of refused requests does not measure it each time)."""
        now = time.monotonic()
        if now - self._held[0] > HOLDING_EVERY:
            self._held = (now, tree.tree_proportional(os.getpid()) if tree.watchable() else 0)
        return self._held[1]

    def busy(self, request: Request) -> Response:
        retry = max(1, round(tree.SETTINGS.lower_after * self.limits.waiting / self.limits.pool))
        said = ERRORS["busy"].render(lang_of(request), {"seconds": retry})
        return self.refuse(request, 503, "busy", {"Retry-After": str(retry)}, message=said)

    async def _until_gone(self, gone, data: bytes, filename: str, lang: Lang, scan: bool) -> ResultDocument | None:
        """The check, stopped when `gone()` says no one waits for it any more (the pool kills the worker within its
        heartbeat)."""
        cancel = threading.Event()
        task = asyncio.ensure_future(run_in_threadpool(self.check, data, filename, cancel, lang, scan))
        while not task.done():
            await asyncio.wait({task}, timeout=0.5)
            if not task.done() and await gone():
                cancel.set()
        return await task

    # --- routes -------------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return self.refusal(request) or HTMLResponse(upload_page(lang_of(request), limit=self.limits.timeout))

    async def _checked(self, request: Request, draw: bool = False) -> tuple[ResultDocument, list[PageImage]] | Response:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        received = await self.receive(request)
        if isinstance(received, Response):
            return received
        checked = await self.run_check(request, *received, draw=draw)
        if checked is None:
            return Response(status_code=499)  # 499: nobody is listening
        return checked

    def page_images(self, document: ResultDocument, data: bytes) -> list[PageImage]:
        """The pages the findings point at, drawn in a child process under the check's limits (a PDF by PDFium, a
        second parser of the upload; an OFD from its own text and lines); none when drawing fails, and the page
        says what it can without them."""
        result = document.results[0]
        pages = pages_to_draw(result)
        draw = DRAWERS.get(result.source.format or "")
        if draw is None or not pages:
            return []
        outcome = run_isolated(lambda: draw(data, pages), self.limits.timeout, self.limits.memory_mb)
        return outcome.value if outcome.ok else []

    async def check_page(self, request: Request) -> Response:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        received = await self.receive(request)
        if isinstance(received, Response):
            return received
        if likely_scan(*received):  # minutes, not seconds: answered at once, the result fetched by its link
            return self.start_job(request, *received)
        checked = await self.run_check(request, *received, draw=True, scan=False)
        if checked is None:
            return Response(status_code=499)
        if isinstance(checked, Response):
            return checked
        return self.result(checked, lang_of(request))

    def result(self, checked: tuple[ResultDocument, list[PageImage]], lang: Lang) -> HTMLResponse:
        document, images = checked
        other = translate(self.checkers[next(each for each in Lang if each != lang)].ruleset, document)
        return HTMLResponse(result_page(document, lang, images, other))

    # --- long checks as jobs ----------------------------------------------------------------

    def start_job(self, request: Request, data: bytes, filename: str) -> Response:
        self.forget_old()
        if self.full():
            return self.busy(request)
        self.admitted += 1
        job = Job(token=secrets.token_urlsafe(24), lang=lang_of(request), pages=scan_pages(data, filename))
        self.jobs[job.token] = job
        job.task = asyncio.ensure_future(self._run_job(request, job, data, filename))
        return HTMLResponse(waiting_page(job.lang, job.token, 0, job.pages, self.limits.timeout), status_code=202)

    async def _run_job(self, request: Request, job: Job, data: bytes, filename: str) -> None:
        try:
            checked = await self.run_check(request, data, filename, draw=True, job=job, scan=True)
            job.answer = self.result(checked, job.lang) if isinstance(checked, tuple) else None
        finally:
            self.admitted -= 1
            job.finished = time.monotonic()

    async def job_page(self, request: Request) -> Response:
        refused = self.refusal(request)
        if refused is not None:
            return refused
        self.forget_old()
        job = self.jobs.get(request.path_params["token"])
        lang = lang_of(request)
        if job is None or (job.finished is not None and job.answer is None):
            return self.refuse(request, 404, "expired")
        job.seen = time.monotonic()
        if job.answer is not None:
            return job.answer
        waited = round(time.monotonic() - job.started)
        return HTMLResponse(waiting_page(lang, job.token, waited, job.pages, self.limits.timeout), status_code=202)

    def forget_old(self) -> None:
        """Results kept past jobs.KEEP_RESULT, and beyond the most the service may hold, are forgotten."""
        now = time.monotonic()
        done = sorted((j for j in self.jobs.values() if j.finished is not None), key=lambda j: j.finished or 0)
        extra = len(done) - (self.limits.pool + self.limits.waiting)
        for number, job in enumerate(done):
            if number < extra or now - (job.finished or now) > jobs.KEEP_RESULT:
                self.jobs.pop(job.token, None)

    async def check_api(self, request: Request) -> Response:
        checked = await self._checked(request)
        if isinstance(checked, Response):
            return checked
        document, _ = checked
        body = document.to_json(indent=None)
        return Response(body, media_type="application/json; charset=utf-8")


DRAWERS = {"pdf": render_pages, "ofd": page_svgs}  # the formats whose pages the clerk's page shows


def _drawable(document: ResultDocument) -> bool:
    result = document.results[0]
    return result.source.format in DRAWERS and bool(pages_to_draw(result))


def clean_stale_uploads(folder: Path | None = None) -> int:
    """Remove upload folders an earlier version left in the temporary folder when it was killed mid-check
    (this version keeps uploads in memory only). Returns how many were removed."""
    import shutil
    import tempfile

    removed = clear_orphans(folder)  # a killed server's converters' folders too (nianbao.engine.scratch)
    for stale in Path(folder or tempfile.gettempdir()).glob("nianbao-upload-*"):
        if stale.is_dir() and not stale.is_symlink():
            shutil.rmtree(stale, ignore_errors=True)
            removed += 1
    return removed


def create_app(
    checker: Checker,
    timeout: float = 60.0,
    memory_mb: int | None = 2048,
    workers: int = 0,
    queue: int = 0,
    bound_host: str = "127.0.0.1",
    memory_budget_mb: int | None = ServeLimits.memory_budget_mb,
) -> Starlette:
    service = SelfCheck(checker, ServeLimits(timeout, memory_mb, workers, queue, memory_budget_mb), bound_host)
    app = Starlette(
        routes=[
            Route("/", service.home, methods=["GET"]),
            Route("/check", service.check_page, methods=["POST"]),
            Route("/job/{token}", service.job_page, methods=["GET"]),
            Route("/api/check", service.check_api, methods=["POST"]),
        ]
    )
    app.add_middleware(SecurityHeaders)
    app.state.service = service  # what it holds (the kept models, the jobs), for whoever runs it to look at
    return app
