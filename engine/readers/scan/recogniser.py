"""PP-OCR's line models, run by ONNX Runtime in this process: PP-OCRv4's text-line recogniser, which reads a scan's
words (its prose and its tables' labels), and the direction classifier, which tells a line upright from upside down.

Why the recogniser and not Tesseract's Chinese model for the words: on the real reports' pages it reads the lines
with fewer mistakes (Tesseract's "纺" for 编, "$5500" for 5500, "21人个" for 21个) in about half the CPU time, and it
gives each character's place along its line (benchmarks/words.py). The models ship inside the
`rapidocr_onnxruntime` wheel (the `ocr` extra); only their files are read, the package is never imported (it would
bring OpenCV in). Nothing is downloaded.

Offline: ONNX Runtime's telemetry is switched off before it is imported (and the extras keep it under 1.29, which
brought it to Linux). One thread, no thread pool of ONNX Runtime's own: a batch already runs one worker per core,
and the time a file takes is then its own. Without the wheel (or on a Python it does not install on) `available()`
is false and the words are read by Tesseract as before (nianbao.engine.readers.scan.prose), the pages turned by its
orientation model; so they are when ONNX Runtime fails on a batch (`Failed`).
"""

from __future__ import annotations

import importlib.util
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nianbao.engine.readers.scan.folding import folded
from nianbao.engine.readers.scan.settings import tuned

if TYPE_CHECKING:
    from nianbao.engine.readers.scan.tesseract import Deadline
    from PIL import Image

MODEL = "ch_PP-OCRv4_rec_infer.onnx"
DIRECTION = "ch_ppocr_mobile_v2.0_cls_infer.onnx"  # PP-OCR's line direction classifier: upright or upside down
PACKAGE = "rapidocr_onnxruntime"
DIRECTION_SIZE = (48, 192)  # the classifier's input, height and width


class Failed(RuntimeError):
    """ONNX Runtime failed on a batch (an allocation refused under the file's memory limit, a damaged model): the
    words are read by Tesseract instead (nianbao.engine.readers.scan.prose), the page's turn by its orientation
    model."""


@dataclass(frozen=True)
class Line:
    """What one line image reads: each character with its centre along the image (its own pixels) and the
    model's confidence in it (0–1). Spaces are left out: a gap says as much."""

    text: str
    centres: tuple[float, ...]
    confidences: tuple[float, ...]


@cache
def _session(name: str, fold: bool = False) -> Any | None:
    """An ONNX Runtime session of one model file of the wheel (`fold`: rewritten by nianbao.engine.readers.scan.folding
    to the same arithmetic in fewer passes), or None when it is not installed."""
    # Nianbao runs offline: ONNX Runtime 1.29 and later would start a telemetry uploader (and write its session file
    # to the temporary folder) at import, unless told not to before it.
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    try:
        import onnxruntime
    except ImportError:
        return None
    spec = importlib.util.find_spec(PACKAGE)  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "models" / name
    if not path.is_file():
        return None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3  # its warnings about the model's shapes are no user's business
    try:
        model = folded(path.read_bytes()) if fold else str(path)
        return onnxruntime.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    except Exception:  # a broken install: the words are read by Tesseract instead
        return None


def _model() -> tuple[Any, tuple[str, ...]] | None:
    """The recogniser's session and its characters (index 0 is CTC's blank, the last a space), or None."""
    return _characters(tuned().lines.folded)


@cache
def _characters(fold: bool) -> tuple[Any, tuple[str, ...]] | None:
    session = _session(MODEL, fold)
    if session is None:
        return None
    listed = session.get_modelmeta().custom_metadata_map.get("character", "")
    return session, ("", *listed.splitlines(), " ")


def available() -> bool:
    """Whether the line recogniser reads the words: installed, and not set aside by the settings."""
    return tuned().lines.recogniser and _model() is not None


def read_lines(images: list[Image.Image], deadline: Deadline) -> list[Line]:
    """Each grey image of one line of text read, in order. Images of like widths go to the model together (one
    batch is padded to its widest, `_batches`), the deadline checked between batches; only a batch is held scaled."""
    import numpy as np

    model = _model()
    if model is None:
        raise RuntimeError("the recogniser is not installed")  # callers ask available() first
    session, characters = model
    s = tuned().lines
    widths = [_width(image, s.height, s.widest) for image in images]
    order = sorted(range(len(images)), key=lambda i: widths[i])
    out: list[Line | None] = [None] * len(images)
    for members in _batches(order, widths, s.batch_columns):
        deadline.check()
        widest = widths[members[-1]]
        batch = np.ones((len(members), 3, s.height, widest), dtype=np.float32)  # white: what normalises to 1
        for row, index in enumerate(members):
            batch[row, :, :, : widths[index]] = _scaled(images[index], s.height, widths[index])
        probabilities = _run(session, batch)
        step = widest / probabilities.shape[1]  # the image's pixels each output column stands for
        for row, index in enumerate(members):
            factor = widths[index] / max(1, images[index].size[0])
            out[index] = _decoded(probabilities[row], characters, step / factor)
    return [line if line is not None else Line("", (), ()) for line in out]


def _batches(order: list[int], widths: list[int], columns: int) -> list[list[int]]:
    """The lines, taken narrowest first (`order`), in batches of at most `columns` columns when padded to their
    widest: many table cells to a batch, a long line of prose alone (one at least)."""
    out: list[list[int]] = []
    for index in order:
        if out and widths[index] * (len(out[-1]) + 1) <= columns:
            out[-1].append(index)
        else:
            out.append([index])
    return out


def upside_down(images: list[Image.Image], deadline: Deadline) -> list[float] | None:
    """How likely each grey line image is to stand upside down (0–1), by PP-OCR's direction classifier: each line
    squeezed into its 48 by 192 window as the classifier was taught (a long line is squeezed, a short one padded).
    None when the classifier is not installed."""
    import numpy as np
    from PIL import Image as PILImage

    session = _session(DIRECTION) if available() else None
    if session is None or not images:
        return None
    deadline.check()
    height, width = DIRECTION_SIZE
    batch = np.zeros((len(images), 3, height, width), dtype=np.float32)  # padded with 0, the middle grey
    for row, image in enumerate(images):
        grey = image if image.mode == "L" else image.convert("L")
        wide = max(1, min(width, math.ceil(height * grey.size[0] / max(1, grey.size[1]))))
        pixels = np.asarray(grey.resize((wide, height), PILImage.Resampling.BILINEAR), dtype=np.float32)
        batch[row, :, :, :wide] = pixels / 127.5 - 1.0
    try:
        probabilities = _run(session, batch)
    except Failed:
        return None  # the orientation model is asked instead
    return [float(p[1]) for p in probabilities]  # its labels: 0°, 180°


def windows(image: Image.Image, most: int) -> list[Image.Image]:
    """Up to `most` pieces of a line image as wide as the direction classifier's window at the line's height (its
    shape, about four characters), spread evenly along it from its start to its end; a short line whole."""
    height, width = DIRECTION_SIZE
    wide, tall = image.size
    step = max(1, round(tall * width / height))
    count = max(1, min(most, wide // step))
    if count == 1:
        return [image.crop((0, 0, step, tall)) if wide > step else image]
    starts = [round(i * (wide - step) / (count - 1)) for i in range(count)]
    return [image.crop((x, 0, x + step, tall)) for x in starts]


def _run(session: Any, batch: Any) -> Any:
    """The model's first output for `batch`. MemoryError goes on as it is (the file's own limit)."""
    try:
        return session.run(None, {session.get_inputs()[0].name: batch})[0]
    except MemoryError:
        raise
    except Exception as exc:  # ONNX Runtime's own exceptions derive from Exception alone
        raise Failed(f"{type(exc).__name__}: {exc}") from exc


def _width(image: Image.Image, height: int, widest: int) -> int:
    """The line's width at the model's height, in proportion (at least half the height, at most `widest`)."""
    return max(height // 2, min(widest, round(image.size[0] * height / max(1, image.size[1]))))


def _scaled(image: Image.Image, height: int, width: int) -> Any:
    """The line at the model's height and `width`, normalised to -1..1."""
    import numpy as np
    from PIL import Image as PILImage

    grey = image if image.mode == "L" else image.convert("L")
    pixels = np.asarray(grey.resize((width, height), PILImage.Resampling.BILINEAR), dtype=np.float32)
    return pixels / 127.5 - 1.0


def _decoded(probabilities: Any, characters: tuple[str, ...], step: float) -> Line:
    """CTC's greedy reading: the likeliest character at each column, repeats and blanks dropped; a character's centre
    is the middle of the columns it held."""
    best = probabilities.argmax(1)
    sure = probabilities.max(1)
    text: list[str] = []
    centres: list[float] = []
    confidences: list[float] = []
    previous, run_start = 0, 0
    for column in range(len(best) + 1):
        index = int(best[column]) if column < len(best) else 0
        if index == previous and column < len(best):
            continue
        if previous != 0 and previous < len(characters) and characters[previous] != " ":
            text.append(characters[previous])
            centres.append((run_start + column) / 2 * step)
            confidences.append(float(sure[run_start:column].max()))
        previous, run_start = index, column
    return Line("".join(text), tuple(centres), tuple(confidences))
