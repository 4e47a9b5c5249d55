"""Turn what a reader found (prose by section, table rows) into the report model.

Every format ends here, so the title, year, organ and template are decided the same way whether the
report came as text, PDF, HTML or DOCX.
"""

from __future__ import annotations

import datetime as dt
import re

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.model import Anchor, Placement, Report, Section, Source, Unplaced
from nianbao.engine.notes import note
from nianbao.engine.readers.pipeline.landmarks import agency_from_title, date_at_end, find_title, period_year, year_in
from nianbao.engine.readers.pipeline.normalize import compact
from nianbao.engine.readers.pipeline.onto_template import (
    build_applications,
    build_proactive,
    build_review,
    decide_template,
)
from nianbao.engine.readers.pipeline.raw import RawDocument, RawSection
from nianbao.engine.template import Template
from nianbao.engine.text import IDEOGRAPH


def _infer_template(report: Report) -> Template | None:
    """Fallback when no header word decided: the rows a table has only in one template."""
    apps, pro = report.applications, report.proactive
    if any(k.startswith("other.") for k in apps) or "other_subtotal" in apps:
        return Template.T2021
    if "procurement" in pro or "other_services" in pro or "new_made" in pro.get("regulations", {}):
        return Template.T2019
    if "issued" in pro.get("regulations", {}) or "amount" in pro.get("fees", {}):
        return Template.T2021
    if "other" in apps:
        return Template.T2019
    return None


def _section(raw: RawSection, order: int) -> Section:
    lines, where = [], []
    for n, text in enumerate(raw.prose):
        for part in text.split("\n"):
            lines.append(part)
            where.append(raw.line_anchors[n] if n < len(raw.line_anchors) else Anchor())
    known = any(a.page is not None or a.line is not None for a in where)
    return Section(key=raw.key, heading=raw.heading, text="\n".join(lines), order=order, lines=where if known else None)


def build_report(doc: RawDocument, source: Source) -> Report:
    title = doc.title or find_title(doc.head)
    notes = list(doc.notes)
    template, template_notes = decide_template(doc.table_text)
    notes += template_notes

    proactive = build_proactive(doc.proactive_rows, template, by_order=doc.ocr)
    applications = build_applications(doc.application_rows, by_order=doc.ocr)
    review = (
        build_review(doc.review_values, doc.review_anchor, doc.review_cell_anchors, ocr=doc.ocr)
        if doc.review_values
        else None
    )

    sections = [_section(s, i) for i, s in enumerate(doc.sections)]
    anchors = {f"section.{s.key.value}": s.anchor for s in doc.sections if s.anchor}
    units: dict[str, str] = {}
    cells: dict[str, Anchor] = {}
    unplaced: dict[str, Unplaced] = {}
    placements: dict[str, Placement] = {}
    for built in (proactive, applications, review):
        if built:
            unplaced.update(
                (key, Unplaced(values=count, source="ocr" if doc.ocr else None))
                for key, count in built.unplaced.items()
            )
            notes += built.notes
            anchors.update(built.anchors)
            units.update(built.units)
            cells.update(built.cells)
            placements.update((key, Placement(label=label, by=by.value)) for key, (label, by) in built.guessed.items())

    title_key = compact(title or "")
    preface = "\n".join(line.strip() for line in doc.head if compact(line) and compact(line) not in title_key)
    signed = date_at_end(doc.sections[-1].prose) if doc.sections else None
    title_year = year_in(title)
    year = period_year(doc.full_text) or title_year
    # A signature's date stands in for the publication date only when it can be one: in the report year or the one
    # after, and not in the future (a typo'd 2032年1月10日 is no date, and never "3266 days late").
    usable = signed is not None and signed <= dt.date.today() and (year is None or year <= signed.year <= year + 1)
    published = doc.published or (signed if usable else None)
    published_by = "page" if doc.published else "signature" if published else None
    report = Report(
        source=source,
        title=title,
        agency=agency_from_title(title),
        year=year,
        title_year=title_year,
        template=template.value if template else None,
        published=published,
        published_by=published_by,
        signed=signed,
        sections=sections,
        proactive=proactive.table,
        applications=applications.table,
        review_litigation=review.table if review else {},
        notes=notes,
        preface=preface,
        anchors=anchors,
        cell_anchors=cells,
        units=units,
        unplaced=unplaced,
        placements=placements,
    )
    if report.template is None:
        inferred = _infer_template(report)
        if inferred:
            report.template = inferred.value
            report.notes.append(note("note.template-inferred", template=inferred.value))
    if not sections and not (report.proactive or report.applications or report.review_litigation):
        raise ReadError(ErrorCode.not_a_report)
    out_of_scope(report, doc)
    return report


# The pre-2019 统计表: one column of indicators with their units, not the template's tables.
_OLD_TABLE = ("指标名称", "计量单位")
_PLACEHOLDER = re.compile(r"[（(][^）)]*(?:文字描述|填写|此处)[^）)]*[）)]|XX+|××+|＿+|_+")


def out_of_scope(report: Report, doc: RawDocument) -> None:
    """Refuse, with one clear message, what the current templates do not apply to: a report for a year
    before 2019 or in the old 统计表 layout, and the blank official template."""
    year = report.year or report.title_year
    if report.template is None and (year is not None and year < 2019):
        raise ReadError(ErrorCode.out_of_scope, year=year)
    if report.template is None and all(word in compact(doc.full_text) for word in _OLD_TABLE):
        raise ReadError(ErrorCode.out_of_scope, "error.old-format")
    cells = [
        v
        for name in ("proactive", "applications", "review_litigation")
        for row in report.table(name).values()
        for v in row.values()
    ]
    prose = "".join(
        _PLACEHOLDER.sub("", s.text)
        for s in report.sections
        if s.key.value in {"overview", "problems", "other_matters"}
    )
    if cells and all(v is None for v in cells) and len(IDEOGRAPH.findall(prose)) < 20:
        raise ReadError(ErrorCode.out_of_scope, "error.blank-template")
