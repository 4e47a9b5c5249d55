"""The self-check page in a real browser: Debian's chromium driven by Playwright (never `playwright install`).

A clerk opens the page, chooses a report, submits, and sees the score, the grade and the highlighted cells.
The screenshot is saved next to the test's temporary files (not committed).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("the server did not start: " + proc.stderr.read().decode(errors="replace"))
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_clerk_uploads_a_report_and_sees_what_to_fix(server, tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    report = ROOT / "reports" / "2023-bailu-environment-table-errors.txt"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")  # a clerk's phone
        page.goto(server)
        assert "年报体检" in page.title()
        page.set_input_files("#file", str(report))
        page.click("button[type=submit]")
        page.wait_for_selector("#score")
        assert page.inner_text("#score") == "64.0"  # three wrong figures, each said once
        assert page.inner_text("#grade") == "合格"
        assert page.inner_text("#meta") == "白鹭市生态环境局 · 2023 年度 · 2021 版格式"
        assert page.locator('.v-zh td.mark[data-cell="review:total"]').inner_text() == "8"
        assert "结果维持、结果纠正、其他结果、尚未审结之和为 7" in page.inner_text("body")
        assert "检查了什么" in page.inner_text("body")
        page.set_viewport_size({"width": 1280, "height": 900})
        page.screenshot(path=str(tmp_path / "self-check.screenshot.png"), full_page=True)
        browser.close()
    assert (tmp_path / "self-check.screenshot.png").stat().st_size > 10_000


def _box(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector, "e => { const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; }"
    )


def test_the_clerk_sees_each_mistake_outlined_on_the_own_pdf_page(server, tmp_path):
    """A PDF with two broken identities: its page is drawn with two outlines in two colours, at the cells the
    reader found; tapping a finding lights its cells only; on a phone the row labels stay after scrolling."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from playwright.sync_api import sync_playwright

    pdf = ROOT / "tests" / "fixtures" / "patterns" / "identity-errors.pdf"
    read = Checker(PluginHost.load(entry_points=False)).check_file(pdf)
    cells = read.report.cell_anchors
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for width, height in ((1280, 900), (390, 844)):
            page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
            page.goto(server)
            page.set_input_files("#file", str(pdf))
            page.click("button[type=submit]")
            page.wait_for_selector("#score")
            numbers = [e.get_attribute("id") for e in page.locator(".v-zh li.finding").all()]
            assert numbers == ["f1", "f2"]
            colours = {n: page.eval_on_selector(f"#{n}", "e => getComputedStyle(e).borderLeftColor") for n in numbers}
            assert colours["f1"] != colours["f2"]
            for n, group in zip(numbers, ("review", "litigation_direct"), strict=True):
                boxes = page.locator(f".v-zh a.box.{n}")
                assert boxes.count() == 5  # four results and the total of its group
                assert (
                    page.eval_on_selector(f".v-zh a.box.{n}", "e => getComputedStyle(e).borderTopColor") == colours[n]
                )
                anchor = cells[f"review_litigation:{group}:total"]
                paper = _box(page, f"#p{anchor.page} .paper")
                drawn = next(
                    _box(page, f"#{e.get_attribute('id')}")
                    for e in boxes.all()
                    if abs(_box(page, f"#{e.get_attribute('id')}")["x"] - (paper["x"] + anchor.box[0] * paper["w"])) < 2
                )
                x0, y0, x1, y1 = anchor.box
                assert abs(drawn["y"] - (paper["y"] + y0 * paper["h"])) < 2
                assert abs(drawn["w"] - (x1 - x0) * paper["w"]) < 2 and abs(drawn["h"] - (y1 - y0) * paper["h"]) < 2
            page.click("#f1 a")  # "在原文第 3 页查看": to its first outline, lighting its cells only
            opacity = page.eval_on_selector_all(
                ".v-zh a.box", "es => es.map(e => [e.classList[1], getComputedStyle(e).opacity])"
            )
            assert {o for c, o in opacity if c == "f1"} == {"1"} and {o for c, o in opacity if c == "f2"} == {"0.25"}
            page.click(".v-zh a.box.f2 >> nth=0")  # an outline leads back to its finding
            assert page.evaluate("location.hash") == "#f2"
            if width == 390:
                table = page.locator(".v-zh table.drawn").last
                table.scroll_into_view_if_needed()
                table.evaluate("t => t.parentElement.scrollLeft = 400")
                label = _box(page, ".v-zh table.drawn >> nth=-1 >> tr:nth-child(2) th")
                assert label["x"] >= -1 and label["x"] + label["w"] <= width  # the row label stays in view
            page.screenshot(path=str(tmp_path / f"outlined-{width}.screenshot.png"), full_page=True)
            page.close()
        browser.close()
    assert (tmp_path / "outlined-390.screenshot.png").stat().st_size > 10_000


def test_office_head_reads_the_rollups_on_a_phone_and_a_desk(tmp_path):
    """The batch page with a roster and history: who did not report and the rollups come first, every table fits
    the screen (it scrolls inside its own box, never the page sideways), and sorting a rollup works."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from nianbao.engine.cli.main import main
    from nianbao.engine.testing.office import write_office
    from playwright.sync_api import sync_playwright

    expected = write_office(tmp_path / "office")
    html = tmp_path / "office.html"
    folder = tmp_path / "office"
    args = ["--roster", folder / "roster.csv", "--history", folder / "history", "--no-cache", "--no-progress"]
    main(["check", str(folder / "reports"), *map(str, args), "--format", "html", "--output", str(html)])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for width, height in ((390, 844), (1280, 900)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(html.as_uri())
            text = page.inner_text("body")
            assert "未报送（2024 年度，3 个机关）" in text and all(name in text for name in expected.missing)
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1  # no sideways page scroll
            page.screenshot(path=str(tmp_path / f"office-{width}.screenshot.png"), full_page=True)
            page.close()
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(html.as_uri())
        kinds = page.locator("h2:has-text('按类型') + div table")
        kinds.locator("th").nth(1).click()  # 报告数, ascending
        counts = [int(c) for c in kinds.locator("tbody tr td:nth-child(2)").all_inner_texts()]
        assert counts == sorted(counts)
        browser.close()
    assert (tmp_path / "office-390.screenshot.png").stat().st_size > 10_000


def test_the_overview_and_the_circular_read_on_a_desk_and_a_phone(tmp_path):
    """The office head's two pages: the organ column is at least eight characters wide, nothing scrolls sideways
    on a 390 px phone, rule ids carry their titles, and a click on an organ opens its findings."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from nianbao.engine.cli.main import main
    from nianbao.engine.testing.office import write_office
    from playwright.sync_api import sync_playwright

    expected = write_office(tmp_path / "office")
    folder = tmp_path / "office"
    args = ["--roster", folder / "roster.csv", "--history", folder / "history", "--no-cache", "--no-progress"]
    html, result, circular = tmp_path / "overview.html", tmp_path / "result.json", tmp_path / "通报.html"
    main(["check", str(folder / "reports"), *map(str, args), "--format", "html", "--output", str(html)])
    main(["check", str(folder / "reports"), *map(str, args), "--format", "json", "--output", str(result)])
    main(["circular", str(result), "--out", str(circular)])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for name, path in (("overview", html), ("circular", circular)):
            for width, height in ((1366, 768), (390, 844)):
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(path.as_uri())
                assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
                em = page.evaluate("parseFloat(getComputedStyle(document.querySelector('td.organ')).fontSize)")
                widths = page.eval_on_selector_all("td.organ", "cells => cells.map(c => c.clientWidth)")
                assert widths and min(widths) >= 8 * em, (name, width, min(widths), em)
                assert all(organ in page.inner_text("body") for organ in expected.late)
                page.screenshot(path=str(tmp_path / f"{name}-{width}.screenshot.png"), full_page=True)
                page.close()
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(html.as_uri())
        assert page.get_attribute("abbr:has-text('NB401')", "title") == "年度报告发布晚于法定期限"
        assert "年度报告发布晚于法定期限" in page.inner_text("dl.legend")
        assert "分类计分" not in page.inner_text("footer") and "得分 = 100" in page.inner_text("footer")
        late = page.locator("td.organ a", has_text=expected.late[0])
        target = late.get_attribute("href")
        assert page.locator(target).evaluate("d => d.open") is False
        late.click()
        # the link opens the findings it points at: in the page's hashchange handler, which runs after the click
        page.wait_for_function("id => document.getElementById(id).open", arg=target.lstrip("#"), timeout=5000)
        browser.close()
    assert (tmp_path / "overview-390.screenshot.png").stat().st_size > 10_000


def test_pdfminer_font_warnings_stay_off_the_screen(tmp_path):
    """A Chromium-printed PDF makes pdfminer warn about every font (126 lines once): they are for -v only."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from tests.conftest import nianbao_process

    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False).stdout
    if not fonts.strip():
        pytest.skip("no Chinese font for chromium to print with (Debian's fonts-noto-cjk)")
    pdf = tmp_path / "printed.pdf"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            *ARGS,
            f"--print-to-pdf={pdf}",
            (ROOT / "tests/fixtures/2021-qinghe.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert pdf.stat().st_size > 0
    # A plain PDF is read by PDFium, which makes no such warnings: the print is marked so that pdfminer reads it
    # (a trailing comment naming /ActualText, which nianbao.engine.readers.pdf.plain keeps from PDFium).
    with pdf.open("ab") as printed:
        printed.write(b"\n% /ActualText\n")
    quiet = nianbao_process("check", pdf, "--no-cache", "--no-progress")
    assert "青禾市" in quiet.stdout and "FontBBox" not in quiet.stderr
    loud = nianbao_process("-v", "check", pdf, "--no-cache", "--no-progress")
    assert "FontBBox" in loud.stderr  # still in the log, for whoever asks


def test_the_language_switch_keeps_the_result(server, tmp_path):
    """Switching to English on a result page shows the same result in English (nothing is uploaded again), and it
    stays English while the clerk taps findings and outlines."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    pdf = ROOT / "tests" / "fixtures" / "patterns" / "identity-errors.pdf"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page.goto(server)
        page.set_input_files("#file", str(pdf))
        page.click("button[type=submit]")
        page.wait_for_selector("#score")
        assert "表四“行政复议”" in page.inner_text("body")
        page.click(".v-zh a.lang")
        assert "/check" in page.url and page.url.endswith("#en")  # the same page: the result is kept
        visible = page.inner_text("body")
        assert "Table 4, 'reconsideration'" in visible or "Table 4" in visible
        assert "表四“行政复议”" not in visible and page.inner_text("#en-score") == page.locator("#score").inner_text()
        assert "year 2022 · 2021 template" in page.inner_text("#en-meta")
        page.click("#en-f1 a")  # a finding's outline, inside the English version: English stays
        assert "What was checked" in page.inner_text("body") and "检查了什么" not in page.inner_text("body")
        page.click(".v-en a.lang")
        assert "检查了什么" in page.inner_text("body")
        page.screenshot(path=str(tmp_path / "switched.screenshot.png"), full_page=True)
        browser.close()


def _contrast(foreground: str, background: str) -> float:
    """WCAG contrast of two CSS rgb() colours."""
    import re

    def luminance(colour: str) -> float:
        r, g, b = (int(v) / 255 for v in re.findall(r"\d+", colour)[:3])

        def linear(c: float) -> float:
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)

    hi, lo = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_drawn_tables_and_numbers_read_on_a_phone_and_a_desk(server, tmp_path):
    """At 390, 1024 and 1280 px: no row label of the drawn tables runs over a figure, every finding's number is a
    24 px tap target, and white numbers stand out from their colour at 4.5:1."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    report = ROOT / "reports" / "2023-bailu-environment-table-errors.txt"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for width in (390, 1024, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
            page.goto(server)
            page.set_input_files("#file", str(report))
            page.click("button[type=submit]")
            page.wait_for_selector("#score")
            overflowing = page.eval_on_selector_all(
                ".v-zh table.drawn th:first-child",
                "es => es.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)",
            )
            assert overflowing == [], (width, overflowing)
            numbers = page.eval_on_selector_all(
                ".v-zh .num",
                "es => es.map(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
                " return [r.width, r.height, s.color, s.backgroundColor]; })",
            )
            assert numbers
            for w, h, colour, background in numbers:
                assert w >= 24 and h >= 24, (width, w, h)
                assert _contrast(colour, background) >= 4.5, (colour, background)
            page.close()
        browser.close()


_RECTS = "es => es.map(e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })"


def _overlap(a: list[float], b: list[float]) -> float:
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


def _scanned(pdf: Path, tmp_path: Path) -> Path:
    from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

    out = tmp_path / f"scan-{pdf.name}"
    out.write_bytes(scanned_pdf(scanned_pages(pdf.read_bytes(), ScanSpec()), 200))
    return out


@pytest.mark.parametrize("kind", ["pdf", "scan", "real"])
def test_outlines_numbers_and_crops_read_on_a_phone_and_a_desk(server, tmp_path, kind):
    """The clerk's own pages at 1280, 1024 and 390 px (our PDF, its scan, a real report): no row label of the drawn
    tables runs over a figure; each finding's number stands in a margin, a 24 px tap target that covers no outlined
    figure, white on its colour at 4.5:1; each page image is held once though the page has two languages; and each
    finding shows its cells in a crop of the page zoomed in."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed here (.ci/run installs it)")
    from nianbao.engine.readers.scan.reader import ocr_ready
    from playwright.sync_api import sync_playwright

    pdf = ROOT / "tests" / "fixtures" / "patterns" / "identity-errors.pdf"
    if kind == "real":  # a real report whose findings rest on cells of its pages (洪泽区, 2023: table 4's sums)
        pdf = ROOT.parent / "shared" / "corpus" / "real" / "huaian_hongze_district_2023.pdf"
        if not pdf.exists():
            pytest.skip("the real corpus (../shared/corpus/real) is not here")
    if kind == "scan":
        if not ocr_ready():
            pytest.skip("Tesseract with chi_sim is not installed here")
        pdf = _scanned(pdf, tmp_path)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.goto(server)
        page.set_input_files("#file", str(pdf))
        page.click("button[type=submit]")
        page.wait_for_selector("#score", timeout=180_000)  # a scan's page refreshes itself until it is there
        html = page.content()
        drawn = page.locator(".v-zh figure.sheet").count()
        assert drawn >= 1 and html.count("data:image/png;base64,") == drawn  # once, for both languages
        for width in (1280, 1024, 390):  # the same result laid out at each width
            page.set_viewport_size({"width": width, "height": 900})
            overflowing = page.eval_on_selector_all(
                ".v-zh table.drawn th:first-child",
                "es => es.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)",
            )
            assert overflowing == [], (width, overflowing)  # no row label runs over a figure of the drawn tables
            outlines = page.eval_on_selector_all(".v-zh a.box", _RECTS)
            badges = page.eval_on_selector_all(".v-zh a.badge", _RECTS)
            findings = page.locator(".v-zh li.finding:has(a.num)").count()
            assert outlines and findings <= len(badges) <= len(outlines)  # one number a finding in each band
            for badge in badges:
                assert badge[2] >= 24 and badge[3] >= 24, (width, badge)
                assert all(_overlap(badge, box) < 1 for box in outlines), (width, badge)
            colours = page.eval_on_selector_all(
                ".v-zh a.badge",
                "es => es.map(e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor])",
            )
            assert all(_contrast(c, b) >= 4.5 for c, b in colours)
            crops = page.locator(".v-zh li.finding .crop")
            assert crops.count() == findings >= 1
            cell_in_crop = _box(page, ".v-zh li.finding .crop span")
            first = page.eval_on_selector(".v-zh a.box", "e => e.id")
            cell_on_page = _box(page, f"#{first}")
            if width == 390:
                assert cell_in_crop["w"] >= 2 * cell_on_page["w"], (cell_in_crop, cell_on_page)  # zoomed in
            page.screenshot(path=str(tmp_path / f"{kind}-{width}.screenshot.png"), full_page=True)
        page.close()
        browser.close()
