"""A cell's ink cut into blots (nianbao.engine.readers.scan.speck._blots), by runs of ink, held to the plain
pixel-by-pixel flood fill it replaced on any image: the same blots, in the same order, with the same boxes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from nianbao.engine.readers.scan.speck import _blots


def _flood(data: bytes, width: int, height: int) -> list[tuple[frozenset[int], bool, int, int, int, int]]:
    """Each 8-connected blot of 0 bytes, by a flood fill from its first pixel, in the order of those pixels."""
    seen = bytearray(len(data))
    out = []
    for first in range(len(data)):
        if data[first] or seen[first]:
            continue
        seen[first] = 1
        stack, found = [first], []
        while stack:
            p = stack.pop()
            found.append(p)
            y, x = divmod(p, width)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    if 0 <= y + dy < height and 0 <= x + dx < width:
                        q = (y + dy) * width + x + dx
                        if not data[q] and not seen[q]:
                            seen[q] = 1
                            stack.append(q)
        xs, ys = [p % width for p in found], [p // width for p in found]
        edge = min(xs) == 0 or min(ys) == 0 or max(xs) == width - 1 or max(ys) == height - 1
        out.append((frozenset(found), edge, min(xs), max(xs), min(ys), max(ys)))
    return out


@st.composite
def _images(draw: st.DrawFn) -> tuple[bytes, int, int]:
    width, height = draw(st.integers(1, 40)), draw(st.integers(1, 30))
    ink = draw(st.floats(0.0, 1.0))  # from specks to solid ink
    cells = draw(st.lists(st.floats(0.0, 1.0), min_size=width * height, max_size=width * height))
    return bytes(0 if v < ink else 255 for v in cells), width, height


@settings(max_examples=300, deadline=None)
@given(_images())
def test_blots_by_runs_are_the_flood_fills_blots(image):
    data, width, height = image
    blots = _blots(bytearray(data), width, height)
    got = [(frozenset(b.pixels), b.edge, b.left, b.right, b.top, b.bottom) for b in blots]
    assert got == _flood(data, width, height)
    assert all(len(b.pixels) == len(set(b.pixels)) for b in blots)


def test_runs_touching_corner_to_corner_are_one_blot_and_a_gap_of_a_column_parts_them():
    # a diagonal stroke, one pixel a row; beside it a stroke a column clear of it
    width, height = 8, 4
    data = bytearray(b"\xff" * width * height)
    for row in range(height):
        data[row * width + row] = 0  # (0,0) (1,1) (2,2) (3,3): one blot, 8-connected
        data[row * width + 6] = 0  # column 6, rows 0-3: clear of the diagonal (column 3 at most)
    blots = _blots(data, width, height)
    assert [(b.left, b.right, b.top, b.bottom, len(b.pixels)) for b in blots] == [(0, 3, 0, 3, 4), (6, 6, 0, 3, 4)]


@st.composite
def _drawn(draw: st.DrawFn) -> tuple[bytes, int, int]:
    """Paper with rectangles of ink on it, some as wide as a seal's stroke, some as thin as print, and specks."""
    width, height = draw(st.integers(20, 60), label="width"), draw(st.integers(20, 50), label="height")
    data = bytearray(b"\xff" * width * height)
    for _ in range(draw(st.integers(0, 6))):
        x0, y0 = draw(st.integers(0, width - 1)), draw(st.integers(0, height - 1))
        x1, y1 = draw(st.integers(x0, min(width, x0 + 16))), draw(st.integers(y0, min(height, y0 + 16)))
        for y in range(y0, y1):
            data[y * width + x0 : y * width + x1] = b"\x00" * (x1 - x0)
    for p in draw(st.lists(st.integers(0, width * height - 1), max_size=40)):
        data[p] = 0 if data[p] else 255
    return bytes(data), width, height


@settings(max_examples=300, deadline=None)
@given(st.one_of(_images(), _drawn()), st.sampled_from([150, 200, 300]))
def test_a_blot_the_erosion_finds_solid_ink_in_passes_the_rows_test_first(image, dpi):
    """speck.glyphs erodes a crop (its seal's solid ink) only for a blot with `side` rows of `side` pixels of ink one
    under another: no other blot can hold solid ink, so the erosion it skips would have found none."""
    from nianbao.engine.readers.scan.settings import tuned
    from nianbao.engine.readers.scan.speck import _core, _may_be_solid, _reach
    from PIL import Image

    data, width, height = image
    side = 2 * _reach(tuned().speck.seal_stroke_mm, dpi) + 1
    solid = _core(Image.frombytes("L", (width, height), data), dpi).tobytes()
    for blot in _blots(bytearray(data), width, height):
        if not blot.edge and any(solid[p] == 0 for p in blot.pixels):
            assert _may_be_solid(blot, side)
