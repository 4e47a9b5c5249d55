"""`--format json`: the result document of spec/interfaces.md."""

from __future__ import annotations

from collections.abc import Iterator

from nianbao.engine.result import ResultDocument


def render(document: ResultDocument) -> str:
    return document.to_json() + "\n"


def chunks(document: ResultDocument) -> Iterator[str]:
    """The same text a result at a time, for writing a batch's document without holding it whole."""
    yield from document.json_chunks()
    yield "\n"
