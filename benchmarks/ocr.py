"""Scans read by OCR (nianbao.engine.readers.scan.ocr): how many table cells come out right, how many are flagged,
how fast.

    python benchmarks/ocr.py [--seeds N] [--modes grey,bilevel]

Each PDF fixture of tests/fixtures and tests/fixtures/patterns (a Chromium-printed page with other fonts, money
printed with its unit, 无 and 〇 cells, …) is scanned (nianbao.engine.testing.scan: 150 and 200 dpi, 1–3° skew, speckle,
blur, a red seal over the tables) in colour with N seeds, and once in grey and once in black and white (where the seal
prints dark over the figures); each scan is read page by page on one core. The truth of each cell is the
text PDF's own reading: a cell is right when the scan's figure equals it. A wrong cell is `flagged` when its
confidence is under the settings' `cells.low` (nianbao.engine.readers.scan.settings); `unflagged` counts the wrong ones
that are not, which are what a finding would rest on unwarned; `alarms` the right cells flagged all the same (a
clerk checks them for nothing).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # the truth's reading of a Chromium PDF warns of its fonts

from nianbao.engine.readers.pdf.reader import PdfReader  # noqa: E402
from nianbao.engine.readers.pipeline.normalize import parse_cell  # noqa: E402
from nianbao.engine.readers.scan.ocr import read_pages  # noqa: E402
from nianbao.engine.readers.scan.settings import SETTINGS  # noqa: E402
from nianbao.engine.readers.scan.tesseract import Deadline  # noqa: E402
from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf  # noqa: E402


def truth_cells(pdf: Path) -> list[tuple[int, tuple[float, float, float, float], object, str]]:
    report = PdfReader().read(pdf, pdf.read_bytes())
    cells = []
    for key, anchor in report.cell_anchors.items():
        table, row, column = key.split(":")
        value = report.table(table).get(row, {}).get(column)
        if isinstance(value, int | float) and anchor.page and anchor.box:
            cells.append((anchor.page, anchor.box, value, key))
    return cells


def measure(pdf: Path, dpi: int, seed: int, mode: str) -> tuple[int, int, int, int, int, float, int, list[str]]:
    import pypdfium2 as pdfium

    spec = ScanSpec(dpi=dpi, skew=1.0 + seed % 3, seed=seed, mode=mode)
    scan = scanned_pdf(scanned_pages(pdf.read_bytes(), spec), dpi)
    document = pdfium.PdfDocument(scan)
    drawn = SETTINGS.pages.render_dpi
    pages = [(document[i].render(scale=drawn / 72).to_pil().convert("RGB"), drawn) for i in range(len(document))]
    started = time.perf_counter()
    read = read_pages(pages, Deadline(600))
    seconds = time.perf_counter() - started
    right = flagged = unflagged = alarms = 0
    wrong = []
    truth = truth_cells(pdf)
    for page, (left, top, r, bottom), value, key in truth:
        scanned = read[page - 1]
        cx, cy = (left + r) / 2 * scanned.width, (top + bottom) / 2 * scanned.height
        cell = next((c for c in scanned.cells if c.box[0] <= cx <= c.box[2] and c.box[1] <= cy <= c.box[3]), None)
        got = parse_cell(cell.text) if cell else None
        if got == value:
            right += 1
            alarms += cell is not None and cell.confidence is not None and cell.confidence < SETTINGS.cells.low
        elif cell is not None and cell.confidence is not None and cell.confidence < SETTINGS.cells.low:
            flagged += 1
        else:
            unflagged += 1
            wrong.append(f"{key}={value!r} read {cell.text if cell else None!r} ({cell.confidence if cell else None})")
    return len(truth), right, flagged, unflagged, alarms, seconds, len(pages), wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2, help="colour scans of each fixture and resolution")
    parser.add_argument("--modes", default="grey,bilevel", help="and one scan in each of these modes")
    args = parser.parse_args()
    total = {"cells": 0, "right": 0, "flagged": 0, "unflagged": 0, "alarms": 0, "seconds": 0.0, "pages": 0}
    print("fixture               mode     dpi seed  cells  right   flagged unflagged  alarms  s/page")
    fixtures = ROOT / "tests" / "fixtures"
    by_mode: dict[str, dict[str, float]] = {}
    runs = [("colour", seed) for seed in range(args.seeds)] + [(mode, 0) for mode in args.modes.split(",") if mode]
    for pdf in [*sorted(fixtures.glob("*.pdf")), *sorted((fixtures / "patterns").glob("*.pdf"))]:
        for dpi in (150, 200):
            for mode, seed in runs:
                cells, right, flagged, unflagged, alarms, seconds, pages, wrong = measure(pdf, dpi, seed, mode)
                print(f"{pdf.stem:21} {mode:8} {dpi:3} {seed:4} {cells:6} {right / cells:7.2%} {flagged:7}"
                      f" {unflagged:9} {alarms:7}  {seconds / pages:6.2f}")  # fmt: skip
                for line in wrong[:5]:
                    print("      unflagged:", line)
                measured = (cells, right, flagged, unflagged, alarms, seconds, pages)
                for sums in (total, by_mode.setdefault(mode, dict.fromkeys(total, 0))):
                    for key, value in zip(sums, measured, strict=True):
                        sums[key] += value
    for name, sums in [*by_mode.items(), ("all", total)]:
        print(f"{name}: {sums['right'] / sums['cells']:.2%} right, {sums['flagged']} wrong and flagged, "
              f"{sums['unflagged']} wrong and unflagged, {sums['alarms']} right but flagged, of {sums['cells']} cells; "
              f"{sums['seconds'] / sums['pages']:.2f} s a page on one core")  # fmt: skip


if __name__ == "__main__":
    main()
