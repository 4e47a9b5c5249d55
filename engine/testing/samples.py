"""Invented sample reports, made from a seed: a consistent report model with prose that matches it.

The model is the truth; renderers (`nianbao.engine.testing.render`) print it as a source file, and the tests
read that file back and compare with the model cell by cell. Organ names are invented.

    python -m nianbao.engine.testing.samples reports/     # regenerate the samples the main job runs on
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from nianbao.engine.model import Report, Section, SectionKey, Source, Table
from nianbao.engine.template import (
    APPLICANT_COLUMNS,
    APPLICATION_ROWS,
    OUTCOME_GROUPS,
    PROACTIVE_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    Template,
)


@dataclass(frozen=True)
class SampleSpec:
    agency: str
    year: int
    seed: int
    template: Template | None = None  # default: the template of the year
    all_zero: bool = False

    @property
    def tpl(self) -> Template:
        return self.template or (Template.T2021 if self.year >= 2021 else Template.T2019)


# Applicant columns, from most to least frequent, and how large their counts run.
_SCALE = {"natural_person": 12, "commercial": 4, "research": 1, "social_welfare": 1, "legal_service": 2, "other_org": 1}


def _applications(rng: random.Random, tpl: Template, zero: bool) -> Table:
    rows = [r.key for r in APPLICATION_ROWS[tpl]]
    outcome = [r for r in rows if r not in ("received_new", "carried_over", "total", "carried_forward")]
    table: Table = {r: {} for r in rows}
    for col in APPLICANT_COLUMNS:
        scale = 0 if zero else _SCALE[col.key]
        for r in outcome:
            high = scale * 3 // 2 if r in ("disclosed", "unavailable.not_held") else scale // 4
            table[r][col.key] = rng.randint(0, high)
        handled = sum(table[r][col.key] for r in outcome)
        carried = rng.randint(0, min(handled, scale // 3)) if scale else 0
        forward = rng.randint(0, scale // 3) if scale else 0
        table["total"][col.key] = handled
        table["carried_over"][col.key] = carried
        table["carried_forward"][col.key] = forward
        table["received_new"][col.key] = handled + forward - carried
    for row in table.values():
        row["total"] = sum(row[c.key] for c in APPLICANT_COLUMNS)
    return table


def _review(rng: random.Random, zero: bool) -> Table:
    table: Table = {}
    for group, scale in zip(REVIEW_GROUPS, (3, 2, 1), strict=True):
        row = {c.key: (0 if zero else rng.randint(0, scale)) for c in REVIEW_COLUMNS if c.key != "total"}
        row["total"] = sum(row.values())
        table[group.key] = row
    return table


def _proactive(rng: random.Random, tpl: Template, zero: bool, makes_regulations: bool) -> Table:
    table: Table = {}
    for row in PROACTIVE_ROWS[tpl]:
        cells = {}
        for col in row.columns:
            if zero or (row.key == "regulations" and not makes_regulations):
                cells[col.key] = 0.0 if col.key == "amount" else 0
            elif col.key == "amount":
                cells[col.key] = round(rng.uniform(0, 80), 2)
            elif col.key == "change":
                cells[col.key] = rng.randint(-5, 5)
            elif col.key in ("in_force", "total_published", "previous"):
                cells[col.key] = rng.randint(5, 60)
            elif col.key == "decisions":
                cells[col.key] = rng.randint(0, 900)
            else:
                cells[col.key] = rng.randint(0, 6)
        table[row.key] = cells
    return table


def _sum(table: Table, rows: tuple[str, ...] | list[str]) -> int:
    return sum(int(table[r]["total"] or 0) for r in rows if r in table)


def _overview(spec: SampleSpec, apps: Table, review: Table) -> str:
    name = spec.agency
    received = apps["received_new"]["total"]
    if received == 0 and apps["carried_over"]["total"] == 0:
        requests = f"{spec.year}年，{name}未收到政府信息公开申请，无上年结转申请。"
    else:
        other = [k for k in apps if k.startswith("other")]
        requests = (
            f"{spec.year}年，{name}共收到政府信息公开申请{received}件，上年结转{apps['carried_over']['total']}件，"
            f"办结{apps['total']['total']}件。其中予以公开{apps['disclosed']['total']}件，"
            f"部分公开{apps['partially_disclosed']['total']}件，"
            f"不予公开{_sum(apps, OUTCOME_GROUPS['withheld'])}件，"
            f"无法提供{_sum(apps, OUTCOME_GROUPS['unavailable'])}件，"
            f"不予处理{_sum(apps, OUTCOME_GROUPS['not_processed'])}件，其他处理{_sum(apps, other)}件；"
            f"结转下年度继续办理{apps['carried_forward']['total']}件。"
        )
    reviews = review["review"]["total"]
    suits = review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
    if reviews == 0 and suits == 0:
        oversight = "全年未发生因政府信息公开工作引起的行政复议、行政诉讼。"
    else:
        oversight = f"全年因政府信息公开工作被申请行政复议{reviews}件，被提起行政诉讼{suits}件。"
    rng = random.Random(spec.seed * 104729 + spec.year)
    paragraphs = [rng.choice(pool).format(name=name) + _detail(rng) for pool in _OVERVIEW]
    return "\n".join(
        [
            "（一）主动公开",
            paragraphs[0],
            "（二）依申请公开",
            requests + "申请均在法定期限内答复。",
            "（三）政府信息管理",
            paragraphs[1],
            "（四）平台建设",
            paragraphs[2],
            "（五）监督保障",
            paragraphs[3] + "将政务公开纳入年度工作考核，开展社会评议，明确责任追究。" + oversight,
        ]
    )


_DETAIL_WHEN = ("全年", "上半年", "下半年", "年内", "第一季度", "第二季度", "第三季度", "第四季度", "汛期前", "年底前")
_DETAIL_WHAT = ("专题会议", "业务培训", "督导检查", "集中宣传", "座谈交流", "实地走访", "问卷调查", "案例评查")
_DETAIL_WHO = ("各科室", "基层站所", "下属单位", "服务窗口", "新入职人员", "信息员队伍", "企业代表", "群众代表")
_CN_COUNT = "两三四五六七八九十"


def _detail(rng: random.Random) -> str:
    """A sentence of its own for each generated paragraph (real reports differ in their particulars)."""
    return (
        f"{rng.choice(_DETAIL_WHEN)}组织{rng.choice(_DETAIL_WHO)}开展{rng.choice(_DETAIL_WHAT)}"
        f"{rng.choice(_CN_COUNT)}次，{rng.choice(_DETAIL_WHO)}参与{rng.choice(_DETAIL_WHAT)}。"
    )


# Alternative wordings, so that generated reports of different organs are not copies of each other.
_OVERVIEW = (
    (
        "{name}坚持以公开为常态、不公开为例外，及时公开机构职能、政策文件、财政预决算等信息，做好政策解读和回应关切。",
        "{name}围绕中心工作，主动公开规划计划、重大项目、民生保障等信息，同步开展政策解读。",
        "{name}严格落实主动公开基本目录，及时发布行政许可、行政处罚、公共服务事项等信息。",
        "{name}聚焦企业和群众关切，加大惠企政策、就业创业、社会救助等信息公开力度。",
        "{name}按照年度政务公开工作要点，细化任务清单，推动各类信息按时公开、应公开尽公开。",
        "{name}加强重大决策预公开，通过征求意见、听证座谈等方式扩大公众参与。",
    ),
    (
        "严格执行信息发布审核机制，开展政策文件清理，动态更新政府信息公开目录。",
        "落实公开属性源头认定，公文办理时同步明确公开方式，防止应公开未公开。",
        "开展行政规范性文件集中清理，对失效废止文件及时标注并调整公开状态。",
        "完善政府信息管理制度，建立发布、审核、保密审查全流程台账。",
        "规范政府信息公开指南编制，及时更新办公地址、联系电话和办理流程。",
        "加强档案化管理，对已公开信息定期复核，确保信息准确、完整、可查。",
    ),
    (
        "优化政府网站信息公开专栏，做好政务新媒体日常维护，提升平台检索和互动功能。",
        "推进政府网站集约化建设，整合栏目设置，提升信息检索的便利性。",
        "加强政务新媒体矩阵管理，关停整合更新不及时、功能重复的账号。",
        "完善政务公开专区建设，在服务大厅设置查阅点，方便群众现场获取信息。",
        "升级依申请公开在线平台，实现申请、受理、答复全流程网上办理。",
        "建立网站内容保障机制，落实日常巡查，及时纠正错链断链和空白栏目。",
    ),
    (
        "成立政务公开工作领导小组，",
        "健全政务公开工作责任制，明确分管领导和联络员，",
        "定期召开政务公开工作推进会，研究解决重点难点问题，",
        "组织全员参加政务公开业务培训，提升依法公开能力，",
        "开展政务公开自查自评，对发现的问题建立清单限期整改，",
        "邀请群众代表参与政务公开评议，听取意见建议，",
    ),
)


_PROBLEMS = (
    "政策解读形式较为单一，图文、视频解读偏少",
    "个别信息发布不够及时，部分栏目更新存在滞后",
    "工作人员业务能力有待提高，对条例的理解不够深入",
    "依申请公开答复文书不够规范，说理不够充分",
    "政府信息公开目录更新不够及时，部分信息分类不准确",
    "政务新媒体互动回应不够及时，留言办理效率不高",
    "基层政务公开标准化规范化建设推进不平衡",
    "重点领域信息公开的深度和广度还有待拓展",
)
_MEASURES = (
    "丰富解读形式，推出更多图解、视频解读产品",
    "加强信息发布审核和栏目巡查，确保信息及时更新",
    "定期组织业务培训，提升工作人员依法公开能力",
    "规范答复文书格式，强化法律审核",
    "动态调整政府信息公开目录，做好分类标注",
    "建立留言办理台账，压实回应责任",
    "推动标准目录向基层延伸，开展对标检查",
    "围绕群众关切拓展重点领域公开内容",
)


def _problems(spec: SampleSpec) -> str:
    rng = random.Random(spec.seed * 7919 + spec.year)
    problems = rng.sample(_PROBLEMS, 3)
    measures = rng.sample(_MEASURES, 3)
    numbered = "；".join(f"{n}是{p}" for n, p in zip("一二三", problems, strict=True))
    return (
        f"（一）存在的主要问题。{numbered}。对上一年度报告提出的问题，{spec.agency}已逐项整改落实。\n"
        f"（二）改进措施。下一步，将{measures[0]}；{measures[1]}；{measures[2]}，切实提升政务公开工作质量。"
    )


def _other_matters(spec: SampleSpec) -> str:
    """Section 六 as the 2021 format asks for it: fees, the year's 工作要点 carried out, and the suggestions and
    proposals answered and published."""
    if spec.year >= 2021:
        proposals = 2 + spec.seed % 7
        return (
            f"依据《政府信息公开信息处理费管理办法》，{spec.year}年{spec.agency}未收取信息处理费。"
            f"对照{spec.year}年政务公开工作要点逐项落实，各项任务均按期完成。"
            f"全年办理人大代表建议和政协提案{proposals}件，办理结果均已依法公开。"
        )
    return "无其他需要报告的事项。"


def make_report(spec: SampleSpec) -> Report:
    rng = random.Random(spec.seed)
    tpl = spec.tpl
    apps = _applications(rng, tpl, spec.all_zero)
    review = _review(rng, spec.all_zero)
    makes_regulations = spec.agency.endswith("人民政府") and ("市" in spec.agency or "省" in spec.agency)
    proactive = _proactive(rng, tpl, spec.all_zero, makes_regulations)
    texts = {
        SectionKey.overview: _overview(spec, apps, review),
        SectionKey.proactive: "",
        SectionKey.applications: "",
        SectionKey.review_litigation: "",
        SectionKey.problems: _problems(spec),
        SectionKey.other_matters: _other_matters(spec),
    }
    return Report(
        source=Source(path="generated", format="txt", sha256="0" * 64),
        title=f"{spec.agency}{spec.year}年政府信息公开工作年度报告",
        agency=spec.agency,
        year=spec.year,
        title_year=spec.year,
        template=tpl.value,
        preface=(
            f"本报告根据《中华人民共和国政府信息公开条例》要求编制。本报告中所列数据的统计期限自{spec.year}年1月1日起"
            f"至{spec.year}年12月31日止。如对本报告有疑问，请与{spec.agency}办公室联系。"
        ),
        sections=[Section(key=k, heading=k.heading, text=t, order=i) for i, (k, t) in enumerate(texts.items())],
        proactive=proactive,
        applications=apps,
        review_litigation=review,
    )


def make_series(agency: str, years: range | list[int], seed: int) -> list[Report]:
    """The same organ's reports for consecutive years, carried-over and in-force figures continuous."""
    reports = [make_report(SampleSpec(agency, year, seed=seed * 100 + year)) for year in years]
    for before, now in pairwise(reports):
        apps = now.applications
        for col in apps["carried_over"]:
            carried = before.applications["carried_forward"][col]
            apps["received_new"][col] += apps["carried_over"][col] - carried
            if apps["received_new"][col] < 0:  # keep counts natural: carry more forward instead
                apps["carried_forward"][col] -= apps["received_new"][col]
                apps["received_new"][col] = 0
            apps["carried_over"][col] = carried
        _rebalance(apps)
        if before.template == now.template == "2021":
            for row in ("regulations", "normative_documents"):
                cells = now.proactive[row]
                cells["in_force"] = before.proactive[row]["in_force"] + cells["issued"] - cells["repealed"]
                if cells["in_force"] < 0:
                    cells["repealed"] += cells["in_force"]
                    cells["in_force"] = 0
        overview = now.section(SectionKey.overview)
        if overview is not None:
            overview.text = _overview(SampleSpec(agency, now.year or 0, seed=seed), apps, now.review_litigation)
    return reports


def _rebalance(apps: Table) -> None:
    """Totals recomputed after a column was changed: received + carried over = handled + carried forward."""
    for col in apps["carried_over"]:
        if col == "total":
            continue
        apps["received_new"][col] = apps["total"][col] + apps["carried_forward"][col] - apps["carried_over"][col]
    for row in apps.values():
        row["total"] = sum(row[c.key] for c in APPLICANT_COLUMNS)


# --- the samples of reports/ -----------------------------------------------------------------------


def sample_reports() -> dict[str, Report]:
    """The reports/ samples: two clean ones (both templates), one with table errors, one empty 五."""
    clean_2021 = make_report(SampleSpec("青禾市自然资源局", 2022, seed=11))
    clean_2019 = make_report(SampleSpec("南屿县人民政府", 2020, seed=7))

    errors = make_report(SampleSpec("白鹭市生态环境局", 2023, seed=23))
    # Three wrong figures, each breaking several checks and said once (nianbao.engine.checking.symptoms):
    errors.applications["disclosed"]["natural_person"] += 2  # NB202 and NB203
    errors.applications["carried_forward"]["total"] += 1  # NB201, NB203 and the prose (NB206)
    errors.review_litigation["review"]["total"] += 1  # NB204 and the prose

    empty_problems = make_report(SampleSpec("云岭镇人民政府", 2021, seed=5, all_zero=True))
    problems = empty_problems.section(SectionKey.problems)
    assert problems is not None
    problems.text = ""
    return {
        "2022-qinghe-natural-resources.txt": clean_2021,
        "2020-nanyu-county.txt": clean_2019,
        "2023-bailu-environment-table-errors.txt": errors,
        "2021-yunling-town-empty-problems.txt": empty_problems,
    }


def write_samples(folder: Path) -> list[Path]:
    from nianbao.engine.testing.render import render_text

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, report in sample_reports().items():
        path = folder / name
        path.write_text(render_text(report), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_samples(Path(sys.argv[1] if len(sys.argv) > 1 else "reports")):
        print(written_path)


# --- a batch of submissions, as a supervising office receives them -----------------------------------

_PLACES = "青禾白鹭南屿云岭东川西塘北湾临江安平永宁长乐福山"
_ORGANS = (
    "自然资源局",
    "生态环境局",
    "教育局",
    "财政局",
    "人民政府",
    "发展和改革局",
    "卫生健康委员会",
    "市场监督管理局",
)


def write_batch(
    folder: Path, count: int, seed: int = 1, formats: tuple[str, ...] = ("txt", "html", "json")
) -> list[Path]:
    """`count` reports of invented organs, two consecutive years each, in turn as the given formats."""
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.render_html import render_html

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    written: list[Path] = []
    n = 0
    while len(written) < count:
        place = _PLACES[n % len(_PLACES)] + _PLACES[(n // len(_PLACES)) % len(_PLACES)]
        agency = f"{place}市{_ORGANS[n % len(_ORGANS)]}"
        first = rng.choice((2021, 2022, 2023))
        for report in make_series(agency, range(first, first + 2), seed=seed * 1000 + n):
            if len(written) == count:
                break
            fmt = formats[len(written) % len(formats)]
            path = folder / f"{len(written):04d}-{report.year}.{fmt}"
            if fmt == "txt":
                path.write_text(render_text(report, "pdf" if len(written) % 2 else "plain"), encoding="utf-8")
            elif fmt == "html":
                path.write_bytes(render_html(report, encoding="gbk" if len(written) % 3 == 0 else "utf-8"))
            elif fmt == "json":
                path.write_text(report.model_dump_json(by_alias=True), encoding="utf-8")
            elif fmt == "docx":
                from nianbao.engine.testing.render_docx import render_docx

                render_docx(report, path)
            written.append(path)
        n += 1
    return written
