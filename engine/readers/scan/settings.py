"""Every tuned number of the scan path in one object, each with its reason.

A scan is read by measuring things on images: what grey is ink, how long a run of ink is a ruling, what blot is dust,
how many readings a figure gets. Each such number was set by measurement on scans of real layouts (the reasons say
which); they live here, grouped by the step that uses them, rather than inline. `tuned()` gives the settings in force
and `tuning(settings)` puts others in force for a `with` block (a benchmark trading readings against accuracy, a
test): a worker reads one file at a time, so the settings are the process's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from nianbao.engine.model import LOW_CONFIDENCE

MM_PER_INCH = 25.4
POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class PageSettings:
    """Pages as they arrive (nianbao.engine.readers.scan.reader)."""

    render_dpi: float = 200  # a PDF's page images are drawn at this resolution before they are read
    # A black-and-white scan's page picture is read as it is (nianbao.engine.readers.scan.pdf_images) when it fills
    # the page to within this share of its width and height (a scanner's page is its picture) and its pixels are
    # square to within picture_square (otherwise it is drawn, which makes them so).
    picture_fills: float = 0.98
    picture_square: float = 0.02
    default_dpi: float = 200  # an image that states no resolution is taken to be a scan at this one
    # A report page's short side in inches: A5 is 5.8, A4 8.27, A3 11.7. A page image whose stated resolution puts it
    # outside this is measured again as A4 (a4_inches across).
    page_inches: tuple[float, float] = (5.0, 12.0)
    a4_inches: float = 8.27
    # A stated resolution outside this is a mistake of the scanner's software (a fax's 72 dpi "at 762", none at all).
    dpi_range: tuple[float, float] = (50.0, 1200.0)
    # A report is 5–15 pages; a scan of more is read at about 4 s a page, past the file's time limit, so it is refused
    # before any page is read.
    max_pages: int = 40
    max_pixels: int = 60_000_000  # an A4 page at 600 dpi is 35 million; more is not a page
    time_share: float = 0.8  # of the file's time limit, what the OCR may use; the rest is for the rules
    # A scan is read well enough to be judged when at least this share of the template's rows of tables 二 and 三 were
    # placed and at least min_sections of the six headings found. Under it, what OCR could not read outweighs what it
    # read, and every finding would be about the reading rather than the report (a photo on a dark desk read 1 of 572
    # cells, a single page of a report holds one or two sections): such a scan is refused (`illegible`), never scored.
    min_rows_share: float = 0.5
    min_sections: int = 3
    # A scan with no section and no table is `not-a-report` only when OCR read this many ideographs of it (a page of
    # prose holds 600–900); with fewer, it is `illegible`.
    not_a_report_text: int = 300
    # A picture among a document's text is print (a table pasted as a picture, a scanned page) when at least this
    # share of it is paper: within `paper_span` grey levels of its own brightest (its 95th percentile; a page
    # photographed in dim light has paper at 150–180), on a thumbnail of `look_pixels` a side. A table's picture is
    # 0.77 paper, a scanned page 0.9; a photograph of people or a building a fifth to a third (passed over, the text
    # around it kept).
    paper_span: int = 40
    print_share: float = 0.5
    look_pixels: int = 300


@dataclass(frozen=True)
class SurroundSettings:
    """A page photographed on a pale surround (nianbao.engine.readers.scan.surround): each side's edge, where the
    surround steps up to paper along the page's middle rows and columns, on the search thumbnail (240 pixels long)."""

    # Paper stands 20–60 levels over a pale desk or cloth, and a lamp's fall-off darkens both alike: a step of 12 over
    # two thumbnail pixels is an edge, while the fall-off itself changes under a level a pixel.
    step: int = 12
    reach: int = 2
    # A line that meets this dark a pixel before stepping up started on print (a table picture's ruling) or a dark
    # desk (found by its bright region instead, geometry.dark).
    darkest: int = 80
    # The edge lies this far in at least (a share of the side: 3.6 thumbnail pixels): a picture of a table steps up
    # from its own ruling a pixel or two in, and is no photo of a page.
    margin: float = 0.015
    middle: tuple[float, float] = (0.2, 0.8)  # the lines looked along: a corner's lines may miss the page
    # Of those lines, at least this share show an edge and lie within `fit` pixels of the line fitted through them
    # (print near the edge or a shadow throws a few off); a side leaning more than `slope` (17°) is no page's edge.
    found: float = 0.6
    fit: float = 2.0
    slope: float = 0.3
    least: int = 8  # and never fewer lines than this: a thumbnail of a tiny image has too few to fit a side through


@dataclass(frozen=True)
class GeometrySettings:
    """Page geometry (nianbao.engine.readers.scan.geometry): the page found, upright, evened out, split."""

    # A grey level under this is dark: ink, or a table top around a photographed page (paper is over 180).
    dark: int = 110
    # The frame is a dark surround when over this share of its edge band is dark (a scan's margin is white; a page
    # laid on a desk and photographed leaves the desk along every edge).
    surround_share: float = 0.5
    edge_band: float = 0.04  # the band along the frame's edges looked at, as a share of its sides
    search_side: int = 240  # the page is looked for on a thumbnail this long: a page corner within 0.5 % is enough
    # A page found must fill this much of the frame, or it is no page (a dark photo, a dark-bound booklet).
    min_page_share: float = 0.25
    # The long side of the image given to Tesseract's orientation model: about 150 dpi for an A4 page. At 100 dpi
    # its calls on the small print of a LibreOffice page were guesses (confidence under 2, or wrong); at 66 dpi
    # table pages give it too few characters.
    osd_side: int = 1700
    osd_confidence: float = 2.0  # Tesseract's own scale: under it the call is a guess
    # A sideways page's own call overrides the document's only past this (our real table pages: 3–4, either way; a
    # page of prose: 15–30).
    alone: float = 10.0
    stack_pages: int = 2  # upright pages asked for the stack's turn, until one answers surely
    # Before the orientation model (0.3–0.6 CPU s a page), PP-OCR's direction classifier is asked of a page's
    # `lines_asked` longest text lines (0.03 s), at least `lines_least` of them: most of them (of their pieces, below)
    # under `lines_sure` say upright, over 1 - lines_sure upside down; else the model is asked. On the real reports'
    # pages, drawn and noisy: prose pages' means under 0.06 upright and over 0.9 turned; table pages (their rows
    # taken for lines) 0.12–0.53 and 0.62–0.93, left to the model. Most, not the mean: one line of six misjudged
    # (0.62 among five at 0.00 on a page of 洪泽区 2024) left a plain page to the model.
    # Each line is asked as up to `line_windows` pieces as wide as the classifier's window at its height (four
    # characters), spread along it, and the pieces vote: a whole line squeezed into the window (seven times over
    # for a line of 27 characters) was told surely on 49 of 74 clean pages of the real reports, our fixtures and
    # the portal prints, upright and turned, and wrongly on one; its pieces on 65, none wrongly; on scans of them 27
    # → 41 of 54 (grey, black and white), so the orientation model is asked less.
    line_windows: int = 3
    lines_asked: int = 6
    lines_least: int = 3
    lines_sure: float = 0.1
    lines_tallest: float = 1.5  # of the page's median line: a taller one is a table's block of rows, not asked
    # A page between `sideways` and `upright` (a table page: its rulings run both ways) is told by its grid made
    # ready at the stack's turn, when it holds at least `grid_cells` cells: their median `wide_cells` times wider than
    # tall, it stands upright and goes the stack's way without asking the model (0.6 CPU s a page, as much as reading
    # the page's figures); that many times taller than wide, it lies on its side and the model only says which.
    # The templates' tables printed upright are 1.25–1.6 (a Word layout with figures wrapped in narrow columns 0.95:
    # asked as before), on their side 0.6–0.8 (that layout 1.05).
    wide_cells: float = 1.2
    grid_cells: int = 40
    # Sideways pages asked one by one (a quarter of a second each); the others go by their vote. A report's landscape
    # table pages are a few, and a stack fed sideways is fed one way; asking each of 40 pages of a ruled grid took 10 s.
    sideways_pages: int = 10
    # A black-and-white scan under this resolution is drawn again at it, smoothed, before it is read: its strokes
    # are a pixel or two wide and break apart at 150–200 dpi, where the same page at 300 dpi reads whole.
    bilevel_dpi: float = 300.0
    # The smoothing (a Gaussian radius in the scan's own pixels) before it is drawn again: more (0.8, 1.0) greys thin
    # strokes out of the figures' thresholds (150 dpi: 88 figures of 200 wrong at 0.5, a refusal at 1.0).
    bilevel_blur: float = 0.5
    # Then each stroke is thickened by a pixel each way (a minimum filter this wide): a threshold of 55 % leaves a
    # thin type's strokes broken at 150–200 dpi, a 0 as "( )" and a 5 without its bar, and the pieces of a broken
    # digit are taken for specks. On scans of real layouts: 150 dpi 69.9 → 87.9 % of figures placed, 200 dpi 95.1 →
    # 98.8 %. Wider (5) filled the digits' counters (150 dpi: 105 of 200 wrong on the thin 淮安市 layout, against 67).
    bilevel_thicken: int = 3
    # A page scanned (or said to be) finer than this is read at about bilevel_dpi, reduced by a whole factor first:
    # Tesseract reads 300 dpi best, and a 16 KB PNG "at 940 dpi" took 870 MB and 5 s at its own resolution.
    max_dpi: float = 450.0
    bilevel_share: float = 0.98  # pure black and white make at least this share of a bilevel page's pixels
    # A page is never drawn larger than this many pixels (an A3 page at 300 dpi is 17 million): a long strip of a
    # "page" is read as it is, not amplified fourfold.
    max_pixels: int = 40_000_000
    # A photo's light falls off toward its corners: when the paper's brightness varies by more than this many grey
    # levels across the page, the page is evened out (divided by its paper) before it is read.
    uneven: int = 40
    # Paper darker than this anywhere is evened out too, even when its light is even: the ink thresholds (160 and
    # under) stand well below white paper, and a page photographed in dim light has paper at 150–180 (a photo on a
    # dark desk placed 108 of 186 figures, whole table pages read as ink).
    dim: int = 200
    # The paper's brightness is estimated on an eighth-size copy: the brightest pixel within this window (wider than
    # a character's stroke there, so ink is taken away), then blurred by this radius (a lamp's fall-off is smooth).
    paper_window: int = 9
    paper_blur: float = 6.0
    # Text lines run across an upright page: its row profile changes from line to gap much more than its column
    # profile does (1.3–12 on real pages, 0.08–0.8 turned on its side). Between the two, ask the model. The profiles
    # are taken on a thumbnail this long, of the pixels darker than profile_ink.
    upright: float = 1.2
    sideways: float = 0.85
    profile_side: int = 600
    profile_ink: int = 160
    two_up: float = 1.2  # a sheet this much wider than tall may hold two pages side by side (A4 landscape: 1.41)
    gutter: float = 0.012  # the blank band between two pages on one sheet, as a share of its width, at least
    # The band is looked for in the middle fifth of the sheet either side of its centre (a two-up sheet's pages are
    # equal), on a thumbnail this long; a column is blank when at most this share of its pixels is ink (specks).
    gutter_span: tuple[float, float] = (0.4, 0.6)
    gutter_side: int = 800
    blank_column: float = 0.004
    a4_width_in: float = 8.27  # a photographed page's resolution is taken from its width as A4
    surround: SurroundSettings = field(default_factory=SurroundSettings)  # a pale surround


@dataclass(frozen=True)
class RasterSettings:
    """The page's rulings and tilt (nianbao.engine.readers.scan.raster)."""

    dark: int = 160  # grey levels below this are ink
    # Degrees either way a scan may be tilted: a page fed askew by a sheet feeder or laid by hand on a flatbed reaches
    # 5–8°; past 10° a person would scan it again. Searched at coarse_step, then at fine_step around the best.
    max_skew: float = 10.0
    coarse_step: float = 0.5  # a text line's profile still peaks within half a degree of its angle on the thumbnail
    fine_step: float = 0.05
    skew_side: int = 800  # the thumbnail the tilt is measured on
    # A page is straightened only where something is printed (raster.straightened): the rows and columns holding at
    # least print_least pixels darker than print_ink. A light grey table border (#ccc, 204) is print; a grey scan's
    # noise lies at 235–255 and its dust in specks of a few pixels. A real report's print covers 56–65 % of its page;
    # a box of more than box_share is turned whole.
    print_ink: int = 220
    print_least: int = 8
    box_share: float = 0.85
    # A run of ink at least this long is a ruling, not a body-text character's stroke (for titles, long_mm); never
    # fewer than min_rule_px pixels (at 50 dpi 8 mm is 16).
    rule_mm: float = 8.0
    min_rule_px: int = 8
    # A shorter vertical run is a ruling when both its ends meet horizontal rulings: the sides of one table row that a
    # page break left alone at the top of a page (a row is 6–8 mm tall). A title's stroke ends in white.
    short_mm: float = 4.0
    min_short_px: int = 6
    meet_mm: float = 0.5
    # Short columns of ink that come within spaced_mm of a row ruling (not meet_mm at both ends) are the sides of one
    # table row where at least row_sides of them, side_apart_mm apart or more (or a double rule's two lines, within
    # spaced_mm), start and stop alike (light_borders.row_sides): a row of figures has 3–15 cells, a narrow 总计 cell
    # 7–8.5 mm wide; the full-height strokes of a line of text stand 3–4 mm apart.
    row_sides: int = 4
    side_apart_mm: float = 5.5
    # ... and where fewer than `crossings` strokes cross them between their ends (ink crossed_mm to either side, along
    # at most stroke_mm: a line running beside is no stroke) (light_borders.uncrossed): the middle stroke of 事 is
    # crossed by its other strokes (a black-and-white 150 dpi scan keeps one of five); a cell's side is touched by its
    # text from one side only.
    crossed_mm: float = 0.4
    stroke_mm: float = 1.0
    crossings: int = 1
    # A row of ink shorter than rule_mm is a ruling when its ends stand this near column rulings (raster.rulings): a
    # browser's cell spacing (2 px) and a cell's light right border put a narrow cell's top 0.7 mm short of the
    # table's border.
    spaced_mm: float = 1.0
    # Where column rulings stop, a thin row this light is a ruling too (raster.rulings): Chromium's inset cell borders
    # scan at 180–195 on their bottom and right, lighter than `dark`; a grey scan's paper and noise lie at 230–255.
    light_rule: int = 205
    # A run shorter than long_mm must also be thin: a large bold title's strokes reach 8 mm but are 0.6–0.9 mm thick,
    # a table's rulings 0.1–0.3 mm (a thick outer border is long). Never thinner than min_thin_px (two pixels: a
    # ruling at a slant covers two).
    long_mm: float = 15.0
    thin_mm: float = 0.5
    min_thin_px: float = 2.0
    # Pieces of one ruling parted by at most this are one ruling: a seal's ring (1–2 mm wide, crossing at a slant)
    # erases the ruling under it in the red channel. No table leaves a gap this short in a line: a row is 4.5 mm tall
    # at least, so a line that stops for a merged cell stops for a row or more.
    seal_gap_mm: float = 3.0
    # A longer gap, up to faint_gap_mm, is bridged where the ruling runs on faintly across it: a colour seal's ring
    # laid along a ruling at a tangent covers it for up to 2·√(2·r·w) (17 mm for a ring 42 mm across, 1.5 mm wide),
    # and the red channel leaves the ruling there 60–130 levels dark, against paper at 240–255 either side.
    # faint_contrast: darker than the paper once or twice faint_side_mm beside it by this much (under a star's solid
    # fill the ruling stands 20–60 levels darker, its outline's edges may run by); at faint_share of the gap's length
    # (the ring's own edges cross it). Grey shading is as dark beside the line as on it: never bridged.
    faint_gap_mm: float = 20.0
    # A ruling that stops at a crossing ruling is carried on to the next crossing ruling within this (strokes.carried):
    # a cell's height or width a seal's ring laid along the ruling can cross out (a row of figures 5–10 mm tall, a
    # narrow column 8.5–20 mm wide), the longest stretch looked along.
    carried_mm: float = 25.0
    faint_side_mm: float = 0.6
    faint_contrast: int = 20
    faint_share: float = 0.7
    # Thin pieces of a line at least stone_mm long, joined, are a row ruling when they run from column ruling to
    # column ruling across a third (light_borders.dashed): a light border a black-and-white scan thresholds into dashes
    # (Chromium's cell borders at 150 dpi leave dashes of 2–9 mm, 2 mm apart). Body text's strokes are 1.5–3.5 mm and
    # join too, but stay inside their cells. Such a line is added unless rulings already cover dashed_covered of it.
    stone_mm: float = 1.5
    min_stone_px: int = 4
    dashed_covered: float = 0.9
    # Where a column ruling crosses such a line, its gap is wider (the cell spacing and the corner lost: 3–3.5 mm
    # measured at 150 dpi): up to this much is joined there.
    crossing_gap_mm: float = 4.5
    same_line_px: float = 1.5  # pieces this close across are on one line (a line's middle wanders by a pixel)
    # A pixel is the seal's when its red exceeds its green by this much (black print, paper and grey shading have
    # none; a red seal 150–190).
    seal_chroma: int = 60
    seal_pixels: int = 2_000  # fewer such pixels than a small seal's ring holds: no seal to look under
    # How steeply the red channel is stretched under the seal: print the seal covers stands 30–40 levels darker than
    # the seal's own ink, which this makes 90–120 darker, as dark as print is elsewhere.
    seal_stretch: float = 3.0
    # Print's black core: red under this with no seal's colour. A dull red pixel this near one (px, odd) is the edge of
    # black print under a thin seal, not print showing through a dense one.
    seal_black: int = 100
    seal_edge_px: int = 5
    gap: int = 2  # pixels of a light speck a ruling is read across
    fill: float = 0.95  # of a ruling's length, at least this is ink (a dashed or dotted line is no ruling)
    arc_rows: int = 3  # a line of more rows than this is tested for being an arc
    straight: float = (
        0.85  # share of its longest row that three in four of a ruling's rows run (a speck may shorten one)
    )
    alone: float = 2.0  # rows this many times longer than the others in an arc are a ruling through it
    nested: float = 0.75  # an arc's deepest row runs this share of it at least (inside the ring the rows split in two)
    arc_mm: float = (
        30.0  # a seal's ring (42 mm across) makes arcs this long at most; a longer line is never taken for one
    )


@dataclass(frozen=True)
class CellSettings:
    """Each table cell read on its own (nianbao.engine.readers.scan.ocr)."""

    # (ink threshold, glyph height in px) of the first readings of a figure. A third (160, 40) between these two
    # changed one figure in a thousand either way on scans of real layouts and cost 4–7 % of a page's CPU time
    # (docs/benchmarks.md, "Readings against accuracy and seconds").
    readings: tuple[tuple[int, int], ...] = ((160, 32), (200, 32))
    # further settings for a figure the first readings disagree on
    again: tuple[tuple[int, int], ...] = ((140, 36), (180, 36), (180, 48), (200, 40))
    low: float = LOW_CONFIDENCE  # a figure read with less confidence than this is marked doubtful
    # A figure the line recogniser read at least this surely (its least sure character) is read by Tesseract at the
    # lightest first setting only, the two readings voting (nianbao.engine.readers.scan.figures); above 1, every
    # figure is read at every first setting. Its readings of a lone digit stand at 0.6–0.9 (a CTC column's chance):
    # on the real reports' grey scans, of the figures Tesseract then read surely, it read 460 alike and 4 otherwise
    # from 0.7 up, 47 and 5 from 0.5 to 0.7; a figure the two read otherwise is only read at every setting, as before.
    seen_sure: float = 0.5
    # On black and white, where Tesseract's readings of a figure disagree and the line recogniser read one of them at
    # least this surely (and Tesseract as often as the one its vote chose), that one is taken, doubted all the same.
    # 淮安市's 7-point figures: of those read from 0.6 up among Tesseract's readings, at 150 dpi the recogniser's was
    # right in 14 of 14, the vote in 11 (1362 read 362, 31 read 3); at 200 dpi in 7 of 8 (53 read 33), the vote in 8:
    # the 33 Tesseract read less often.
    seen_settles: float = 0.6
    # A ruling as scanned, blur included: what is painted out of a cell's crop (never under min_rule_px pixels).
    rule_width_mm: float = 0.6
    min_rule_px: int = 3
    # A band along a table's top or bottom edge with fewer pixels of ink than this inside its borders holds nothing
    # (nianbao.engine.readers.pipeline.grid: the sliver a page break leaves under a table's last row).
    written_px: int = 12
    # Cells a scanned document may hold: each is cropped and read (a few milliseconds a reading, up to seven
    # readings). The templates' three tables are read as about 300 cells (278–295 on our fixtures and a real report,
    # scanned); more than thirteen times that is no report.
    max_cells: int = 4_000
    doubt: float = 0.5  # the most a figure is trusted when a mark beside it may be a lost minus sign
    # A figure's cell this much taller than its row's usual cell ran down over the next row (marks._doubt_tall_cells):
    # a row's cells share its height; two rows' make twice it.
    tall_cell: float = 1.6
    seal_thresholds: tuple[int, ...] = (140, 110, 90, 70)  # darker ink thresholds tried in turn on a cell a seal stains
    dark_seal: int = 120  # a seal that stays at thresholds above this printed dark: what it covers is doubted
    paper: int = 180  # grey above this is paper, or what the red channel leaves of a seal
    label_dpi: float = 200  # cells are read by the Chinese model at this resolution at least
    prose_dpi: float = 200  # and the prose at this one: a 150 dpi scan is scaled up first (more made it worse)
    # A page within this share of the resolution wanted is read as it is: scaling by a few per cent only blurs it.
    dpi_slack: float = 0.95
    # Tesseract reads a line again inverted (white on black) when its first reading is unsure. Printed reports have
    # no such lines: reading them again took 3–5 % of a page's CPU time for the same figures within one in a thousand.
    invert: bool = False


@dataclass(frozen=True)
class LineSettings:
    """A page's prose: its lines found (nianbao.engine.readers.scan.textlines) and read by PP-OCR's line recogniser
    (nianbao.engine.readers.scan.recogniser)."""

    # Read the prose and the tables' labels by the line recogniser where it is installed; off, by Tesseract's Chinese
    # model as before it (benchmarks/reading.py --tuning tesseract-words: the same scans, for the trade-off).
    recogniser: bool = True
    # Run the recogniser rewritten to the same arithmetic in fewer passes (nianbao.engine.readers.scan.folding): 77–83 %
    # of its time, the same characters. Off, as shipped (tests/test_folding.py compares the two).
    folded: bool = True
    # The height a line is read at. The model was taught at 48; at 32, about a 12-point line's own height at 200 dpi,
    # the real reports' prose read with one character in a thousand more wrong at half the CPU time (one line's
    # cost grows with its height squared).
    height: int = 32
    widest: int = 4_000  # pixels at that height: a line as long as 125 characters is squeezed, never held larger
    # Lines read together, padded to the widest of them (they go sorted by width), up to this many columns (pixels at
    # `height`) a batch. A column costs the model 36–40 µs up to about 1,300 in a batch, and more past it (four lines
    # of 1,280: 48 µs), as does a lone narrow cell (48 µs at 40 columns, 38 a column among 32 of them); the memory
    # grows with the columns (four lines of 1,500 held 175 MB at the peak, eight 250 MB). 淮安市 2024's six grey
    # pages: 3.0 CPU s in the recogniser against 3.25 at four lines a batch (640 columns as 1,280; 2,000 3.1).
    # Padding a narrow cell to its batch's widest changes its reading now and then (of that report's 308 cells, 55
    # read otherwise than alone, 25 at four lines a batch; its prose lines alike): the real reports' pages read as
    # many characters right either way (benchmarks/words.py).
    batch_columns: int = 1_280
    ink: int = 180  # grey under this is ink (as the cells' `paper`)
    row_ink: int = 2  # a row with fewer inked pixels is paper (a speck the median left)
    join_mm: float = 0.4  # rows of ink parted by less are one line (a character's parts: 二, 三, the dots of 江)
    shortest_mm: float = 1.0  # a band of ink lower than this is no line (a ruling's remnant, a stroke of dust)
    # A band this many times as tall as the page's usual band may be two lines run together (a title at 22 points
    # stands 1.4 times as tall as 16-point prose, and stays whole)
    tall: float = 1.7
    # and is parted where a row holds under this share of the band's usual row's ink: the gap between the lines (a
    # browser's title at twice the prose's size is as tall as two lines, and its rows are all ink).
    valley: float = 0.2
    # Ink connected over more height than this is no character (a 42-point 初号 headline stands 15 mm): a seal's
    # ring (an official seal is 38–45 mm across) or a ruling's remnant, left out of the rows of a band that tall so
    # that the lines it crosses part. Not a multiple of the usual line: a noisy page's specks make the usual band
    # small, and its lines' own characters would go.
    ring_mm: float = 18.0
    gap: float = 2.5  # a gap of this many line heights parts a line into pieces read apart
    pad: float = 0.1  # of the line's height: the paper kept around it (0.2 lost a 1 of "711" in a real report)


@dataclass(frozen=True)
class SpeckSettings:
    """A cell's ink told from dust, ruling stubs and a seal's stain (nianbao.engine.readers.scan.speck)."""

    dust: float = 0.12  # a blot under this share of the biggest blot's ink is dust
    dust_mm: float = 0.25  # and a blot under this square is dust whatever the others (never under min_dust_px)
    min_dust_px: int = 3
    glyph_mm: float = 1.0  # a printed figure is at least this tall (a 10.5 pt digit is 2.6 mm)
    # and no wider or taller than this (a 14 pt digit is 3.5 mm; two digits blurred into one, 3 mm wide)
    stain_mm: float = 4.5
    # A seal's ink (a ring across the cell's edge, a blot larger than any figure) this far from the figure at least
    # leaves the figure whole: it is read at the cell's own threshold, undoubted. A seal's lettering stands 2–5 mm
    # inside its ring, so a figure it could be taken for is nearer than this to the ring.
    stain_clear_mm: float = 8.0
    # Ink this thick (a seal's ring is 1–1.5 mm, its star solid) is no printed stroke (a figure's is 0.2–0.5 mm): a
    # blot holding some is a seal's stain.
    seal_stroke_mm: float = 0.8
    min_seal_px: int = 8  # solid ink, print or a seal's ink under this many pixels is a speck
    # A seal scanned lighter than the print by this many grey levels (a red seal scans at 90–130 grey, black print
    # under 50, under the seal too) is taken out pixel by pixel (speck.without_lighter_seal). Our benchmark's seal,
    # laid over the print at 85 % opacity, leaves the print under it only 39 levels darker; a thin stroke scanned
    # light stands 30 under a light ring. A seal printed dark is not taken out so, and the figure is read at darker
    # thresholds instead (figures._unstained).
    seal_contrast: int = 25
    blur_mm: float = 0.5  # twice a scan's blur: the seal's solid ink's blurred edge stands within half this of it
    # A blot is on a line of its own below another when a gap of this share of its height parts them: the lines of a
    # figure wrapped in its cell stand apart by the leading (about 0.4 of a digit's height), while a glyph a poor scan
    # broke in two (the loops of an 8) leaves a pixel or two between its pieces.
    line_gap: float = 0.2
    # The lines of a wrapped figure are lines of digits of one size: each line and each glyph in it at least this share
    # of the tallest line's height (a 1 is as tall as a 0), and the leading between them at most line_leading of a line.
    line_heights: float = 0.8
    line_leading: float = 1.0
    # A ruling's stub left at a cell's edge is at most half a millimetre thick: dpi / stub_per_inch pixels, at least
    # min_stub_px.
    stub_per_inch: float = 50.0
    min_stub_px: int = 3
    # A minus sign stands before the digits within this share of their height, at their middle (within minus_centre of
    # their height), at least minus_fat times as wide as it is thick (blurred, a hyphen is fat) and minus_width of the
    # digits' height wide. A mark that is not a speck there (dash_fat, dash_width) but was not taken for a minus makes
    # the figure doubted.
    minus_reach: float = 0.8
    minus_fat: float = 1.3
    minus_width: float = 0.2
    minus_centre: float = 0.3
    dash_fat: float = 1.2
    dash_width: float = 0.15
    # A blot left out of a figure that crosses its middle and is at least this share of its height is a piece of a
    # digit a light scan broke (the diagonal of a 4 without its bar): the figure is doubted. A decimal point or a
    # comma stays below the middle; dust is smaller.
    piece: float = 0.3
    # On a black-and-white page the pieces thresholding broke off a figure's digits are drawn with them (and the
    # figure doubted) when they stand within this share of its height of its ink (speck._pieces): a 7's bar parted
    # from its stem by a pixel or two of paper stands a tenth to a fifth of a digit's height above it.
    piece_reach: float = 0.3


@dataclass(frozen=True)
class FontSettings:
    """The document's own digits as the judge of a figure Tesseract's readings disagree on
    (nianbao.engine.readers.scan.font)."""

    size: tuple[int, int] = (10, 16)  # pixels a glyph is compared at, across and down: a digit's strokes stay apart
    blur: float = 1.0  # pixels of the grid: a glyph a pixel off, or a stroke a pixel thicker, is near its digit still
    sure: float = 0.9  # a figure read at least this surely teaches the font its glyphs
    samples: int = 3  # a digit the font has fewer glyphs of is not known: a figure holding it is not judged
    kept: int = 40  # glyphs of a digit kept at most: a report's hundreds of zeros would only cost time
    near: int = 3  # a glyph's distance to a digit: the mean of its distances to the digit's this many nearest glyphs
    # A glyph is a digit when it lies within `reach` times that digit's own spread (how far the digit's glyphs lie
    # from its others, at the `spread` quantile), and the next nearest digit lies `margin` times as far at least; its
    # width over height within `aspect` of the digit's (two digits run into one are wider).
    reach: float = 1.6
    spread: float = 0.9
    margin: float = 1.4
    aspect: float = 0.25
    # What a figure the font reads as one of Tesseract's readings is trusted: no longer doubted
    # (nianbao.engine.model.LOW_CONFIDENCE), but less than readings that agreed.
    trust: float = 0.85


@dataclass(frozen=True)
class MendSettings:
    """What OCR misread of a report's words, mended (nianbao.engine.readers.scan.mend)."""

    share: float = 2 / 3  # of a heading's words a line must keep
    shortest: int = 6  # characters: 总体情况 alone is too common a phrase to be taken without its numeral
    # Characters before or after a heading's words (both together) that may be what OCR made of its numeral (三 read
    # "上|") or of a ruling's stub; a sentence that runs on past the words ("…情况良好") or starts before them
    # ("本年度…") holds more.
    stray: int = 2
    # A line with a section's numeral whose words are this alike to the heading's (one minus the edit distance over the
    # length) is that heading: a seal over a heading garbles 3–5 of its 17 characters (0.7–0.8); a sentence that starts
    # with the numeral (四、加强…) is under 0.4 alike to any heading.
    like: float = 0.6
    # So is one that keeps the first `lead` of its heading's words and runs no longer than they do (stray aside): a
    # seal over a short heading's end leaves it under `like` ("二、主动公开政人中全": 0.5), a sentence runs on.
    lead: float = 0.5
    # A line this short left where a heading stood is what a seal left of it ("aa的"); a longer one is prose kept.
    short_garble: int = 8
    # An organ's name misread in the title by at most this share of its characters is put right by the name as the
    # prose writes it, when the prose writes one form at least name_votes times (a title is read once; the name recurs).
    name_edits: float = 0.2
    name_votes: int = 2


@dataclass(frozen=True)
class ScanSettings:
    pages: PageSettings = field(default_factory=PageSettings)
    geometry: GeometrySettings = field(default_factory=GeometrySettings)
    raster: RasterSettings = field(default_factory=RasterSettings)
    cells: CellSettings = field(default_factory=CellSettings)
    lines: LineSettings = field(default_factory=LineSettings)
    speck: SpeckSettings = field(default_factory=SpeckSettings)
    font: FontSettings = field(default_factory=FontSettings)
    mend: MendSettings = field(default_factory=MendSettings)


SETTINGS = ScanSettings()
_in_force = SETTINGS


def tuned() -> ScanSettings:
    """The settings in force."""
    return _in_force


@contextmanager
def tuning(settings: ScanSettings) -> Iterator[None]:
    """`settings` in force for the block (then those before)."""
    global _in_force
    before, _in_force = _in_force, settings
    try:
        yield
    finally:
        _in_force = before


def pixels(mm: float, dpi: float) -> float:
    """A length on paper in pixels at `dpi`."""
    return mm / MM_PER_INCH * dpi
