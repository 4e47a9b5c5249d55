"""A scanned table's figures read by Tesseract and voted on (nianbao.engine.readers.scan.figures): a figure the line
recogniser read surely is read once, a figure read again is not read again at a setting it was read at, and the
report comes out as it did when every figure was read at both first settings. Needs Pillow, Tesseract and the line
recogniser (the ocr extra)."""

from __future__ import annotations

from dataclasses import replace

import pytest

pytest.importorskip("PIL", reason="Pillow is not installed (the ocr extra)")

from nianbao.engine.readers.pdf.reader import PdfReader
from nianbao.engine.readers.scan import figures, recogniser
from nianbao.engine.readers.scan.figures import _with_seen
from nianbao.engine.readers.scan.reader import ImageReader, ocr_ready
from nianbao.engine.readers.scan.settings import SETTINGS, tuning
from nianbao.engine.testing.measure import figures as truth_of
from nianbao.engine.testing.scan import ScanSpec, scanned_pages

from tests.conftest import ROOT


def test_two_models_agreeing_are_trusted_as_both_being_wrong_at_once_is_unlikely():
    assert _with_seen(("53", 0.6), "53", 0.7) == [("53", pytest.approx(0.88))] * 2
    # a thin 1 Tesseract reads "]" is a 1 to its eye too
    assert _with_seen(("]", 0.5), "1", 0.8) == [("1", pytest.approx(0.9))] * 2
    # disagreeing, each at Tesseract's confidence: the vote halves it, and the figure is read again
    assert _with_seen(("43", 0.9), "53", 0.9) == [("43", 0.9), ("53", 0.9)]


@pytest.mark.skipif(not (ocr_ready() and recogniser.available()), reason="Tesseract or the line recogniser is missing")
def test_a_figure_read_surely_is_read_once_and_none_at_a_setting_twice(tmp_path, monkeypatch):
    pdf = ROOT / "tests" / "fixtures" / "2021-qinghe.pdf"
    pages = scanned_pages(pdf.read_bytes(), ScanSpec(dpi=200, skew=1.0, seed=4, mode="grey"))
    scan = tmp_path / "scan.tif"
    pages[0].save(scan, save_all=True, append_images=pages[1:], dpi=(200, 200), compression="tiff_deflate")
    sent: list[int] = []
    kept: list[dict] = []
    read_images, round_ = figures.read_images, figures._round

    def counted(images, *args, **named):
        sent[-1] += len(images)
        return read_images(images, *args, **named)

    def watched(found, settings, deadline, reads, again):
        kept.append(reads)
        return round_(found, settings, deadline, reads, again)

    monkeypatch.setattr(figures, "read_images", counted)
    monkeypatch.setattr(figures, "_round", watched)
    reports = {}
    for name, seen_sure in (("once", SETTINGS.cells.seen_sure), ("twice", 2.0)):
        sent.append(0)
        with tuning(replace(SETTINGS, cells=replace(SETTINGS.cells, seen_sure=seen_sure))):
            reports[name] = ImageReader().read(scan, scan.read_bytes())
        # no figure read at a setting twice: the second round reads only the settings the first did not
        reads = list(kept[-1].values())
        assert all(len(read.settings) == len(set(read.settings)) == len(read.readings) for read in reads)
        assert sent[-1] <= sum(len(read.settings) for read in reads)
    assert sent[0] < 0.7 * sent[1], sent
    truth = truth_of(PdfReader().read(pdf, pdf.read_bytes()))
    for report in reports.values():
        read = truth_of(report)
        assert sum(read.get(key) == value for key, value in truth.items()) >= len(truth) - 2
    assert truth_of(reports["once"]) == truth_of(reports["twice"])
