"""PDFium reads a plain PDF's characters and lines as pdfminer.six does (nianbao.engine.readers.pdf.pdfium_text),
and every PDF it should not be given is read by pdfminer under its guard (nianbao.engine.readers.pdf.plain)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from nianbao.engine.readers.pdf import reader
from nianbao.engine.readers.pdf.plain import plain
from nianbao.engine.testing import amplifiers, pdf_layouts, subset_fonts

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "real"
OURS = sorted(p for p in (ROOT / "tests" / "fixtures").rglob("*.pdf") if "hostile" not in p.parts)
REAL = sorted(CORPUS.glob("*.pdf")) if CORPUS.is_dir() else []


def _blocks(data: bytes, pdfium: bool, monkeypatch: pytest.MonkeyPatch) -> list:
    monkeypatch.setattr(reader, "SETTINGS", dataclasses.replace(reader.SETTINGS, pdfium=pdfium))
    laid, _, _ = reader.pdf_pages(data)
    return laid


@pytest.mark.parametrize("path", OURS + REAL, ids=lambda p: p.name)
def test_every_pdf_we_hold_reads_the_same_through_pdfium(path: Path, monkeypatch):
    """Word, LibreOffice and Chromium prints, our fixtures and the real reports (vertical labels in a font scaled
    down by the text matrix included): the same blocks, cell for cell and box for box, as pdfminer gives; and every
    one but Chromium's prints (which mark ligatures with /ActualText) is read by PDFium."""
    data = path.read_bytes()
    by_pdfium = reader._by_pdfium(data, 500)
    assert (by_pdfium is None) == path.name.startswith("browser-")
    assert _blocks(data, True, monkeypatch) == _blocks(data, False, monkeypatch)


def test_the_real_corpus_is_held_when_it_is_here():
    if not CORPUS.is_dir():
        pytest.skip("the real corpus (../shared) is absent")
    assert len(REAL) >= 3


@pytest.mark.parametrize(
    "make",
    [
        pdf_layouts.rotated_page_pdf,  # /Rotate 90, the media box away from the origin
        pdf_layouts.watermark_pdf,  # text at a slant: each box through the whole matrix
        pdf_layouts.hyphen_pdf,  # PDFium marks a line-ending hyphen: a hyphen again
        subset_fonts.subset_font_pdf,  # LibreOffice's subset without metrics: PDFium's measure of it left aside
    ],
)
def test_what_producers_do_to_a_page_reads_the_same_through_pdfium(make, monkeypatch):
    data = make()
    assert plain(data) and reader._by_pdfium(data, 500) is not None
    laid = _blocks(data, True, monkeypatch)
    assert laid == _blocks(data, False, monkeypatch)
    cells = [block.cells for page in laid for block, _ in page if block.cells]
    assert [c[-2:] for c in cells] == [[label, figure] for label, figure in pdf_layouts.ROWS] or make in (
        pdf_layouts.rotated_page_pdf,  # turned, its rows are columns
    )


def test_a_heading_drawn_twice_to_look_bold_is_read_once_either_way(monkeypatch):
    """A 2024 drawn twice a hair apart: PDFium's text page drops the second drawing, and the page builder drops it
    from pdfminer's characters (which read "22002244" before)."""
    data = pdf_layouts.fake_bold_pdf()
    assert reader._by_pdfium(data, 500) is not None
    laid = _blocks(data, True, monkeypatch)
    assert laid == _blocks(data, False, monkeypatch)
    assert "2024" in [block.text for page in laid for block, _ in page]


def test_a_vertical_label_pdfium_cannot_measure_is_read_by_pdfminer(monkeypatch):
    """A vertical font that is not embedded has no glyph widths for PDFium, whose text page then leaves the label
    out: such a file is handed back, and the label is read."""
    data = pdf_layouts.vertical_label_pdf()
    assert plain(data) and reader._by_pdfium(data, 500) is None
    first = next(block for page in _blocks(data, True, monkeypatch) for block, _ in page if block.cells)
    assert first.cells[0].replace("\n", "") == pdf_layouts.LABEL


@pytest.mark.parametrize(
    "make",
    [
        pdf_layouts.form_pdf,
        pdf_layouts.twice_compressed_pdf,
        pdf_layouts.actual_text_pdf,
        amplifiers.xobject_laughs_pdf,
        amplifiers.lzw_bomb_pdf,
        amplifiers.runlength_bomb_pdf,
        amplifiers.tounicode_bomb_pdf,
        amplifiers.object_stream_pdf,
        amplifiers.many_streams_pdf,
    ],
)
def test_what_pdfminer_must_bound_never_reaches_pdfium(make):
    """PDFium keeps no bounds: a Form XObject, a filter other than Flate once, a stream or all of them inflating
    past the limits, a CMap mapping billions of codes go to pdfminer and its guard; and so does /ActualText, whose
    characters PDFium's text page sets all at the run's start."""
    assert not plain(make())


def test_a_content_stream_inflating_past_the_limit_is_not_plain():
    from nianbao.engine.testing.hostile import pdf_bomb

    assert not plain(pdf_bomb(80))
    assert plain(pdf_bomb(1))


def test_what_pdfium_is_not_given_reads_the_same_either_way(monkeypatch):
    for make in (pdf_layouts.form_pdf, pdf_layouts.twice_compressed_pdf, pdf_layouts.actual_text_pdf):
        data = make()
        laid = _blocks(data, True, monkeypatch)
        assert laid == _blocks(data, False, monkeypatch)
        assert [b.cells[-1] for page in laid for b, _ in page if b.cells] == [f for _, f in pdf_layouts.ROWS]


def _with_cmap(cmap: bytes) -> bytes:
    """A one-page PDF whose font's ToUnicode CMap is `cmap`, unfiltered."""
    font = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 5 0 R >>"
    resources = f"/Resources << /Font << /F1 {font} >> >>"
    page = f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {resources} /Contents 4 0 R >>"
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: page.encode(),
        4: amplifiers.stream(b"BT /F1 12 Tf 72 720 Td (A) Tj ET"),
        5: amplifiers.stream(cmap),
    }
    return amplifiers.pdf(objects)


def test_a_cmap_code_broken_across_lines_is_measured_not_a_crash():
    """A producer that wraps long lines may break a CMap's hexadecimal code: it is read as one code (it raised)."""
    cmap = b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n1 beginbfrange <00\n01> <00\n20> <0041> endbfrange"
    assert plain(_with_cmap(cmap))


def test_cmap_ranges_without_their_end_are_counted_and_never_scanned_again():
    """A range block that never ends still maps its codes: four billion of them are no plain file (they passed,
    unseen). And thousands of such blocks are looked at once each: the pattern that found blocks scanned to the
    data's end again from each (184 kB of them took 14 s)."""
    assert not plain(_with_cmap(b"1 beginbfrange <00000000> <FFFFFFFF> <0041>"))
    assert plain(_with_cmap(b"beginbfrange <00> <01> <0041> " * 8000))


def test_pdfs_read_and_drawn_in_threads_at_once_read_as_alone():
    """A Dask worker checks files in threads: PDFium, which must never run two calls at once, reads and draws them
    one call at a time, and every thread gets what a file read alone gives (before the lock, threads fell back to
    pdfminer, and drawing a scan's pages in two threads at once could corrupt the process)."""
    from concurrent.futures import ThreadPoolExecutor

    from nianbao.engine.readers.pdf.pages import render_pages

    files = [path.read_bytes() for path in OURS if not path.name.startswith("browser-")][:4]

    def read_and_draw(data: bytes) -> tuple:
        return reader._by_pdfium(data, 500), render_pages(data, [1])

    alone = [read_and_draw(data) for data in files]
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(lambda k: read_and_draw(files[k % 4]), range(24)))
    assert all(blocks is not None and drawn for blocks, drawn in alone)
    assert together == [alone[k % 4] for k in range(24)]
