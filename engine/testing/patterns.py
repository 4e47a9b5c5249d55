"""Small documents of our own, one per pattern met in real reports, in every format where the pattern occurs.

Each pattern is a sample report changed the way real reports differ (a cell that says 无, money printed with its
unit, a title only in the page's <title>, a page marker before the title, the pre-2019 统计表…); the tests read
every file back and assert the finding, or its absence. PDFs are made from the DOCX files by LibreOffice and
committed, so the tests need no LibreOffice; OFD packages are written by nianbao.engine.testing.render_ofd.

    python -m nianbao.engine.testing.patterns tests/fixtures/patterns
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

from nianbao.engine.model import Report
from nianbao.engine.testing.formats import pdfs_of, sample, write_formats
from nianbao.engine.testing.judgement import write_judgement_patterns
from nianbao.engine.testing.pictures import browser as find_browser
from nianbao.engine.testing.pictures import with_table_pictures
from nianbao.engine.testing.render import render_text
from nianbao.engine.testing.render_html import render_html


def nil_cells() -> Report:
    """Count cells that say 无 or 〇 instead of 0: the rows stay, 无 is read as 0 with a warning."""
    report = sample()
    row = report.applications["not_processed.publication"]
    for column, value in row.items():
        if value == 0:
            row[column] = "无"
    group, column = next(
        (g, c) for g, cells in report.review_litigation.items() for c, v in cells.items() if v == 0 and c != "total"
    )
    report.review_litigation[group][column] = "〇"
    return report


def money_unit() -> Report:
    """The 2021 fee amount printed with its unit in yuan: the number is read, NB208 names the unit."""
    report = sample()
    report.proactive["fees"]["amount"] = "75394432.52元"
    return report


def identity_errors() -> Report:
    """Two identities of table 四 broken, one in each of two groups: 行政复议 (结果维持 written 3 for 1) and 行政诉讼
    未经复议直接起诉 (尚未审结 written 2 for 0). NB204 twice, on different cells; the clerk's page outlines each."""
    report = sample()
    report.review_litigation["review"]["upheld"] = 3
    report.review_litigation["litigation_direct"]["pending"] = 2
    return report


def review_column_deleted() -> Report:
    """Table 四 printed without one column, 复议后起诉's 总计: 14 values under 14 headings. NB105 says the table could
    not be matched to the template's 15 columns (not that it is missing, and no grade ceiling)."""
    report = sample()
    del report.review_litigation["litigation_after_review"]["total"]
    return report


# Row labels printed with a character wrong, as real reports and OCR give them: 案件 for 案卷 (a real typo), 束 for 重
# and 绿 for 续 (OCR misreadings met in a real scan), and a table 二 label. Each row keeps its figures and its place.
LABEL_TYPOS = (
    ("行政执法案卷", "行政执法案件"),
    ("重复申请", "束复申请"),
    ("四、结转下年度继续办理", "四、结转下年度继绿办理"),
    ("行政处罚", "行政外罚"),
)


def label_typos() -> Report:
    """Row labels with a character wrong (LABEL_TYPOS), and the typo'd row 7.属于行政执法案件 not adding up (its
    总计 one more than its columns): every row is placed, none is said missing, and the finding on the typo'd row
    says the row was taken by its likeness to the template's label and waits for a person before it costs points."""
    report = sample()
    report.applications["withheld.enforcement_files"]["total"] += 1
    return report


def retype(
    path: Path, pairs: tuple[tuple[str, str], ...] = LABEL_TYPOS, convert: Callable[[str], str] | None = None
) -> None:
    """The file with each label of `pairs` printed as its typo (or all its text through `convert`): in the text of a
    page, or inside a DOCX or OFD package's XML members."""
    import zipfile

    def change(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        return convert(text) if convert is not None else text

    if not zipfile.is_zipfile(path):
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        return
    with zipfile.ZipFile(path) as source:
        members = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in members:
            if info.filename.endswith(".xml"):
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info, data)


def merge_rows(path: Path) -> None:
    """Table 三's rows 1.属于国家秘密 and 2.其他法律行政法规禁止公开 printed as one row: both labels in its label cell,
    the second row's figures in its cells (as a scan gives them when the ruling between the rows is lost, and as a
    clerk who runs two rows together prints them), its 总计 one more than its columns. A plain text, a web page or a
    Word document (LibreOffice prints it to PDF)."""
    if path.suffix == ".docx":
        _merge_docx_rows(path)
        return
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        merged = re.sub(r"(1\.属于国家秘密)[ \d]*\n(2\.其他法律行政法规禁止公开 3 1 0 0 0 0) 4", r"\1 \2 5", text)
    else:
        cell = '<td><p style="text-align:center"><span>'
        merged = re.sub(
            rf"{re.escape(cell)}(1\.属于国家秘密)</span>.*?</tr>\s*<tr>{re.escape(cell)}(2\.其他法律.*?)<span>4</span>",
            rf"{cell}\1 \2<span>5</span>",
            text,
            count=1,
            flags=re.S,
        ).replace(
            'rowspan="8"><p style="text-align:center"><span>（三）不予公开',
            'rowspan="7"><p style="text-align:center"><span>（三）不予公开',
        )
    assert merged != text, "the sample prints the two rows"
    path.write_text(merged, encoding="utf-8")


def _merge_docx_rows(path: Path) -> None:
    """merge_rows in a DOCX: the first row's group cell (（三）不予公开, where its vertical merge starts) and label
    moved into the second row, the first row left out."""
    from nianbao.engine.testing.word_frames import document_rewritten

    def merged(xml: str) -> str:
        rows = re.findall(r"<w:tr>.*?</w:tr>", xml, flags=re.S)
        first = next(n for n, row in enumerate(rows) if "1.属于国家秘密" in row)
        cells = [re.findall(r"<w:tc>.*?</w:tc>", rows[n], flags=re.S) for n in (first, first + 1)]
        cells[1][1] = cells[0][1]
        cells[1][2] = cells[1][2].replace("2.其他法律", "1.属于国家秘密 2.其他法律")
        cells[1][-1] = cells[1][-1].replace("<w:t>4</w:t>", "<w:t>5</w:t>")
        start = rows[first + 1].index("<w:tc>")
        joined = rows[first + 1][:start] + "".join(cells[1]) + "</w:tr>"
        changed = xml.replace(rows[first] + rows[first + 1], joined)
        assert changed != xml and "<w:t>5</w:t>" in joined, "the sample prints the two rows side by side"
        return changed

    path.write_bytes(document_rewritten(path.read_bytes(), merged))


# Headings as real reports print them: 六 without 要 (a common variant).
HEADING_VARIANTS = (("六、其他需要报告的事项", "六、其他需报告的事项"),)


def _traditional(text: str) -> str:
    """Text in traditional characters, as portals mirror reports (OpenCC's s2t)."""
    import opencc

    return opencc.OpenCC("s2t").convert(text)


def write_heading_patterns(folder: Path, pdf: bool = True) -> list[Path]:
    """heading-variants (六、其他需报告的事项) and traditional (the whole report in 繁體) in txt, html, docx, ofd and,
    with LibreOffice, pdf: every section found, no finding the simplified report does not have."""
    written: list[Path] = []
    for name, pairs, convert in (
        ("heading-variants", HEADING_VARIANTS, None),
        ("traditional", (), _traditional),
    ):
        files = write_formats(sample(), folder, name, text="plain")
        for path in files:
            retype(path, pairs, convert)
        written += files
    return written + pdfs_of(written, folder, pdf)


def organ_zone() -> Report:
    """A 管委会 reporting for its area, published on 3月20日: a government's deadline (3月31日) applies."""
    return sample(agency="青禾经济技术开发区管委会")


HTML_TITLES: dict[str, Callable[[str, str], str]] = {
    # The body has no title line; the title stands only in the page's <title> with the portal's suffix.
    "title-in-page-title": lambda page, title: page,
    # … or only in <meta name="ArticleTitle">.
    "title-in-meta": lambda page, title: page.replace(
        "<title>", f'<meta name="ArticleTitle" content="{title}"><title>'
    ).replace(f"<title>{title}_政府信息公开年报_门户网站</title>", "<title>政府信息公开年报</title>"),
    # … or in a title-classed element above the article.
    "title-above-article": lambda page, title: page.replace(
        '<div class="article">', f'<div class="article_title">{title}</div><div class="article">'
    ).replace(f"<title>{title}_政府信息公开年报_门户网站</title>", "<title>政府信息公开年报</title>"),
}


def _without_body_title(page: str, title: str) -> str:
    return re.sub(r'<h1 class="article-title">.*?</h1>', "", page, count=1)


OLD_FORMAT = """某某县统计局2017年政府信息公开工作年度报告

本报告根据《中华人民共和国政府信息公开条例》（国务院令第492号）要求编制。本报告中所列数据的统计期限自2017年1月1日起至2017年12月31日止。

一、概述
2017年，某某县统计局认真贯彻落实《条例》，政府信息公开工作有序推进。

二、主动公开政府信息情况
全年主动公开政府信息120条。

三、依申请公开政府信息情况
全年收到政府信息公开申请3件，均已按时答复。

四、政府信息公开的收费及减免情况
本年度未收取任何费用。

五、因政府信息公开申请行政复议、提起行政诉讼的情况
本年度未发生行政复议、行政诉讼。

六、政府信息公开工作存在的主要问题及改进情况
公开内容不够全面。下一步将加强培训。

七、其他需要报告的事项
无。

附表：政府信息公开情况统计表
指标名称 计量单位 统计数
一、主动公开情况
（一）主动公开政府信息数 条 120
二、依申请公开情况
（一）收到申请数 件 3
"""


def write_patterns(folder: Path, pdf: bool = True) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, make in (
        ("nil-cells", nil_cells),
        ("money-unit", money_unit),
        ("organ-zone", organ_zone),
        ("identity-errors", identity_errors),
        ("review-column-deleted", review_column_deleted),
    ):
        written += write_formats(make(), folder, name, published=_PUBLISHED.get(name))
    written += write_formats(label_typos(), folder, "label-typos", text="plain")
    for path in written[-4:]:
        retype(path)
    for path in write_formats(sample(), folder, "rows-merged", text="plain"):
        if path.suffix == ".ofd":  # its rows are drawn, ruling by ruling: not made
            path.unlink()
            continue
        merge_rows(path)
        written.append(path)
    title_report = sample()
    page = render_html(title_report).decode()
    for name, change in HTML_TITLES.items():
        (folder / f"{name}.html").write_text(change(_without_body_title(page, title_report.title), title_report.title))
        written.append(folder / f"{name}.html")
    # A page marker extraction leaves before the title.
    marked = "正文\n" + render_text(sample(agency="青禾市人民政府办公室"), "pdf")
    (folder / "page-marker.txt").write_text(marked, encoding="utf-8")
    (folder / "old-format.txt").write_text(OLD_FORMAT, encoding="utf-8")
    (folder / "old-format.html").write_text(_html(OLD_FORMAT), encoding="utf-8")
    written += [folder / "page-marker.txt", folder / "old-format.txt", folder / "old-format.html"]
    # A converted table whose rows carry a trailing empty cell.
    markdown = render_text(sample(), "plain")
    (folder / "markdown-trailing-cells.md").write_text(_markdown_rows(markdown), encoding="utf-8")
    written.append(folder / "markdown-trailing-cells.md")
    written += pdfs_of(written, folder, pdf)
    browser = find_browser()
    (folder / "browser-print.html").write_bytes(browser_page())
    written.append(folder / "browser-print.html")
    if pdf and browser:
        written.append(browser_print(browser_page(), folder / "browser-print.pdf", browser))
    (folder / "browser-double-ruled.html").write_bytes(double_ruled_page())
    written.append(folder / "browser-double-ruled.html")
    if pdf and browser:
        written.append(browser_print(double_ruled_page(), folder / "browser-double-ruled.pdf", browser))
    written += write_heading_patterns(folder, pdf)
    if pdf:  # rows cut by Word-layout page breaks (LibreOffice prints them; the padding is searched for)
        from nianbao.engine.testing.page_breaks import write_page_break_patterns

        written += write_page_break_patterns(folder)
    written += write_judgement_patterns(folder, pdf)
    if browser:  # the portal page with its tables published as pictures, saved with its _files folder
        written.append(with_table_pictures(browser_page(), folder / "table-pictures.html"))
    return written


def double_ruled_page() -> bytes:
    """The portal page with its tables as many portals publish them: without cellspacing="0" or border-collapse, so
    a browser frames every cell on its own and prints each border twice, about 2 pt apart."""
    return browser_page().replace(b' cellspacing="0" style="border-collapse:collapse"', b"")


def browser_page() -> bytes:
    """A portal page of a long-titled organ: navigation and metadata above a title that wraps, the tables long
    enough for page breaks to cut rows."""
    return render_html(sample(agency="青禾市人民政府办公室（青禾市政务服务管理局）", year=2022, seed=5))


def browser_print(page: bytes, target: Path, browser: str, header: bool = True) -> Path:
    """The page as a browser saves it as PDF: the date, the page's title, its address and "1/3" printed around every
    page (unless not `header`), and fonts that map some ideographs to radicals (⻘, ⺠, ⾸⻚)."""
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.html"
        source.write_bytes(page)
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={tmp}/u",
             "--disable-background-networking", *([] if header else ["--no-pdf-header-footer"]),
             f"--print-to-pdf={target}", source.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return target


_PUBLISHED = {"organ-zone": dt.date(2023, 3, 20)}


def _html(text: str) -> str:
    from html import escape

    body = "".join(f"<p>{escape(line)}</p>" for line in text.splitlines() if line.strip())
    head = '<head><meta charset="utf-8"><title>年报</title></head>'
    return f'<html>{head}<body><div class="article">{body}</div></body></html>'


_ROW = re.compile(r"^(\S.*?)((?:\s+(?:\d+|—))+)\s*$")


def _markdown_rows(text: str) -> str:
    """Table lines as Markdown rows with a trailing empty cell, as converters print them."""
    out = []
    for line in text.splitlines():
        m = _ROW.match(line)
        if m and len(m.group(2).split()) == 7:
            out.append("| " + " | ".join([m.group(1).strip(), *m.group(2).split()]) + " |  |")
        else:
            out.append(line)
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/patterns")
    for path in write_patterns(target):
        print(path)
