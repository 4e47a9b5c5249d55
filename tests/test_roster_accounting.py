"""Who filed what, as an office's batch has it (nianbao.engine.testing.roster_batch): a report of each format, an
unreadable file, another year's report, an organ twice (its PDF and a scan of it), a file not on the roster, a name that
fits two organs, organs that did not report. The JSON, the 名单核对 sheet, the HTML and the 通报 say each exactly; no
letter or spreadsheet cell shows the office's paths or values a person cannot read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nianbao.engine.readers.scan.reader import ocr_ready
from nianbao.engine.testing.roster_batch import write_batch


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from nianbao.engine.cli.main import main

    folder = tmp_path_factory.mktemp("office")
    expected = write_batch(folder, scan=ocr_ready())
    document = folder / "doc.json"
    args = [str(folder / "reports"), "--roster", str(folder / "roster.csv"), "--no-cache", "--no-progress"]
    main(["check", *args, "--format", "json", "--output", str(document)])
    main(["check", *args, "--format", "xlsx", "--output", str(folder / "overview.xlsx")])
    main(["check", *args, "--format", "html", "--output", str(folder / "overview.html")])
    main(["circular", str(document), "--out", str(folder / "通报.docx")])
    main(["letters", str(document), "--out", str(folder / "letters")])
    return folder, expected


def _doc(folder: Path) -> dict:
    import json

    return json.loads((folder / "doc.json").read_text(encoding="utf-8"))


def _name(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def test_the_json_accounts_for_every_file(batch):
    folder, expected = batch
    roster = _doc(folder)["roster"]
    assert roster["expected"] == expected.expected == 11  # the roster's size, whoever filed
    assert {e["organ"]: e["status"] for e in roster["entries"]} == expected.status
    assert {_name(u["path"]): u["organ"] for u in roster["unreadable"]} == expected.unreadable
    assert [_name(p) for p in roster["other_year"]] == expected.other_year
    assert [_name(p) for p in roster["unmatched"]] == expected.unmatched
    assert [_name(a["path"]) for a in roster["ambiguous"]] == expected.ambiguous
    assert sorted(_name(p) for group in roster["duplicates"] for p in group) == sorted(expected.duplicate)
    assert sorted(m["organ"] for m in roster["missing"]) == sorted(
        organ for organ, status in expected.status.items() if status == "missing"
    )


def test_the_roster_sheet_and_the_html_name_each_case(batch):
    from openpyxl import load_workbook

    folder, expected = batch
    sheet = load_workbook(folder / "overview.xlsx", read_only=True)["名单核对"]
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["机关", "类型", "地区", "核对结果", "文件", "说明"]
    status = {row[0]: row[3] for row in rows[1:] if row[0]}
    assert status["青禾市统计局"] == "已报送，但无法读取" and status["青禾市审计局"] == "报送的是其他年度的报告"
    assert status["青禾市司法局"] == "未报送" and status["青禾市教育局"] == "已报送"
    assert status["青禾市气象局"] == "名单外" and status["东川镇人民政府"] == "对应名单中多个机关"
    if expected.scanned:
        assert status["青禾市自然资源局"] == "重复报送"
    html = (folder / "overview.html").read_text(encoding="utf-8")
    assert "名单核对（应报送 11 个机关）" in html
    for name in ("青禾市统计局2022年报.pdf", "审计局.txt", "气象局.txt", "东川镇.txt"):
        assert name in html


def test_the_circular_names_each_case_and_ranks_only_the_roster(batch):
    from docx import Document

    folder, expected = batch
    words = Document(str(folder / "通报.docx"))
    text = "\n".join(p.text for p in words.paragraphs)
    assert "应报送机关 11 个，未报送 3 个。" in text
    assert "已报送但无法读取的（1 份）：青禾市统计局（青禾市统计局2022年报.pdf）" in text
    assert "报送的是其他年度报告的（1 份）：审计局.txt" in text
    assert "不在名单内的文件（1 份）：气象局.txt" in text
    assert "未能配对的文件（1 份）：东川镇.txt" in text
    if expected.scanned:
        assert "重复报送的（1 个机关）" in text
    ranking = next(t for t in words.tables if t.rows[0].cells[0].text == "名次")
    ranked = [row.cells[1].text for row in ranking.rows[1:]]
    assert sorted(ranked) == sorted(o for o, s in expected.status.items() if s == "checked")
    assert "未纳入排名" in text and "气象局.txt" in text.split("未纳入排名")[1]


def test_the_unreadable_files_letter_goes_to_its_organ(batch):
    from docx import Document

    folder, _ = batch
    letter = next((folder / "letters").glob("青禾市统计局*.docx"))
    text = "\n".join(p.text for p in Document(str(letter)).paragraphs)
    assert text.startswith("关于青禾市统计局") and "青禾市统计局：" in text and "无法检查" in text


def test_no_letter_or_cell_shows_a_path_or_an_internal_value(batch):
    """Scans every letter and every cell of the workbook: no path of the office's machine, no value of the rules'
    own (changed, unchanged, a similarity of 0.919 shown as "应为")."""
    from docx import Document
    from openpyxl import load_workbook

    folder, _ = batch
    root = str(folder)
    texts = []
    for letter in (folder / "letters").glob("*.docx"):
        document = Document(str(letter))
        texts += [p.text for p in document.paragraphs]
        texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    book = load_workbook(folder / "overview.xlsx", read_only=True)
    texts += [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert texts
    for text in texts:
        assert root not in text and "/tmp/" not in text and "/reports/" not in text, text
        assert not re.search(r"应为 (changed|unchanged|0\.\d+)", text), text


def test_cross_year_findings_name_the_other_report_by_its_file_only(tmp_path):
    """NB501, NB503 and NB504 name last year's report: by its organ, year and file name, never the office's path."""
    from docx import Document
    from nianbao.engine.cli.main import main
    from nianbao.engine.testing.office import write_office
    from openpyxl import load_workbook

    write_office(tmp_path)
    args = [str(tmp_path / "reports"), "--roster", str(tmp_path / "roster.csv"), "--history", str(tmp_path / "history")]
    args += ["--no-cache", "--no-progress"]
    main(["check", *args, "--format", "json", "--output", str(tmp_path / "doc.json")])
    main(["check", *args, "--format", "xlsx", "--output", str(tmp_path / "overview.xlsx")])
    main(["letters", str(tmp_path / "doc.json"), "--out", str(tmp_path / "letters")])
    texts = []
    for letter in (tmp_path / "letters").glob("*.docx"):
        document = Document(str(letter))
        texts += [c.text for t in document.tables for row in t.rows for c in row.cells]
    book = load_workbook(tmp_path / "overview.xlsx", read_only=True)
    texts += [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c]
    copied = [t for t in texts if "雷同" in t or "结转下年度继续办理”为" in t]
    assert copied and any("2023-" in t for t in copied)  # last year's file named …
    for text in texts:
        assert str(tmp_path) not in text and "history/" not in text, text  # … by its name alone
        assert not re.search(r"应为 (changed|unchanged|0\.\d+)", text), text


def test_the_office_gives_the_publication_date_in_its_roster(tmp_path, run_json):
    """A roster's 发布日期 column: NB401 judges lateness on the office's date, and says whose date it is; an organ
    without one (and a file that states none) is not judged, never on time."""
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.samples import SampleSpec, make_report

    for name, seed in (("青禾市教育局", 2), ("青禾市水利局", 3)):
        report = make_report(SampleSpec(name, 2022, seed=seed))
        (tmp_path / f"{name}.txt").write_text(render_text(report), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "机关名称,类型,发布日期\r\n青禾市教育局,部门,2023/2/15\r\n青禾市水利局,部门,\r\n", encoding="utf-8"
    )
    _code, doc = run_json(
        tmp_path / "青禾市教育局.txt", tmp_path / "青禾市水利局.txt", "--roster", roster, "--no-cache"
    )
    results = {r["organ"]: r for r in doc["results"]}
    late = results["青禾市教育局"]
    assert late["report"]["published"] == "2023-02-15" and late["report"]["published_by"] == "office"
    (finding,) = [f for f in late["findings"] if f["rule"] == "NB401"]
    assert finding["severity"] == "error" and "发布日期由名单提供" in finding["message"]
    assert results["青禾市水利局"]["not_judged"] == {"timeliness": "no-date"}


def test_the_circular_is_dated_as_asked_and_its_english_reads(batch, tmp_path):
    from docx import Document
    from nianbao.engine.cli.main import main

    folder, _ = batch
    document = str(folder / "doc.json")
    main(["circular", document, "--out", str(tmp_path / "zh.docx"), "--date", "2025-04-10"])
    text = "\n".join(p.text for p in Document(str(tmp_path / "zh.docx")).paragraphs)
    assert text.rstrip().endswith("2025年4月10日")
    main(["circular", document, "--out", str(tmp_path / "en.html"), "--lang", "en", "--date", "2025-04-10"])
    page = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert re.search(r"mean score [\d.]+\. 11 organ\(s\) were due to report; 3 did not\.", page)
    assert "2025-04-10" in page and "Filed but unreadable (1)" in page


def test_outputs_are_written_with_the_users_file_mode(batch, tmp_path):
    """Written through a temporary file (whole or not at all), yet with the mode the user's umask gives a new file:
    colleagues on the office's shared drive can open it."""
    import os
    import stat

    from nianbao.engine.cli.main import main

    folder, _ = batch
    old = os.umask(0o022)
    try:
        main(["circular", str(folder / "doc.json"), "--out", str(tmp_path / "通报.docx")])
        main(["letters", str(folder / "doc.json"), "--out", str(tmp_path / "letters")])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "通报.docx").stat().st_mode) == 0o644
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "letters").iterdir()} == {0o644}


def test_a_report_whose_organ_name_cannot_be_found_is_matched_by_its_file_name(tmp_path, run_json):
    """A report with no title and no organ's name in it (as a printed portal page can lose them): the file's name
    names a roster organ, which is taken for it as a guess and said so; it is not 未报送 and not 名单外."""
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.samples import SampleSpec, make_report

    text = render_text(make_report(SampleSpec("青禾市司法局", 2022, seed=8))).splitlines()
    path = tmp_path / "青禾市司法局2022年报.txt"
    path.write_text("\n".join(text[1:]).replace("青禾市司法局", "本机关"), encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("机关名称,类型\r\n青禾市司法局,部门\r\n", encoding="utf-8")
    _code, doc = run_json(path, "--roster", roster, "--no-cache")
    result = doc["results"][0]
    assert result["report"]["agency"] is None and result["organ"] == "青禾市司法局"
    assert any("按文件名" in note for note in result["report"]["notes"])
    (entry,) = doc["roster"]["entries"]
    assert entry["status"] == "checked" and entry["guessed"] and not doc["roster"]["unmatched"]
