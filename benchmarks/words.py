"""The words of scanned pages, prose and table labels, read by the line recogniser against Tesseract's Chinese model
(nianbao.engine.readers.scan.recogniser, prose): how many of each page's ideographs and numbers come out, how fast.

    python benchmarks/words.py [--noisy] [--engines recogniser,tesseract]

Each page of the real reports in ../shared/corpus/real (PDFs) is drawn by poppler's pdftoppm at 200 dpi in grey (with
`--noisy` also tilted 0.8°, specked and blurred by ImageMagick and saved as JPEG, as benchmarks/reading.py's grey200)
and read whole by the scan reader (nianbao.engine.readers.scan.ocr.read_pages). The truth is the page's text layer
(pdftotext). Counted as multisets over the page: ideographs read that the text layer has, and numbers (runs of
digits, the tables' figures included: a cell is a number of its own). CPU seconds a page are the process's and
Tesseract's; `words` the recogniser's share (prose and labels) or Tesseract's Chinese passes'.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "corpus" / "real"

from nianbao.engine.readers.scan import ocr, recogniser, tesseract  # noqa: E402
from nianbao.engine.readers.scan.settings import SETTINGS, tuning  # noqa: E402
from nianbao.engine.readers.scan.tesseract import Deadline  # noqa: E402


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _text(chars: list) -> str:  # type: ignore[type-arg]
    """The page's characters in reading order, a space where they part (a cell is a word of its own)."""
    out, last = [], None
    for c in sorted(chars, key=lambda c: (round((c.top + c.bottom) / 12), c.x0)):
        if last is not None and (
            c.x0 - last.x1 > 1 or abs(c.top - last.top) > 4 or len(c.text) > 1 or len(last.text) > 1
        ):
            out.append(" ")
        out.append(c.text)
        last = c
    return "".join(out)


def _pages(pdf: Path, folder: Path, noisy: bool) -> list[tuple[Path, Path]]:
    subprocess.run(["pdftoppm", "-r", "200", "-gray", "-png", str(pdf), str(folder / "p")], check=True)
    out = []
    for number, image in enumerate(sorted(folder.glob("p-*.png")), start=1):
        truth = folder / f"t-{number}.txt"
        subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), str(truth)], check=True)
        if noisy:
            noisy_image = image.with_suffix(".jpg")
            subprocess.run(
                ["convert", str(image), "-background", "white", "-rotate", "0.8", "-attenuate", "0.5", "+noise",
                 "Gaussian", "-blur", "0x0.6", "-quality", "75", str(noisy_image)], check=True,
            )  # fmt: skip
            image = noisy_image
        out.append((image, truth))
    return out


def measure(engine: str, pages: list[tuple[Path, Path]]) -> dict[str, float]:
    from PIL import Image

    settings = replace(SETTINGS, lines=replace(SETTINGS.lines, recogniser=engine == "recogniser"))
    words = [0.0]
    originals = (recogniser.read_lines, tesseract._run)

    def lines(*args, **named):  # type: ignore[no-untyped-def]
        before = _cpu()
        try:
            return originals[0](*args, **named)
        finally:
            words[0] += _cpu() - before

    def run(args, *rest, **named):  # type: ignore[no-untyped-def]
        before = _cpu()
        try:
            return originals[1](args, *rest, **named)
        finally:
            if "chi_sim" in args:
                words[0] += _cpu() - before

    recogniser.read_lines, tesseract._run = lines, run  # type: ignore[assignment]
    found = Counter()  # type: Counter[str]
    try:
        with tuning(settings):
            before = _cpu()
            read = ocr.read_pages(((Image.open(image).convert("RGB"), 200) for image, _ in pages), Deadline(3600))
            seconds = _cpu() - before
    finally:
        recogniser.read_lines, tesseract._run = originals  # type: ignore[assignment]
    for page, (_, truth_file) in zip(read, pages, strict=True):
        truth, got = truth_file.read_text(encoding="utf-8"), _text(page.chars)
        for kind, pattern in (("ideographs", r"[\u4e00-\u9fff]"), ("numbers", r"\d+")):
            wanted = Counter(re.findall(pattern, truth.replace(",", "")))
            have = Counter(re.findall(pattern, got.replace(",", "")))
            found[kind] += sum((wanted & have).values())
            found[kind + " wanted"] += sum(wanted.values())
            found[kind + " extra"] += sum((have - wanted).values())
    return {
        "ideographs %": 100 * found["ideographs"] / found["ideographs wanted"],
        "numbers %": 100 * found["numbers"] / found["numbers wanted"],
        "numbers extra": found["numbers extra"],
        "CPU s/page": seconds / len(pages),
        "words s/page": words[0] / len(pages),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--noisy", action="store_true")
    parser.add_argument("--engines", default="recogniser,tesseract")
    args = parser.parse_args()
    if not REAL.is_dir() or not tesseract.available():
        sys.exit("needs ../shared/corpus/real, poppler-utils, imagemagick and Tesseract with chi_sim")
    engines = args.engines.split(",")
    if "recogniser" in engines and not recogniser.available():
        sys.exit("the line recogniser is not installed (pip install -e '.[ocr]')")
    with tempfile.TemporaryDirectory() as tmp:
        pages = []
        for pdf in sorted(REAL.glob("*.pdf")):
            folder = Path(tmp) / pdf.stem
            folder.mkdir()
            pages += _pages(pdf, folder, args.noisy)
        print(
            f"{len(pages)} pages of {len(list(REAL.glob('*.pdf')))} real reports, {'noisy' if args.noisy else 'clean'}"
        )
        print("| engine | ideographs % | numbers % | numbers read that are not there | CPU s/page | of which words |")
        print("|---|---|---|---|---|---|")
        for engine in engines:
            r = measure(engine, pages)
            print(f"| {engine} | {r['ideographs %']:.1f} | {r['numbers %']:.1f} | {r['numbers extra']:g} | "
                  f"{r['CPU s/page']:.2f} | {r['words s/page']:.2f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
