"""A province in one run: `nianbao check FOLDER --no-cache --format json --output …` with every rule, 2 workers, on
N small generated reports (those of `benchmarks/crossyear.py`, one per organ), for several N.

For each N it prints the wall time, the peak memory of the run's own process (where results and what the
cross-report rules need are kept) and the largest peak of any process it started (a worker, a cross-report rule),
then the growth exponents between sizes: time and memory should grow no faster than the number of reports.

    python benchmarks/province.py 1000 10000        # builds what is missing under benchmarks/data/crossyear/
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.crossyear import build

# Runs the command in this process and says, at its end, the peak resident memory of this process and of the
# largest of its children (Linux reports kilobytes).
_PROBE = """
import resource, sys
from nianbao.engine.cli.main import main
code = main(sys.argv[1:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"PEAK {own} {children}", file=sys.stderr)
sys.exit(code)
"""


def measure(organs: int, jobs: int = 2) -> tuple[float, float, float]:
    """Seconds, the run's own peak MB, the largest child's peak MB."""
    _, this_year = build(organs)
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-c", _PROBE, "check", str(this_year), "--no-cache", "--no-progress"]
        command += ["--jobs", str(jobs), "--format", "json", "--output", str(Path(out) / "result.json")]
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - started
    peak = next((line.split() for line in done.stderr.splitlines() if line.startswith("PEAK ")), None)
    if peak is None or done.returncode not in (0, 1):
        raise SystemExit(f"the run failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, int(peak[1]) / 1024, int(peak[2]) / 1024


def exponent(n1: int, y1: float, n2: int, y2: float) -> float:
    return math.log(y2 / y1) / math.log(n2 / n1)


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    rows = []
    for n in sizes:
        seconds, own, child = measure(n)
        rows.append((n, seconds, own))
        print(f"{n:>7} reports: {seconds:7.1f} s; run's own peak {own:6.0f} MB; largest child {child:6.0f} MB")
    for (n1, t1, m1), (n2, t2, m2) in itertools.pairwise(rows):
        grow = f"time exponent {exponent(n1, t1, n2, t2):.2f}, own memory exponent {exponent(n1, m1, n2, m2):.2f}"
        print(f"{n1} → {n2}: {grow}")


if __name__ == "__main__":
    main()
