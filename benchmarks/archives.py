"""How a zip of many small reports is indexed and read: linear in its members, or not.

    python benchmarks/archives.py            # 10k, 30k and 100k members (writes them under benchmarks/data/)

For each archive it times, in this process: listing the members a check would read
(`nianbao.engine.submissions.collect`), and reading every member once through the per-process open archive (what the
workers do); then fits the growth exponent of each over the sizes. Before the archive was kept open, every member
re-read the central directory: 2,000 members took 15 s, 5,000 took 59 s (exponent 2), and 100,000 would have taken
more than a day.
"""

from __future__ import annotations

import math
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.engine.submissions import collect  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
SIZES = (10_000, 30_000, 100_000)


def archive(members: int) -> Path:
    path = DATA / f"members-{members}.zip"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        text = (ROOT / "reports" / "2022-qinghe-natural-resources.txt").read_bytes()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
            for i in range(members):
                out.writestr(f"reports/{i // 1000:03d}/{i:06d}.txt", text)
    return path


def measure(members: int) -> tuple[float, float]:
    path = archive(members)
    started = time.perf_counter()
    subs = collect([path])
    listed = time.perf_counter() - started
    assert len(subs) == members
    started = time.perf_counter()
    for sub in subs:
        sub.read_bytes()
    read = time.perf_counter() - started
    return listed, read


def exponent(xs: list[int], ys: list[float]) -> float:
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-6)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / sum((a - mx) ** 2 for a in lx)


def main() -> None:
    rows = [(n, *measure(n)) for n in SIZES]
    print(f"{'members':>8}  {'list (s)':>9}  {'read all (s)':>12}")
    for n, listed, read in rows:
        print(f"{n:>8}  {listed:>9.2f}  {read:>12.2f}")
    sizes = [n for n, _, _ in rows]
    listing, reading = exponent(sizes, [r[1] for r in rows]), exponent(sizes, [r[2] for r in rows])
    print(f"growth exponent: list {listing:.2f}, read {reading:.2f}")


if __name__ == "__main__":
    main()
