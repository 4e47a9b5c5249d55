"""HTML pages as portals publish them: any encoding, chrome around the article, Word-exported tables.

The page is parsed by libxml2 (lxml: tolerant of broken markup, and about twenty times faster than the
standard library's tokenizer, which mattered for the 50-reports-a-second goal) into a small tree of Nodes
(depth-capped, walked without recursion, so a hostile page cannot exhaust the stack). The article is taken as
the smallest element holding the most section headings, and its content becomes blocks: a line per paragraph,
a row of cells per <tr>. With rowspan and colspan, the cells of a <tr> are exactly the cells that start in that
row, which is what the block stream expects, so no grid needs resolving.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.model import Report
from nianbao.engine.notes import note
from nianbao.engine.packs import unpack_saved
from nianbao.engine.readers import pictures
from nianbao.engine.readers.base import decode_report, make_source, text_encoding
from nianbao.engine.readers.pipeline.assemble import build_report
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.landmarks import find_title, match_heading, year_in
from nianbao.engine.readers.pipeline.raw import Block
from nianbao.engine.readers.scan.reader import ocr_ready

SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
VOID = {"br", "img", "meta", "hr", "input", "link", "area", "base", "col", "embed", "param", "source", "wbr"}
# Elements that start a new line of text.
# fmt: off
BLOCK = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article", "blockquote", "pre",
    "center", "dd", "dt", "dl", "header", "footer", "main", "nav", "aside", "form", "caption", "figure", "address",
}
# fmt: on
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_DATE = re.compile(
    r"(?:发布日期|发布时间|公开日期|成文日期|发文日期|PubDate)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_META_DATES = ("pubdate", "publishdate", "firstpublishedtime", "dc.date", "publishtime")


@dataclass
class Node:
    tag: str
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None
    titled: bool = False  # its class or id names a title (article_title, detail-title…)
    src: str = ""  # a picture's address (<img src>)


@dataclass
class Page:
    root: Node
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    depth: int = 0  # the deepest nesting met


def parse_page(text: str, max_depth: int = 250) -> Page:
    """The page as a small tree of Nodes: libxml2 (through lxml) parses, tolerant of broken markup; the
    tree keeps text and inline tags in order, without scripts and styles, and at most `max_depth` deep
    (libxml2 itself stops at 255)."""
    import lxml.etree

    # Plain etree elements: lxml.html's element classes cost a Python lookup per element.
    parser = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    try:
        document = lxml.etree.fromstring(text, parser)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):  # empty, or nothing but spaces
        document = None
    page = Page(Node("#root"))
    if document is None:
        return page
    for meta in document.iter("meta"):
        name = (meta.get("name") or "").lower()
        if name:
            page.meta[name] = meta.get("content") or ""
    title = document.find(".//title")
    page.title = "".join(title.itertext()) if title is not None else ""
    body = document.find("body")
    stack: list[tuple[object, Node, int]] = [(body if body is not None else document, page.root, 0)]
    while stack:
        element, parent, depth = stack.pop()
        if isinstance(element, _Tail):
            parent.children.append(element.text)
            continue
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in SKIP:
            continue  # comments and processing instructions, scripts and styles
        if tag == "br":
            parent.children.append("\n")
            continue
        if tag == "img":
            parent.children.append(Node("img", parent=parent, src=element.get("src") or ""))
            continue
        node = parent
        page.depth = max(page.depth, depth)
        if depth < max_depth and tag not in VOID:
            marks = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
            node = Node(tag, parent=parent, titled="title" in marks)
            parent.children.append(node)
        if element.text:
            node.children.append(element.text)
        # Children are pushed in reverse, with each one's tail (the text after it) queued behind it.
        for child in reversed(element):
            if child.tail:
                stack.append((_Tail(child.tail), node, depth + 1))
            stack.append((child, node, depth + 1))
    return page


class _Tail:
    """The text after an element, queued in the stack between its siblings."""

    tag = "#tail"

    def __init__(self, text: str) -> None:
        self.text = text


def _walk(node: Node):
    """Every node below `node`, depth first, without recursion."""
    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(c for c in reversed(item.children) if isinstance(c, Node))


def _text(node: Node) -> str:
    parts: list[str] = []
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
        else:
            if item.tag in BLOCK or item.tag in {"tr", "br"}:
                parts.append("\n")
            stack.extend(reversed(item.children))
    return "".join(parts)


def _rows(table: Node) -> list[list[str]]:
    """The rows of one table (not of tables nested in it): the text of each cell."""
    rows: list[list[str]] = []
    stack: list[Node] = [table]
    while stack:
        node = stack.pop()
        for child in reversed(node.children):
            if not isinstance(child, Node):
                continue
            if child.tag == "tr":
                rows.append([_text(c) for c in child.children if isinstance(c, Node) and c.tag in {"td", "th"}])
            elif child.tag != "table":
                stack.append(child)
    rows.reverse()
    return rows


def _blocks(article: Node, pictures: dict[str, list[Block]] | None = None) -> list[Block]:
    """The article as blocks; a picture read by OCR (`pictures`, by its address) stands where it is."""
    blocks: list[Block] = []
    line: list[str] = []

    def flush() -> None:
        text = "".join(line)
        for part in text.split("\n"):
            if part.strip():
                blocks.append(Block(text=" ".join(part.split())))
        line.clear()

    stack: list[Node | str] = [article]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            line.append(item)
            continue
        if item.tag == "img":
            if pictures and item.src in pictures:
                flush()
                blocks.extend(pictures[item.src])
            continue
        if item.tag == "table" and not _is_layout(item):
            flush()
            for cells in _rows(item):
                blocks.append(Block(cells=cells))
            continue
        if item.tag in BLOCK or item.tag in ("tr", "td", "th", "table"):
            flush()
            stack.append("\n")
        stack.extend(reversed(item.children))
    flush()
    return blocks


def _is_layout(table: Node) -> bool:
    """A table used to lay a page out (old portals wrap whole articles in one), not a table of figures: it holds
    another table, or a section heading, or its rows are single cells of running text."""
    for node in _walk(table):
        if node is not table and node.tag == "table":
            return True
        if any(isinstance(c, str) and match_heading(c) for c in node.children):
            return True
    rows = _rows(table)
    return bool(rows) and all(len(r) <= 1 for r in rows) and any(len(r[0]) > 200 for r in rows if r)


def _article(root: Node) -> Node:
    """The smallest element holding all the section headings found (the report without the portal)."""
    order = list(_walk(root))
    totals: dict[int, int] = {}
    for node in reversed(order):  # children before parents
        own = sum(1 for c in node.children if isinstance(c, str) and match_heading(c))
        totals[id(node)] = own + sum(totals[id(c)] for c in node.children if isinstance(c, Node))
    best = totals[id(root)]
    if best == 0:
        return root
    node = root
    while True:
        inner = next((c for c in node.children if isinstance(c, Node) and totals[id(c)] == best), None)
        if inner is None:
            return node
        node = inner


def decode_html(data: bytes) -> tuple[str, str | None]:
    """The page's text (a byte-order mark first, then its declared charset when that is a real text encoding,
    then UTF-8 and GB18030), and a note when bytes had to be replaced."""
    declared = _CHARSET.search(data[:4096])
    encoding = text_encoding(declared.group(1).decode("ascii")) if declared else None
    if encoding and encoding.startswith(("utf-16", "utf-32")):
        # A charset read in ASCII bytes cannot be UTF-16 or UTF-32: browsers take such a page as UTF-8 (the HTML
        # standard's rule), and so do we, where a BOM does not say otherwise.
        encoding = "utf-8"
    return decode_report(data, encoding)


def _published(page: Page, page_text: str) -> dt.date | None:
    for name in _META_DATES:
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", page.meta.get(name, ""))
        if m:
            return _date(*m.groups())
    m = _DATE.search(page_text)
    return _date(*m.groups()) if m else None


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


class HtmlReader:
    format = "html"
    suffixes = (".html", ".htm", ".shtml", ".xhtml")

    def read(self, path: Path, data: bytes) -> Report:
        limits = current()
        if len(data) > limits.markup_mb * 1024 * 1024:
            size, limit = f"{len(data) / 2**20:.1f} MB", f"{limits.markup_mb:g} MB"
            raise ReadError(ErrorCode.too_large, size=size, limit=limit)
        saved = unpack_saved(data)
        page_data, files = saved if saved else (data, {})
        text, damage = decode_html(page_data)
        page = parse_page(text, limits.html_depth)
        if page.depth >= min(limits.html_depth, 254):
            raise ReadError(ErrorCode.too_large, "error.html-too-deep", depth=min(limits.html_depth, 254))
        article = _article(page.root)
        shown = pictures.addresses([n.src for n in _walk(article) if n.tag == "img"])
        found = {src: picture for src in shown if (picture := pictures.resolve(src, files)) is not None}
        read, scanned = pictures.read_pictures(found) if found and ocr_ready() else ({}, [])
        doc = parse_blocks(_blocks(article, read))
        doc.ocr = bool(read)
        page_text = _text(page.root)
        doc.published = _published(page, page_text)
        if damage:
            doc.notes.append(damage)
        if not find_title(doc.head):
            doc.title, where = _page_title(page)
            if doc.title:
                doc.notes.append(note("note.title-from-page", where=where))
        report = build_report(doc, make_source(path, data, "html"))
        pictures.refuse_unread(report, [src for src in shown if src not in found], found, bool(read), path.stem)
        if read:
            pictures.mark(report, scanned)
            report.notes.append(note("note.pictures-read", count=len(read)))
        return report


# A portal's <title> adds its column and site: "…年度报告_政府信息公开年报_某某县人民政府".
_TITLE_PARTS = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s|--)\s*")


def _page_title(page: Page) -> tuple[str | None, str]:
    """The report's title where the page states it apart from the article: its metadata, its <title> without
    the portal's suffix, or a heading or title-classed element (h1, article_title) above the article."""
    candidates = [(page.meta.get(name, ""), f"元数据 {name}") for name in ("articletitle", "title")]
    candidates += [(part, "<title>") for part in _TITLE_PARTS.split(page.title)]
    candidates += [(_text(n), "标题元素") for n in _walk(page.root) if n.tag in {"h1", "h2", "ucaptitle"} or n.titled]
    found = [(title, where) for text, where in candidates if text and (title := find_title([text]))]
    # A portal's generic "政府信息公开年报" is a column name, not the report's title: prefer one with a year.
    return next((f for f in found if year_in(f[0])), found[0] if found else (None, ""))
