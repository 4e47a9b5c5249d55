""".doc and .wps (and .rtf, .odt): converted to DOCX by LibreOffice when it is installed, then read as DOCX.

Organs publish what their word processor saved; many still save Word 97 (.doc) or WPS (.wps). LibreOffice reads
both faithfully, tables included, and is the one tool offices already have. It reads only files, so the conversion
runs in a private folder (nianbao.engine.scratch: removed on every way out) with a LibreOffice profile of its own
(parallel workers never share one). The profile turns off fetching linked pictures and updating links, and where the
system lets us the program runs with no network at all (a network namespace of its own): an upload never makes this
computer fetch an address. LibreOffice's own program (soffice.bin) is run directly, in a process group of its own,
killed whole when it runs past its share of the file's time limit and killed by the kernel when the worker that
started it dies. Without LibreOffice the file gets `unsupported` with the advice to save it as DOCX or PDF.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
import zipfile
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report
from nianbao.engine.notes import note
from nianbao.engine.readers.base import bounded_member
from nianbao.engine.readers.command import offline, run_group
from nianbao.engine.readers.docx import DocxReader
from nianbao.engine.readers.workbook import MAX_ROWS
from nianbao.engine.scratch import scratch

SUFFIXES = (".doc", ".wps", ".rtf", ".odt")
# The conversion may use this share of the file's time limit; the rest is for reading the DOCX and the rules, and
# the converter is gone before the worker's own clock runs out.
TIME_SHARE = 0.7


def soffice() -> str | None:
    """LibreOffice's command, when installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _program(command: str) -> str:
    """LibreOffice's own program beside its launcher script, when there is one: the script and its splash process
    stand between the worker and the program, and a program that is not the worker's own child would outlive it."""
    program = Path(os.path.realpath(command)).with_name("soffice.bin")
    return str(program) if program.is_file() and os.access(program, os.X_OK) else command


# The profile's settings: no linked picture fetched, no link updated, remote content from documents blocked.
NO_LINKS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="BlockUntrustedRefererLinks"
 oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value>
</prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>2</value>
</prop></item>
</oor:items>
"""
# LibreOffice's exit code when it has just made its profile and asks to be started again (its launcher does so).
RESTART = 81


class LegacyWordReader:
    format = "doc"  # what sniffing calls an OLE file; the model's source says docx, its notes that it was converted
    suffixes = SUFFIXES

    def read(self, path: Path, data: bytes) -> Report:
        # A Word 97 file named otherwise (sniffed by its content) is converted as the .doc it is.
        suffix = path.suffix.lower() if path.suffix.lower() in SUFFIXES else ".doc"
        command = soffice()
        if command is None:
            raise ReadError(ErrorCode.unsupported, "error.needs-libreoffice", suffix=suffix)
        refuse_long_tables(data)
        docx = convert(command, data, suffix, current().timeout * TIME_SHARE)
        report = DocxReader().read(path, docx)
        report.notes.append(note("note.converted", suffix=suffix))
        return report


_ROW = re.compile(rb"<table:table-row\b([^>]*)>")
_REPEATED = re.compile(rb'table:number-rows-repeated="(\d{1,9})"')


def refuse_long_tables(data: bytes) -> None:
    """An OpenDocument text whose tables have more rows than any report's is refused before LibreOffice lays it out
    (a 21 KB file of 20,000 rows kept it busy for 40 s): its rows are counted in its content.xml, repeats included."""
    if not data.startswith(b"PK"):
        return
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = bounded_member(archive, archive.getinfo("content.xml"), int(current().markup_mb * 2**20))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, EOFError):
        return  # not an OpenDocument (LibreOffice says what it is)
    rows = 0
    for row in _ROW.finditer(content):
        repeated = _REPEATED.search(row.group(1))
        rows += int(repeated.group(1)) if repeated else 1
        if rows > MAX_ROWS:
            raise ReadError(
                ErrorCode.too_large, size=f"> {MAX_ROWS:,} 表格行/table rows", limit=f"{MAX_ROWS:,} 表格行/table rows"
            )


def convert(command: str, data: bytes, suffix: str, timeout: float) -> bytes:
    deadline = time.monotonic() + timeout
    with scratch("convert") as work:
        source = work / f"report{suffix}"
        source.write_bytes(data)
        settings = work / "profile" / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        settings.write_text(NO_LINKS, encoding="utf-8")
        args = [
            *offline(),
            _program(command),
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
        env = {**os.environ, "HOME": str(work), "TMPDIR": str(work)}  # its own temporary files stay in the folder
        code, _out, err = run_group(args, timeout, env=env)
        if code == RESTART:
            code, _out, err = run_group(args, max(deadline - time.monotonic(), 0.1), env=env)
        produced = work / "out" / "report.docx"
        if code != 0 or not produced.is_file():
            detail = (err or b"").decode(errors="replace").strip().splitlines()[-1:] or ["no DOCX produced"]
            raise ReadError(ErrorCode.unreadable, "error.conversion-failed", suffix=suffix, detail=detail[0][:200])
        return produced.read_bytes()
