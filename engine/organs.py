"""What kind of organ wrote a report: from the profile when it says, else guessed from the organ's name.

The kind decides the publication deadline (Article 49: departments by 1月31日, county-level and higher
governments by 3月31日, towns as the province sets), whether 规章 are possible (only the State Council, its
departments, provinces and 设区的市 make them) and whether Article 50's accountability results are due.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class OrganType(StrEnum):
    provincial_government = "provincial_government"
    city_government = "city_government"
    county_government = "county_government"
    town = "town"
    department = "department"
    other = "other"


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

    @property
    def is_government(self) -> bool:
        return self.type in {
            OrganType.provincial_government,
            OrganType.city_government,
            OrganType.county_government,
            OrganType.town,
        }


# The organ part of a name: what follows the last place name.
_ORGAN_WORDS = re.compile(
    r"(人民政府|政府|街道办事处|办事处|管委会|委员会|局|委|厅|办公室|办|中心|署|院|所|队|站|处|部|会)"
)
_PLACE = re.compile(r"(自治区|特别行政区|省|自治州|地区|市|州|盟|自治县|县|旗|区|镇|乡|街道)")
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
    "区": Level.county,
    "镇": Level.town,
    "乡": Level.town,
    "街道": Level.town,
}
_GOVERNMENT_TYPES = {
    Level.province: OrganType.provincial_government,
    Level.city: OrganType.city_government,
    Level.county: OrganType.county_government,
    Level.town: OrganType.town,
}
# Direct-controlled municipalities are provinces for every purpose here.
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def guess(name: str | None) -> Organ | None:
    if not name:
        return None
    organ = _ORGAN_WORDS.search(name)
    place_part = name[: organ.start()] if organ else name
    places = list(_PLACE.finditer(place_part))
    level = _LEVELS[places[-1].group(1)] if places else None
    if level is Level.city and place_part[: places[-1].end()] in _MUNICIPALITIES:
        level = Level.province
    if places and places[-1].group(1) == "区" and place_part.endswith(("新区", "开发区", "高新区", "园区")):
        level = None  # development zones: no fixed level
    if name.endswith(("街道办事处", "街道")) or (level is Level.town and name.endswith("政府")):
        return Organ(OrganType.town, Level.town)
    if name.endswith("政府") and level is not None:
        return Organ(_GOVERNMENT_TYPES[level], level)
    if not places:
        return Organ(OrganType.department if organ else OrganType.other, Level.central if organ else None)
    return Organ(OrganType.department, level)


def organ_of(agency: str | None, configured: str | None = None) -> Organ | None:
    """The profile's organ type wins; the level still comes from the name, when it can."""
    guessed = guess(agency)
    if configured:
        kind = OrganType(configured)
        level = guessed.level if guessed else None
        if kind in _GOVERNMENT_TYPES.values():
            level = next(lv for lv, t in _GOVERNMENT_TYPES.items() if t is kind)
        return Organ(kind, level)
    return guessed
