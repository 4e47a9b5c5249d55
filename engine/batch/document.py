"""Result documents read a result at a time: a province's document (hundreds of MB) is never parsed whole.

`Chunks` reads the text in chunks and decodes the results array one value at a time; earlier years' history
(nianbao.engine.batch.history) takes the report models from it, and `read_document` puts every result into a run store
for `nianbao letters` and `nianbao circular` to write from, one at a time.
"""

from __future__ import annotations

import io
import json
import logging
import re
from pathlib import Path

from nianbao.engine.batch.store import Entry, Store, StoredResults, encode
from nianbao.engine.result import RESULT_SCHEMA_ID, FileResult, Outline, ResultDocument
from nianbao.engine.submissions import Submission

log = logging.getLogger(__name__)

CHUNK = 1 << 20
_RESULTS = re.compile(r'"results"\s*:\s*\[')
_SCHEMA = re.compile(r'"schema"\s*:\s*("[^"]*")')
_SPACE = re.compile(r"[\s,]*")


class NotADocument(Exception):
    """Not a result document of this tool (or not readable as one)."""


class Chunks:
    """The text of a document read a chunk at a time, consumed from the front as values are decoded."""

    def __init__(self, sub: Submission, bound: int):
        self.sub = sub
        self.bound = bound
        self.read = 0
        try:
            self.stream = io.TextIOWrapper(sub.open(), encoding="utf-8", errors="replace")
        except Exception:
            raise NotADocument from None
        self.text = ""
        self.at = 0
        self.ended = False
        self.decoder = json.JSONDecoder()

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
                log.warning("%s: larger than %d MB; the rest is not read", self.sub.name, self.bound >> 20)
            return False
        self.text = self.text[self.at :] + chunk
        self.at = 0
        return True

    def until(self, pattern: re.Pattern[str]) -> tuple[str, int]:
        """The text up to the first match of `pattern` (the document's head), and where the match starts."""
        while (found := pattern.search(self.text)) is None:
            if len(self.text) > CHUNK * 4 or not self._more(CHUNK):
                raise NotADocument
        head, self.at = self.text, found.end()
        return head, found.start()

    def results_start(self) -> str:
        """Read up to the start of the results (checking that this is a result document): the head before them."""
        text, start = self.until(_RESULTS)
        schema = _SCHEMA.search(text, 0, start)
        if schema is None or json.loads(schema.group(1)) != RESULT_SCHEMA_ID:
            raise NotADocument
        return text[:start]

    def rest(self) -> str:
        """After the array just read to its end: what is left of the document (its tail)."""
        while self._more(CHUNK):
            pass
        return self.text[self.at + 1 :]

    def next_value(self) -> object | None:
        """The next value of the array being read; None at its end (where `rest` begins)."""
        decoder = self.decoder
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
                    log.warning("%s: the rest of the document is not JSON; skipped", self.sub.name)
                return None


def read_document(path: Path, bound: int) -> ResultDocument:
    """A result document whose results stay in a run store, read back one at a time by whatever writes from it.
    Raises NotADocument (not one, or a result that does not validate) or OSError."""
    reader = Chunks(Submission(path), bound)
    head = reader.results_start()
    store = Store()
    entries: list[Entry] = []
    while (value := reader.next_value()) is not None:
        try:
            result = FileResult.model_validate(value)
        except ValueError as exc:
            raise NotADocument(str(exc)) from None
        entries.append(Entry(store.put(encode(result)), Outline.of(result), None))
    try:
        shell = ResultDocument.model_validate_json(head + '"results": []' + reader.rest())
    except ValueError as exc:
        raise NotADocument(str(exc)) from None
    shell.results = StoredResults(store, entries)  # type: ignore[assignment]
    return shell
