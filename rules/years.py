"""Which report is the same organ's report for the year before: in the batch, or in the history given.

Cross-report rules receive their own digests of the reports (`CrossReportRule.digest`); who each report is comes
from `context.briefs`. Both fall back to the reports themselves when a rule is called on reports directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from nianbao.engine import Brief, CheckContext
from nianbao.engine.organs import pairing_keys, previous_years


def briefs(reports: Sequence[Any], context: CheckContext) -> Sequence[Brief]:
    """Who each of `reports` and then each history report is."""
    if len(context.briefs) == len(reports) + len(context.history):
        return context.briefs
    return [Brief.of(r) for r in (*reports, *context.history)]


def organ_keys(reports: Sequence[Any], context: CheckContext) -> list[str | None]:
    """The key each of `reports` and then each history report is paired by: the engine's (roster names, else
    canonical names) when it computed them, else canonical names."""
    if len(context.organ_keys) == len(reports) + len(context.history):
        return list(context.organ_keys)
    return pairing_keys([b.agency for b in briefs(reports, context)])


def previous(reports: Sequence[Any], context: CheckContext) -> dict[int, int]:
    """For each report (by index), where the same organ's report for the year before is, when the batch or the
    history holds it (the batch's own first): an index into `reports` followed by the history."""
    years = [b.year for b in briefs(reports, context)]
    return previous_years(organ_keys(reports, context), years, len(reports))


def at(reports: Sequence[Any], context: CheckContext, index: int) -> Any:
    """The report (a rule's digest of it) at `index` of `reports` followed by the history."""
    return reports[index] if index < len(reports) else context.history[index - len(reports)]


def previous_reports(reports: Sequence[Any], context: CheckContext) -> Iterator[tuple[int, Any, Brief]]:
    """Each report that has the same organ's report for the year before: its index, that report (the rule's digest
    of it, read when reached) and who that is."""
    who = briefs(reports, context)
    for i, j in previous(reports, context).items():
        yield i, at(reports, context, j), who[j]
