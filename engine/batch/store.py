"""Where a batch keeps its results and what each report leaves for the cross-report rules: packed bytes, in memory
up to a bound and then in an unnamed temporary file (gone with the process), so the run's own memory does not grow
with the batch. Results are read back one at a time: to join the cross-report findings, and to write each output.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
import weakref
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nianbao.engine.checking.crossreport import ReportDigests
from nianbao.engine.lazy import Lazy
from nianbao.engine.result import FileResult, Outline

SPILL = 32 * 2**20  # bytes kept in memory before the store moves to a temporary file
_SHIFT = 40  # a reference is offset << _SHIFT | length: files up to 2**24 TB, entries up to 1 TB


class Store:
    """Append-only bytes, each put once and read by the reference `put` returned (also from forked children,
    which read the same file)."""

    def __init__(self, spill: int | None = None):
        self.spill = SPILL if spill is None else spill
        self.memory: bytearray | None = bytearray()
        self.fd: int | None = None
        self.size = 0
        self.lock = threading.Lock()

    def put(self, data: bytes) -> int:
        with self.lock:
            offset = self.size
            if self.memory is not None and offset + len(data) > self.spill:
                self._to_file()
            if self.memory is not None:
                self.memory += data
            else:
                assert self.fd is not None
                view = memoryview(data)
                while view:
                    view = view[os.pwrite(self.fd, view, offset + len(data) - len(view)) :]
            self.size += len(data)
            return offset << _SHIFT | len(data)

    def get(self, ref: int) -> bytes:
        offset, length = ref >> _SHIFT, ref & ((1 << _SHIFT) - 1)
        if self.memory is not None:
            return bytes(self.memory[offset : offset + length])
        assert self.fd is not None
        data = os.pread(self.fd, length, offset)
        while len(data) < length:  # a short read: what is left
            more = os.pread(self.fd, length - len(data), offset + len(data))
            if not more:
                raise OSError(f"the run's store ended at {offset + len(data)} of {offset + length}")
            data += more
        return data

    def _to_file(self) -> None:
        handle, path = tempfile.mkstemp(prefix="nianbao-run-")
        os.unlink(path)  # unnamed: nothing is left behind, whatever ends the run
        self.fd = handle
        self._closer = weakref.finalize(self, _close, handle)  # a store dropped unclosed does not keep its file
        assert self.memory is not None
        view = memoryview(self.memory)
        written = 0
        while written < len(view):
            written += os.pwrite(handle, view[written:], written)
        self.memory = None

    def close(self) -> None:
        self.memory = bytearray() if self.memory is not None else None
        if self.fd is not None:
            self._closer()
            self.fd = None


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        os.close(fd)


def encode(result: FileResult) -> bytes:
    return zlib.compress(result.model_dump_json(by_alias=True).encode(), 1)


def decode(data: bytes, path: str) -> FileResult:
    """A result as stored, under the name it was submitted as (the same content may come under several)."""
    result = FileResult.model_validate_json(zlib.decompress(data))
    result.source.path = path
    if result.report is not None:
        result.report.source.path = path
    return result


@dataclass(slots=True)
class Entry:
    """One submission of the batch: where its result is kept, its outline, what its report left for the
    cross-report rules."""

    ref: int
    outline: Outline
    digested: ReportDigests | None
    slot: int = -1  # its place among the reports compared across (-1: not read)
    done: bool = True  # whether the stored result has taken what came after its check (else `finish` adds it)


class StoredResults(Lazy[FileResult]):
    """A batch's results in the order given, each read back from the store when reached (outputs go through them
    one at a time); `outlines` are at hand without reading any."""

    def __init__(
        self, store: Store, entries: Sequence[Entry], finish: Callable[[FileResult, Entry], None] | None = None
    ):
        self.store = store
        self.keys = self.entries = entries
        self.finish = finish
        self.outlines = [e.outline for e in entries]

    def item(self, entry: Entry) -> FileResult:
        result = decode(self.store.get(entry.ref), entry.outline.path)
        if self.finish is not None:
            self.finish(result, entry)
        return result
