"""Organ identity and kind from printed names (nianbao.engine.organs): the patterns real reports print."""

from __future__ import annotations

import pytest
from nianbao.engine.organs import Level, OrganType, guess, pairing_keys, short_name

KINDS = [
    ("淮安市洪泽区人民政府", OrganType.county_government, Level.county),
    ("洪泽区人民政府", OrganType.county_government, Level.county),
    ("淮安市人民政府", OrganType.city_government, Level.city),
    ("上海市人民政府", OrganType.provincial_government, Level.province),
    ("苏州市昆山市人民政府", OrganType.county_government, Level.county),  # a 县级市 under its city
    ("沛县人民政府", OrganType.county_government, Level.county),
    ("云岭镇人民政府", OrganType.town, Level.town),
    ("某某乡人民政府", OrganType.town, Level.town),
    ("城南街道办事处", OrganType.town, Level.town),
    # Areas whose 管委会 reports for the whole area: governments, with no fixed level.
    ("苏州工业园区管理委员会", OrganType.zone_government, None),
    ("西咸新区管委会", OrganType.zone_government, None),
    ("淮安经济技术开发区管委会", OrganType.zone_government, None),
    ("某某综合实验区管委会", OrganType.zone_government, None),
    # A government's general office is not the government.
    ("上海市人民政府办公厅", OrganType.general_office, Level.province),
    ("沭阳县人民政府办公室", OrganType.general_office, Level.county),
    ("某县政府办", OrganType.general_office, Level.county),
    # Departments: 乡, 市, 区 inside a department's own name are not places.
    ("沭阳县住房和城乡建设局", OrganType.department, Level.county),
    ("沭阳县城市管理局", OrganType.department, Level.county),
    ("沭阳县市场监督管理局", OrganType.department, Level.county),
    ("某县乡村振兴局", OrganType.department, Level.county),
    ("上海市科委", OrganType.department, Level.province),
    ("广东省东莞市统计局", OrganType.department, Level.city),
    ("国家统计局", OrganType.department, Level.central),
    # Divisions named by their own rules: 林区 and 特区 are county-level, a 盟's government is its 行政公署, 苏木 is a
    # township, a city's district may be named 城区 or 矿区 (before its government only).
    ("神农架林区人民政府", OrganType.county_government, Level.county),
    ("六枝特区人民政府", OrganType.county_government, Level.county),
    ("阿拉善盟行政公署", OrganType.city_government, Level.city),
    ("鄂温克族自治旗巴彦嵯岗苏木", OrganType.town, Level.town),
    ("阳泉市矿区人民政府", OrganType.county_government, Level.county),
    ("阳泉市城区人民政府", OrganType.county_government, Level.county),
    ("阳泉市城区管理局", OrganType.department, Level.city),
    # A town as real titles print it, without 人民政府.
    ("临洮县新添镇", OrganType.town, Level.town),
    # A 管委会 of a zone inside a zone.
    ("西咸新区沣东新城管委会", OrganType.zone_government, None),
    # Vertically managed organs name themselves by their own words.
    ("南京海关", OrganType.department, Level.central),
    ("中国人民银行南京分行", OrganType.department, Level.central),
    ("中国人民银行淮安市中心支行", OrganType.department, Level.city),
    # Unknown: no organ word at all.
    ("广州市", OrganType.other, Level.city),
]


@pytest.mark.parametrize(("name", "kind", "level"), KINDS)
def test_kind_and_level_from_the_name(name, kind, level):
    organ = guess(name)
    assert (organ.type, organ.level) == (kind, level)


@pytest.mark.parametrize(
    ("printed", "canonical"),
    [
        ("正文上海市人民政府办公厅", "上海市人民政府办公厅"),
        ("附件 某县财政局", "某县财政局"),
        ("某县（区）财政局", "某县(区)财政局"),
    ],
)
def test_page_markers_spaces_and_brackets_are_not_part_of_the_name(printed, canonical):
    assert guess(printed).name == canonical


def test_unknown_kind_is_not_a_government_nor_known():
    organ = guess("广州市")
    assert not organ.known and not organ.is_government


def test_region_prefix_dropped_or_added_is_the_same_organ():
    assert short_name("淮安市洪泽区人民政府") == short_name("洪泽区人民政府") == "洪泽区人民政府"
    keys = pairing_keys(["淮安市洪泽区人民政府", "洪泽区人民政府", "淮安市人民政府"])
    assert keys[0] == keys[1] != keys[2]


def test_an_ambiguous_short_name_is_never_paired_by_guess():
    keys = pairing_keys(["南京市鼓楼区人民政府", "福州市鼓楼区人民政府", "鼓楼区人民政府"])
    assert len(set(keys)) == 3


def test_zones_keep_their_parent_place():
    assert short_name("苏州工业园区管理委员会") == "苏州工业园区管理委员会"
