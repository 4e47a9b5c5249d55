"""The cluster's overhead: the same batch on the local pool and on a loopback Dask cluster of the same cores.

    python benchmarks/cluster.py [REPORTS] [PAIRS]     # default 1000 reports (benchmarks/crossyear.py's), 3 pairs

Starts a scheduler and two workers of one thread each on 127.0.0.1 (as `dask scheduler` and `dask worker` would
be started on real machines), then runs, in turn, A B A B …:
  A  nianbao check DIR --no-cache --format json --cluster tcp://127.0.0.1:PORT
  B  nianbao check DIR --no-cache --format json --jobs 2
and prints each pair's wall times and the ratio A/B (paired, so a machine whose speed drifts still compares fairly),
then the median ratio. Both sides check with every rule, cross-report rules included, and their results are
compared (equal, timings aside) before any figure is printed.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.engine.testing.cluster import Loopback  # noqa: E402

from benchmarks.crossyear import build  # noqa: E402


def check(folder: Path, output: Path, *extra: str) -> float:
    command = [sys.executable, "-m", "nianbao.engine.cli.main", "check", str(folder), "--no-cache", "--no-progress"]
    command += ["--format", "json", "--output", str(output), *extra]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"the run failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def comparable(path: Path) -> dict:
    document = json.loads(path.read_text(encoding="utf-8"))
    document.pop("generated", None)
    document.get("tool", {}).pop("elapsed", None)
    return document


def main() -> None:
    reports = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    pairs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    _, folder = build(reports)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        cluster = Loopback(work, workers=2, threads=1)
        try:
            check(folder, work / "warm.json", "--cluster", cluster.address)  # the workers import and build once
            ratios = []
            for pair in range(pairs):
                remote = check(folder, work / "cluster.json", "--cluster", cluster.address)
                local = check(folder, work / "local.json", "--jobs", "2")
                if pair == 0 and comparable(work / "cluster.json") != comparable(work / "local.json"):
                    raise SystemExit("the cluster's results differ from the local pool's")
                ratios.append(remote / local)
                print(f"pair {pair + 1}: cluster {remote:6.1f} s, local pool {local:6.1f} s, ratio {ratios[-1]:.2f}")
            print(f"{reports} reports, 2 workers × 1 thread vs --jobs 2: median ratio {statistics.median(ratios):.2f}")
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
