"""The report's page images on the clerk's page: each held once as a CSS background (both language versions and
every crop use it; an <img> in each version held it twice), the pages with their outlines, and a crop of the page
around each finding's cells, zoomed so that a phone shows the figures at a readable size.

A finding's number sits in the page's margin beside its outline (left, then right), never over a figure, and is the
tap target (24 px) that goes back to the finding.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from html import escape

from nianbao.engine.model import Anchor
from nianbao.engine.readers.pdf.pages import PageImage


@dataclass(frozen=True)
class PictureSettings:
    badge_px: int = 26  # a number's width in the margin (24 px tap target and a gap)
    same_band: float = 0.025  # outlines this close in height (share of the page) share a band: numbers side by side
    crop_margin: float = 0.06  # around a finding's cells, as a share of the page
    crop_min_width: float = 0.4  # a crop spans at least this share of the page's width (a row's neighbours show)


SETTINGS = PictureSettings()


def backgrounds(images: list[PageImage]) -> str:
    """One style rule per page image, `.pgN`: the only copy of its pixels on the page."""
    rules = [".pic{width:100%;background-size:100% 100%;background-repeat:no-repeat}"]
    for image in images:
        if image.svg:
            url = "data:image/svg+xml;base64," + base64.b64encode(image.svg.encode("utf-8")).decode()
        else:
            url = "data:image/png;base64," + base64.b64encode(image.png).decode()
        rules.append(f".pg{image.page}{{background-image:url({url})}}")
    return "<style>" + "".join(rules) + "</style>"


def picture(image: PageImage, label: str) -> str:
    return (
        f'<div class="pic pg{image.page}" role="img" aria-label="{escape(label)}" '
        f'style="aspect-ratio:{image.width}/{image.height}"></div>'
    )


def badge_offsets(anchors: list[tuple[int, str, Anchor]]) -> dict[str, int | None]:
    """For each outline (finding number, outline id, anchor), its number's place in the page's margin: 0 at the
    edge, 1 beside it, …, the first place no other number in the same band of the page holds; None when the same
    finding already has its number in that band (a row of five cells shows one number, not five)."""
    placed: list[tuple[int, float, int, int]] = []  # page, middle, place, finding
    out: dict[str, int | None] = {}
    for n, ident, anchor in sorted(anchors, key=lambda a: (a[2].page or 0, (a[2].box or (0, 0, 0, 0))[1], a[1])):
        _x0, y0, _x1, y1 = anchor.box or (0, 0, 0, 0)
        middle = (y0 + y1) / 2
        near = [
            (k, m) for page, other, k, m in placed if page == anchor.page and abs(other - middle) < SETTINGS.same_band
        ]
        if any(m == n for _, m in near):
            out[ident] = None
            continue
        taken = {k for k, _ in near}
        k = next(k for k in range(len(taken) + 1) if k not in taken)
        placed.append((anchor.page or 0, middle, k, n))
        out[ident] = k
    return out


def badge_style(anchor: Anchor, place: int) -> str:
    """The number's place on the paper (shares of the page): in a margin, at the outline's height; the first in the
    left margin, the second in the right, and so on outward."""
    _x0, y0, _x1, y1 = anchor.box or (0, 0, 0, 0)
    step, slot = SETTINGS.badge_px, place // 2
    side = f"left:{slot * step + 1}px" if place % 2 == 0 else f"left:calc(100% - {(slot + 1) * step - 1}px)"
    return f"{side};top:{(y0 + y1) / 2 * 100:.2f}%"


def crop(image: PageImage, anchors: list[Anchor], href: str, label: str) -> str:
    """The page around `anchors` (one finding's cells on one page), zoomed to the box's width, the cells outlined."""
    s = SETTINGS
    boxes = [a.box for a in anchors if a.box]
    left = max(0.0, min(b[0] for b in boxes) - s.crop_margin)
    right = min(1.0, max(b[2] for b in boxes) + s.crop_margin)
    top = max(0.0, min(b[1] for b in boxes) - s.crop_margin / 2)
    bottom = min(1.0, max(b[3] for b in boxes) + s.crop_margin / 2)
    if right - left < s.crop_min_width:
        middle = (left + right) / 2
        left = min(max(0.0, middle - s.crop_min_width / 2), 1.0 - s.crop_min_width)
        right = left + s.crop_min_width
    width, height = right - left, bottom - top
    x = left / (1 - width) * 100 if width < 1 else 0.0  # background-position: the share of the room left over
    y = top / (1 - height) * 100 if height < 1 else 0.0
    cells = "".join(
        f'<span style="left:{(b[0] - left) / width * 100:.2f}%;top:{(b[1] - top) / height * 100:.2f}%;'
        f'width:{(b[2] - b[0]) / width * 100:.2f}%;height:{(b[3] - b[1]) / height * 100:.2f}%"></span>'
        for b in boxes
    )
    return (
        f'<a class="crop pic pg{image.page}" href="{href}" aria-label="{escape(label)}" '
        f'style="aspect-ratio:{width * image.width:.0f}/{height * image.height:.0f};'
        f'background-size:{100 / width:.2f}% {100 / height:.2f}%;background-position:{x:.2f}% {y:.2f}%">'
        f"{cells}</a>"
    )


CSS = (
    ".badge{position:absolute;transform:translateY(-50%);min-width:24px;height:24px;line-height:24px;"
    "text-align:center;background:var(--c);color:#fff;font-size:.75rem;border-radius:12px;padding:0 .2rem;"
    "box-sizing:border-box;text-decoration:none}"
    ".crop{display:block;position:relative;max-width:36rem;margin:.3rem 0;border:1px solid #cfd5e0}"
    ".crop span{position:absolute;border:2px solid var(--c);box-sizing:border-box;border-radius:2px}"
)
