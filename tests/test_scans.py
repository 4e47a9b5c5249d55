"""Scanned reports made from our own PDFs (nianbao.engine.testing.scan): what an organ publishes when it prints, stamps
and scans its report. Until an OCR path exists they are refused with one sentence of what to do, never misread."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed: the scanned fixtures cannot be made")

from nianbao.engine.testing.scan import ScanSpec, png, scanned_pages, scanned_pdf

from tests.conftest import ROOT

SOURCE = ROOT / "tests" / "fixtures" / "2021-qinghe.pdf"


@pytest.fixture(scope="module", params=[150, 200])
def scans(request, tmp_path_factory):
    dpi = request.param
    pages = scanned_pages(SOURCE.read_bytes(), ScanSpec(dpi=dpi, skew=2.0, seed=dpi))
    folder = tmp_path_factory.mktemp(f"scan{dpi}")
    (folder / "report.pdf").write_bytes(scanned_pdf(pages, dpi))
    (folder / "page-2.png").write_bytes(png(pages[1], dpi))
    return dpi, pages, folder


def test_a_scan_is_the_page_at_its_resolution_with_a_red_seal_and_no_text(scans):
    import pypdfium2 as pdfium
    from PIL import ImageChops

    dpi, pages, folder = scans
    source = pdfium.PdfDocument(SOURCE.read_bytes())
    width, height = source[0].get_size()
    assert len(pages) == len(source)
    assert all(abs(p.size[0] - width * dpi / 72) <= 1 and abs(p.size[1] - height * dpi / 72) <= 1 for p in pages)
    r, g, _b = pages[1].split()
    reds = ImageChops.multiply(r.point(lambda v: 255 if v > 150 else 0), g.point(lambda v: 255 if v < 110 else 0))
    assert reds.histogram()[255] > 1000  # the seal is on the tables' page
    scan = pdfium.PdfDocument((folder / "report.pdf").read_bytes())
    assert len(scan) == len(source) and all(
        not scan[i].get_textpage().get_text_range().strip() for i in range(len(scan))
    )


def test_the_same_seed_makes_the_same_scan():
    first = scanned_pages(SOURCE.read_bytes(), ScanSpec(dpi=150, seed=7))
    second = scanned_pages(SOURCE.read_bytes(), ScanSpec(dpi=150, seed=7))
    assert [p.tobytes() for p in first] == [p.tobytes() for p in second]


@pytest.fixture
def no_tesseract(monkeypatch):
    """A machine without Tesseract: nothing named tesseract on the PATH."""
    from nianbao.engine.readers.scan import tesseract

    monkeypatch.setenv("PATH", "/nonexistent")
    tesseract.languages.cache_clear()
    yield
    tesseract.languages.cache_clear()


def test_without_ocr_a_scan_is_refused_with_what_to_install(scans, run, no_tesseract):
    _dpi, _pages, folder = scans
    code, out, _err = run("check", folder, "--format", "json", "--no-cache")
    results = {r["source"]["path"].rsplit("/", 1)[-1]: r for r in json.loads(out)["results"]}
    assert code == 2
    assert results["report.pdf"]["error"]["code"] == "no-text" and results["report.pdf"]["score"] is None
    assert results["page-2.png"]["error"]["code"] == "unsupported"
    assert all("nianbao[ocr]" in r["error"]["message"] for r in results.values())
