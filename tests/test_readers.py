"""Readers for every format: generated fixtures read cell-exact, and the real reports of ../shared/corpus."""

from __future__ import annotations

import pytest
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.schemas import REPORT, schema_errors
from nianbao.engine.testing.fixtures import FORMATS, PUBLISHED, truth

from tests.conftest import CORPUS, ROOT

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def checker():
    return Checker(PluginHost.load(entry_points=False))


def assert_same_report(got, want, *, published: bool) -> None:
    for table in ("applications", "proactive", "review_litigation"):
        assert got.table(table) == want.table(table), table
    assert (got.title, got.agency, got.year, got.title_year, got.template) == (
        want.title,
        want.agency,
        want.year,
        want.title_year,
        want.template,
    )
    assert [s.key for s in got.sections] == [s.key for s in want.sections]
    for section in want.sections:
        if section.text:
            assert got.section(section.key).text.replace("\n", "") == section.text.replace("\n", "")
    if published:
        assert got.published == want.published
    assert got.notes == []
    assert schema_errors(got.to_json_dict(), REPORT) == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(PUBLISHED))
def test_fixture_reads_cell_exact(checker, name, fmt):
    path = FIXTURES / f"{name}.{fmt}"
    got = checker.read(path)
    assert got.source.format == ("html" if fmt.endswith("html") else fmt)
    assert_same_report(got, truth(name), published=fmt.endswith("html"))
    if fmt == "pdf":
        assert got.source.pages == 3
        pages = {a.page for k, a in got.anchors.items() if k.startswith("applications.")}
        assert pages == {2, 3}  # table 三 runs onto the next page


def test_text_and_html_fixtures_are_what_the_generator_makes(tmp_path):
    from nianbao.engine.testing.fixtures import write_fixtures

    write_fixtures(tmp_path, pdf=False)
    for ext in ("txt", "html", "gbk.html"):
        for name in PUBLISHED:
            assert (tmp_path / f"{name}.{ext}").read_bytes() == (FIXTURES / f"{name}.{ext}").read_bytes()
    # DOCX files carry timestamps: compare what they say, not their bytes.
    for name in PUBLISHED:
        fresh = Checker(PluginHost.load(entry_points=False)).read(tmp_path / f"{name}.docx")
        assert_same_report(fresh, truth(name), published=False)


def test_a_utf8_page_that_declares_utf16_reads_as_browsers_read_it(checker, tmp_path):
    """A charset written in ASCII bytes cannot be UTF-16: browsers read such a page as UTF-8, and so do we."""
    page = (FIXTURES / "2021-qinghe.html").read_bytes()
    assert b"charset=utf-8" in page.lower()
    declared = tmp_path / "utf16.html"
    declared.write_bytes(page.replace(b"charset=utf-8", b"charset=UTF-16").replace(b"charset=UTF-8", b"charset=UTF-16"))
    report = checker.read(declared)
    assert_same_report(report, truth("2021-qinghe"), published=False)


def test_pdf_tables_rebuilt_from_rulings_not_text_order(checker):
    """pdfminer's text order reads Word tables column by column; the grid keeps rows together."""
    report = checker.read(FIXTURES / "2021-qinghe.pdf")
    want = truth("2021-qinghe")
    assert report.applications["received_new"] == want.applications["received_new"]
    assert report.anchor("applications.received_new").page == 2


# --- the real reports (read from ../shared, never copied) ----------------------------------------------


def real(name: str):
    path = CORPUS / name
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    return Checker(PluginHost.load(entry_points=False)).read(path)


def row(report, key):
    return list(report.applications[key].values())


def assert_complete(report, template: str) -> None:
    assert [s.key.value for s in report.sections] == [
        "overview",
        "proactive",
        "applications",
        "review_litigation",
        "problems",
        "other_matters",
    ]
    assert report.template == template
    expected_rows = 25 if template == "2021" else 23
    assert len(report.applications) >= expected_rows - 2  # an old single （六） row stands for three
    assert all(len(r) == 7 for r in report.applications.values())
    assert all(len(g) == 5 for g in report.review_litigation.values()) and len(report.review_litigation) == 3
    assert schema_errors(report.to_json_dict(), REPORT) == []


def test_real_pdf_huaian_city_2024():
    r = real("huaian_city_2024.pdf")
    assert_complete(r, "2021")
    assert (r.agency, r.year, r.source.pages) == ("淮安市人民政府", 2024, 6)
    # Values checked by eye against the rendered pages (pdftoppm).
    assert row(r, "received_new") == [3001, 53, 0, 0, 61, 4, 3119]
    assert row(r, "carried_over") == [34, 0, 0, 0, 0, 0, 34]
    assert row(r, "disclosed") == [1288, 21, 0, 0, 50, 3, 1362]
    assert row(r, "partially_disclosed") == [447, 7, 0, 0, 0, 0, 454]
    assert row(r, "withheld.administrative_inquiry") == [105, 0, 0, 0, 0, 0, 105]
    assert row(r, "unavailable.not_held") == [746, 12, 0, 0, 10, 1, 769]
    assert row(r, "unavailable.needs_creation") == [11, 0, 0, 0, 0, 0, 11]  # cut by the page break
    assert row(r, "other.no_correction") == [67, 3, 0, 0, 1, 0, 71]
    assert row(r, "total") == [2932, 53, 0, 0, 61, 4, 3050]
    assert row(r, "carried_forward") == [103, 0, 0, 0, 0, 0, 103]
    assert [g["total"] for g in r.review_litigation.values()] == [351, 26, 20]
    assert r.review_litigation["review"] == {"upheld": 72, "corrected": 64, "other": 178, "pending": 37, "total": 351}
    assert r.proactive["licensing"] == {"decisions": 447228}
    assert r.proactive["penalties"] == {"decisions": 3985758}
    assert r.proactive["fees"] == {"amount": 96171.6}
    assert r.notes == []


@pytest.mark.parametrize(
    ("name", "year", "received", "review"),
    [
        ("huaian_hongze_district_2023.pdf", 2023, [21, 0, 0, 0, 0, 0, 21], [10, 1, 0, 0, 0]),
        ("huaian_hongze_district_2024.pdf", 2024, [95, 0, 0, 0, 0, 0, 95], [1, 1, 0, 0, 2]),
    ],
)
def test_real_pdf_hongze(name, year, received, review):
    r = real(name)
    assert_complete(r, "2021")
    assert r.year == year and r.agency.endswith("洪泽区人民政府")
    assert row(r, "received_new") == received
    assert list(r.review_litigation["review"].values()) == review
    # The report prints the single 2019 row （六）其他处理 in a 2021 table: stored as `other`.
    assert "other" in r.applications and "other.other" not in r.applications
    assert r.notes == []


def test_real_html_shanghai_2019():
    r = real("shanghai_municipal_govt_office_2019.html")
    assert_complete(r, "2019")
    assert (r.agency, r.year, str(r.published)) == ("上海市人民政府办公厅", 2019, "2020-01-31")
    assert row(r, "received_new") == [821, 35, None, None, 2, 1, 859]
    assert row(r, "disclosed") == [258, 12, None, None, 1, 1, None]  # blank 总计, as printed
    assert r.applications["total"]["total"] == 805
    assert r.applications["carried_forward"]["total"] == 72
    # The amount printed with its unit is read as the number, the unit kept for NB208.
    assert r.proactive["procurement"] == {"count": 6, "amount": 251000}
    assert r.units == {"proactive.procurement.amount": "元"}
    assert r.proactive["regulations"] == {"new_made": 13, "new_published": 13, "total_published": 524}
    assert list(r.review_litigation["review"].values()) == [5, None, None, 2, 7]
    assert r.section("problems").heading == "五、政府信息公开工作存在的主要问题及改进情况"


def test_real_html_shuyang_portal_page():
    r = real("shuyang_fgj_2023.html")
    assert_complete(r, "2021")
    assert (r.agency, r.year, str(r.published)) == ("沭阳县发展和改革局", 2023, "2024-01-17")
    blank_org_cells = sum(
        v is None for k, vals in r.applications.items() for c, v in vals.items() if c not in ("natural_person", "total")
    )
    assert blank_org_cells == 125
    assert r.applications["received_new"]["total"] == 26 and r.applications["disclosed"]["total"] == 26
    assert r.review_litigation["review"]["pending"] == 1
    assert r.section("problems").heading == "五、存在的主要问题及整改措施"
    assert "ucap" not in r.section("overview").text and "首页" not in r.section("overview").text


@pytest.mark.parametrize("header", [True, False], ids=["with-header", "without-header"])
@pytest.mark.parametrize("name", ["shanghai_municipal_govt_office_2019", "shuyang_fgj_2023"])
def test_a_real_portal_page_printed_by_chromium_reads_as_the_page(checker, tmp_path, name, header):
    """Saved as PDF from the browser, the page's title is in the browser's running header (dropped, as every running
    line) and, on 沭阳县's, in the portal's box as "标题：…年度报告-沭阳县发改局": it is the title (NB103 said none
    before). The figures and what counts are the page's."""
    import shutil

    from nianbao.engine.testing.measure import figures
    from nianbao.engine.testing.patterns import browser_print

    page = CORPUS / f"{name}.html"
    browser = shutil.which("chromium")
    if not page.is_file() or browser is None:
        pytest.skip("the real corpus (../shared) or Debian's chromium is absent")
    pdf = browser_print(page.read_bytes(), tmp_path / f"{name}.pdf", browser, header=header)
    truth, printed = checker.check_file(page), checker.check_file(pdf)
    assert figures(printed.report) == figures(truth.report)
    assert printed.report.title_year == truth.report.year
    counted = [
        {(f.rule, f.key, f.location.row, f.location.column) for f in r.findings if f.counts} for r in (truth, printed)
    ]
    assert counted[0] == counted[1]


def test_real_docx_template_is_recognised_as_not_filled_in(checker):
    path = CORPUS / "template_2021_blank_format.docx"
    if not path.is_file():
        pytest.skip("corpus not present")
    result = checker.check_file(path)
    assert result.error.code == "out-of-scope" and "空白" in result.error.message


def test_html_article_inside_a_layout_table(checker, tmp_path):
    """Old portals wrap the whole article in a layout table; the report's own tables sit inside its cells."""
    page = (FIXTURES / "2021-qinghe.html").read_text(encoding="utf-8")
    start, end = page.index('<div class="article">'), page.index('<div class="footer">')
    wrapped = (
        page[:start]
        + '<table width="100%"><tr><td class="nav">栏目导航</td><td>'
        + page[start:end]
        + "</td></tr></table>"
        + page[end:]
    )
    path = tmp_path / "layout.html"
    path.write_text(wrapped, encoding="utf-8")
    assert_same_report(checker.read(path), truth("2021-qinghe"), published=True)


def test_each_built_in_reader_is_declared_as_its_class_declares_itself_and_loads_only_when_used():
    """The built-in readers are named by module (imported on first use); each entry says what its class says, and
    a check of a text report leaves the PDF, OFD, Word and HTML readers unloaded."""
    import importlib
    import subprocess
    import sys

    from nianbao.engine.readers.builtin import BUILT_IN

    for entry in BUILT_IN:
        cls = getattr(importlib.import_module(entry.module), entry.name)
        assert (entry.format, tuple(entry.suffixes)) == (cls.format, tuple(cls.suffixes)), entry.name
    code = (
        "import sys; from nianbao.engine.cli.main import main; "
        "main(['check', 'reports/2022-qinghe-natural-resources.txt', '--no-cache', '--jobs', '1', '--format', 'json',"
        " '--output', '/dev/null']); "
        "print(sorted(m for m in sys.modules if m.startswith('nianbao.engine.readers.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    loaded = out.strip().splitlines()[-1]
    for heavy in (
        "nianbao.engine.readers.ofd",
        "nianbao.engine.readers.docx",
        "nianbao.engine.readers.html",
        "nianbao.engine.readers.legacy",
    ):
        assert f"'{heavy}'" not in loaded, heavy


def test_section_six_is_found_when_a_character_of_its_heading_is_misread():
    """OCR reads 报 as 鬼 at times: 六、其他需要…的事项 still heads section 六 (and nothing else does)."""
    from nianbao.engine.model import SectionKey
    from nianbao.engine.readers.pipeline.landmarks import match_heading

    assert match_heading("六、其他需要鬼告的事项")[0] is SectionKey.other_matters
    assert match_heading("六、其他需要报告的事项")[0] is SectionKey.other_matters
    assert match_heading("其他需要说明的是，本年度未收取费用。") is None
