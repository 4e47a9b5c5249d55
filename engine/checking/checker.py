"""One run's checking: read a submission, find who wrote it, run the selected rules over its model, score it (stages
1 → 2 → 3 for one file), and run the cross-report rules over what the reports leave.

The parts live beside it: reading (nianbao.engine.checking.reading), the rules and how they are said
(nianbao.engine.checking.ruleset), who a report is (nianbao.engine.checking.identity), the cross-report phase
(nianbao.engine.checking.crossreport). A reader's failure becomes the file's error code; a rule's crash becomes that
rule's `error` status. Nothing a report contains can make this raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from nianbao.engine import __version__
from nianbao.engine.checking.crossreport import Containment, ReportDigests, attach, compare, digests_of
from nianbao.engine.checking.identity import Identifier, Identity
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.checking.reading import read_submission
from nianbao.engine.checking.ruleset import RuleSet
from nianbao.engine.checking.symptoms import gather
from nianbao.engine.errors import ReadError
from nianbao.engine.i18n import Lang, engine_message
from nianbao.engine.model import Report
from nianbao.engine.office.roster import Roster
from nianbao.engine.result import (
    FileError,
    FileResult,
    FindingResult,
    HistorySummary,
    Outline,
    PluginRecord,
    ResultDocument,
    RosterSummary,
    RuleResult,
    SourceRef,
    ToolInfo,
    summarize,
)
from nianbao.engine.rule import CheckContext
from nianbao.engine.scoring import rescore
from nianbao.engine.submissions import Submission


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
    digested: ReportDigests | None = None


class Checker:
    """Everything one run needs: the plugins, the profile, the language and the roster."""

    def __init__(
        self, host: PluginHost, profile: Profile | None = None, lang: Lang = Lang.zh, roster: Roster | None = None
    ):
        self.host = host
        self.roster = roster  # the organs expected to report: who a report is, and of what kind
        self.profile = profile or Profile.default()
        self.lang = Lang(lang)
        self.limits = self.profile.limits
        self.ruleset = RuleSet(host, self.profile, self.lang)
        self.identities = Identifier(roster, self.profile.organ_type)

    # --- stage 1 ---------------------------------------------------------------------------

    def read(self, path: Path) -> Report:
        return self.read_submission(Submission(path))

    def read_submission(self, sub: Submission) -> Report:
        return read_submission(sub, self.host.readers(), self.limits)

    # --- stages 2 and 3 ----------------------------------------------------------------------

    def check_file(self, path: Path) -> FileResult:
        return self.check_submission(Submission(path))

    def check_submission(self, sub: Submission) -> FileResult:
        return self.checked(sub).result

    def failed(self, name: str, err: ReadError) -> FileResult:
        return failed(name, err, self.lang)

    def identify(self, report: Report) -> Identity:
        return self.identities.identify(report)

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
        return Checked(result, digests_of(self.ruleset, report, context))  # who it is, even with no such rule

    def context_of(self, report: Report) -> CheckContext:
        """What the rules are told about this report: the run's context with its organ and deadline."""
        who = self.identify(report)
        return replace(self.ruleset.context(), organ=who.organ, deadline=who.deadline)

    def _check(self, report: Report) -> tuple[FileResult, CheckContext]:
        who = self.identify(report)
        if who.published is not None and report.year is not None and who.published.year == report.year + 1:
            # The office saw it go up: its date stands over what the file says or its signature.
            report.published, report.published_by = who.published, "office"
        context = replace(self.ruleset.context(), organ=who.organ, deadline=who.deadline)
        findings: list[FindingResult] = []
        rule_results: list[RuleResult] = [self.ruleset.run(a, report, context, findings) for a in self.ruleset.rules]
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

    # --- rules across the reports of a run -------------------------------------------------------

    def check_across(
        self, results: list[FileResult], contain: Containment | None = None, history: Sequence[Report] = ()
    ) -> None:
        """Run the cross-report rules over every report read; their findings join the reports they name.

        For results held in memory (one upload, a rule's test cases); a batch keeps only what each report leaves
        (nianbao.engine.batch.run). `history` holds earlier years' reports, compared with but never checked. `contain`
        runs each rule somewhere safer than this process (nianbao.engine.batch.contained_rules: a child process under a
        time limit), so that a rule that hangs or exits costs only itself."""
        if not self.ruleset.cross_rules:
            return
        checked = [r for r in results if r.report is not None]
        batch = [digests_of(self.ruleset, r.report, self.context_of(r.report)) for r in checked if r.report]
        earlier = [digests_of(self.ruleset, report, self.context_of(report)) for report in history]
        outcomes = compare(self.ruleset, self.identities.pairing_keys, batch, earlier, contain=contain)
        for index, result in enumerate(checked):
            attach(self.ruleset, result, index, outcomes)
            rescore(result, self.profile.scoring)

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
            profile=self.ruleset.described(),
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
