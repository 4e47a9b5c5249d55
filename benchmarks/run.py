"""Nianbao's benchmark: how fast and how lean a check is, against the pdfminer.six floor.

    python benchmarks/run.py              # builds the set in benchmarks/data/ (PDFs need LibreOffice), then times

It builds a fixed set with the project's own generator (both templates; PDF, HTML, DOCX, TXT), then measures
in one run:
  (a) pdfminer.six `extract_text` alone over the PDFs (in this process, after a warm-up),
  (b) `nianbao check --jobs 1` over the same PDFs (the whole command, start-up included), and in one warm process
      reading and checking them with PDFium's text and with pdfminer's, each against (a), in turn,
  (c) the whole mixed set with 1 and with 2 workers,
  (d) peak memory of a worker checking one 10-page report,
  (e) HTML and text reports per second per core,
and prints the ratios the README quotes. Without LibreOffice the PDFs are the committed test fixtures.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.engine.template import Template  # noqa: E402
from nianbao.engine.testing.fixtures import docx_to_pdf  # noqa: E402
from nianbao.engine.testing.render import render_text  # noqa: E402
from nianbao.engine.testing.render_html import render_html  # noqa: E402
from nianbao.engine.testing.samples import SampleSpec, make_report  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
ORGANS = ["青禾市自然资源局", "南屿县人民政府", "白鹭市生态环境局", "云岭镇人民政府", "东川市教育局"]


def long_report(i: int):
    """A report of about ten pages: the usual tables and a long account of the year's work."""
    template = Template.T2021 if i % 2 else Template.T2019
    year = 2022 if template is Template.T2021 else 2020
    report = make_report(SampleSpec(ORGANS[i % len(ORGANS)], year, seed=100 + i, template=template))
    overview = report.section("overview")
    extra = [overview.text] + [overview.text.replace("（", "【").replace("）", "】")] * 11
    overview.text = "\n".join(extra)
    return report


def build(count: int = 20) -> dict[str, list[Path]]:
    from nianbao.engine.testing.render_docx import render_docx

    sets: dict[str, list[Path]] = {"pdf": [], "html": [], "docx": [], "txt": []}
    for kind in sets:
        (DATA / kind).mkdir(parents=True, exist_ok=True)
    for i in range(count):
        report = long_report(i)
        name = f"r{i:02d}"
        (DATA / "txt" / f"{name}.txt").write_text(render_text(report, "pdf"), encoding="utf-8")
        (DATA / "html" / f"{name}.html").write_bytes(render_html(report))
        render_docx(report, DATA / "docx" / f"{name}.docx")
    if shutil.which("soffice"):
        docx_to_pdf(sorted((DATA / "docx").glob("*.docx")), DATA / "pdf")
    else:
        for i, fixture in enumerate(sorted((ROOT / "tests" / "fixtures").glob("*.pdf")) * (count // 2)):
            shutil.copy(fixture, DATA / "pdf" / f"r{i:02d}.pdf")
    for kind in sets:
        sets[kind] = sorted((DATA / kind).iterdir())
    return sets


def extract_text_seconds(pdfs: list[Path], repeat: int = 3) -> float:
    from pdfminer.high_level import extract_text

    extract_text(pdfs[0])  # warm-up: imports, CMaps
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for pdf in pdfs:
            extract_text(pdf)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def nianbao_seconds(paths: list[Path], jobs: int, repeat: int = 3) -> float:
    command = [
        sys.executable,
        "-m",
        "nianbao.engine.cli.main",
        "check",
        *map(str, paths),
        "--jobs",
        str(jobs),
        "--no-cache",
        "--format",
        "json",
        "--output",
        os.devnull,
        "--no-progress",
    ]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=False, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def in_process_ratios(pdfs: list[Path], rounds: int = 3) -> tuple[float, float]:
    """Reading and checking the PDFs in one warm process, with PDFium's text (the default) and with pdfminer's,
    each as a share of `extract_text`'s time over them: the three timed in turn, round after round, medians."""
    import dataclasses

    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.readers.pdf import reader
    from pdfminer.high_level import extract_text

    checker = Checker(PluginHost.load())
    default = reader.SETTINGS

    def timed(work) -> float:
        start = time.perf_counter()
        for pdf in pdfs:
            work(pdf)
        return time.perf_counter() - start

    def check(pdfium: bool) -> float:
        reader.SETTINGS = dataclasses.replace(default, pdfium=pdfium)
        return timed(checker.check_file)

    try:
        timed(extract_text), check(True), check(False)  # warm-up: imports, CMaps, fonts
        base, pdfium, pdfminer = [], [], []
        for _ in range(rounds):
            base.append(timed(extract_text))
            pdfium.append(check(True))
            pdfminer.append(check(False))
    finally:
        reader.SETTINGS = default
    middle = statistics.median(base)
    return statistics.median(pdfium) / middle, statistics.median(pdfminer) / middle


def worker_peak_mb(path: Path) -> float:
    """Peak resident memory of the worker process that checks one report (the parent does not read it)."""
    code = (
        "import resource, sys; from nianbao.engine.cli.main import main; "
        f"main(['check', {str(path)!r}, '--jobs', '1', '--no-cache', '--format', 'json', '--output', {os.devnull!r}]); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return int(out.stdout.split()[-1]) / 1024


def per_second(paths: list[Path]) -> float:
    """Reports per second in one process, warm: the cost of reading and checking, without start-up."""
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost

    checker = Checker(PluginHost.load())
    checker.check_file(paths[0])
    start = time.perf_counter()
    rounds = 5
    for _ in range(rounds):
        for path in paths:
            checker.check_file(path)
    return rounds * len(paths) / (time.perf_counter() - start)


def main() -> None:
    sets = build()
    pdfs = sets["pdf"]
    mixed = [p for kind in sets.values() for p in kind]
    pages = []
    from pdfminer.pdfpage import PDFPage

    for pdf in pdfs:
        with pdf.open("rb") as fh:
            pages.append(sum(1 for _ in PDFPage.get_pages(fh)))
    base = extract_text_seconds(pdfs)
    ours = nianbao_seconds(pdfs, jobs=1)
    warm_pdfium, warm_pdfminer = in_process_ratios(pdfs)
    one = nianbao_seconds(mixed, jobs=1)
    two = nianbao_seconds(mixed, jobs=2)
    ten_pages = max(pdfs, key=lambda p: pages[pdfs.index(p)])
    peak = worker_peak_mb(ten_pages)
    html_rate = per_second(sets["html"])
    txt_rate = per_second(sets["txt"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(
        f"set: {len(pdfs)} PDFs ({min(pages)}-{max(pages)} pages), {len(sets['html'])} HTML, "
        f"{len(sets['docx'])} DOCX, {len(sets['txt'])} TXT"
    )
    print(f"(a) pdfminer extract_text over the PDFs:      {base:6.2f} s")
    print(f"(b) nianbao check --jobs 1 over the PDFs:     {ours:6.2f} s   ratio {ours / base:.2f}x (goal <= 0.9x)")
    print(f"    in one process, PDFium's text:           {warm_pdfium:6.2f}x (a)   (goal <= 0.3x)")
    print(f"    in one process, pdfminer's text:         {warm_pdfminer:6.2f}x (a)")
    print(f"(c) mixed set, 1 worker:                     {one:6.2f} s")
    print(f"    mixed set, 2 workers:                    {two:6.2f} s   speed-up {one / two:.2f}x (goal >= 1.7x)")
    print(f"(d) peak memory of a worker, {pages[pdfs.index(ten_pages)]}-page PDF: {peak:6.1f} MB (goal < 150 MB)")
    print(f"(e) HTML reports per second per core:        {html_rate:6.1f}   (goal >= 50)")
    print(f"    text reports per second per core:        {txt_rate:6.1f}   (goal >= 50)")


if __name__ == "__main__":
    main()
