"""Map table rows read from any format onto the template keys of report-model.md.

Readers differ in how they find a row (a text line run, a PDF grid row, an HTML <tr>), but once they hold a label
and its values, the mapping is the same, so it lives here: which template row each row is comes from
nianbao.engine.readers.pipeline.placement (signatures, then label likeness and order); here each row's values are laid
onto the template's columns, and what cannot be is said (notes, `unplaced`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nianbao.engine.model import Anchor, Cell, Table
from nianbao.engine.notes import note
from nianbao.engine.readers.pipeline.normalize import count_with_unit, label_key, money_with_unit
from nianbao.engine.readers.pipeline.placement import (
    Placed,
    PlacedBy,
    placed_rows,
)
from nianbao.engine.readers.pipeline.raw import RawRow, under_columns
from nianbao.engine.template import (
    APPLICATION_COLUMNS,
    MONEY_CELLS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    REVIEW_WIDTH,
    Template,
    row_label,
)


@dataclass
class BuiltTable:
    table: Table = field(default_factory=dict)
    anchors: dict[str, Anchor] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    units: dict[str, str] = field(default_factory=dict)  # "<table>.<row>.<column>": the unit a cell printed
    cells: dict[str, Anchor] = field(default_factory=dict)  # "<table>:<row>:<column>": where a cell was read
    # "<table>" or "<table>.<row>": a table or template row found but not laid onto the template's columns, with how
    # many values were read of it
    unplaced: dict[str, int] = field(default_factory=dict)
    # "<table>.<row>": a row placed by its label's likeness to the template's or by its position, not by a
    # signature: the label as printed and how it was placed
    guessed: dict[str, tuple[str, PlacedBy]] = field(default_factory=dict)

    def place(self, table: str, row: str, columns: list[str], anchors: list[Anchor | None]) -> None:
        """Record where each of a row's cells was read (only the cells a reader placed)."""
        for column, anchor in zip(columns, anchors, strict=False):
            if anchor is not None:
                self.cells[f"{table}:{row}:{column}"] = anchor


# Words only one template prints in its table headers and labels.
TEMPLATE_MARKERS: dict[Template, tuple[str, ...]] = {
    Template.T2021: (
        "本年制发",
        "本年废止",
        "现行有效",
        "本年处理决定",
        "收费金额",
        "逾期不补正",
        "收费通知",
    ),
    Template.T2019: (
        "本年新制作",
        "本年新公开",
        "对外公开总数",
        "上一年项目数量",
        "集中采购",
        "采购总金额",
        "其他对外管理服务",
    ),
}


def decide_template(table_text: str) -> tuple[Template | None, list[str]]:
    """Which template the tables follow, from the words of their headers and labels."""
    text = label_key(table_text)
    counts = {t: sum(marker in text for marker in markers) for t, markers in TEMPLATE_MARKERS.items()}
    notes: list[str] = []
    if counts[Template.T2021] and counts[Template.T2019]:
        notes.append(note("note.templates-mixed", new=counts[Template.T2021], old=counts[Template.T2019]))
    if counts[Template.T2021] > counts[Template.T2019]:
        return Template.T2021, notes
    if counts[Template.T2019] > counts[Template.T2021]:
        return Template.T2019, notes
    return None, notes


def _span(values: list[Cell], width: int) -> slice:
    """Blank cells before a row's figures (a label cell split in two by a stray border) or after them (a
    converted table's trailing empty column) are not values: the slice of those that are."""
    start, end = 0, len(values)
    while end - start > width and values[start] is None:
        start += 1
    while end - start > width and values[end - 1] is None:
        end -= 1
    return slice(start, end)


def _fit(values: list[Cell], width: int) -> list[Cell]:
    return values[_span(values, width)]


def _places(row: RawRow, span: slice) -> list[Anchor | None]:
    return row.cell_anchors[span] if len(row.cell_anchors) == len(row.values) else []


def _without_header_figures(rows: list[RawRow], width: int, out: BuiltTable) -> list[RawRow]:
    """Table 三's header rows hold no figures. Before its first row of figures, a row of several header words and at
    most HEADER_FIGURES "figures" is a header cell misread (总计 read as "1" in a black-and-white scan): kept as a
    row, it would take the first row's place. Its figures are dropped, and said."""
    first = next((n for n, row in enumerate(rows) if len(row.values) >= width - 1), None)
    if first is None:
        return rows
    kept = list(rows)
    for n, row in enumerate(rows[:first]):
        if 0 < len(row.values) <= HEADER_FIGURES and len(row.label.split()) >= 2:
            out.notes.append(note("note.header-figures", table="表三", label=_short(row.label), count=len(row.values)))
            kept[n] = RawRow(row.label, [], row.anchor, [])
    return kept


# A header row may hold a misread figure or two; a row of the table holds its seven.
HEADER_FIGURES = 2
# A label cell split by a stray line gives one figure too many, two at most: more is another row's figures.
MAX_STRAYS = 2


def _boxes(places: list[Anchor | None]) -> list[tuple[float, float, float, float]] | None:
    boxes = [p.box for p in places if p is not None and p.box is not None]
    return boxes if len(boxes) == len(places) else None


def _figure_columns(rows: list[RawRow], width: int) -> list[float]:
    """Where the table's figure columns stand (each column's middle, as a share of the page's width), from the rows
    whose figures fill exactly the template's columns and whose cells' places are known; empty when none are."""
    middles: list[list[float]] = [[] for _ in range(width)]
    for row in rows:
        span = _span(row.values, width)
        boxes = _boxes(_places(row, span))
        if len(row.values[span]) != width or boxes is None or len(boxes) != width:
            continue
        for column, box in enumerate(boxes):
            middles[column].append((box[0] + box[2]) / 2)
    if not all(middles):
        return []
    return [sorted(m)[len(m) // 2] for m in middles]


def _under_columns(places: list[Anchor | None], grid: list[float]) -> list[int] | None:
    """The index of the one cell standing under each figure column, when the rest (at most MAX_STRAYS) stand left of
    the first figure column (raw.under_columns' strays), left out rather than shifting the others. None otherwise (a
    row of another table, fifteen figures of table 四 run into table 三, is no row of table 三 with a stray)."""
    boxes = _boxes(places)
    if boxes is None or not len(grid) < len(boxes) <= len(grid) + MAX_STRAYS:
        return None
    chosen = under_columns(boxes, grid, strays=True)
    return None if chosen is None or None in chosen else [i for i in chosen if i is not None]


def _laid_under(places: list[Anchor | None], grid: list[float]) -> list[int | None] | None:
    """For a row short of figures (a cell a scan lost: its border faded, the cell above ran down over it): the index
    of the cell standing under each figure column, None where none does (raw.under_columns)."""
    boxes = _boxes(places)
    return under_columns(boxes, grid) if boxes is not None and len(boxes) < len(grid) else None


def _extra_key(label: str) -> str:
    """The key of a row the template lacks: its label as printed, without whitespace."""
    return "extra." + re.sub(r"\s+", "", label).replace(":", "：")  # ":" separates a cell key's parts


def _short(label: str) -> str:
    text = label_key(label)
    return text if len(text) <= 24 else text[:12] + "…" + text[-10:]


def _guess_note(out: BuiltTable, table: str, row: RawRow, placed: Placed) -> None:
    name = "表三" if table == "applications" else "表二"
    label, meant = _short(row.label) or "（无标签）", row_label(table, placed.key or "")
    key = {PlacedBy.similarity: "note.row-similar", PlacedBy.merged: "note.row-merged"}.get(placed.by)
    out.notes.append(note(key or "note.row-by-place", table=name, label=label, meant=meant))
    words = row.label.split()
    # its own words, not the header's; all of them where it holds several rows' labels
    if placed.by is PlacedBy.merged:
        printed = " ".join(words)
    else:
        printed = words[-1] if words and len(label_key(words[-1])) >= 2 else row.label
    out.guessed[f"{table}.{placed.key}"] = (printed.strip(), placed.by)


def build_applications(rows: list[RawRow], by_order: bool = False) -> BuiltTable:
    """Table 三 from its rows. `by_order`: a row whose label matches no template row is placed by where it stands
    when that leaves one choice (labels read by OCR)."""
    out = BuiltTable()
    width = len(APPLICATION_COLUMNS)
    columns = [c.key for c in APPLICATION_COLUMNS]
    grid = _figure_columns(rows, width)
    rows = _without_header_figures(rows, width, out)
    for row, placed in zip(rows, placed_rows(rows, "applications", by_order), strict=True):
        if not row.values:
            continue
        key = placed.key
        if placed.guessed and key not in out.table:
            _guess_note(out, "applications", row, placed)
        if key is None and all(v is None for v in row.values):
            continue  # a header or spacer row with empty cells
        if key is None:
            if not label_key(row.label):
                out.notes.append(note("note.row-unlabelled", table="表三", count=len(row.values)))
                continue
            key = _extra_key(row.label)
        if key in out.table:
            out.notes.append(note("note.row-repeated", table="表三", label=_short(row.label)))
            continue
        span = _span(row.values, width)
        values, places = row.values[span], _places(row, span)
        if len(values) > width and grid and (under := _under_columns(places, grid)) is not None:
            out.notes.append(
                note(
                    "note.row-stray-values",
                    table="表三",
                    label=_short(row.label),
                    count=len(values),
                    stray=len(values) - width,
                )
            )
            values, places = [values[i] for i in under], [places[i] for i in under]
        if 0 < len(values) < width and grid and (laid := _laid_under(places, grid)) is not None:
            blank = width - len(values)
            label = _short(row.label)
            out.notes.append(
                note("note.row-short-placed", table="表三", label=label, count=len(values), width=width, blank=blank)
            )
            values = [values[i] if i is not None else None for i in laid]
            places = [places[i] if i is not None else None for i in laid]
        if len(values) != width:
            if len(values) > width and len(values) % width == 0:
                out.notes.append(
                    note("note.row-extra-values", table="表三", label=_short(row.label), count=len(values), width=width)
                )
                values, places = values[:width], places[:width]
            else:
                out.notes.append(
                    note("note.row-wrong-count", table="表三", label=_short(row.label), count=len(values), width=width)
                )
                if not key.startswith("extra."):
                    out.unplaced.setdefault(f"applications.{key}", len(values))
                continue
        out.table[key] = dict(zip(columns, values, strict=True))
        out.place("applications", key, columns, places)
        if row.anchor:
            out.anchors[f"applications.{key}"] = row.anchor
    # In the 2021 template （六）其他处理 spans three rows; standing alone with values it is a subtotal.
    if "other" in out.table and any(k.startswith("other.") for k in out.table):
        out.table["other_subtotal"] = out.table.pop("other")
        if "applications.other" in out.anchors:
            out.anchors["applications.other_subtotal"] = out.anchors.pop("applications.other")
        for column in columns:
            if f"applications:other:{column}" in out.cells:
                out.cells[f"applications:other_subtotal:{column}"] = out.cells.pop(f"applications:other:{column}")
    return out


def build_review(
    values: list[Cell], anchor: Anchor | None = None, places: list[Anchor | None] | None = None, ocr: bool = False
) -> BuiltTable:
    """Table 四 is one row of 15 values: three groups of five columns. Read by OCR (`ocr`) with more figures than
    that, which is the stray one is not known (a seal's mark read as a figure shifts every figure after it): the
    table is unplaced rather than laid on the template shifted."""
    out = BuiltTable()
    width = REVIEW_WIDTH
    if len(values) < width:
        out.notes.append(note("note.review-short", count=len(values), width=width))
        out.unplaced["review_litigation"] = len(values)
        return out
    places = places if places and len(places) == len(values) else [None] * len(values)
    if len(values) > width and sum(v is None for v in values) == len(values) - width:
        # a cell split by a stray line (a seal's ring in a scan, a converter's empty cell) leaves a blank fragment:
        # when the blanks are exactly the cells too many, they go (with more blanks, which ones is not known)
        out.notes.append(note("note.review-split", count=len(values), blank=len(values) - width))
        keep = [i for i, v in enumerate(values) if v is not None]
        values, places = [values[i] for i in keep], [places[i] for i in keep]
    if len(values) > width and ocr:
        count = len(values)
        out.notes.append(note("note.review-scan-extra", count=count, width=width))
        out.unplaced["review_litigation"] = count
        return out
    if len(values) > width:
        out.notes.append(note("note.review-extra", count=len(values), width=width))
    it = iter(values[:width])
    where = iter(places)
    columns = [col.key for col in REVIEW_COLUMNS]
    for group in REVIEW_GROUPS:
        out.table[group.key] = {col.key: next(it) for col in REVIEW_COLUMNS}
        out.place("review_litigation", group.key, columns, [next(where) for _ in columns])
        if anchor:
            out.anchors[f"review_litigation.{group.key}"] = anchor
    return out


def build_proactive(rows: list[RawRow], template: Template | None, by_order: bool = False) -> BuiltTable:
    out = BuiltTable()
    layouts = {t: {r.key: r for r in PROACTIVE_ROWS[t]} for t in Template}
    preferred = [template] if template else []
    order = preferred + [t for t in Template if t not in preferred]
    for row, placed in zip(rows, placed_rows(rows, "proactive", by_order), strict=True):
        if not row.values:
            continue
        key = placed.key
        if placed.guessed and key not in out.table:
            _guess_note(out, "proactive", row, placed)
        if key is None and all(v is None for v in row.values):
            continue
        if key is None:
            key = _extra_key(row.label) if label_key(row.label) else None
        if key is None:
            out.notes.append(note("note.row-unlabelled", table="表二", count=len(row.values)))
            continue
        if key in out.table:
            out.notes.append(note("note.row-repeated", table="表二", label=_short(row.label)))
            continue
        layout = next(
            (
                layouts[t][key]
                for t in order
                if key in layouts[t]
                and len(layouts[t][key].columns) == len(_fit(row.values, len(layouts[t][key].columns)))
            ),
            None,
        )
        if layout is None:
            if key.startswith("extra."):
                out.table[key] = {f"col{i + 1}": v for i, v in enumerate(row.values)}
            else:
                out.notes.append(note("note.row-columns", table="表二", label=_short(row.label), count=len(row.values)))
                out.unplaced.setdefault(f"proactive.{key}", len(row.values))
            continue
        span = _span(row.values, len(layout.columns))
        values = row.values[span]
        out.table[key] = {c.key: v for c, v in zip(layout.columns, values, strict=True)}
        out.place("proactive", key, [c.key for c in layout.columns], _places(row, span))
        if row.anchor:
            out.anchors[f"proactive.{key}"] = row.anchor
        _money_units(out, key)
    return out


_MONEY = frozenset().union(*MONEY_CELLS.values())


def _money_units(out: BuiltTable, row: str) -> None:
    """Money printed with its unit ("75394432.52元") becomes the number, and so does a count ("2笔"); the unit is
    kept (NB208 judges money's, NB205 asks for the number alone)."""
    for column, cell in out.table[row].items():
        money = (row, column) in _MONEY
        found = money_with_unit(cell) if money else count_with_unit(cell)
        if found:
            out.table[row][column], unit = found
            out.units[f"proactive.{row}.{column}"] = unit
            what = "金额" if money else "数量"
            label = row_label("proactive", row)
            out.notes.append(note("note.money-unit", row=label, what=what, cell=cell, value=found[0], unit=unit))
