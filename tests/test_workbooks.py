"""Tables sent as a workbook (nianbao.engine.readers.workbook): the statistical tables some organs attach as .xlsx,
.xls, .et or .ods. Our own reports' tables written as a workbook the way the templates lay them out (merged cells
merged, figures as numbers; nianbao.engine.testing.workbooks), and on a web page's finer grid, read back cell for
cell."""

from __future__ import annotations

import io
import json

import pytest
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.readers.pdf.reader import PdfReader
from nianbao.engine.readers.workbook import SheetReader
from nianbao.engine.testing.workbooks import report_ods, report_xls, report_xlsx

from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.mark.parametrize("writer", [report_xlsx, report_xls, report_ods], ids=["xlsx", "xls", "ods"])
@pytest.mark.parametrize("spread", [1, 3], ids=["template", "web-grid"])
@pytest.mark.parametrize("name", ["2019-nanyu", "2021-qinghe"])
def test_a_workbook_of_the_tables_reads_every_cell(name, spread, writer, tmp_path):
    """As the templates lay the tables out, and as a web page's tables opened in a spreadsheet (each cell merged
    over three columns of a finer grid): an .ods sheet's merges, which calamine does not report, read from its
    markup (blank cells between the figures made every row unplaced: 10 of 63 figures of 上海市's page)."""
    truth = PdfReader().read(FIXTURES / f"{name}.pdf", (FIXTURES / f"{name}.pdf").read_bytes())
    data = writer(truth, spread)
    report = SheetReader().read(tmp_path / f"tables.{writer.__name__[-4:].lstrip('_')}", data)
    assert report.source.format == "sheet" and report.template == truth.template
    assert (report.proactive, report.applications, report.review_litigation) == (
        truth.proactive,
        truth.applications,
        truth.review_litigation,
    )
    assert any("电子表格" in note for note in report.notes)
    # WPS saves the same workbook as .et; what is inside decides, not the name
    assert SheetReader().read(tmp_path / "tables.et", data).applications == truth.applications


@pytest.mark.parametrize("writer", [report_xlsx, report_xls], ids=["xlsx", "xls"])
@pytest.mark.parametrize("blank", ["withheld.administrative_inquiry", "received_new", "carried_forward"])
def test_a_row_left_blank_keeps_the_table_going_and_money_keeps_its_digits(writer, blank, tmp_path):
    """Real workbooks leave a row's figures blank (a row with nothing to report) and store money to six places:
    the blank row is a row of blank cells, not a heading that cuts the table, and the amount is not rounded."""
    truth = PdfReader().read(FIXTURES / "2021-qinghe.pdf", (FIXTURES / "2021-qinghe.pdf").read_bytes())
    truth.applications[blank] = dict.fromkeys(truth.applications[blank])
    truth.proactive["fees"]["amount"] = 24252.311082
    report = SheetReader().read(tmp_path / "tables.xlsx", writer(truth))
    assert report.applications == truth.applications
    assert report.proactive == truth.proactive
    assert report.review_litigation == truth.review_litigation


@pytest.mark.parametrize(
    "title",
    ["青禾市自然资源局2022年政府信息公开工作年度报告统计表", "青禾市自然资源局2022年度政府信息公开情况统计表"],
)
def test_a_workbook_titled_as_a_table_still_names_its_organ_and_year(title, tmp_path):
    """A workbook's title row ends with 统计表 rather than 报告: the organ and year are still read from it."""
    truth = PdfReader().read(FIXTURES / "2021-qinghe.pdf", (FIXTURES / "2021-qinghe.pdf").read_bytes())
    truth.title = title
    report = SheetReader().read(tmp_path / "tables.xlsx", report_xlsx(truth))
    assert (report.agency, report.title_year) == ("青禾市自然资源局", 2022)


def test_a_checked_workbook_is_scored_on_its_tables(run, tmp_path):
    truth = PdfReader().read(FIXTURES / "2021-qinghe.pdf", (FIXTURES / "2021-qinghe.pdf").read_bytes())
    (tmp_path / "统计表.xlsx").write_bytes(report_xlsx(truth))
    _code, out, _err = run("check", tmp_path, "--format", "json", "--no-cache")
    result = json.loads(out)["results"][0]
    assert result["error"] is None and result["report"]["applications"] == truth.to_json_dict()["applications"]
    assert any(f["rule"].startswith("NB1") for f in result["findings"])  # the report's sections are not in it


def test_an_excel_97_workbook_named_doc_is_read_as_the_workbook_it_is(run, tmp_path):
    truth = PdfReader().read(FIXTURES / "2019-nanyu.pdf", (FIXTURES / "2019-nanyu.pdf").read_bytes())
    (tmp_path / "统计表.doc").write_bytes(report_xls(truth))
    _code, out, _err = run("check", tmp_path, "--format", "json", "--no-cache")
    result = json.loads(out)["results"][0]
    assert result["error"] is None and result["source"]["format"] == "sheet"
    assert result["report"]["applications"] == truth.to_json_dict()["applications"]
    assert any("SHEET" in note for note in result["report"]["notes"])  # the wrong ending is said


def test_a_workbook_without_the_tables_or_a_damaged_one_is_refused_with_a_code(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张三", 12345])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ReadError) as other:
        SheetReader().read(tmp_path / "contacts.xlsx", out.getvalue())
    assert other.value.code is ErrorCode.not_a_report
    with pytest.raises(ReadError) as broken:
        SheetReader().read(tmp_path / "tables.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert broken.value.code is ErrorCode.unreadable


def test_a_workbook_that_spans_a_billion_cells_costs_only_itself(run_json, tmp_path):
    """Two cells far apart make the reader ask for the whole rectangle between them (512 GB): the worker's memory
    limit stops it, and the batch goes on."""
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "统计表"
    book.active.cell(row=1_000_000, column=16_000).value = 1
    book.save(tmp_path / "huge.xlsx")
    (tmp_path / "good.txt").write_text((ROOT / "reports" / "2022-qinghe-natural-resources.txt").read_text("utf-8"))
    _code, result = run_json(tmp_path, "--no-cache")
    by_name = {r["source"]["path"].rsplit("/", 1)[-1]: r for r in result["results"]}
    assert by_name["good.txt"]["score"] is not None
    assert by_name["huge.xlsx"]["error"]["code"] in {"unreadable", "too-large"}


@pytest.mark.parametrize("name", ["shanghai_municipal_govt_office_2019", "shuyang_fgj_2023"])
def test_a_real_portal_page_opened_in_calc_and_saved_as_a_workbook_reads_its_figures(name, tmp_path):
    """The real portal pages opened by LibreOffice Calc and saved as .ods and .xlsx: every cell of their tables is
    merged over columns of the page's finer grid. The .ods's merges, which calamine does not report, are read from its
    markup (上海市's read 10 of 63 figures before)."""
    import shutil

    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.testing.fixtures import converted
    from nianbao.engine.testing.measure import figures

    from tests.conftest import CORPUS

    page = CORPUS / f"{name}.html"
    if not page.is_file() or shutil.which("soffice") is None:
        pytest.skip("the real corpus (../shared) or LibreOffice is absent")
    checker = Checker(PluginHost.load(entry_points=False))
    truth = figures(checker.check_file(page).report)
    for ending in ("ods", "xlsx"):
        [sheet_file] = converted([page], tmp_path, ending, ending, infilter="HTML (StarCalc)")
        sheet = checker.check_file(sheet_file)
        assert sheet.error is None and figures(sheet.report) == truth, ending
