"""The built-in readers, contributed through the same hook an outside plugin uses.

Each is named by its module and imported when a file of its kind is first read: a check of text reports does
not load the Word, OFD or HTML readers (a one-file check starts faster). A test holds each entry to its class.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nianbao.engine.hookspecs import hookimpl
from nianbao.engine.model import Report


@dataclass
class Deferred:
    """A reader imported on first use: its format and endings as its class declares them."""

    format: str
    suffixes: tuple[str, ...]
    module: str
    name: str
    _reader: Any = field(default=None, repr=False, compare=False)

    @property
    def reader(self) -> Any:
        if self._reader is None:
            self._reader = getattr(importlib.import_module(self.module), self.name)()
        return self._reader

    def read(self, path: Path, data: bytes) -> Report:
        return self.reader.read(path, data)


BUILT_IN = (
    Deferred("txt", (".txt", ".text", ".md"), "nianbao.engine.readers.plaintext", "TextReader"),
    Deferred("json", (".json",), "nianbao.engine.readers.jsonreader", "JsonReader"),
    Deferred("pdf", (".pdf",), "nianbao.engine.readers.pdf.reader", "PdfReader"),
    Deferred("html", (".html", ".htm", ".shtml", ".xhtml"), "nianbao.engine.readers.html", "HtmlReader"),
    Deferred("docx", (".docx",), "nianbao.engine.readers.docx", "DocxReader"),
    Deferred("doc", (".doc", ".wps", ".rtf", ".odt"), "nianbao.engine.readers.legacy", "LegacyWordReader"),
    Deferred("ofd", (".ofd",), "nianbao.engine.readers.ofd", "OfdReader"),
    Deferred("image", (".png", ".jpg", ".jpeg", ".tif", ".tiff"), "nianbao.engine.readers.scan.reader", "ImageReader"),
    Deferred("sheet", (".xlsx", ".xls", ".et", ".ods"), "nianbao.engine.readers.workbook", "SheetReader"),
)


@hookimpl
def nianbao_readers() -> list[Deferred]:
    return list(BUILT_IN)
