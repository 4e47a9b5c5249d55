"""What shapes a reading besides the readers' own code: the programs they run and the libraries that parse for them.

A report model kept in the results cache was read with these. Once Tesseract is upgraded, the line recogniser
installed (the `ocr` extra: words read by it rather than by Tesseract), LibreOffice installed or pdfminer updated, the
same file may read otherwise, so the fingerprint joins the cache's keys (nianbao.engine.batch.run) and a kept reading
made with other tools is not taken. Programs are told by their place, size and time (no program is run: a check of
one file starts in a blink); libraries by their installed version.
"""

from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import sys
from functools import cache

# The programs a reader may run: OCR, and the converter of .doc/.wps/.rtf/.odt documents.
PROGRAMS = ("tesseract", "soffice", "libreoffice")
# Tesseract's models, upgraded apart from the program (Debian's tesseract-ocr-chi-sim): where TESSDATA_PREFIX says,
# else where Debian and Homebrew put them.
MODELS = ("chi_sim", "eng", "osd")
MODEL_FOLDERS = ("/usr/share/tesseract-ocr/*/tessdata", "/usr/share/tessdata", "/usr/local/share/tessdata")
# The distributions that parse or draw what is read (PDF text and pages, HTML, Word, workbooks, scans and their words).
LIBRARIES = (
    "pdfminer.six", "pypdfium2", "lxml", "python-docx", "python-calamine", "opencc", "rapidfuzz", "pillow", "numpy",
    "onnxruntime", "rapidocr_onnxruntime",
)  # fmt: skip


@cache
def fingerprint() -> str:
    """One digest of the reading programs and libraries installed here (absent ones count as absent)."""
    parts = [f"{name}={_program(name)}" for name in PROGRAMS]
    parts += [f"{path}={_stamp(path)}" for path in _models()]
    installed = _installed()
    parts += [f"{name}=={installed.get(_normal(name), '-')}" for name in LIBRARIES]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _program(name: str) -> str:
    path = shutil.which(name)
    return "-" if path is None else f"{os.path.realpath(path)}:{_stamp(path)}"


def _stamp(path: str) -> str:
    try:
        found = os.stat(path)  # through a link to the file itself: an upgrade replaces it
    except OSError:
        return "-"
    return f"{found.st_size}:{found.st_mtime_ns}"


def _models() -> list[str]:
    prefix = os.environ.get("TESSDATA_PREFIX")
    folders = [prefix] if prefix else sorted(f for pattern in MODEL_FOLDERS for f in glob.glob(pattern))
    return [os.path.join(folder, f"{model}.traineddata") for folder in folders for model in MODELS]


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _installed() -> dict[str, str]:
    """Each distribution on the import path and its version, from the names of its `.dist-info` folders: one listing
    of each folder (importlib.metadata's lookups cost ten times as much, and a one-file check waits on them). The
    first found wins, as for imports."""
    found: dict[str, str] = {}
    for folder in sys.path:
        if not folder:  # the working folder (`python -m`): an office's folder of reports, no installed library
            continue
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for entry in names:
            if entry.endswith(".dist-info") and "-" in entry:
                name, _, version = entry[: -len(".dist-info")].partition("-")
                found.setdefault(_normal(name), version)
    return found
