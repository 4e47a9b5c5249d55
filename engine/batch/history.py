"""Earlier years' reports (`--history`), for the cross-year rules: this year's batch compared with last year's
without checking last year's again.

History may be folders or zips of reports (read like any submission, through the same cache, so the second run
costs nothing) or result documents Nianbao wrote (`--format json`), which carry the report models.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

from nianbao.engine.batch.document import Chunks, NotADocument
from nianbao.engine.limits import ReadLimits
from nianbao.engine.model import Report
from nianbao.engine.result import RESULT_SCHEMA_ID
from nianbao.engine.submissions import Submission, collect
from pydantic import BaseModel, ConfigDict

log = logging.getLogger(__name__)

T = TypeVar("T")  # what a report leaves for the cross-report rules (nianbao.engine.checking.crossreport)


def gather(
    paths: Iterable[str | Path],
    limits: ReadLimits,
    leave: Callable[[Report], T],
    keep: Callable[[tuple[T, float | None]], None],
) -> list[Submission]:
    """What each report found in a result document leaves (with the score it got then), given to `keep` a model at
    a time; returns the report files still to be read."""
    files: list[Submission] = []
    for sub in collect(paths, limits=limits):
        if sub.suffix != ".json" or RESULT_SCHEMA_ID.encode() not in sub.head(4096):
            files.append(sub)
            continue
        try:
            for report, score in _models(sub, limits):
                keep((leave(report), score))
        except NotADocument:
            files.append(sub)  # read as a report: the reader will say what is wrong with it
    return files


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    report: Report | None = None
    score: float | None = None


def _models(sub: Submission, limits: ReadLimits) -> Iterator[tuple[Report, float | None]]:
    """The report models of a result document, one at a time: a province's document is read in chunks, never
    whole. A model that does not validate is skipped with a warning (the others are still used)."""
    reader = Chunks(sub, limits.archive_bytes)  # a year's document holds every report: bounded as an archive
    reader.results_start()
    while True:
        value = reader.next_value()
        if value is None:
            return
        if not isinstance(value, dict) or value.get("report") is None:
            continue
        try:
            entry = _Entry.model_validate(value)
        except ValueError as exc:
            log.warning("history %s: a report model that does not validate is skipped: %s", sub.name, exc)
            continue
        if entry.report is not None:
            yield entry.report, entry.score
