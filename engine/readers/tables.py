"""Map table rows read from any format onto the template keys of report-model.md.

Readers differ in how they find a row (a text line run, a PDF grid row, an HTML <tr>), but once
they hold a label and its values, the mapping is the same, so it lives here. A label is matched
by signatures: short keyword patterns that survive labels cut by line breaks. When several
signatures match, the one ending last wins, because a row's own label is the text nearest its
values (a table header or a spanning group label comes before it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from engine.model import Anchor, Cell, Table
from engine.readers.normalize import label_key, money_with_unit
from engine.readers.placement import SETTINGS, Placed, PlacedBy, leaves, place_rows, similarity
from engine.readers.raw import RawRow
from engine.template import (
    APPLICATION_COLUMNS,
    APPLICATION_ROWS,
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


def _signatures(pairs: list[tuple[str, str]]) -> list[tuple[str, re.Pattern[str]]]:
    return [(key, re.compile(pattern)) for key, pattern in pairs]


APPLICATION_SIGNATURES = _signatures(
    [
        ("received_new", r"本年新收|新收政府信息公开申请"),
        ("carried_over", r"上年结转"),
        ("disclosed", r"予以公开"),
        ("partially_disclosed", r"部分公开"),
        ("withheld.state_secret", r"国家秘密"),
        ("withheld.prohibited_by_law", r"其他法律|法律行政|法规禁止"),
        ("withheld.security_stability", r"三安全|一稳定"),
        ("withheld.third_party_rights", r"第三方|合法权益"),
        ("withheld.internal_affairs", r"三类内部|内部事务"),
        ("withheld.process_information", r"四类过程|过程性信息"),
        ("withheld.enforcement_files", r"执法案卷"),
        ("withheld.administrative_inquiry", r"行政查询"),
        ("unavailable.not_held", r"不掌握"),
        ("unavailable.needs_creation", r"没有现成|另行制作"),
        ("unavailable.unclear_after_correction", r"补正后|仍不明确"),
        ("not_processed.petition_complaint", r"信访|举报投诉"),
        ("not_processed.duplicate", r"重复申请"),
        ("not_processed.publication", r"公开出版物"),
        ("not_processed.excessive", r"大量反复"),
        ("not_processed.confirmation", r"重新出具|确认或重新"),
        ("other.no_correction", r"逾期不补正|不补正"),
        ("other.fee_unpaid", r"收费通知|缴纳费用"),
        ("other.other", r"(?:^|\d)其他$"),
        ("total", r"总计$"),
        ("carried_forward", r"结转下年度|下年度继续办理"),
        # A group label standing alone before values: a subtotal row the report added.
        ("withheld", r"不予公开(?:小计|合计)?$"),
        ("unavailable", r"无法提供(?:小计|合计)?$"),
        ("not_processed", r"不予处理(?:小计|合计)?$"),
        ("other", r"其他处理(?:小计|合计)?$"),
    ]
)

PROACTIVE_SIGNATURES = _signatures(
    [
        ("regulations", r"规章"),
        ("normative_documents", r"规范性文件"),
        ("licensing", r"行政许可"),
        ("other_services", r"对外管理服务"),
        ("penalties", r"行政处罚"),
        ("enforcement", r"行政强制"),
        ("fees", r"事业性收费"),
        ("procurement", r"集中采购"),
    ]
)

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


def match_label(label: str, signatures: list[tuple[str, re.Pattern[str]]]) -> str | None:
    """The key whose signature ends last in the label (ties: the longer match)."""
    found = _signature(label, signatures)
    return found[0] if found else None


def _signature(label: str, signatures: list[tuple[str, re.Pattern[str]]]) -> tuple[str, int] | None:
    """The key whose signature ends last in the label, and how many characters of the label follow it."""
    text = label_key(label)
    best: tuple[int, int, str] | None = None
    for key, pattern in signatures:
        for m in pattern.finditer(text):
            candidate = (m.end(), m.end() - m.start(), key)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return (best[2], len(text) - best[0]) if best else None


def decide_template(table_text: str) -> tuple[Template | None, list[str]]:
    """Which template the tables follow, from the words of their headers and labels."""
    text = label_key(table_text)
    counts = {t: sum(marker in text for marker in markers) for t, markers in TEMPLATE_MARKERS.items()}
    notes: list[str] = []
    if counts[Template.T2021] and counts[Template.T2019]:
        notes.append(
            f"表格同时含有 2021 版（{counts[Template.T2021]} 处）和 2019 版（{counts[Template.T2019]} 处）"
            "模板的栏目名称，按多数判定模板。"
        )
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


def _extra_key(label: str) -> str:
    """The key of a row the template lacks: its label as printed, without whitespace."""
    return "extra." + re.sub(r"\s+", "", label).replace(":", "：")  # ":" separates a cell key's parts


def _short(label: str) -> str:
    text = label_key(label)
    return text if len(text) <= 24 else text[:12] + "…" + text[-10:]


def _order(rows_by_template) -> list[str]:
    """The template's row keys in printed order, both templates merged (the 2019 （六）其他处理 before the 2021
    （六）1–3), and each key's leaf labels."""
    order: list[str] = []
    for template in (Template.T2021, Template.T2019):
        previous = None
        for line in rows_by_template[template]:
            if line.key not in order:
                order.insert(order.index(previous) + 1 if previous else 0, line.key)
            previous = line.key
    return order


def _leaves(lines) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in lines:
        for text in leaves(line.label):
            if text not in out.setdefault(line.key, []):
                out[line.key].append(text)
    return out


# The 2019 template's single （六）其他处理 row stands where the 2021 template prints three.
_OTHER_2021 = tuple(line.key for line in APPLICATION_ROWS[Template.T2021] if line.key.startswith("other."))
_APPLICATION_ALTERNATIVES = {"other": _OTHER_2021, **dict.fromkeys(_OTHER_2021, ("other",))}


_APPLICATION_ORDER = _order(APPLICATION_ROWS)
_APPLICATION_LEAVES = _leaves([line for rows in APPLICATION_ROWS.values() for line in rows])
_PROACTIVE_ORDER = _order(PROACTIVE_ROWS)
_PROACTIVE_LEAVES = _leaves([row for rows in PROACTIVE_ROWS.values() for row in rows])


def placed_rows(rows: list[RawRow], table: str, by_order: bool = False) -> list[Placed]:
    """Each row's template key (engine.readers.placement): signatures first, then similarity and order."""
    signatures, order, texts, alternatives = (
        (APPLICATION_SIGNATURES, _APPLICATION_ORDER, _APPLICATION_LEAVES, _APPLICATION_ALTERNATIVES)
        if table == "applications"
        else (PROACTIVE_SIGNATURES, _PROACTIVE_ORDER, _PROACTIVE_LEAVES, {})
    )
    has_values = [bool(row.values) for row in rows]
    found = [_signature(row.label, signatures) if row.values else None for row in rows]
    signed = [f[0] if f else None for f in found]
    labels = [row.label for row in rows]
    placed = place_rows(labels, has_values, signed, order, texts, alternatives, by_order=by_order)
    # A signature with words after it matched a label glued before the row's own (a row whose figures were lost
    # leaves its label to the next): when the row's own end is another template row's label, it is that row.
    for index, (f, label) in enumerate(zip(found, labels, strict=True)):
        if f is None or f[1] < SETTINGS.trailing_words:
            continue
        alike = max(
            ((similarity(label, text), key) for key, variants in texts.items() for text in variants),
            default=(0.0, ""),
        )
        if alike[0] >= SETTINGS.min_similarity and alike[1] != f[0] and alike[1] not in signed:
            placed[index] = Placed(alike[1], PlacedBy.similarity)
    return placed


def _guess_note(out: BuiltTable, table: str, row: RawRow, placed: Placed) -> None:
    name = "表三" if table == "applications" else "表二"
    label, meant = _short(row.label) or "（无标签）", row_label(table, placed.key or "")
    how = "与模板行标签相近，" if placed.by is PlacedBy.similarity else "的标签经 OCR 识别不清，按其在表中的位置"
    out.notes.append(f"{name}“{label}”行{how}认作“{meant}”行。")
    words = row.label.split()
    printed = words[-1] if words and len(label_key(words[-1])) >= 2 else row.label  # its own, not the header's
    out.guessed[f"{table}.{placed.key}"] = (printed.strip(), placed.by)


def build_applications(rows: list[RawRow], by_order: bool = False) -> BuiltTable:
    """Table 三 from its rows. `by_order`: a row whose label matches no template row is placed by where it stands
    when that leaves one choice (labels read by OCR)."""
    out = BuiltTable()
    width = len(APPLICATION_COLUMNS)
    columns = [c.key for c in APPLICATION_COLUMNS]
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
                out.notes.append(f"表三中有一行 {len(row.values)} 个数值没有行标签，未采用。")
                continue
            key = _extra_key(row.label)
        if key in out.table:
            out.notes.append(f"表三“{_short(row.label)}”行重复出现，只采用第一次出现的数值。")
            continue
        span = _span(row.values, width)
        values, places = row.values[span], _places(row, span)
        if len(values) != width:
            if len(values) > width and len(values) % width == 0:
                out.notes.append(f"表三“{_short(row.label)}”行读到 {len(values)} 个数值，只采用前 {width} 个。")
                values, places = values[:width], places[:width]
            else:
                out.notes.append(
                    f"表三“{_short(row.label)}”行读到 {len(values)} 个数值（应为 {width} 个），"
                    "无法确定各列位置，未采用该行。"
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
        out.notes.append(f"表四只读到 {len(values)} 个数值（应为 {width} 个），未采用。")
        out.unplaced["review_litigation"] = len(values)
        return out
    places = places if places and len(places) == len(values) else [None] * len(values)
    if len(values) > width and sum(v is None for v in values) >= len(values) - width:
        # a cell split by a stray line (a seal's ring in a scan, a converter's empty cell) leaves a blank fragment:
        # the blanks go, last first, until the row has the template's width
        keep = list(range(len(values)))
        for index in reversed(range(len(values))):
            if len(keep) > width and values[index] is None:
                keep.remove(index)
        out.notes.append(
            f"表四读到 {len(values)} 个数值，其中 {len(values) - width} 个空白单元格视为被拆开的单元格，未采用。"
        )
        values, places = [values[i] for i in keep], [places[i] for i in keep]
    if len(values) > width and ocr:
        count = len(values)
        out.notes.append(f"扫描件的表四识别出 {count} 个数值（模板为 {width} 栏），无法确定哪个是多出的，未采用。")
        out.unplaced["review_litigation"] = count
        return out
    if len(values) > width:
        out.notes.append(f"表四读到 {len(values)} 个数值，只采用前 {width} 个。")
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
            out.notes.append(f"表二中有一行 {len(row.values)} 个数值没有行标签，未采用。")
            continue
        if key in out.table:
            out.notes.append(f"表二“{_short(row.label)}”行重复出现，只采用第一次出现的数值。")
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
                out.notes.append(
                    f"表二“{_short(row.label)}”行读到 {len(row.values)} 个数值，与模板栏目数不符，未采用。"
                )
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
    """Money printed with its unit ("75394432.52元") becomes the number; the unit is kept for NB208."""
    for column, cell in out.table[row].items():
        found = money_with_unit(cell) if (row, column) in _MONEY else None
        if found:
            out.table[row][column], unit = found
            out.units[f"proactive.{row}.{column}"] = unit
            out.notes.append(
                f"表二“{row_label('proactive', row)}”金额写作“{cell}”，按 {found[0]}（单位：{unit}）读取。"
            )
