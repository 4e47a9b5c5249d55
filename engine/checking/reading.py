"""Stage 1 for one submission: the reader its ending or its content calls for, run under the profile's limits, and
whatever goes wrong said as the file's error code. Nothing a file contains can make this raise anything else."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.i18n import Lang, engine_message
from nianbao.engine.limits import ReadLimits, using
from nianbao.engine.model import Report
from nianbao.engine.notes import note as engine_note
from nianbao.engine.reader import Reader
from nianbao.engine.readers.sniff import sniff
from nianbao.engine.submissions import NESTED_ARCHIVES, Submission
from nianbao.engine.text import writable

log = logging.getLogger(__name__)

# What to do with a kind of file Nianbao does not read, by its ending: one sentence each (error.unsupported-*).
_UNSUPPORTED = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"), "image"),
    **dict.fromkeys((".csv",), "sheet"),
    **dict.fromkeys((".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"), "archive"),
}

# In a report's JSON, what marks a character no document can hold: a control escape (tab, newlines and carriage
# return have their own short forms), and U+FFFE/U+FFFF written as they are. A literal backslash before b or f
# matches too: that report is merely cleaned for nothing.
_UNWRITABLE_JSON = re.compile(r"\\u00[01][0-9a-fA-F]|\\[bf]|[\ufffe\uffff]")


def unsupported(sub: Submission) -> ReadError:
    kind = _UNSUPPORTED.get(sub.suffix)
    key = f"error.unsupported-{kind}" if kind else "error.unsupported"
    return ReadError(ErrorCode.unsupported, key, suffix=sub.suffix or Path(sub.name).name)


def _writable(report: Report) -> Report:
    """The report with the characters no document can hold (a NUL, a lone surrogate from a JSON escape) removed,
    once for every output. Its JSON (a fraction of a millisecond) tells whether there are any; most reports have
    none and are returned as they are."""
    try:
        clean = not _UNWRITABLE_JSON.search(report.model_dump_json())
    except ValueError:  # a lone surrogate cannot be encoded
        clean = False
    return report if clean else Report.model_validate(writable(report.model_dump()))


def read_submission(sub: Submission, readers: Mapping[str, Reader], limits: ReadLimits) -> Report:
    """The report model of one submission, read by `readers` (by file ending) under `limits`; a ReadError otherwise."""
    if isinstance(sub.read_before, str):  # read by an earlier run: the same bytes make the same model
        report = Report.model_validate_json(sub.read_before)
        report.source.path = sub.name
        return report
    if sub.read_before is not None:
        code, key, params = sub.read_before
        raise ReadError(ErrorCode(code), key, **params)
    if sub.refused:
        sub.read_bytes(limits)  # raises the refusal's own error (damaged, too large, duplicate …)
    if sub.member and sub.suffix in NESTED_ARCHIVES:
        raise ReadError(ErrorCode.unsupported, "error.nested-archive")
    reader = readers.get(sub.suffix)
    if reader is None and sniff(sub.head()) is None:
        raise unsupported(sub)
    data = sub.read_bytes(limits)
    # A file renamed to the wrong extension is read as what it holds, and the report says so.
    actual = sniff(data)
    note = None
    if actual and (reader is None or reader.format != actual):
        by_content = next((r for r in readers.values() if r.format == actual), None)
        if by_content is not None:
            note = engine_message("error.wrong-extension", Lang.zh, suffix=sub.suffix or "-", actual=actual.upper())
            reader = by_content
    if reader is None:
        raise unsupported(sub)
    try:
        with using(limits):
            report = reader.read(Path(sub.name), data)
    except ReadError:
        raise
    except MemoryError:  # a bomb that got past the readers' own bounds, stopped by the worker's memory limit
        raise ReadError(ErrorCode.too_large, "error.memory") from None
    except SystemError as exc:
        if "memory" not in str(exc).lower():  # C code that ran out of memory says so as a SystemError
            raise ReadError(ErrorCode.unreadable, detail=f"SystemError: {exc}") from None
        raise ReadError(ErrorCode.too_large, "error.memory") from None
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # a reader bug costs one file, not the batch: a native library's panic too
        log.debug("reader %r failed on %s", reader, sub.name, exc_info=True)
        raise ReadError(ErrorCode.unreadable, detail=f"{type(exc).__name__}: {exc}") from None
    if note:
        report.notes.append(engine_note("note.wrong-extension", said=note))
    return _writable(report)
