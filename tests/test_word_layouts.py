"""PDFs as offices print them from Word's layout: the real blank 2021 template (../shared, never copied) filled with a
real report's figures and prose, printed by LibreOffice with the page breaks swept through the tables; our portal page
printed by LibreOffice's Writer/Web likewise; and the same cut rows scanned. Every figure the DOCX or the page holds,
the PDF and the scan hold too."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.testing import patterns
from nianbao.engine.testing.fixtures import docx_to_pdf
from nianbao.engine.testing.measure import figures
from nianbao.engine.testing.word_template import fill_template

from tests.conftest import CORPUS, ROOT

TEMPLATE = CORPUS / "template_2021_blank_format.docx"
REPORT = CORPUS / "huaian_hongze_district_2023.pdf"
PATTERNS = ROOT / "tests" / "fixtures" / "patterns"


@pytest.fixture(scope="module")
def checker():
    return Checker(PluginHost.load(entry_points=False))


def _counted(result) -> set[tuple]:
    return {(f.rule, f.key, f.location.section, f.location.row, f.location.column) for f in result.findings if f.counts}


@pytest.mark.skipif(not (TEMPLATE.exists() and REPORT.exists()), reason="the real corpus (../shared) is absent")
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
@pytest.mark.parametrize("scale", [1, 100_000])
def test_the_real_template_printed_by_libreoffice_reads_every_figure_wherever_the_page_breaks(
    checker, tmp_path: Path, scale: int
):
    """洪泽区 2023's figures in the official template's own layout (merged labels over 22 and 8 rows, narrow
    columns), as they are and as a big organ's (figures wrapping in their cells), with 0–44 empty lines before the
    tables: page breaks fall between rows, inside rows, inside wrapped figures and between table 四's header and its
    figures. Over 46 prints (every second padding; the test takes every fourth) 6 lost or misread figures before, 5 of
    them with a wrong figure unmarked; none now."""
    report = checker.check_file(REPORT).report
    documents = [
        fill_template(TEMPLATE, report, tmp_path / f"p{padding}.docx", scale=scale, padding=padding)
        for padding in range(0, 45, 4)
    ]
    for docx, pdf in zip(documents, docx_to_pdf(documents, tmp_path), strict=True):
        truth, printed = checker.check_file(docx), checker.check_file(pdf)
        want = figures(truth.report)
        assert len(want) == len(figures(report))  # the template holds every figure of the report
        assert figures(printed.report) == want, pdf.name
        assert _counted(printed) == _counted(truth), pdf.name


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_a_portal_page_printed_by_libreoffice_reads_every_figure_wherever_the_page_breaks(checker, tmp_path: Path):
    """Our portal page (single- and double-ruled tables, labels in narrow columns) as LibreOffice's Writer/Web prints
    it, with 4–40 empty lines before it: a table's last row carried alone to the next page's top (two cells, too few
    rulings for a grid) was dropped as a page number ("行政事业性收费 69.39"), and a label broken mid-word at the
    page's foot ("5.要求行政机" / "关确认或重新出具已获取信息") left its figures in a row of its own (NB202 errors).
    3 of 30 prints before (every third padding; the test takes every sixth)."""
    pages = {"single": patterns.browser_page(), "double": patterns.double_ruled_page()}
    sources = []
    for name, page in pages.items():
        for padding in range(4, 44, 6):
            source = tmp_path / f"{name}-{padding}.html"
            source.write_bytes(page.replace(b"<body>", b"<body>" + "<p>\u3000</p>".encode() * padding, 1))
            sources.append(source)
    for source, pdf in zip(sources, docx_to_pdf(sources, tmp_path, "pdf:writer_web_pdf_Export"), strict=True):
        truth, printed = checker.check_file(source), checker.check_file(pdf)
        assert printed.report.source.pages >= 4, pdf.name
        assert figures(printed.report) == figures(truth.report), pdf.name
        assert _counted(printed) == _counted(truth), pdf.name


@pytest.mark.parametrize("name", ["cut-row-wrapped-figure", "cut-row-review-figures"])
def test_a_scan_of_rows_cut_by_page_breaks_reads_every_wrapped_figure(checker, tmp_path: Path, name: str):
    """The cut-row patterns scanned grey at 200 dpi: a figure wrapped over two or three lines in its cell is read
    as one figure (its lines set side by side for the OCR), and its last line at the next page's top joins it.
    Before: 148–150 of 200 figures."""
    _reads_as_printed_when_scanned(checker, PATTERNS / f"{name}.pdf", tmp_path)


def test_a_scan_of_a_browser_printed_double_ruled_table_reads_every_figure(checker, tmp_path: Path):
    """A portal page without cellspacing="0" printed by Chromium (each cell framed on its own, every border twice)
    and scanned grey at 200 dpi: a faded piece of the outer border beside a row was read as "1" and joined the row
    (nine figures: unplaced); a merged label's light bottom border lost made an L-shaped cell over the next rows'
    labels, and the total row took the fee row's figures unmarked; the sliver a page break leaves under the table
    joined the last rows' cells. Before: 172 of 200 figures, the total row's seven wrong and unmarked, false NB201 and
    NB202 errors."""
    _reads_as_printed_when_scanned(checker, PATTERNS / "browser-double-ruled.pdf", tmp_path)


def _reads_as_printed_when_scanned(checker, source: Path, tmp_path: Path) -> None:
    """`source` scanned grey at 200 dpi, tilted 1°, reads every figure its text layer holds, with no finding more."""
    pytest.importorskip("PIL")
    from nianbao.engine.readers.scan import tesseract

    if not tesseract.available():
        pytest.skip("Tesseract with chi_sim is not installed here")
    from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

    truth = checker.check_file(source)
    scan = tmp_path / "scan.pdf"
    pages = scanned_pages(source.read_bytes(), ScanSpec(dpi=200, skew=1.0, seed=3, mode="grey", seal_page=99))
    scan.write_bytes(scanned_pdf(pages, 200))
    read = checker.check_file(scan)
    assert read.report.source.reading == "ocr"
    assert figures(read.report) == figures(truth.report)
    assert not _counted(read) - _counted(truth)
