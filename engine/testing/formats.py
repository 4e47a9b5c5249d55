"""Writing one sample report in every format where a pattern can occur: text, HTML, DOCX and OFD here, the PDFs
made from the DOCX files by LibreOffice; shared by the pattern writers (nianbao.engine.testing.patterns, .judgement)."""

from __future__ import annotations

import shutil
from pathlib import Path

from nianbao.engine.model import Report
from nianbao.engine.testing.fixtures import docx_to_pdf
from nianbao.engine.testing.render import render_text
from nianbao.engine.testing.render_html import render_html
from nianbao.engine.testing.samples import SampleSpec, make_report

AGENCY = "青禾市测试局"


def sample(agency: str = AGENCY, year: int = 2022, seed: int = 3) -> Report:
    return make_report(SampleSpec(agency, year, seed=seed))


def write_formats(report: Report, folder: Path, name: str, text: str = "pdf", published=None) -> list[Path]:
    """`report` as `name`.txt (laid out as `text`: "pdf" or "plain"), .html (dated `published`), .docx and .ofd; the
    PDF is made from the DOCX by LibreOffice afterwards (`docx_to_pdf`)."""
    from nianbao.engine.testing.render_docx import render_docx
    from nianbao.engine.testing.render_ofd import render_ofd

    (folder / f"{name}.txt").write_text(render_text(report, text), encoding="utf-8")
    (folder / f"{name}.html").write_bytes(render_html(report, published))
    render_docx(report, folder / f"{name}.docx")
    render_ofd(report, folder / f"{name}.ofd")
    return [folder / f"{name}.{ext}" for ext in ("txt", "html", "docx", "ofd")]


def pdfs_of(written: list[Path], folder: Path, pdf: bool) -> list[Path]:
    """The PDFs LibreOffice makes of the DOCX files among `written`, when asked and installed."""
    if not (pdf and shutil.which("soffice")):
        return []
    return docx_to_pdf([p for p in written if p.suffix == ".docx"], folder)
