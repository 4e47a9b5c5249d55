"""NB503 among thousands: the planted near-copies are found exactly, and shared boilerplate costs comparisons in
proportion to the reports, not to their square."""

from __future__ import annotations

from nianbao.engine import CheckContext
from nianbao.engine.checking.crossreport import rule_digests
from nianbao.engine.testing.nearcopies import planted_batch
from nianbao.rules.crossreport import DuplicateText
from nianbao.rules.nearcopy import BANDS, agreement, candidates, signature


def _run(reports):
    rule = DuplicateText()
    digests, context = rule_digests(rule, reports, CheckContext())
    return rule.check_reports(digests, context)


def test_a_planted_group_of_near_copies_is_found_exactly_among_thousands():
    batch = planted_batch(2000, planted=50)
    found = list(_run(batch.reports))
    assert {i for i, _ in found} == batch.copies
    assert {f.params["count"] for _, f in found} == {49}  # each: "and 48 more", one finding per report


def test_boilerplate_shared_by_hundreds_costs_linear_comparisons():
    same = frozenset(f"{i:05d}" for i in range(300))
    signatures = [signature(same) for _ in range(500)]
    pairs = list(candidates(signatures))
    assert len(pairs) <= BANDS * len(signatures)  # each member linked to the next, not every pair
    assert {a for a, _ in pairs} | {b for _, b in pairs} == set(range(500))


def test_similar_sets_agree_on_most_bins_and_different_ones_do_not():
    base = {f"片段{i:04d}" for i in range(400)}
    close = (base - {f"片段{i:04d}" for i in range(20)}) | {f"新增{i:03d}" for i in range(20)}  # J ≈ 0.9
    other = {f"其他{i:04d}" for i in range(400)}
    a, b, c = signature(frozenset(base)), signature(frozenset(close)), signature(frozenset(other))
    assert agreement(a, b) > 0.7 and agreement(a, c) < 0.1
    assert agreement(a, a) == 1.0


def test_a_pair_above_the_threshold_is_never_dropped_by_its_estimate():
    """Pairs at J = 0.8 (the rule's threshold) agree on well over half their bins, every time: the estimate that
    spares exact comparisons never hides a copy."""
    from nianbao.rules.crossreport import ESTIMATE

    for seed in range(200):
        base = {f"{seed}片段{i:04d}" for i in range(300)}
        drop = {f"{seed}片段{i:04d}" for i in range(33)}
        close = (base - drop) | {f"{seed}新增{i:03d}" for i in range(33)}  # J = 267 / 333 ≈ 0.80
        assert agreement(signature(frozenset(base)), signature(frozenset(close))) >= ESTIMATE + 0.1
