"""What a worker answers for one submission, wherever it runs (a local worker process or a cluster's worker)."""

from __future__ import annotations

from nianbao.engine.batch.store import encode
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.crossreport import ReportDigests
from nianbao.engine.errors import ReadError
from nianbao.engine.result import FileError, Outline
from nianbao.engine.submissions import Submission

# The result packed, what it leaves for the cross-report rules, its outline, its error, and what was read (for the
# cache: the model as JSON, or why it could not be read).
Answer = tuple[bytes, ReportDigests | None, Outline, FileError | None, str | tuple[str, str, dict] | None]


def checked(checker: Checker, sub: Submission, keep_read: bool = False) -> Answer:
    """A worker's answer for one submission: its result packed, what it leaves, its outline, its error, and (with
    `keep_read`, when it read the file) what it read, for the cache: the model before any rule saw it, or why it
    could not be read."""
    fresh = keep_read and sub.read_before is None
    try:
        report = checker.read_submission(sub)
    except ReadError as err:
        result = checker.failed(sub.name, err)
        read = (err.code.value, err.key, dict(err.params)) if fresh else None
        return encode(result), None, Outline.of(result), result.error, read
    read_now = report.model_dump_json() if fresh else None
    checked = checker.checked_report(report)
    return encode(checked.result), checked.digested, Outline.of(checked.result), checked.result.error, read_now
