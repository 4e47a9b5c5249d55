"""What comes in to the clerk's page, and what is refused at the door: the upload read from its form (in memory,
never spooled to disk), a foreign Host or a foreign page's post refused, every refusal a readable page (JSON under
/api/), and the security headers on every answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nianbao.engine.checking.reading import unsupported
from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.packs import pack_pages, pack_saved
from nianbao.engine.readers.sniff import sniff
from nianbao.engine.submissions import HTML_SUFFIXES, PAGE_SUFFIXES, PICTURE_SUFFIXES, Submission, page_order
from nianbao.engine.web.pages import upload_page
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

MAX_UPLOAD = 20 * 1024 * 1024
# The form parser keeps a file in memory up to this size before it writes it to a temporary file: above any upload
# the page takes (MAX_UPLOAD, checked against Content-Length first), so no upload ever reaches the disk.
MultiPartParser.spool_max_size = MAX_UPLOAD + 1024 * 1024
# Page images of one report picked at once: as many pages as a scan may have (nianbao.engine.readers.scan.reader).
MAX_FILES = 40
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
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
    "pages-only": Msg(
        "一次选择多个文件时，只能是同一份报告逐页拍摄或扫描的图片（PNG、JPG、TIFF），或一个网页连同其 _files "
        "文件夹中的图片。其他文件请逐个检查。",
        "Several files at once must be the page images (PNG, JPG, TIFF) of one report, or one web page with the "
        "pictures of its _files folder. Check other files one by one.",
    ),
    "bad-form": Msg(
        "上传的数据不完整或格式有误。请刷新页面，重新选择文件后提交。",
        "The upload was incomplete or malformed. Reload the page, choose the file again and submit.",
    ),
    "busy": Msg(
        "现在检查的人较多。请约 {seconds} 秒后再提交：点浏览器的“返回”回到上一页（所选文件通常仍在），或重新选择文件。",
        "Many reports are being checked right now. Submit again in about {seconds} s: go back in the browser (the "
        "chosen file usually stays) or choose the file again.",
    ),
    "expired": Msg(
        "这个检查结果已不存在（结果只保留几分钟）。请重新上传报告。",
        "This result is gone (results are kept a few minutes only). Upload the report again.",
    ),
    "bad-host": Msg(
        "请通过本机地址（http://127.0.0.1）打开自查网页。", "Open the self-check page at this computer's address."
    ),
    "cross-site": Msg(
        "只能从自查网页本身上传文件。请打开自查网页，在那里选择文件。",
        "Files can only be uploaded from the self-check page itself. Open it and choose the file there.",
    ),
}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def lang_of(request: Request) -> Lang:
    """The language asked for: `?lang=` when given, else the browser's first choice (`Accept-Language`)."""
    asked = request.query_params.get("lang")
    if asked in (Lang.zh.value, Lang.en.value):
        return Lang(asked)
    first = (request.headers.get("accept-language") or "").split(",")[0].strip().lower()
    return Lang.en if first.startswith("en") else Lang.zh


class Intake:
    """The door of the service (mixed into nianbao.engine.web.app.SelfCheck): `suffixes` it reads, whether it listens on
    `loopback_only`, and `limits` (the time a check may take, said on the upload page)."""

    suffixes: set[str]
    loopback_only: bool
    limits: Any  # nianbao.engine.web.app.ServeLimits

    async def receive(self, request: Request) -> tuple[bytes, str] | Response:
        """The uploaded file's bytes and name, or the refusal to answer with."""
        length = request.headers.get("content-length")
        if length is None or not length.isdigit() or int(length) > MAX_UPLOAD + 64 * 1024:
            return self.refuse(request, 413, "too-large")
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=MAX_FILES + 5)
        except Exception:  # malformed multipart (starlette's MultiPartException and the parser's own errors)
            return self.refuse(request, 400, "bad-form")
        try:
            uploads = [u for u in form.getlist("file") if not isinstance(u, str) and u.filename]
            if not uploads:
                return self.refuse(request, 400, "no-file")
            parts: list[tuple[str, bytes]] = []
            total = 0
            for upload in uploads:
                part = await upload.read(MAX_UPLOAD + 1)
                total += len(part)
                if total > MAX_UPLOAD:
                    return self.refuse(request, 413, "too-large")
                parts.append((upload.filename or "", part))
        finally:
            await form.close()  # the parser's spooled copy of the upload goes here
        pages = [n for n, _ in parts if Path(n).suffix.lower() in HTML_SUFFIXES]
        if len(parts) > 1 and len(pages) == 1:  # a saved portal page picked with the pictures of its _files folder
            if any(Path(n).suffix.lower() not in (*HTML_SUFFIXES, *PICTURE_SUFFIXES) for n, _ in parts):
                return self.refuse(request, 400, "pages-only")
            page = next(p for n, p in parts if n == pages[0])
            files = {Path(n.replace("\\", "/")).name: p for n, p in parts if n != pages[0]}
            data, filename = pack_saved(page, files), pages[0]
        elif len(parts) > 1:  # one report's pages photographed or scanned one file a page
            if any(Path(n).suffix.lower() not in PAGE_SUFFIXES for n, _ in parts):
                return self.refuse(request, 400, "pages-only")
            parts.sort(key=lambda part: page_order(part[0]))
            data, filename = pack_pages([p for _, p in parts]), parts[0][0]
        else:
            filename, data = parts[0]
        name = Path(filename.replace("\\", "/")).name[:200] or "report"
        if Path(name).suffix.lower() not in self.suffixes and sniff(data) is None:
            # What to do with this kind of file, in one sentence (a scan, an OFD, a spreadsheet …).
            advice = unsupported(Submission(Path(name), data=b"")).message(lang_of(request))
            return self.refuse(request, 415, "unsupported", message=advice)
        return data, name

    def refusal(self, request: Request) -> Response | None:
        """A request from the wrong place: a foreign Host (DNS rebinding) or a foreign page posting here."""
        host = (request.headers.get("host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if self.loopback_only and host not in LOOPBACK:
            return self.refuse(request, 421, "bad-host")
        if request.method == "POST" and not self._same_origin(request):
            return self.refuse(request, 403, "cross-site")
        return None

    @staticmethod
    def _same_origin(request: Request) -> bool:
        """Browsers say where a request comes from (`Sec-Fetch-Site`, else `Origin`); tools like curl say
        neither and are let through, since they are not a page the clerk happens to visit."""
        site = request.headers.get("sec-fetch-site")
        if site is not None:
            return site in ("same-origin", "none")
        origin = request.headers.get("origin")
        if origin is None or origin == "null":
            return origin is None
        return urlsplit(origin).netloc.lower() == (request.headers.get("host") or "").lower()

    def refuse(
        self,
        request: Request,
        status: int,
        key: str,
        headers: dict[str, str] | None = None,
        message: str | None = None,
    ) -> Response:
        lang = lang_of(request)
        message = message or ERRORS[key].render(lang)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": {"code": key, "message": message}}, status_code=status, headers=headers)
        return HTMLResponse(upload_page(lang, message, self.limits.timeout), status_code=status, headers=headers)


class SecurityHeaders:
    """ASGI middleware: the security headers on every answer, errors included."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = [*message.get("headers", []), *(h for h in extra if h[0] not in present)]
            await send(message)

        return await self.app(scope, receive, with_headers)
