"""Earlier years' reports (`--history`), for the cross-year rules: this year's batch compared with last year's
without checking last year's again.

History may be folders or zips of reports (read like any submission, through the same cache, so the second run
costs nothing) or result documents Nianbao wrote (`--format json`), which carry the report models.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

from pydantic import BaseModel, ConfigDict

from engine.across import Left
from engine.limits import ReadLimits
from engine.model import Report
from engine.result import RESULT_SCHEMA_ID
from engine.sources import Submission, collect, open_archive

log = logging.getLogger(__name__)


def gather(
    paths: Iterable[str | Path],
    limits: ReadLimits,
    leave: Callable[[Report], Left],
    keep: Callable[[tuple[Left, float | None]], None],
) -> list[Submission]:
    """What each report found in a result document leaves (with the score it got then), given to `keep` a model at
    a time; returns the report files still to be read."""
    files: list[Submission] = []
    for sub in collect(paths, limits=limits):
        if sub.suffix != ".json" or RESULT_SCHEMA_ID.encode() not in sub.head(4096):
            files.append(sub)
            continue
        try:
            for report, score in _models(sub, limits):
                keep((leave(report), score))
        except _NotADocument:
            files.append(sub)  # read as a report: the reader will say what is wrong with it
    return files


class _NotADocument(Exception):
    pass


class _Entry(BaseModel):
    model_config = ConfigDict(extra="ignore")
    report: Report | None = None
    score: float | None = None


CHUNK = 1 << 20


def _models(sub: Submission, limits: ReadLimits) -> Iterator[tuple[Report, float | None]]:
    """The report models of a result document, one at a time: a province's document is read in chunks, never
    whole. A model that does not validate is skipped with a warning (the others are still used)."""
    reader = _Chunks(sub, limits.archive_bytes)  # a year's document holds every report: bounded as an archive
    text, start = reader.until(_RESULTS)
    schema = _SCHEMA.search(text, 0, start)
    if schema is None or json.loads(schema.group(1)) != RESULT_SCHEMA_ID:
        raise _NotADocument
    decoder = json.JSONDecoder()
    while True:
        value = reader.next_value(decoder)
        if value is None:
            return
        if not isinstance(value, dict) or value.get("report") is None:
            continue
        try:
            entry = _Entry.model_validate(value)
        except ValueError as exc:
            log.warning("history %s: a report model that does not validate is skipped: %s", sub.name, exc)
            continue
        if entry.report is not None:
            yield entry.report, entry.score


class _Chunks:
    """The text of a document read a chunk at a time, consumed from the front as values are decoded."""

    def __init__(self, sub: Submission, bound: int):
        self.sub = sub
        self.bound = bound
        self.read = 0
        try:
            self.stream = io.TextIOWrapper(_open(sub), encoding="utf-8", errors="replace")
        except Exception:
            raise _NotADocument from None
        self.text = ""
        self.at = 0
        self.ended = False

    def _more(self, size: int) -> bool:
        if self.ended:
            return False
        try:
            chunk = self.stream.read(size)
        except Exception:
            chunk = ""
        self.read += len(chunk)
        if not chunk or self.read > self.bound:
            self.ended = True
            self.stream.close()
            if self.read > self.bound:
                log.warning("history %s: larger than %d MB; the rest is not read", self.sub.name, self.bound >> 20)
            return False
        self.text = self.text[self.at :] + chunk
        self.at = 0
        return True

    def until(self, pattern: re.Pattern[str]) -> tuple[str, int]:
        """The text up to the first match of `pattern` (the document's head), and where the match starts."""
        while (found := pattern.search(self.text)) is None:
            if len(self.text) > CHUNK * 4 or not self._more(CHUNK):
                raise _NotADocument
        head, self.at = self.text, found.end()
        return head, found.start()

    def next_value(self, decoder: json.JSONDecoder) -> object | None:
        """The next value of the array being read; None at its end."""
        while True:
            skip = _SPACE.match(self.text, self.at)
            self.at = skip.end() if skip else self.at
            if self.at < len(self.text):
                if self.text[self.at] == "]":
                    return None
                try:
                    value, self.at = decoder.raw_decode(self.text, self.at)
                    return value
                except ValueError:
                    pass  # not all of it read yet, or broken: read on and try again
            if not self._more(max(CHUNK, len(self.text) - self.at)):
                if self.at < len(self.text):
                    log.warning("history %s: the rest of the document is not JSON; skipped", self.sub.name)
                return None


def _open(sub: Submission) -> IO[bytes]:
    if sub.data is not None:
        return io.BytesIO(sub.data)
    if sub.member is not None:
        return open_archive(sub.file).open(sub.member)
    return sub.file.open("rb")


_RESULTS = re.compile(r'"results"\s*:\s*\[')
_SCHEMA = re.compile(r'"schema"\s*:\s*("[^"]*")')
_SPACE = re.compile(r"[\s,]*")
