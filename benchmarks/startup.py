"""Where a clerk waits: whole commands for one file, timed in turn against `python -c pass` (paired runs, as ratios).

    python benchmarks/startup.py [PAIRS]     # default 7 pairs per command

Each command runs as a user runs it (the installed `nianbao`, bytecode written by a warm-up run first, no results
cache) and alternates with `python -c pass`, so that the machine's drift cancels out of each pair's ratio. Printed:
each command's median wall time, its range, and the median of its paired ratios.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NIANBAO = Path(sys.executable).with_name("nianbao")
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # as a user's machine: .pyc kept

COMMANDS = {
    "nianbao --version": [str(NIANBAO), "--version"],
    "check one text report": [str(NIANBAO), "check", str(ROOT / "tests/fixtures/2021-qinghe.txt"), "--no-cache"],
    "check one PDF report": [str(NIANBAO), "check", str(ROOT / "tests/fixtures/2021-qinghe.pdf"), "--no-cache"],
}
BASE = [sys.executable, "-c", "pass"]


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def main(pairs: int = 7) -> None:
    for name, command in COMMANDS.items():
        wall(command), wall(BASE)  # warm-up: bytecode written, files in the page cache
        times, ratios = [], []
        for _ in range(pairs):
            base, took = wall(BASE), wall(command)
            times.append(took)
            ratios.append(took / base)
        print(
            f"{name:24} median {statistics.median(times):.3f} s (range {min(times):.3f}–{max(times):.3f}), "
            f"{statistics.median(ratios):.1f}× python -c pass"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
