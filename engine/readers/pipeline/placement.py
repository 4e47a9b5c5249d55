"""Table rows laid onto the template's fixed row sequence: by signature, then by label similarity and order.

Every reader hands over rows as a label and its values; the official tables print their rows in one order. A row
whose label carries a signature of a template row (a short keyword pattern that survives labels cut by line breaks,
APPLICATION_SIGNATURES and PROACTIVE_SIGNATURES below; the one ending last wins, since a row's own label is the text
nearest its values) is that row, wherever it stands. The rows
left over are aligned to the template rows left over between their placed neighbours, as a sequence alignment:
each pair scores the similarity of the row's label to the template row's printed label (one minus the edit
distance over the length, on the label's end, where a row's own words stand nearest its values), and the
alignment keeps the order. So a label with a character or two wrong (an OCR misreading, or a real typo such as
案件 for 案卷) or with the table header glued before it keeps its row. Labels read by OCR may come out wholly
garbled; a run of such rows is then placed by position when exactly as many template rows are missing between
its placed neighbours. Rows placed by similarity or position are guesses and are recorded as such
(`Report.placements`): a finding that rests on them says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from nianbao.engine.readers.pipeline.raw import RawRow
from nianbao.engine.template import APPLICATION_ROWS, PROACTIVE_ROWS, Template
from nianbao.engine.text import SHORT_TEXT, label_key
from rapidfuzz.distance import Levenshtein


@dataclass(frozen=True)
class PlacementSettings:
    """The tuned numbers of row placement, each with its reason."""

    # A label at least this similar to a template row's is that row (when the order agrees). The misreadings met
    # in real scans change one or two characters of labels 4–22 characters long ("束复申请", "引转下年度继绿办理":
    # 0.75–0.78). Unrelated template labels of table 三 are under 0.6 alike; the two pairs that are more alike
    # (本年新收/上年结转…申请数量 0.79, 重复申请/…反复申请 0.75) stand next to each other, where the order decides.
    min_similarity: float = 0.6
    # Labels shorter than this are never matched by similarity: one character wrong of two is half the label. The
    # short labels (规章, 总计, 其他) are matched with their numbering (七总计, 3其他), three characters.
    min_length: int = 3
    # How far the label's end may stand past the template label's end (OCR leaves a stray mark after a label).
    trailing: int = 2
    # How much longer or shorter than the template label the compared end of a label may be (a character dropped
    # or doubled by OCR).
    stretch: int = 2
    # A signature followed by this many characters of the label may be another row's words glued before the row's
    # own (the label of a row whose figures OCR lost runs into the next row's): the end is compared then.
    trailing_words: int = 4
    # Pairs of a printed label and a template leaf whose likeness is kept (nianbao.engine.readers.pipeline.placement
    # .similarity): a report of one template asks about a few hundred different pairs; a batch of reports from
    # many producers a few thousand more each. Some tens of thousands are a few megabytes.
    kept_pairs: int = 1 << 15
    # Printed labels whose signature match is kept, per table (`_signed`): the same few hundred labels recur in
    # report after report, and each match runs thirty patterns over the label.
    kept_labels: int = 1 << 13


SETTINGS = PlacementSettings()


class PlacedBy(StrEnum):
    signature = "signature"
    similarity = "similarity"
    order = "order"
    # the label holds the signatures of several template rows: rows read as one (a ruling between them lost), and
    # which row's figures stand in it is a guess
    merged = "merged"


@dataclass(frozen=True)
class Placed:
    key: str | None
    by: PlacedBy | None = None

    @property
    def guessed(self) -> bool:
        return self.by in (PlacedBy.similarity, PlacedBy.order, PlacedBy.merged)


# The numbering before a printed label ("1.", "四、", "（一）") is not the label.
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])")


def leaves(label: str) -> list[str]:
    """A template label (nianbao.engine.template) as a row prints it nearest its values: without its group, with and
    without its numbering ("1属于国家秘密", "属于国家秘密"; the numbering tells the short ones apart: "七总计"). The
    template writes a row's group before a space ("（三）不予公开 1.属于国家秘密", "第二十条第（一）项 规章")."""
    own = label.rpartition(" ")[2]
    return list(dict.fromkeys([label_key(_NUMBERING.sub("", own)), label_key(own)]))


# A worker reads report after report printed from the same template: the same printed labels meet the same template
# leaves again and again (a thousand generated reports asked 280,000 times about 468 pairs), and each answer costs up
# to a few dozen edit distances. Kept, the answers cost a look-up: the check of a small report took half the time
# (for a short label only: a hostile file's long labels are compared afresh and never held).
def similarity(label: str, template_leaf: str, settings: PlacementSettings = SETTINGS) -> float:
    """How alike the end of a printed label is to a template row's leaf label (0–1)."""
    return _alike(label, settings)(label, template_leaf)


def _alike(label: str, settings: PlacementSettings) -> Callable[[str, str], float]:
    """`similarity` for one label against many leaves: kept, or worked out afresh (the choice made once)."""
    if settings is SETTINGS and len(label) <= SHORT_TEXT:
        return _kept_similarity
    return lambda label, leaf: _similarity(label, leaf, settings)


def _similarity(label: str, template_leaf: str, settings: PlacementSettings) -> float:
    text = label_key(label)
    size = len(template_leaf)
    if size < settings.min_length or len(text) < settings.min_length:
        return 0.0
    best = 0.0
    for end in range(len(text), max(len(text) - settings.trailing, 0) - 1, -1):
        for length in range(max(size - settings.stretch, 1), size + settings.stretch + 1):
            if length > end:
                break
            window = text[end - length : end]
            best = max(best, 1 - Levenshtein.distance(window, template_leaf) / max(size, length))
    return best


@lru_cache(maxsize=SETTINGS.kept_pairs)
def _kept_similarity(label: str, template_leaf: str) -> float:
    return _similarity(label, template_leaf, SETTINGS)


# An item's numbering as printed before its words ("4.", "2、"): the last one in the label, its group's coming first.
_ITEM_NUMBER = re.compile(r"(?<!\d)(\d{1,2})\s*[.．、]")


def item_number(label: str) -> str | None:
    """The numbering of the item a label names ("（五）不予处理 4.无正当理由…" → "4"), if it prints one."""
    found = _ITEM_NUMBER.findall(label)
    return found[-1] if found else None


def _align(
    labels: list[str],
    keys: list[str],
    leaves: dict[str, list[str]],
    settings: PlacementSettings,
    numbers: dict[str, str] | None = None,
) -> dict[int, int]:
    """The order-keeping assignment of labels to keys with the largest total similarity (pairs under the
    threshold not taken, nor a label printing another item's number than the key's): {label index: key index}."""
    m, n = len(labels), len(keys)
    numbers = numbers or {}
    score = [[0.0] * n for _ in range(m)]
    for i, label in enumerate(labels):
        alike = _alike(label, settings)
        printed = item_number(label)
        for j, key in enumerate(keys):
            if printed and numbers.get(key, printed) != printed:
                continue  # "4.左平当理由天生肥复申请" ends like 重复申请, but 重复申请 is item 2
            s = max((alike(label, text) for text in leaves.get(key, ())), default=0.0)
            score[i][j] = s if s >= settings.min_similarity else 0.0
    best = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            take = best[i + 1][j + 1] + score[i][j] if score[i][j] else 0.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], take)
    pairs: dict[int, int] = {}
    i = j = 0
    while i < m and j < n:
        if score[i][j] and best[i][j] == best[i + 1][j + 1] + score[i][j]:
            pairs[i] = j
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return pairs


def _taken(placed: list[Placed], alternatives: dict[str, tuple[str, ...]]) -> set[str]:
    """The template rows placed, and those a placed row stands in for (the 2019 （六）其他处理 for the 2021 （六）1–3,
    and the other way round): they are no longer free."""
    used = {p.key for p in placed if p.key}
    return used.union(*(alternatives.get(key, ()) for key in used))


def _gaps(
    placed: list[Placed], rows: list[bool], order: list[str], alternatives: dict[str, tuple[str, ...]]
) -> list[tuple[list[int], list[str]]]:
    """Runs of unplaced rows with values, each with the template rows still free between its placed neighbours."""
    position = {key: n for n, key in enumerate(order)}
    used = _taken(placed, alternatives)
    runs: list[tuple[list[int], list[str]]] = []
    run: list[int] = []
    before = -1
    for index, (p, has_values) in enumerate([*zip(placed, rows, strict=True), (Placed(None), False)]):
        at_end = index == len(placed)
        if not at_end and p.key is None:
            if has_values:
                run.append(index)
            continue
        if not at_end and p.key not in position:
            continue  # a subtotal or a row of another table: no place in the order
        after = len(order) if at_end else position[p.key]
        if run:
            free = [k for k in order[before + 1 : after] if k not in used] if after > before else []
            runs.append((run, free))
        run = []
        if not at_end:
            before = max(before, after)
    return runs


def place_rows(
    labels: list[str],
    has_values: list[bool],
    signed: list[str | None],
    order: list[str],
    leaves: dict[str, list[str]],
    alternatives: dict[str, tuple[str, ...]] | None = None,
    by_order: bool = False,
    settings: PlacementSettings = SETTINGS,
    numbers: dict[str, str] | None = None,
) -> list[Placed]:
    """Each row's template key: `signed` as the signatures matched; the rest aligned by similarity within the gaps
    the signed rows leave, then (`by_order`, labels read by OCR) by position where a gap leaves one choice.
    `alternatives`: template rows that stand for others (one template's row for the other's), never both.
    `numbers`: each template row's item numbering; a label printing another is not matched to it by likeness."""
    alternatives = alternatives or {}
    placed = [Placed(key, PlacedBy.signature) if key else Placed(None) for key in signed]
    for run, free in _gaps(placed, has_values, order, alternatives):
        if not free:
            continue
        pairs = _align([labels[i] for i in run], free, leaves, settings, numbers)
        for i, j in pairs.items():
            placed[run[i]] = Placed(free[j], PlacedBy.similarity)
    if by_order:
        for run, free in _gaps(placed, has_values, order, alternatives):
            fits = [keys for keys in _either(free, alternatives) if len(keys) == len(run)]
            if run and len(fits) == 1:
                for index, key in zip(run, fits[0], strict=True):
                    placed[index] = Placed(key, PlacedBy.order)
    return placed


def _either(free: list[str], alternatives: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """The template rows a gap may hold: all that are free, and those of each template alone where the gap holds
    rows that stand for one another (a report prints the 2019 （六）其他处理 or the 2021 （六）1–3, never both)."""
    out = [free]
    for key in free:
        others = set(alternatives.get(key, ())).intersection(free)
        kept = [k for k in free if k not in others]
        if others and kept not in out:
            out.append(kept)
    return out


# --- which template row a printed row is ----------------------------------------------------------


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


def match_label(label: str, signatures: list[tuple[str, re.Pattern[str]]]) -> str | None:
    """The key whose signature ends last in the label (ties: the longer match)."""
    found = _signature(label, signatures)
    return found[0] if found else None


def _signature(label: str, signatures: list[tuple[str, re.Pattern[str]]]) -> tuple[str, int, int] | None:
    """The key whose signature ends last in the label, how many characters of the label follow it, and how many
    template rows' signatures the label holds (no printed label of either template holds two: rows read as one)."""
    text = label_key(label)
    best: tuple[int, int, str] | None = None
    keys = set()
    for key, pattern in signatures:
        for m in pattern.finditer(text):
            keys.add(key)
            candidate = (m.end(), m.end() - m.start(), key)
            if best is None or candidate[:2] > best[:2]:
                best = candidate
    return (best[2], len(text) - best[0], len(keys)) if best else None


def _signed(label: str, table: str) -> tuple[str, int, int] | None:
    """`_signature` of a label among one table's signatures, kept for a short label."""
    if len(label) <= SHORT_TEXT:
        return _kept_signature(label, table)
    return _signature(label, APPLICATION_SIGNATURES if table == "applications" else PROACTIVE_SIGNATURES)


@lru_cache(maxsize=SETTINGS.kept_labels)
def _kept_signature(label: str, table: str) -> tuple[str, int, int] | None:
    return _signature(label, APPLICATION_SIGNATURES if table == "applications" else PROACTIVE_SIGNATURES)


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


def _numbers(lines) -> dict[str, str]:
    """Each template row's item numbering, where its label prints one."""
    return {line.key: number for line in lines if (number := item_number(line.label.rpartition(" ")[2]))}


_APPLICATION_ORDER = _order(APPLICATION_ROWS)
_APPLICATION_LEAVES = _leaves([line for rows in APPLICATION_ROWS.values() for line in rows])
_APPLICATION_NUMBERS = _numbers([line for rows in APPLICATION_ROWS.values() for line in rows])
_PROACTIVE_ORDER = _order(PROACTIVE_ROWS)
_PROACTIVE_LEAVES = _leaves([row for rows in PROACTIVE_ROWS.values() for row in rows])


def placed_rows(rows: list[RawRow], table: str, by_order: bool = False) -> list[Placed]:
    """Each row's template key: signatures first, then likeness and order (`place_rows`)."""
    order, texts, alternatives, numbers = (
        (_APPLICATION_ORDER, _APPLICATION_LEAVES, _APPLICATION_ALTERNATIVES, _APPLICATION_NUMBERS)
        if table == "applications"
        else (_PROACTIVE_ORDER, _PROACTIVE_LEAVES, {}, {})
    )
    labels = [row.label for row in rows]
    found = [_signed(label, table) if row.values else None for label, row in zip(labels, rows, strict=True)]
    signed = [f[0] if f else None for f in found]
    # A signature with words after it may have matched a label glued before the row's own (a row whose figures were
    # lost leaves its label to the next): when the label's end is another template row's, the signature is not
    # taken, and the alignment places the row by its end.
    for index, (f, label) in enumerate(zip(found, labels, strict=True)):
        if f is not None and f[1] >= SETTINGS.trailing_words and _ends_as_another(label, f[0], texts, signed):
            signed[index] = None
    has_values = [bool(row.values) for row in rows]
    placed = place_rows(labels, has_values, signed, order, texts, alternatives, by_order=by_order, numbers=numbers)
    # a row placed by its signature whose label holds another row's too: rows read as one
    return [
        Placed(p.key, PlacedBy.merged) if p.by is PlacedBy.signature and f is not None and f[2] > 1 else p
        for p, f in zip(placed, found, strict=True)
    ]


def _ends_as_another(label: str, key: str, texts: dict[str, list[str]], signed: list[str | None]) -> bool:
    """Whether the label's end is most like another template row's label, one no other row's signature names."""
    like = _alike(label, SETTINGS)
    alike, other = max(
        ((like(label, text), other) for other, variants in texts.items() for text in variants),
        default=(0.0, ""),
    )
    return alike >= SETTINGS.min_similarity and other != key and other not in signed
