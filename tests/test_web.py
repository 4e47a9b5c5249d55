"""The self-check web page, through Starlette's test client: the same checker as the command line."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.schemas import RESULT, schema_errors
from nianbao.engine.web.app import create_app
from starlette.testclient import TestClient

from tests.conftest import ROOT, SEED

REPORTS = ROOT / "reports"


@pytest.fixture(scope="module")
def client():
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    with TestClient(create_app(checker, timeout=30), base_url="http://127.0.0.1:8000") as c:
        yield c


def upload(client, path: Path, url: str = "/check", name: str | None = None):
    return finished(client, client.post(url, files={"file": (name or path.name, path.read_bytes())}))


def finished(client, answer, seconds: float = 120):
    """A scan's page is answered at once (202) and refreshes itself until its result is there: follow it."""
    import time

    end = time.monotonic() + seconds
    while answer.status_code == 202 and time.monotonic() < end:
        target = re.search(r'http-equiv="refresh" content="\d+;url=([^"]+)"', answer.text).group(1)
        time.sleep(0.2)
        answer = client.get(target.replace("&amp;", "&"))
    return answer


def test_upload_form(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'type="file"' in page.text and "开始检查" in page.text
    assert "Upload your organ" in client.get("/?lang=en").text


def test_seed_shows_its_score_and_grade(client):
    if not SEED.is_file():
        pytest.skip("seed not present")
    page = upload(client, SEED)
    assert page.status_code == 200
    assert 'id="score">96.8<' in page.text and 'id="grade">优秀<' in page.text


def test_broken_identity_marks_its_cells_in_its_colour_and_spells_it_out(client):
    page = upload(client, REPORTS / "2023-bailu-environment-table-errors.txt")
    text = page.text
    # Each finding is numbered and coloured; the cells it rests on carry its number (the first finding that names
    # a cell colours it).
    items = {m.group(2): m.group(1) for m in re.finditer(r'<li class="finding f(\d+)" id="f\d+">(.*?)</li>', text)}
    n = next(
        number
        for body, number in items.items()
        if "结果维持、结果纠正、其他结果、尚未审结之和为 7，但总计填的是 8" in body
    )
    assert f'class="mark f{n}" title="{n}" data-cell="review:upheld">' in text  # only NB204 rests on 结果维持
    assert re.search(r'class="mark f\d+" title="\d+" data-cell="review:total">8<', text)  # NB206 and NB204
    assert re.search(r'class="mark f\d+" title="\d+" data-cell="received_new:total">69<', text)  # NB201, 总计
    assert f".f{n}{{--c:" in text  # its colour
    assert 'download="nianbao-result.json"' in text and 'download="自查清单.docx"' in text


def test_api_answers_the_result_document(client):
    answer = upload(client, REPORTS / "2022-qinghe-natural-resources.txt", url="/api/check")
    doc = answer.json()
    assert answer.status_code == 200 and schema_errors(doc, RESULT) == []
    assert doc["results"][0]["source"]["path"] == "2022-qinghe-natural-resources.txt"
    assert doc["results"][0]["score"] == 100.0


def test_too_large_upload_is_refused_and_the_server_goes_on(client):
    big = b"x" * (25 * 1024 * 1024)
    answer = client.post("/check", files={"file": ("big.pdf", big)})
    assert answer.status_code == 413 and "20 MB" in answer.text
    assert client.post("/api/check", files={"file": ("big.pdf", big)}).status_code == 413
    assert upload(client, REPORTS / "2020-nanyu-county.txt").status_code == 200


def test_unsupported_file_is_refused(client):
    answer = client.post("/check", files={"file": ("photo.bmp", b"BM" + bytes(64))})
    assert answer.status_code == 415 and "PDF" in answer.text
    # A PNG is a scan the OCR reads (or says what to install): a damaged one gets its error page.
    answer = finished(client, client.post("/check", files={"file": ("photo.png", b"\x89PNG\r\n\x1a\n" + bytes(64))}))
    assert answer.status_code == 200 and "无法检查" in answer.text
    assert client.post("/check", data={"x": "1"}).status_code == 400


def test_unreadable_upload_gets_its_error_page(client):
    answer = client.post("/check", files={"file": ("broken.pdf", b"%PDF-1.7\n garbage")})
    assert answer.status_code == 200 and "无法检查" in answer.text and "请从原文件重新导出" in answer.text
    assert "unreadable" not in answer.text and "PSEOF" not in answer.text  # one sentence, no internals


def test_no_uploaded_file_is_kept(client, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    upload(client, REPORTS / "2020-nanyu-county.txt")
    assert list(tmp_path.iterdir()) == []


def test_report_text_is_escaped_on_the_page(client, tmp_path):
    text = (REPORTS / "2022-qinghe-natural-resources.txt").read_text(encoding="utf-8")
    hostile = tmp_path / "x.txt"
    hostile.write_text(
        text.replace("青禾市自然资源局2022年", "<img src=x onerror=alert(1)>2022年", 1).replace(
            "（一）主动公开", "<script>alert(2)</script>（一）主动公开", 1
        ),
        encoding="utf-8",
    )
    page = upload(client, hostile, name='<b>"x".txt').text
    assert "<img" not in page and "<script" not in page and "<b>" not in page
    assert "&lt;imgsrc=xonerror=alert(1)&gt;" in page and "&lt;b&gt;" in page


def test_serve_binds_to_this_computer_by_default():
    from nianbao.engine.cli.main import build_parser

    args = build_parser().parse_args(["serve"])
    assert args.host == "127.0.0.1"


def test_english_is_kept_from_the_request_to_every_finding(client):
    report = REPORTS / "2023-bailu-environment-table-errors.txt"
    answer = client.post("/api/check?lang=en", files={"file": (report.name, report.read_bytes())}).json()
    assert answer["lang"] == "en"
    messages = [f["message"] for f in answer["results"][0]["findings"]]
    assert messages and all(m[:1].isascii() for m in messages), messages  # English (quoting the printed labels)
    page = client.post("/check?lang=en", files={"file": (report.name, report.read_bytes())}).text
    assert "What to fix" in page and "Table 4" in page
    assert "Upload your organ" in client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).text
    assert "上传本机关" in client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text


def test_a_damaged_file_gets_one_plain_sentence_not_internals(client):
    good = (ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes()
    answer = client.post("/api/check", files={"file": ("报告.pdf", good[: len(good) // 3])}).json()
    error = answer["results"][0]["error"]
    assert error["code"] == "unreadable" and "重新导出" in error["message"]
    assert error["detail"]  # what the reader saw, kept for systems
    page = client.post("/check", files={"file": ("报告.pdf", good[: len(good) // 3])}).text
    assert error["detail"] not in page and "重新导出" in page


def test_a_plugin_rule_with_cells_is_outlined_on_the_page_with_no_change_to_the_web():
    from nianbao.engine.checking.checker import Checker as Checking

    host = PluginHost.load(extra=[str(ROOT / "tests" / "plugins" / "cell_rule.py")], entry_points=False)
    checker = Checking(host, Profile.default())
    pdf = ROOT / "tests" / "fixtures" / "2021-qinghe.pdf"
    anchor = checker.check_file(pdf).report.cell_anchors["applications:received_new:total"]
    with TestClient(create_app(checker, timeout=30), base_url="http://127.0.0.1:8000") as c:
        text = upload(c, pdf).text
    items = {m.group(2): m.group(1) for m in re.finditer(r'<li class="finding f(\d+)" id="f\d+">(.*?)</li>', text)}
    n = next(number for body, number in items.items() if "请在第一部分说明原因" in body)
    x0, y0, x1, y1 = anchor.box
    expected = f"left:{x0 * 100:.2f}%;top:{y0 * 100:.2f}%;width:{(x1 - x0) * 100:.2f}%;height:{(y1 - y0) * 100:.2f}%"
    box = re.search(rf'<a class="box f{n}" id="c{n}-0" href="#f{n}"[^>]*>', text)
    assert box and expected in box.group(0)
    assert f'<figure class="sheet" id="p{anchor.page}">' in text and "data:image/png;base64," in text


@pytest.mark.parametrize(
    ("name", "data", "advice"),
    [
        ("损坏.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", ("请从原文件重新导出", "Export the PDF")),
        ("损坏.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, ("另存为 DOCX 或 PDF", "Save it as DOCX")),
        ("扫描.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, ("PDF 或 DOCX", "PDF or DOCX")),
    ],
)
def test_a_refusal_says_in_one_sentence_what_to_do_in_the_clerks_language(client, name, data, advice):
    for lang, words in zip(("zh", "en"), advice, strict=True):
        answer = finished(client, client.post(f"/check?lang={lang}", files={"file": (name, data)}))
        if answer.status_code == 415:  # refused at the door: the upload page says why
            assert words in answer.text
            continue
        refusal = re.search(r'id="refusal">(.*?)</p>', answer.text).group(1)
        assert words in refusal, refusal
        assert not re.search(r"PSEOF|Traceback|No /Root|Error:|OLE", answer.text)


def test_serve_on_a_port_in_use_says_so_in_one_line_and_exits_2():
    import socket

    from tests.conftest import nianbao_process

    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        answer = nianbao_process("serve", "--port", port, timeout=60)
    assert answer.returncode == 2
    assert (
        answer.stderr.strip().count("\n") == 0 and "端口已被占用" in answer.stderr and "Traceback" not in answer.stderr
    )


def test_the_2019_single_other_row_is_drawn_in_its_place(client):
    text = upload(client, ROOT / "tests" / "fixtures" / "2019-nanyu.pdf").text
    table = text[text.index("表三 收到和处理政府信息公开申请情况") :]
    rows = re.findall(r"<tr><th>(.*?)</th>", table)
    other = next(i for i, label in enumerate(rows) if "其他处理" in label)
    total = next(i for i, label in enumerate(rows) if "总计" in label)
    forward = next(i for i, label in enumerate(rows) if "结转下年度" in label)
    assert other < total < forward


def test_the_self_check_sheet_downloads_from_the_page(client):
    """The clerk gets a sheet for the organ's own check (what to fix, where), not the office's letter: no office,
    no reply date, no "经人工复核"; in English on the English page."""
    import base64
    import io

    from docx import Document

    def sheet(text: str, name: str) -> str:
        data = re.search(rf'<a id="letter" download="{name}" href="data:[^;]+;base64,([^"]+)"', text).group(1)
        words = Document(io.BytesIO(base64.b64decode(data)))
        return "\n".join(p.text for p in words.paragraphs) + "\n".join(
            c.text for t in words.tables for row in t.rows for c in row.cells
        )

    body = sheet(upload(client, REPORTS / "2023-bailu-environment-table-errors.txt").text, "自查清单.docx")
    assert (
        "白鹭市生态环境局" in body and "自查清单" in body and "结果维持、结果纠正、其他结果、尚未审结之和为 7" in body
    )
    assert "需要在提交前修改" in body and "第 " in body
    assert not any(words in body for words in ("我办", "报送", "经人工复核", "的反馈意见\n"))
    path = REPORTS / "2023-bailu-environment-table-errors.txt"
    english = client.post("/check?lang=en", files={"file": (path.name, path.read_bytes())}).text
    body = sheet(english, "self-check.docx")
    assert "Self-check" in body and "Fix these" in body and "supervising office's feedback" in body


def test_an_ofd_page_is_drawn_from_its_own_text_with_the_cells_outlined_and_escaped(client):
    """No renderer reads OFD, so its page is drawn as SVG from the characters and lines the reader found; the
    outlines stand where the reader found the cells, and every character of the report is escaped."""
    import io
    import zipfile
    from html import escape as html_escape

    ofd = ROOT / "tests" / "fixtures" / "patterns" / "identity-errors.ofd"
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    anchor = checker.check_file(ofd).report.cell_anchors["review_litigation:review:total"]
    members = {}
    with zipfile.ZipFile(ofd) as archive:
        for name in archive.namelist():
            members[name] = archive.read(name)
    page = f"Doc_0/Pages/Page_{anchor.page - 1}/Content.xml"
    hostile = html_escape("<script>alert(1)</script>")  # as XML text: the reader reads it back as the tag itself
    members[page] = members[page].replace(
        b"</ofd:Layer>",
        f'<ofd:TextObject ID="999999" Boundary="20 285 100 5" Size="3"><ofd:TextCode X="0" Y="3">{hostile}'
        f"</ofd:TextCode></ofd:TextObject></ofd:Layer>".encode(),
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    answer = client.post("/check", files={"file": ("报告.ofd", buffer.getvalue())})
    text = answer.text
    assert answer.status_code == 200 and "data:image/svg+xml;base64," in text
    import base64

    drawn = base64.b64decode(re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", text).group(1)).decode()
    assert "<script" not in text and "<script" not in drawn and ">&lt;</text>" in drawn  # each character, escaped
    x0, y0, x1, _ = anchor.box
    assert f"left:{x0 * 100:.2f}%;top:{y0 * 100:.2f}%;width:{(x1 - x0) * 100:.2f}%" in text


def test_several_files_at_once_must_be_the_page_images_of_one_report(client):
    answer = client.post("/check", files=[("file", ("a.pdf", b"%PDF-1.7")), ("file", ("b_2.png", b"\x89PNG"))])
    assert answer.status_code == 400 and "页面" in answer.text


@pytest.mark.slow  # OCR
def test_page_images_picked_at_once_are_checked_as_one_report(client):
    pytest.importorskip("PIL")
    from nianbao.engine.readers.scan.reader import ocr_ready

    if not ocr_ready():
        pytest.skip("Tesseract with chi_sim and eng is not installed")
    import io

    from nianbao.engine.testing.scan import ScanSpec, scanned_pages

    pdf = (ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes()
    pages = scanned_pages(pdf, ScanSpec(dpi=200, skew=1.0, seal_page=0, seed=5, mode="grey"))
    files = []
    for number, page in reversed(list(enumerate(pages, start=1))):  # picked in any order
        out = io.BytesIO()
        page.save(out, "JPEG", quality=85, dpi=(200, 200))
        files.append(("file", (f"年报_{number}.jpg", out.getvalue())))
    answer = client.post("/api/check", files=files)
    assert answer.status_code == 200, answer.text[:300]
    result = answer.json()["results"][0]
    assert result["report"]["source"]["pages"] == 3
    assert result["report"]["applications"]["received_new"]


@pytest.mark.slow  # OCR
def test_a_saved_page_picked_with_its_pictures_is_read_with_them(client):
    """A clerk picks 报告.html and the pictures of its _files folder in one go: the tables in the pictures are read."""
    from nianbao.engine.readers.scan.reader import ocr_ready

    if not ocr_ready():
        pytest.skip("Tesseract with chi_sim and eng is not installed")
    page = ROOT / "tests" / "fixtures" / "patterns" / "table-pictures.html"
    files = [("file", (page.name, page.read_bytes()))]
    files += [("file", (p.name, p.read_bytes())) for p in sorted(page.with_name("table-pictures_files").iterdir())]
    answer = client.post("/api/check", files=files)
    assert answer.status_code == 200, answer.text[:300]
    result = answer.json()["results"][0]
    assert result["error"] is None and result["report"]["applications"]["received_new"]["total"]
    alone = client.post("/api/check", files={"file": (page.name, page.read_bytes())}).json()["results"][0]
    assert alone["error"]["code"] == "images-missing"


def test_the_clerks_page_says_what_could_not_be_judged(client):
    """A text report states no publication date: its timeliness is not judged, and the page says so and why, in the
    clerk's language."""
    page = upload(client, REPORTS / "2022-qinghe-natural-resources.txt")
    assert page.status_code == 200
    assert '<p class="not-judged">发布与时效：未评（未能确定发布日期）</p>' in page.text
    english = client.post(
        "/check?lang=en", files={"file": ("a.txt", (REPORTS / "2022-qinghe-natural-resources.txt").read_bytes())}
    )
    assert "publication and timeliness: not judged (no publication date could be found)" in english.text


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "tests" / "fixtures" / "patterns" / "identity-errors.pdf",
        REPORTS / "2023-bailu-environment-table-errors.txt",
        ROOT / "tests" / "fixtures" / "patterns" / "money-unit.docx",
    ],
)
def test_the_english_page_holds_no_chinese_but_the_reports_own(client, path):
    """On the English version: findings, cell names, section names, table headers and row labels, the where of each
    finding, all in English. Chinese is left only where the report itself speaks: the organ's name, a quoted figure,
    what the reader's notes quote of it, and the link to the Chinese version."""
    import html

    page = client.post("/check?lang=en", files={"file": (path.name, path.read_bytes())}).text
    start = page.index('<div class="v v-en">')
    block = page[start : page.index('<div class="v v-zh"', start)]
    block = re.sub(r"<style>.*?</style>|<img [^>]*>", "", block, flags=re.S)
    assert "Reading notes" in block or path.suffix != ".docx"  # money-unit.docx: the reader notes how it read money
    text = html.unescape(re.sub(r"<[^>]+>", "\n", block))
    own = {"中文"}
    agency = re.search(r"\n([^\n]*) · year \d{4}", text).group(1)
    leftover = [
        line.strip()
        for line in text.split("\n")
        if re.search(r"[\u4e00-\u9fff]", line) and line.strip() not in own and not line.strip().startswith(agency)
    ]
    quoted = [line for line in leftover if not re.search(r"[\u4e00-\u9fff]", re.sub(r"'[^']*'|“[^”]*”", "", line))]
    assert [line for line in leftover if line not in quoted] == []


def test_the_same_upload_again_is_not_read_again(monkeypatch):
    """The page keeps each upload's report model (nianbao.engine.web.kept): the same file uploaded again is checked
    without being read, with the same findings; a file that differs by one byte is read."""
    from nianbao.engine.readers import plaintext

    app = create_app(Checker(PluginHost.load(entry_points=False), Profile.default()), timeout=30)
    report = REPORTS / "2022-qinghe-natural-resources.txt"
    data = report.read_bytes()
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        first = c.post("/api/check", files={"file": (report.name, data)}).json()
        assert len(app.state.service.kept) == 1

        def read_again(self, path, data):
            raise AssertionError("read again")

        monkeypatch.setattr(plaintext.TextReader, "read", read_again)  # a worker forked from here inherits it
        again = c.post("/api/check?lang=en", files={"file": ("copy.txt", data)}).json()
        changed = c.post("/api/check", files={"file": (report.name, data + b"\n")}).json()
    said = [(f["rule"], f["key"], f["params"]) for f in first["results"][0]["findings"]]
    assert again["results"][0]["error"] is None and again["results"][0]["source"]["path"] == "copy.txt"
    assert [(f["rule"], f["key"], f["params"]) for f in again["results"][0]["findings"]] == said
    assert again["results"][0]["score"] == first["results"][0]["score"]
    assert (
        changed["results"][0]["error"]["code"] == "unreadable"
        and "read again" in changed["results"][0]["error"]["detail"]
    )
