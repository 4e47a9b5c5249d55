"""The two official table templates (2019 and 2021): row and column keys with their printed labels.

Everything that needs to know the shape of tables 二, 三 and 四 (readers, rules, the sample generator,
the JSON Schema) takes it from here, so the keys of report-model.md are written down exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from nianbao.engine.template_en import english


class Template(StrEnum):
    T2019 = "2019"
    T2021 = "2021"


@dataclass(frozen=True)
class Line:
    """A row or a column of a template table: its model key and its printed label."""

    key: str
    label: str


# --- section 三: applications -------------------------------------------------------------

APPLICANT_COLUMNS: tuple[Line, ...] = (
    Line("natural_person", "自然人"),
    Line("commercial", "商业企业"),
    Line("research", "科研机构"),
    Line("social_welfare", "社会公益组织"),
    Line("legal_service", "法律服务机构"),
    Line("other_org", "其他"),
)
APPLICATION_COLUMNS: tuple[Line, ...] = (*APPLICANT_COLUMNS, Line("total", "总计"))

_WITHHELD = (
    Line("withheld.state_secret", "（三）不予公开 1.属于国家秘密"),
    Line("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开"),
    Line("withheld.security_stability", "3.危及“三安全一稳定”"),
    Line("withheld.third_party_rights", "4.保护第三方合法权益"),
    Line("withheld.internal_affairs", "5.属于三类内部事务信息"),
    Line("withheld.process_information", "6.属于四类过程性信息"),
    Line("withheld.enforcement_files", "7.属于行政执法案卷"),
    Line("withheld.administrative_inquiry", "8.属于行政查询事项"),
)
_UNAVAILABLE = (
    Line("unavailable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息"),
    Line("unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    Line("unavailable.unclear_after_correction", "3.补正后申请内容仍不明确"),
)
_NOT_PROCESSED = (
    Line("not_processed.petition_complaint", "（五）不予处理 1.信访举报投诉类申请"),
    Line("not_processed.duplicate", "2.重复申请"),
    Line("not_processed.publication", "3.要求提供公开出版物"),
    Line("not_processed.excessive", "4.无正当理由大量反复申请"),
    Line("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息"),
)
_OTHER_2019 = (Line("other", "（六）其他处理"),)
_OTHER_2021 = (
    Line(
        "other.no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    ),
    Line(
        "other.fee_unpaid",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    ),
    Line("other.other", "3.其他"),
)


def _application_rows(other: tuple[Line, ...]) -> tuple[Line, ...]:
    return (
        Line("received_new", "一、本年新收政府信息公开申请数量"),
        Line("carried_over", "二、上年结转政府信息公开申请数量"),
        Line("disclosed", "三、本年度办理结果 （一）予以公开"),
        Line("partially_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
        *_WITHHELD,
        *_UNAVAILABLE,
        *_NOT_PROCESSED,
        *other,
        Line("total", "（七）总计"),
        Line("carried_forward", "四、结转下年度继续办理"),
    )


APPLICATION_ROWS: dict[Template, tuple[Line, ...]] = {
    Template.T2019: _application_rows(_OTHER_2019),
    Template.T2021: _application_rows(_OTHER_2021),
}

# Subtotal rows some reports add; not template rows, but checked against their items (NB202).
SUBTOTAL_ROWS: tuple[Line, ...] = (
    Line("withheld", "（三）不予公开 小计"),
    Line("unavailable", "（四）无法提供 小计"),
    Line("not_processed", "（五）不予处理 小计"),
    Line("other_subtotal", "（六）其他处理 小计"),
)

# The outcome groups whose rows add up to （七）总计.
OUTCOME_GROUPS: dict[str, tuple[str, ...]] = {
    "disclosed": ("disclosed",),
    "partially_disclosed": ("partially_disclosed",),
    "withheld": tuple(line.key for line in _WITHHELD),
    "unavailable": tuple(line.key for line in _UNAVAILABLE),
    "not_processed": tuple(line.key for line in _NOT_PROCESSED),
    "other_subtotal": tuple(line.key for line in _OTHER_2021),
}

SUBTOTAL_KEYS: tuple[str, ...] = tuple(line.key for line in SUBTOTAL_ROWS)
_ITEM_ROWS = tuple(
    row
    for group in ("disclosed", "partially_disclosed", "withheld", "unavailable", "not_processed")
    for row in OUTCOME_GROUPS[group]
)


def outcome_rows(apps: dict) -> list[str] | None:
    """The rows of a table 三 that add up to （七）总计 (the 2021 （六）1–3, else the 2019 （六）), or None when one
    of them is missing."""
    other = [k for k in OUTCOME_GROUPS["other_subtotal"] if k in apps] or (["other"] if "other" in apps else [])
    rows = [*_ITEM_ROWS, *other]
    return rows if other and all(r in apps for r in _ITEM_ROWS) else None


# --- section 四: review and litigation -----------------------------------------------------

REVIEW_GROUPS: tuple[Line, ...] = (
    Line("review", "行政复议"),
    Line("litigation_direct", "行政诉讼·未经复议直接起诉"),
    Line("litigation_after_review", "行政诉讼·复议后起诉"),
)
REVIEW_COLUMNS: tuple[Line, ...] = (
    Line("upheld", "结果维持"),
    Line("corrected", "结果纠正"),
    Line("other", "其他结果"),
    Line("pending", "尚未审结"),
    Line("total", "总计"),
)
REVIEW_WIDTH = len(REVIEW_GROUPS) * len(REVIEW_COLUMNS)  # table 四 printed as one row of values: 15

# --- section 二: proactive disclosure ------------------------------------------------------

_COLS_2019_DOCS = (
    Line("new_made", "本年新制作数量"),
    Line("new_published", "本年新公开数量"),
    Line("total_published", "对外公开总数量"),
)
_COLS_2019_ITEMS = (
    Line("previous", "上一年项目数量"),
    Line("change", "本年增/减"),
    Line("decisions", "处理决定数量"),
)
_COLS_2021_DOCS = (
    Line("issued", "本年制发件数"),
    Line("repealed", "本年废止件数"),
    Line("in_force", "现行有效件数"),
)
_COLS_2021_DECISIONS = (Line("decisions", "本年处理决定数量"),)


@dataclass(frozen=True)
class ProactiveRow:
    key: str
    label: str
    columns: tuple[Line, ...]


PROACTIVE_ROWS: dict[Template, tuple[ProactiveRow, ...]] = {
    Template.T2019: (
        ProactiveRow("regulations", "第二十条第（一）项 规章", _COLS_2019_DOCS),
        ProactiveRow("normative_documents", "规范性文件", _COLS_2019_DOCS),
        ProactiveRow("licensing", "第二十条第（五）项 行政许可", _COLS_2019_ITEMS),
        ProactiveRow("other_services", "其他对外管理服务事项", _COLS_2019_ITEMS),
        ProactiveRow("penalties", "第二十条第（六）项 行政处罚", _COLS_2019_ITEMS),
        ProactiveRow("enforcement", "行政强制", _COLS_2019_ITEMS),
        ProactiveRow("fees", "第二十条第（八）项 行政事业性收费", _COLS_2019_ITEMS[:2]),
        ProactiveRow(
            "procurement",
            "第二十条第（九）项 政府集中采购",
            (Line("count", "采购项目数量"), Line("amount", "采购总金额")),
        ),
    ),
    Template.T2021: (
        ProactiveRow("regulations", "第二十条第（一）项 规章", _COLS_2021_DOCS),
        ProactiveRow("normative_documents", "行政规范性文件", _COLS_2021_DOCS),
        ProactiveRow("licensing", "第二十条第（五）项 行政许可", _COLS_2021_DECISIONS),
        ProactiveRow("penalties", "第二十条第（六）项 行政处罚", _COLS_2021_DECISIONS),
        ProactiveRow("enforcement", "行政强制", _COLS_2021_DECISIONS),
        ProactiveRow(
            "fees",
            "第二十条第（八）项 行政事业性收费",
            (Line("amount", "本年收费金额（单位：万元）"),),
        ),
    ),
}

# Cells that hold money (a number, not a count): (row, column) per template.
MONEY_CELLS: dict[Template, frozenset[tuple[str, str]]] = {
    Template.T2019: frozenset({("procurement", "amount")}),
    Template.T2021: frozenset({("fees", "amount")}),
}
# Cells that may be negative: the 2019 本年增/减 column.
SIGNED_COLUMNS: dict[Template, frozenset[str]] = {
    Template.T2019: frozenset({"change"}),
    Template.T2021: frozenset(),
}


def _first_labels(lines) -> dict[str, str]:
    labels: dict[str, str] = {}
    for line in lines:
        labels.setdefault(line.key, line.label)
    return labels


# The model's three statistical tables (report-model.md): what a finding's cells and rows can belong to.
TABLES = frozenset({"proactive", "applications", "review_litigation"})

_ROW_LABELS = {
    "applications": _first_labels([line for rows in (*APPLICATION_ROWS.values(), SUBTOTAL_ROWS) for line in rows]),
    "review_litigation": _first_labels(REVIEW_GROUPS),
    "proactive": _first_labels([Line(r.key, r.label) for rows in PROACTIVE_ROWS.values() for r in rows]),
}
_COLUMN_LABELS = {
    "applications": _first_labels(APPLICATION_COLUMNS),
    "review_litigation": _first_labels(REVIEW_COLUMNS),
    "proactive": _first_labels([c for rows in PROACTIVE_ROWS.values() for r in rows for c in r.columns]),
}


def row_label(table: str, key: str, lang: str = "zh") -> str:
    """The printed label of a row key in table `table` (a model key: proactive, applications, …); in English with
    `lang="en"`."""
    label = _ROW_LABELS.get(table, {}).get(key) or key.removeprefix("extra.")
    return english(label) if lang == "en" else label


# Table 二's columns differ by row and template (2021 fees: 本年收费金额, 2019 procurement: 采购总金额).
_PROACTIVE_CELL_LABELS = {
    (t.value, r.key, c.key): c.label for t, rows in PROACTIVE_ROWS.items() for r in rows for c in r.columns
}


def column_label(table: str, key: str, row: str | None = None, template: str | None = None, lang: str = "zh") -> str:
    """The printed label of a column key in table `table`; for table 二, give the row (and the template when
    known) to get the column as that row prints it. In English with `lang="en"`."""
    label = None
    if table == "proactive" and row is not None:
        for tpl in ([template] if template else []) + [t.value for t in reversed(Template)]:
            label = _PROACTIVE_CELL_LABELS.get((tpl, row, key))
            if label:
                break
    label = label or _COLUMN_LABELS.get(table, {}).get(key) or key
    return english(label) if lang == "en" else label
