"""The report's own pages as pictures, for the clerk's page to outline a finding's cells on (PDFium via pypdfium2).

Grey PNGs (the outlines are drawn in colour over them), encoded here with zlib so no imaging library is needed.
PDFium is a second parser of an uploaded file: callers run `render_pages` in a child process under the profile's
time and memory limits (nianbao.engine.isolation), never in the server itself.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from nianbao.engine.readers.pdfium import PDFIUM

MAX_PAGES = 6  # pages drawn for one report: the ones its findings point at, first ones first
SCALE = 1.4  # 72 dpi × 1.4 ≈ 100 dpi: table figures stay legible on a phone
# A page is drawn smaller when it would be larger than this (an A3 page at SCALE is 2 million pixels): a page as
# large as a wall would cost gigabytes to draw, and the outlines are placed in shares of the page, not pixels.
MAX_PIXELS = 4_000_000


@dataclass(frozen=True)
class PageImage:
    page: int  # 1-based
    png: bytes  # empty when the page is drawn as `svg`
    width: int
    height: int
    svg: str = ""  # an OFD page, drawn from its own text and lines (no renderer needed)


def png_grey(pixels: bytes, width: int, height: int, stride: int) -> bytes:
    """An 8-bit greyscale PNG of `pixels` (rows of `stride` bytes)."""
    rows = b"".join(b"\x00" + pixels[y * stride : y * stride + width] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b"")


def render_pages(data: bytes, pages: list[int], scale: float = SCALE) -> list[PageImage]:
    """The given pages (1-based; those the PDF has, at most MAX_PAGES) as grey PNGs."""
    import pypdfium2 as pdfium

    with PDFIUM:  # a call to PDFium at a time (nianbao.engine.readers.pdfium)
        document = pdfium.PdfDocument(data)
        try:
            images = []
            for number in sorted(set(pages))[:MAX_PAGES]:
                if not 1 <= number <= len(document):
                    continue
                page = document[number - 1]
                width, height = page.get_size()
                fit = min(scale, (MAX_PIXELS / max(width * height, 1.0)) ** 0.5)
                bitmap = page.render(scale=fit, grayscale=True)
                channels = bitmap.n_channels
                raw = bytes(bitmap.buffer)
                if channels != 1:  # a build that ignores the grey request: keep one channel of each pixel
                    raw = raw[::channels]
                    stride = bitmap.stride // channels
                else:
                    stride = bitmap.stride
                images.append(
                    PageImage(number, png_grey(raw, bitmap.width, bitmap.height, stride), bitmap.width, bitmap.height)
                )
                bitmap.close()
                page.close()
            return images
        finally:
            document.close()
