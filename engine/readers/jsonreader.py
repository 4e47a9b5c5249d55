"""A report model given as JSON (from another system, or `nianbao parse`): validated, then loaded."""

from __future__ import annotations

import json
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.model import Report
from nianbao.engine.readers.base import decode_text, make_source

_MAX_SHOWN = 3
# A report model holds a few hundred cells and a few dozen texts; a document with far more values is not a report
# (and validating it would cost memory in proportion).
MAX_NODES = 200_000


def _no_constant(name: str) -> float:
    raise json.JSONDecodeError(f"{name} is not a number a report can hold", name, 0)


def _count_nodes(document: object, limit: int) -> int:
    """How many values the document holds, counting stops just past `limit`."""
    count, stack = 0, [document]
    while stack and count <= limit:
        node = stack.pop()
        count += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return count


class JsonReader:
    format = "json"
    suffixes = (".json",)

    def read(self, path: Path, data: bytes) -> Report:
        from nianbao.engine.schemas import REPORT, schema_errors  # jsonschema loads only when JSON is read

        try:
            document = json.loads(decode_text(data), parse_constant=_no_constant)
        except (json.JSONDecodeError, RecursionError) as exc:
            raise ReadError(ErrorCode.unreadable, "error.bad-json", detail=str(exc)[:200]) from None
        nodes = _count_nodes(document, MAX_NODES)
        if nodes > MAX_NODES:
            raise ReadError(ErrorCode.too_large, size=f"> {MAX_NODES:,} JSON values", limit=f"{MAX_NODES:,}")
        errors = schema_errors(document, REPORT)
        if errors:
            detail = "; ".join(errors[:_MAX_SHOWN])
            if len(errors) > _MAX_SHOWN:
                detail += f" (+{len(errors) - _MAX_SHOWN})"
            raise ReadError(ErrorCode.unreadable, "error.invalid-json", detail=detail)
        try:
            report = Report.model_validate(document)
        except ValueError as exc:  # pydantic's ValidationError: what the schema cannot say (finite numbers …)
            raise ReadError(ErrorCode.unreadable, "error.invalid-json", detail=str(exc).splitlines()[0]) from None
        # The file checked is this JSON file, whatever source the model was first read from; but figures OCR read
        # stay OCR's when the model is passed on.
        reading = report.source.reading
        report.source = make_source(path, data, "json")
        report.source.reading = reading
        return report
