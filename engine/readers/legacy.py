""".doc and .wps (and .rtf, .odt): converted to DOCX by LibreOffice when it is installed, then read as DOCX.

Organs publish what their word processor saved; many still save Word 97 (.doc) or WPS (.wps). LibreOffice reads
both faithfully, tables included, and is the one tool offices already have. The conversion runs in a temporary
folder (removed on every path) with a LibreOffice profile of its own (so parallel workers never share one), in a
process group of its own that is killed whole when it runs past its share of the file's time limit. Without
LibreOffice the file gets `unsupported` with the advice to save it as DOCX or PDF.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from engine.errors import ErrorCode, ReadError
from engine.limits import current
from engine.model import Report
from engine.readers.command import run_group
from engine.readers.docx import DocxReader

SUFFIXES = (".doc", ".wps", ".rtf", ".odt")
# The conversion may use this share of the file's time limit; the rest is for reading the DOCX and the rules, and
# the converter is gone before the worker's own clock runs out.
TIME_SHARE = 0.7


def soffice() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class LegacyWordReader:
    format = "doc"  # what sniffing calls an OLE file; the model's source says docx, its notes that it was converted
    suffixes = SUFFIXES

    def read(self, path: Path, data: bytes) -> Report:
        # A Word 97 file named otherwise (sniffed by its content) is converted as the .doc it is.
        suffix = path.suffix.lower() if path.suffix.lower() in SUFFIXES else ".doc"
        command = soffice()
        if command is None:
            raise ReadError(ErrorCode.unsupported, "error.needs-libreoffice", suffix=suffix)
        docx = convert(command, data, suffix, current().timeout * TIME_SHARE)
        report = DocxReader().read(path, docx)
        report.notes.append(f"原文件为 {suffix} 格式，已由 LibreOffice 转换为 DOCX 后读取。")
        return report


def convert(command: str, data: bytes, suffix: str, timeout: float) -> bytes:
    with tempfile.TemporaryDirectory(prefix="nianbao-convert-") as folder:
        work = Path(folder)
        source = work / f"report{suffix}"
        source.write_bytes(data)
        args = [
            command,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "docx",
            "--outdir",
            str(work / "out"),
            str(source),
        ]
        code, _out, err = run_group(args, timeout, env={**os.environ, "HOME": folder})
        produced = work / "out" / "report.docx"
        if code != 0 or not produced.is_file():
            detail = (err or b"").decode(errors="replace").strip().splitlines()[-1:] or ["no DOCX produced"]
            raise ReadError(ErrorCode.unreadable, "error.conversion-failed", suffix=suffix, detail=detail[0][:200])
        return produced.read_bytes()
