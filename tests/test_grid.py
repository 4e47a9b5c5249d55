"""Tables rebuilt from rulings (nianbao.engine.readers.pipeline.grid) where a page break or a scan left borders out:
the shapes a browser prints and a scan loses, drawn as segments in points, with and without the characters read."""

from __future__ import annotations

from nianbao.engine.readers.pipeline.grid import Char, Segment, build_grids


def H(y: float, x0: float, x1: float) -> Segment:
    return Segment(True, y, x0, x1)


def V(x: float, y0: float, y1: float) -> Segment:
    return Segment(False, x, y0, y1)


def chars(text: str, x: float, y: float) -> list[Char]:
    return [Char(x + 10 * i, y, x + 10 * i + 9, y + 10, ch) for i, ch in enumerate(text)]


# Table 三's last rows on a page a browser printed: the merged labels （四）无法提供 (x 100–200) and
# 三、本年度办理结果 (x 40–100) run on past the last row's bottom line (y 560) to the cut (y 572), as does the outer
# border (x 500); the rows' own columns stop at 560.
CUT = [
    V(40, 400, 572), V(100, 400, 572), V(200, 480, 560), V(400, 400, 560), V(450, 400, 560), V(500, 400, 572),
    H(400, 40, 500), H(440, 100, 500), H(480, 100, 500), H(520, 200, 500), H(560, 200, 500),
]  # fmt: skip
CUT_TEXT = [
    *chars("三、", 45, 405), *chars("（三）不予公开", 105, 445), *chars("数量", 405, 405),
    *chars("（四）无法提供", 105, 500),
    *chars("1.本机关不掌握", 205, 495),
    *chars("2.没有现成信息", 205, 535),
    *chars("252", 405, 495), *chars("12", 455, 495), *chars("44", 405, 535), *chars("3", 455, 535),
]  # fmt: skip


def _row_of(grids, text: str) -> list[str]:
    return next(row for grid in grids for row in grid.rows if any(text in cell for cell in row))


def test_the_empty_sliver_a_page_break_leaves_under_a_table_is_no_row():
    """Closed at the cut, the sliver between the last row's line and the cut was a row of its own with no column
    lines: it joined the merged label beside it and every cell of the sliver into one cell over the last rows."""
    grids, _ = build_grids(CUT, [], CUT_TEXT)
    assert _row_of(grids, "2.没有") == ["2.没有现成信息", "44", "3"]
    label = _row_of(grids, "1.本机关")
    assert label[:2] == ["（四）无法提供", "1.本机关不掌握"]
    boxes = [box for grid in grids for row in grid.boxes for box in row]
    assert max(box[3] for box in boxes) == 560  # no cell reaches down into the sliver


def test_a_scans_cells_found_before_they_are_read_leave_out_the_sliver_where_nothing_is_written():
    """A scan's cells are found before any character is read (each is then cropped and read): whether a band holds
    anything is asked of the page's ink. Written everywhere, nothing is cut; nothing written in the sliver, it goes."""
    sliver = (555, 575)

    def nothing_in_the_sliver(box: tuple[float, float, float, float]) -> bool:
        return not (box[1] >= sliver[0] and box[3] <= sliver[1])

    grids, _ = build_grids(CUT, [], [], written=nothing_in_the_sliver)
    assert max(box[3] for grid in grids for row in grid.boxes for box in row) == 560
    grids, _ = build_grids(CUT, [], [], written=lambda box: True)
    assert max(box[3] for grid in grids for row in grid.boxes for box in row) == 572
    # and with nothing known (neither characters nor ink), the grid is left as drawn
    grids, _ = build_grids(CUT, [], [])
    assert max(box[3] for grid in grids for row in grid.boxes for box in row) == 572


def test_cells_joined_into_an_l_by_a_lost_border_are_cut_into_rectangles():
    """The top of a page of table 三 as a browser prints it without cellspacing="0", scanned grey (our double-ruled
    portal pattern): the merged label 三、本年度办理结果 (x 40–100) ends at y 480, its bottom border too light for the
    scan to keep, as is the lower part of （六）其他处理's left side (x 100). Its cell, （六）'s below y 440 and the
    total row's label were joined into one L whose box covered the labels of 2.申请人… and 3.其他: the crop of it
    read their words, and placed at its middle they made 2.申请人…'s label end in 总计 (the total row got the fee
    row's figures, unmarked). Cut into rectangles, no cell's box covers another's and each row keeps its label."""
    rulings = [
        V(40, 400, 480), V(100, 400, 440), V(200, 400, 480), V(400, 400, 500), V(450, 400, 500),
        H(400, 40, 450), H(440, 100, 200), H(460, 200, 450), H(480, 200, 450), H(500, 100, 450),
    ]  # fmt: skip
    text = [
        *chars("三、本年", 45, 405), *chars("（六）其他", 105, 405), *chars("2.申请人逾期", 205, 405),
        *chars("3", 405, 405), *chars("3.其他", 205, 465), *chars("1", 405, 465), *chars("（七）总计", 205, 485),
        *chars("42", 405, 485),
    ]  # fmt: skip
    for written in (text, []):  # read (a PDF) and found before reading (a scan)
        grids, _ = build_grids(rulings, [], written, written=None if written else lambda box: True)
        boxes = [box for grid in grids for row in grid.boxes for box in row]
        for a in boxes:  # no cell's box covers part of another's
            for b in boxes:
                if a != b:
                    assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]), (a, b)
    grids, _ = build_grids(rulings, [], text)
    assert _row_of(grids, "2.申请人")[-2:] == ["2.申请人逾期", "3"]
    assert _row_of(grids, "3.其他") == ["3.其他", "1"]
    assert _row_of(grids, "（七）总计")[-2:] == ["（七）总计", "42"]


def test_a_tables_last_row_alone_at_a_pages_top_is_read_and_a_page_number_is_not():
    """A table's last row carried alone to the next page (two cells: too few rulings for a grid) stands in the top
    band where page numbers do; it was dropped as one ("行政事业性收费 69.39"). A page number there still goes."""
    from nianbao.engine.readers.pipeline.positioned import layout_page

    row = [H(30, 56, 374), H(60, 56, 374), V(56, 30, 60), V(145, 30, 60), V(374, 30, 60)]
    text = [*chars("行政事业性收费", 60, 40), *chars("69.39", 200, 40), *chars("第3页共8页", 250, 10)]
    text += chars("三、收到和处理政府信息公开申请情况", 60, 70)
    lines = [block.text for block, _ in layout_page(text, row, [], 595, 842, 3)]
    assert any("行政事业性收费" in line and "69.39" in line for line in lines)
    assert not any("第3页" in line for line in lines)
