"""The roster (名单): the organs a supervising office expects a report from, and which report is whose.

A roster is a CSV (UTF-8 or GBK) or XLSX file with a header row:

| column | meaning |
|---|---|
| 机关名称 | the organ's name as the office writes it (required) |
| 别名 | other names it publishes under, separated by 、 ； ; or , (optional) |
| 类型 | 部门, 政府, 乡镇街道, 管委会 or 办公厅/办公室 (optional; overrides the kind guessed from the name) |
| 地区 | the region, for the office's rollups (optional) |
| 上级 | the organ it reports to (optional) |
| 截止日期 | its own publication deadline, MM-DD or a date (optional; overrides the profile's) |
| 发布日期 | when the office saw its report go up, a full date (optional): NB401 judges lateness on it |

A report is matched to one organ by its printed name: the name or an alias exactly (in the compared form of
`nianbao.engine.organs.match_key`, so 人民政府/政府 and 办公室/办 do not matter), else by the name without its region
prefix, and for a report read by OCR by a name one or two characters off one organ's and no other's (OCR reads 洪泽区
as 洪译区: matched, and marked as a guess). A name that fits two organs is ambiguous and matched to none. A file that
could not be read is matched by its file name, else its folder's, naming one organ (淮安市水利局2024年报.pdf), also
marked as a guess; so is a report whose printed name could not be found at all.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from nianbao.engine.errors import UsageError
from nianbao.engine.limits import SETTINGS_BYTES
from nianbao.engine.organs import Organ, OrganType, guess, kind_label, match_key, short_name
from nianbao.engine.result import Ambiguous, MissingOrgan, RosterEntry, RosterSummary, UnreadableFile
from nianbao.engine.rule import Brief

HEADERS = {
    "name": ("机关名称", "名称", "单位名称", "organ", "name"),
    "aliases": ("别名", "aliases"),
    "kind": ("类型", "kind", "type"),
    "region": ("地区", "区域", "region"),
    "parent": ("上级", "上级机关", "parent"),
    "deadline": ("截止日期", "截止时间", "deadline"),
    "published": ("发布日期", "发布时间", "公开日期", "published"),
}
KINDS = {
    "部门": OrganType.department,
    "乡镇街道": OrganType.town,
    "乡镇": OrganType.town,
    "街道": OrganType.town,
    "管委会": OrganType.zone_government,
    "办公厅": OrganType.general_office,
    "办公室": OrganType.general_office,
}
_SEPARATORS = re.compile(r"[、；;,，|]")


@dataclass(frozen=True)
class RosterOrgan:
    name: str
    aliases: tuple[str, ...] = ()
    kind: OrganType | None = None
    region: str = ""
    parent: str = ""
    deadline: str | None = None  # MM-DD of the year after the report year
    published: dt.date | None = None  # when the office saw this year's report go up

    @property
    def kind_label(self) -> str:
        """The kind as the roster's 类型 column writes it ("" when the roster does not say)."""
        return kind_label(self.kind) if self.kind is not None else ""

    def organ(self) -> Organ:
        """The organ as the rules see it: the roster's kind, the level from the name."""
        guessed = guess(self.name)
        kind = self.kind or (guessed.type if guessed else OrganType.other)
        return Organ(kind, guessed.level if guessed else None, self.name)


@dataclass(frozen=True)
class Match:
    organ: RosterOrgan | None
    candidates: tuple[str, ...] = ()  # the organs an ambiguous name fits
    guessed: bool = False  # by a near-miss name, or a file's name: said so wherever it is shown


# A printed name this many characters off one organ's (and further off every other's) is that organ misread: OCR
# changes one or two characters of a name (洪泽区 → 洪译区); names of two real organs differ in more, or in a share of
# their characters above NEAR_SHARE (青禾市林业局 / 青禾市农业局 are one character apart: too close to tell).
NEAR_EDITS = 2
NEAR_SHARE = 0.15
NAMING_FOLDERS = 2
MAX_NAME = 60  # characters: no organ's name is longer, so no longer piece of a file's name is looked up


def _deleted(text: str) -> set[str]:
    """`text` with up to as many characters deleted as a near miss of its length may differ by (NEAR_EDITS, and
    NEAR_SHARE of the longer name: a name NEAR_EDITS longer may be the other one)."""
    most = min(NEAR_EDITS, int(NEAR_SHARE * (len(text) + NEAR_EDITS)))
    found, layer = {text}, {text}
    for _ in range(most):
        layer = {w[:i] + w[i + 1 :] for w in layer for i in range(len(w))}
        found |= layer
    return found


@dataclass
class Roster:
    organs: list[RosterOrgan]
    digest: str = ""  # of the file's bytes: a changed roster must not reuse cached results
    _exact: dict[str, set[int]] = field(default_factory=dict, repr=False)
    _short: dict[str, set[int]] = field(default_factory=dict, repr=False)
    # Each name's variants with a character or two deleted (built on the first near-miss asked): names within
    # NEAR_EDITS of a key share a variant with it, so a near miss costs the key's few variants, not the roster.
    _variants: dict[str, set[str]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for i, organ in enumerate(self.organs):
            for name in (organ.name, *organ.aliases):
                key = match_key(name)
                if key:
                    self._exact.setdefault(key, set()).add(i)
                    self._short.setdefault(short_name(key) or key, set()).add(i)

    def match(self, name: str | None, near: bool = False) -> Match:
        """The organ `name` is; with `near` (a name read by OCR), also one a character or two off (a guess). A name
        from a text layer is taken as printed: 南屿县 and 南山县 are two counties, not a misreading."""
        key = match_key(name)
        if not key:
            return Match(None)
        for index, lookup in ((self._exact, key), (self._short, short_name(key) or key)):
            found = index.get(lookup, set())
            if len(found) == 1:
                return Match(self.organs[next(iter(found))])
            if len(found) > 1:
                return Match(None, tuple(sorted(self.organs[i].name for i in found)))
        return self._near(key) if near else Match(None)

    def _near(self, key: str) -> Match:
        """The one organ whose name is at most NEAR_EDITS characters off `key`, when every other is further off."""
        from rapidfuzz.distance import Levenshtein

        if self._variants is None:
            self._variants = {}
            for name in self._exact:
                for variant in _deleted(name):
                    self._variants.setdefault(variant, set()).add(name)
        near = set().union(*(self._variants.get(v, set()) for v in _deleted(key)))
        distances: dict[int, int] = {}
        for name in near:
            edits = Levenshtein.distance(key, name, score_cutoff=NEAR_EDITS)
            if edits <= NEAR_EDITS and edits <= NEAR_SHARE * max(len(key), len(name)):
                for i in self._exact[name]:
                    distances[i] = min(distances.get(i, edits), edits)
        if not distances:
            return Match(None)
        best = min(distances.values())
        closest = [i for i, d in distances.items() if d == best]
        if len(closest) > 1:
            return Match(None, tuple(sorted(self.organs[i].name for i in closest)))
        return Match(self.organs[closest[0]], guessed=True)

    def whose(self, agency: str | None, path: str, ocr: bool = False) -> Match:
        """The organ a report belongs to: the one its printed name is (a near miss too where OCR read the name), or,
        when it prints no name, the one its file's or folder's name names. Every run asks this one question."""
        return self.named_in(path) if agency is None else self.match(agency, near=ocr)

    def named_in(self, path: str) -> Match:
        """The organ a file's name, else its folders' names, names (淮安市水利局2024年报.pdf, 报送/淮安市水利局/x.pdf):
        the longest organ name or alias found in it, when it is one organ's."""
        parts = PurePosixPath(path.replace("\\", "/"))
        # The file's own name, then the two folders above it: the office's own folders further up name no organ.
        for text in (parts.stem, *[p.name for p in parts.parents if p.name][:NAMING_FOLDERS]):
            key = match_key(text) or ""
            # Every piece of the name looked up (a file's name is short): the cost does not grow with the roster.
            pieces = {key[a:b] for a in range(len(key)) for b in range(a + 1, min(len(key), a + MAX_NAME) + 1)}
            found = {i for piece in pieces for i in self._exact.get(piece, ())}
            if not found:
                continue
            longest = max(len(match_key(self.organs[i].name) or "") for i in found)
            best = {i for i in found if len(match_key(self.organs[i].name) or "") == longest}
            if len(best) == 1:
                return Match(self.organs[next(iter(best))], guessed=True)
            return Match(None, tuple(sorted(self.organs[i].name for i in best)))
        return Match(None)

    @classmethod
    def load(cls, path: Path) -> Roster:
        try:
            data = path.read_bytes() if path.stat().st_size <= SETTINGS_BYTES * 4 else None
        except OSError as exc:
            raise UsageError(f"名单 {path} 无法读取 / cannot read roster {path}: {exc}") from None
        if data is None:
            raise UsageError(f"名单 {path} 过大 / roster {path} is too large")
        rows = _xlsx_rows(data, path) if data[:2] == b"PK" else _csv_rows(data, path)
        organs = _organs(rows, path)
        return cls(organs, hashlib.sha256(data).hexdigest())


def _csv_rows(data: bytes, path: Path) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(f"名单 {path} 不是 UTF-8 或 GBK 文本 / roster {path} is neither UTF-8 nor GBK")
    return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]


def _xlsx_rows(data: bytes, path: Path) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        rows = [["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook
        raise UsageError(f"名单 {path} 无法读取 / cannot read roster {path}: {exc}") from None
    return [row for row in rows if any(cell.strip() for cell in row)]


def _organs(rows: list[list[str]], path: Path) -> list[RosterOrgan]:
    if not rows:
        raise UsageError(f"名单 {path} 是空的 / roster {path} is empty")
    header = [cell.strip() for cell in rows[0]]
    columns = {key: next((i for i, h in enumerate(header) if h in names), None) for key, names in HEADERS.items()}
    if columns["name"] is None:
        raise UsageError(f"名单 {path} 缺少“机关名称”列 / roster {path} has no 机关名称 column")

    def cell(row: list[str], key: str) -> str:
        i = columns[key]
        return row[i].strip() if i is not None and i < len(row) else ""

    organs = []
    for number, row in enumerate(rows[1:], start=2):
        name = cell(row, "name")
        if not name:
            continue
        kind_text = cell(row, "kind")
        organs.append(
            RosterOrgan(
                name=name,
                aliases=tuple(a.strip() for a in _SEPARATORS.split(cell(row, "aliases")) if a.strip()),
                kind=_kind(kind_text, name, path, number),
                region=cell(row, "region"),
                parent=cell(row, "parent"),
                deadline=_deadline(cell(row, "deadline"), path, number),
                published=_published(cell(row, "published"), path, number),
            )
        )
    return organs


def _kind(text: str, name: str, path: Path, number: int) -> OrganType | None:
    if not text:
        return None
    if text in KINDS:
        return KINDS[text]
    if text in {"政府", "人民政府"}:
        guessed = guess(name)
        return guessed.type if guessed and guessed.is_government else OrganType.county_government
    try:
        return OrganType(text)
    except ValueError:
        known = "、".join([*KINDS, "政府"])
        raise UsageError(f"名单 {path} 第 {number} 行：类型“{text}”不认识（可用：{known}）") from None


def _published(text: str, path: Path, number: int) -> dt.date | None:
    """A full date (2025-01-20, 2025/1/20, 2025年1月20日, or a spreadsheet's date cell)."""
    if not text:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[\sT].*)?", text.strip())
    try:
        if m is None:
            raise ValueError(text)
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise UsageError(f"名单 {path} 第 {number} 行：发布日期“{text}”看不懂（写作 2025-01-20）") from None


def _deadline(text: str, path: Path, number: int) -> str | None:
    if not text:
        return None
    m = re.fullmatch(r"(?:\d{4}[-/.年])?(\d{1,2})[-/.月](\d{1,2})日?(?:\s.*)?", text.strip())
    try:
        if m is None:
            raise ValueError(text)
        day = dt.date(2024, int(m.group(1)), int(m.group(2)))  # a leap year: 02-29 is a valid deadline
    except ValueError:
        raise UsageError(f"名单 {path} 第 {number} 行：截止日期“{text}”看不懂（写作 01-31 或 2025-01-31）") from None
    return day.strftime("%m-%d")


def summarize(roster: Roster, reports: Iterable[Brief], unreadable: Iterable[tuple[str, str]] = ()) -> RosterSummary:
    """Every file against the roster: each organ with what it filed for the batch's year (its most common one), and
    every file that is not simply its organ's one report of that year. `reports` are those read, `unreadable` the
    (path, error code) of those that could not be."""
    reports = list(reports)
    years = Counter(r.year for r in reports if r.year is not None)
    year = years.most_common(1)[0][0] if years else None
    reported: dict[str, list[tuple[bool, str]]] = {}  # (read by OCR, path): a text layer's before a scan's
    others: dict[str, list[str]] = {}
    failed: dict[str, list[str]] = {}
    guessed: set[str] = set()
    summary = RosterSummary(year=year, expected=len(roster.organs))
    for report in reports:
        match = roster.whose(report.agency, report.path, ocr=report.ocr)
        if match.organ is None:
            if match.candidates:
                summary.ambiguous.append(Ambiguous(path=report.path, candidates=list(match.candidates)))
            else:
                summary.unmatched.append(report.path)
            continue
        if match.guessed:
            guessed.add(match.organ.name)
        if report.year == year or year is None:
            reported.setdefault(match.organ.name, []).append((report.ocr, report.path))
        else:
            others.setdefault(match.organ.name, []).append(report.path)
            summary.other_year.append(report.path)
    for path, code in unreadable:
        match = roster.named_in(path)
        organ = match.organ.name if match.organ is not None else None
        summary.unreadable.append(UnreadableFile(path=path, organ=organ, code=code))
        if organ is not None:
            failed.setdefault(organ, []).append(path)
    for o in roster.organs:
        if o.name in reported:
            status, files = "checked", [path for _, path in sorted(reported[o.name])]
        elif o.name in failed:
            status, files = "unreadable", failed[o.name]
        elif o.name in others:
            status, files = "other-year", others[o.name]
        else:
            status, files = "missing", []
        unsure = o.name in guessed or (status == "unreadable")
        summary.entries.append(
            RosterEntry(organ=o.name, kind=o.kind_label, region=o.region, status=status, files=files, guessed=unsure)
        )
    summary.missing = [
        MissingOrgan(organ=e.organ, kind=e.kind, region=e.region) for e in summary.entries if e.status == "missing"
    ]
    summary.duplicates = [sorted(p for _, p in paths) for paths in reported.values() if len(paths) > 1]
    return summary
