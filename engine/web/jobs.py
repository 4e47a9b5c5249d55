"""Long checks as jobs: a scan (seconds a page) is answered at once, and its result fetched by an unguessable link.

The clerk's page refreshes itself (no script) and keeps the job alive by asking; a job nobody asks about for
ABANDONED_AFTER seconds (the tab was closed) is stopped, and a result waits KEEP_RESULT seconds, then is forgotten.
Everything stays in memory.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from nianbao.engine.i18n import Lang
from nianbao.engine.readers.sniff import sniff
from nianbao.engine.submissions import PICTURE_SUFFIXES
from starlette.responses import Response

# How long a finished scan's result waits for its clerk, and how long a running one goes on with no page asking
# for it (the waiting page asks every REFRESH seconds; a closed tab stops asking).
KEEP_RESULT = 300.0
ABANDONED_AFTER = 20.0


@dataclass
class Job:
    """A scan being checked for a clerk who was answered at once: found again by its unguessable token."""

    token: str
    lang: Lang
    pages: int | None
    started: float = field(default_factory=time.monotonic)
    seen: float = field(default_factory=time.monotonic)
    task: asyncio.Future | None = None
    finished: float | None = None
    answer: Response | None = None

    async def abandoned(self) -> bool:
        return time.monotonic() - self.seen > ABANDONED_AFTER


def scan_pages(data: bytes, filename: str) -> int | None:
    """How many pages a scan has, when its file says so cheaply (a PDF's page count; a packed set of images)."""
    if data.startswith(b"%PDF"):
        found = re.findall(rb"/Type\s*/Page(?!s)", data)
        return len(found) or None
    return None


def likely_scan(data: bytes, filename: str) -> bool:
    """Whether an upload is a scan (OCR: seconds a page), told before it takes a slot: page images, or a PDF of
        no font: nothing in it is text (a PDF whose objects are packed in streams may hide its fonts, and is taken for
    text)."""
    if Path(filename).suffix.lower() in PICTURE_SUFFIXES or sniff(data) == "image":
        return True
    drawn = b"/Image" in data or b"/Contents" in data  # something on its pages, and none of it text
    return data.startswith(b"%PDF") and drawn and b"/Font" not in data and b"/ObjStm" not in data
