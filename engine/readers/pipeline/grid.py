"""Rebuild table grids from ruling lines and character boxes (no layout analysis; see shared/pdf-reading.md).

Ruling segments are snapped and merged; segments that touch form a table; the table's distinct x and y
positions cut it into grid cells; neighbouring grid cells with no ruling between them are one merged cell.
Each character goes to the cell its centre falls in. A row of the result lists the cells that *start* in
that row band, left to right, which is exactly what an HTML <tr> or a DOCX <w:tr> gives.

Coordinates here are top-down (y grows downwards), in PDF points.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

from nianbao.engine.groups import Groups
from nianbao.engine.readers.pipeline.normalize import is_value_token

SNAP = 2.0  # borders drawn half a point apart (Word, WPS) are one border
# Borders drawn twice a little further apart, with nothing between them, are one border too: a browser prints a
# table without cellspacing="0" as cells each framed on its own, 1.5–3 pt apart. No row or column of a report's
# table is this narrow, so only an empty gap this narrow is taken for a doubled border.
DOUBLE = 5.0
MIN_SEGMENT = 3.0
THIN = 2.5  # a rectangle thinner than this is a line
# A report's biggest table has a few hundred cells; a grid of this many is a drawing (or an attack), not a table.
MAX_CELLS = 20_000
# Nor does a report page draw thousands of ruling lines; joining crossing lines costs their product, so a page past
# this is refused before any pairing is tried.
MAX_RULINGS = 4_000
# A table's rest at the top of a page can be a single row (table 四's figures, its header left on the page before; the
# last line of a figure wrapped in a cut row): one row of at least this many cells, mostly figures, is a table row.
MIN_ROW_COLUMNS = 3


class GridTooLarge(Exception):
    """A page whose rulings make a grid of more cells (or lines) than any report table has."""

    def __init__(self, count: int, lines: bool = False, limit: int | None = None) -> None:
        super().__init__(count)
        self.count = count
        self.lines = lines  # too many ruling lines, rather than cells
        self.limit = limit or (MAX_RULINGS if lines else MAX_CELLS)  # the limit passed


@dataclass(frozen=True)
class Char:
    x0: float
    top: float
    x1: float
    bottom: float
    text: str

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def size(self) -> float:
        return max(self.bottom - self.top, 1.0)


@dataclass(frozen=True)
class Segment:
    """A horizontal (at `pos` = y, from `start` to `end` in x) or vertical (pos = x, span in y) ruling."""

    horizontal: bool
    pos: float
    start: float
    end: float


@dataclass
class Grid:
    left: float
    top: float
    right: float
    bottom: float
    rows: list[list[str]] = field(default_factory=list)
    row_tops: list[float] = field(default_factory=list)
    boxes: list[list[tuple[float, float, float, float]]] = field(
        default_factory=list
    )  # each cell's x0, top, x1, bottom


def rect_segments(x0: float, top: float, x1: float, bottom: float) -> list[Segment]:
    """The rulings a rectangle stands for: itself when thin, else its four edges (cell borders, shading)."""
    w, h = x1 - x0, bottom - top
    if h <= THIN and w > h:
        return [Segment(True, (top + bottom) / 2, x0, x1)]
    if w <= THIN and h > w:
        return [Segment(False, (x0 + x1) / 2, top, bottom)]
    return [
        Segment(True, top, x0, x1),
        Segment(True, bottom, x0, x1),
        Segment(False, x0, top, bottom),
        Segment(False, x1, top, bottom),
    ]


def _merge(segments: list[Segment]) -> list[Segment]:
    """Snap segments on (nearly) one line together and join the ones that overlap or touch."""
    out: list[Segment] = []
    for horizontal in (True, False):
        kept = sorted(
            (s for s in segments if s.horizontal == horizontal and s.end - s.start >= MIN_SEGMENT),
            key=lambda s: s.pos,
        )
        clusters: list[list[Segment]] = []
        for seg in kept:
            if clusters and seg.pos - clusters[-1][-1].pos <= SNAP:
                clusters[-1].append(seg)
            else:
                clusters.append([seg])
        for cluster in clusters:
            pos = sum(s.pos for s in cluster) / len(cluster)
            cluster.sort(key=lambda s: s.start)
            start, end = cluster[0].start, cluster[0].end
            for seg in cluster[1:]:
                if seg.start <= end + SNAP:
                    end = max(end, seg.end)
                else:
                    out.append(Segment(horizontal, pos, start, end))
                    start, end = seg.start, seg.end
            out.append(Segment(horizontal, pos, start, end))
    return out


def _close_open_ends(segments: list[Segment]) -> list[Segment]:
    """A table cut by a page break loses the border on the cut side (browsers print the rest of a row at the top of
    the next page with its column lines but no top line): where three or more column lines start (or end) at one
    height and no line runs across there, the missing border is drawn in."""
    verticals = [s for s in segments if not s.horizontal]
    horizontals = [s for s in segments if s.horizontal]
    added: list[Segment] = []
    for edge in ("start", "end"):
        ends = sorted(verticals, key=lambda v: getattr(v, edge))
        group: list[Segment] = []
        for v in [*ends, None]:
            if v is not None and group and getattr(v, edge) - getattr(group[0], edge) <= SNAP:
                group.append(v)
                continue
            if len(group) >= 3:
                y = sum(getattr(g, edge) for g in group) / len(group)
                left, right = min(g.pos for g in group), max(g.pos for g in group)
                across = any(
                    abs(h.pos - y) <= SNAP and h.start <= left + SNAP and h.end >= right - SNAP for h in horizontals
                )
                if not across:
                    added.append(Segment(True, y, left, right))
            group = [v] if v is not None else []
    return _merge(segments + added) if added else segments


def _touch(h: Segment, v: Segment) -> bool:
    return h.start - SNAP <= v.pos <= h.end + SNAP and v.start - SNAP <= h.pos <= v.end + SNAP


def _tables(segments: list[Segment]) -> list[list[Segment]]:
    hs = [s for s in segments if s.horizontal]
    vs = sorted((s for s in segments if not s.horizontal), key=lambda s: s.pos)
    at = [v.pos for v in vs]
    union = Groups(len(hs) + len(vs))
    for i, h in enumerate(hs):
        # Only the verticals standing within the horizontal's span can touch it.
        for j in range(bisect_left(at, h.start - SNAP), bisect_right(at, h.end + SNAP)):
            if _touch(h, vs[j]):
                union.join(i, len(hs) + j)
    groups: dict[int, list[Segment]] = {}
    for i, seg in enumerate(hs + vs):
        groups.setdefault(union.find(i), []).append(seg)
    return [g for g in groups.values() if sum(s.horizontal for s in g) >= 2 and sum(not s.horizontal for s in g) >= 2]


def _positions(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _single(positions: list[float], segments: list[Segment]) -> tuple[list[float], list[Segment]]:
    """Doubled borders made one (DOUBLE): a grid line closer than that to the one before is dropped (no character
    fits between them; one whose box straddles the gap, a cell's text running into its border, is no column), and
    its segments moved onto the line kept."""
    if not positions:
        return positions, segments
    kept = [positions[0]]
    moved: dict[int, float] = {}  # index of a dropped position: how far its segments move
    for index, pos in enumerate(positions[1:], start=1):
        if pos - kept[-1] <= DOUBLE:
            moved[index] = kept[-1] - pos
        else:
            kept.append(pos)
    if not moved:
        return positions, segments
    out = []
    for seg in segments:
        i = bisect_left(positions, seg.pos)  # the nearest position: the one at or after it, or the one before
        if i == len(positions) or (i > 0 and seg.pos - positions[i - 1] < positions[i] - seg.pos):
            i -= 1
        out.append(Segment(seg.horizontal, seg.pos + moved[i], seg.start, seg.end) if i in moved else seg)
    return kept, out


Written = Callable[[tuple[float, float, float, float]], bool]


def _without_empty_ends(ys: list[float], xs: list[float], chars: list[Char], written: Written | None) -> list[float]:
    """The table's row lines without an empty band at its top or bottom. A table cut by a page break leaves one: the
    cells merged down over several rows (三、本年度办理结果, （四）无法提供) and the outer border run on past the last
    row's bottom line to the cut, where `_close_open_ends` closes them. The sliver between that line and the cut has no
    column lines, so as a row it would join every cell beside it into one, the merged label with it: one cell over
    the last rows, their figures read into it. A band that holds no character (or, where the characters are not
    read yet, in which `written` sees nothing) carries nothing to read."""
    if len(xs) < 2 or not (chars or written):
        return ys
    centres = sorted(ch.cy for ch in chars if xs[0] <= ch.cx <= xs[-1]) if written is None else []

    def empty(top: float, bottom: float) -> bool:
        if written is not None:
            return not written((xs[0], top, xs[-1], bottom))
        i = bisect_left(centres, top)
        return i == len(centres) or centres[i] > bottom

    first, last = 0, len(ys) - 1
    while last - first > 1 and empty(ys[last - 1], ys[last]):
        last -= 1
    while last - first > 1 and empty(ys[first], ys[first + 1]):
        first += 1
    return ys[first : last + 1]


def _rectangles(union: Groups, nr: int, nc: int) -> list[int]:
    """Each grid cell's merged cell, named by its top-left grid cell. A merged cell is a rectangle; grid cells joined
    into another shape (an L) tell of a border lost (a light line a scan did not keep): read as one, the shape's box
    would cover the cells in its bend, a scan's crop of it reading their text too. Such a shape is cut into
    rectangles, each from its first grid cell down as far as the shape goes, then right as far as every row of it
    does."""
    owner = [union.find(i) for i in range(nr * nc)]
    members: dict[int, list[int]] = {}
    for i, root in enumerate(owner):
        members.setdefault(root, []).append(i)
    for cells in members.values():
        rows = {i // nc for i in cells}
        columns = {i % nc for i in cells}
        if len(cells) == len(rows) * len(columns):
            continue
        left = set(cells)
        while left:
            first = min(left)
            r, c = divmod(first, nc)
            bottom = r
            while (bottom + 1) * nc + c in left:
                bottom += 1
            right = c
            while right + 1 < nc and all(k * nc + right + 1 in left for k in range(r, bottom + 1)):
                right += 1
            for k in range(r, bottom + 1):
                for j in range(c, right + 1):
                    owner[k * nc + j] = first
                    left.discard(k * nc + j)
    return owner


def _by_line(segments: list[Segment], positions: list[float]) -> list[list[Segment]]:
    """The segments on each grid line (`positions` from `_positions`): looking one line up is then constant."""
    lines: list[list[Segment]] = [[] for _ in positions]
    for seg in segments:
        i = bisect_right(positions, seg.pos + SNAP) - 1
        for k in (i - 1, i):
            if 0 <= k < len(positions) and abs(positions[k] - seg.pos) <= SNAP:
                lines[k].append(seg)
    return lines


def _covered(segments: list[Segment], at: float) -> bool:
    return any(s.start - SNAP <= at <= s.end + SNAP for s in segments)


def cell_text(chars: list[Char]) -> str:
    """Characters of one cell: lines top to bottom, left to right, a space where a gap is wide."""
    if not chars:
        return ""
    lines: list[list[Char]] = []
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if lines and abs(lines[-1][0].cy - ch.cy) <= lines[-1][0].size * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return "\n".join(join_line(line) for line in lines)


def join_line(chars: list[Char]) -> str:
    chars = sorted(chars, key=lambda c: c.x0)
    out = [chars[0].text]
    for prev, ch in pairwise(chars):
        out.append((" " if ch.x0 - prev.x1 > max(prev.size, ch.size) * 0.4 else "") + ch.text)
    return "".join(out)


def _inside(seg: Segment, boxes: list[tuple[float, float, float, float]]) -> bool:
    if seg.horizontal:
        x0, x1, y0, y1 = seg.start, seg.end, seg.pos, seg.pos
    else:
        x0, x1, y0, y1 = seg.pos, seg.pos, seg.start, seg.end
    return any(
        left - SNAP <= x0 and x1 <= right + SNAP and top - SNAP <= y0 and y1 <= bottom + SNAP
        for left, top, right, bottom in boxes
    )


def _figures_row(texts: list[str]) -> bool:
    """Whether a one-row grid is a table's row: it holds figures, and no more cells of words than of figures."""
    filled = [t for t in texts if t.strip()]
    figures = sum(is_value_token(t.replace("\n", "")) for t in filled)
    return figures > 0 and figures >= len(filled) - figures


def build_grids(
    rulings: list[Segment], shading: list[Segment], chars: list[Char], written: Written | None = None
) -> tuple[list[Grid], list[Char]]:
    """The page's tables, and the characters left outside them (the prose). `written` tells whether anything is
    written in a box when the characters are not known yet (a scan's cells are found before they are read).

    `rulings` are drawn lines; `shading` the edges of filled, unstroked rectangles. Word and WPS shade
    cells and paragraphs alike, so shading edges only complete a table the rulings found (a border
    drawn as the gap between two shaded cells), never make one of their own."""
    merged = _merge(rulings)
    if len(merged) > MAX_RULINGS:
        raise GridTooLarge(len(merged), lines=True)
    merged = _close_open_ends(merged)
    if len(merged) > MAX_RULINGS:
        raise GridTooLarge(len(merged), lines=True)
    found = _tables(merged)
    boxes = [
        (
            min(s.start if s.horizontal else s.pos for s in t),
            min(s.pos if s.horizontal else s.start for s in t),
            max(s.end if s.horizontal else s.pos for s in t),
            max(s.pos if s.horizontal else s.end for s in t),
        )
        for t in found
    ]
    extra = [s for s in shading if _inside(s, boxes)]
    tables = _tables(_merge(rulings + extra)) if extra else found
    grids: list[Grid] = []
    taken: set[int] = set()
    for table in tables:
        hs = [s for s in table if s.horizontal]
        vs = [s for s in table if not s.horizontal]
        ys, xs = _positions([s.pos for s in hs]), _positions([s.pos for s in vs])
        if (len(ys) - 1) * (len(xs) - 1) > MAX_CELLS:  # as drawn: a lattice of lines is refused, not thinned out
            raise GridTooLarge((len(ys) - 1) * (len(xs) - 1))
        ys, hs = _single(ys, hs)
        xs, vs = _single(xs, vs)
        ys = _without_empty_ends(ys, xs, chars, written)
        if len(xs) < 3 or len(ys) < 2 or (len(ys) < 3 and len(xs) < MIN_ROW_COLUMNS + 1):
            continue  # one column, or one row of few cells: a framed or shaded paragraph, not a table
        nr, nc = len(ys) - 1, len(xs) - 1
        if nr * nc > MAX_CELLS:
            raise GridTooLarge(nr * nc)
        h_lines, v_lines = _by_line(hs, ys), _by_line(vs, xs)
        union = Groups(nr * nc)
        for r in range(nr):
            mid_y = (ys[r] + ys[r + 1]) / 2
            for c in range(nc):
                if c + 1 < nc and not _covered(v_lines[c + 1], mid_y):
                    union.join(r * nc + c, r * nc + c + 1)
                if r + 1 < nr and not _covered(h_lines[r + 1], (xs[c] + xs[c + 1]) / 2):
                    union.join(r * nc + c, (r + 1) * nc + c)
        owner = _rectangles(union, nr, nc)
        content: dict[int, list[Char]] = {}
        inside: list[int] = []
        for i, ch in enumerate(chars):
            if xs[0] <= ch.cx <= xs[-1] and ys[0] <= ch.cy <= ys[-1]:
                r = min(bisect_right(ys, ch.cy) - 1, nr - 1)
                c = min(bisect_right(xs, ch.cx) - 1, nc - 1)
                content.setdefault(owner[r * nc + c], []).append(ch)
                inside.append(i)
        if nr == 1 and not _figures_row([cell_text(cs) for cs in content.values()]):
            continue  # one row of words: a framed line (a navigation bar, a boxed note), read as text
        taken.update(inside)
        grid = Grid(xs[0], ys[0], xs[-1], ys[-1])
        spans: dict[int, list[float]] = {}  # a merged cell's extent: left, top, right, bottom
        for r in range(nr):
            for c in range(nc):
                box = spans.setdefault(owner[r * nc + c], [xs[c], ys[r], xs[c + 1], ys[r + 1]])
                box[2], box[3] = max(box[2], xs[c + 1]), max(box[3], ys[r + 1])
        for r in range(nr):
            starts = [r * nc + c for c in range(nc) if owner[r * nc + c] == r * nc + c]
            if starts:
                grid.rows.append([cell_text(content.get(cell, [])) for cell in starts])
                grid.row_tops.append(ys[r])
                grid.boxes.append([tuple(spans[cell]) for cell in starts])
        grids.append(grid)
    return grids, [ch for i, ch in enumerate(chars) if i not in taken]
