"""NB503 at scale: N reports with their own sections and 50 planted near-copies among them.

    python benchmarks/nearcopy.py           # 1,000, 3,000 and 10,000 reports

Times the rule alone (in this process, on models) and fits the growth exponent; checks that exactly the 50 are
found each time.
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nianbao.engine import CheckContext
from nianbao.engine.checking.crossreport import rule_digests
from nianbao.engine.testing.nearcopies import planted_batch
from nianbao.rules.crossreport import DuplicateText


def _run(reports):
    rule = DuplicateText()
    digests, context = rule_digests(rule, reports, CheckContext())
    return rule.check_reports(digests, context)


def main() -> None:
    sizes, times = [], []
    for n in (1000, 3000, 10000):
        batch = planted_batch(n)
        started = time.perf_counter()
        found = {i for i, _ in _run(batch.reports)}
        elapsed = time.perf_counter() - started
        sizes.append(n)
        times.append(elapsed)
        print(f"{n:>6} reports: NB503 {elapsed:.2f} s, planted found exactly: {found == batch.copies}")
    slope = math.log(times[-1] / times[0]) / math.log(sizes[-1] / sizes[0])
    print(f"growth exponent {slope:.2f}")


if __name__ == "__main__":
    main()
