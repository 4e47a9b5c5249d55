"""The built-in readers, contributed through the same hook an outside plugin uses."""

from __future__ import annotations

from engine.hookspecs import hookimpl
from engine.reader import Reader
from engine.readers.docx import DocxReader
from engine.readers.html import HtmlReader
from engine.readers.jsonreader import JsonReader
from engine.readers.legacy import LegacyWordReader
from engine.readers.ofd import OfdReader
from engine.readers.pdf import PdfReader
from engine.readers.text import TextReader


@hookimpl
def nianbao_readers() -> list[Reader]:
    return [TextReader(), JsonReader(), PdfReader(), HtmlReader(), DocxReader(), LegacyWordReader(), OfdReader()]
