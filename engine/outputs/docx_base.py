"""What every DOCX Nianbao writes shares: a Chinese body font (for Word, WPS and LibreOffice alike) and a size."""

from __future__ import annotations

from typing import Any, TypeVar

from nianbao.engine.text import writable
from pydantic import BaseModel

EAST_ASIAN = "SimSun"  # 宋体: on every Chinese Windows; WPS and LibreOffice substitute their own Song face


def new_document() -> Any:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN)
    return doc


def grid_table(doc: Any, header: list[str]) -> Any:
    """A bordered table with a bold header row."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
        cell.paragraphs[0].runs[0].font.bold = True
    return table


M = TypeVar("M", bound=BaseModel)


def xml_safe(model: M) -> M:
    """A copy of `model` (a result, a letterhead) whose every string can be written into a DOCX."""
    return type(model).model_validate(writable(model.model_dump()))
