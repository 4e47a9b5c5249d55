"""Stage 3's documents: every output format, in one registry.

Each format is a module `nianbao.engine.outputs.<name>_out` with `render(document) -> str | bytes`; it renders the
result document and decides nothing a rule decided. Modules load on demand, so a JSON run never imports the
spreadsheet library.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass

from nianbao.engine.result import ResultDocument


@dataclass(frozen=True)
class OutputFormat:
    name: str
    needs_file: bool = False  # binary or page-sized: written to --output, never to a terminal
    home: str | None = None  # the module, where it is not nianbao.engine.outputs.<name>_out (the office's documents)

    @property
    def module(self) -> str:
        return self.home or f"nianbao.engine.outputs.{self.name}_out"

    def render(self, document: ResultDocument) -> str | bytes:
        return importlib.import_module(self.module).render(document)

    def chunks(self, document: ResultDocument) -> Iterator[str | bytes]:
        """The output in pieces, where the format can be written piece by piece (JSON); else whole."""
        module = importlib.import_module(self.module)
        if hasattr(module, "chunks"):
            yield from module.chunks(document)
        else:
            yield module.render(document)


FORMATS: dict[str, OutputFormat] = {
    f.name: f
    for f in (
        OutputFormat("text"),
        OutputFormat("json"),
        OutputFormat("html", needs_file=True),
        OutputFormat("csv"),
        OutputFormat("xlsx", needs_file=True),
        OutputFormat(
            "letters", needs_file=True, home="nianbao.engine.office.letters"
        ),  # a DOCX, or a zip of one per report
    )
}
