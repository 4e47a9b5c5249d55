"""Read a file, run the selected rules over its model, score it (stages 1 → 2 → 3 for one file).

A reader's failure becomes the file's error code; a rule's crash becomes that rule's `error` status.
Nothing a report contains can make this raise.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from engine import __version__, scoring
from engine.across import Containment, Left, attach, compare, leave
from engine.doubt import mark
from engine.errors import ErrorCode, ReadError
from engine.i18n import Lang, Msg, engine_message
from engine.limits import using
from engine.model import Report
from engine.notes import note as engine_note
from engine.organs import Organ, kind_label, organ_of, pairing_keys, region_of
from engine.plugins import PluginHost
from engine.profile import Profile
from engine.readers.sniff import sniff
from engine.result import (
    FileError,
    FileResult,
    FindingResult,
    HistorySummary,
    Outline,
    PluginRecord,
    ProfileInfo,
    ResultDocument,
    RosterSummary,
    RuleResult,
    SourceRef,
    Status,
    ToolInfo,
    fingerprint,
    summarize,
)
from engine.roster import Roster, RosterOrgan
from engine.rule import ActiveRule, CheckContext, CrossReportRule, Finding, Location
from engine.scoring import SEVERITY_ORDER, rescore
from engine.submissions import NESTED_ARCHIVES, Submission
from engine.symptoms import gather
from engine.text import writable

# When a cross-report rule applies: it needs a report to compare with.
ACROSS = Msg("与本机关上一年度报告或同批其他报告比较时", "when compared with the organ's previous report or others")

log = logging.getLogger(__name__)


# What to do with a kind of file Nianbao does not read, by its ending: one sentence each (error.unsupported-*).
_UNSUPPORTED = {
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif", ".webp"), "image"),
    **dict.fromkeys((".csv",), "sheet"),
    **dict.fromkeys((".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz"), "archive"),
}


def unsupported(sub: Submission) -> ReadError:
    kind = _UNSUPPORTED.get(sub.suffix)
    key = f"error.unsupported-{kind}" if kind else "error.unsupported"
    return ReadError(ErrorCode.unsupported, key, suffix=sub.suffix or Path(sub.name).name)


@dataclass(frozen=True)
class Identity:
    organ: Organ | None  # what the rules see
    name: str | None  # what results carry: the roster's name, else the canonical printed name
    region: str | None
    kind: str | None  # 部门, 政府, 乡镇街道, 管委会, 办公厅, 其他
    deadline: str | None  # the organ's own, MM-DD, from the roster
    published: dt.date | None = None  # when the office saw its report go up, from the roster


# In a report's JSON, what marks a character no document can hold: a control escape (tab, newlines and carriage
# return have their own short forms), and U+FFFE/U+FFFF written as they are. A literal backslash before b or f
# matches too: that report is merely cleaned for nothing.
_UNWRITABLE_JSON = re.compile(r"\\u00[01][0-9a-fA-F]|\\[bf]|[\ufffe\uffff]")


def _writable(report: Report) -> Report:
    """The report with the characters no document can hold (a NUL, a lone surrogate from a JSON escape) removed,
    once for every output. Its JSON (a fraction of a millisecond) tells whether there are any; most reports have
    none and are returned as they are."""
    try:
        clean = not _UNWRITABLE_JSON.search(report.model_dump_json())
    except ValueError:  # a lone surrogate cannot be encoded
        clean = False
    return report if clean else Report.model_validate(writable(report.model_dump()))


def _on_roster(known: RosterOrgan) -> Identity:
    """Who a report is when the roster names its organ: the roster's kind, region, deadline and date."""
    organ = known.organ()
    region = known.region or region_of(known.name)
    return Identity(organ, known.name, region, kind_label(organ.type), known.deadline, known.published)


def failed(name: str, err: ReadError, lang: Lang) -> FileResult:
    """The result of a file that could not be checked: its error, said in `lang`."""
    return FileResult(
        source=SourceRef(path=name),
        error=FileError(
            code=err.code.value,
            message=err.message(lang),
            detail=err.params.get("detail"),
            key=err.key,
            params={k: str(v) for k, v in err.params.items() if k != "detail"},
        ),
    )


@dataclass
class Checked:
    """One submission's result, and what its report leaves for the cross-report rules and the roster (None when
    it was not read)."""

    result: FileResult
    left: Left | None = None


class Checker:
    """Everything one run needs: the plugins, the profile and the language."""

    def __init__(
        self, host: PluginHost, profile: Profile | None = None, lang: Lang = Lang.zh, roster: Roster | None = None
    ):
        self.host = host
        self.roster = roster  # the organs expected to report: who a report is, and of what kind
        self.profile = profile or Profile.default()
        self.lang = Lang(lang)
        self.limits = self.profile.limits
        entries = host.rules()
        self.profile.validate(e.cls.id for e in entries)
        active = [
            ActiveRule(e.cls, e.plugin, self.profile.severity(e.cls), self.profile.weight(e.cls))
            for e in entries
            if self.profile.selected(e.cls.id)
        ]
        self.rules = [a for a in active if not issubclass(a.cls, CrossReportRule)]
        self.cross_rules = [a for a in active if issubclass(a.cls, CrossReportRule)]

    # --- stage 1 ---------------------------------------------------------------------------

    def read(self, path: Path) -> Report:
        return self.read_submission(Submission(path))

    def read_submission(self, sub: Submission) -> Report:
        if isinstance(sub.read_before, str):  # read by an earlier run: the same bytes make the same model
            report = Report.model_validate_json(sub.read_before)
            report.source.path = sub.name
            return report
        if sub.read_before is not None:
            code, key, params = sub.read_before
            raise ReadError(ErrorCode(code), key, **params)
        if sub.refused:
            sub.read_bytes(self.limits)  # raises the refusal's own error (damaged, too large, duplicate …)
        if sub.member and sub.suffix in NESTED_ARCHIVES:
            raise ReadError(ErrorCode.unsupported, "error.nested-archive")
        readers = self.host.readers()
        reader = readers.get(sub.suffix)
        if reader is None and sniff(sub.head()) is None:
            raise unsupported(sub)
        data = sub.read_bytes(self.limits)
        # A file renamed to the wrong extension is read as what it holds, and the report says so.
        actual = sniff(data)
        note = None
        if actual and (reader is None or reader.format != actual):
            by_content = next((r for r in readers.values() if r.format == actual), None)
            if by_content is not None:
                note = engine_message("error.wrong-extension", Lang.zh, suffix=sub.suffix or "-", actual=actual.upper())
                reader = by_content
        if reader is None:
            raise unsupported(sub)
        try:
            with using(self.limits):
                report = reader.read(Path(sub.name), data)
        except ReadError:
            raise
        except MemoryError:  # a bomb that got past the readers' own bounds, stopped by the worker's memory limit
            raise ReadError(ErrorCode.too_large, "error.memory") from None
        except SystemError as exc:
            if "memory" not in str(exc).lower():  # C code that ran out of memory says so as a SystemError
                raise ReadError(ErrorCode.unreadable, detail=f"SystemError: {exc}") from None
            raise ReadError(ErrorCode.too_large, "error.memory") from None
        except (KeyboardInterrupt, SystemExit, GeneratorExit):
            raise
        except BaseException as exc:  # a reader bug costs one file, not the batch: a native library's panic too
            log.debug("reader %r failed on %s", reader, sub.name, exc_info=True)
            raise ReadError(ErrorCode.unreadable, detail=f"{type(exc).__name__}: {exc}") from None
        if note:
            report.notes.append(engine_note("note.wrong-extension", said=note))
        return _writable(report)

    # --- stages 2 and 3 ----------------------------------------------------------------------

    def check_file(self, path: Path) -> FileResult:
        return self.check_submission(Submission(path))

    def check_submission(self, sub: Submission) -> FileResult:
        try:
            report = self.read_submission(sub)
        except ReadError as err:
            return self.failed(sub.name, err)
        return self.check_report(report)

    def failed(self, name: str, err: ReadError) -> FileResult:
        return failed(name, err, self.lang)

    def title_of(self, cls: type) -> str:
        return Msg(cls.title, cls.title_en or cls.title).render(self.lang)

    def applies_of(self, cls: type) -> str:
        """When a rule applies, in words; a cross-report rule whenever it has a report to compare with."""
        if any(r.cls is cls for r in self.cross_rules):
            return ACROSS.render(self.lang)
        return cls.applies.describe(self.lang)

    def context(self) -> CheckContext:
        return CheckContext(
            lang=self.lang, organ_type=self.profile.organ_type, deadlines=self.profile.resolved_deadlines()
        )

    def identify(self, report: Report) -> Identity:
        """Who wrote the report: the organ the rules see, the name results carry (the roster's, else the
        canonical name), its region and kind, and its own deadline (from the roster). An ambiguous roster match is
        noted on the report, never guessed."""
        if self.roster is not None and report.agency is None:  # the file's or folder's name says whose it is
            match = self.roster.named_in(report.source.path)
            if match.organ is not None:
                report.notes.append(engine_message("roster.by-file", Lang.zh, organ=match.organ.name))
                return _on_roster(match.organ)
        if self.roster is not None and report.agency:
            match = self.roster.match(report.agency, near=report.source.reading == "ocr")
            if match.organ is not None:
                if match.guessed:
                    name, organ = report.agency, match.organ.name
                    report.notes.append(engine_message("roster.near", Lang.zh, name=name, organ=organ))
                return _on_roster(match.organ)
            if match.candidates:
                candidates = "、".join(match.candidates)
                report.notes.append(
                    engine_message("roster.ambiguous", Lang.zh, name=report.agency, candidates=candidates)
                )
        organ = organ_of(report.agency, self.profile.organ_type)
        if organ is None:
            return Identity(None, None, None, None, None)
        return Identity(organ, organ.name or None, region_of(organ.name), kind_label(organ.type), None)

    def check_report(self, report: Report) -> FileResult:
        return self._check(report)[0]

    def checked(self, sub: Submission) -> Checked:
        """A submission's result, and what its report leaves for the cross-report rules (in a batch's worker)."""
        try:
            report = self.read_submission(sub)
        except ReadError as err:
            return Checked(self.failed(sub.name, err))
        return self.checked_report(report)

    def checked_report(self, report: Report) -> Checked:
        """A report's result, and what it leaves for the cross-report rules."""
        result, context = self._check(report)
        return Checked(result, leave(self, report, context))  # who it is, even when no cross-report rule runs

    def _check(self, report: Report) -> tuple[FileResult, CheckContext]:
        who = self.identify(report)
        if who.published is not None and report.year is not None and who.published.year == report.year + 1:
            # The office saw it go up: its date stands over what the file says or its signature.
            report.published, report.published_by = who.published, "office"
        context = replace(self.context(), organ=who.organ, deadline=who.deadline)
        findings: list[FindingResult] = []
        rule_results: list[RuleResult] = []
        for active in self.rules:
            rule_results.append(self._run_rule(active, report, context, findings))
        findings = gather(report, findings, self.lang)  # one wrong figure, said once
        result = FileResult(
            source=SourceRef(path=report.source.path, format=report.source.format, sha256=report.source.sha256),
            report=report,
            findings=findings,
            rules=rule_results,
            organ=who.name,
            region=who.region,
            kind=who.kind,
        )
        return rescore(result, self.profile.scoring), context

    def _run_rule(
        self, active: ActiveRule, report: Report, context: CheckContext, out: list[FindingResult]
    ) -> RuleResult:
        cls = active.cls
        base = {"rule": cls.id, "severity": active.severity, "weight": active.weight, "category": cls.category}
        if not cls.applies.matches_in(report, context):
            return RuleResult(status=Status.not_applicable, **base)
        context = replace(context, options=self.profile.options.get(cls.id, {}))
        try:
            raw = list(cls().check(report, context) or [])
            made = [self.render(active, f) for f in raw]
            for f in made:  # marking what a finding rests on is part of the rule's run: its crash is the rule's
                f.fingerprint = fingerprint(report, f)
                mark(report, f, self.lang)
        except BaseException as exc:  # a rule's crash, SystemExit and KeyboardInterrupt included, is the rule's
            log.debug("rule %s crashed", cls.id, exc_info=True)
            reason = engine_message("rule.crashed", self.lang, reason=f"{type(exc).__name__}: {exc}")
            return RuleResult(status=Status.error, reason=reason, **base)
        out.extend(made)
        return RuleResult(status=Status.failed if made else Status.passed, **base)

    # --- rules across the reports of a run -------------------------------------------------------

    def check_across(
        self, results: list[FileResult], contain: Containment | None = None, history: Sequence[Report] = ()
    ) -> None:
        """Run the cross-report rules over every report read; their findings join the reports they name.

        For results held in memory (one upload, a rule's test cases); a batch keeps only what each report leaves
        (engine.batch.run). `history` holds earlier years' reports, compared with but never checked. `contain`
        runs each rule somewhere safer than this process (engine.batch.contained_rules: a child process under a time
        limit), so that a rule that hangs or exits costs only itself."""
        if not self.cross_rules:
            return
        checked = [r for r in results if r.report is not None]
        batch = [leave(self, r.report, self._own_context(r.report)) for r in checked if r.report is not None]
        earlier = [leave(self, report, self._own_context(report)) for report in history]
        outcomes = compare(self, batch, earlier, contain=contain)
        for index, result in enumerate(checked):
            attach(self, result, index, outcomes)
            rescore(result, self.profile.scoring)

    def _own_context(self, report: Report) -> CheckContext:
        who = self.identify(report)
        return replace(self.context(), organ=who.organ, deadline=who.deadline)

    def organ_keys(self, agencies: Sequence[str | None]) -> list[str | None]:
        """The key each report's organ is paired by across years: its roster name when it matched one, else its
        canonical name (the short form where that is unambiguous among these reports)."""
        names = []
        for agency in agencies:
            match = self.roster.match(agency) if self.roster is not None else None
            names.append(match.organ.name if match is not None and match.organ is not None else agency)
        return pairing_keys(names)

    def render(self, active: ActiveRule, finding: Finding) -> FindingResult:
        cls = active.cls
        if not isinstance(finding, Finding):
            raise TypeError(f"check() yielded {type(finding).__name__}, not engine.Finding")
        if finding.key:
            msg: Msg | None = cls.messages.get(finding.key)
            if msg is None:
                raise KeyError(f"message key {finding.key!r} is not declared in {cls.__name__}.messages")
            message = msg.render(self.lang, finding.params)
        else:
            message = finding.message or cls.title
        # A finding may lower its own severity (a blank cell under an error rule is a warning), never raise
        # it above the rule's: a profile that makes a rule a warning makes all its findings warnings at most.
        severity = active.severity
        if finding.severity is not None and SEVERITY_ORDER[finding.severity] > SEVERITY_ORDER[severity]:
            severity = finding.severity
        return FindingResult(
            fingerprint="",
            rule=cls.id,
            name=cls.name,
            severity=severity,
            message=message,
            key=f"{cls.id}.{finding.key}" if finding.key else None,
            params=finding.params,
            location=finding.location if isinstance(finding.location, Location) else Location(),
            expected=finding.expected,
            actual=finding.actual,
            ceiling=finding.ceiling,
            fixes=finding.fixes,
        )

    # --- the whole run ---------------------------------------------------------------------

    def document(
        self,
        results: Sequence[FileResult],
        cached: int = 0,
        roster: RosterSummary | None = None,
        history: HistorySummary | None = None,
    ) -> ResultDocument:
        """The result document; a batch's stored results (ordered by path already) stay where they are and are read
        a result at a time by whatever writes the document."""
        stored = not isinstance(results, list)
        ordered = results if stored else sorted(results, key=lambda r: r.source.path)
        plugins = [PluginRecord(name=p.name, origin=p.origin, version=p.version) for p in self.host.plugins]
        plugins += [
            PluginRecord(name=p.plugin, origin="failed", error=engine_message(p.key, self.lang, **p.params))
            for p in self.host.problems
        ]
        document = ResultDocument(
            tool=ToolInfo(version=__version__),
            profile=ProfileInfo(
                name=self.profile.name,
                weights={r.cls.id: r.weight for r in self.rules},
                severities={r.cls.id: r.severity for r in self.rules},
                method=scoring.method(self.profile.scoring, self.lang),
                categories={c: {"points": p.points, "cap": p.cap} for c, p in self.profile.categories.items()},
                ceilings=dict(self.profile.ceilings),
                letterhead=self.profile.letterhead,
                applies={r.cls.id: self.applies_of(r.cls) for r in [*self.rules, *self.cross_rules]},
                titles={r.cls.id: self.title_of(r.cls) for r in [*self.rules, *self.cross_rules]},
            ),
            lang=self.lang.value,
            plugins=plugins,
            results=[] if stored else ordered,
            summary=summarize(getattr(ordered, "outlines", None) or map(Outline.of, ordered), cached),
            roster=roster,
            history=history,
        )
        if stored:
            document.results = ordered  # type: ignore[assignment]  # read on demand, not validated again
        return document
