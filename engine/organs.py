"""Who wrote a report: the organ's canonical name and its kind, from the profile when it says, else from the name.

The kind decides the publication deadline (Article 49: departments by 1月31日, county-level and higher
governments by 3月31日, towns as the province sets), whether 规章 are possible (only the State Council, its
departments, provinces and 设区的市 make them) and whether Article 50's accountability results are due.

A printed name is read as a run of place names (淮安市, 洪泽区; each a few characters ending in 市, 县, 区…,
never a word such as 城乡 or 城市 inside a department's name) followed by the organ (人民政府, 办公室, 局…).
An organ whose kind cannot be told is `other` (unknown): no deadline or capacity rule judges it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class OrganType(StrEnum):
    provincial_government = "provincial_government"
    city_government = "city_government"
    county_government = "county_government"
    # A 管委会 / 新区 / 开发区 / 实验区 that reports for its whole area: a government for every purpose here.
    zone_government = "zone_government"
    town = "town"
    department = "department"
    # 人民政府办公厅 / 办公室: the government's office, a department for deadlines but not the government itself.
    general_office = "general_office"
    other = "other"  # unknown


class Level(StrEnum):
    central = "central"
    province = "province"
    city = "city"
    county = "county"
    town = "town"


@dataclass(frozen=True)
class Organ:
    type: OrganType
    level: Level | None
    name: str = ""  # canonical form of the printed name

    @property
    def is_government(self) -> bool:
        return self.type in GOVERNMENTS

    @property
    def known(self) -> bool:
        return self.type is not OrganType.other


GOVERNMENTS = frozenset(
    {
        OrganType.provincial_government,
        OrganType.city_government,
        OrganType.county_government,
        OrganType.zone_government,
        OrganType.town,
    }
)

# The suffixes of China's administrative divisions: 林区 (神农架林区) and 特区 (六枝特区) are county-level, 苏木 (in
# Inner Mongolia) is a township, as 乡 and 镇 are.
_SUFFIXES = "自治区|特别行政区|自治州|自治县|自治旗|地区|街道|林区|特区|苏木|省|市|州|盟|县|旗|区|镇|乡"
# One place name: one to nine characters (no conjunction, no organ word) and an administrative suffix.
_PLACE = re.compile(rf"([^与及、的局委厅办院署]{{1,9}}?)({_SUFFIXES})")
# Words that end like a place but are not one ("城乡建设", "城市管理", "市场监管", "社区", "园区" is a zone).
_AFTER_ZHOU = re.compile(r"市|区|县")
_NOT_PLACES = {"城乡", "城市", "都市", "市场", "社区", "小区", "市区", "县区", "区县", "城区", "景区", "矿区"}
# Districts that a city names by a word alone (阳泉市城区, 阳泉市矿区, 大同市郊区): a place only right after the city
# and before its government (阳泉市城区管理局 is the city's urban management bureau).
_WORD_DISTRICTS = re.compile(r"(城区|矿区|郊区)(?=(?:人民)?政府)")
_LEVELS = {
    "自治区": Level.province,
    "省": Level.province,
    "特别行政区": Level.province,
    "市": Level.city,
    "州": Level.city,
    "盟": Level.city,
    "自治州": Level.city,
    "地区": Level.city,
    "县": Level.county,
    "自治县": Level.county,
    "旗": Level.county,
    "自治旗": Level.county,
    "区": Level.county,
    "镇": Level.town,
    "乡": Level.town,
    "街道": Level.town,
    "林区": Level.county,
    "特区": Level.county,
    "苏木": Level.town,
}
_GOVERNMENT_TYPES = {
    Level.province: OrganType.provincial_government,
    Level.city: OrganType.city_government,
    Level.county: OrganType.county_government,
    Level.town: OrganType.town,
}
# Direct-controlled municipalities are provinces for every purpose here.
_MUNICIPALITIES = ("北京", "天津", "上海", "重庆")
_ZONE = re.compile(r"(?:开发区|新区|实验区|示范区|园区|高新区|试验区|合作区|保税区|自贸区|片区|新城)")
_ZONE_ORGAN = re.compile(r"^(?:管委会|管理委员会|工委|党工委|管委|管理局)")
_OFFICE = re.compile(r"^(?:人民)?政府办(?:公厅|公室)?$|^(?:人民)?政府办(?:公厅|公室)")
# Words that end an organ's name; vertically managed organs name themselves so too (南京海关, 中国人民银行南京分行,
# …中心支行).
_ORGAN_WORD = re.compile(
    r"(政府|办事处|委员会|局|委|厅|办公室|办|中心|署|院|所|队|站|处|部|会|馆|社|海关|银行|分行|支行)"
)
# A government named by its seat's old form: 盟 and 地区 governments are 行政公署.
_GOVERNMENT_WORDS = {"人民政府", "政府", "行政公署"}
# Town-level suffixes: a name that ends with one of these places and nothing else is the town's (临洮县新添镇).
_TOWN_SUFFIXES = ("镇", "乡", "街道", "苏木")
# Page markers and crumbs that extraction glues to a name: 正文, 附件, 索引号…, page numbers.
_MARKERS = re.compile(r"^(?:正文|附件\d*|全文|原文|打印|关闭|首页|标题[:：]|\d{1,4}(?![\d年])|[-—–]\s*\d+\s*[-—–])+")
_BRACKETS = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")", "【": "(", "】": ")", "［": "(", "］": ")"})


def strip_markers(text: str) -> str:
    """`text` without the page markers extraction glued before it ("正文上海市…" → "上海市…")."""
    return _MARKERS.sub("", text)


def clean_name(name: str | None) -> str | None:
    """The printed name without page markers, spaces and width differences."""
    if not name:
        return None
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", name)).translate(_BRACKETS)
    text = _MARKERS.sub("", text).strip("，,。:：;；_|-")
    return text or None


@dataclass(frozen=True)
class _Parsed:
    places: tuple[tuple[str, str], ...]  # (place name, its suffix)
    rest: str  # the organ after the places


def _parse(name: str) -> _Parsed:
    places: list[tuple[str, str]] = []
    pos = 0
    while True:
        m = _PLACE.match(name, pos)
        word = _WORD_DISTRICTS.match(name, pos) if places else None
        if word:  # 阳泉市 + 城区 + 人民政府
            places.append((word.group(1), "区"))
            pos = word.end()
            continue
        if not m or m.group(0)[-2:] in _NOT_PLACES:
            break
        if m.end() == len(name) and places:
            break  # the last characters are the organ, not another place
        place, suffix, pos = m.group(0), m.group(2), m.end()
        # "苏州市", "通州区": 州 ends a place only when no other suffix follows it.
        if suffix == "州" and (more := _AFTER_ZHOU.match(name, pos)) and more.end() < len(name):
            place, suffix, pos = place + more.group(0), more.group(0), more.end()
        places.append((place, suffix))
    return _Parsed(tuple(places), name[pos:])


def _level(parsed: _Parsed) -> Level | None:
    if not parsed.places:
        return None
    first, suffix = parsed.places[-1]
    level = _LEVELS[suffix]
    cities = [p for p, s in parsed.places if s in {"市", "州", "盟", "地区", "自治州"}]
    if level is Level.city and first.startswith(_MUNICIPALITIES):
        return Level.province
    if level is Level.city and len(cities) >= 2 and not cities[0].startswith(_MUNICIPALITIES):
        return Level.county  # a 县级市 named under its 设区的市 (苏州市昆山市)
    if level is Level.county and suffix == "区" and _ZONE.search(first):
        return None  # a development zone: no fixed level
    return level


def guess(name: str | None) -> Organ | None:
    name = clean_name(name)
    if not name:
        return None
    parsed = _parse(name)
    level = _level(parsed)
    rest = parsed.rest
    for zone in _ZONE.finditer(name):  # any zone named may be the one its 管委会 runs (西咸新区沣东新城管委会)
        governs = zone.end() == len(name) - len(rest) and rest in {"", "人民政府", "政府"}
        if governs or _ZONE_ORGAN.match(name[zone.end() :]):
            return Organ(OrganType.zone_government, None, name)  # a zone has no fixed level
    if _OFFICE.match(rest):
        return Organ(OrganType.general_office, level, name)
    if level is Level.town and (rest.endswith("政府") or rest.startswith(("办事处", "街道办")) or rest == ""):
        return Organ(OrganType.town, Level.town, name)
    if rest.startswith("街道办事处") or name.endswith(("街道办事处", "街道")):
        return Organ(OrganType.town, Level.town, name)
    if rest in _GOVERNMENT_WORDS and level is not None:
        return Organ(_GOVERNMENT_TYPES[level], level, name)
    town = _PLACE.fullmatch(rest)
    if town and town.group(2) in _TOWN_SUFFIXES and parsed.places:  # a town printed without 人民政府
        return Organ(OrganType.town, Level.town, name)
    if _ORGAN_WORD.search(rest):
        return Organ(OrganType.department, level or (Level.central if not parsed.places else None), name)
    return Organ(OrganType.other, level, name)


def organ_of(agency: str | None, configured: str | None = None) -> Organ | None:
    """The profile's (or roster's) organ type wins; the level still comes from the name, when it can."""
    guessed = guess(agency)
    if configured:
        kind = OrganType(configured)
        level = guessed.level if guessed else None
        if kind in _GOVERNMENT_TYPES.values():
            level = next(lv for lv, t in _GOVERNMENT_TYPES.items() if t is kind)
        return Organ(kind, level, guessed.name if guessed else "")
    return guessed


def short_name(name: str | None) -> str | None:
    """The name from its last place on ("淮安市洪泽区人民政府" → "洪泽区人民政府"): the part that stays when a
    portal drops the region prefix."""
    name = clean_name(name)
    if not name:
        return None
    parsed = _parse(name)
    if len(parsed.places) < 2 or _ZONE.search(parsed.places[-1][0]):
        return name  # zones are named by their parent place: 苏州工业园区 is not any 工业园区
    return parsed.places[-1][0] + parsed.rest


# Words portals shorten or spell out: the form names are compared in uses the short one.
_ABBREVIATIONS = (
    ("人民政府", "政府"),
    ("办公厅", "办"),
    ("办公室", "办"),
    ("管理委员会", "管委会"),
    ("街道办事处", "街道"),
    ("委员会", "委"),
)


def match_key(name: str | None) -> str | None:
    """The form organ names are compared in: clean, and with the words portals abbreviate written short
    ("区人民政府办公室" and "区政府办" are one organ)."""
    text = clean_name(name)
    if not text:
        return None
    for long, short in _ABBREVIATIONS:
        text = text.replace(long, short)
    return text


def pairing_keys(names: list[str | None]) -> list[str | None]:
    """One key per name, equal for names of the same organ: the name in its compared form (`match_key`), or its
    short form where that is unambiguous among `names` (two organs with different region prefixes but the same
    short name, such as 南京市鼓楼区 and 福州市鼓楼区, keep their full names)."""
    cleaned = [match_key(n) for n in names]
    longs: dict[str, set[str]] = {}
    for name in cleaned:
        if name:
            longs.setdefault(short_name(name) or name, set()).add(name)
    keys: list[str | None] = []
    for name in cleaned:
        if not name:
            keys.append(None)
            continue
        short = short_name(name) or name
        prefixed = {n for n in longs[short] if n != short}
        keys.append(short if len(prefixed) <= 1 else name)
    return keys


def previous_years(keys: list[str | None], years: list[int | None], current: int) -> dict[int, int]:
    """For each of the first `current` entries (this run's reports), the index of the same organ's entry for the
    year before, among all entries (this run's, then earlier years' given as history); this run's own come first
    when both hold one."""
    by_key: dict[tuple[str, int], int] = {}
    for i, (key, year) in enumerate(zip(keys, years, strict=True)):
        if key and year is not None:
            by_key.setdefault((key, year), i)
    found = {}
    for i in range(current):
        key, year = keys[i], years[i]
        if key and year is not None and (key, year - 1) in by_key:
            found[i] = by_key[(key, year - 1)]
    return found


KIND_LABELS = {
    OrganType.department: "部门",
    OrganType.general_office: "办公厅",
    OrganType.town: "乡镇街道",
    OrganType.zone_government: "管委会",
    OrganType.provincial_government: "政府",
    OrganType.city_government: "政府",
    OrganType.county_government: "政府",
    OrganType.other: "其他",
}


def kind_label(kind: OrganType | None) -> str:
    """The kind as an office's roster writes it (部门, 政府, 乡镇街道, 管委会, 办公厅), 其他 when unknown."""
    return KIND_LABELS.get(kind, "其他") if kind is not None else "其他"


def region_of(name: str | None) -> str | None:
    """The place an organ belongs to, from its name: the last place named ("淮安市洪泽区水务局" → 洪泽区); a
    city's own department belongs to the city."""
    text = clean_name(name)
    if not text:
        return None
    places = _parse(text).places
    return places[-1][0] if places else None


# Before a place's suffix, a word that makes the name generic or the organ's own ("各县区", "本市", "全区"), not
# another place.
_GENERIC_PLACE = frozenset("本我全各该市县区省外他邻两三多每诸等旗镇乡")
# Before a place, words of working with another organ ("与淮阴区…", "转至…", "会同…"): naming it is no copy trace.
_WITH_ANOTHER = re.compile(r"(?:与|和|同|向|至|到|赴|会同|联合|协助|配合|转|由|经|及|告知|指导|学习|借鉴)$")
# Verbs met right before "区政府", "县人民政府" in real prose ("代表区政府", "强化县政府门户网站"): two characters
# that read like a place but are not one.
_VERBS = frozenset(
    re.findall(
        r"\S+",
        "代表 移交 加强 强化 发布 公开 报送 提请 推动 督促 组织 依托 通过 围绕 落实 提交 呈报 抄送 报请 按照 根据 "
        "依据 协调 参加 开展 面向 对接 联系 请示 报告 汇报 服务 支持 保障 完善 健全 规范 优化 提升 建设 运用 利用 "
        "做好 全面 及时 主动 积极 认真 严格",
    )
)
# Characters of grammar that no place name holds ("调整后的市科委").
_FUNCTION_WORDS = frozenset("的了是将把被给之其")
_BREAK = re.compile(r"[^\u4e00-\u9fff]")


def organs_like(text: str, agency: str | None, whole: str | None = None) -> list[str]:
    """Names in `text` of an organ of the same kind as `agency` under another place of the same rank: "淮阴区农业
    农村局" in a report of 洪泽区农业农村局. The organ words must be printed in full, as the agency prints them; the
    place must be printed under the agency's own parent (淮安市淮阴区…), or be two characters that stand nowhere
    else in `whole` (the report's text, `text` by default) and are no verb ("强化县人民政府门户网站" is a verb). A
    superior (淮安市农业农村局) has another suffix and is not one, nor a generic name (各县区…) or a name after a
    word of working together (与, 会同…)."""
    name = clean_name(agency)
    if not name:
        return []
    parsed = _parse(name)
    if not parsed.places or len(parsed.rest) < 2 or _ZONE.search(parsed.places[-1][0]):
        return []
    own, suffix = parsed.places[-1]
    own_name = own[: -len(suffix)]
    parent = parsed.places[-2][0] if len(parsed.places) > 1 else None
    whole = whole or text
    found: list[str] = []
    for m in re.finditer(re.escape(suffix + parsed.rest), text):
        before = _BREAK.split(text[max(0, m.start() - 12) : m.start()])[-1]
        if len(before) < 2 or before.endswith(own_name) or before[-1] in _GENERIC_PLACE:
            continue
        chained = re.search(rf"{re.escape(parent)}([\u4e00-\u9fff]{{1,4}})$", before) if parent else None
        if chained:
            found.append(parent + chained.group(1) + suffix + parsed.rest)
            continue
        place = before[-2:]
        elsewhere = whole.count(place) > whole.count(place + suffix)  # a word of the prose, not a place
        if place in _VERBS or _FUNCTION_WORDS.intersection(place) or _WITH_ANOTHER.search(before[:-2]) or elsewhere:
            continue
        found.append(place + suffix + parsed.rest)
    return found
