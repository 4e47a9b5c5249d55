"""A report model given as JSON (from another system, or `nianbao parse`): validated, then loaded."""

from __future__ import annotations

import json
from pathlib import Path

from engine.errors import ErrorCode, ReadError
from engine.model import Report
from engine.readers.base import decode_text, make_source

_MAX_SHOWN = 3


class JsonReader:
    format = "json"
    suffixes = (".json",)

    def read(self, path: Path, data: bytes) -> Report:
        from engine.schemas import REPORT, schema_errors  # jsonschema loads only when JSON is read

        try:
            document = json.loads(decode_text(data))
        except json.JSONDecodeError as exc:
            raise ReadError(ErrorCode.unreadable, "error.bad-json", detail=str(exc)) from None
        errors = schema_errors(document, REPORT)
        if errors:
            detail = "; ".join(errors[:_MAX_SHOWN])
            if len(errors) > _MAX_SHOWN:
                detail += f" (+{len(errors) - _MAX_SHOWN})"
            raise ReadError(ErrorCode.unreadable, "error.invalid-json", detail=detail)
        report = Report.model_validate(document)
        # The file checked is this JSON file, whatever source the model was first read from.
        report.source = make_source(path, data, "json")
        return report
