"""The JSON Schemas of schemas/ (shipped in the wheel as engine/_schemas) and validation against them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

_HERE = Path(__file__).resolve().parent
# Installed wheel: engine/_schemas; source checkout or editable install: ../schemas.
_LOCATIONS = (_HERE / "_schemas", _HERE.parent / "schemas")

REPORT = "report.schema.json"
RESULT = "result.schema.json"


@cache
def load_schema(name: str) -> dict[str, Any]:
    for folder in _LOCATIONS:
        path = folder / name
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    raise FileNotFoundError(f"schema {name} not found in {', '.join(map(str, _LOCATIONS))}")


@cache
def _registry() -> Registry:
    # The result schema refers to the report schema by its $id; both are known here, no network.
    resources = [Resource.from_contents(load_schema(n)) for n in (REPORT, RESULT)]
    return Registry().with_resources((r.contents["$id"], r) for r in resources)


@cache
def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, registry=_registry(), format_checker=cls.FORMAT_CHECKER)


def schema_errors(instance: Any, name: str) -> list[str]:
    """Readable messages for everything wrong with `instance`, each with its JSON path; [] if valid."""
    errors = sorted(_validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))
    return [f"{e.json_path}: {e.message}" for e in errors]
