"""Every file an office receives is read or refused with what to do: .doc and .wps through LibreOffice (when it is
installed), and images, spreadsheets and other archives refused by name with one sentence of advice, never
left out of the batch."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from nianbao.engine.readers.legacy import soffice
from nianbao.engine.readers.scan.reader import ocr_ready

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"
needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed here")


def _as_doc(docx: Path, folder: Path) -> Path:
    """The DOCX fixture saved as Word 97 by LibreOffice (the project's own fixture, in another format)."""
    subprocess.run(
        [soffice(), f"-env:UserInstallation={(folder / 'lo').as_uri()}", "--headless", "--convert-to", "doc",
         "--outdir", str(folder), str(docx)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return folder / (docx.stem + ".doc")


@needs_libreoffice
def test_doc_and_wps_read_like_the_docx_they_came_from(tmp_path, run_json):
    docx = FIXTURES / "2021-qinghe.docx"
    doc = _as_doc(docx, tmp_path)
    wps = tmp_path / "2021-qinghe.wps"  # WPS saves Word-compatible files under its own ending
    shutil.copy(doc, wps)
    _code, result = run_json(docx, doc, wps, "--no-cache", "--select", "NB2")
    by_suffix = {Path(r["source"]["path"]).suffix: r for r in result["results"]}
    reference = by_suffix[".docx"]["report"]
    for suffix in (".doc", ".wps"):
        converted = by_suffix[suffix]
        assert converted["error"] is None, converted["error"]
        assert converted["report"]["applications"] == reference["applications"]  # every cell exact
        assert converted["report"]["review_litigation"] == reference["review_litigation"]
        assert converted["score"] == by_suffix[".docx"]["score"]
        assert any("LibreOffice" in note for note in converted["report"]["notes"])


def test_without_libreoffice_a_doc_is_refused_with_advice(tmp_path, run_json, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice to be found
    doc = tmp_path / "报告.doc"
    doc.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    _code, result = run_json(doc, "--no-cache")
    error = result["results"][0]["error"]
    assert error["code"] == "unsupported" and "另存为 DOCX 或 PDF" in error["message"]


def test_no_file_is_silently_left_out(tmp_path, run_json):
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copy(ROOT / "reports" / "2022-qinghe-natural-resources.txt", folder / "good.txt")
    kinds = {
        "tables.csv": "电子表格",
        "all.rar": "zip",
        "memo.xyz": "不支持",
    }
    for name in [*kinds, "scan.png"]:
        (folder / name).write_bytes(b"\x00\x01 not really")
    (folder / "Thumbs.db").write_bytes(b"x")  # what Windows leaves behind is no submission
    with zipfile.ZipFile(folder / "batch.zip", "w") as archive:
        archive.writestr("inner/photo.jpg", b"\xff\xd8\xff")
        archive.writestr("__MACOSX/._photo.jpg", b"x")
    _code, result = run_json(folder, "--no-cache")
    by_name = {Path(r["source"]["path"]).name: r for r in result["results"]}
    assert set(by_name) == {"good.txt", *kinds, "scan.png", "photo.jpg"}
    for name, advice in kinds.items():
        assert by_name[name]["error"]["code"] == "unsupported" and advice in by_name[name]["error"]["message"], name
    # Images are read by OCR where it is set up (these two are damaged); elsewhere they say what to install.
    for name in ("scan.png", "photo.jpg"):
        error = by_name[name]["error"]
        if ocr_ready():
            assert error["code"] == "unreadable" and error["message"], name
        else:
            assert error["code"] == "unsupported" and "OCR" in error["message"], name


@needs_libreoffice
def test_a_word97_file_named_docx_is_read_as_what_it_holds(tmp_path, run_json):
    renamed = tmp_path / "报告.docx"
    shutil.copy(_as_doc(FIXTURES / "2021-qinghe.docx", tmp_path), renamed)
    _code, result = run_json(renamed, "--no-cache")
    report = result["results"][0]["report"]
    assert result["results"][0]["error"] is None and report["applications"]
    assert any("扩展名" in note for note in report["notes"]) and any("LibreOffice" in n for n in report["notes"])


def test_a_title_and_headings_in_text_boxes_are_read_once(tmp_path):
    """Word writes a text box twice, as DrawingML and as VML for older readers: its lines stood twice, and headings
    in boxes made sections twice (NB102 duplicate, NB301 empty, NB305 missing: 94.0 → 77.9). Read once, the report is
    the original's; and as LibreOffice saves it again, as .doc."""
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.testing.measure import figures
    from nianbao.engine.testing.word_frames import in_text_boxes

    checker = Checker(PluginHost.load(entry_points=False))
    original = checker.check_file(FIXTURES / "2021-qinghe.docx")
    boxed = tmp_path / "boxed.docx"
    texts = [original.report.title, "一、总体情况", "五、存在的主要问题及改进情况"]
    boxed.write_bytes(in_text_boxes((FIXTURES / "2021-qinghe.docx").read_bytes(), texts))
    made = [boxed] + ([_as_doc(boxed, tmp_path)] if soffice() else [])
    for path in made:
        result = checker.check_file(path)
        assert result.report.title == original.report.title, path.name
        assert [s.heading for s in result.report.sections] == [s.heading for s in original.report.sections]
        assert figures(result.report) == figures(original.report)
        counted = [{(f.rule, f.key, f.location.row) for f in r.findings if f.counts} for r in (original, result)]
        assert counted[0] == counted[1], path.name
        assert result.score == original.score


def test_a_word_document_laid_out_in_a_table_reads_as_the_original(tmp_path):
    """The whole document in a one-cell table, its tables nested (a frame around the page; a web page saved as Word
    keeps its layout table): read as one cell, it was no report. And as LibreOffice saves it again, as .doc."""
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.testing.measure import figures
    from nianbao.engine.testing.word_frames import in_layout_table

    checker = Checker(PluginHost.load(entry_points=False))
    original = checker.check_file(FIXTURES / "2021-qinghe.docx")
    framed = tmp_path / "framed.docx"
    framed.write_bytes(in_layout_table((FIXTURES / "2021-qinghe.docx").read_bytes()))
    for path in [framed] + ([_as_doc(framed, tmp_path)] if soffice() else []):
        result = checker.check_file(path)
        assert result.error is None, (path.name, result.error)
        assert figures(result.report) == figures(original.report)
        assert [s.heading for s in result.report.sections] == [s.heading for s in original.report.sections]
        assert result.score == original.score, path.name
