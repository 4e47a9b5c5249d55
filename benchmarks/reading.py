"""The whole reading pipeline measured against truth, on scans and photos made by tools that are not ours.

    python benchmarks/reading.py [--sources real,portal,fixtures] [--kinds grey200,seal200,...] [--tuning default|...]

Each source is a text-layer PDF: the real reports of ../shared/corpus/real (real layouts; skipped when absent), the
real portal pages there as Chromium prints them to PDF (`portal`: another producer's fonts and table borders; skipped
without Debian's chromium), and our own fixtures. Its pages are drawn by poppler's `pdftoppm` and distorted by
ImageMagick's `convert` (neither is what Nianbao reads with), as an office's scanner or a phone makes them (KINDS
below), and packed as the file an organ sends: a PDF of JPEG pages, or a Group 4 TIFF for black and white. Other kinds
are PDFs whose text layer does not hold what their pages show (nianbao.engine.readers.pdf.shown): a scan made
searchable by Tesseract's own PDF writer (the page a picture, the words drawn invisible over it), the text drawn as
outlines by Ghostscript (`-dNoOutputFonts`: no text at all), the fonts' character maps unnamed (glyphs without
Unicode), and every second page put in as its scan among the printed ones (poppler's `pdfseparate` and `pdfunite`).
Each scan goes through `Checker.check_file`, exactly as `nianbao check` reads it, and is compared with the text
PDF's own reading:

- placed: the truth's table cells (every cell of tables 二, 三 and 四 that holds a figure) found under the same
  template key with the same value;
- wrong: cells found under their key with another value (a blank included), and figures read under a key where the
  truth holds none (a blank cell, a row it lacks);
- wrong-unmarked: of those, the ones nothing warns of (nianbao.engine.checking.uncertain: a confidence of LOW_CONFIDENCE
  or more, in a row not placed by guess, not a blank read from a scan): what a finding would rest on unwarned;
- false: findings that count against the report (not pending a check of the original) that the text PDF does not
  have, by rule and message key and place;
- refused: the scan was refused with a code (illegible, …) instead of being scored;
- s/page: wall seconds a page on one core (OMP_THREAD_LIMIT=1); in the summary, CPU seconds a page (Tesseract's
  included).

`--tuning` reads with other scan settings in force (nianbao.engine.readers.scan.settings; TUNINGS below): the
trade-off of readings against accuracy and seconds.

Needs poppler-utils and imagemagick (Debian packages) and the ocr extra with Tesseract.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")
logging.getLogger("pdfminer").setLevel(logging.ERROR)  # the truth's reading of a Chromium PDF warns of its fonts

from nianbao.engine.checking.checker import Checker  # noqa: E402
from nianbao.engine.checking.plugins import PluginHost  # noqa: E402
from nianbao.engine.model import LOW_CONFIDENCE  # noqa: E402
from nianbao.engine.readers.scan.settings import SETTINGS, ScanSettings, tuning  # noqa: E402
from nianbao.engine.result import FileResult  # noqa: E402
from nianbao.engine.testing.measure import figures  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus" / "real"
FIXTURES = ROOT / "tests" / "fixtures"


@dataclass(frozen=True)
class Kind:
    """One way a page reaches the office: dots per inch, colour, and ImageMagick's distortions of each page."""

    name: str
    dpi: int
    gray: bool = True
    options: tuple[str, ...] = ()
    bilevel: bool = False
    seal: bool = False
    two_up: bool = False
    # a PDF made otherwise than as pictures alone: "searchable", "outlined", "unmapped" or "mixed" (see above)
    made: str = ""


def _cells(**changes: object) -> ScanSettings:
    return replace(SETTINGS, cells=replace(SETTINGS.cells, **changes))


# Other settings of the cell readings, for the trade-off: more first readings of each figure (those that disagree
# are read again at the further settings in any case), Tesseract's inverted second reading of an unsure line, or no
# further readings at all.
THREE = ((160, 32), (160, 40), (200, 32))  # the first readings of each figure before 2026-12-05
TUNINGS = {
    "default": SETTINGS,
    "three-readings-invert": _cells(readings=THREE, invert=True),  # the default before 2026-12-05
    "three-readings": _cells(readings=THREE),
    "invert": _cells(invert=True),
    "no-again": _cells(again=()),
    # the prose and the labels by Tesseract's Chinese model, as before the line recogniser (2026-12-06)
    "tesseract-words": replace(SETTINGS, lines=replace(SETTINGS.lines, recogniser=False)),
    # every figure read by Tesseract at both first settings, the recogniser's reading only breaking ties (2026-12-07)
    "figures-read-twice": _cells(seen_sure=2.0),
    # the recogniser as shipped, not rewritten to fewer passes (nianbao.engine.readers.scan.folding)
    "recogniser-as-shipped": replace(SETTINGS, lines=replace(SETTINGS.lines, folded=False)),
}


def _skewed(angle: float) -> tuple[str, ...]:
    return ("-background", "white", "-rotate", f"{angle}")


NOISE = ("-attenuate", "0.5", "+noise", "Gaussian", "-blur", "0x0.6")
# Phone photos: the page smaller than the frame on a surround, its corners pulled (perspective), light falling off.
PHOTO = (
    "-bordercolor", "{surround}", "-border", "12%x9%",
    "-virtual-pixel", "background", "-background", "{surround}",
    "-distort", "Perspective", "{perspective}",
    "(", "+clone", "-fill", "white", "-colorize", "100", "-fill", "gray60", "-draw", "circle {cx},{cy} {cx},0",
    "-blur", "0x120", ")", "-compose", "multiply", "-composite",
)  # fmt: skip

KINDS = {
    k.name: k
    for k in (
        Kind("grey200", 200, options=(*_skewed(0.8), *NOISE)),
        Kind("colour200-seal", 200, gray=False, options=(*_skewed(-0.6), *NOISE), seal=True),
        Kind("grey200-seal", 200, options=(*_skewed(0.5), *NOISE), seal=True),
        Kind("bw300", 300, options=_skewed(0.7), bilevel=True),
        Kind("bw200", 200, options=_skewed(0.7), bilevel=True),
        Kind("bw150", 150, options=_skewed(-0.9), bilevel=True),
        Kind("skew5", 200, options=(*_skewed(5), *NOISE)),
        Kind("skew10", 200, options=(*_skewed(-10), *NOISE)),
        Kind("rot90", 200, options=("-rotate", "90", *NOISE)),
        Kind("rot180", 200, options=("-rotate", "180", *NOISE)),
        Kind("two-up", 200, options=NOISE, two_up=True),
        Kind("photo-light", 150, gray=False, options=PHOTO),
        Kind("photo-dark", 150, gray=False, options=PHOTO),
        Kind("searchable", 200, options=(*_skewed(0.4), *NOISE), made="searchable"),
        Kind("outlined", 0, made="outlined"),
        Kind("unmapped", 0, made="unmapped"),
        Kind("mixed", 200, options=(*_skewed(0.4), *NOISE), made="mixed"),
    )
}


def sources(which: set[str], folder: Path) -> list[Path]:
    """The text-layer PDFs to scan; the portal pages printed into `folder`."""
    from nianbao.engine.testing.patterns import browser_print

    found: list[Path] = []
    if "real" in which and REAL.is_dir():
        found += sorted(REAL.glob("*.pdf"))
    browser = shutil.which("chromium")
    if "portal" in which and REAL.is_dir():
        if browser is None:
            print("portal pages left out: Debian's chromium is not installed", file=sys.stderr)
        for page in sorted(REAL.glob("*.html")) if browser else []:
            found.append(browser_print(page.read_bytes(), folder / f"{page.stem}-chromium.pdf", browser))
    if "fixtures" in which:
        found += sorted(FIXTURES.glob("20*.pdf"))
    return found


def _seal(page: Path, rng: random.Random) -> None:
    """A red seal (a ring, a star, a band of text) printed over the middle of the page, where tables stand."""
    w, h = (int(v) for v in subprocess.check_output(["identify", "-format", "%w %h", str(page)], text=True).split())
    r = w // 9
    cx, cy = int(w * rng.uniform(0.35, 0.65)), int(h * rng.uniform(0.3, 0.7))
    star = " ".join(f"{cx + dx},{cy + dy}" for dx, dy in ((0, -r // 3), (r // 10, 0), (r // 3, 0), (0, r // 5)))
    subprocess.run(
        ["convert", str(page), "-fill", "none", "-stroke", "rgba(215,30,30,0.85)", "-strokewidth", str(max(r // 14, 3)),
         "-draw", f"circle {cx},{cy} {cx + r},{cy}", "-fill", "rgba(215,30,30,0.85)", "-stroke", "none",
         "-draw", f"polygon {star}", str(page)],
        check=True,
    )  # fmt: skip


def scan(pdf: Path, kind: Kind, folder: Path, seed: int) -> Path:
    """The PDF as `kind` makes it: pages drawn by pdftoppm, distorted by convert (its noise seeded, so a run can be
    repeated), packed as a PDF of JPEG pages or a Group 4 TIFF; or made otherwise (`Kind.made`)."""
    from PIL import Image

    if kind.made == "outlined":
        target = folder / "outlined.pdf"
        subprocess.run(["gs", "-q", "-o", str(target), "-sDEVICE=pdfwrite", "-dNoOutputFonts", str(pdf)], check=True)
        return target
    if kind.made == "unmapped":  # the same length: every offset of the file holds
        target = folder / "unmapped.pdf"
        target.write_bytes(pdf.read_bytes().replace(b"/ToUnicode", b"/ToUnicodX"))
        return target
    rng = random.Random(seed)
    subprocess.run(["pdftoppm", "-r", str(kind.dpi), "-png", str(pdf), str(folder / "p")], check=True)
    pages = sorted(folder.glob("p-*.png"))
    if kind.two_up:
        pairs = [pages[i : i + 2] for i in range(0, len(pages), 2)]
        for n, pair in enumerate(pairs):
            subprocess.run(["convert", *map(str, pair), "+append", str(folder / f"q-{n:03}.png")], check=True)
        pages = sorted(folder.glob("q-*.png"))
    out = []
    for n, page in enumerate(pages):
        if kind.seal:
            _seal(page, rng)
        w, h = (int(v) for v in subprocess.check_output(["identify", "-format", "%w %h", str(page)], text=True).split())
        bw, bh = int(w * 0.12), int(h * 0.09)
        W, H = w + 2 * bw, h + 2 * bh
        d = [rng.randint(int(W * 0.02), int(W * 0.05)) for _ in range(4)]
        values = {
            "{surround}": "#2b2b2b" if kind.name == "photo-dark" else "#dcdcd4",
            "{perspective}": f"0,0 {d[0]},{d[1]}  {W},0 {W - d[2]},{d[0]}  "
            f"{W},{H} {W - d[1]},{H - d[3]}  0,{H} {d[3]},{H}",
            "{cx}": str(W // 2),
            "{cy}": str(H // 2),
        }
        options = list(kind.options)
        for key, value in values.items():
            options = [o.replace(key, value) for o in options]
        target = folder / f"s-{n:03}.{'tif' if kind.bilevel else 'jpg'}"
        colour = ["-colorspace", "Gray"] if kind.gray or kind.bilevel else []
        tail = ["-threshold", "55%", "-compress", "Group4"] if kind.bilevel else ["-quality", "72"]
        subprocess.run(["convert", "-seed", str(seed + n), str(page), *options, "+repage", *colour, *tail,
                        "-units", "PixelsPerInch", "-density", str(kind.dpi), str(target)], check=True)  # fmt: skip
        out.append(target)
    if kind.bilevel:
        target = folder / "scan.tif"
        subprocess.run(["convert", *map(str, out), "-compress", "Group4", "-units", "PixelsPerInch",
                        "-density", str(kind.dpi), str(target)], check=True)  # fmt: skip
        return target
    if kind.made == "searchable":
        (folder / "pages.txt").write_text("".join(f"{p}\n" for p in out))
        subprocess.run(["tesseract", str(folder / "pages.txt"), str(folder / "searchable"), "-l", "chi_sim", "pdf"],
                       check=True, capture_output=True)  # fmt: skip
        return folder / "searchable.pdf"
    if kind.made == "mixed":  # every second page its scan, the others printed
        subprocess.run(["pdfseparate", str(pdf), str(folder / "t-%03d.pdf")], check=True)
        parts = []
        for n, page in enumerate(out, start=1):
            part = folder / f"t-{n:03}.pdf"
            if n % 2 == 0:
                Image.open(page).save(part, resolution=kind.dpi)
            parts.append(str(part))
        subprocess.run(["pdfunite", *parts, str(folder / "mixed.pdf")], check=True)
        return folder / "mixed.pdf"
    images = [Image.open(p) for p in out]
    target = folder / "scan.pdf"
    images[0].save(target, save_all=True, append_images=images[1:], resolution=kind.dpi)
    return target


def _counted(result: FileResult) -> set[tuple]:
    return {(f.rule, f.key, f.location.section, f.location.row, f.location.column) for f in result.findings if f.counts}


def _cpu() -> float:
    """CPU seconds of this process and of the programs it ran (Tesseract)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# Where a page's CPU time goes: each Tesseract pass (told by its model and page mode), and the Python steps timed
# by wrapping them (finding the page, evening its light and taking out a seal; turning, straightening, rulings).
PASSES = {("osd", "0"): "orientation", ("chi_sim", "6"): "labels", ("eng", "7"): "figures", ("chi_sim", "3"): "prose"}
STEPS = {"_found": "page found", "_prepare": "straightened, rulings"}
PHASES = (
    "orientation", "labels", "figures", "prose", "recogniser (prose, labels)", "page found", "straightened, rulings",
    "crops, specks, rest",
)  # fmt: skip


class Phases:
    """CPU seconds by phase while in force: each Tesseract run's, and the wrapped Python steps' own."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(PHASES, 0.0)

    def __enter__(self) -> Phases:
        import nianbao.engine.readers.scan.ocr as ocr
        import nianbao.engine.readers.scan.recogniser as recogniser
        import nianbao.engine.readers.scan.tesseract as tesseract

        self._kept = [(tesseract, "_run", tesseract._run), (recogniser, "read_lines", recogniser.read_lines)]
        self._kept += [(ocr, name, getattr(ocr, name)) for name in STEPS]
        run = tesseract._run

        def timed_run(args: list[str], *rest: object, **named: object) -> str:
            lang = args[args.index("-l") + 1] if "-l" in args else "?"
            psm = args[args.index("--psm") + 1] if "--psm" in args else "?"
            before = _cpu()
            try:
                return run(args, *rest, **named)  # type: ignore[arg-type]
            finally:
                self.seconds[PASSES.get((lang, psm), "crops, specks, rest")] += _cpu() - before

        tesseract._run = timed_run  # type: ignore[assignment]
        for name, phase in STEPS.items():
            setattr(ocr, name, self._step(getattr(ocr, name), phase))
        recogniser.read_lines = self._step(recogniser.read_lines, "recogniser (prose, labels)")
        return self

    def _step(self, func, phase: str):  # type: ignore[no-untyped-def]
        def timed(*args, **named):  # type: ignore[no-untyped-def]
            before = _cpu()
            try:
                return func(*args, **named)
            finally:
                self.seconds[phase] += _cpu() - before

        return timed

    def __exit__(self, *exc: object) -> None:
        for module, name, original in self._kept:
            setattr(module, name, original)


def measure(checker: Checker, pdf: Path, kind: Kind, seed: int) -> dict[str, object]:
    truth = checker.check_file(pdf)
    assert truth.report is not None
    want = figures(truth.report)
    with tempfile.TemporaryDirectory() as tmp:
        scanned = scan(pdf, kind, Path(tmp), seed)
        started, cpu = time.perf_counter(), _cpu()
        with Phases() as phases:
            result = checker.check_file(scanned)
        seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    pages = truth.report.source.pages or 1
    spent = phases.seconds
    spent["crops, specks, rest"] += cpu - sum(spent.values())
    row = {
        "source": pdf.stem, "kind": kind.name, "cells": len(want), "s/page": round(seconds / pages, 1),
        "pages": pages, "cpu": cpu, "phases": spent,
    }  # fmt: skip
    if result.report is None:
        refused = result.error.code if result.error else "?"
        return {**row, "placed": 0, "wrong": 0, "wrong-unmarked": 0, "false": 0, "refused": refused}
    report = result.report
    placed = wrong = misread = 0
    # every figure of the truth, and every figure read where the truth holds none (a blank cell, or no such row)
    for key in [*want, *(key for key in figures(report) if key not in want)]:
        value = want.get(key)
        table, _, rest = key.partition(":")
        row_key, _, column = rest.rpartition(":")
        got = report.table(table).get(row_key, {}).get(column, "absent")
        if got == value:
            placed += 1
        elif got != "absent":
            anchor = report.cell_anchors.get(key)
            # as nianbao.engine.checking.uncertain marks it: a doubtful figure, a row placed by guess, a blank read from
            # a scan
            marked = (
                (anchor is not None and anchor.confidence is not None and anchor.confidence < LOW_CONFIDENCE)
                or f"{table}.{row_key}" in report.placements
                or (got is None and report.source.reading == "ocr")
            )
            wrong += not marked
            misread += 1
    false = len(_counted(result) - _counted(truth))
    return {**row, "placed": placed, "wrong": misread, "wrong-unmarked": wrong, "false": false, "refused": ""}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sources", default="real,portal,fixtures")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--tuning", default="default", choices=TUNINGS)
    args = parser.parse_args()
    for tool in ("pdftoppm", "pdfseparate", "pdfunite", "convert", "identify", "tesseract", "gs"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is missing: apt-get install poppler-utils imagemagick tesseract-ocr-chi-sim ghostscript")
    checker = Checker(PluginHost.load(entry_points=False))
    rows = []
    print("| source | kind | cells | placed | % | wrong | wrong-unmarked | false | refused | s/page |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    printed = tempfile.TemporaryDirectory()
    pdfs = sources(set(args.sources.split(",")), Path(printed.name))
    group = {pdf: "fixtures" if pdf.parent == FIXTURES else "portal" if pdf.parent != REAL else "real" for pdf in pdfs}
    for name in args.kinds.split(","):
        for pdf in pdfs:
            with tuning(TUNINGS[args.tuning]):
                r = measure(checker, pdf, KINDS[name], args.seed)
            r["group"] = group[pdf]
            rows.append(r)
            share = 100 * r["placed"] / r["cells"] if r["cells"] else 0  # type: ignore[operator]
            print(f"| {r['source']} | {r['kind']} | {r['cells']} | {r['placed']} | {share:.1f} | {r['wrong']} | "
                  f"{r['wrong-unmarked']} | {r['false']} | {r['refused']} | {r['s/page']} |", flush=True)  # fmt: skip
    printed.cleanup()
    print("\n| kind | sources | cells | placed % | wrong-unmarked | false | refused | CPU s/page |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.kinds.split(","):
        for sources_of in ("real", "portal", "fixtures", "all"):
            mine = [r for r in rows if r["kind"] == name and sources_of in (r["group"], "all")]
            if not mine:
                continue
            cells = sum(r["cells"] for r in mine)  # type: ignore[misc]
            placed = sum(r["placed"] for r in mine)  # type: ignore[misc]
            print(f"| {name} | {sources_of} | {cells} | {100 * placed / max(cells, 1):.1f} | "
                  f"{sum(r['wrong-unmarked'] for r in mine)} | {sum(r['false'] for r in mine)} | "  # type: ignore[misc]
                  f"{sum(1 for r in mine if r['refused'])}/{len(mine)} | "
                  f"{sum(r['cpu'] for r in mine) / max(sum(r['pages'] for r in mine), 1):.2f} |")  # fmt: skip
    print("\nCPU seconds a page by phase:\n")
    print("| kind | " + " | ".join(PHASES) + " |")
    print("|---|" + "---|" * len(PHASES))
    for name in args.kinds.split(","):
        mine = [r for r in rows if r["kind"] == name]
        pages = max(sum(r["pages"] for r in mine), 1)  # type: ignore[misc]
        spent = [sum(r["phases"][p] for r in mine) / pages for p in PHASES]  # type: ignore[index]
        print(f"| {name} | " + " | ".join(f"{v:.2f}" for v in spent) + " |")


if __name__ == "__main__":
    main()
