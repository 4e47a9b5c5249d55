"""Scans read by OCR (engine.readers.ocr): how many table cells come out right, how many are flagged, how fast.

    python benchmarks/ocr.py [--seeds N]

Each PDF fixture of tests/fixtures and tests/fixtures/patterns (a Chromium-printed page with other fonts, money
printed with its unit, 无 and 〇 cells, …) is scanned (engine.testing.scan: 150 and 200 dpi, 1–3° skew, speckle, blur, a
red seal over the tables) with N seeds, and the scan read page by page on one core. The truth of each cell is the
text PDF's own reading: a cell is right when the scan's figure equals it. A wrong cell is `flagged` when its
confidence is under LOW (engine.readers.ocr); `unflagged` counts the wrong ones that are not, which are what a
finding would rest on unwarned; `alarms` the right cells flagged all the same (a clerk checks them for nothing).
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

from engine.readers.normalize import parse_cell  # noqa: E402
from engine.readers.ocr import LOW, read_pages  # noqa: E402
from engine.readers.pdf import PdfReader  # noqa: E402
from engine.readers.scan import RENDER_DPI  # noqa: E402
from engine.readers.tesseract import Deadline  # noqa: E402
from engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf  # noqa: E402


def truth_cells(pdf: Path) -> list[tuple[int, tuple[float, float, float, float], object, str]]:
    report = PdfReader().read(pdf, pdf.read_bytes())
    cells = []
    for key, anchor in report.cell_anchors.items():
        table, row, column = key.split(":")
        value = report.table(table).get(row, {}).get(column)
        if isinstance(value, int | float) and anchor.page and anchor.box:
            cells.append((anchor.page, anchor.box, value, key))
    return cells


def measure(pdf: Path, dpi: int, seed: int) -> tuple[int, int, int, int, int, float, int, list[str]]:
    import pypdfium2 as pdfium

    scan = scanned_pdf(scanned_pages(pdf.read_bytes(), ScanSpec(dpi=dpi, skew=1.0 + seed % 3, seed=seed)), dpi)
    document = pdfium.PdfDocument(scan)
    pages = [
        (document[i].render(scale=RENDER_DPI / 72).to_pil().convert("RGB"), RENDER_DPI) for i in range(len(document))
    ]
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
            alarms += cell is not None and cell.confidence is not None and cell.confidence < LOW
        elif cell is not None and cell.confidence is not None and cell.confidence < LOW:
            flagged += 1
        else:
            unflagged += 1
            wrong.append(f"{key}={value!r} read {cell.text if cell else None!r} ({cell.confidence if cell else None})")
    return len(truth), right, flagged, unflagged, alarms, seconds, len(pages), wrong


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=2)
    args = parser.parse_args()
    total = {"cells": 0, "right": 0, "flagged": 0, "unflagged": 0, "alarms": 0, "seconds": 0.0, "pages": 0}
    print("fixture            dpi seed  cells  right   flagged unflagged  alarms  s/page")
    fixtures = ROOT / "tests" / "fixtures"
    for pdf in [*sorted(fixtures.glob("*.pdf")), *sorted((fixtures / "patterns").glob("*.pdf"))]:
        for dpi in (150, 200):
            for seed in range(args.seeds):
                cells, right, flagged, unflagged, alarms, seconds, pages, wrong = measure(pdf, dpi, seed)
                print(f"{pdf.stem:18} {dpi:3} {seed:4} {cells:6} {right / cells:7.2%} {flagged:7} {unflagged:9}"
                      f" {alarms:7}  {seconds / pages:6.2f}")  # fmt: skip
                for line in wrong[:5]:
                    print("      unflagged:", line)
                for key, value in zip(total, (cells, right, flagged, unflagged, alarms, seconds, pages), strict=True):
                    total[key] += value
    print(f"all: {total['right'] / total['cells']:.2%} right, {total['flagged']} wrong and flagged, "
          f"{total['unflagged']} wrong and unflagged, {total['alarms']} right but flagged, of {total['cells']} cells; "
          f"{total['seconds'] / total['pages']:.2f} s a page on one core")  # fmt: skip


if __name__ == "__main__":
    main()
