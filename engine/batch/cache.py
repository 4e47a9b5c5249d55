"""Results kept between runs, keyed by file content, engine version and everything that shapes a result.

Re-checking a folder after a few agencies resubmit reads only the changed files: a file whose size and
modification time are unchanged is not even read again to hash it. The cache is one SQLite file (standard
library), written as results arrive, so an interrupted run keeps what it finished.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import zipfile
from dataclasses import dataclass
from pathlib import Path

from engine.result import FileResult
from engine.sources import Submission

log = logging.getLogger(__name__)

DEFAULT_DIR = Path(".nianbao-cache")
_SCHEMA = """
create table if not exists results (key text primary key, result text not null);
create table if not exists stats (name text primary key, stamp text not null, digest text not null);
"""


@dataclass
class Cache:
    path: Path
    run_key: str  # engine version, language, profile, rules and plugins of this run

    def __post_init__(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self.db.execute("pragma journal_mode=wal")
        self.db.executescript(_SCHEMA)

    def close(self) -> None:
        self.db.close()

    def digest(self, sub: Submission) -> str | None:
        """The content hash of a submission, from the stat index when the file is unchanged."""
        stamp = _stamp(sub)
        if stamp is None:
            return None
        row = self.db.execute("select stamp, digest from stats where name = ?", (sub.name,)).fetchone()
        if row and row[0] == stamp:
            return row[1]
        try:
            data = sub.read_bytes()
        except Exception:  # unreadable now: the checker will say why; nothing to cache by
            return None
        digest = hashlib.sha256(data).hexdigest()
        self.db.execute("insert or replace into stats values (?, ?, ?)", (sub.name, stamp, digest))
        return digest

    def _key(self, digest: str) -> str:
        return hashlib.sha256(f"{self.run_key}\0{digest}".encode()).hexdigest()

    def get(self, sub: Submission, digest: str) -> FileResult | None:
        row = self.db.execute("select result from results where key = ?", (self._key(digest),)).fetchone()
        if row is None:
            return None
        result = FileResult.model_validate_json(row[0])
        # The same content may have been submitted under another name.
        result.source.path = sub.name
        if result.report is not None:
            result.report.source.path = sub.name
        return result

    def put(self, digest: str, result: FileResult) -> None:
        if result.error is not None and result.error.code == "timeout":
            return  # a timeout may not happen again: try the file next time
        try:
            self.db.execute(
                "insert or replace into results values (?, ?)",
                (self._key(digest), result.model_dump_json(by_alias=True)),
            )
        except sqlite3.Error as exc:  # a full disk must not cost the result itself
            log.warning("could not cache the result of %s: %s", result.source.path, exc)


def _stamp(sub: Submission) -> str | None:
    try:
        stat = sub.file.stat()
    except OSError:
        return None
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    if sub.member:
        try:
            with zipfile.ZipFile(sub.file) as archive:
                info = archive.getinfo(sub.member)
            stamp += f":{info.CRC}:{info.file_size}"
        except (OSError, KeyError, zipfile.BadZipFile):
            return None
    return stamp


def run_key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
