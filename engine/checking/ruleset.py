"""Which rules a run runs and how: the plugins' rules as the profile selects and weighs them, in the run's language.

It turns what a rule yields into a result's finding (its message said from the rule's keys), runs one rule over one
report with its crash contained to it, and describes the rules for the result document. It knows no file and no
organ: the checker (nianbao.engine.checking.checker) gives it the report and the context.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from nianbao.engine import scoring
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.checking.uncertain import mark
from nianbao.engine.i18n import Lang, Msg, engine_message
from nianbao.engine.model import Report
from nianbao.engine.result import FindingResult, ProfileInfo, RuleResult, Status, fingerprint
from nianbao.engine.rule import ActiveRule, CheckContext, CrossReportRule, Finding, Location
from nianbao.engine.scoring import SEVERITY_ORDER

log = logging.getLogger(__name__)

# When a cross-report rule applies: it needs a report to compare with.
ACROSS = Msg("与本机关上一年度报告或同批其他报告比较时", "when compared with the organ's previous report or others")


class RuleSet:
    """The active rules of one run: `rules` run on each report, `cross_rules` across the reports."""

    def __init__(self, host: PluginHost, profile: Profile, lang: Lang):
        self.profile = profile
        self.lang = Lang(lang)
        entries = host.rules()
        profile.validate(e.cls.id for e in entries)
        active = [
            ActiveRule(e.cls, e.plugin, profile.severity(e.cls), profile.weight(e.cls))
            for e in entries
            if profile.selected(e.cls.id)
        ]
        self.rules = [a for a in active if not issubclass(a.cls, CrossReportRule)]
        self.cross_rules = [a for a in active if issubclass(a.cls, CrossReportRule)]

    def context(self) -> CheckContext:
        """What every rule is told, before the organ is known."""
        return CheckContext(
            lang=self.lang, organ_type=self.profile.organ_type, deadlines=self.profile.resolved_deadlines()
        )

    def title_of(self, cls: type) -> str:
        return Msg(cls.title, cls.title_en or cls.title).render(self.lang)

    def applies_of(self, cls: type) -> str:
        """When a rule applies, in words; a cross-report rule whenever it has a report to compare with."""
        if any(r.cls is cls for r in self.cross_rules):
            return ACROSS.render(self.lang)
        return cls.applies.describe(self.lang)

    def run(self, active: ActiveRule, report: Report, context: CheckContext, out: list[FindingResult]) -> RuleResult:
        """One rule over one report: its status, its findings added to `out`. A crash (SystemExit and
        KeyboardInterrupt included) is the rule's `error`, never the run's."""
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
        except BaseException as exc:
            log.debug("rule %s crashed", cls.id, exc_info=True)
            reason = engine_message("rule.crashed", self.lang, reason=f"{type(exc).__name__}: {exc}")
            return RuleResult(status=Status.error, reason=reason, **base)
        out.extend(made)
        return RuleResult(status=Status.failed if made else Status.passed, **base)

    def render(self, active: ActiveRule, finding: Finding) -> FindingResult:
        """What a rule yielded, as the result's finding: its message said in the run's language from the rule's
        declared keys, its severity at most the rule's."""
        cls = active.cls
        if not isinstance(finding, Finding):
            raise TypeError(f"check() yielded {type(finding).__name__}, not nianbao.engine.Finding")
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

    def described(self) -> ProfileInfo:
        """The profile as the result document states it: weights, severities, scoring, and each rule's title and
        when it applies, in the run's language."""
        everything = [*self.rules, *self.cross_rules]
        return ProfileInfo(
            name=self.profile.name,
            weights={r.cls.id: r.weight for r in self.rules},
            severities={r.cls.id: r.severity for r in self.rules},
            method=scoring.method(self.profile.scoring, self.lang),
            categories={c: {"points": p.points, "cap": p.cap} for c, p in self.profile.categories.items()},
            ceilings=dict(self.profile.ceilings),
            letterhead=self.profile.letterhead,
            applies={r.cls.id: self.applies_of(r.cls) for r in everything},
            titles={r.cls.id: self.title_of(r.cls) for r in everything},
        )
