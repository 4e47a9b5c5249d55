"""Patterns of judgement: a sentence, a section or a table of a clean sample report changed the way real reports
differ, each with the rules it is checked by and the findings it must give (none: the rules must stay silent on it),
written in txt, html, docx, ofd and pdf by `write_judgement_patterns` (called by nianbao.engine.testing.patterns)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from nianbao.engine.model import Report
from nianbao.engine.testing.formats import AGENCY, pdfs_of, sample, write_formats


def _say(report: Report, key: str, sentence: str) -> Report:
    """The report with `sentence` added at the end of section `key`'s prose."""
    section = report.section(key)
    section.text = (section.text.rstrip() + "\n" + sentence).strip()
    return report


def bare_forms() -> Report:
    """ "答复N件" and "诉讼N件" opening their clauses, each one more than the table: two NB206 findings."""
    report = sample()
    apps, review = report.applications, report.review_litigation
    lawsuits = review["litigation_direct"]["total"] + review["litigation_after_review"]["total"]
    return _say(
        report,
        "overview",
        f"全年共收到政府信息公开申请{apps['received_new']['total']}件，答复{apps['total']['total'] + 2}件。"
        f"因政府信息公开被申请行政复议{review['review']['total']}件、诉讼{lawsuits + 1}件。",
    )


def fee_notice() -> Report:
    """Section 六 says no fee notice was issued while table 三 counts applicants who let one lapse: NB206."""
    report = sample()
    assert report.applications["other.fee_unpaid"]["total"], "the sample counts unpaid fee notices"
    return _say(report, "other_matters", "本年度未向申请人发出收费通知。")


def old_term() -> Report:
    """The prose counts 规范性文件, the 2019 table's name, in a 2022 report: NB107."""
    issued = sample().proactive["normative_documents"]["issued"]
    return _say(sample(), "overview", f"本年度制发规范性文件{issued}件。")


def stale_year() -> Report:
    """A paragraph of last year's report left in: "2021年，在主动公开的61条信息中…" in the 2022 report: NB309."""
    return _say(sample(), "overview", "2021年，在主动公开的61条信息中，政策解读12条。")


def another_organ() -> Report:
    """The prose speaks as another city's organ of the same kind ("青山市测试局认真贯彻…"): NB308."""
    return _say(sample(), "overview", "青山市测试局认真贯彻《条例》，持续做好政府信息公开工作。")


def _five(text: str, agency: str = AGENCY) -> Report:
    report = sample(agency)
    section = report.section("problems")
    section.text = text
    return report


def document_counts() -> Report:
    """Documents counted by disclosure attribute ("依申请公开信息数182条"): not the year's applications, no NB206."""
    return _say(sample(), "overview", "本年度依申请公开信息数182条，不予公开信息数95条。")


def other_years() -> Report:
    """Figures of another time beside this year's ("较上年的81件", "2019年以来累计"): not read, no NB206 or NB309."""
    report = sample()
    received = report.applications["received_new"]["total"]
    return _say(
        report,
        "overview",
        f"全年共收到政府信息公开申请{received}件，较上年的81件有所变化；2019年以来累计收到政府信息公开申请300件。",
    )


def review_body() -> Report:
    """The organ as a reconsideration body ("作为复议机关…56件"): not table 四's cases, no NB206."""
    return _say(sample(), "overview", "本机关作为复议机关，全年办理行政复议案件56件。")


def paragraph_subject() -> Report:
    """The paragraph's subject in its heading ("（二）依申请公开的情况" above "共收到N件申请"), the figure 3 more than
    the table: NB206 reads it."""
    report = sample()
    received = report.applications["received_new"]["total"]
    return _say(report, "overview", f"（二）依申请公开的情况\n共收到{received + 3}件申请。")


def total_column_zero() -> Report:
    """Table 三's 总计 column left at 0 in every row: one finding listing the cells (NB203), and the prose's figures
    read from the applicant columns (no NB206)."""
    report = sample()
    for row in report.applications.values():
        row["total"] = 0
    return report


def no_regulations_row() -> Report:
    """A department that leaves out the 规章 row of table 二 (it cannot make 规章): a warning saying why, not a
    missing-row error."""
    report = sample()
    del report.proactive["regulations"]
    return report


def signature_typo() -> Report:
    """A signature dated "2032年1月10日" (a typo): no publication date is taken from it, so no NB401."""
    return _say(sample(), "other_matters", f"{AGENCY}\n2032年1月10日")


def _government(agency: str) -> Callable[[], Report]:
    def make() -> Report:
        return sample(agency=agency)

    make.__doc__ = f"{agency}: a government (deadline 3月31日), published on 3月20日: no NB401, no NB207."
    return make


# Patterns of judgement (a sentence, a section or a table changed the way real reports differ), with the rules each
# is checked by and the findings it must give (none: the rules must stay silent on it).
JUDGEMENT_PATTERNS: dict[str, tuple[Callable[[], Report], frozenset[str], dict[str, int]]] = {
    "prose-bare-forms": (bare_forms, frozenset({"NB206"}), {"NB206.figure": 2}),
    "fee-notice": (fee_notice, frozenset({"NB206"}), {"NB206.none": 1}),
    "old-term": (old_term, frozenset({"NB107"}), {"NB107.outdated": 1}),
    "stale-year": (stale_year, frozenset({"NB309"}), {"NB309.stale": 1}),
    "another-organ": (another_organ, frozenset({"NB308"}), {"NB308.prose": 1}),
    "document-counts": (document_counts, frozenset({"NB206"}), {}),
    "other-years": (other_years, frozenset({"NB206", "NB309"}), {}),
    "review-body": (review_body, frozenset({"NB206"}), {}),
    "paragraph-subject": (paragraph_subject, frozenset({"NB206"}), {"NB206.figure": 1}),
    "five-not-applicable": (lambda: _five("不涉及。"), frozenset({"NB301"}), {"NB301.nothing": 1}),
    "five-concrete": (
        lambda: _five(
            "（一）存在的主要问题。一是出现政治用语、断字错误；二是将个人信息未打码直接发布。"
            "（二）改进情况。已建立三审三校制度，对已发布信息逐条排查，并对相关人员开展培训。"
        ),
        frozenset({"NB301", "NB302"}),
        {},
    ),
    "five-first-year": (
        lambda: _five("本机关处于成立之初，政府信息公开工作机制尚不健全。下一步将完善制度，加强培训。"),
        frozenset({"NB301", "NB303"}),
        {},
    ),
    "total-column-zero": (total_column_zero, frozenset({"NB201", "NB202", "NB203", "NB206"}), {"NB203.column": 1}),
    "no-regulations-row": (no_regulations_row, frozenset({"NB105"}), {"NB105.row-cannot-make": 1}),
    "signature-typo": (signature_typo, frozenset({"NB401"}), {}),
    "organ-forest-district": (_government("神农架林区人民政府"), frozenset({"NB401", "NB207"}), {}),
    "organ-league": (_government("阿拉善盟行政公署"), frozenset({"NB401", "NB207"}), {}),
    "organ-bare-town": (_government("临洮县新添镇"), frozenset({"NB401", "NB207"}), {}),
}
# The date in the HTML of a judgement pattern: within a department's deadline (1月31日), and for the governments'
# patterns within theirs (3月31日) only.
PATTERN_PUBLISHED = {"department": dt.date(2023, 1, 20), "government": dt.date(2023, 3, 20)}


def write_judgement_patterns(folder: Path, pdf: bool = True) -> list[Path]:
    """JUDGEMENT_PATTERNS in txt, html (with a PATTERN_PUBLISHED date), docx, ofd and, with LibreOffice, pdf."""
    written: list[Path] = []
    for name, (make, _, _) in JUDGEMENT_PATTERNS.items():
        published = PATTERN_PUBLISHED["government" if name.startswith("organ-") else "department"]
        written += write_formats(make(), folder, name, published=published)
    return written + pdfs_of(written, folder, pdf)
