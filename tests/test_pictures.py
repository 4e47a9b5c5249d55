"""Portal pages whose tables are published as pictures (nianbao.engine.readers.pictures): the page saved with its _files
folder, a zip of both, pictures inside the page; the pictures made by a real browser from our page and from a real
portal page of the corpus. Without the pictures the page is refused with a code that says what to send."""

from __future__ import annotations

import base64
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.readers.scan.reader import ocr_ready
from nianbao.engine.submissions import collect

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = ROOT / "tests" / "fixtures" / "patterns"
PAGE = PATTERNS / "table-pictures.html"
REAL = ROOT.parent / "shared" / "corpus" / "real" / "shuyang_fgj_2023.html"
TABLES = ("proactive", "applications", "review_litigation")

needs_ocr = pytest.mark.skipif(not ocr_ready(), reason="Tesseract with chi_sim is not installed (.ci/run installs it)")


@pytest.fixture(scope="module")
def checker():
    return Checker(PluginHost.load(entry_points=False))


def _saved(tmp_path: Path) -> Path:
    """The pattern page and its folder, alone in a folder of their own."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(PAGE, tmp_path / PAGE.name)
    shutil.copytree(PAGE.with_name("table-pictures_files"), tmp_path / "table-pictures_files")
    return tmp_path


def _cells(report) -> dict[str, object]:
    return {f"{t}:{r}:{c}": v for t in TABLES for r, cols in report.table(t).items() for c, v in cols.items()}


def _same_or_doubted(read, truth) -> list[str]:
    """Cells read wrong and not marked: a figure differs from the truth and its confidence is not low."""
    from nianbao.engine.model import LOW_CONFIDENCE

    got, wrong = _cells(read), []
    for key, value in _cells(truth).items():
        anchor = read.cell_anchors.get(key)
        low = anchor is not None and anchor.confidence is not None and anchor.confidence < LOW_CONFIDENCE
        if got.get(key) != value and not low:
            wrong.append(f"{key}: {got.get(key)!r} for {value!r}")
    return wrong


def _counted(result) -> Counter:
    """The findings that count (not waiting for a person), by rule."""
    return Counter(f.rule for f in result.findings if not f.pending)


def test_a_saved_page_and_its_folder_are_one_submission(tmp_path):
    folder = _saved(tmp_path)
    (folder / "table-pictures_files" / "style.css").write_text("p{}")
    (folder / "table-pictures_files" / "filelist.xml").write_text("<xml/>")
    (folder / "other.files").mkdir()
    (folder / "other.files" / "image001.png").write_bytes(b"")  # a folder of no page here: its files are their own
    subs = collect([folder])
    where = folder.as_posix()
    assert [s.name for s in subs] == [f"{where}/other.files/image001.png", f"{where}/{PAGE.name}"]
    pictures = sorted(p.name for p in (folder / "table-pictures_files").iterdir() if p.suffix in (".png", ".jpg"))
    assert [Path(f).name for f in subs[1].files] == pictures and len(pictures) >= 3


def test_word_names_its_folder_with_a_dot_and_a_zip_holds_both(tmp_path):
    with zipfile.ZipFile(tmp_path / "sent.zip", "w") as archive:
        archive.writestr("报告.htm", "<html></html>")
        archive.writestr("报告.files/image001.png", b"x")
        archive.writestr("报告.files/header.htm", "<html></html>")
    subs = collect([tmp_path / "sent.zip"])
    assert [(s.member, s.files) for s in subs] == [("报告.htm", ("报告.files/image001.png",))]


@needs_ocr
def test_tables_published_as_pictures_read_as_the_page(checker, tmp_path):
    """Chromium's pictures of the page's tables (PNG and JPEG, 96 pixels to the inch) in its _files folder: every
    figure read, or marked doubtful; no finding counted that the page as text does not have."""
    truth = checker.check_file(PATTERNS / "browser-print.html")
    sub = next(s for s in collect([_saved(tmp_path)]) if s.name.endswith(PAGE.name))
    result = checker.check_submission(sub)
    assert result.error is None, result.error
    report = result.report
    assert not _same_or_doubted(report, truth.report)
    assert sum(v == _cells(truth.report)[k] for k, v in _cells(report).items()) >= 0.98 * len(_cells(truth.report))
    assert all(a.source == "ocr" and a.page is None for a in report.cell_anchors.values())
    assert any("图片经 OCR 识别" in n for n in report.notes)
    assert _counted(result) - _counted(truth) == Counter()


@needs_ocr
def test_a_zip_of_the_page_and_its_folder_reads_the_same(checker, tmp_path):
    folder = _saved(tmp_path / "saved")
    with zipfile.ZipFile(tmp_path / "sent.zip", "w") as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    (sub,) = collect([tmp_path / "sent.zip"])
    result = checker.check_submission(sub)
    truth = checker.check_file(PATTERNS / "browser-print.html")
    assert result.error is None and not _same_or_doubted(result.report, truth.report)


@needs_ocr
def test_pictures_inside_the_page_are_read_in_place(checker, tmp_path):
    """A page that carries its pictures in itself (`data:` addresses), as some editors paste them."""
    folder = PAGE.with_name("table-pictures_files")

    def inline(match: re.Match) -> str:
        data = (folder / Path(match[1]).name).read_bytes()
        kind = "png" if match[1].endswith(".png") else "jpeg"
        return f'src="data:image/{kind};base64,{base64.b64encode(data).decode()}"'

    page = re.sub(r'src="(table-pictures_files/[^"]+)"', inline, PAGE.read_text(encoding="utf-8"))
    (tmp_path / "inline.html").write_text(page, encoding="utf-8")
    result = checker.check_file(tmp_path / "inline.html")
    truth = checker.check_file(PATTERNS / "browser-print.html")
    assert result.error is None and not _same_or_doubted(result.report, truth.report)


def test_a_page_sent_without_its_pictures_says_what_to_send(checker, tmp_path):
    shutil.copy(PAGE, tmp_path / "报告.html")
    result = checker.check_file(tmp_path / "报告.html")
    assert result.report is None and result.error.code == "images-missing"
    assert "报告_files" in result.error.message and "zip" in result.error.message


def test_a_picture_beside_tables_of_text_is_no_reason_to_refuse(checker, tmp_path):
    """A logo or a seal picture in a page whose tables are text: the page is read and judged as ever."""
    page = (PATTERNS / "browser-print.html").read_text(encoding="utf-8")
    page = page.replace("<table", '<img src="logo_files/seal.png"><table', 1)
    (tmp_path / "logo.html").write_text(page, encoding="utf-8")
    result = checker.check_file(tmp_path / "logo.html")
    truth = checker.check_file(PATTERNS / "browser-print.html")
    assert result.error is None and _cells(result.report) == _cells(truth.report)


@needs_ocr
def test_a_real_portal_page_with_its_tables_as_pictures(checker, tmp_path):
    """A real portal page of the corpus, its tables photographed by Chromium as a portal would publish them."""
    from nianbao.engine.testing.pictures import browser, with_table_pictures

    if not REAL.exists():
        pytest.skip("the real corpus (../shared/corpus/real) is not here")
    if browser() is None:
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    page = with_table_pictures(REAL.read_bytes(), tmp_path / "real.html")
    (sub,) = collect([tmp_path])
    result = checker.check_submission(sub)
    truth = checker.check_file(REAL)
    assert result.error is None, result.error
    assert not _same_or_doubted(result.report, truth.report)
    assert _counted(result) - _counted(truth) == Counter()
    assert page.with_name("real_files").is_dir()


def test_the_pack_keeps_names_and_bytes():
    from nianbao.engine.packs import pack_saved, unpack_saved

    files = {"报告_files/image001.png": b"\x89PNG", "报告_files/a b.jpg": b""}
    assert unpack_saved(pack_saved(b"<html>", files)) == (b"<html>", files)
    assert unpack_saved(b"<html>") is None
