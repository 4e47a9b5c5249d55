"""An office's batch with every case of who-filed-what: a report of each format (text, HTML, DOCX, PDF, OFD, a
workbook of the tables, a scan), an unreadable file, another year's report, one organ twice (its PDF and a scan of
it), a file not on the roster, a name that fits two organs, and organs that did not report; with the roster. Tests
hold the roster summary, the 名单核对 sheet, the HTML and the 通报 to it.

    python -m nianbao.engine.testing.roster_batch target-folder
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.engine.testing.render import render_text
from nianbao.engine.testing.render_docx import render_docx
from nianbao.engine.testing.render_html import render_html
from nianbao.engine.testing.render_ofd import render_ofd
from nianbao.engine.testing.samples import SampleSpec, make_report
from nianbao.engine.testing.workbooks import report_xlsx

YEAR = 2022
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
PDF_ORGAN = "青禾市自然资源局"  # the organ of tests/fixtures/2021-qinghe.pdf (a 2022 report)


@dataclass
class Expected:
    expected: int
    status: dict[str, str]  # roster organ -> checked / unreadable / other-year / missing
    unreadable: dict[str, str | None] = field(default_factory=dict)  # file name -> its organ
    other_year: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    duplicate: list[str] = field(default_factory=list)  # the organ's two files
    scanned: bool = False  # whether the scan of the PDF was written (it needs Pillow)


ROSTER = [
    ("青禾市教育局", "部门"),
    ("青禾市水利局", "部门"),
    ("青禾市民政局", "部门"),
    (PDF_ORGAN, "部门"),
    ("青禾市统计局", "部门"),
    ("青禾市审计局", "部门"),
    ("南屿县东川镇人民政府", "乡镇街道"),
    ("北屿县东川镇人民政府", "乡镇街道"),
    ("青禾市司法局", "部门"),
    ("青禾市商务局", "部门"),
    ("青禾市交通运输局", "部门"),
]


def _report(agency: str, year: int = YEAR, seed: int = 1):
    report = make_report(SampleSpec(agency, year, seed=seed))
    report.published = dt.date(year + 1, 1, 20)
    return report


def write_batch(folder: Path, scan: bool = True) -> Expected:
    reports = folder / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    roster = "机关名称,类型\r\n" + "".join(f"{name},{kind}\r\n" for name, kind in ROSTER)
    (folder / "roster.csv").write_text(roster, encoding="utf-8")
    expected = Expected(
        expected=len(ROSTER),
        status={name: "missing" for name, _ in ROSTER},
    )
    (reports / "教育局.txt").write_text(render_text(_report("青禾市教育局", seed=2)), encoding="utf-8")
    (reports / "水利局.html").write_bytes(render_html(_report("青禾市水利局", seed=3)))
    render_docx(_report("青禾市民政局", seed=4), reports / "民政局.docx")
    shutil.copy(FIXTURES / "2021-qinghe.pdf", reports / "自然资源局.pdf")
    render_ofd(_report("青禾市商务局", seed=9), reports / "商务局.ofd")
    (reports / "交通运输局统计表.xlsx").write_bytes(report_xlsx(_report("青禾市交通运输局", seed=10)))
    for name in ("青禾市教育局", "青禾市水利局", "青禾市民政局", PDF_ORGAN, "青禾市商务局", "青禾市交通运输局"):
        expected.status[name] = "checked"
    # Unreadable: a PDF cut short in the post; its organ is in its file name.
    pdf = (FIXTURES / "2021-qinghe.pdf").read_bytes()
    (reports / "青禾市统计局2022年报.pdf").write_bytes(pdf[: len(pdf) // 5])
    expected.status["青禾市统计局"] = "unreadable"
    expected.unreadable["青禾市统计局2022年报.pdf"] = "青禾市统计局"
    # Last year's report sent for this year's.
    (reports / "审计局.txt").write_text(render_text(_report("青禾市审计局", YEAR - 1, seed=5)), encoding="utf-8")
    expected.status["青禾市审计局"] = "other-year"
    expected.other_year.append("审计局.txt")
    # A name that fits two organs of the roster: 东川镇 is in two counties.
    (reports / "东川镇.txt").write_text(render_text(_report("东川镇人民政府", seed=6)), encoding="utf-8")
    expected.ambiguous.append("东川镇.txt")
    # An organ that is not on the roster.
    (reports / "气象局.txt").write_text(render_text(_report("青禾市气象局", seed=7)), encoding="utf-8")
    expected.unmatched.append("气象局.txt")
    # The PDF's organ files a scan of it too (when Pillow is here to make one).
    if scan:
        try:
            from nianbao.engine.testing.scan import ScanSpec, scanned_pages
        except ImportError:
            scan = False
    if scan:
        pages = scanned_pages(pdf, ScanSpec(dpi=200, skew=0.5, seal_page=0, seed=3, mode="grey"))
        pages[0].save(reports / "自然资源局-扫描件.pdf", save_all=True, append_images=pages[1:], resolution=200)
        expected.duplicate = ["自然资源局-扫描件.pdf", "自然资源局.pdf"]
        expected.scanned = True
    # 青禾市司法局 and both towns file nothing of their own.
    return expected


if __name__ == "__main__":
    print(write_batch(Path(sys.argv[1])))
