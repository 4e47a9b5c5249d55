"""Which report is the same organ's report for the year before: in the batch, or in the history given."""

from __future__ import annotations

from engine import CheckContext, Report
from engine.organs import pairing_keys, previous_years


def organ_keys(reports: list[Report], context: CheckContext) -> list[str | None]:
    """The key each of `reports` and then each history report is paired by: the engine's (roster names, else
    canonical names) when it computed them, else canonical names."""
    everything = [*reports, *context.history]
    if len(context.organ_keys) == len(everything):
        return list(context.organ_keys)
    return pairing_keys([r.agency for r in everything])


def previous_reports(reports: list[Report], context: CheckContext) -> dict[int, Report]:
    """For each report (by index), the same organ's report for the year before, when the batch or the history
    holds it (the batch's own first)."""
    everything = [*reports, *context.history]
    pairs = previous_years(organ_keys(reports, context), [r.year for r in everything], len(reports))
    return {i: everything[j] for i, j in pairs.items()}
