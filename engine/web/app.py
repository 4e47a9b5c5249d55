"""`nianbao serve`: the self-check web page (Starlette on uvicorn), the same checker underneath.

Each upload is written to a private temporary folder under a fixed name (never the uploader's file name), checked
in a worker process with the per-file time limit, and deleted before the answer goes out: no uploaded file is
kept. Uploads over 20 MB get 413 and unsupported files 415, both with a readable page.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from engine.batch.pool import Pool, WorkerLimits
from engine.checker import Checker
from engine.i18n import Lang, Msg
from engine.readers.sniff import sniff
from engine.result import FileResult, ResultDocument
from engine.sources import DEFAULT_SUFFIXES, Submission
from engine.web.pages import result_page, upload_page

MAX_UPLOAD = 20 * 1024 * 1024
ERRORS = {
    "too-large": Msg(
        "文件超过 20 MB，无法上传。请压缩图片或删除附件后再试。",
        "The file is over 20 MB. Remove images or attachments and try again.",
    ),
    "unsupported": Msg(
        "不支持这种文件。请上传 PDF、Word（.docx）、网页（.html）或文本（.txt）文件。",
        "This kind of file is not supported. Upload a PDF, Word (.docx), web page (.html) or text file.",
    ),
    "no-file": Msg("没有收到文件。请选择报告文件后再提交。", "No file was received. Choose the report file first."),
}


def _lang(request: Request) -> Lang:
    return Lang.en if request.query_params.get("lang") == "en" else Lang.zh


class SelfCheck:
    def __init__(self, checker: Checker, timeout: float = 60.0, memory_mb: int | None = 2048):
        self.checker = checker
        self.limits = WorkerLimits(timeout=timeout, memory_mb=memory_mb)
        self.suffixes = set(DEFAULT_SUFFIXES) | set(checker.host.plugin_suffixes())

    def check(self, data: bytes, filename: str) -> ResultDocument:
        suffix = Path(filename).suffix.lower()
        with tempfile.TemporaryDirectory(prefix="nianbao-upload-") as folder:
            path = Path(folder) / f"upload{suffix}"
            path.write_bytes(data)
            results: list[FileResult] = []
            Pool(self.checker, 1, self.limits).run([Submission(path)], lambda _i, r: results.append(r))
        result = results[0]
        # The uploader's name for the file, not the temporary one.
        result.source.path = filename
        if result.report is not None:
            result.report.source.path = filename
        self.checker.check_across(results)
        return self.checker.document(results)

    async def receive(self, request: Request) -> tuple[bytes, str] | Response:
        """The uploaded file's bytes and name, or the refusal to answer with."""
        length = request.headers.get("content-length")
        if length is None or not length.isdigit() or int(length) > MAX_UPLOAD + 64 * 1024:
            return self.refuse(request, 413, "too-large")
        form = await request.form(max_files=1, max_fields=5)
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str) or not upload.filename:
                return self.refuse(request, 400, "no-file")
            data = await upload.read(MAX_UPLOAD + 1)
            filename = upload.filename
        finally:
            await form.close()  # the parser's spooled copy of the upload goes here
        if len(data) > MAX_UPLOAD:
            return self.refuse(request, 413, "too-large")
        name = Path(filename.replace("\\", "/")).name[:200] or "report"
        if Path(name).suffix.lower() not in self.suffixes and sniff(data) is None:
            return self.refuse(request, 415, "unsupported")
        return data, name

    def refuse(self, request: Request, status: int, key: str) -> Response:
        lang = _lang(request)
        message = ERRORS[key].render(lang)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"code": key, "message": message}}, status_code=status)
        return HTMLResponse(upload_page(lang, message), status_code=status)

    async def home(self, request: Request) -> Response:
        return HTMLResponse(upload_page(_lang(request)))

    async def check_page(self, request: Request) -> Response:
        received = await self.receive(request)
        if isinstance(received, Response):
            return received
        document = await run_in_threadpool(self.check, *received)
        return HTMLResponse(result_page(document, _lang(request)))

    async def check_api(self, request: Request) -> Response:
        received = await self.receive(request)
        if isinstance(received, Response):
            return received
        document = await run_in_threadpool(self.check, *received)
        body = json.dumps(document.to_json_dict(), ensure_ascii=False)
        return Response(body, media_type="application/json; charset=utf-8")


def create_app(checker: Checker, timeout: float = 60.0, memory_mb: int | None = 2048) -> Starlette:
    service = SelfCheck(checker, timeout, memory_mb)
    return Starlette(
        routes=[
            Route("/", service.home, methods=["GET"]),
            Route("/check", service.check_page, methods=["POST"]),
            Route("/api/check", service.check_api, methods=["POST"]),
        ]
    )
