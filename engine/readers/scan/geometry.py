"""Page images as offices receive them, made into upright pages (once a photo's page is cut from its surround,
nianbao.engine.readers.scan.surround): its light evened out, a low-resolution black-and-white page drawn again at 300
dpi, turned upright (fed at 90°, 180° or 270°), and two pages on one sheet split.

Tilt within ±10° is measured later, with the rulings (nianbao.engine.readers.scan.raster.skew); here only when no page
of a stack tells which way it stands as given. Everything here works on a thumbnail and touches the full image only to
cut, warp or turn it once. No numpy: the few sums run over bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from enum import Enum
from itertools import pairwise
from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.filters import darkest, lightest, median3
from nianbao.engine.readers.scan.settings import GeometrySettings, tuned
from nianbao.engine.readers.scan.tesseract import Deadline, Orientation, orientation

A4_WIDTH_INCHES = 8.27

if TYPE_CHECKING:
    from PIL import Image


def line_ratio(grey: Image.Image, settings: GeometrySettings) -> float:
    """How much more the row profile of a page's ink changes from row to row than its column profile does."""
    from PIL import Image as PILImage

    small = grey.copy()
    small.thumbnail((settings.profile_side, settings.profile_side))
    dark = small.point(lambda v: 255 if v < settings.profile_ink else 0)

    def change(image: PILImage.Image) -> float:
        width = image.size[0]
        data = image.tobytes()
        sums = [data.count(255, i, i + width) for i in range(0, len(data), width)]
        return sum((a - b) ** 2 for a, b in pairwise(sums)) / max(1, sum(sums))

    across = change(dark)
    down = change(dark.transpose(PILImage.Transpose.ROTATE_90))
    return across / down if down else 1.0


def turned(grey: Image.Image, turn: int) -> Image.Image:
    """The page turned `turn` degrees clockwise."""
    from PIL import Image as PILImage

    transposes = {
        90: PILImage.Transpose.ROTATE_270,
        180: PILImage.Transpose.ROTATE_180,
        270: PILImage.Transpose.ROTATE_90,
    }
    return grey.transpose(transposes[turn]) if turn in transposes else grey


class Standing(Enum):
    """How a page made ready at a turn stands, by what can be measured without the model."""

    upright = "upright"  # or upside down: the model's answer for the stack tells which
    side = "side"


class Upright:
    """The clockwise turn that makes each page of one document upright, decided over the document: pages of one
    stack are fed the same way. A page whose text lines run across it is upright or upside down: the first such
    pages are asked until one answers surely, and that answer turns them all (a stack fed upside down). Asked means:
    PP-OCR's direction classifier over the page's longest text lines where the line recogniser is installed and the
    lines agree, else Tesseract's orientation model (ten times its cost). A page whose lines run down it (fed
    sideways, or a landscape table page) is asked on its own, and the sure answers vote for 90° or 270°: a page
    decides alone only when very surely told (a table page gives the model few characters, and its answer may be the
    opposite turn)."""

    def __init__(self, deadline: Deadline, settings: GeometrySettings | None = None) -> None:
        self.deadline = deadline
        self.settings = settings or tuned().geometry

    def _ask(self, grey: Image.Image, before: int = 0, sure: bool = True, tilt: float = 0.0) -> Orientation | None:
        """The model's answer for the page turned `before` degrees first (a page on its side is asked turned
        upright-or-upside-down, where the model reads text lines as it was trained to), as a turn of the page as
        given; unless `sure` is False, only a sure answer. A page measured `tilt` degrees askew is asked straight."""
        from nianbao.engine.readers.scan.raster import straightened

        small = straightened(self._small(grey, before), tilt)
        found = orientation(small, self.deadline)
        if found is None or (sure and found.confidence < self.settings.osd_confidence):
            return None
        return Orientation((found.turn + before) % 360, found.confidence)

    def _by_lines(self, grey: Image.Image, tilt: float = 0.0, before: int = 0) -> Orientation | None:
        """The turn of a page whose lines run across it (after turning it `before` degrees), told by pieces of its
        longest text lines through the direction classifier (nianbao.engine.readers.scan.recogniser) when it is sure;
        else None."""
        from nianbao.engine.readers.scan import recogniser
        from nianbao.engine.readers.scan.raster import straightened
        from nianbao.engine.readers.scan.textlines import crop, text_lines

        s = self.settings
        if not recogniser.available():
            return None
        # a scanner's dust taken out first: a speck in every row makes the page one band of ink, with no line
        page = median3(straightened(turned(grey, before) if before else grey, tilt))
        dpi = page.size[0] / A4_WIDTH_INCHES  # near enough for the lines' millimetres
        found = text_lines(page, dpi, seals=False)  # the tables are not painted out here
        heights = sorted(line.height for line in found)
        usual = heights[len(heights) // 2] if heights else 0
        # a line of text, not a table's block of rows and rulings (ink in every row, taken for one tall line)
        lines = [line for line in found if line.height <= s.lines_tallest * usual]
        lines = sorted(lines, key=lambda line: line.left - line.right)[: s.lines_asked]
        if len(lines) < s.lines_least:
            return None
        pieces = [piece for line in lines for piece in recogniser.windows(crop(page, line)[0], s.line_windows)]
        shares = recogniser.upside_down(pieces, self.deadline)
        if not shares:
            return None
        ranked = sorted(shares)
        # most pieces must agree: the median's two middles both past the mark
        low, high = ranked[(len(ranked) - 1) // 2], ranked[len(ranked) // 2]
        # A sure answer weighs as much as a very sure answer of the orientation model (its own scale), alone.
        if high < s.lines_sure:
            return Orientation(before % 360, s.alone)
        if low > 1 - s.lines_sure:
            return Orientation((before + 180) % 360, s.alone)
        return None

    def _small(self, grey: Image.Image, before: int = 0) -> Image.Image:
        """The page turned `before` degrees, at the size the orientation model is asked at."""
        small = turned(grey, before) if before else grey.copy()  # thumbnail() shrinks in place
        small.thumbnail((self.settings.osd_side, self.settings.osd_side))
        return small

    def _side(self, grey: Image.Image) -> Orientation | None:
        """Which side a page its grid shows lying on its side lies on: the model asked of the page as given (on a
        table page it tells 90° from 270° more surely than asked of the page turned), then turned, unless the first
        answer was sure. Else the side the answers lean to, however unsure (a table page gives the model few
        characters), with their confidence: the caller weighs it."""
        by_lines = self._by_lines(grey, before=90)
        if by_lines is not None:
            return by_lines
        leaning: Counter[int] = Counter()
        for before in (0, 90):
            answer = self._ask(grey, before, sure=False)
            if answer is not None and answer.turn in (90, 270):
                if answer.confidence >= self.settings.osd_confidence:
                    return answer
                leaning[answer.turn] += answer.confidence
        return Orientation(*leaning.most_common(1)[0]) if leaning else None

    def turns(
        self, greys: list[Image.Image], standing_at: Callable[[int, int], Standing | None] | None = None
    ) -> list[int]:
        """Each page's turn. `standing_at(index, turn)`, when given, says how a page stands when made ready at that
        turn (its grid's cells, or its text lines once straightened): a page whose lines run both ways, or too
        tilted to tell, is then told at the stack's turn. Upright, it goes the stack's way unasked; on its side, the
        model only says which side."""
        s = self.settings
        ratios = [line_ratio(grey, s) for grey in greys]
        tilts: dict[int, float] = {}
        if not any(r >= s.upright for r in ratios):
            # A tilt smears the lines' profile: a prose page tilted 5° measures as one on its side (0.7), and the
            # model asked of it said so too. With no page upright, the pages are measured again straightened (on the
            # model's thumbnail; only the tilt is kept), unless the first few stay on their side: a stack fed sideways.
            from nianbao.engine.readers.scan.raster import skew, straightened

            for i in range(len(greys)):
                if i == s.stack_pages and not any(r >= s.upright for r in ratios[:i]):
                    break
                self.deadline.check()
                # on the thumbnail the tilt is measured on: the profile is taken smaller still (turning the model's
                # larger thumbnail took a tenth of a CPU second a page of a stack fed 10° askew)
                small = greys[i].copy()
                small.thumbnail((tuned().raster.skew_side, tuned().raster.skew_side))
                tilts[i] = skew(small)
                ratios[i] = line_ratio(straightened(small, tilts[i]), s)
        stack, sure = 0, False
        level = [i for i, r in enumerate(ratios) if r >= s.upright]  # the pages that measure upright
        for index in level[: s.stack_pages]:
            answer = self._by_lines(greys[index], tilts.get(index, 0.0))
            answer = answer or self._ask(greys[index], tilt=tilts.get(index, 0.0))
            if answer is not None and answer.turn in (0, 180):
                stack, sure = answer.turn, True
                break
        settled: dict[int, int] = {}
        asked: dict[int, Orientation | None] = {}
        for i in [i for i, r in enumerate(ratios) if r < s.upright]:
            self.deadline.check()
            standing = standing_at(i, stack) if sure and standing_at is not None else None
            if standing is Standing.upright:
                settled[i] = stack
            elif standing is Standing.side:
                # A grid of cells taller than wide may be a table printed upright with narrow columns (a portal
                # page's table 三, its headings wrapped): its text lines, read surely at the stack's turn, say so.
                upright = self._by_lines(greys[i], tilts.get(i, 0.0), before=stack)
                if upright is not None:
                    settled[i] = upright.turn
                    continue
                side = self._side(greys[i])
                # An unsure lean of the model's turns no page against a stack told surely: an upright table of narrow
                # columns looks sideways to its grid too, and a seal over its few lines may leave them untold
                # (沭阳县's table 三 page under a colour seal leaned 0.38 to 90°). Such a page goes the stack's way.
                if side is not None and side.confidence >= s.osd_confidence:
                    settled[i] = side.turn
                    asked[i] = side  # its side is a vote for the pages on their side the model was unsure of
            elif len(asked) < s.sideways_pages:
                asked[i] = self._by_lines(greys[i], before=90) or self._ask(greys[i], 90)
        votes: Counter[int] = Counter()
        for answer in asked.values():
            if answer is not None and answer.turn in (90, 270):
                votes[answer.turn] += answer.confidence
        sideways = votes.most_common(1)[0][0] if votes else None
        if (not sure or 2 * len(level) < len(ratios)) and sideways is not None and standing_at is not None:
            # No page was told upright, or fewer than half the pages measure so, and the pages on their side agree
            # which side they lie on: a page that only measured upright may be a table page on its side, its column
            # rulings running across it as text lines do (沭阳县's Chromium print fed at 90°: three of nine; one was
            # told upside down by those "lines", and set the stack's turn). Made ready at that side's turn, its grid
            # says whether it stands so; a grid of narrow columns looks sideways either way, and its lines, read
            # surely across it at that turn, tell. A page of prose made ready on its side stands neither way.
            for i in [i for i in level if i not in settled]:
                self.deadline.check()
                standing = standing_at(i, sideways)
                if standing is Standing.upright:
                    settled[i] = sideways
                elif standing is Standing.side:
                    told = self._by_lines(greys[i], tilts.get(i, 0.0), before=sideways)
                    if told is not None and told.turn in (90, 270):
                        settled[i] = told.turn
        out: list[int | None] = []
        for index, ratio in enumerate(ratios):
            answer = asked.get(index)
            if index in settled:
                out.append(settled[index])
            elif ratio >= s.upright:
                out.append(stack)
            elif answer is None:
                out.append(sideways if sideways is not None and ratio <= s.sideways else None)
            elif answer.turn in (0, 180) or answer.confidence >= s.alone or sideways is None:
                out.append(answer.turn)
            else:
                out.append(sideways)
        # a page that could not be told (lines both ways, too few characters) goes the way most of the others went
        decided = Counter(turn for turn in out if turn is not None)
        usual = decided.most_common(1)[0][0] if decided else 0
        return [usual if turn is None else turn for turn in out]


def halves(grey: Image.Image, settings: GeometrySettings | None = None) -> list[Image.Image]:
    """Two pages printed on one landscape sheet, left then right, split at the blank band between them; else the
    sheet as it is."""
    settings = settings or tuned().geometry
    from PIL import Image as PILImage

    width, height = grey.size
    if width < height * settings.two_up:
        return [grey]
    small = grey.copy()
    small.thumbnail((settings.gutter_side, settings.gutter_side))
    dark = small.point(lambda v: 255 if v < settings.profile_ink else 0)
    w, h = dark.size
    # ink per column (a row of the sheet turned on its side): a column is blank when almost no pixel of it is ink
    data = dark.transpose(PILImage.Transpose.ROTATE_90).tobytes()
    columns = [data.count(255, i, i + h) for i in range(0, len(data), h)][::-1]
    blank = [c <= h * settings.blank_column for c in columns]
    best: tuple[int, int] | None = None
    x, stop = (int(w * share) for share in settings.gutter_span)
    while x < stop:
        if blank[x]:
            start = x
            while x < w and blank[x]:
                x += 1
            if best is None or x - start > best[1] - best[0]:
                best = (start, x)
        x += 1
    if best is None or best[1] - best[0] < w * settings.gutter:
        return [grey]
    cut = round((best[0] + best[1]) / 2 * width / w)
    return [grey.crop((0, 0, cut, height)), grey.crop((cut, 0, width, height))]


def evened(grey: Image.Image, settings: GeometrySettings | None = None) -> Image.Image:
    """The page with its lighting evened out when it varies (a photo's light falling off toward the corners) or is
    dim (a photo taken in poor light): each pixel divided by the paper's brightness around it, estimated on a small
    copy with the ink taken away (the brightest pixel near each point), so that paper is white everywhere and ink
    keeps its contrast."""
    settings = settings or tuned().geometry
    from PIL import ImageFilter, ImageMath

    width, height = grey.size
    small = grey.resize((max(1, width // 8), max(1, height // 8)), resample=3)  # BOX: an average
    paper = lightest(small, settings.paper_window).filter(ImageFilter.GaussianBlur(settings.paper_blur))
    low, high = paper.getextrema()
    if high - low < settings.uneven and low >= settings.dim:
        return grey
    paper = paper.resize(grey.size, resample=2)  # BILINEAR
    even = ImageMath.lambda_eval(lambda a: a["page"] * 255.0 / (a["paper"] + 1.0), page=grey, paper=paper)
    return even.convert("L")


def reduced(image: Image.Image, dpi: float, settings: GeometrySettings | None = None) -> tuple[Image.Image, float]:
    """A page finer than `max_dpi` reduced by the whole factor that brings it nearest `bilevel_dpi` (averaging the
    pixels, which smooths a black-and-white page into grey); any other page as it is."""
    settings = settings or tuned().geometry
    if dpi <= settings.max_dpi:
        return image, dpi
    factor = max(2, round(dpi / settings.bilevel_dpi))
    if image.mode not in ("L", "RGB"):
        image = image.convert("RGB" if image.mode in ("P", "RGBA", "CMYK", "LA", "PA") else "L")
    return image.reduce(factor), dpi / factor


def smoothed(grey: Image.Image, dpi: float, settings: GeometrySettings | None = None) -> tuple[Image.Image, float]:
    """A black-and-white page under `bilevel_dpi` at its own resolution, its lone black pixels taken out and its
    edges smoothed, and the resolution it is to be read at (`enlarged` to it once straightened: turning the page at
    its scan's resolution costs a half (200 dpi) or a quarter (150 dpi) of the pixels of turning it drawn finer); any
    other page as it is."""
    settings = settings or tuned().geometry
    from PIL import ImageFilter

    if dpi >= settings.bilevel_dpi - 1:
        return grey, dpi
    counts = grey.histogram()
    if counts[0] + counts[255] < settings.bilevel_share * grey.size[0] * grey.size[1]:
        return grey, dpi
    scale = settings.bilevel_dpi / dpi
    if grey.size[0] * grey.size[1] * scale * scale > settings.max_pixels:
        return grey, dpi
    from PIL import ImageChops

    # A pixel is alone when the 3×3 square around it holds no other ink: 255 / 9 = 28 for itself, 56 with one more.
    ink = grey.point(lambda v: 255 if v < 128 else 0)
    alone = ink.filter(ImageFilter.Kernel((3, 3), [1] * 9, scale=9)).point(lambda v: 255 if v < 42 else 0)
    grey = ImageChops.lighter(grey, ImageChops.multiply(alone, ink))
    return grey.filter(ImageFilter.GaussianBlur(settings.bilevel_blur)), settings.bilevel_dpi


def enlarged(grey: Image.Image, scale: float) -> Image.Image:
    """A smoothed page (`smoothed`) drawn `scale` times finer."""
    from PIL import Image as PILImage

    size = (round(grey.size[0] * scale), round(grey.size[1] * scale))
    return grey.resize(size, resample=PILImage.Resampling.LANCZOS)


def thickened(grey: Image.Image, settings: GeometrySettings | None = None) -> Image.Image:
    """A page drawn again from black and white (`smoothed`, `enlarged`) with its strokes a pixel thicker each way."""
    settings = settings or tuned().geometry
    if settings.bilevel_thicken < 2:
        return grey
    return darkest(grey, settings.bilevel_thicken)
