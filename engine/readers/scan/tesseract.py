"""Tesseract (Debian's `tesseract-ocr` with `tesseract-ocr-chi-sim`), run as a command over many images at once.

Why the command and not a binding: a scanned page needs two or three runs over a few hundred small images; one
process reads them all as the pages of one TIFF given on its standard input (nothing of the report on disk), and a
process is what the file's time limit can kill whole (its own process group, killed with everything it started).
Its models ship in the Debian packages; nothing is downloaded. One thread per run (OMP_THREAD_LIMIT=1): the batch
already runs one worker per core.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.readers.command import run_group
from nianbao.engine.readers.scan.tiffpages import tiff_pages

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class Word:
    """A word Tesseract read: which image (0-based), its box in that image's pixels, its text and confidence (0–1)."""

    image: int
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int]  # block, paragraph, line: words of one line share it
    text: str
    confidence: float


@cache
def languages() -> frozenset[str]:
    """The languages the installed Tesseract has models for (empty when there is no Tesseract)."""
    command = shutil.which("tesseract")
    if command is None:
        return frozenset()
    try:
        out = subprocess.run([command, "--list-langs"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def available() -> bool:
    return {"chi_sim", "eng"} <= languages()


class Deadline:
    """The time left of a file's limit, shared by every run on that file."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.seconds = seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def check(self) -> None:
        """Raise `timeout` when the time is up: called between the steps that run no program (preparing pages)."""
        if self.left() <= 0:
            raise ReadError(ErrorCode.timeout, seconds=f"{self.seconds:g}")


def read_images(
    images: list[Image.Image], lang: str, psm: int, deadline: Deadline, *, invert: bool = True
) -> list[Word]:
    """Every word Tesseract finds in each image, in one run. The images go to Tesseract on its standard input as the
    pages of one TIFF, held in memory (tiff_pages; no resolution: the crops have none to give): nothing of the
    report is written to disk (a cell's crop is a piece of it).
    `invert`: an unsure line is read again inverted (Tesseract's default)."""
    if not images:
        return []
    pages = tiff_pages([image if image.mode in ("1", "L", "RGB") else image.convert("RGB") for image in images])
    options = [] if invert else ["-c", "tessedit_do_invert=0"]
    args = ["tesseract", "stdin", "-", "-l", lang, "--psm", str(psm), *options, "tsv"]
    return _words(_run(args, None, deadline, pages))


@dataclass(frozen=True)
class Orientation:
    """Tesseract's orientation and script detection of a page: the clockwise turn (0, 90, 180, 270) that makes it
    upright, and how sure it is (Tesseract's own scale: above 2 is a clear call)."""

    turn: int
    confidence: float


def orientation(image: Image.Image, deadline: Deadline) -> Orientation | None:
    """Which way up a page stands, by Tesseract's `osd` model (shipped with Debian's tesseract-ocr), the image given on
    standard input; None when there is too little text to tell."""
    if "osd" not in languages():
        return None
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    try:
        out = _run(["tesseract", "stdin", "-", "--psm", "0", "-l", "osd"], None, deadline, buffer.getvalue())
    except ReadError as exc:
        if exc.code is ErrorCode.unreadable:  # "Too few characters": nothing to tell by
            return None
        raise
    fields = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    try:
        return Orientation(int(fields["Rotate"]) % 360, float(fields["Orientation confidence"]))
    except (KeyError, ValueError):
        return None


def _run(args: list[str], work: Path | None, deadline: Deadline, data: bytes | None = None) -> str:
    left = deadline.left()
    if left <= 0:
        raise ReadError(ErrorCode.timeout, seconds=f"{deadline.seconds:g}")
    try:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        code, out, err = run_group(args, left, cwd=work, env=env, data=data)
    except ReadError as exc:
        raise ReadError(ErrorCode.timeout, seconds=f"{deadline.seconds:g}") from exc
    if code != 0:
        detail = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit {code}"]
        raise ReadError(ErrorCode.unreadable, "error.ocr-failed", detail=detail[0][:200])
    return out.decode("utf-8", errors="replace")


def _words(tsv: str) -> list[Word]:
    words = []
    for row in csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE):
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        try:
            words.append(
                Word(
                    image=int(row["page_num"]) - 1,
                    left=int(row["left"]),
                    top=int(row["top"]),
                    width=int(row["width"]),
                    height=int(row["height"]),
                    line=(int(row["block_num"]), int(row["par_num"]), int(row["line_num"])),
                    text=text,
                    confidence=max(0.0, min(1.0, float(row["conf"]) / 100)),
                )
            )
        except (KeyError, ValueError):
            continue
    return words
