"""The text reader against generated reports whose every cell is known (both templates, two layouts)."""

from __future__ import annotations

import pytest
from nianbao.engine.model import Source
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.normalize import parse_cell
from nianbao.engine.readers.plaintext import parse_text
from nianbao.engine.template import Template
from nianbao.engine.testing.render import render_text
from nianbao.engine.testing.samples import SampleSpec, make_report, sample_reports

SPECS = [
    SampleSpec("青禾市自然资源局", 2022, seed=3),
    SampleSpec("南屿县人民政府", 2020, seed=4),
    SampleSpec("云岭镇人民政府", 2023, seed=5, all_zero=True),
    SampleSpec("白鹭市人民政府", 2019, seed=6),
    SampleSpec("北湾区教育局", 2021, seed=8, template=Template.T2019),  # old template in a 2021 report
]


def read_back(text: str):
    return build_report(parse_text(text), Source(path="t.txt", format="txt", sha256="0" * 64))


@pytest.mark.parametrize("layout", ["plain", "pdf"])
@pytest.mark.parametrize("spec", SPECS, ids=lambda s: f"{s.agency}-{s.year}")
def test_every_cell_round_trips(spec, layout):
    truth = make_report(spec)
    got = read_back(render_text(truth, layout))
    assert got.applications == truth.applications
    assert got.review_litigation == truth.review_litigation
    assert got.proactive == truth.proactive
    assert (got.title, got.agency, got.year, got.title_year, got.template) == (
        truth.title,
        truth.agency,
        truth.year,
        truth.title_year,
        truth.template,
    )
    assert [s.key for s in got.sections] == [s.key for s in truth.sections]
    assert got.notes == []


def test_section_prose_leaves_the_tables_out():
    truth = make_report(SPECS[0])
    got = read_back(render_text(truth, "pdf"))
    apps = got.section("applications")
    assert apps is not None and apps.text == ""
    assert got.section("overview").text.replace("\n", "") == truth.section("overview").text.replace("\n", "")


def test_subtotal_and_extra_rows_kept_without_shifting_template_rows():
    truth = make_report(SPECS[0])
    withheld = {
        c: sum(truth.applications[r][c] for r in truth.applications if r.startswith("withheld."))
        for c in truth.applications["disclosed"]
    }
    truth.applications["withheld"] = withheld
    truth.applications["extra.其中涉及疫情防控"] = dict.fromkeys(withheld, 0)
    got = read_back(render_text(truth, "pdf"))
    assert got.applications == truth.applications


def test_blank_and_dash_cells_read_as_null():
    truth = make_report(SPECS[1])
    truth.applications["disclosed"]["research"] = None
    got = read_back(render_text(truth))
    assert got.applications["disclosed"]["research"] is None


def test_wrong_count_of_values_is_left_out_with_a_note():
    text = render_text(sample_reports()["2020-nanyu-county.txt"])
    lines = text.split("\n")
    i = next(n for n, line in enumerate(lines) if line.startswith("2.重复申请"))
    lines[i] = "2.重复申请 0 0 0"
    got = read_back("\n".join(lines))
    assert "not_processed.duplicate" not in got.applications
    assert any("重复申请" in note and "3 个数值" in note for note in got.notes)


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("12", 12),
        ("１２", 12),
        ("1,234", 1234),
        ("1，234", 1234),
        (" 7 ", 7),
        ("-8", -8),
        ("－8", -8),
        ("12.5", 12.5),
        ("", None),
        ("—", None),
        ("-", None),
        ("／", None),
        ("无", "无"),
        ("251000元", "251000元"),
    ],
)
def test_cell_normalisation(printed, value):
    assert parse_cell(printed) == value


def test_not_a_report(tmp_path, run):
    path = tmp_path / "letter.txt"
    path.write_text("关于召开工作会议的通知\n各科室：定于下周一开会。\n", encoding="utf-8")
    code, out, err = run("check", path, "--format", "json")
    assert code == 2 and "Traceback" not in err
    assert '"not-a-report"' in out


def test_gbk_text_is_decoded(tmp_path, run):
    path = tmp_path / "gbk.txt"
    text = render_text(sample_reports()["2022-qinghe-natural-resources.txt"])
    path.write_bytes(text.encode("gbk"))
    code, out, _ = run("parse", path)
    assert code == 0 and "青禾市自然资源局" in out


def test_markdown_tables_and_table_four_in_three_parts():
    truth = make_report(SPECS[0])
    text = render_text(truth)
    start = text.index("四、政府信息公开行政复议、行政诉讼情况")
    end = text.index("五、存在的主要问题及改进情况")
    rl = truth.review_litigation
    parts = ["四、政府信息公开行政复议、行政诉讼情况"]
    # Printed in the order 复议后起诉, 行政复议, 直接起诉: the group names decide, not the order.
    for title, group in (
        ("行政诉讼（复议后起诉）", "litigation_after_review"),
        ("行政复议", "review"),
        ("行政诉讼（未经复议直接起诉）", "litigation_direct"),
    ):
        parts += [
            f"### {title}",
            "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
            "|---|---|---|---|---|",
            "| " + " | ".join(str(v) for v in rl[group].values()) + " |",
        ]
    got = read_back(text[:start] + "\n".join(parts) + "\n\n" + text[end:])
    assert got.review_litigation == truth.review_litigation


@pytest.mark.parametrize(("printed", "date"), [("2023年2月3日", "2023-02-03"), ("二〇二三年二月三日", "2023-02-03")])
def test_date_printed_at_the_end_is_the_publication_date(printed, date):
    text = render_text(make_report(SPECS[0])).rstrip() + f"\n青禾市自然资源局\n{printed}\n"
    got = read_back(text)
    assert str(got.published) == date
    assert read_back(render_text(make_report(SPECS[0]))).published is None


@pytest.mark.parametrize("name", ["2019-nanyu", "2021-qinghe"])
def test_a_label_wrapped_below_its_figures_stays_with_its_row(name):
    """Text as `pdftotext -layout` leaves a table: a row label's first line beside its figures, its rest on the lines
    below them, a merged group label's pieces before the rows it spans ("（六）" / "其他处" / "理"). The rest opened the
    next row's label ("申请 5.要求行政机关确认或…"), and two rows were said missing; now every row reads as printed. On
    the real reports' own `pdftotext -layout` texts, our fixtures' 164 and 184 → 178 and 191 figures, 淮安市's and
    洪泽区's all."""
    from pathlib import Path

    from nianbao.engine.readers.pdf.reader import PdfReader
    from nianbao.engine.readers.plaintext import TextReader

    from tests.conftest import ROOT

    pdf = ROOT / "tests" / "fixtures" / f"{name}.pdf"
    truth = PdfReader().read(pdf, pdf.read_bytes())
    text = render_text(truth, "layout")
    assert "确认或" in text and "确认或重新出具已获取信息" not in text  # the label is wrapped below its figures
    report = TextReader().read(Path(f"{name}.txt"), text.encode("utf-8"))
    assert report.applications == truth.applications
    assert (report.proactive, report.review_litigation) == (truth.proactive, truth.review_litigation)


def test_the_real_reports_and_our_fixtures_as_pdftotext_lays_them_out_say_no_row_missing_the_pdf_has(tmp_path):
    """`pdftotext -layout` of the real reports and of our fixtures' PDFs (poppler's own layout, not ours): no row is
    said missing or a table absent that the PDF's own reading has (our fixtures lost 5.要求行政机关确认… and
    2.申请人逾期未按收费通知… before), and the real reports read figure for figure."""
    import shutil
    import subprocess
    from pathlib import Path

    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.testing.measure import figures

    from tests.conftest import CORPUS, ROOT

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils' pdftotext is not installed")
    checker = Checker(PluginHost.load(entry_points=False))
    pdfs = sorted((ROOT / "tests" / "fixtures").glob("20*.pdf")) + sorted(CORPUS.glob("*.pdf"))
    for pdf in pdfs:
        text = tmp_path / f"{pdf.stem}.txt"
        subprocess.run(["pdftotext", "-layout", str(pdf), str(text)], check=True, timeout=60)
        read, truth = checker.check_file(Path(text)), checker.check_file(pdf)
        missing = [(f.rule, f.key) for f in read.findings if f.key in ("NB105.row", "NB105.table") and f.counts]
        said = {(f.rule, f.key, f.location.row) for f in truth.findings}
        assert all(key in {(r, k) for r, k, _ in said} for key in missing), (pdf.name, missing)
        if pdf.parent == CORPUS:
            assert figures(read.report) == figures(truth.report), pdf.name
