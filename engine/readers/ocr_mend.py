"""What the scan reader mends in the lines OCR read, before the blocks are parsed. Text readers never lose text
this way, so only the scan reader asks for it.

- A heading whose numeral was dropped. Read as a page, Tesseract now and then drops the first characters of a line:
  "四、政府信息公开行政复议、行政诉讼情况" comes out as "“政府信息公开行政复议、行政诉讼情况". Without its numeral the
  line is no heading, the section is reported missing and its table runs into the one before. A line that is the
  end of a known heading's words (at least two thirds of them), when the document has no heading for that section,
  is taken for that heading.
- A table row whose label a seal hid. Its cells all read as values, one more than the row above has figures: the
  first is its label, blank or garbled into a figure ("3人人"). Parsed as it is, the row's figures would run on into
  the row above. It gets a label of its own, one that names no row ("…"): the table builder then places it by where
  it stands, or leaves it out and says so.
"""

from __future__ import annotations

from engine.model import SectionKey
from engine.readers.layout import match_heading
from engine.readers.raw import Block

# Each section's heading words after its numeral: the 2021 format's (SectionKey.heading), and the variants real
# reports print (../shared/domain.md §2.1).
_VARIANTS: dict[SectionKey, tuple[str, ...]] = {
    SectionKey.review_litigation: (
        "政府信息公开行政复议及行政诉讼情况",
        "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    ),
    SectionKey.problems: ("政府信息公开工作存在的主要问题及改进情况", "存在问题及改进情况"),
}
_WORDS = {key: (key.heading.split("、", 1)[1], *_VARIANTS.get(key, ())) for key in SectionKey}
_JUNK = "“”\"'‘’、.．,，·:：;；|"  # what OCR leaves where the numeral stood
_SHARE = 2 / 3  # of a heading's words a line must keep
_SHORTEST = 6  # characters: 总体情况 alone is too common a phrase to be taken without its numeral


def restore_headings(blocks: list[Block]) -> list[str]:
    """Give a numeral back to each line that is the rest of a missing section's heading; the notes that say so."""
    found = {m[0] for b in blocks if b.cells is None and (m := match_heading(b.text))}
    notes = []
    for block in blocks:
        if block.cells is not None:
            continue
        text = block.compact.lstrip(_JUNK)
        if len(text) < _SHORTEST or match_heading(block.text):
            continue
        for key in SectionKey:
            words = next((w for w in _WORDS[key] if w.endswith(text) and len(text) >= _SHARE * len(w)), None)
            if key in found or words is None:
                continue
            heading = f"{key.numeral}、{words}"
            notes.append(f"标题“{block.text.strip()}”经 OCR 识别缺了序号，按其文字认作“{heading}”。")
            block.text = heading
            found.add(key)
            break
    return notes


UNREAD_LABEL = "…"


def label_hidden_rows(blocks: list[Block]) -> None:
    """Give a label to each grid row of values only that has one cell more than the row of figures above it."""
    figures = 0  # how many values the grid row before ended in
    for block in blocks:
        if block.cells is None:
            figures = 0
            continue
        pieces = block.pieces()
        values = [p for p in pieces if p.is_value]
        if figures and len(pieces) == len(values) == figures + 1:
            block.cells = [UNREAD_LABEL, *block.cells[1:]]
            values = values[1:]
        figures = len(values)  # a grid row's values are the cells that end it (engine.readers.raw)
