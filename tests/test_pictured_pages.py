"""Documents whose text does not hold what their pages show (nianbao.engine.readers.pdf.shown): in a PDF, pages put in
as pictures, a table pasted as a picture, fonts without a character map or mapped to symbols (a PDF distilled from
PostScript), a page drawn as outlines (Ghostscript), a scan with another program's invisible OCR text; in a Word
document and an OFD, a table pasted as a picture. Such pages and pictures are read by OCR; the report is the text
original's, or marked where OCR is unsure. A picture behind the text or a seal's picture over it leaves the text as it
is. Made from our fixtures and the real reports in ../shared/corpus/real by PDFium (nianbao.engine.testing.pictured),
Ghostscript and Tesseract's own PDF writer (a searchable scan as scanners make them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.model import LOW_CONFIDENCE
from nianbao.engine.notes import note
from nianbao.engine.readers.pdf import reader as pdf_reader
from nianbao.engine.readers.pdf.reader import PdfReader, pdf_read
from nianbao.engine.readers.pdf.shown import SETTINGS, shown
from nianbao.engine.readers.pipeline.grid import Char
from nianbao.engine.readers.scan import reader as scan_reader
from nianbao.engine.readers.scan.reader import ocr_ready
from nianbao.engine.testing.measure import figures
from nianbao.engine.testing.pictured import (
    outlined_pages,
    scanned_pages,
    symbol_mapped,
    table_pictured,
    unmapped,
    with_picture,
)

from tests.conftest import CORPUS, ROOT

FIXTURES = ROOT / "tests" / "fixtures"
QINGHE = FIXTURES / "2021-qinghe.pdf"
needs_ocr = pytest.mark.skipif(
    not ocr_ready(), reason="Tesseract with chi_sim and eng is not installed (apt install tesseract-ocr-chi-sim)"
)


def _read(data: bytes, name: str = "report.pdf"):
    return PdfReader().read(Path(name), data)


def _pages_of(report, table: str) -> set[int]:
    return {a.page for key, a in report.cell_anchors.items() if key.startswith(f"{table}:") and a.page}


def _wrong_unmarked(truth, report) -> list[str]:
    """The figures of `truth` that `report` reads otherwise without marking them doubtful."""
    read = figures(report)
    wrong = []
    for key, value in figures(truth).items():
        anchor = report.cell_anchors.get(key)
        marked = anchor is not None and anchor.confidence is not None and anchor.confidence < LOW_CONFIDENCE
        if read.get(key) != value and not marked:
            wrong.append(f"{key}: {read.get(key)!r} for {value!r}")
    return wrong


def _placed(truth, report) -> float:
    want, read = figures(truth), figures(report)
    return sum(read.get(k) == v for k, v in want.items()) / len(want)


# What a page shows, from its characters and pictures alone.


def _chars(n: int, x: float = 100, y: float = 100) -> list[Char]:
    return [Char(x + i % 20 * 10, y + i // 20 * 14, x + i % 20 * 10 + 9, y + i // 20 * 14 + 12, "字") for i in range(n)]


@pytest.mark.parametrize(
    ("pictures", "chars", "unmapped_count", "unread"),
    [
        ([], 500, 0, False),  # a text page
        ([(60, 300, 540, 500)], 0, 0, True),  # a table pasted as a picture, nothing over it
        ([(0, 0, 595, 842)], 0, 0, True),  # a scanned page
        ([(0, 0, 595, 842)], 400, 0, False),  # a watermark: the text lies over it
        ([(400, 600, 520, 720)], 0, 0, False),  # a seal's picture: a fifth of the page across
        ([(40, 40, 560, 80)], 0, 0, False),  # a letterhead's banner: 40 pt high
        ([], 300, 300, True),  # a body font without a character map
        ([], 500, 8, False),  # a symbol font's few bullets
        ([], 100, 12, True),  # figures in a font without a map among mapped words
    ],
)
def test_a_page_is_read_from_its_image_when_it_shows_what_its_text_lacks(pictures, chars, unmapped_count, unread):
    assert shown(_chars(chars), pictures, 595.0, unmapped=unmapped_count).unread is unread


def test_a_page_whose_characters_are_symbols_is_read_from_its_image_and_a_few_bullets_are_not():
    """A font mapped to the Dingbats (a PDF distilled from PostScript) gives symbols for a page's words; a report's
    ✔ or ☆ bullets are a few of its characters."""
    symbols = [Char(c.x0, c.top, c.x1, c.bottom, "✍") for c in _chars(300)]
    assert shown(symbols, [], 595.0).unread
    bullets = [Char(c.x0, c.top, c.x1, c.bottom, "✔" if i % 20 == 0 else "字") for i, c in enumerate(_chars(400))]
    assert not shown(bullets, [], 595.0).unread


def test_a_letterhead_above_the_first_pages_text_is_no_table():
    """A picture above all the first page's text (红头) is a letterhead; the same above a later page's text may be a
    table's part carried over from the page before."""
    letterhead, text = (60, 5, 550, 68), _chars(300, y=100)
    assert not shown(text, [letterhead], 595.0, first=True).unread
    assert shown(text, [letterhead], 595.0).unread


def test_a_picture_with_a_few_characters_over_it_is_still_unread_text():
    box = (60, 90, 540, 500)
    assert shown(_chars(SETTINGS.covered), [box], 595.0).unread
    assert not shown(_chars(SETTINGS.covered + 1), [box], 595.0).unread


# Both text backends see the same.


needs_gs = pytest.mark.skipif(not shutil.which("gs"), reason="Ghostscript is not installed (apt install ghostscript)")
KINDS = ["scanned-page", "unmapped", "symbol-mapped", "table-picture", pytest.param("outlined-page", marks=needs_gs)]


@pytest.mark.parametrize("made", [*KINDS, "watermark", "seal", "letterhead"])
def test_pdfium_and_pdfminer_tell_the_same_pages_unread(made, monkeypatch):
    data = _made(made)
    by_pdfium = [s.unread for s in pdf_read(data).shown]
    monkeypatch.setattr(pdf_reader, "SETTINGS", pdf_reader.PdfSettings(pdfium=False))
    by_pdfminer = [s.unread for s in pdf_read(data).shown]
    assert by_pdfium == by_pdfminer
    assert any(by_pdfium) is (made not in ("watermark", "seal", "letterhead"))


@pytest.mark.parametrize("kind", ["scanned-pages", "unmapped", pytest.param("outlined-pages", marks=needs_gs)])
def test_a_pdf_with_no_text_to_read_on_any_page_is_told_so_by_pdfium_alone(kind, monkeypatch):
    """Every page a picture, glyphs without Unicode or outlines: PDFium says each is to be read from its image, as
    pdfminer says, and pdfminer never parses the file (an outlined report's pages took it 0.3 CPU s each)."""
    data = QINGHE.read_bytes()
    every = set(range(1, len(pdf_read(data).shown) + 1))
    made = {"scanned-pages": lambda: scanned_pages(data, every), "unmapped": lambda: unmapped(data),
            "outlined-pages": lambda: outlined_pages(data, every)}[kind]()  # fmt: skip
    monkeypatch.setattr(pdf_reader, "SETTINGS", pdf_reader.PdfSettings(pdfium=False))
    by_pdfminer = [s.unread for s in pdf_read(made).shown]
    monkeypatch.setattr(pdf_reader, "SETTINGS", pdf_reader.PdfSettings(pdfium=True))

    def parsed(*args, **named):
        raise AssertionError("pdfminer parsed the file")

    monkeypatch.setattr("pdfminer.pdfpage.PDFPage.get_pages", parsed)
    by_pdfium = [s.unread for s in pdf_read(made).shown]
    assert by_pdfium == by_pdfminer == [True] * len(every)


def test_a_pdf_with_no_text_and_a_page_showing_nothing_is_left_to_pdfminer():
    """No text on any page, and a page with nothing on it for PDFium: its contents may be behind a reference PDFium
    could not follow, and pdfminer says what is wrong (or reads what it finds)."""
    from nianbao.engine.testing import amplifiers

    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        4: amplifiers.stream(b""),
    }
    assert pdf_reader._by_pdfium(amplifiers.pdf(objects), 50) is None


def _made(kind: str) -> bytes:
    data = QINGHE.read_bytes()
    truth = _read(data)
    if kind == "scanned-page":
        return scanned_pages(data, _pages_of(truth, "applications"))
    if kind == "unmapped":
        return unmapped(data)
    if kind == "symbol-mapped":
        return symbol_mapped(data)
    if kind == "table-picture":
        page, top, bottom = _table_band(truth, "proactive", data)
        return table_pictured(data, page, top, bottom)
    if kind == "outlined-page":
        return outlined_pages(data, {min(_pages_of(truth, "applications"))})
    if kind == "watermark":
        return with_picture(data, 1, (0, 0, 612, 792), behind=True)
    if kind == "letterhead":
        return with_picture(data, 1, (60, 4, 550, 70), behind=False)
    return with_picture(data, min(_pages_of(truth, "applications")), (380, 300, 500, 420), behind=False)


def _table_band(report, table: str, data: bytes) -> tuple[int, float, float]:
    """The page a table stands on and the band it fills there (points from the top), its header included."""
    import pypdfium2 as pdfium

    anchors = [a for key, a in report.cell_anchors.items() if key.startswith(f"{table}:") and a.page and a.box]
    page = min(a.page for a in anchors)
    document = pdfium.PdfDocument(data)
    height = document[page - 1].get_size()[1]
    document.close()
    tops = [a.box[1] for a in anchors if a.page == page]
    bottoms = [a.box[3] for a in anchors if a.page == page]
    return page, max(0.0, min(tops) * height - 60), min(height, max(bottoms) * height + 8)


@needs_ocr
def test_a_photograph_beside_the_text_leaves_the_page_to_its_text():
    """A photograph as large as a table below the last page's text (an event's picture): seen to be no print, the
    page is read from its text layer, as without it."""
    data = with_picture(QINGHE.read_bytes(), 3, (150, 630, 460, 760), behind=False, photo=True)
    assert pdf_read(data).shown[2].beside_text
    report = _read(data)
    assert report.source.reading is None and report.source.ocr_pages is None
    assert figures(report) == figures(_read(QINGHE.read_bytes()))


# Without OCR: what to send.


@pytest.mark.parametrize("kind", ["scanned-page", "table-picture"])
def test_without_ocr_pages_shown_as_pictures_are_named_with_what_to_send(kind, monkeypatch):
    """A scanned page among printed ones; a table pasted as a picture beside the text, whose table is then missing."""
    data = _made(kind)
    monkeypatch.setattr(scan_reader, "ocr_ready", lambda: False)
    with pytest.raises(ReadError) as raised:
        _read(data)
    assert raised.value.code is ErrorCode.no_text and raised.value.key == "error.pages-no-text"
    pages = "、".join(str(n) for n, s in enumerate(pdf_read(data).shown, start=1) if s.unread)
    assert pages in raised.value.message("zh") and "OCR" in raised.value.message("en")


def test_a_picture_behind_the_text_a_seals_picture_or_a_letterhead_leave_the_text_as_it_is():
    truth = _read(QINGHE.read_bytes())
    for kind in ("watermark", "seal", "letterhead"):
        report = _read(_made(kind))
        assert report.source.reading is None
        assert figures(report) == figures(truth)


# With OCR: the report as the text original's.


@needs_ocr
@pytest.mark.parametrize("kind", KINDS)
def test_pages_the_text_layer_lacks_are_read_from_their_images(kind):
    truth = _read(QINGHE.read_bytes())
    report = _read(_made(kind))
    assert report.source.reading == "ocr"
    assert any("OCR" in n for n in report.notes)
    assert not _wrong_unmarked(truth, report)
    assert _placed(truth, report) >= 0.99
    assert {s.key for s in report.sections} == {s.key for s in truth.sections}


@needs_ocr
def test_a_searchable_scan_is_read_from_its_pictures_not_from_the_hidden_text(tmp_path):
    """Tesseract's own PDF writer makes what a scanner's "searchable PDF" is: each page a picture with its OCR text
    drawn invisible over it, the tables' rulings only in the picture."""
    import pypdfium2 as pdfium

    truth = _read(QINGHE.read_bytes())
    document = pdfium.PdfDocument(QINGHE.read_bytes())
    names = []
    for index in range(len(document)):
        name = tmp_path / f"page-{index}.png"
        document[index].render(scale=200 / 72).to_pil().convert("L").save(name, dpi=(200, 200))
        names.append(str(name))
    document.close()
    (tmp_path / "pages.txt").write_text("\n".join(names) + "\n")
    subprocess.run(
        ["tesseract", str(tmp_path / "pages.txt"), str(tmp_path / "searchable"), "-l", "chi_sim", "pdf"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    data = (tmp_path / "searchable.pdf").read_bytes()
    assert all(s.hidden > 100 and s.chars == 0 for s in pdf_read(data).shown)  # every word drawn invisible
    report = _read(data)
    assert report.source.reading == "ocr"
    assert report.notes[0] == note("note.text-layer-unread")
    assert not _wrong_unmarked(truth, report)
    assert _placed(truth, report) >= 0.99


REAL = CORPUS / "huaian_city_2024.pdf"


@needs_ocr
@pytest.mark.skipif(not REAL.exists(), reason="the real corpus (../shared) is absent")
@pytest.mark.parametrize("kind", ["scanned-pages", "unmapped", "printed-through-postscript"])
def test_a_real_report_with_pages_as_pictures_or_without_a_character_map_reads_as_its_text(kind, tmp_path):
    """Pages put in as pictures, fonts without a map, and the report printed to PostScript and distilled again by
    Ghostscript (its fonts Type 3, mapped to the Dingbats: refused as no report before)."""
    data = REAL.read_bytes()
    truth = _read(data, REAL.name)
    if kind == "printed-through-postscript" and not (shutil.which("pdf2ps") and shutil.which("ps2pdf")):
        pytest.skip("Ghostscript is not installed (apt install ghostscript)")
    if kind == "scanned-pages":
        made = scanned_pages(data, _pages_of(truth, "applications"))
    elif kind == "unmapped":
        made = unmapped(data)
    else:
        (tmp_path / "report.pdf").write_bytes(data)
        subprocess.run(["pdf2ps", "report.pdf", "report.ps"], cwd=tmp_path, check=True, capture_output=True)
        subprocess.run(["ps2pdf", "report.ps", "printed.pdf"], cwd=tmp_path, check=True, capture_output=True)
        made = (tmp_path / "printed.pdf").read_bytes()
    assert any(s.unread for s in pdf_read(made).shown)
    report = _read(made, REAL.name)
    assert report.source.reading == "ocr"
    assert not _wrong_unmarked(truth, report)
    assert _placed(truth, report) >= 0.99
    assert {s.key for s in report.sections} == {s.key for s in truth.sections}


def _ruled_band(data: bytes, report, table: str) -> tuple[int, float, float]:
    """The page a table stands on and its band there (points from the top): its figures' rows, widened along the
    column rulings that run on from them (the header above; a heading's text between two tables has none)."""
    import pypdfium2 as pdfium
    from nianbao.engine.readers.pdf.pdfium_text import pdfium_pages

    anchors = [a for key, a in report.cell_anchors.items() if key.startswith(f"{table}:") and a.page and a.box]
    page = min(a.page for a in anchors)
    document = pdfium.PdfDocument(data)
    height = document[page - 1].get_size()[1]
    document.close()
    top = min(a.box[1] for a in anchors if a.page == page) * height
    bottom = max(a.box[3] for a in anchors if a.page == page) * height
    columns = [(s.start, s.end) for s in pdfium_pages(data, 50)[page - 1].rulings if not s.horizontal]
    top, bottom = _widened(columns, top, bottom)
    return page, top - 1, bottom + 1


def _widened(columns: list[tuple[float, float]], top: float, bottom: float) -> tuple[float, float]:
    """A band widened along the column rulings that run on from it."""
    widened = True
    while widened:
        widened = False
        for start, end in columns:
            if start < top - 0.5 and end >= top - 1:
                top, widened = start, True
            if end > bottom + 0.5 and start <= bottom + 1:
                bottom, widened = end, True
    return top, bottom


@needs_ocr
def test_a_word_document_with_a_table_pasted_as_a_picture_reads_it_in_place():
    """The DOCX of our fixture with table 四 replaced by its screenshot (drawn from the fixture's PDF at a screen's
    96 dpi, put in line where the table stood): its rows read by OCR under their section, marked as a scan's."""
    from nianbao.engine.readers.docx import DocxReader
    from nianbao.engine.testing.pictured import docx_table_pictured

    docx = (FIXTURES / "2021-qinghe.docx").read_bytes()
    truth = DocxReader().read(Path("r.docx"), docx)
    report = DocxReader().read(Path("r.docx"), docx_table_pictured(docx, "行政复议", _screenshot("review_litigation")))
    assert any("OCR" in n for n in report.notes)
    assert report.table("review_litigation")
    assert all(a.source == "ocr" for k, a in report.cell_anchors.items() if k.startswith("review_litigation:"))
    assert not _wrong_unmarked(truth, report)
    assert _placed(truth, report) >= 0.99


@needs_ocr
def test_only_what_stands_on_the_pages_read_by_ocr_is_doubted():
    """Table 三's pages put in as scans: a finding on the prose of a printed page, or on table 二 printed there, is the
    text layer's and counts; one on table 三, or one that says a section is missing, waits for a person."""
    from nianbao.engine.checking.uncertain import by_ocr, prose, unread
    from nianbao.engine.result import FindingResult
    from nianbao.engine.rule import Location, Severity

    data = QINGHE.read_bytes()
    truth = _read(data)
    scanned = _pages_of(truth, "applications")
    report = _read(scanned_pages(data, scanned))
    assert report.source.ocr_pages == sorted(scanned)

    def finding(**where) -> FindingResult:
        return FindingResult(rule="NB000", name="t", severity=Severity.error, message="m", location=Location(**where))

    printed = next(s.key for s in report.sections if all(line.page not in scanned for line in s.lines or []))
    assert not prose(report, finding(section=printed))
    assert not by_ocr(report, "proactive") and by_ocr(report, "applications")
    report.sections = [s for s in report.sections if s.key != printed]
    assert unread(report, finding(section=printed))  # missing: it may stand on a scanned page, unread


def _screenshot(table: str):
    """Table `table` of the fixture's PDF drawn at a screen's 96 dpi, from its top ruling to its bottom one."""
    import pypdfium2 as pdfium

    data = QINGHE.read_bytes()
    page, top, bottom = _ruled_band(data, _read(data), table)
    document = pdfium.PdfDocument(data)
    width = document[page - 1].get_size()[0]
    scale = 96 / 72
    image = document[page - 1].render(scale=scale).to_pil().convert("RGB")
    document.close()
    return image.crop((round(50 * scale), round(top * scale), round((width - 50) * scale), round(bottom * scale)))


def test_a_seal_sized_picture_in_a_word_document_is_not_read_as_a_table():
    """A picture 120 pt square (a seal, 4.2 cm) where table 四 stood: not read by OCR, nothing said of pictures."""
    from nianbao.engine.readers.docx import DocxReader
    from nianbao.engine.testing.pictured import docx_table_pictured
    from PIL import Image, ImageDraw

    seal = Image.new("RGB", (160, 160), "white")
    ImageDraw.Draw(seal).ellipse((4, 4, 156, 156), outline=(210, 30, 30), width=6)
    docx = docx_table_pictured((FIXTURES / "2021-qinghe.docx").read_bytes(), "行政复议", seal)
    report = DocxReader().read(Path("r.docx"), docx)
    assert not report.table("review_litigation")
    assert not any("OCR" in n for n in report.notes)
    assert not any(a.source for a in report.cell_anchors.values())


@needs_ocr
def test_an_ofd_with_a_table_pasted_as_a_picture_reads_it_in_place():
    """Our fixture as an OFD with table 四 taken out and its screenshot put where it stood (an `ImageObject`, its
    picture a resource of the document): read by OCR in place, under its section, marked as a scan's. A photograph
    put there instead is passed over."""
    from nianbao.engine.readers.ofd import OfdReader, ofd_pages
    from nianbao.engine.testing.pictured import ofd_band_pictured
    from nianbao.engine.testing.render_ofd import ofd_bytes
    from PIL import Image

    ofd = ofd_bytes(_read(QINGHE.read_bytes()))
    truth = OfdReader().read(Path("r.ofd"), ofd)
    anchors = [a for k, a in truth.cell_anchors.items() if k.startswith("review_litigation:") and a.page and a.box]
    number = min(a.page for a in anchors)
    page = ofd_pages(ofd)[number - 1]
    top = min(a.box[1] for a in anchors if a.page == number) * page.height
    bottom = max(a.box[3] for a in anchors if a.page == number) * page.height
    top, bottom = _widened([(s.start, s.end) for s in page.rulings if not s.horizontal], top, bottom)
    columns = [s.pos for s in page.rulings if not s.horizontal and top <= (s.start + s.end) / 2 <= bottom]
    band = (min(columns) - 0.5, top - 0.5, max(columns) + 0.5, bottom + 0.5)
    photo = Image.linear_gradient("L").resize((600, 200)).point(lambda v: 40 + v * 150 // 255).convert("RGB")
    beside = OfdReader().read(Path("r.ofd"), ofd_band_pictured(ofd, number, band, photo))
    assert beside.source.reading is None and not any("OCR" in n for n in beside.notes)  # a photograph: passed over
    report = OfdReader().read(Path("r.ofd"), ofd_band_pictured(ofd, number, band, _screenshot("review_litigation")))
    assert report.source.reading == "ocr" and report.source.ocr_pages == [number]
    assert report.table("review_litigation")
    assert all(a.source == "ocr" for k, a in report.cell_anchors.items() if k.startswith("review_litigation:"))
    assert not any(a.source for k, a in report.cell_anchors.items() if not k.startswith("review_litigation:"))
    assert not _wrong_unmarked(truth, report)
    assert _placed(truth, report) >= 0.99


def test_without_ocr_an_ofd_whose_table_is_a_picture_names_the_page(monkeypatch):
    from nianbao.engine.readers.ofd import OfdReader, ofd_pages
    from nianbao.engine.testing.pictured import ofd_band_pictured
    from nianbao.engine.testing.render_ofd import ofd_bytes

    ofd = ofd_bytes(_read(QINGHE.read_bytes()))
    truth = OfdReader().read(Path("r.ofd"), ofd)
    number = min(a.page for k, a in truth.cell_anchors.items() if k.startswith("review_litigation:") and a.page)
    page = ofd_pages(ofd)[number - 1]
    top = min(a.box[1] for k, a in truth.cell_anchors.items() if k.startswith("review_litigation:")) * page.height
    made = ofd_band_pictured(ofd, number, (20, top - 15, 190, top + 10), _screenshot("review_litigation"))
    monkeypatch.setattr(scan_reader, "ocr_ready", lambda: False)
    with pytest.raises(ReadError) as raised:
        OfdReader().read(Path("r.ofd"), made)
    assert raised.value.key == "error.pages-no-text" and str(number) in raised.value.message("zh")


def test_a_word_documents_pictures_are_held_within_a_bound(monkeypatch):
    """The pictures of one document are read up to a few members' worth together, no further."""
    from nianbao.engine.readers import docx as docx_reader
    from nianbao.engine.testing.pictured import docx_table_pictured

    docx = (FIXTURES / "2021-qinghe.docx").read_bytes()
    made = docx_table_pictured(docx, "行政复议", _screenshot("review_litigation"))
    _, shown = docx_reader._blocks(made, {})
    assert set(docx_reader._media(made, shown)) == set(shown)
    monkeypatch.setattr(docx_reader, "_PICTURES_MEMBERS", 0)
    assert docx_reader._media(made, shown) == {}
