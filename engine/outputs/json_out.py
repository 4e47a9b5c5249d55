"""`--format json`: the result document of spec/interfaces.md."""

from __future__ import annotations

from engine.result import ResultDocument


def render(document: ResultDocument) -> str:
    return document.to_json() + "\n"
