"""The readers' test fixtures: the same invented reports as text, HTML (UTF-8 and GBK), DOCX and PDF.

The truth of each fixture is a report model (`truth(name)`); the files are printed from it. PDFs are made
from the DOCX files by LibreOffice and committed, so tests need no LibreOffice.

    python -m nianbao.engine.testing.fixtures tests/fixtures     # rewrite them (the PDFs only where soffice exists)
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nianbao.engine.model import Report
from nianbao.engine.testing.render import render_text
from nianbao.engine.testing.render_html import render_html
from nianbao.engine.testing.samples import SampleSpec, make_report

PUBLISHED = {"2021-qinghe": dt.date(2023, 1, 20), "2019-nanyu": dt.date(2021, 3, 15)}
FORMATS = ("txt", "html", "gbk.html", "docx", "pdf")


def truth(name: str) -> Report:
    if name == "2021-qinghe":
        report = make_report(SampleSpec("青禾市自然资源局", 2022, seed=11))
        report.applications["partially_disclosed"]["research"] = None
        report.review_litigation["litigation_after_review"]["other"] = None
    elif name == "2019-nanyu":
        report = make_report(SampleSpec("南屿县人民政府", 2020, seed=7))
        report.applications["withheld.state_secret"]["total"] = None  # blank, as in real 2019 reports
        report.applications["extra.其中：涉及营商环境"] = {c: 0 for c in report.applications["received_new"]} | {
            "natural_person": 2,
            "total": 2,
        }
        report.proactive["procurement"]["amount"] = 128.5
    else:
        raise KeyError(name)
    report.published = PUBLISHED[name]
    return report


def docx_to_pdf(docx_files: list[Path], folder: Path, export: str = "pdf") -> list[Path]:
    """PDFs of DOCX files, as LibreOffice exports them (a fresh LibreOffice profile each time); of HTML pages as
    its Writer/Web prints them with `export="pdf:writer_web_pdf_Export"`."""
    return converted(docx_files, folder, export, "pdf")


def converted(files: list[Path], folder: Path, export: str, ending: str, infilter: str | None = None) -> list[Path]:
    """The files as LibreOffice converts them (`--convert-to export`, opened by `infilter` when given: "HTML
    (StarCalc)" opens a web page in Calc), written to `folder` under their names with `ending`."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                "soffice",
                "--headless",
                f"-env:UserInstallation=file://{tmp}/profile",
                *([f"--infilter={infilter}"] if infilter else []),
                "--convert-to",
                export,
                "--outdir",
                str(folder),
                *map(str, files),
            ],
            check=True,
            capture_output=True,
            timeout=600,
        )
    return [folder / f"{f.stem}.{ending}" for f in files]


def write_fixtures(folder: Path, pdf: bool = True) -> list[Path]:
    from nianbao.engine.testing.render_docx import render_docx

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in PUBLISHED:
        report = truth(name)
        (folder / f"{name}.txt").write_text(render_text(report, "pdf"), encoding="utf-8")
        (folder / f"{name}.html").write_bytes(render_html(report, report.published))
        (folder / f"{name}.gbk.html").write_bytes(render_html(report, report.published, encoding="gbk"))
        docx = render_docx(report, folder / f"{name}.docx")
        written += [folder / f"{name}.{ext}" for ext in ("txt", "html", "gbk.html", "docx")]
        if pdf and shutil.which("soffice"):
            written += docx_to_pdf([docx], folder)
    return written


def write_case_documents(rules_folder: Path) -> list[Path]:
    """The small documents some rule cases start from (tests/rules/<ID>/), printed from a sample."""
    from nianbao.engine.testing.cases import sample

    text = render_text(sample("2021"))
    five, six = text.index("五、存在的主要问题及改进情况"), text.index("六、其他需要报告的事项")
    documents = {
        "NB102/repeated-section.txt": (text[:six] + text[five:six] + text[six:]).encode(),
        "NB102/out-of-order.txt": (text[:five] + text[six:].rstrip("\n") + "\n\n" + text[five:six]).encode(),
        "NB401/late-department.html": render_html(sample("2021"), dt.date(2023, 2, 15)),
    }
    written = []
    for name, data in documents.items():
        path = rules_folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures")
    for path in write_fixtures(target) + write_case_documents(target.parent / "rules"):
        print(path)
