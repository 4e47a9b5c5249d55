"""The page of a phone photo cut from its surround with its perspective undone: a dark desk (the largest bright
region, its four extreme points) or a pale one (each side's step from surround up to paper, along the middle rows
and columns, fitted with a straight line). A scan, whose margins are white, and a picture of a table, which starts on
its own paper or ruling, are left as they are. On a thumbnail; the full image is touched once, to warp it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.settings import GeometrySettings, SurroundSettings, tuned

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class Found:
    """A page cut from its surround: the page image and its resolution taken from its width as A4."""

    image: Image.Image
    dpi: float


def found_page(
    grey: Image.Image, settings: GeometrySettings | None = None, colour: Image.Image | None = None
) -> Found | None:
    """The page photographed on a surround, cut out of `grey` with its perspective undone; None when no surround is
    found around it (a scan's margins are white, a picture of a table starts on its paper or its ruling). Looked for
    in `grey`, then in the darkest of `colour`'s channels when there is one: paper is white in each, and a desk of
    any colour is dark in one (a pink desk is as light as paper in red, the channel `grey` keeps of a colour page to
    drop its seal; in a JPEG the other channels are drawn at half size, so red places the edges better)."""
    settings = settings or tuned().geometry
    found = _found_corners(grey, settings)
    if found is None and colour is not None and colour.mode == "RGB" and colour.size == grey.size:
        from PIL import ImageChops

        small = colour.copy()  # made small first: a colour scan with white margins comes here on every page
        small.thumbnail((settings.search_side, settings.search_side))
        red, green, blue = small.split()
        found = _found_corners(ImageChops.darker(ImageChops.darker(red, green), blue), settings)
    if found is None:
        return None
    corners, (w, h) = found
    scale_x, scale_y = grey.size[0] / w, grey.size[1] / h
    quad = [(x * scale_x, y * scale_y) for x, y in corners]
    width = round((_distance(quad[0], quad[1]) + _distance(quad[3], quad[2])) / 2)
    height = round((_distance(quad[0], quad[3]) + _distance(quad[1], quad[2])) / 2)
    if width < 100 or height < 100:
        return None
    from PIL import Image as PILImage

    page = grey.transform(
        (width, height), PILImage.Transform.PERSPECTIVE, _coefficients(quad, width, height), PILImage.Resampling.BICUBIC
    )
    return Found(page, min(width, height) / settings.a4_width_in)


def _found_corners(
    image: Image.Image, settings: GeometrySettings
) -> tuple[list[tuple[float, float]], tuple[int, int]] | None:
    """The page's corners on a thumbnail of `image`, and the thumbnail's size. Each side's edge where it steps up
    to paper is the surer (a line fitted through it); on a desk as dark as print no line steps up from it, and the
    page is the largest bright region."""
    small = image.copy()
    small.thumbnail((settings.search_side, settings.search_side))
    w, h = small.size
    data = small.tobytes()
    corners = _light_corners(data, w, h, settings)
    if corners is None:
        band_x, band_y = max(1, int(w * settings.edge_band)), max(1, int(h * settings.edge_band))
        edge = [
            data[y * w + x]
            for y in range(h)
            for x in range(w)
            if x < band_x or x >= w - band_x or y < band_y or y >= h - band_y
        ]
        if sum(v < settings.dark for v in edge) >= len(edge) * settings.surround_share:
            corners = _corners(data, w, h, settings)
    return None if corners is None else (corners, (w, h))


def _corners(data: bytes, w: int, h: int, settings: GeometrySettings) -> list[tuple[float, float]] | None:
    """The four corners (top left, top right, bottom right, bottom left) of the largest bright region."""
    bright = bytearray(1 if v >= settings.dark else 0 for v in data)
    seen = bytearray(len(bright))
    best: list[int] = []
    for start in range(len(bright)):
        if not bright[start] or seen[start]:
            continue
        region, queue = [], deque([start])
        seen[start] = 1
        while queue:
            i = queue.popleft()
            region.append(i)
            x, y = i % w, i // w
            for j, ok in ((i - 1, x > 0), (i + 1, x < w - 1), (i - w, y > 0), (i + w, y < h - 1)):
                if ok and bright[j] and not seen[j]:
                    seen[j] = 1
                    queue.append(j)
        if len(region) > len(best):
            best = region
    if len(best) < w * h * settings.min_page_share:
        return None
    points = [(i % w + 0.5, i // w + 0.5) for i in best]
    return [
        min(points, key=lambda p: p[0] + p[1]),
        max(points, key=lambda p: p[0] - p[1]),
        max(points, key=lambda p: p[0] + p[1]),
        max(points, key=lambda p: p[1] - p[0]),
    ]


def _light_corners(data: bytes, w: int, h: int, settings: GeometrySettings) -> list[tuple[float, float]] | None:
    """The corners of a page on a surround lighter than print and darker than paper (a pale desk, a grey cloth):
    where each side's edge points (_side) lie on a straight line, the corners where those lines cross. A side that
    shows no edge ends the search (a scan's white margin shows none: its columns are never built)."""
    s = settings.surround
    rows = [data[y * w : (y + 1) * w] for y in range(h)]
    left = _side(rows, s, w)
    right = _side([r[::-1] for r in rows], s, w) if left else None
    if left is None or right is None:
        return None
    columns = [bytes(data[y * w + x] for y in range(h)) for x in range(w)]
    top = _side(columns, s, h)
    bottom = _side([c[::-1] for c in columns], s, h) if top else None
    if top is None or bottom is None:
        return None
    # each side as x = a·y + b (left, right) or y = a·x + b (top, bottom), in the thumbnail's pixels
    right, bottom = (-right[0], w - right[1]), (-bottom[0], h - bottom[1])

    def cross(upright: tuple[float, float], level: tuple[float, float]) -> tuple[float, float]:
        (a, b), (c, d) = upright, level  # x = a·y + b, y = c·x + d
        y = (c * b + d) / (1 - a * c)
        return a * y + b, y

    corners = [cross(left, top), cross(right, top), cross(right, bottom), cross(left, bottom)]
    width = (_distance(corners[0], corners[1]) + _distance(corners[3], corners[2])) / 2
    height = (_distance(corners[0], corners[3]) + _distance(corners[1], corners[2])) / 2
    if width * height < w * h * settings.min_page_share:
        return None
    return corners


def _side(lines: list[bytes], s: SurroundSettings, length: int) -> tuple[float, float] | None:
    """One side of the page, seen along `lines` (rows or columns, each read from the frame's edge inward): the
    straight line (position = a·index + b) through the edge points of its middle lines, once the points off it are
    left out; None when too few lines show an edge, or they do not lie on one line."""
    first, last = (round(len(lines) * share) for share in s.middle)
    enough = max(s.least, (last - first) * s.found)
    points = [(i, x) for i in range(first, last) if (x := _edge(lines[i], s, length)) is not None]
    if len(points) < enough:
        return None
    fit = _fitted(points)
    kept = [(i, x) for i, x in points if abs(x - (fit[0] * i + fit[1])) <= s.fit]
    if len(kept) < enough:
        return None
    a, b = _fitted(kept)
    return (a, b) if abs(a) <= s.slope else None


def _edge(line: bytes, s: SurroundSettings, length: int) -> float | None:
    """Where a line read from the frame's edge first steps up from surround to paper: a rise of `step` grey levels
    over `reach` pixels, at least `margin` in, with nothing as dark as print before it and no step down (a line
    that starts on paper falls at the first print it meets, and has no edge)."""
    reach = s.reach
    for x in range(reach, length // 2):
        if line[x - reach] < s.darkest:
            return None
        change = line[x] - line[x - reach]
        if change <= -s.step:
            return None
        if change >= s.step:
            return _crossing(line, x - reach, x + reach) if x >= length * s.margin else None
    return None


def _crossing(line: bytes, start: int, end: int) -> float:
    """Where `line` crosses halfway from its level at `start` to its highest by `end`, between pixel centres: the
    edge of a ramp two or three pixels wide, to a tenth of a pixel (the first rise is its foot, a pixel outside)."""
    low, high = line[start], max(line[start : end + 1])
    half = (low + high) / 2
    for j in range(start + 1, end + 1):
        if line[j] >= half:
            return j - 0.5 + (half - line[j - 1]) / max(line[j] - line[j - 1], 1)
    return end + 0.5


def _fitted(points: list[tuple[int, float]]) -> tuple[float, float]:
    """The least-squares line position = a·index + b through `points`."""
    n = len(points)
    mean_i = sum(i for i, _ in points) / n
    mean_x = sum(x for _, x in points) / n
    spread = sum((i - mean_i) ** 2 for i, _ in points)
    a = sum((i - mean_i) * (x - mean_x) for i, x in points) / spread if spread else 0.0
    return a, mean_x - a * mean_i


def _distance(a: tuple[float, float], b: tuple[float, float]) -> float:
    return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5


def _coefficients(
    quad: list[tuple[float, float]], width: int, height: int, target: list[tuple[float, float]] | None = None
) -> tuple[float, ...]:
    """PIL's perspective coefficients taking the output rectangle's corners (or `target`'s) to the quadrilateral's:
    eight linear equations, solved by Gaussian elimination."""
    target = target or [(0, 0), (width, 0), (width, height), (0, height)]
    rows: list[list[float]] = []
    for (x, y), (u, v) in zip(target, quad, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    n = 8
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        for r in range(n):
            if r != col and rows[col][col]:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return tuple(rows[i][n] / rows[i][i] for i in range(n))
