"""A supervising office's year, invented: a roster of twenty organs in 青禾市, their reports for last year (the
history) and this year, with what real portals do to names and what real organs do wrong planted.

`write_office(folder)` writes `roster.csv` (GBK, as offices save it from Excel), `history/` (2023) and `reports/`
(2024) and returns `Expected`: the organs that did not report, the reports that fit no organ, the organ that
reported twice, the organs that published late (NB401), and the cross-year findings planted (NB501, NB502, NB504,
NB505, NB506), each on one organ only.

Names vary between the years as portals vary them: a region prefix dropped (青禾市白鹭区人民政府 → 白鹭区人民政府),
人民政府办公室 written 政府办, an alias (卫健委) that only the roster knows.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.engine.model import Report, SectionKey
from nianbao.engine.testing.render import render_text
from nianbao.engine.testing.samples import _MEASURES, _OVERVIEW, _PROBLEMS, _detail, make_series

LAST, THIS = 2023, 2024


@dataclass(frozen=True)
class Organ:
    name: str  # as the roster writes it
    kind: str
    region: str
    printed_last: str  # as its report printed it last year
    printed_this: str  # and this year
    alias: str = ""


ORGANS = (
    Organ("青禾市人民政府", "政府", "青禾市", "青禾市人民政府", "青禾市人民政府"),
    Organ("青禾市人民政府办公室", "办公厅", "青禾市", "青禾市人民政府办公室", "青禾市政府办"),
    Organ("青禾市自然资源局", "部门", "青禾市", "青禾市自然资源局", "青禾市自然资源局"),
    Organ("青禾市生态环境局", "部门", "青禾市", "青禾市生态环境局", "青禾市生态环境局"),
    Organ("青禾市教育局", "部门", "青禾市", "青禾市教育局", "青禾市教育局"),
    Organ("青禾市财政局", "部门", "青禾市", "青禾市财政局", "青禾市财政局"),
    Organ("青禾市卫生健康委员会", "部门", "青禾市", "青禾市卫生健康委员会", "青禾市卫健委", alias="青禾市卫健委"),
    Organ("青禾市白鹭区人民政府", "政府", "白鹭区", "青禾市白鹭区人民政府", "白鹭区人民政府"),
    Organ("青禾市白鹭区人民政府办公室", "办公厅", "白鹭区", "青禾市白鹭区人民政府办公室", "白鹭区政府办"),
    Organ("青禾市白鹭区教育局", "部门", "白鹭区", "青禾市白鹭区教育局", "白鹭区教育局"),
    Organ("青禾市白鹭区财政局", "部门", "白鹭区", "白鹭区财政局", "青禾市白鹭区财政局"),
    Organ("青禾市南屿县人民政府", "政府", "南屿县", "南屿县人民政府", "南屿县人民政府"),
    Organ("青禾市南屿县自然资源局", "部门", "南屿县", "南屿县自然资源局", "南屿县自然资源局"),
    Organ("南屿县云岭镇人民政府", "乡镇街道", "南屿县", "南屿县云岭镇人民政府", "云岭镇人民政府"),
    Organ("南屿县东川镇人民政府", "乡镇街道", "南屿县", "南屿县东川镇人民政府", "南屿县东川镇人民政府"),
    Organ("白鹭区滨江街道办事处", "乡镇街道", "白鹭区", "白鹭区滨江街道办事处", "白鹭区滨江街道"),
    Organ(
        "青禾高新技术产业开发区管理委员会",
        "管委会",
        "青禾市",
        "青禾高新区管委会",
        "青禾高新区管委会",
        alias="青禾高新区管委会",
    ),
    Organ("青禾市统计局", "部门", "青禾市", "青禾市统计局", "青禾市统计局"),
    Organ("青禾市市场监督管理局", "部门", "青禾市", "青禾市市场监督管理局", "青禾市市场监督管理局"),
    Organ("青禾市司法局", "部门", "青禾市", "青禾市司法局", "青禾市司法局"),
)
SILENT = ("青禾市统计局", "青禾市市场监督管理局", "青禾市司法局")  # reported last year, not this year
STRANGER = "青禾市气象局"  # reports, but is not on the roster
TWICE = "青禾市财政局"  # sends this year's report twice
COPIED = "青禾市生态环境局"  # this year's report is last year's, the year changed
FIVE_COPIED = "青禾市白鹭区教育局"  # section 五 copied, the rest written anew
TOWN_COPY = ("南屿县东川镇人民政府", "南屿县云岭镇人民政府")  # this town copies that town's section 五
# Signed (and so published) dates: departments must publish by 01-31, governments by 03-31 (Article 49).
SIGNED = {
    "青禾市自然资源局": "2025年3月10日",  # a department, late
    "青禾市南屿县人民政府": "2025年4月2日",  # a government, late
    "青禾市教育局": "2025年1月20日",  # on time
}
LATE = ("青禾市南屿县人民政府", "青禾市自然资源局")
PLANTED = {
    "NB501": {"青禾市教育局"},  # 上年结转 differs from last year's 结转下年度
    # 现行有效 does not follow from last year's; nor does it in a copy of last year's report.
    "NB502": {"青禾市自然资源局", COPIED},
    # A copy of last year's report; and copying section 五 whole takes the repeat rate over half.
    "NB504": {COPIED, FIVE_COPIED},
    "NB505": {COPIED},
    "NB506": {COPIED, FIVE_COPIED},
    # A copy between two organs is reported on both; a section copied from last year's report (given as history) on
    # the later one.
    "NB503": {*TOWN_COPY, COPIED, FIVE_COPIED},
}


@dataclass
class Expected:
    missing: list[str]
    unmatched: list[str]  # file names
    duplicates: list[str]  # file names of the organ that reported twice
    planted: dict[str, set[str]]  # rule id -> roster names of the organs it must fire on, and only there
    paired: int  # this year's reports that must find last year's
    files: dict[str, str] = field(default_factory=dict)  # this year's file name -> roster name
    late: list[str] = field(default_factory=lambda: sorted(LATE))  # roster names of the organs published late


def _rewrite(report: Report, seed: int) -> None:
    """Prose for the year, chosen so that consecutive years never pick the same passage (as a report written
    anew each year would not)."""
    year = report.year or 0
    rng = random.Random(seed * 31 + year)
    name = report.agency or ""
    picks = [pool[(seed + year) % len(pool)].format(name=name) + _detail(rng) for pool in _OVERVIEW]
    overview = report.section(SectionKey.overview)
    if overview is not None:
        lines = overview.text.split("\n")
        for slot, line_no in enumerate((1, 5, 7)):
            if line_no < len(lines):
                lines[line_no] = picks[slot]
        overview.text = "\n".join(lines)
    start = (seed + 3 * year) % len(_PROBLEMS)
    problems = [_PROBLEMS[(start + k) % len(_PROBLEMS)] for k in range(3)]
    measures = [_MEASURES[(start + k) % len(_MEASURES)] for k in range(3)]
    section = report.section(SectionKey.problems)
    if section is not None:
        # Each organ's own particulars, so that two organs' sections 五 are not alike by chance.
        numbered = "；".join(f"{n}是{p}，{_detail(rng)}" for n, p in zip("一二三", problems, strict=True))
        steps = "；".join(f"{m}，{_detail(rng)}" for m in measures)
        account = f"对上一年度报告提出的问题，{name}已逐项整改落实。"
        section.text = f"（一）存在的主要问题。{numbered}{account}\n（二）改进措施。下一步，将{steps}"


def _pair(organ: Organ, seed: int) -> tuple[Report, Report]:
    last, this = make_series(organ.printed_last, [LAST, THIS], seed)
    this.agency = organ.printed_this
    this.title = f"{organ.printed_this}{THIS}年政府信息公开工作年度报告"
    for report in (last, this):
        _rewrite(report, seed)
    return last, this


def _plant(organ: Organ, last: Report, this: Report) -> Report:
    if organ.name in PLANTED["NB501"]:
        this.applications["carried_over"]["natural_person"] += 2
        this.applications["carried_over"]["total"] += 2
        this.applications["received_new"]["natural_person"] -= 2
        this.applications["received_new"]["total"] -= 2
    if organ.name in PLANTED["NB502"]:
        this.proactive["normative_documents"]["in_force"] += 5
    if organ.name == COPIED:
        copy = last.model_copy(deep=True)
        copy.year, copy.title_year, copy.agency, copy.title = this.year, this.year, this.agency, this.title
        copy.applications["carried_over"] = dict(this.applications["carried_over"])
        copy.preface = copy.preface.replace(str(LAST), str(THIS))
        return copy
    if organ.name == FIVE_COPIED:
        this.section(SectionKey.problems).text = last.section(SectionKey.problems).text
    if organ.name in SIGNED:
        this.section(SectionKey.other_matters).text += f"\n{organ.printed_this}\n{SIGNED[organ.name]}"
    return this


def write_office(folder: Path) -> Expected:
    history, reports = folder / "history", folder / "reports"
    history.mkdir(parents=True, exist_ok=True)
    reports.mkdir(parents=True, exist_ok=True)
    planted = {rule: set(organs) for rule, organs in PLANTED.items()}
    expected = Expected(missing=list(SILENT), unmatched=[], duplicates=[], planted=planted, paired=0)
    this_year: dict[str, Report] = {}
    for seed, organ in enumerate(ORGANS, start=1):
        last, this = _pair(organ, seed)
        this_year[organ.name] = this
        if organ.name == TOWN_COPY[0]:
            copied = this_year[TOWN_COPY[1]].section(SectionKey.problems).text
            this.section(SectionKey.problems).text = copied.replace("云岭镇", "东川镇")
        (history / f"{LAST}-{seed:02d}.txt").write_text(render_text(last), encoding="utf-8")
        if organ.name in SILENT:
            continue
        this = _plant(organ, last, this)
        name = f"{THIS}-{seed:02d}.txt"
        (reports / name).write_text(render_text(this), encoding="utf-8")
        expected.files[name] = organ.name
        expected.paired += 1
        if organ.name == TWICE:
            again = f"{THIS}-{seed:02d}-更正.txt"
            (reports / again).write_text(render_text(this), encoding="utf-8")
            expected.files[again] = organ.name
            expected.duplicates = [name, again]
            expected.paired += 1
    stranger = make_series(STRANGER, [THIS], 99)[0]
    (reports / f"{THIS}-99.txt").write_text(render_text(stranger), encoding="utf-8")
    expected.unmatched = [f"{THIS}-99.txt"]
    (folder / "roster.csv").write_bytes(roster_csv().encode("gb18030"))
    return expected


def roster_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["机关名称", "别名", "类型", "地区", "上级"])
    for organ in ORGANS:
        writer.writerow([organ.name, organ.alias, organ.kind, organ.region, ""])
    return out.getvalue()
