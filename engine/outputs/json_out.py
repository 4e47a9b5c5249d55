"""`--format json`: the result document of spec/interfaces.md."""

from __future__ import annotations

import json

from engine.result import ResultDocument


def render(document: ResultDocument) -> str:
    return json.dumps(document.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
