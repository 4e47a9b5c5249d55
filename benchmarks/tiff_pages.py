"""A scanned document's crops as the pages of the one TIFF Tesseract reads them from, timed against the number of
crops: ours (nianbao.engine.readers.scan.tiffpages) and Pillow's `save_all`, which it replaced.

    python benchmarks/tiff_pages.py

A report's figures are read in one Tesseract run for the whole document, two to six crops a figure: 500–2,000
crops for a report, up to 24,000 for the most cells a scan may hold (tuned().cells.max_cells, six readings each).
Prints each size's seconds and the growth exponent of each writer over the sizes (1: linear).
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archives import exponent  # noqa: E402
from nianbao.engine.readers.scan.tiffpages import tiff_pages  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

SIZES = (500, 1000, 2000, 4000)


def crops(n: int) -> list[Image.Image]:
    """n canvases as speck.glyphs makes them: a figure 32 px tall on white, a few glyphs wide."""
    out = []
    for i in range(n):
        image = Image.new("L", (192, 64), 255)
        ImageDraw.Draw(image).text((60, 20), str(i), fill=0)
        out.append(image)
    return out


def pillow(images: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    images[0].save(buffer, format="TIFF", save_all=True, append_images=images[1:], compression="packbits")
    return buffer.getvalue()


def timed(write, images: list[Image.Image]) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    write(images)
    return time.perf_counter() - started


def main() -> None:
    rows = []
    for n in SIZES:
        images = crops(n)
        rows.append((n, timed(tiff_pages, images), timed(pillow, images)))
    print(f"{'crops':>6}  {'ours (s)':>9}  {'Pillow (s)':>10}")
    for n, ours, theirs in rows:
        print(f"{n:>6}  {ours:>9.3f}  {theirs:>10.2f}")
    sizes = [n for n, _, _ in rows]
    print(
        f"growth exponent: ours {exponent(sizes, [r[1] for r in rows]):.2f}, "
        f"Pillow {exponent(sizes, [r[2] for r in rows]):.2f}"
    )


if __name__ == "__main__":
    main()
