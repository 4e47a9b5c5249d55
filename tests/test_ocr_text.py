"""What the scan reader mends in text OCR garbled, without Tesseract: a heading whose numeral was dropped, table 三
rows whose labels a seal made unreadable (nianbao.engine.readers.scan.mend,
nianbao.engine.readers.pipeline.onto_template.build_applications). The same mending on real scans is in
tests/test_ocr.py."""

from __future__ import annotations

import pytest
from nianbao.engine.model import SectionKey
from nianbao.engine.readers.pipeline.blocks import parse_blocks
from nianbao.engine.readers.pipeline.onto_template import build_applications
from nianbao.engine.readers.pipeline.raw import Block, RawRow
from nianbao.engine.readers.scan.mend import label_hidden_rows, restore_headings
from nianbao.engine.template import APPLICATION_COLUMNS, APPLICATION_ROWS, Template


def _blocks(*lines: str) -> list[Block]:
    return [Block(text=line, line=n) for n, line in enumerate(lines, start=1)]


def test_a_heading_that_lost_its_numeral_is_a_heading_again():
    blocks = _blocks(
        "一、总体情况", "本机关认真贯彻条例。", "“政府信息公开行政复议、行政诉讼情况", "本年度无行政复议。",
        "五、存在的主要问题及改进情况", "存在问题及改进情况",  # the second: 五 is there already, so it stays prose
    )  # fmt: skip
    notes = restore_headings(blocks)
    assert [s.key for s in parse_blocks(blocks).sections] == [
        SectionKey.overview, SectionKey.review_litigation, SectionKey.problems
    ]  # fmt: skip
    assert blocks[2].text == "四、政府信息公开行政复议、行政诉讼情况" and blocks[5].text == "存在问题及改进情况"
    assert len(notes) == 1 and "四、政府信息公开行政复议、行政诉讼情况" in notes[0]


@pytest.mark.parametrize(
    "line",
    [
        "上|、 收到和处理政府信息公开申请情况",  # our fixture scanned black and white at 300 dpi: 三 read "上|"
        "收到和处理政府信息公开申请情况上|",  # a ruling's stub read after the words
    ],
)
def test_a_heading_whose_numeral_ocr_misread_is_a_heading_again(line):
    blocks = _blocks("二、主动公开政府信息情况", "行政事业性收费 19.93", line, "四、政府信息公开行政复议、行政诉讼情况")
    notes = restore_headings(blocks)
    assert blocks[2].text == "三、收到和处理政府信息公开申请情况" and len(notes) == 1
    assert SectionKey.applications in [s.key for s in parse_blocks(blocks).sections]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("二、主动公开政人中全", "二、主动公开政府信息情况"),  # a seal over the end of our 2019 fixture's heading, grey
        ("四、政府信息公开行政复议、1政放这情况", "四、政府信息公开行政复议、行政诉讼情况"),  # over its middle
        ("三、收到和处理政府信息公开中请清", "三、收到和处理政府信息公开申请情况"),
    ],
)
def test_a_heading_a_seal_garbled_keeps_its_numeral_and_is_a_heading_again(line, heading):
    blocks = _blocks("一、总体情况", "本机关认真贯彻条例。", line, "第二十条第（一）项")
    notes = restore_headings(blocks)
    assert blocks[2].text == heading and len(notes) == 1


@pytest.mark.parametrize(
    "line",
    [
        "二、主动公开工作方面，本机关坚持以公开为常态。",  # a sentence with the numeral that starts like the heading
        "三、收到群众来信",  # too little of any heading
        "本年度收到和处理政府信息公开申请情况",  # the words, after others: a sentence
        "收到和处理政府信息公开申请情况如下：",  # and before others
        "行政诉讼情况",  # too little of the heading to say which
        "本年度政府信息公开行政复议、行政诉讼情况良好。",  # a sentence that holds the words
        "总体情况",  # a common phrase: never a heading without its numeral
    ],
)
def test_prose_that_shares_a_headings_words_stays_prose(line):
    blocks = _blocks("一、总体情况" if line != "总体情况" else "二、主动公开政府信息情况", line)
    assert restore_headings(blocks) == [] and blocks[1].text == line


def _rows(garbled: dict[str, str]) -> list[RawRow]:
    return [
        RawRow(garbled.get(line.key, line.label), [0, 0, 0, 0, 0, 0, 0])
        for line in APPLICATION_ROWS[Template.T2021]
        if line.key not in garbled or garbled[line.key]
    ]


def test_two_garbled_rows_between_two_read_ones_are_placed_in_order_on_a_scan():
    rows = _rows({"withheld.security_stability": "PP一一人人", "withheld.third_party_rights": "隘一汶-"})
    built = build_applications(rows, by_order=True)
    assert "withheld.security_stability" in built.table and "withheld.third_party_rights" in built.table
    assert not [k for k in built.table if k.startswith("extra.")]
    assert sum("按其在表中的位置认作" in note for note in built.notes) == 2
    # from a text file a label is never garbled: the rows stay as printed, and the template's are missing
    assert {"extra.PP一一人人", "extra.隘一汶-"} <= set(build_applications(rows).table)


def test_garbled_rows_are_not_guessed_when_their_number_does_not_fit_the_gap():
    # two garbled rows, and a third template row between their neighbours left out: which is which is not known
    rows = _rows({"withheld.security_stability": "PP一一人人", "withheld.third_party_rights": "隘一汶-",
                  "withheld.internal_affairs": ""})  # fmt: skip
    built = build_applications(rows, by_order=True)
    assert {"extra.PP一一人人", "extra.隘一汶-"} <= set(built.table)
    assert "withheld.security_stability" not in built.table and "withheld.internal_affairs" not in built.table


def _read(labels: dict[str, str], template: Template = Template.T2021) -> list[RawRow]:
    """Table 三 as a scan read it: the template's rows, some labels as OCR garbled them."""
    return [RawRow(labels.get(line.key, line.label), [0, 0, 0, 0, 0, 0, 0]) for line in APPLICATION_ROWS[template]]


# 洪泽区 2023 scanned black and white at 150 dpi, as Tesseract read rows of table 三 (benchmarks/reading.py, bw150)
GARBLED = {
    "withheld.administrative_inquiry": "8.册于行政在训末于",
    "unavailable.not_held": "(出)》无法提供].本机关不条提利大政府舍各",
    "unavailable.needs_creation": "2.冯有现成全有现成信息而里荔行币行刊作",
    "unavailable.unclear_after_correction": "3和仆下后由请内容簿不朋地",
    "not_processed.petition_complaint": "(所)不子处下].倍访茶报投诉英让请",
    "not_processed.duplicate": "2.上人复中请",
    "not_processed.publication": "3.些求提代会才出皮物",
    "not_processed.excessive": "4.左平当理由天生肥复申请",
}


def test_a_garbled_label_ending_like_another_item_is_not_taken_for_it_against_its_printed_number():
    """The label "4.左平当理由天生肥复申请" (4.无正当理由大量反复申请) ends as 2.重复申请 does: taken for it, the
    eight rows from 8.属于行政查询事项 on no longer fitted their gap and all went unplaced (58 figures of 186 lost).
    Its own number says it is item 4: the eight are placed in order."""
    built = build_applications(_read(GARBLED), by_order=True)
    assert not [k for k in built.table if k.startswith("extra.")]
    assert set(GARBLED) <= set(built.table)
    assert built.guessed["applications.not_processed.excessive"][0] == GARBLED["not_processed.excessive"]  # a guess
    # without its number the label's end decides, as before: a likeness is all there is
    unnumbered = build_applications(_read({**GARBLED, "not_processed.excessive": "左平当理由天生肥复申请"}), True)
    assert "not_processed.duplicate" in unnumbered.table and "extra.2.上人复中请" in unnumbered.table


@pytest.mark.parametrize("template", [Template.T2019, Template.T2021])
def test_garbled_other_and_total_rows_are_placed_in_the_order_of_the_template_they_fit(template):
    """（六）其他处理 and （七）总计 read "{信)基他处岩" and "《L)名计": two rows where the 2019 template prints two
    and the 2021 template four (its （六） in three). Two rows fit the 2019 rows only; four the 2021 rows only."""
    other = [line.key for line in APPLICATION_ROWS[template] if line.key.startswith("other")]
    garbled = dict(zip([*other, "total"], ["{信)基他处岩", "《L)名计", "3.基化", "《L)名计"], strict=False))
    built = build_applications(_read(garbled, template), by_order=True)
    assert not [k for k in built.table if k.startswith("extra.")], built.table.keys()
    assert {*other, "total"} <= set(built.table)


def test_rows_whose_label_a_seal_hid_keep_their_own_figures():
    grid = [
        ["三、收到和处理政府信息公开申请情况"],
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["（三）不予公开", "1.属于国家秘密", "3", "1", "0", "0", "0", "0", "4"],
        ["2.其他法律行政法规禁止公开", "1", "1", "0", "0", "0", "0", "2"],
        ["", "1", "0", "0", "0", "0", "0", "1"],  # the seal over 3.: its label cell blank
        ["3人人", "3", "0", "0", "0", "0", "0", "3"],  # over 4.: its label read as a figure and two ideographs
        ["5.属于三类内部事务信息", "1", "1", "0", "0", "0", "0", "2"],
    ]
    blocks = [Block(text=row[0]) if len(row) == 1 else Block(cells=row) for row in grid]
    label_hidden_rows(blocks)
    doc = parse_blocks(blocks)
    built = build_applications(doc.application_rows, by_order=True)
    assert built.table["withheld.security_stability"]["total"] == 1
    assert built.table["withheld.third_party_rights"]["natural_person"] == 3
    assert built.table["withheld.internal_affairs"]["total"] == 2
    assert blocks[3].cells[0].startswith("2.")  # a row with its label keeps it


def test_a_blank_fragment_of_a_split_cell_in_table_four_is_dropped_not_shifted():
    from nianbao.engine.readers.pipeline.onto_template import build_review

    truth = [72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 12, 1, 1, 6, 20]
    read = [*truth[:8], None, *truth[8:]]  # a stray line (a seal's ring) split 尚未审结's cell: a blank before its 1
    built = build_review(read)
    assert [v for group in built.table.values() for v in group.values()] == truth
    assert any("被拆开" in note for note in built.notes)


def test_a_scanned_table_four_with_a_figure_too_many_is_unplaced_not_shifted():
    from nianbao.engine.readers.pipeline.onto_template import build_review

    truth = [1, 0, 0, 1, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3]
    read = [*truth[:2], 1, *truth[2:]]  # a seal's mark read as a figure
    assert build_review(read, ocr=True).unplaced == {"review_litigation": 16}
    assert not build_review(read, ocr=True).table
    assert build_review(read).table  # from a text file the first fifteen, as printed, are taken (said in notes)


def test_a_header_cell_read_as_a_figure_does_not_join_table_fours_figures():
    """A scan of a real layout (洪泽区 2024, colour with a seal): OCR read table 四's last header cell (总计) as "1";
    that header row's "figure" and the fifteen figures below made sixteen, and the table went unplaced. The fifteen
    that stand in one printed row are table 四's; the stray from the row above is left out."""
    header = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]

    def boxes(count: int, top: float) -> list:
        return [(0.05 + i * 0.06, top, 0.11 + i * 0.06, top + 0.03) for i in range(count)]

    figures = ["1", "1", "0", "0", "2", "1", "0", "0", "0", "1", "2", "0", "1", "0", "3"]
    blocks = [
        Block(text="四、政府信息公开行政复议、行政诉讼情况", page=4),
        Block(cells=["行政复议", "行政诉讼"], page=4, boxes=boxes(2, 0.40)),
        Block(cells=[*header, "未经复议直接起诉", "复议后起诉"], page=4, boxes=boxes(7, 0.43)),
        Block(cells=[*header, *header[:4], "1"], page=4, boxes=boxes(10, 0.46)),
        Block(cells=figures, page=4, boxes=boxes(15, 0.50)),
        Block(text="五、存在的主要问题及改进情况", page=4),
    ]
    assert parse_blocks(blocks).review_values == [int(f) for f in figures]
    # without the cells' places the header's words tell the stray apart (nianbao.engine.readers.pipeline.review_header)
    bare = [Block(text=b.text, cells=b.cells, page=b.page) for b in blocks]
    doc = parse_blocks(bare)
    assert doc.review_values == [int(f) for f in figures]
    assert any("表四表头" in n for n in doc.notes)


def _review_page(header_figure: str, row: list[tuple[str, tuple]]) -> list[Block]:
    """Table 四 as a photo of a real portal page (上海市 2019, printed by Chromium, 150 dpi on a dark surround) was
    read: the first group's 总计 (printed one character a line) in the top band, the other groups' headings a band
    lower, their last 总计 read as `header_figure` in a cell that runs down over the figure cell below it."""
    x = [0.058, 0.122, 0.186, 0.25, 0.316, 0.355, 0.419, 0.483, 0.547, 0.611, 0.651, 0.715, 0.78, 0.844, 0.907, 0.947]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结"]
    return [
        Block(text="四、政府信息公开行政复议、行政诉讼情况", page=5),
        Block(cells=["行政复议", "行政诉讼"], page=5, boxes=[(x[0], 0.399, x[5], 0.426), (x[5], 0.399, x[15], 0.426)]),
        Block(
            cells=[*heads, "1", "未经复议直接起诉", "复议后起诉"],
            page=5,
            boxes=[
                *((x[i], 0.426, x[i + 1], 0.497) for i in range(5)),
                (x[5], 0.426, x[10], 0.452),
                (x[10], 0.426, x[15], 0.452),
            ],
        ),
        Block(
            cells=[*heads, "识计", *heads, header_figure],
            page=5,
            boxes=[*((x[i], 0.452, x[i + 1], 0.497) for i in range(5, 14)), (x[14], 0.452, x[15], 0.518)],
        ),
        Block(cells=[c for c, _ in row], page=5, boxes=[b for _, b in row]),
        Block(text="五、政府信息公开工作存在的主要问题及改进情况", page=5),
    ]


def test_table_fours_figures_stand_under_its_headers_columns_when_a_header_cell_ran_over_one():
    """The photo's header figure glued before the fourteen figures below it shifted them one column right: 5 read
    as 结果纠正, 7 as 行政诉讼's 结果维持, three figures wrong and unmarked. The header's leaf cells are the fifteen
    columns: the header figures go, each figure stands under its own column, the one hidden under the header reads
    blank."""
    x = [0.058, 0.122, 0.186, 0.25, 0.316, 0.355, 0.419, 0.483, 0.547, 0.611, 0.651, 0.715, 0.78, 0.844, 0.907]
    figures = ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", ""]
    row = [(f, (x[i], 0.497, x[i + 1], 0.518)) for i, f in enumerate(figures)]
    doc = parse_blocks(_review_page("1", row))
    assert doc.review_values == [5, None, None, 2, 7, 8, None, None, 1, 9, None, None, None, None, None]
    assert sum("表四表头" in n for n in doc.notes) == 2
    # a figure lost from the middle of the row (its border faded): the others keep their columns, not shift left
    doc = parse_blocks(_review_page("总计", [*row[:5], *row[6:]]))
    assert doc.review_values == [5, None, None, 2, 7, None, None, None, 1, 9, None, None, None, None, None]
    # two cells under one column: which is which is not known, the row is left as read (fourteen: unplaced)
    crowded = [*row[:4], (row[4][0], (0.25, 0.497, 0.30, 0.518)), *row[5:]]
    assert len(parse_blocks(_review_page("总计", crowded)).review_values) == 14
    # a heading OCR saw nothing in is a blank header cell: it does not join the row as a blank either
    assert parse_blocks(_review_page("", row)).review_values[:2] == [5, None]


def test_a_groups_row_with_one_figure_is_no_header_of_table_four():
    """Table 四 printed as three rows of five (one per group): a group's row that holds a single figure among blank
    cells keeps it, though its label cells carry header words."""
    blocks = [
        Block(text="四、政府信息公开行政复议、行政诉讼情况", page=1),
        Block(cells=["", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"], page=1),
        Block(cells=["行政复议", "3", "", "", "", "3"], page=1),
        Block(cells=["行政诉讼", "未经复议直接起诉", "", "", "", "", "4"], page=1),
        Block(cells=["行政诉讼", "复议后起诉", "0", "0", "0", "0", "0"], page=1),
        Block(text="五、政府信息公开工作存在的主要问题及改进情况", page=1),
    ]
    assert parse_blocks(blocks).review_values == [3, None, None, None, 3, None, None, None, None, 4, 0, 0, 0, 0, 0]


def test_a_figure_standing_under_no_figure_column_is_left_out_not_shifted_into_the_row():
    """A colour scan of 洪泽区 2024 with a seal: （七）总计's empty neighbour cell (the real table prints the label,
    then an empty cell, then the figures) read as "1", so the row had eight figures and went unplaced. The figure
    columns stand where the other rows' seven figures stand: the one under none of them is left out, said in notes."""
    from nianbao.engine.model import Anchor

    def row(key: str, values: list, first_x: float) -> RawRow:
        boxes = [(first_x + 0.08 * i, 0.5, first_x + 0.08 * (i + 1), 0.52) for i in range(len(values))]
        label = next(line.label for line in APPLICATION_ROWS[Template.T2021] if line.key == key)
        return RawRow(label, values, Anchor(page=4), [Anchor(page=4, box=b) for b in boxes])

    rows = [row(line.key, [1, 0, 0, 0, 0, 0, 1], 0.40) for line in APPLICATION_ROWS[Template.T2021][:-2]]
    rows.append(row("total", [1, 95, None, 0, 0, 0, 0, 95], 0.32))  # the stray "1" stands left of the columns
    rows.append(row("carried_forward", [0] * 7, 0.40))
    built = build_applications(rows, by_order=True)
    columns = [c.key for c in APPLICATION_COLUMNS]
    assert built.table["total"] == dict(zip(columns, [95, None, 0, 0, 0, 0, 95], strict=True))
    assert any("不在表中各数值栏之下" in n for n in built.notes)
    # a figure too many that stands under a column with another: which is stray is not known, the row is unplaced
    rows[-2] = row("total", [1, 95, None, 0, 0, 0, 0, 95], 0.36)
    assert "applications.total" in build_applications(rows, by_order=True).unplaced
    # table 四's header and fifteen figures run into table 三 (a seal hid heading 四): its label ends in 总计, yet
    # seven of its figures that happen to stand under the columns are no row of table 三
    rows[-2] = row("total", [1, 1, 0, 0, 2, 1, 0, 0, 0, 1, 2, 0, 1, 0, 3], 0.0)
    rows[-2].label = "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    built = build_applications(rows, by_order=True)
    assert "total" not in built.table and "applications.total" in built.unplaced


def test_a_row_short_of_a_figure_keeps_its_figures_under_their_columns():
    """上海市 2019's portal page photographed on a light desk: four rows of table 三 lost a cell (a light border
    faded; the cell above ran down over it) and had six figures of seven, each still standing under its own column:
    the rows were left out whole (their thirty figures lost). Each figure is put under the column it stands in, the
    lost one left blank (from a scan, a blank is doubted), and said; a row whose cells run across two columns, or two
    under one, is still left out."""
    from nianbao.engine.model import Anchor

    def row(key: str, values: list, columns: list[int]) -> RawRow:
        boxes = [(0.40 + 0.08 * c, 0.5, 0.40 + 0.08 * (c + 1), 0.52) for c in columns]
        label = next(line.label for line in APPLICATION_ROWS[Template.T2021] if line.key == key)
        return RawRow(label, values, Anchor(page=4), [Anchor(page=4, box=b) for b in boxes])

    rows = [row(line.key, [1, 0, 0, 0, 0, 0, 1], list(range(7))) for line in APPLICATION_ROWS[Template.T2021]]
    rows[-2] = row("total", [767, 35, 0, 0, 2, 1], [0, 1, 2, 3, 4, 5])  # its 总计 cell lost
    built = build_applications(rows, by_order=True)
    columns = [c.key for c in APPLICATION_COLUMNS]
    assert built.table["total"] == dict(zip(columns, [767, 35, 0, 0, 2, 1, None], strict=True))
    assert any("按各数值所在的栏放入" in n for n in built.notes)
    rows[-2] = row("total", [767, 0, 0, 2, 1, 805], [0, 2, 3, 4, 5, 6])  # a figure lost from the middle
    assert build_applications(rows, by_order=True).table["total"]["commercial"] is None
    # two cells run into one wide cell across two columns: which figure is which is not known
    rows[-2] = row("total", [767, 35, 0, 0, 2, 1], [0, 1, 2, 3, 4, 5])
    rows[-2].cell_anchors[-1] = Anchor(page=4, box=(0.80, 0.5, 0.96, 0.52))
    built = build_applications(rows, by_order=True)
    assert "total" not in built.table and "applications.total" in built.unplaced


def test_a_heading_a_seal_hid_is_put_back_before_table_fours_header():
    """A grey scan of 洪泽区 2023 with the seal over heading 四: it read "aa的", section 四 went missing and table 四
    ran into table 三 (15 figures lost). Table 四's header row (行政复议, 行政诉讼) says where the heading stood."""
    blocks = [
        Block(text="三、收到和处理政府信息公开申请情况"),
        Block(cells=["四、结转下年度继续办理", "0", "0", "0", "0", "0", "0", "0"]),
        Block(text="aa的"),
        Block(cells=["行政复议", "行政诉讼"]),
        Block(cells=["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3),
        Block(cells=["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]),
        Block(text="五、存在的主要问题及改进情况"),
    ]
    notes = restore_headings(blocks)
    assert blocks[2].text == "四、政府信息公开行政复议、行政诉讼情况" and "aa的" in notes[0]
    doc = parse_blocks(blocks)
    assert SectionKey.review_litigation in [s.key for s in doc.sections]
    assert doc.review_values == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    # no line left at all: the heading is put in before the header row; a heading read is left alone
    bare = [b for b in blocks if b.text != "四、政府信息公开行政复议、行政诉讼情况"]
    said = restore_headings(bare)
    assert bare[2].text == "四、政府信息公开行政复议、行政诉讼情况"
    assert said and "未能读出" in said[0] and "“”" not in said[0]  # nothing was read there: no empty quotes
    assert restore_headings(bare) == []


@pytest.mark.parametrize(
    "header",
    [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["（本列数据的勾稽关系为：第一项加第二项之和）", "申请人倩况"],  # OCR misread 情: the identity still tells
        ["", "自然人", "法人或其他组织", "总计"],  # the first header row lost under the seal: the second tells
    ],
)
def test_a_heading_a_seal_hid_is_put_back_before_table_threes_header(header):
    """上海市 2019's portal page printed by Chromium and scanned grey with the seal over heading 三 ("三 分 （ ）"):
    section 三 went missing, table 三 ran into table 二, and the scan was refused as illegible. Table 三's header
    (its applicants, or its identity) says where the heading stood, as table 四's does for heading 四."""
    blocks = [
        Block(text="二、主动公开政府信息情况"),
        Block(cells=["信息内容", "采购项目数量", "采购总金额"]),
        Block(cells=["政府集中采购", "6", "251000"]),
        Block(text="三 分 （ ）"),
        Block(cells=header),
        Block(cells=["一、本年新收政府信息公开申请数量", "821", "35", "0", "0", "2", "1", "859"]),
        Block(text="四、政府信息公开行政复议、行政诉讼情况"),
    ]
    notes = restore_headings(blocks)
    assert blocks[3].text == "三、收到和处理政府信息公开申请情况", notes
    assert "第三部分" in notes[0] and "三 分" in notes[0]
    doc = parse_blocks(blocks)
    assert [s.key for s in doc.sections] == [
        SectionKey.proactive,
        SectionKey.applications,
        SectionKey.review_litigation,
    ]
    assert doc.application_rows[-1].values == [821, 35, 0, 0, 2, 1, 859]


def test_a_heading_a_seal_cut_short_is_put_back_before_table_twos_first_row():
    """沭阳县 2023's portal page printed by Chromium and scanned grey with the seal over heading 二: it read
    "二、主动公开" (too little of its words to be taken for it), its first row "第二十（一））" and 信息内容 "保热内":
    table 二 ran into section 一 and its seven figures were lost. The article its rows are of, read in part in its
    first row, says where the heading stood; the short line left there was the heading."""
    blocks = [
        Block(text="一、总体情况"),
        Block(text="全年未发生政府信息公开方面责任追究结果情况。"),
        Block(text="二、主动公开"),
        Block(cells=["第二十（一））"]),
        Block(cells=["保热内", "", "本年废止件数", "现行有效件数"]),
        Block(cells=["规章", "0", "0", "0"]),
        Block(cells=["规范性文件", "8", "0", "18"]),
        Block(cells=["第二十条第（五）项"]),
        Block(text="三、收到和处理政府信息公开申请情况"),
    ]
    notes = restore_headings(blocks)
    assert blocks[2].text == "二、主动公开政府信息情况" and "二、主动公开" in notes[0]
    doc = parse_blocks(blocks)
    assert [s.key for s in doc.sections][:2] == [SectionKey.overview, SectionKey.proactive]
    assert [r.values for r in doc.proactive_rows if r.values] == [[0, 0, 0], [8, 0, 18]]


def test_a_figure_on_a_line_under_a_grid_row_does_not_join_its_figures():
    """The same scan: the seal's stroke under table 四 read as a line "1", which joined the fifteen figures of the
    grid row above it (sixteen: the table unplaced). A grid row's figures are all in its cells."""
    row = ["5", "", "", "2", "7", "8", "", "", "1", "9", "", "", "", "", ""]
    blocks = [
        Block(text="四、政府信息公开行政复议、行政诉讼情况"),
        Block(cells=["行政复议", "行政诉讼"]),
        Block(cells=["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3),
        Block(cells=row),
        Block(text="1"),
        Block(text="五、政府信息公开工作存在的主要问题及改进情况"),
    ]
    assert len(parse_blocks(blocks).review_values) == 15
    # figures on text lines (a text layer without cells) still run on from line to line
    lines = [b if b.cells is None else Block(text=" ".join(c or "-" for c in b.cells)) for b in blocks[:4]]
    assert len(parse_blocks([*lines, Block(text="0 0"), blocks[-1]]).review_values) == 17


def test_table_two_starts_at_its_first_grid_row_when_ocr_garbled_its_cue_words():
    """A grey scan of 淮安市 2024 with the seal over table 二: "第二十条" read "第.十条" and "信息内容" "们息内容", so
    the table was taken to start at the one later row that kept 信息内容 — every row above it became prose and table
    二 was said to miss six rows. The table starts at the section's first row of several cells."""
    blocks = [
        Block(text="二、主动公开政府信息情况"),
        Block(cells=["第.十条第（一)项"]),
        Block(cells=["们息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
        Block(cells=["规章", "1", "0", "11"]),
        Block(cells=["行政规范性文件", "8", "26", "66"]),
        Block(cells=["第-十条第(五)项"]),
        Block(cells=["们息内容", "本年处理决定数量"]),
        Block(cells=["行政许可", "447228"]),
        Block(cells=["信息内容", "本年收费金额（单位：万元）"]),
        Block(cells=["行政事业性收费", "96171.6"]),
        Block(text="三、收到和处理政府信息公开申请情况"),
    ]
    rows = parse_blocks(blocks).proactive_rows
    assert [r.values for r in rows] == [[1, 0, 11], [8, 26, 66], [447228], [96171.6]]


def test_a_header_cell_read_as_a_figure_does_not_take_the_first_rows_place():
    """A black-and-white 200 dpi scan of 淮安市 2024: table 三's header cell 总计 read as "1", so the header row
    "自然人 法人或其他组织" held a figure, took the place of 一、本年新收 (whose label OCR garbled) and its seven
    figures were lost. A header row's lone figures before the first row of figures are dropped, and said."""
    rows = _rows({"received_new": "本年站站政府优号公生时请站晤"})
    rows[0].values = [3001, 43, 0, 0, 61, 14, 3119]
    header = RawRow("虽然人 法人或具他组织", [1])
    built = build_applications([header, *rows], by_order=True)
    assert list(built.table["received_new"].values()) == [3001, 43, 0, 0, 61, 14, 3119]
    assert any("表头" in n for n in built.notes)
    # a row of figures is never taken for a header
    assert "received_new" in build_applications(rows, by_order=True).table


def test_a_heading_a_seal_garbled_but_that_keeps_its_numeral_is_found():
    from nianbao.engine.readers.scan.mend import restore_headings

    blocks = [Block(text="三、收到和处理政府信息公开申请情况"), Block(text="四、政府信息公开行政复议、1政放这情况"),
              Block(text="四、加强队伍建设，提升工作水平")]  # fmt: skip
    notes = restore_headings(blocks)
    assert blocks[1].text == "四、政府信息公开行政复议、行政诉讼情况" and len(notes) == 1
    alone = [Block(text="四、加强队伍建设，提升工作水平")]  # a sentence that starts with the numeral stays
    assert restore_headings(alone) == [] and alone[0].text == "四、加强队伍建设，提升工作水平"


def test_a_label_left_by_a_row_whose_figures_were_lost_does_not_take_the_next_rows_place():
    from nianbao.engine.readers.pipeline.onto_template import build_proactive

    glued = (
        "第二十条第（五）项 信息内容 本年处理决定数量 行政许可 "  # 行政许可's own figure lost
        "第二十条第（六）项 信息内容 本年处理决定数量 行政处訇"
    )
    rows = [RawRow(glued, [4119]), RawRow("行政强制", [84])]
    built = build_proactive(rows, Template.T2021)
    assert built.table["penalties"] == {"decisions": 4119} and "licensing" not in built.table
    assert "proactive.penalties" in built.guessed


def test_an_organs_name_misread_in_the_title_is_put_right_by_the_prose():
    """OCR reads the title once and may garble the organ's name in it; the prose writes it again and again."""
    from nianbao.engine.readers.scan.mend import restore_agency
    from nianbao.engine.testing.samples import SampleSpec, make_report

    report = make_report(SampleSpec("青禾市人民政府办公室", 2022, seed=4))
    report.preface = "如对本报告有疑问，请与青禾市人民政府办公室联系。" + report.preface
    report.agency, report.title = "育禾店人民政府办公室", report.title.replace("青禾市", "育禾店")
    note = restore_agency(report)
    assert report.agency == "青禾市人民政府办公室" and report.title.startswith("青禾市人民政府办公室")
    assert note and "育禾店" in note
    other = make_report(SampleSpec("青禾市林业局", 2022, seed=4))
    assert restore_agency(other) is None and other.agency == "青禾市林业局"  # read right: left alone


def test_a_scanned_figure_read_beside_the_grid_joins_its_row_doubted():
    """上海市 2019's portal page scanned black and white at 200 dpi: table 二's narrow last column was not closed as
    cells, so its figures were read as lines beside the grid and joined their rows by order; one lost its first digit
    (524 read 24) and, standing in no cell, carried no confidence: wrong and unmarked. A figure not read in a cell is
    doubted (nianbao.engine.readers.scan.marks); those read in cells keep their cells' confidence."""
    from nianbao.engine.model import LOW_CONFIDENCE

    def box(x: float) -> tuple[float, float, float, float]:
        return (x, 0.86, x + 0.1, 0.89)

    blocks = [
        Block(text="二、主动公开政府信息情况", page=1),
        Block(cells=["第二十条第（一）项"], page=1),
        Block(cells=["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], page=1),
        Block(cells=["规章", "13", "13"], page=1, boxes=[box(0.06), box(0.27), box(0.41)]),
        Block(text="24", page=1),
        Block(text="三、收到和处理政府信息公开申请情况", page=1),
    ]
    report = _scanned_report(blocks)
    row = next(key for key, cells in report.proactive.items() if 24 in cells.values())
    column = next(column for column, value in report.proactive[row].items() if value == 24)
    assert report.cell_anchors[f"proactive:{row}:{column}"].confidence < LOW_CONFIDENCE
    read_in_cells = [a for k, a in report.cell_anchors.items() if k.startswith(f"proactive:{row}:") and a.box]
    assert len(read_in_cells) == 2 and all(a.confidence is None for a in read_in_cells)  # no scanned page to ask


def test_a_scanned_figure_whose_cell_ran_over_the_row_below_is_doubted():
    """上海市 2019's portal page photographed: the border under （六）其他处理's 总计 cell too light to keep, the cell
    ran down over （七）总计's, and its 805 (the total row's) was read as （六）'s. A figure's cell as tall as two of
    its row's others is doubted; the row's other cells are not."""
    from nianbao.engine.model import LOW_CONFIDENCE

    def boxes(top: float, bottom: float, last: float) -> list:
        return [(0.06, top, 0.53, bottom)] + [
            (0.53 + 0.06 * i, top, 0.59 + 0.06 * i, last if i == 6 else bottom) for i in range(7)
        ]

    blocks = [
        Block(text="三、收到和处理政府信息公开申请情况", page=5),
        Block(cells=["（六）其他处理", "", "", "", "", "", "", "805"], page=5, boxes=boxes(0.25, 0.28, 0.30)),
        Block(cells=["（七）总计", "767", "35", "", "", "2", "1"], page=5, boxes=boxes(0.28, 0.30, 0.30)[:7]),
        Block(text="四、政府信息公开行政复议、行政诉讼情况", page=5),
    ]
    report = _scanned_report(blocks)
    row = next(key for key, cells in report.applications.items() if 805 in cells.values())
    assert report.cell_anchors[f"applications:{row}:total"].confidence < LOW_CONFIDENCE
    others = [a for k, a in report.cell_anchors.items() if k.startswith(f"applications:{row}:") and "total" not in k]
    assert others and all(a.confidence is None for a in others)


def _scanned_report(blocks: list[Block]):
    """The report the blocks make as a scan's reader makes it: read by OCR, each cell marked (no page to ask)."""
    from nianbao.engine.model import Source
    from nianbao.engine.readers.pipeline.assemble import build_report
    from nianbao.engine.readers.scan.marks import mark

    doc = parse_blocks(blocks)
    doc.ocr = True
    report = build_report(doc, Source(path="s.pdf", format="pdf", sha256="0" * 64))
    report.source.reading = "ocr"
    mark(report, [])
    return report
