"""Earlier years' reports (`--history`), for the cross-year rules: this year's batch compared with last year's
without checking last year's again.

History may be folders or zips of reports (read like any submission, through the same cache, so the second run
costs nothing) or result documents Nianbao wrote (`--format json`), which carry the report models.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

from engine.limits import ReadLimits
from engine.model import Report
from engine.result import RESULT_SCHEMA_ID
from engine.sources import Submission, collect

log = logging.getLogger(__name__)


def gather(
    paths: Iterable[str | Path], suffixes: Iterable[str], limits: ReadLimits
) -> tuple[list[tuple[Report, float | None]], list[Submission]]:
    """The models found in result documents (each with the score it got then), and the report files still to be
    read."""
    models: list[tuple[Report, float | None]] = []
    files: list[Submission] = []
    for sub in collect(paths, suffixes=suffixes, limits=limits):
        found = _result_document(sub, limits) if sub.suffix == ".json" else None
        if found is None:
            files.append(sub)
        else:
            models += found
    return models, files


def _result_document(sub: Submission, limits: ReadLimits) -> list[tuple[Report, float | None]] | None:
    """The report models of a result document, or None when the file is not one (then it is read as a report)."""
    try:
        data = json.loads(sub.read_bytes(limits))
    except Exception:  # not JSON, or not readable: the reader will say why when it is read as a report
        return None
    if not isinstance(data, dict) or data.get("schema") != RESULT_SCHEMA_ID:
        return None
    models = []
    for result in data.get("results", []):
        model = result.get("report") if isinstance(result, dict) else None
        if model is None:
            continue
        score = result.get("score")
        try:
            models.append((Report.model_validate(model), score if isinstance(score, int | float) else None))
        except ValueError as exc:
            log.warning("history %s: a report model that does not validate is skipped: %s", sub.name, exc)
    return models
