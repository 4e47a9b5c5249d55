"""The clerk's page draws the PDF pages a report's findings point at (nianbao.engine.readers.pdf.pages): how long a
page takes.

    python benchmarks/page_images.py

An 8-page report (the generated 2021 fixture's pages, repeated) and the real reports of ../shared/corpus when they
are there: every page drawn once, in this process (the server draws them in a child process; its start is a fork).
Prints seconds per page (median and worst) and for the most one report is drawn with (MAX_PAGES pages).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.engine.readers.pdf.pages import MAX_PAGES, render_pages  # noqa: E402


def eight_pages() -> bytes:
    import io

    import pypdfium2 as pdfium

    source = pdfium.PdfDocument((ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes())
    target = pdfium.PdfDocument.new()
    while len(target) < 8:
        target.import_pages(source, list(range(min(len(source), 8 - len(target)))))
    buffer = io.BytesIO()
    target.save(buffer)
    return buffer.getvalue()


def measure(name: str, data: bytes) -> None:
    import pypdfium2 as pdfium

    count = len(pdfium.PdfDocument(data))
    per_page = []
    for number in range(1, count + 1):
        started = time.perf_counter()
        render_pages(data, [number])
        per_page.append(time.perf_counter() - started)
    started = time.perf_counter()
    render_pages(data, list(range(1, count + 1)))
    most = time.perf_counter() - started
    print(
        f"{name}: {count} pages, per page median {statistics.median(per_page):.3f} s, worst {max(per_page):.3f} s; "
        f"{min(count, MAX_PAGES)} pages for one answer {most:.3f} s"
    )


def main() -> None:
    measure("generated 8-page report", eight_pages())
    corpus = ROOT.parent / "shared" / "corpus" / "real"
    for pdf in sorted(corpus.glob("*.pdf")) if corpus.is_dir() else []:
        measure(pdf.name, pdf.read_bytes())


if __name__ == "__main__":
    main()
