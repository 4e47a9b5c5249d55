"""Plain text as PDF extraction leaves it (the seed report is the reference input).

Headings come in any spacing; table labels are split over lines, or written one character per line;
numbers follow their labels in row order; table headers are interleaved with labels. Each line is a block
(nianbao.engine.readers.pipeline.blocks); page-number lines such as "- 4 -" are dropped, since they would read as
values.
"""

from __future__ import annotations

import re
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report
from nianbao.engine.readers.base import decode_report, make_source
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.raw import Block, RawDocument
from nianbao.engine.text import unify_radicals

PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－―]\s*\d{1,4}\s*[-—–－―]|第\s*\d{1,4}\s*页(?:\s*共\s*\d+\s*页)?)\s*$")


class TextReader:
    format = "txt"
    suffixes = (".txt", ".text", ".md")

    def read(self, path: Path, data: bytes) -> Report:
        text, note = decode_report(data)
        text = unify_radicals(text)  # text copied out of a PDF keeps the radicals its font used
        limit = current().text_chars
        if len(text) > limit:
            raise ReadError(ErrorCode.too_large, size=f"{len(text):,} 字符/chars", limit=f"{limit:,} 字符/chars")
        doc = parse_text(text)
        if note:
            doc.notes.append(note)
        return build_report(doc, make_source(path, data, "txt"))


MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _block(line: str, number: int) -> Block | None:
    if PAGE_NUMBER.match(line) or MARKDOWN_RULE.match(line):
        return None
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
        # A Markdown table row: its cells, empty ones included.
        return Block(cells=[cell.strip() for cell in stripped[1:-1].split("|")], line=number)
    return Block(text=line, line=number)


def text_blocks(text: str) -> list[Block]:
    # Numbered as editors and grep -n number them: by "\n" only (a form feed is not a line break there).
    lines = (line.replace("\x0c", " ").rstrip("\r") for line in text.split("\n"))
    return [b for n, line in enumerate(lines, start=1) if (b := _block(line, n))]


def parse_text(text: str) -> RawDocument:
    return parse_blocks(text_blocks(text), full_text=text)
