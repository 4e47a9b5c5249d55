"""What the scan reader mends in the lines OCR read, before the blocks are parsed. Text readers never lose text
this way, so only the scan reader asks for it.

- A heading whose numeral was dropped. Read as a page, Tesseract now and then drops the first characters of a line:
  "四、政府信息公开行政复议、行政诉讼情况" comes out as "“政府信息公开行政复议、行政诉讼情况". Without its numeral the
  line is no heading, the section is reported missing and its table runs into the one before. A line that is the
  end of a known heading's words (at least two thirds of them), when the document has no heading for that section,
  is taken for that heading. So is a line that keeps its numeral ("四、") and whose words are mostly the heading's
  (a seal over its end: "四、政府信息公开行政复议、1政放这情况"), at least LIKE alike, or that keeps the first half of
  a short heading's words and runs no longer ("二、主动公开政人中全").
- A table row whose label a seal hid. Its cells all read as values, one more than the row above has figures: the
  first is its label, blank or garbled into a figure ("3人人"). Parsed as it is, the row's figures would run on into
  the row above. It gets a label of its own, one that names no row ("…"): the table builder then places it by where
  it stands, or leaves it out and says so.
- The organ's name misread in the title (`restore_agency`): put right by the form the prose writes at least twice.
"""

from __future__ import annotations

from nianbao.engine.model import Report, SectionKey
from nianbao.engine.notes import note
from nianbao.engine.readers.pipeline.landmarks import match_heading
from nianbao.engine.readers.pipeline.normalize import compact
from nianbao.engine.readers.pipeline.raw import Block
from nianbao.engine.readers.scan.settings import tuned

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
# Words of a table's header no other table's header holds (any one group of them, each word in it): table 四's
# names both 行政复议 and 行政诉讼; table 三's its applicants (申请人情况, 自然人 … 法人或其他组织) or its identity
# (本列数据的勾稽关系); table 二's the article its items are of (第二十条第（一）项, 条 and all OCR may lose) or its
# column 信息内容.
_TABLE_HEADERS: dict[SectionKey, tuple[tuple[str, ...], ...]] = {
    SectionKey.proactive: (("第二十",), ("信息内容",)),
    SectionKey.applications: (("申请人情况",), ("自然人", "法人或其他组织"), ("勾稽关系",)),
    SectionKey.review_litigation: (("行政复议", "行政诉讼"),),
}


def restore_headings(blocks: list[Block]) -> list[str]:
    """Give a numeral back to each line that is the rest of a missing section's heading; the notes that say so."""
    found = {m[0] for b in blocks if b.cells is None and (m := match_heading(b.text))}
    notes = []
    for block in blocks:
        if block.cells is not None:
            continue
        text = block.compact.lstrip(_JUNK)
        if len(text) < tuned().mend.shortest or match_heading(block.text):
            continue
        garbled = _garbled(text, found)
        if garbled is not None:
            key, heading = garbled
            notes.append(note("note.heading-misread", read=block.text.strip(), heading=heading))
            block.text = heading
            found.add(key)
            continue
        for key in SectionKey:
            words = next((w for w in _WORDS[key] if _rest_of(w, text)), None)
            if key in found or words is None:
                continue
            heading = f"{key.numeral}、{words}"
            notes.append(note("note.heading-unnumbered", read=block.text.strip(), heading=heading))
            block.text = heading
            found.add(key)
            break
    for key in _TABLE_HEADERS:
        if key not in found:
            notes += _heading_before_table(blocks, key)
    return notes


def _rest_of(words: str, text: str) -> bool:
    """Whether a line is the end of a heading's words, at least `share` of them: as read, or without a character or
    two OCR made of its numeral (三 read "上|") or of a ruling's stub after it."""
    s = tuned().mend
    for head in range(s.stray + 1):
        for tail in range(s.stray + 1 - head):
            rest = text[head : len(text) - tail].strip(_JUNK)
            if rest and words.endswith(rest) and len(rest) >= s.share * len(words):
                return True
    return False


def _heading_before_table(blocks: list[Block], key: SectionKey) -> list[str]:
    """A section's heading lost under a seal ("aa的"), while its table's header row is read: the heading stood on the
    line just before the table (a line of at most SHORT_GARBLE characters, or none at all); it is put back there, so
    that the table is not run into the one before (table 四 into table 三, table 三 into table 二, table 二 into
    section 一's prose)."""
    groups = _TABLE_HEADERS[key]
    start = next(
        (
            i
            for i, b in enumerate(blocks)
            if b.cells is not None and any(all(w in b.compact for w in words) for words in groups)
        ),
        None,
    )
    if not start:
        return []
    heading, table = key.heading, blocks[start]
    before = blocks[start - 1]
    if before.cells is None and len(before.compact) <= tuned().mend.short_garble:
        read, before.text = before.text.strip(), heading
    else:
        read = ""
        blocks.insert(start, Block(text=heading, page=blocks[start].page))
    header = "、".join(w for words in groups for w in words if w in table.compact)
    return [
        note(
            "note.heading-by-table" if read else "note.heading-by-table-unread",
            read=read,
            heading=heading,
            section=key.numeral,
            number=list(SectionKey).index(key) + 1,
            header=header,
        )
    ]


def _garbled(text: str, found: set[SectionKey]) -> tuple[SectionKey, str] | None:
    """The missing section whose numeral starts the line and whose heading its words are LIKE alike to, or keep
    the first half of (a seal over the end of a short heading), no longer than they are."""
    from rapidfuzz.distance import Levenshtein

    for key in SectionKey:
        if key in found or not text.startswith(f"{key.numeral}、"):
            continue
        rest, s = text[2:], tuned().mend
        for words in _WORDS[key]:
            kept = rest.startswith(words[: max(1, round(len(words) * s.lead))]) and len(rest) <= len(words) + s.stray
            if kept or Levenshtein.normalized_similarity(rest, words) >= s.like:
                return key, f"{key.numeral}、{words}"
    return None


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
        figures = len(values)  # a grid row's values are the cells that end it (nianbao.engine.readers.pipeline.raw)


def restore_agency(report: Report) -> str | None:
    """The organ's name as the prose writes it, when OCR misread it in the title ("育禾店人民政府办公室" for the
    prose's five "青禾市人民政府办公室"): set on the report, and the note that says so returned."""
    from collections import Counter

    from rapidfuzz.distance import Levenshtein

    agency = report.agency
    if not agency:
        return None
    text = compact(report.preface + "".join(s.text for s in report.sections))
    if text.count(agency) >= tuned().mend.name_votes:
        return None
    n, most = len(agency), max(1, int(len(agency) * tuned().mend.name_edits))
    votes: Counter[str] = Counter()
    for at in range(len(text) - n + 1):
        window = text[at : at + n]
        near = window[0] == agency[0] or window[-1] == agency[-1]  # a cheap filter before the edit distance
        if near and Levenshtein.distance(window, agency, score_cutoff=most) <= most:
            votes[window] += 1
    if not votes:
        return None
    name, count = votes.most_common(1)[0]
    if count < tuned().mend.name_votes or name == agency:
        return None
    if report.title:
        report.title = report.title.replace(agency, name)
    report.agency = name
    return note("note.agency-by-prose", agency=agency, count=count, name=name)
