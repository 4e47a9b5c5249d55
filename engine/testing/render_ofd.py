"""Print a report model as an OFD package (GB/T 33190), the way converters lay one out: A4 pages in millimetres, one
`TextObject` per line with per-character `DeltaX`, table borders as `PathObject` rectangles (merged cells drawn as one),
long tables broken across pages at row boundaries with the cut part of a tall merged cell drawn on both pages.

Fixtures written from the same truth as the text, HTML and DOCX ones, so the OFD reader is held to every cell.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from nianbao.engine.model import Report
from nianbao.engine.testing.layouts import Layout, placed, reading_order

PAGE_W, PAGE_H = 210.0, 297.0
LEFT, TOP, BOTTOM = 20.0, 20.0, 277.0
TEXT_SIZE, LINE = 3.7, 6.2  # mm
CELL_SIZE, CELL_LINE, PAD = 3.0, 4.2, 1.2
_WIDTHS_MM = {
    "proactive": [50.0, 36.0, 36.0, 36.0],
    "applications": [8.0, 17.0, 46.0] + [12.5] * 7,
    "review_litigation": [10.6] * 15,
}
NS = "http://www.ofdspec.org/2016"


@dataclass
class _Page:
    objects: list[str]


class _Writer:
    def __init__(self, split_rows: bool = False, overdrawn: bool = False) -> None:
        self.overdrawn = overdrawn
        self.pages: list[_Page] = [_Page([])]
        self.y = TOP
        self.next_id = 10
        self.split_rows = split_rows
        self.split: list[tuple[int, int]] = []  # (row, lines on its first page) of each row a page break cut

    def _id(self) -> int:
        self.next_id += 1
        return self.next_id

    def new_page(self) -> None:
        self.pages.append(_Page([]))
        self.y = TOP

    def text(self, x: float, baseline: float, text: str, size: float, page: _Page | None = None) -> None:
        if not text:
            return
        width = size * len(text)
        deltas = f"g {len(text) - 1} {size:g}" if len(text) > 1 else ""
        for shift in (0.0, 0.25) if self.overdrawn else (0.0,):  # drawn again a hair to the right: bold by hand
            (page or self.pages[-1]).objects.append(
                f'<ofd:TextObject ID="{self._id()}" Boundary="{x + shift:.2f} {baseline - size:.2f} {width:.2f} '
                f'{size * 1.2:.2f}" Font="4" Size="{size:g}"><ofd:TextCode X="0" Y="{size:g}"'
                + (f' DeltaX="{deltas}"' if deltas else "")
                + f">{escape(text)}</ofd:TextCode></ofd:TextObject>"
            )

    def rect(self, page: _Page, x: float, y: float, w: float, h: float, sides: str = "tblr") -> None:
        steps = {
            "t": f"M 0 0 L {w:.2f} 0",
            "b": f"M 0 {h:.2f} L {w:.2f} {h:.2f}",
            "l": f"M 0 0 L 0 {h:.2f}",
            "r": f"M {w:.2f} 0 L {w:.2f} {h:.2f}",
        }
        data = " ".join(steps[s] for s in sides)
        page.objects.append(
            f'<ofd:PathObject ID="{self._id()}" Boundary="{x:.2f} {y:.2f} {w:.2f} {h:.2f}" LineWidth="0.25">'
            f"<ofd:AbbreviatedData>{data}</ofd:AbbreviatedData></ofd:PathObject>"
        )

    def paragraph(self, text: str) -> None:
        per_line = int((PAGE_W - 2 * LEFT) // TEXT_SIZE)
        for start in range(0, max(len(text), 1), per_line):
            if self.y + LINE > BOTTOM:
                self.new_page()
            self.y += LINE
            self.text(LEFT, self.y, text[start : start + per_line], TEXT_SIZE)

    def table(self, layout: Layout, widths: list[float]) -> None:
        xs = [LEFT]
        for w in widths:
            xs.append(xs[-1] + w)
        # Place each cell on the grid (r, c) as the layout's spans say.
        cells = [(r, c, spec.rowspan, spec.colspan, spec.text) for r, c, spec in placed(layout)]
        lines = [1] * len(layout)
        for r, c, rs, cs, text in cells:
            if rs == 1:
                lines[r] = max(lines[r], len(_wrap(text, xs[c + cs] - xs[c])))
        # Rows go down the page. A row that does not fit starts the next page, or, when rows may break across pages
        # (as Word's and WPS's "allow row to break across pages"), leaves the lines that fit and takes the rest on.
        where: list[list[_Part]] = []  # each row's parts: (page index, top, height, first line, end line)
        self.y += 2.0
        for count in lines:
            parts: list[_Part] = []
            done = 0
            while done < count:
                room = int((BOTTOM - self.y - 2 * PAD) // CELL_LINE)
                take = count - done if room >= count - done else (room if self.split_rows and room > 0 else 0)
                if take == 0:
                    self.new_page()
                    continue
                height = 2 * PAD + CELL_LINE * take
                parts.append(_Part(len(self.pages) - 1, self.y, height, done, done + take))
                if take < count - done:
                    self.split.append((len(where), done + take))
                self.y += height
                done += take
            where.append(parts)
        for r, c, rs, cs, text in cells:
            x, w = xs[c], xs[c + cs] - xs[c]
            wrapped = _wrap(text, w)
            spans: dict[int, list[_Part]] = {}
            for row in range(r, r + rs):
                for part in where[row]:
                    spans.setdefault(part.page, []).append(part)
            for n, (page_index, members) in enumerate(sorted(spans.items())):
                top, bottom = members[0].top, members[-1].top + members[-1].height
                page = self.pages[page_index]
                self.rect(page, x, top, w, bottom - top)
                # A one-row cell's lines flow with its row's parts; a merged cell's text stays in its first part.
                shown = wrapped[members[0].first : members[-1].end] if rs == 1 else (wrapped if n == 0 else [])
                for k, line in enumerate(shown):
                    self.text(x + PAD, top + PAD + CELL_LINE * (k + 1) - 0.8, line, CELL_SIZE, page)
        self.y += 2.0


@dataclass(frozen=True)
class _Part:
    """The part of a table row on one page."""

    page: int
    top: float
    height: float
    first: int  # the row's lines shown in this part: first up to end
    end: int


def _wrap(text: str, width: float) -> list[str]:
    per_line = max(int((width - 2 * PAD) // CELL_SIZE), 1)
    return [text[i : i + per_line] for i in range(0, len(text), per_line)] or [""]


def _ofd_xml(doc_id: str) -> str:
    """The package's entry point, naming its one document."""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD">'
        f"<ofd:DocBody><ofd:DocInfo><ofd:DocID>{doc_id}</ofd:DocID></ofd:DocInfo>"
        "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"
    )


def _document_xml(pages: int) -> str:
    entries = "".join(f'<ofd:Page ID="{i + 2}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages))
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
        f"<ofd:MaxUnitID>99999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {PAGE_W:g} {PAGE_H:g}"
        "</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
        f"<ofd:Pages>{entries}</ofd:Pages></ofd:Document>"
    )


def ofd_bytes(report: Report, *, split_rows: bool = False, padding: int = 0, overdrawn: bool = False) -> bytes:
    """The report as an OFD package; with `split_rows`, a table row the page's end cuts breaks across pages (its
    cells' lines flow on), `padding` empty lines before the text move the page breaks, and with `overdrawn` every
    text is drawn twice a quarter point apart, as a producer makes text bold with a font that has no bold face."""
    return _package(_laid_out(report, split_rows, padding, overdrawn))


def _laid_out(report: Report, split_rows: bool, padding: int, overdrawn: bool = False) -> _Writer:
    writer = _Writer(split_rows, overdrawn)
    for _ in range(padding):
        writer.paragraph("")
    for item in reading_order(report):
        if isinstance(item, str):
            writer.paragraph(item)
        else:
            key, layout = item
            writer.table(layout, _WIDTHS_MM[key])
    return writer


def _package(writer: _Writer) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", _ofd_xml("nianbao-fixture"))
        archive.writestr("Doc_0/Document.xml", _document_xml(len(writer.pages)))
        archive.writestr(
            "Doc_0/PublicRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="4" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
        )
        for i, page in enumerate(writer.pages):
            archive.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                f'<ofd:Layer ID="{i + 100000}">{"".join(page.objects)}</ofd:Layer></ofd:Content></ofd:Page>',
            )
    return buffer.getvalue()


def render_ofd(report: Report, path: Path) -> Path:
    path.write_bytes(ofd_bytes(report))
    return path


def scanned_ofd(images: list[bytes], dpi: int = 200) -> bytes:
    """An OFD of page images only, as a scanner's or a portal's converter writes a scanned report: each page one
    `ImageObject` over the whole page, its picture a `MultiMedia` resource of the document (`DocumentRes.xml`) kept in
    the package's `Res` folder. `images` are the encoded pages (JPEG or PNG)."""
    media = "".join(
        f'<ofd:MultiMedia ID="{1000 + i}" Type="Image"><ofd:MediaFile>page_{i}.jpg</ofd:MediaFile></ofd:MultiMedia>'
        for i in range(len(images))
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("OFD.xml", _ofd_xml("nianbao-scan"))
        document = _document_xml(len(images)).replace(
            "<ofd:PublicRes>PublicRes.xml</ofd:PublicRes>", "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes>"
        )
        archive.writestr("Doc_0/Document.xml", document)
        archive.writestr(
            "Doc_0/DocumentRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res">'
            f"<ofd:MultiMedias>{media}</ofd:MultiMedias></ofd:Res>",
        )
        for i, image in enumerate(images):
            archive.writestr(f"Doc_0/Res/page_{i}.jpg", image)
            archive.writestr(
                f"Doc_0/Pages/Page_{i}/Content.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                f'<ofd:Layer ID="{i + 100000}"><ofd:ImageObject ID="{2000 + i}" ResourceID="{1000 + i}" '
                f'Boundary="0 0 {PAGE_W:g} {PAGE_H:g}" CTM="{PAGE_W:g} 0 0 {PAGE_H:g} 0 0"/>'
                "</ofd:Layer></ofd:Content></ofd:Page>",
            )
    return buffer.getvalue()
