"""What the cross-year rules cost: a batch of this year's reports checked alone, then with last year's as history.

    python benchmarks/crossyear.py [ORGANS]       # default 1000 organs; writes under benchmarks/data/crossyear/

Builds ORGANS organs' reports for 2023 and 2024 with the project's generator (text), writes last year's result
document once (`--format json`), then times whole commands, start-up included, best of three:
  (a) `nianbao check 2024/ --no-cache --format json`
  (b) the same with `--history 2023.json` (last year's models, not checked again)
and prints (b)/(a), and each command's time in the cross-report stage is in the difference.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.engine.testing.office import _rewrite  # noqa: E402
from nianbao.engine.testing.render import render_text  # noqa: E402
from nianbao.engine.testing.samples import make_series  # noqa: E402

DATA = ROOT / "benchmarks" / "data" / "crossyear"
PLACES = ("青禾市", "白鹭市", "南屿县", "云岭县", "东川市", "西岭县", "北湖市", "临江县")
OFFICES = (
    "自然资源局",
    "生态环境局",
    "教育局",
    "财政局",
    "统计局",
    "司法局",
    "商务局",
    "水利局",
    "民政局",
    "交通运输局",
)


def build(organs: int) -> tuple[Path, Path]:
    last, this = DATA / f"{organs}" / "2023", DATA / f"{organs}" / "2024"
    if this.exists():
        return last, this
    last.mkdir(parents=True)
    this.mkdir(parents=True)
    for i in range(organs):
        name = f"{PLACES[i % len(PLACES)]}第{i // 80 + 1}{OFFICES[(i // len(PLACES)) % len(OFFICES)]}"
        before, now = make_series(name, [2023, 2024], seed=i + 1)
        for report in (before, now):
            _rewrite(report, i + 1)  # each year's prose written anew, as an organ would
        (last / f"{i:05d}.txt").write_text(render_text(before), encoding="utf-8")
        (this / f"{i:05d}.txt").write_text(render_text(now), encoding="utf-8")
    return last, this


def nianbao(*args: object) -> float:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "nianbao.engine.cli.main", *map(str, args)], env=env, check=False, capture_output=True
    )
    return time.perf_counter() - started


def main() -> None:
    organs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    last, this = build(organs)
    history = last.parent / "2023.json"
    if not history.exists():
        nianbao("check", last, "--no-cache", "--format", "json", "--output", history, "--no-progress")
    alone = min(nianbao("check", this, "--no-cache", "--format", "json", "--no-progress") for _ in range(3))
    compared = min(
        nianbao("check", this, "--no-cache", "--format", "json", "--no-progress", "--history", history)
        for _ in range(3)
    )
    print(f"{organs} reports: alone {alone:.1f} s, with {organs} history reports {compared:.1f} s, "
          f"ratio {compared / alone:.3f}")  # fmt: skip


if __name__ == "__main__":
    main()
