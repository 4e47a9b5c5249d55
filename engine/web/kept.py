"""What the page keeps of the uploads it read: each one's report model, by its bytes, within a bound.

The same file comes back: a clerk checks it, reads the findings, and checks it again in the other language or after
asking a colleague; a second clerk checks the office's copy. Its report model is kept (the model before any rule saw
it, as the results cache of a batch keeps it), so the second check reads nothing: a scan's minute of OCR is not spent
twice. Held in the server's memory only (uploads are never written to disk), the least recently used first to go
past `max_bytes` or `max_entries`; a model is a few tens of kilobytes.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import PurePath


@dataclass(frozen=True)
class KeptSettings:
    max_bytes: int = 32 * 1024 * 1024  # a thousand reports' models, about: small beside the service's budget
    max_entries: int = 1_000


@dataclass
class KeptModels:
    settings: KeptSettings = field(default_factory=KeptSettings)
    _models: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _bytes: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)  # checks run in several threads

    @staticmethod
    def key(data: bytes, filename: str) -> str:
        """The same bytes under the same ending are read the same way (the reader is chosen by both)."""
        suffix = PurePath(filename).suffix.lower().encode("utf-8", "replace")
        return hashlib.sha256(suffix + b"\0" + data).hexdigest()

    def get(self, key: str) -> str | None:
        with self._lock:
            model = self._models.get(key)
            if model is not None:
                self._models.move_to_end(key)
            return model

    def put(self, key: str, model: str) -> None:
        size = len(model)
        if size > self.settings.max_bytes:
            return
        with self._lock:
            if key in self._models:
                self._bytes -= len(self._models.pop(key))
            self._models[key] = model
            self._bytes += size
            while self._bytes > self.settings.max_bytes or len(self._models) > self.settings.max_entries:
                _, dropped = self._models.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._models)
