"""Whether a PDF page's text layer holds what the page shows, or the page is to be read from its image.

Offices receive PDFs whose text is not what a reader sees:
- a scan made "searchable" by the scanner's software (or Acrobat, ABBYY, ocrmypdf, Tesseract): the page is a
  picture, and under it lies someone else's OCR, drawn invisible (text render mode 3), without the table's rulings,
  which are in the picture;
- a PDF whose fonts map their glyphs to no Unicode (no /ToUnicode; copied out, the text is 乱码): the glyphs print,
  but the characters a text layer gives are their font's numbers;
- a PDF printed through a PostScript driver and distilled again (Ghostscript's ps2pdf): its fonts became Type 3 fonts
  whose maps give each glyph a symbol of their own (✍✞✟…, the Dingbats): mapped, but to nothing a report prints;
- a text PDF with pages that are pictures: a scanned page put in among printed ones (the signed and sealed last
  page), a table pasted into the document as a screenshot;
- a page whose text is drawn as outlines (转曲: a curve for each glyph), among pages that have their text.
Read by its text layer, such a page says nothing of what it shows, and its report would be found missing sections,
tables and rows it has. Both text backends (nianbao.engine.readers.pdf.pdfium_text and pdfminer.six in
nianbao.engine.readers.pdf.reader) leave invisible and unmapped characters out and note the page's pictures; a page
that shows what its text layer lacks is read from its image by OCR (nianbao.engine.readers.pdf.reader), as a scan is.
"""

from __future__ import annotations

from dataclasses import dataclass

from nianbao.engine.readers.pipeline.grid import Char

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: page points, y downwards, as a Char's


@dataclass(frozen=True)
class ShownSettings:
    # A picture as large as a table: a third of the page across at least (a seal, 4.2 cm, is a fifth of A4's width;
    # a table pasted as a picture spans the text's width), and 54 pt down (table 四 as a picture: three header lines
    # and a line of figures; a letterhead's banner is flatter).
    picture_width: float = 1 / 3
    picture_height: float = 54.0
    # A picture with more characters shown over it than this lies behind the text (a watermark, a letterhead's
    # background): the text layer holds what the page shows there.
    covered: int = 10
    # A page with this many characters whose font maps them to no Unicode, and this share of its characters, is read
    # from its image: a body font without a map garbles every line; a symbol font's few bullets do not count.
    unmapped: int = 10
    unmapped_share: float = 0.05
    # and so is a page whose characters are this share symbols no report prints as text (`foreign`; at least
    # `unmapped` of them): a map to the Dingbats gave 淮安市's pages 85 % of them; a page's ✔ or ☆ bullets are a few.
    foreign_share: float = 0.25
    # A page with no more characters than `covered` and this many curves drawn is text drawn as outlines (转曲: each
    # glyph a curve; a page of prose is hundreds, a seal drawn as curves a few dozen).
    outlines: int = 200


SETTINGS = ShownSettings()


@dataclass(frozen=True)
class Shown:
    """What a page's text layer gave besides the characters it shows."""

    chars: int = 0  # characters shown, with their Unicode
    hidden: int = 0  # characters drawn invisible: another program's OCR under a scanned picture
    unmapped: int = 0  # characters shown whose font gives no Unicode
    bare: tuple[Box, ...] = ()  # pictures as large as a table with no text over them
    curves: int = 0  # curves drawn (glyphs drawn as outlines are)
    foreign: int = 0  # characters shown that no report prints as text (`foreign`): a font mapped to symbols

    @property
    def unread(self) -> bool:
        """Whether the page shows what its text layer lacks: read it from its image."""
        return self.textless or bool(self.bare)

    @property
    def textless(self) -> bool:
        """Whether the text layer holds none of the page's text: its glyphs have no Unicode, or are outlines."""
        s = SETTINGS
        garbled = self.unmapped >= s.unmapped and self.unmapped >= s.unmapped_share * (self.chars + self.unmapped)
        symbols = self.foreign >= s.unmapped and self.foreign >= s.foreign_share * self.chars
        return garbled or symbols or (self.chars <= s.covered and self.curves >= s.outlines)

    @property
    def beside_text(self) -> bool:
        """Whether the page is unread only for pictures standing beside text of its own: a photograph is as large as
        a table, and whether they are print is to be seen in them (nianbao.engine.readers.scan.reader.of_print)."""
        return bool(self.bare) and self.chars > SETTINGS.covered and not self.textless


def shown(
    chars: list[Char],
    pictures: list[Box],
    width: float,
    hidden: int = 0,
    unmapped: int = 0,
    curves: int = 0,
    first: bool = False,
) -> Shown:
    """A page's `Shown`, from the characters it shows, its pictures' boxes and how many curves it draws; `first`:
    the document's first page."""
    found = tuple(pictures[i] for i in bare(chars, pictures, width, first=first))
    return Shown(len(chars), hidden, unmapped, found, curves, sum(foreign(c.text) for c in chars))


# Blocks of symbols a report never sets as its text, where a font's map to nowhere lands: arrows, technical symbols,
# symbols and Dingbats (a check mark or a star as a bullet is one of a few), Braille, the private use area.
_FOREIGN = ((0x2190, 0x21FF), (0x2300, 0x23FF), (0x2600, 0x27BF), (0x2800, 0x28FF), (0xE000, 0xF8FF))


def foreign(text: str) -> bool:
    """Whether a character is one no report prints as text (`_FOREIGN`)."""
    code = ord(text[0]) if text else 0
    return any(low <= code <= high for low, high in _FOREIGN) or code >= 0xF0000


def bare(chars: list[Char], pictures: list[Box], width: float, scale: float = 1.0, first: bool = False) -> list[int]:
    """Which of a page's pictures are as large as a table with no text over them (their indexes). `scale`: points
    to the page's unit (72 / 25.4 for an OFD's millimetres). On the `first` page, a picture above all its text is a
    letterhead (红头), no table: a table never stands before the title."""
    s = SETTINGS
    out = []
    highest = min((c.top for c in chars), default=None)
    for index, (x0, top, x1, bottom) in enumerate(pictures):
        if x1 - x0 < s.picture_width * width or (bottom - top) * scale < s.picture_height:
            continue
        if first and highest is not None and bottom <= highest + 1:
            continue
        if sum(1 for c in chars if x0 <= c.cx <= x1 and top <= c.cy <= bottom) <= s.covered:
            out.append(index)
    return out
