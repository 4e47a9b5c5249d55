"""The result document of spec/interfaces.md (`--format json`), as pydantic models.

schemas/result.schema.json validates its JSON form; every output format is rendered from these models.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from nianbao.engine.model import Report
from nianbao.engine.rule import Brief, Category, Location, Severity
from pydantic import BaseModel, ConfigDict, Field

RESULT_SCHEMA_ID = "nianbao/result/1"


class Status(StrEnum):
    passed = "pass"
    failed = "fail"
    not_applicable = "not_applicable"
    error = "error"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Review(_Model):
    """A reviewer's decision on one finding, from the review file."""

    status: Literal["confirmed", "dismissed"]
    reason: str = ""
    reviewer: str | None = None


class Symptom(_Model):
    """A finding said as part of another: the same wrong figure breaks this check too
    (nianbao.engine.checking.symptoms)."""

    rule: str
    key: str | None = None
    message: str
    fingerprint: str = ""
    params: dict[str, Any] = Field(default_factory=dict)  # to say the message again in another language


class FindingResult(_Model):
    # Stable across runs: rule, location and the report's identity (organ and year, else content).
    fingerprint: str = ""
    rule: str
    name: str
    severity: Severity
    message: str
    key: str | None = None  # the message key, so other systems can translate
    params: dict[str, Any] = Field(default_factory=dict)
    location: Location = Field(default_factory=Location)
    expected: Any = None
    actual: Any = None
    ceiling: str | None = None  # the highest grade the report may have with this finding
    # Cells ("table:row:column") the finding rests on that OCR read with little confidence
    # (nianbao.engine.checking.uncertain).
    doubtful_cells: list[str] | None = None
    # What the finding says is missing that OCR may not have read: "section.<key>", "<table>", "<table>.<row>"; or
    # the prose it holds against a table, read by OCR: "prose.<section>".
    doubtful_parts: list[str] | None = None
    review: Review | None = None
    # The value each cell would need for the finding to go away (Finding.fixes); one cell once findings are gathered.
    fixes: dict[str, float] | None = None
    # Other checks the same wrong figure breaks, said within this finding and costing nothing apart.
    symptoms: list[Symptom] | None = None

    @property
    def pending(self) -> bool:
        """Whether the finding rests on what the reading may have got wrong (nianbao.engine.checking.uncertain) and no
        reviewer has confirmed it yet: it is shown as 待核实 and deducts nothing."""
        return bool(self.doubtful_cells or self.doubtful_parts) and not (self.review and self.review.status)

    @property
    def counts(self) -> bool:
        """Whether the finding counts (for the score and the exit code): not dismissed by a reviewer, and not
        pending a person's check of the original."""
        return not (self.review and self.review.status == "dismissed") and not self.pending


class RuleResult(_Model):
    rule: str
    status: Status
    severity: Severity
    weight: float
    category: Category = Category.other
    penalty: float = 0.0
    reason: str | None = None  # why a rule crashed


class FileError(_Model):
    code: str
    message: str  # what is wrong and what to do, in plain words
    detail: str | None = None  # what the reader saw, for the office and other systems (never shown to a clerk)
    key: str | None = None  # the message key, so the message can be said in another language
    params: dict[str, Any] = Field(default_factory=dict)


class SourceRef(_Model):
    path: str
    format: str | None = None
    sha256: str | None = None


class FileResult(_Model):
    source: SourceRef
    # Who the report is from: the roster's name for the organ it matched, else the canonical printed name; its
    # region and kind (部门, 政府, 乡镇街道, 管委会, 办公厅, 其他) from the roster, else from the name.
    organ: str | None = None
    region: str | None = None
    kind: str | None = None
    # The same organ's score for the year before, when that report was in the batch or the history.
    previous_score: float | None = None
    report: Report | None = None
    error: FileError | None = None
    score: float | None = None
    grade: str | None = None
    # Points taken off per category (发布与时效, 要素完整, 数据准确, 内容质量, 跨年与雷同): where the score went.
    deductions: dict[Category, float] = Field(default_factory=dict)
    # Points kept per category, when the profile gives categories points (the evaluator profile does).
    # None for a category none of whose rules could run (`not_judged` says why): not judged is not full marks.
    category_scores: dict[Category, float | None] = Field(default_factory=dict)
    # Categories none of whose rules could run on the report, each with why (nianbao.engine.scoring.NOT_JUDGED's keys:
    # no-date, no-kind, no-history, crashed, not-applicable).
    not_judged: dict[Category, str] = Field(default_factory=dict)
    findings: list[FindingResult] = Field(default_factory=list)
    rules: list[RuleResult] = Field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity and f.counts)


class Summary(_Model):
    files: int
    checked: int
    unreadable: int
    mean_score: float | None
    grades: dict[str, int]
    cached: int = 0  # results taken from the cache instead of reading the file again


class ToolInfo(_Model):
    name: str = "nianbao"
    version: str


class Letterhead(_Model):
    """Who sends the feedback letters and the circular, and how long organs have to answer (a profile's
    `[letters]`)."""

    office: str = ""  # e.g. 某某市人民政府办公室（政务公开办）
    reply_days: int = Field(default=15, ge=1, le=365)
    contact: str = ""  # a name and a telephone number, printed under the letter


class ProfileInfo(_Model):
    name: str
    weights: dict[str, float]
    severities: dict[str, Severity] = Field(default_factory=dict)
    method: str
    # What each category is worth and the most its rules may take off (empty: the plain deduction model).
    categories: dict[Category, dict[str, float]] = Field(default_factory=dict)
    ceilings: dict[str, str] = Field(default_factory=dict)  # rule id -> the highest grade with an error of it
    titles: dict[str, str] = Field(default_factory=dict)  # every rule's title, in the document's language
    applies: dict[str, str] = Field(default_factory=dict)  # when each rule applies, in the document's language
    letterhead: Letterhead = Field(default_factory=Letterhead)


class PluginRecord(_Model):
    name: str
    origin: str
    version: str | None = None
    error: str | None = None


class MissingOrgan(_Model):
    organ: str
    kind: str = ""
    region: str = ""


class Ambiguous(_Model):
    path: str
    candidates: list[str]


class RosterEntry(_Model):
    """One organ of the roster and what it filed for the year."""

    organ: str
    kind: str = ""
    region: str = ""
    # checked: a report of the year read; unreadable: it filed, but nothing it filed could be read; other-year: it
    # filed only reports of another year; missing: nothing of it was found.
    status: Literal["checked", "unreadable", "other-year", "missing"]
    files: list[str] = Field(default_factory=list)
    # Matched by a name one or two characters off (OCR's 洪译区 for 洪泽区), or by the file's or folder's name.
    guessed: bool = False


class UnreadableFile(_Model):
    path: str
    organ: str | None = None  # the roster organ its file or folder name names, when one does
    code: str = ""


class RosterSummary(_Model):
    """What the roster says of the batch: every organ of it with what it filed, and every file that is not simply
    its organ's one report of the year (unreadable, another year's, 名单外, duplicate, ambiguous)."""

    year: int | None = None
    expected: int = 0  # the organs on the roster (应报送)
    entries: list[RosterEntry] = Field(default_factory=list)
    missing: list[MissingOrgan] = Field(default_factory=list)
    unmatched: list[str] = Field(default_factory=list)
    duplicates: list[list[str]] = Field(default_factory=list)
    ambiguous: list[Ambiguous] = Field(default_factory=list)
    unreadable: list[UnreadableFile] = Field(default_factory=list)
    other_year: list[str] = Field(default_factory=list)  # reports of roster organs for another year


class HistorySummary(_Model):
    reports: int  # earlier years' reports read
    paired: int  # this year's reports that found their organ's previous report
    unreadable: int = 0


class ResultDocument(_Model):
    schema_: str = Field(default=RESULT_SCHEMA_ID, alias="schema")
    tool: ToolInfo
    profile: ProfileInfo
    lang: str = "zh"
    plugins: list[PluginRecord] = Field(default_factory=list)
    results: list[FileResult]
    summary: Summary
    roster: RosterSummary | None = None  # present when a roster was given
    history: HistorySummary | None = None  # present when earlier years' reports were given

    def outlines(self) -> Sequence[Outline]:
        """Each result's outline: kept beside a stored batch's results, else made from them."""
        kept = getattr(self.results, "outlines", None)
        return kept if kept is not None else [Outline.of(r) for r in self.results]

    def _absent(self) -> set[str]:
        """Top-level parts left out when empty (present only when a roster or history was given)."""
        return {name for name in ("roster", "history") if getattr(self, name) is None}

    def to_json_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude=self._absent())

    def to_json(self, indent: int | None = 2) -> str:
        """The JSON text, written by pydantic's own serializer (several times faster than json.dumps of the dict)."""
        return self.model_dump_json(by_alias=True, indent=indent, exclude=self._absent())

    def json_chunks(self) -> Iterator[str]:
        """The text of `to_json()` (indent 2), a result at a time: a batch's document never stands whole in memory
        as one string."""
        shell = self.model_copy(update={"results": []})
        head, tail = shell.to_json().split(_EMPTY_RESULTS)
        yield head + '\n  "results": ['
        for i, result in enumerate(self.results):
            body = result.model_dump_json(by_alias=True, indent=2).replace("\n", "\n    ")
            yield ("," if i else "") + "\n    " + body
        yield ("\n  ]," if self.results else "],") + tail


_EMPTY_RESULTS = '\n  "results": [],'


@dataclass(frozen=True, slots=True)
class Outline:
    """What a run's summary and exit code need of one result, kept beside it when the result itself is stored."""

    path: str
    score: float | None
    grade: str | None
    checked: bool  # read, and a model made
    unreadable: bool
    failing: bool  # an error-severity finding that counts
    code: str = ""  # why it could not be read

    @classmethod
    def of(cls, result: FileResult) -> Outline:
        failing = any(f.severity == Severity.error and f.counts for f in result.findings)
        checked = result.report is not None
        code = result.error.code if result.error else ""
        return cls(result.source.path, result.score, result.grade, checked, result.error is not None, failing, code)


def summarize(outlines: Iterable[Outline], cached: int = 0) -> Summary:
    files = checked = unreadable = 0
    scores: list[float] = []
    grades: dict[str, int] = {}
    for o in outlines:
        files += 1
        checked += o.checked
        unreadable += o.unreadable
        if o.score is not None:
            scores.append(o.score)
        if o.grade:
            grades[o.grade] = grades.get(o.grade, 0) + 1
    return Summary(
        files=files,
        checked=checked,
        unreadable=unreadable,
        mean_score=round(sum(scores) / len(scores), 1) if scores else None,
        grades=grades,
        cached=cached,
    )


def fingerprint(report: Report | Brief, finding: FindingResult) -> str:
    """The same in every run for the same problem in the same report, so a reviewer's decision survives re-runs.

    It hashes the rule, where the finding is (section, row, column) and the report's identity (organ and year
    when known, else the file's content). Page, line and message wording are left out, so re-exporting a report
    or switching the language keeps it.
    """
    identity = (report if isinstance(report, Brief) else Brief.of(report)).identity
    loc = finding.location
    # Findings of one rule at one place are told apart by what they are about (their message key).
    parts = [finding.rule, finding.key or "", loc.section or "", loc.row or "", loc.column or "", identity]
    if not (loc.row or loc.column):
        parts.append(str(finding.actual))
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]
