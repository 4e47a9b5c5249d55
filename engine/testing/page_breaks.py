"""Word-layout PDFs whose page breaks cut table rows, as Word, WPS and LibreOffice print a big organ's report.

A figure too long for its narrow cell wraps ("300000" over "9"); when the page ends inside such a row, the row's
last lines go to the top of the next page in the same columns, while the cells that fit stay whole; table 四's
figures can stand alone at the top of a page, their header left on the page before. Each document here is the
sample report with its figures made large (a big organ's counts: every identity still holds), printed by
LibreOffice from our DOCX, and as an OFD whose rows break across pages the same way (nianbao.engine.testing.render_ofd),
with as many empty lines before the tables as it takes for the page break to fall where the pattern needs it: the search
below tries each padding and keeps the first that gives the cut.

    python -m nianbao.engine.testing.page_breaks tests/fixtures/patterns
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

from nianbao.engine.model import Report
from nianbao.engine.readers.ofd import laid_pages
from nianbao.engine.readers.pdf.reader import pdf_pages
from nianbao.engine.readers.pipeline.cut_rows import join_cut_row
from nianbao.engine.readers.pipeline.raw import Block
from nianbao.engine.testing.fixtures import docx_to_pdf
from nianbao.engine.testing.formats import sample
from nianbao.engine.testing.render_docx import render_docx

SCALE = 1_000_003  # seven-digit counts: wider than a table 三 or 四 column of the template (1.25 cm, 1.06 cm)
MAX_PADDING = 30  # empty lines tried before the tables; a page holds about 40


def big_organ() -> Report:
    """The sample report with every count of tables 三 and 四 multiplied by SCALE."""
    report = sample()
    for table in (report.applications, report.review_litigation):
        for cells in table.values():
            for column, value in cells.items():
                if isinstance(value, int):
                    cells[column] = value * SCALE
    return report


def _padded_docx(report: Report, path: Path, lines: int) -> Path:
    from docx import Document

    render_docx(report, path)
    document = Document(str(path))
    anchor = document.paragraphs[1]  # the first line after the title
    for _ in range(lines):
        anchor.insert_paragraph_before("\u3000")
    document.save(str(path))
    return path


def _pdf_pages(pdf: Path) -> list[list[tuple[Block, str | None]]]:
    return pdf_pages(pdf.read_bytes())[0]


def _cuts(laid: list[list[tuple[Block, str | None]]]) -> list[tuple[Block, Block]]:
    """(last row of a page, first row of the next) for each page break that cuts a row with figures on both sides
    or leaves a row of figures alone at a page's top."""
    found = []
    for before, after in pairwise(laid):
        last = next((b for b, _ in reversed(before) if b.cells is not None or b.text.strip()), None)
        first = next((b for b, _ in after if b.cells is not None or b.text.strip()), None)
        if last is None or first is None or last.cells is None or first.cells is None:
            continue
        joined = [last]
        join_cut_row(joined, [first])
        if joined[0] is not last:
            found.append((last, first))
    return found


def _wrapped_figure_cut(cuts: list[tuple[Block, Block]]) -> bool:
    """A table 三 row cut inside a wrapped figure: both parts hold figures and a label."""
    return any(
        any(p.is_value and p.value is not None for p in last.pieces())
        and any(p.is_value and p.value is not None for p in first.pieces())
        and any(not p.is_value for p in last.pieces())
        for last, first in cuts
    )


def _review_rest(cuts: list[tuple[Block, Block]]) -> bool:
    """Table 四's figures (a row of 15 cells, no label) cut, or alone at the top of a page."""
    return any(len(first.cells or []) == 15 and not any(not p.is_value for p in first.pieces()) for _, first in cuts)


PATTERNS: dict[str, Callable[[list[tuple[Block, Block]]], bool]] = {
    "cut-row-wrapped-figure": _wrapped_figure_cut,
    "cut-row-review-figures": _review_rest,
}


def write_page_break_patterns(folder: Path) -> list[Path]:
    """For each pattern, an OFD whose rows break across pages as Word's do (our writer), and, where LibreOffice is
    installed, the DOCX and its LibreOffice PDF."""
    from nianbao.engine.testing.render_ofd import ofd_bytes

    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    report = big_organ()
    for name, wanted in PATTERNS.items():
        for lines in range(MAX_PADDING + 1):
            data = ofd_bytes(report, split_rows=True, padding=lines)
            if wanted(_cuts(laid_pages(data))):
                (folder / f"{name}.ofd").write_bytes(data)
                written.append(folder / f"{name}.ofd")
                break
        else:
            raise RuntimeError(f"no padding up to {MAX_PADDING} lines gives {name} in OFD")
    if not shutil.which("soffice"):
        return written
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, wanted in PATTERNS.items():
            for lines in range(MAX_PADDING + 1):
                docx = _padded_docx(report, work / f"{name}.docx", lines)
                (pdf,) = docx_to_pdf([docx], work)
                if wanted(_cuts(_pdf_pages(pdf))):
                    written += [shutil.copy(docx, folder / docx.name), shutil.copy(pdf, folder / pdf.name)]
                    break
            else:
                raise RuntimeError(f"no padding up to {MAX_PADDING} lines gives {name}")
    return [Path(p) for p in written]


if __name__ == "__main__":
    for made in write_page_break_patterns(Path(sys.argv[1])):
        print(made)
