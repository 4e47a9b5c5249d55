"""Pillow's rank filters of a grey image, done as a few whole-image passes of numpy: the same pixels, in a fraction
of the time; and the runs of ink of every row at once (a ruling's, a cell's blots').

Pillow ranks each pixel's window by sorting it, pixel by pixel (its MinFilter and MedianFilter took 0.3–0.45 CPU s of
a black-and-white page's 2.5: a cell's print thickened, the specks taken out of a page's words). A window's darkest
pixel is the darkest of its rows' darkest, each row's found by one comparison with each neighbour per pass; a 3×3
window's median is the median of its columns' least, middle and greatest, each column sorted once for the three
windows it lies in. Pillow's windows reach past the edge onto the edge's own pixels, as these do
(tests/test_filters.py holds both to Pillow's on any image).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image


def darkest(image: Image.Image, size: int) -> Image.Image:
    """Each pixel the darkest of the `size` × `size` square around it (an odd size): Pillow's MinFilter."""
    import numpy as np

    return _ranked(image, size, np.minimum)


def lightest(image: Image.Image, size: int) -> Image.Image:
    """Each pixel the lightest of the `size` × `size` square around it (an odd size): Pillow's MaxFilter."""
    import numpy as np

    return _ranked(image, size, np.maximum)


def median3(image: Image.Image) -> Image.Image:
    """Each pixel the median of the 3 × 3 square around it: Pillow's MedianFilter(3)."""
    import numpy as np
    from PIL import Image as PILImage

    pixels = _grey(image)
    padded = np.pad(pixels, 1, mode="edge")
    above, middle, below = padded[:-2], padded[1:-1], padded[2:]
    low, high = np.minimum(above, middle), np.maximum(above, middle)
    least, greatest = np.minimum(low, below), np.maximum(high, below)
    mid = np.maximum(low, np.minimum(high, below))  # each column of three sorted: least, mid, greatest
    lower = np.maximum(np.maximum(least[:, :-2], least[:, 1:-1]), least[:, 2:])
    upper = np.minimum(np.minimum(greatest[:, :-2], greatest[:, 1:-1]), greatest[:, 2:])
    centre = _median_of_three(mid[:, :-2], mid[:, 1:-1], mid[:, 2:])
    return PILImage.fromarray(_median_of_three(lower, centre, upper), "L")


def row_runs(flags: Any) -> tuple[Any, Any, Any]:
    """The runs of true in each row of a two-dimensional boolean array, row by row and left to right, as three
    arrays: their rows, their first columns and the columns past their last. All rows at once, by where the value
    changes, each row padded with false either side so that no run goes on into the next."""
    import numpy as np

    height, width = flags.shape
    padded = np.zeros((height, width + 2), dtype=bool)
    padded[:, 1:-1] = flags
    flat = padded.ravel()
    changes = np.flatnonzero(flat[1:] != flat[:-1]) + 1
    starts, ends = changes[0::2], changes[1::2]
    rows = starts // (width + 2)
    left = starts - rows * (width + 2) - 1
    return rows, left, left + (ends - starts)


def _median_of_three(a: Any, b: Any, c: Any) -> Any:
    import numpy as np

    return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))


def _ranked(image: Image.Image, size: int, pick: Any) -> Image.Image:
    from PIL import Image as PILImage

    if size % 2 != 1:
        raise ValueError(f"a window of {size} pixels has no centre")
    pixels = _grey(image).copy()
    for _ in range(size // 2):  # each pass widens the window by a pixel each way, across then down
        for axis in (1, 0):
            before = pixels.copy()
            ahead = [slice(None), slice(None)]
            behind = [slice(None), slice(None)]
            ahead[axis], behind[axis] = slice(1, None), slice(None, -1)
            pick(pixels[tuple(ahead)], before[tuple(behind)], out=pixels[tuple(ahead)])
            pick(pixels[tuple(behind)], before[tuple(ahead)], out=pixels[tuple(behind)])
    return PILImage.fromarray(pixels, "L")


def _grey(image: Image.Image) -> Any:
    import numpy as np

    if image.mode != "L":
        raise ValueError(f"a grey image is filtered, not {image.mode}")
    return np.asarray(image)
