"""HTML pages as portals publish them: any encoding, chrome around the article, Word-exported tables.

The page is parsed with the standard library's tolerant tokenizer into a small tree (depth-capped, so a
hostile page cannot exhaust the stack), the article is taken as the smallest element holding the most
section headings, and its content becomes blocks: a line per paragraph, a row of cells per <tr>. With
rowspan and colspan, the cells of a <tr> are exactly the cells that start in that row, which is what the
block stream expects, so no grid needs resolving.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from engine.errors import ErrorCode, ReadError
from engine.model import Report
from engine.readers.assemble import build_report
from engine.readers.base import make_source
from engine.readers.blocks import Block, parse_blocks
from engine.readers.layout import find_title, match_heading

MAX_DEPTH = 256  # deeper elements are flattened into their ancestor
SKIP = {"script", "style", "noscript", "template", "svg", "iframe", "object", "head"}
VOID = {"br", "img", "meta", "hr", "input", "link", "area", "base", "col", "embed", "param", "source", "wbr"}
BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "blockquote",
    "pre",
    "center",
    "dd",
    "dt",
    "dl",
    "header",
    "footer",
    "main",
    "nav",
    "aside",
    "form",
    "caption",
    "figure",
    "address",
}
# Opening one of these closes an open element of the same family (HTML's implied end tags).
IMPLIED = {
    "p": {"p"},
    "li": {"li"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "tr": {"tr", "td", "th"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "option": {"option"},
}
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_\-]+)""", re.I)
_DATE = re.compile(
    r"(?:发布日期|发布时间|公开日期|成文日期|发文日期|PubDate)\s*[:：]?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_META_DATES = ("pubdate", "publishdate", "firstpublishedtime", "dc.date", "publishtime")


@dataclass
class Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Node | str] = field(default_factory=list)
    parent: Node | None = None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root")
        self.current = self.root
        self.depth = 0
        self.skipping = 0
        self.title = ""
        self.in_title = False
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta" and values.get("name"):
            self.meta[values["name"].lower()] = values.get("content", "")
        if tag == "title":
            self.in_title = True
        if tag in SKIP:
            self.skipping += 1
            return
        if self.skipping or tag in VOID:
            if tag == "br" and not self.skipping:
                self.current.children.append("\n")
            return
        implied = IMPLIED.get(tag)
        if implied:
            node = self.current
            while node is not self.root and node.tag not in {"table", "tbody", "thead", "tfoot", "ul", "ol", "dl"}:
                if node.tag in implied:
                    self._close_to(node)
                    break
                node = node.parent  # type: ignore[assignment]
        if self.depth >= MAX_DEPTH:
            return
        node = Node(tag, values, parent=self.current)
        self.current.children.append(node)
        self.current = node
        self.depth += 1

    def _close_to(self, node: Node) -> None:
        while self.current is not node and self.current.parent is not None:
            self.current = self.current.parent
            self.depth -= 1
        if node.parent is not None:
            self.current = node.parent
            self.depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag in SKIP:
            self.skipping = max(0, self.skipping - 1)
            return
        if self.skipping:
            return
        node: Node | None = self.current
        while node is not None and node is not self.root:
            if node.tag == tag:
                self._close_to(node)
                return
            if tag in {"td", "th", "tr"} and node.tag == "table":
                return  # a stray end tag must not close the table around it
            node = node.parent

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if not self.skipping:
            self.current.children.append(data)


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


def _blocks(article: Node) -> list[Block]:
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
        if item.tag == "table":
            flush()
            for cells in _rows(item):
                blocks.append(Block(cells=cells))
            continue
        if item.tag in BLOCK or item.tag == "tr":
            flush()
            stack.append("\n")
        stack.extend(reversed(item.children))
    flush()
    return blocks


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


def decode_html(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "gb18030"}:
            name = "gb18030"  # the superset: pages labelled GB2312 often hold GBK characters
        try:
            return data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _published(builder: _TreeBuilder, page_text: str) -> dt.date | None:
    for name in _META_DATES:
        m = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", builder.meta.get(name, ""))
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
        builder = _TreeBuilder()
        try:
            builder.feed(decode_html(data))
            builder.close()
        except (AssertionError, ValueError) as exc:
            raise ReadError(ErrorCode.unreadable, detail=str(exc)) from None
        article = _article(builder.root)
        blocks = _blocks(article)
        doc = parse_blocks(blocks)
        page_text = _text(builder.root)
        doc.published = _published(builder, page_text)
        if not find_title(doc.head):
            headings = [n for n in _walk(builder.root) if n.tag in {"h1", "ucaptitle"}]
            candidates = [_text(n) for n in headings] + [builder.title]
            doc.title = next((t for c in candidates if (t := find_title([c]))), None)
        return build_report(doc, make_source(path, data, "html"))
