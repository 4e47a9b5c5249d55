"""The report model of spec/report-model.md as pydantic models.

Every reader produces a `Report`; rules, plugins and outputs see nothing else. The JSON form
(`Report.to_json_dict()`) is what `nianbao parse` prints and what schemas/report.schema.json validates.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

REPORT_SCHEMA_ID = "nianbao/report/1"

# A table cell: a count (int), a money amount (float), blank or dash (None), or text kept as printed.
Cell = StrictInt | StrictFloat | StrictStr | None
Table = dict[str, dict[str, Cell]]


class SectionKey(StrEnum):
    """The six mandatory sections, in their official order."""

    overview = "overview"
    proactive = "proactive"
    applications = "applications"
    review_litigation = "review_litigation"
    problems = "problems"
    other_matters = "other_matters"

    @property
    def numeral(self) -> str:
        return "一二三四五六"[list(SectionKey).index(self)]

    @property
    def heading(self) -> str:
        """The canonical heading of the 2021 format."""
        return _HEADINGS[self]

    @property
    def heading_en(self) -> str:
        return _HEADINGS_EN[self]


_HEADINGS = {
    SectionKey.overview: "一、总体情况",
    SectionKey.proactive: "二、主动公开政府信息情况",
    SectionKey.applications: "三、收到和处理政府信息公开申请情况",
    SectionKey.review_litigation: "四、政府信息公开行政复议、行政诉讼情况",
    SectionKey.problems: "五、存在的主要问题及改进情况",
    SectionKey.other_matters: "六、其他需要报告的事项",
}

_HEADINGS_EN = {
    SectionKey.overview: "General situation",
    SectionKey.proactive: "Proactive disclosure",
    SectionKey.applications: "Applications received and handled",
    SectionKey.review_litigation: "Administrative reconsideration and litigation",
    SectionKey.problems: "Main problems and improvements",
    SectionKey.other_matters: "Other matters to report",
}

SourceFormat = Literal["pdf", "html", "docx", "txt", "json", "ofd", "image", "sheet"]


class _Model(BaseModel):
    # NaN and ±Infinity are no figures a report prints, and would make the JSON output invalid.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class Source(_Model):
    path: str
    format: SourceFormat
    sha256: str
    pages: int | None = None
    # Extension to the contract: "ocr" when the text and figures were recognised in page images (a scan or a
    # photo), so that what was not read is never taken for what the report lacks.
    reading: Literal["ocr"] | None = None
    # Extension: the pages read by OCR when the others were read from the PDF's text layer (a scanned page among
    # printed ones, a table pasted as a picture: nianbao.engine.readers.pdf.shown); None when every page was, or none.
    ocr_pages: list[int] | None = None


# A figure read by OCR with less confidence than this is doubtful: marked on the clerk's page, named in findings.
LOW_CONFIDENCE = 0.8


class Anchor(_Model):
    """Where something stands in the source: PDF page and/or text line (1-based)."""

    page: int | None = None
    line: int | None = None
    # Where on the page (PDF): left, top, right, bottom as fractions of the page's width and height.
    box: tuple[float, float, float, float] | None = None
    # A table cell read from a scan: "ocr", and for a figure how far its reading is to be trusted (0–1).
    source: Literal["ocr"] | None = None
    confidence: float | None = None


class Unplaced(_Model):
    """A table found in the source but not laid onto the template: how many values were read, and whether by OCR
    (then the values, not the report, may be what is short)."""

    values: int
    source: Literal["ocr"] | None = None


class Placement(_Model):
    """A table row laid onto a template row not by its label's own words but by its likeness to the template's
    label ("similarity": a character or two differ) or by where it stands ("order": a label OCR could not read), or
    by the last of the template labels its label holds ("merged": rows read as one)."""

    label: str
    by: Literal["similarity", "order", "merged"]


class Section(_Model):
    key: SectionKey
    heading: str
    text: str
    order: int
    # Extension to the contract: where each line of `text` stands in the source (page and/or line), so a
    # finding about a sentence can name its own line; None when the reader cannot tell.
    lines: list[Anchor] | None = None

    def anchor_at(self, line: int) -> Anchor | None:
        """Where the `line`-th (0-based) line of the text stands."""
        return self.lines[line] if self.lines and 0 <= line < len(self.lines) else None


class Report(_Model):
    """One annual report, whatever format it came in. Keys follow spec/report-model.md."""

    schema_: Literal["nianbao/report/1"] = Field(default=REPORT_SCHEMA_ID, alias="schema")
    source: Source
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    title_year: int | None = None
    template: Literal["2019", "2021"] | None = None
    published: dt.date | None = None
    # Extension to the contract: the date printed under the signature at the end (or under the title), when
    # there is one; `published` falls back to it when the source states no publication date.
    signed: dt.date | None = None
    # Extension: where `published` comes from: the page or file states it ("page"), the signature's date stands in
    # for it ("signature": a report is signed before it goes up, so lateness judged on it is a warning), or the
    # office's roster gives it ("office").
    published_by: Literal["page", "signature", "office"] | None = None
    sections: list[Section] = Field(default_factory=list)
    proactive: Table = Field(default_factory=dict)
    applications: Table = Field(default_factory=dict)
    review_litigation: Table = Field(default_factory=dict)
    notes: list[str] = Field(default_factory=list)
    # Extension to the contract: the text between the title and section 一 (where the 统计期限 sentence,
    # the legal basis and the contact details usually stand).
    preface: str = ""
    # Extension to the contract: where sections and table rows stand in the source, keyed
    # "section.<key>" or "<table>.<row>", so findings can name a page or a line.
    anchors: dict[str, Anchor] = Field(default_factory=dict)
    # Where each table cell was read, keyed "table:row:column" (PDF: its page and box), for showing a finding on
    # the report's own page.
    cell_anchors: dict[str, Anchor] = Field(default_factory=dict)
    # Extension to the contract: the unit a money cell was printed with ("元", "万元"), keyed
    # "<table>.<row>.<column>", when the source wrote one; the cell itself holds the number.
    units: dict[str, str] = Field(default_factory=dict)
    # Extension to the contract: a table or template row the reader found but could not lay onto the template's
    # columns (table 四 with 14 values for its 15 columns), keyed "<table>" or "<table>.<row>": what was read of it.
    unplaced: dict[str, Unplaced] = Field(default_factory=dict)
    # Extension to the contract: table rows placed on the template by guess (nianbao.engine.readers.pipeline.placement),
    # keyed "<table>.<row>": the label as printed and how. A finding resting on such a row says so.
    placements: dict[str, Placement] = Field(default_factory=dict)

    def section(self, key: SectionKey | str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def has_section(self, key: SectionKey | str) -> bool:
        return self.section(key) is not None

    def table(self, name: str) -> Table:
        return getattr(self, name)

    def anchor(self, key: str) -> Anchor | None:
        return self.anchors.get(key)

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True)
