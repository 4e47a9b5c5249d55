"""Earlier years' reports (`--history`), for the cross-year rules: this year's batch compared with last year's
without checking last year's again.

History may be folders or zips of reports (read like any submission, through the same cache, so the second run
costs nothing) or result documents Nianbao wrote (`--format json`), which carry the report models.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from engine.limits import ReadLimits
from engine.model import Report
from engine.result import RESULT_SCHEMA_ID
from engine.sources import Submission, collect

log = logging.getLogger(__name__)


def gather(
    paths: Iterable[str | Path], limits: ReadLimits
) -> tuple[list[tuple[Report, float | None]], list[Submission]]:
    """The models found in result documents (each with the score it got then), and the report files still to be
    read."""
    models: list[tuple[Report, float | None]] = []
    files: list[Submission] = []
    for sub in collect(paths, limits=limits):
        found = _result_document(sub, limits) if sub.suffix == ".json" else None
        if found is None:
            files.append(sub)
        else:
            models += found
    return models, files


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    report: Report | None = None
    score: float | None = None


class _Document(BaseModel):
    """What history needs of a result document: each result's model and score (the rest is not read)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)
    schema_: str = Field(alias="schema")
    results: list[_Entry] = Field(default_factory=list)


def _result_document(sub: Submission, limits: ReadLimits) -> list[tuple[Report, float | None]] | None:
    """The report models of a result document, or None when the file is not one (then it is read as a report)."""
    if RESULT_SCHEMA_ID.encode() not in sub.head(4096):
        return None
    try:  # a year's result document holds every report: bounded as an archive is, not as one file
        data = sub.read_bytes(replace(limits, file_mb=limits.archive_mb))
    except Exception:  # not readable: the reader will say why when it is read as a report
        return None
    try:  # pydantic parses and validates in one pass, several times faster than json.loads, then validating
        document = _Document.model_validate_json(data)
    except ValueError:
        return _one_by_one(sub, data)
    if document.schema_ != RESULT_SCHEMA_ID:
        return None
    return [(entry.report, entry.score) for entry in document.results if entry.report is not None]


def _one_by_one(sub: Submission, data: bytes) -> list[tuple[Report, float | None]] | None:
    """A result document with a damaged model: the others are still used."""
    try:
        parsed = json.loads(data)
    except ValueError:
        return None
    if not isinstance(parsed, dict) or parsed.get("schema") != RESULT_SCHEMA_ID:
        return None
    models = []
    for result in parsed.get("results", []):
        model = result.get("report") if isinstance(result, dict) else None
        if model is None:
            continue
        score = result.get("score")
        try:
            models.append((Report.model_validate(model), score if isinstance(score, int | float) else None))
        except ValueError as exc:
            log.warning("history %s: a report model that does not validate is skipped: %s", sub.name, exc)
    return models
