"""The rule API: a rule is a small declaration plus one `check` function.

```python
class MyRule(Rule):
    '''What it checks, why, how to fix (the docstring is the rule's documentation).'''
    id = "GZ101"; name = "my-rule"; title = "…"; severity = "warning"; weight = 2
    def check(self, report, context):
        yield Finding(message="…", location={"section": "overview"})
```

The engine fills a finding's rule id, name and default severity, renders message keys in the
user's language, and contains any exception a rule raises.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from nianbao.engine.i18n import Lang, Msg
from nianbao.engine.model import Report
from nianbao.engine.organs import Organ, organ_of
from nianbao.engine.text import file_name
from pydantic import BaseModel, ConfigDict, Field

RULE_ID = re.compile(r"^[A-Z]{2,}\d{3}$")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class Category(StrEnum):
    """What evaluators score a report on (spec/rules.md, "Scoring"): every rule belongs to one."""

    timeliness = "timeliness"  # 发布与时效
    completeness = "completeness"  # 要素完整
    accuracy = "accuracy"  # 数据准确
    quality = "quality"  # 内容质量
    copying = "copying"  # 跨年与雷同
    other = "other"  # a plugin rule that does not say

    @property
    def label(self) -> Msg:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, Msg] = {
    Category.timeliness: Msg("发布与时效", "publication and timeliness"),
    Category.completeness: Msg("要素完整", "completeness"),
    Category.accuracy: Msg("数据准确", "data accuracy"),
    Category.quality: Msg("内容质量", "content quality"),
    Category.copying: Msg("跨年与雷同", "copying and repetition"),
    Category.other: Msg("其他", "other"),
}


_KNOWN_ZH = {"published": "发布日期", "signed": "落款日期", "year": "报告年度", "template": "模板"}


class Location(BaseModel):
    """Where a finding is: section key; for tables row/column keys and labels; page or line."""

    model_config = ConfigDict(extra="allow")

    section: str | None = None
    row: str | None = None
    column: str | None = None
    row_label: str | None = None
    column_label: str | None = None
    page: int | None = None
    line: int | None = None
    # The table cells the finding rests on, as [row, column] keys of its section's table: what the web page
    # and the outputs highlight (spec/interfaces.md, location.cells).
    cells: list[tuple[str, str]] | None = None
    # The table `cells` belong to when it is not `section`: a sentence of prose that states a table's figure.
    table: str | None = None


class Finding(BaseModel):
    """What a rule reports. Give `message` (plain text) or `key` + `params` (a message the rule declares)."""

    model_config = ConfigDict(extra="forbid")

    message: str | None = None
    key: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    location: Location = Field(default_factory=Location)
    expected: Any = None
    actual: Any = None
    severity: Severity | None = None
    # The highest grade a report with this finding may have, whatever its score ("合格": a report without
    # section 五 or a statistical table is never 良好 or 优秀, spec/rules.md "Scoring").
    ceiling: str | None = None
    # Cells ("table:row:column") each with the value that alone would make the finding go away: where findings of
    # several rules agree on one cell and its value, one wrong figure explains them all
    # (nianbao.engine.checking.symptoms).
    fixes: dict[str, float] | None = None


@dataclass(frozen=True)
class Applies:
    """Which reports a rule applies to. The default: every report."""

    templates: frozenset[str] = frozenset({"2019", "2021"})
    min_year: int | None = None
    max_year: int | None = None
    governments_only: bool = False
    requires: tuple[str, ...] = ()  # report attributes that must be known, e.g. ("published",)
    # Applies only when the organ's kind is known (from the profile, the roster or its name): a rule that judges by
    # kind (the publication deadline) cannot judge an organ of unknown kind, and says so by not applying.
    known_organ: bool = False
    note: str | None = None

    def matches(self, report: Report, organ_type: str | None = None) -> bool:
        """Whether the rule applies, telling the organ from the profile's organ type or else the report's name."""
        needed = self.governments_only or self.known_organ
        organ = organ_of(report.agency, organ_type) if needed else None
        return self._matches(report, organ)

    def matches_in(self, report: Report, context: CheckContext) -> bool:
        """Whether the rule applies, with the organ the checker resolved once for the report (`context.organ`)."""
        return self._matches(report, context.organ)

    def _matches(self, report: Report, organ: Organ | None) -> bool:
        if report.template is not None and report.template not in self.templates:
            return False
        if self.min_year is not None and (report.year is None or report.year < self.min_year):
            return False
        if self.max_year is not None and (report.year is None or report.year > self.max_year):
            return False
        if any(getattr(report, name) is None for name in self.requires):
            return False
        if self.known_organ and not (organ and organ.known):
            return False
        return not self.governments_only or bool(organ and organ.is_government)

    def describe(self, lang: Lang = Lang.en) -> str:
        zh = lang == Lang.zh
        parts = []
        if self.templates != frozenset({"2019", "2021"}):
            templates = "/".join(sorted(self.templates))
            parts.append(f"{templates} 版模板" if zh else f"template {templates}")
        if self.min_year is not None:
            parts.append(f"{self.min_year} 年度起" if zh else f"year >= {self.min_year}")
        if self.max_year is not None:
            parts.append(f"{self.max_year} 年度及以前" if zh else f"year <= {self.max_year}")
        if self.governments_only:
            parts.append("各级政府" if zh else "governments")
        parts += [(f"已知{_KNOWN_ZH.get(n, n)}时" if zh else f"when {n} is known") for n in self.requires]
        if self.known_organ:
            parts.append("机关类型可判断时" if zh else "when the organ's kind is known")
        if self.note:
            parts.append(self.note)
        return ("，" if zh else ", ").join(parts) or ("全部" if zh else "all")


@dataclass
class CheckContext:
    """What a rule may know besides the report: the profile's options for it and the language."""

    lang: Lang = Lang.zh
    organ_type: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    # Publication deadlines as MM-DD of the year after the report year, by kind of organ
    # (department, government, town), after the profile's provincial overrides.
    deadlines: Mapping[str, str] = field(default_factory=dict)
    # The organ that wrote the report being checked (kind and canonical name), resolved once by the checker
    # from the profile (or roster) and the printed name; None when the report names no organ.
    organ: Organ | None = None
    # The organ's own publication deadline (MM-DD of the next year) where the roster gives one.
    deadline: str | None = None
    # For cross-report rules: what the rule keeps of each earlier year's report given as history (its `digest`;
    # never checked, only compared with); for `reports` followed by `history`, the key each organ is paired by
    # (its roster name, else its canonical name) and who each report is (`Brief`); and for `reports`, whether the
    # rule's `applies` declaration matches each. Empty when the engine has not computed them.
    history: Sequence[Any] = ()
    organ_keys: tuple[str | None, ...] = ()
    briefs: tuple[Brief, ...] = ()
    applies: tuple[bool, ...] = ()


@dataclass(frozen=True, slots=True)
class Brief:
    """Who a report is, for rules that compare reports: what their findings say of the other report."""

    agency: str | None
    year: int | None
    template: str | None
    path: str
    sha256: str | None = None
    ocr: bool = False  # read by OCR: its printed name may be a character or two off

    @classmethod
    def of(cls, report: Report) -> Brief:
        source = report.source
        return cls(report.agency, report.year, report.template, source.path, source.sha256, source.reading == "ocr")

    @property
    def file(self) -> str:
        """The report's file name, without the folders of the machine that checked it: what a finding sent to an
        organ may say of another report."""
        return file_name(self.path)

    @property
    def identity(self) -> str:
        """The same organ's same year in every run (a finding's fingerprint rests on it), else the file's content."""
        return f"{self.agency}|{self.year}" if self.agency and self.year else self.sha256 or self.path


class Rule:
    """Base class of every rule, built-in or plugin. Subclasses declare the class attributes."""

    id: ClassVar[str]
    name: ClassVar[str]
    title: ClassVar[str]
    title_en: ClassVar[str | None] = None
    severity: ClassVar[Severity | str] = Severity.error
    weight: ClassVar[float] = 1.0
    category: ClassVar[Category | str] = Category.other
    applies: ClassVar[Applies] = Applies()
    messages: ClassVar[Mapping[str, Msg]] = {}

    def check(self, report: Report, context: CheckContext) -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def problems(cls) -> list[str]:
        """What is wrong with this declaration (empty when it is sound). Checked when a plugin loads."""
        found = []
        rule_id = getattr(cls, "id", None)
        if not isinstance(rule_id, str) or not RULE_ID.match(rule_id):
            found.append(f"id {rule_id!r} is not two or more capital letters and three digits")
        name = getattr(cls, "name", None)
        if not isinstance(name, str) or not RULE_NAME.match(name):
            found.append(f"name {name!r} is not kebab-case")
        if not isinstance(getattr(cls, "title", None), str):
            found.append("title is missing")
        if str(cls.severity) not in {s.value for s in Severity}:
            found.append(f"severity {cls.severity!r} is not error, warning or info")
        if str(cls.category) not in {c.value for c in Category}:
            found.append(f"category {cls.category!r} is not one of {', '.join(c.value for c in Category)}")
        if not isinstance(cls.weight, int | float) or cls.weight < 0:
            found.append(f"weight {cls.weight!r} is not a number >= 0")
        if not cls.doc():
            found.append("the docstring (the rule's documentation) is missing")
        if cls.check is Rule.check and not issubclass(cls, CrossReportRule):
            found.append("check() is not implemented")
        return found


class CrossReportRule(Rule):
    """A rule that looks across the reports of a run (the same organ's earlier year, copied text).

    It declares what a `Rule` declares and implements `check_reports(reports, context)`, yielding
    `(index, Finding)` pairs where `index` points into `reports`; `applicable(reports, context)` says, per
    report, whether the rule had anything to compare it with (default: `applies` alone).

    A batch may hold a province's reports, so a run does not keep them: `digest(report, context)` is called where
    each report is checked and returns what the rule needs of it later (a few cells, a text, a signature); the
    run keeps that, packed, and `reports` (and `context.history`) then hold the digests, in order, read back on
    each access (so a rule keeps what it uses rather than indexing twice). The default digest is the whole
    report, which works for any rule and costs the run memory and time per report. `context.briefs` says who each
    report is. A finding's location needs only `section` (and `row`, `column`): the engine adds the page and line
    from the report when the finding joins it.

    Rules written for 0.1 subclass `BatchRule` and implement `check_batch`; both names still work.
    """

    def digest(self, report: Report, context: CheckContext) -> Any:
        return report

    def check_reports(self, reports: Sequence[Any], context: CheckContext) -> Iterable[tuple[int, Finding]]:
        return self.check_batch(reports, context)  # a 0.1 rule implements the old name

    def check_batch(self, reports: Sequence[Any], context: CheckContext) -> Iterable[tuple[int, Finding]]:
        raise NotImplementedError  # pragma: no cover

    def applicable(self, reports: Sequence[Any], context: CheckContext) -> list[bool]:
        if len(context.applies) == len(reports):
            return list(context.applies)
        return [self.applies.matches(r, context.organ_type) for r in reports]

    @classmethod
    def problems(cls) -> list[str]:
        found = super().problems()
        if cls.check_reports is CrossReportRule.check_reports and cls.check_batch is CrossReportRule.check_batch:
            found.append("check_reports() is not implemented")
        return found


# The 0.1 name, kept for one release (docs/plugins.md).
BatchRule = CrossReportRule


@dataclass(frozen=True)
class ActiveRule:
    """A rule as one run uses it: its class, the plugin it came from, and the severity and weight the profile gives
    it."""

    cls: type[Rule]
    plugin: str
    severity: Severity
    weight: float
