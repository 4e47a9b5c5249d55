"""The cross-report phase: what each report leaves for the rules that compare reports, and what they find.

A run does not keep its reports: a province sends tens of thousands. Where each report is checked, every
cross-report rule takes its `digest` of it (a few cells, a text, a signature), packed small, and the report leaves
that with a `Brief` of who it is (`ReportDigests`). The rules then compare the digests, each rule somewhere safe (a
batch runs each in a child process of its own), and their findings join each report's result when it is read back: there
they are located against the report (page, line, printed labels), so a rule needs only keys to say where.
"""

from __future__ import annotations

import logging
import pickle
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from nianbao.engine.checking.ruleset import RuleSet
from nianbao.engine.checking.uncertain import mark
from nianbao.engine.i18n import engine_message
from nianbao.engine.lazy import Lazy
from nianbao.engine.model import Report
from nianbao.engine.result import FileResult, FindingResult, RuleResult, Status, fingerprint
from nianbao.engine.rule import ActiveRule, Brief, CheckContext, Location
from nianbao.engine.template import TABLES, column_label, row_label

log = logging.getLogger(__name__)

# A packed digest, or where a run's store keeps it (nianbao.engine.batch.store).
Ref = bytes | int
Fetch = Callable[[Any], bytes]
# Runs each comparison somewhere safer than this process (nianbao.engine.batch.contained_rules: a child process each,
# under a time limit); one outcome per task, in order.
Containment = Callable[[list[Callable[[], "CrossOutcome"]]], list["CrossOutcome"]]


def pack(value: Any) -> bytes:
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpack(data: bytes) -> Any:
    # Only ever what this run's own workers packed (or its own cache kept for the same code): never outside data.
    return pickle.loads(zlib.decompress(data))


def _same(ref: Any) -> bytes:
    return ref


@dataclass(frozen=True, slots=True)
class ReportDigests:
    """What one report leaves for the cross-report rules: who it is, and per rule (in the checker's order) whether
    its `applies` declaration matches and its packed digest, or why making the digest failed (text)."""

    brief: Brief
    applies: tuple[bool, ...]
    digests: tuple[Ref | str, ...]

    def stored(self, put: Callable[[bytes], int]) -> ReportDigests:
        """The same, with each packed digest put away and only where it is kept."""
        return replace(self, digests=tuple(put(d) if isinstance(d, bytes) else d for d in self.digests))

    def named(self, path: str) -> ReportDigests:
        """The same report under another name (the same content submitted again)."""
        return self if self.brief.path == path else replace(self, brief=replace(self.brief, path=path))


class RuleDigests(Lazy[Any]):
    """One rule's digests of many reports, unpacked on each access (a rule keeps what it needs)."""

    def __init__(self, refs: Sequence[Ref], fetch: Fetch = _same):
        self.keys = refs
        self.fetch = fetch

    def item(self, ref: Ref) -> Any:
        return unpack(self.fetch(ref))


@dataclass
class CrossOutcome:
    """What one cross-report rule made of a run: per report whether it applied and its findings, the reports it
    could not take (its digest of them failed, with why), or why the whole rule failed."""

    applicable: list[bool] = field(default_factory=list)
    found: dict[int, list[FindingResult]] = field(default_factory=dict)
    error: str | None = None
    skipped: dict[int, str] = field(default_factory=dict)


def rule_digests(
    rule: Any, reports: Sequence[Report], context: CheckContext, history: Sequence[Report] = ()
) -> tuple[list[Any], CheckContext]:
    """A cross-report rule's digests of `reports` and the context that goes with them (history rule_digests too,
    who each report is), for calling the rule's `check_reports` directly (a test, a benchmark)."""
    context = replace(
        context,
        history=[rule.digest(r, context) for r in history],
        briefs=tuple(Brief.of(r) for r in (*reports, *history)),
        applies=tuple(rule.applies.matches_in(r, context) for r in reports),
    )
    return [rule.digest(r, context) for r in reports], context


def digests_of(rules: RuleSet, report: Report, context: CheckContext) -> ReportDigests:
    """Every cross-report rule's digest of one report (in the worker that checked it). A digest that fails costs
    that rule that report only."""
    applies: list[bool] = []
    digests: list[Ref | str] = []
    for active in rules.cross_rules:
        cls = active.cls
        try:
            applies.append(bool(cls.applies.matches_in(report, context)))
            options = rules.profile.options.get(cls.id, {})
            digests.append(pack(cls().digest(report, replace(context, options=options))))  # type: ignore[attr-defined]
        except BaseException as exc:  # contained to the rule, as a crash in check() is
            log.debug("digest of cross-report rule %s failed", cls.id, exc_info=True)
            applies += [False] * (len(digests) + 1 - len(applies))
            digests.append(f"{type(exc).__name__}: {exc}")
    return ReportDigests(Brief.of(report), tuple(applies), tuple(digests))


def compare(
    rules: RuleSet,
    pairing: Callable[[Sequence[str | None]], list[str | None]],
    batch: Sequence[ReportDigests],
    history: Sequence[ReportDigests] = (),
    fetch: Fetch = _same,
    contain: Containment | None = None,
) -> list[CrossOutcome]:
    """Every cross-report rule over the batch (with earlier years' reports to compare with): one outcome per rule."""
    everyone = [*batch, *history]
    keys = pairing([one.brief.agency for one in everyone])
    tasks = []
    for k, active in enumerate(rules.cross_rules):
        mine = [i for i, one in enumerate(batch) if not isinstance(one.digests[k], str)]
        earlier = [j for j, one in enumerate(history) if not isinstance(one.digests[k], str)]
        chosen = [batch[i] for i in mine] + [history[j] for j in earlier]
        context = replace(
            rules.context(),
            options=rules.profile.options.get(active.cls.id, {}),
            history=RuleDigests([history[j].digests[k] for j in earlier], fetch),  # type: ignore[misc]
            organ_keys=tuple(keys[i] for i in mine) + tuple(keys[len(batch) + j] for j in earlier),
            briefs=tuple(one.brief for one in chosen),
            applies=tuple(batch[i].applies[k] for i in mine),
        )
        reports = RuleDigests([batch[i].digests[k] for i in mine], fetch)  # type: ignore[misc]
        skipped = {i: str(one.digests[k]) for i, one in enumerate(batch) if isinstance(one.digests[k], str)}
        tasks.append(_Task(rules, active, reports, context, mine, len(batch), skipped))
    if contain is not None:
        return contain(tasks)  # type: ignore[arg-type]
    return [task() for task in tasks]


@dataclass
class _Task:
    """One rule over the digests it could take; indices mapped back to the whole batch."""

    rules: RuleSet
    active: ActiveRule
    reports: RuleDigests
    context: CheckContext
    mine: list[int]
    size: int
    skipped: dict[int, str]

    def __call__(self) -> CrossOutcome:
        rule_id = self.active.cls.id
        try:
            rule = self.active.cls()
            applicable = [bool(a) for a in rule.applicable(self.reports, self.context)]  # type: ignore[attr-defined]
            found: dict[int, list[FindingResult]] = {}
            for index, finding in rule.check_reports(self.reports, self.context) or []:  # type: ignore[attr-defined]
                made = self.rules.render(self.active, finding)
                made.fingerprint = fingerprint(self.context.briefs[index], made)
                found.setdefault(self.mine[index], []).append(made)
        except BaseException as exc:  # contained to the rule, SystemExit and KeyboardInterrupt included
            log.debug("cross-report rule %s crashed", rule_id, exc_info=True)
            return CrossOutcome(error=f"{type(exc).__name__}: {exc}")
        whole = [False] * self.size
        for index, applies in zip(self.mine, applicable, strict=False):
            whole[index] = applies
        return CrossOutcome(whole, found, skipped=self.skipped)


def attach(rules: RuleSet, result: FileResult, index: int, outcomes: Sequence[CrossOutcome]) -> None:
    """The cross-report rules' findings and statuses for the batch's `index`-th report (not yet scored again)."""
    assert result.report is not None
    for active, outcome in zip(rules.cross_rules, outcomes, strict=True):
        cls = active.cls
        base = {"rule": cls.id, "severity": active.severity, "weight": active.weight, "category": cls.category}
        failed = outcome.error or outcome.skipped.get(index)
        if failed is not None:
            reason = engine_message("rule.crashed", rules.lang, reason=failed)
            result.rules.append(RuleResult(status=Status.error, reason=reason, **base))
            continue
        made = outcome.found.get(index, [])
        try:
            for finding in made:
                locate(result.report, finding.location)
                mark(result.report, finding, rules.lang)
        except Exception as exc:  # placing the rule's findings is part of the rule: its failure is the rule's
            reason = engine_message("rule.crashed", rules.lang, reason=f"{type(exc).__name__}: {exc}")
            result.rules.append(RuleResult(status=Status.error, reason=reason, **base))
            continue
        result.findings.extend(made)
        applicable = index < len(outcome.applicable) and outcome.applicable[index]
        status = Status.failed if made else Status.passed if applicable else Status.not_applicable
        result.rules.append(RuleResult(status=status, **base))


def locate(report: Report, location: Location) -> None:
    """What a finding made away from its report leaves out: the page and line of its section or row, and the
    printed labels of its table row and column."""
    section, row, column = location.section, location.row, location.column
    if not section:
        return
    if location.page is None and location.line is None:
        anchor = (report.anchor(f"{section}.{row}") if row else None) or report.anchor(f"section.{section}")
        if anchor is not None:
            location.page, location.line = anchor.page, anchor.line
    if section in TABLES:
        if row and location.row_label is None:
            location.row_label = row_label(section, row)
        if column and location.column_label is None:
            location.column_label = column_label(section, column, row, report.template)
