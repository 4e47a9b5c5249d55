"""A scanned PDF page's own picture, taken as the scanner made it rather than drawn again.

A scanner in black-and-white mode packs each page as one bilevel picture (CCITT Group 4 or JBIG2) at its own
resolution. Drawn by PDFium at the reader's resolution, its edges come out grey and, at 150 or 300 dpi, resampled:
the page no longer reads as black and white, is not drawn again finer with its strokes joined (geometry.smoothed), and
淮安市's 7-point figures scanned at 200 dpi read 190 of 200 where the same scan as a TIFF read 199. So a page whose one
visible object is a bilevel picture filling it, upright, is read from that picture's own pixels at its own
resolution. Grey and colour pictures are still drawn (their reading was measured so), as is anything else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nianbao.engine.readers.scan.settings import POINTS_PER_INCH, tuned

if TYPE_CHECKING:
    from PIL import Image


_IMAGE, _TEXT = 3, 1  # PDFium's page object types
_INVISIBLE = 3  # text render mode: another program's OCR under the picture


def bilevel_picture(page) -> tuple[Image.Image, float] | None:
    """The page's one picture and its resolution, when the page is a bilevel scan as described above; else None."""
    import pypdfium2.raw as raw

    if page.get_rotation() != 0:
        return None
    pictures = []
    for item in page.get_objects(max_depth=1):
        if item.type == _IMAGE:
            pictures.append(item)
        elif item.type != _TEXT or raw.FPDFTextObj_GetTextRenderMode(item.raw) != _INVISIBLE:
            return None  # drawn print, a path, a form: the page is more than its picture
    if len(pictures) != 1:
        return None
    picture = pictures[0]
    a, b, c, d, e, f = picture.get_matrix().get()
    width, height = page.get_size()
    s = tuned().pages
    fills = s.picture_fills
    upright = abs(b) < 1e-6 and abs(c) < 1e-6 and a > 0 and d > 0
    filling = a >= fills * width and d >= fills * height and abs(e) <= (1 - fills) * width
    if not upright or not filling or abs(f) > (1 - fills) * height:
        return None
    if picture.get_metadata().bits_per_pixel != 1:
        return None
    across, down = picture.get_px_size()
    if across * down > s.max_pixels:
        return None  # drawn instead, under the drawing's own bound
    dpi_across, dpi_down = across / (a / POINTS_PER_INCH), down / (d / POINTS_PER_INCH)
    if abs(dpi_across - dpi_down) > s.picture_square * dpi_across:
        return None
    image = picture.get_bitmap(render=False).to_pil().convert("L")
    counts = image.histogram()
    if counts[0] > counts[255]:
        return None  # mostly black: a mask or an inverted picture, drawn as the page shows it
    # in RGB as a page image file is read; at a whole number of dots per inch, as scanners scan (the page's size in
    # points rounds: 199.99999 read a figure otherwise than the TIFF's 200)
    return image.convert("RGB"), float(round(dpi_across))
