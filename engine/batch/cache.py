"""Results kept between runs, keyed by file content, engine version and everything that shapes a result.

Re-checking a folder after a few agencies resubmit reads only the changed files: a file whose size and
modification time are unchanged is not even read again to hash it. The cache is one SQLite file (standard
library), written as results arrive, so an interrupted run keeps what it finished.

The cache is never fatal: a damaged file (torn pages, a row that is not a result, a foreign schema) is set aside
under a new name with a warning and the run goes on without it (the next run starts a fresh one); a full disk or
a locked file only stops the caching. An entry is taken as it was stored (it was a valid result then: the
key holds the engine's code and every rule's), unless it is not an entry at all. Entries are signed with a key
kept in the user's own configuration folder: one not signed with it (a shared or tampered cache) is a miss and
is never unpacked.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
import stat
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nianbao.engine.checking.crossreport import ReportDigests, pack, unpack
from nianbao.engine.result import FileError, Outline
from nianbao.engine.submissions import Submission, open_archive

log = logging.getLogger(__name__)

DEFAULT_DIR = Path(".nianbao-cache")
_SCHEMA = """
drop table if exists results;
create table if not exists entries (key text primary key, entry blob not null);
create table if not exists reads (key text primary key, entry blob not null);
create table if not exists stats (name text primary key, stamp text not null, digest text not null);
"""


@dataclass
class Cache:
    path: Path
    run_key: str  # engine version, language, profile, rules and plugins of this run
    # The same run's keys in the other languages: a result kept in one is said again in this run's language rather
    # than read again (nianbao.engine.checking.translation), as the messages are made from keys and parameters.
    other_keys: tuple[str, ...] = ()
    # What shapes reading alone (the code and the limits): a file read once serves every profile, selection and
    # language, as its report model (or why it could not be read) is kept under this key.
    read_key: str = ""

    def __post_init__(self) -> None:
        self.db: sqlite3.Connection | None = None
        self.secret = _secret()
        self.path.parent.mkdir(parents=True, exist_ok=True)  # OSError here: the caller checks without a cache
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=5)
            self.db.execute("pragma journal_mode=wal")
            self.db.executescript(_SCHEMA)
            self.db.execute("select key, entry from entries limit 1").fetchall()
            self.db.execute("select key, entry from reads limit 1").fetchall()
            self.db.execute("select name, stamp, digest from stats limit 1").fetchall()
        except (sqlite3.Error, OSError) as exc:
            self._failed(exc)

    @property
    def usable(self) -> bool:
        return self.db is not None

    def close(self) -> None:
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None

    def _failed(self, exc: BaseException) -> None:
        """Stop using the cache for this run; set a damaged file aside so that the next run starts afresh."""
        if self.db is None and not self.path.exists():
            return
        self.close()
        if _is_transient(exc):
            log.warning("results cache %s: %s; checking on without caching", self.path, exc)
            return
        aside = self.path.with_name(f"{self.path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            self.path.replace(aside)
            for extra in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    Path(f"{self.path}{extra}").replace(Path(f"{aside}{extra}"))
            log.warning(
                "results cache %s is damaged (%s): set aside as %s; checking on without it", self.path, exc, aside
            )
        except OSError as move:
            log.warning("results cache %s is damaged (%s) and cannot be set aside (%s)", self.path, exc, move)

    def digest(self, sub: Submission) -> str | None:
        """The content hash of a submission, from the stat index when the file is unchanged."""
        stamp = _stamp(sub)
        if stamp is None or self.db is None:
            return None
        try:
            row = self.db.execute("select stamp, digest from stats where name = ?", (sub.name,)).fetchone()
            if row and row[0] == stamp and isinstance(row[1], str):
                return row[1]
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        try:
            data = sub.read_bytes()
        except Exception:  # unreadable now: the checker will say why; nothing to cache by
            return None
        digest = hashlib.sha256(data).hexdigest()
        self._write("insert or replace into stats values (?, ?, ?)", (sub.name, stamp, digest))
        return digest

    def _write(self, sql: str, params: tuple) -> None:
        if self.db is None:
            return
        try:
            self.db.execute(sql, params)
        except sqlite3.Error as exc:  # a full disk or a lock must not cost the result itself
            self._failed(exc)

    def _key(self, digest: str, run_key: str | None = None) -> str:
        return hashlib.sha256(f"{run_key or self.run_key}\0{digest}".encode()).hexdigest()

    def get(self, digest: str) -> tuple[bytes, ReportDigests | None, Outline, bool] | None:
        """A stored result (packed as the run keeps it), what its report left, its outline, and whether it was kept
        in this run's language (else in another: the caller says it again); taken as stored, not validated again
        (it was a valid result when it was put)."""
        for run_key in (self.run_key, *self.other_keys):
            found = self._get(self._key(digest, run_key))
            if found is not None:
                return (*found, run_key == self.run_key)
        return None

    def _get(self, key: str) -> tuple[bytes, ReportDigests | None, Outline] | None:
        def valid(entry: Any) -> bool:
            blob, digested, outline = entry
            return (
                isinstance(blob, bytes)
                and isinstance(outline, Outline)
                and (digested is None or isinstance(digested, ReportDigests))
            )

        return self._unpacked(key, valid)

    def _unpacked(self, key: str, valid: Callable[[Any], bool], table: str = "entries") -> Any:
        """The entry under `key`, unpacked once its signature is checked; None for a miss, and an entry that is not
        one of this version (or not `valid`) is dropped."""
        if self.db is None:
            return None
        try:
            row = self.db.execute(f"select entry from {table} where key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        if row is None:
            return None
        try:
            data = bytes(row[0])
            mac, packed = data[:32], data[32:]
            if not hmac.compare_digest(mac, hmac.new(self.secret, packed, "sha256").digest()):
                raise ValueError("not written by this user's Nianbao")  # never unpacked
            entry = unpack(packed)
            if not valid(entry):
                raise TypeError("not an entry")
        except Exception:  # not an entry of this version: a miss, and dropped
            self._write(f"delete from {table} where key = ?", (key,))
            return None
        return entry

    def get_read(self, digest: str) -> str | tuple[str, str, dict] | None:
        """What an earlier run read of a file with this content: its report model (JSON), or why it could not be
        read (code, message key, parameters)."""
        if not self.read_key:
            return None

        def valid(entry: Any) -> bool:
            return isinstance(entry, str) or (isinstance(entry, tuple) and len(entry) == 3)

        return self._unpacked(self._key(digest, self.read_key), valid, "reads")

    def put_read(self, digest: str, read: str | tuple[str, str, dict]) -> None:
        if not self.read_key or (isinstance(read, tuple) and read[0] in _NOT_KEPT):
            return
        packed = pack(read)
        mac = hmac.new(self.secret, packed, "sha256").digest()
        self._write("insert or replace into reads values (?, ?)", (self._key(digest, self.read_key), mac + packed))

    def put(
        self, digest: str, blob: bytes, digested: ReportDigests | None, outline: Outline, error: FileError | None
    ) -> None:
        if error is not None and error.code == "timeout":
            return  # a timeout may not happen again: try the file next time
        packed = pack((blob, digested, outline))
        mac = hmac.new(self.secret, packed, "sha256").digest()
        self._write("insert or replace into entries values (?, ?)", (self._key(digest), mac + packed))


# Read errors that may not happen again: a timeout (a busy machine), and what this computer lacked (OCR or LibreOffice
# installed later, a scan read as empty without them).
_NOT_KEPT = frozenset({"timeout", "unsupported", "no-text"})


class KeyRefused(OSError):
    """The cache's key cannot be trusted or kept: the run checks without a cache, and says why."""


def _key_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME")
    if config:
        return Path(config) / "nianbao" / "cache-key"
    home = os.path.expanduser("~")
    if home == "~" or not os.path.isabs(home):  # HOME unset and no passwd entry (as in containers)
        raise KeyRefused("no home folder to keep the cache's key in (HOME is not set)")
    return Path(home) / ".config" / "nianbao" / "cache-key"


def _secret() -> bytes:
    """The key this user's entries are signed with, kept outside the cache folder (which may be shared): an entry
    holds packed Python objects, and one not signed with it is never unpacked. The key must be a private file of
    this user (else the cache is off, with a warning: whoever can read it can forge entries); a damaged key is
    replaced. Where no key can be written, one for this process alone (the cache then serves within a run only)."""
    path = _key_path()
    folder = path.parent
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise KeyRefused(f"the cache key {path} cannot be read ({exc})") from None
    if found is not None:
        if not stat.S_ISREG(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
            raise KeyRefused(
                f"the cache key {path} is not a file only this user can read (mode {oct(found.st_mode & 0o777)}); "
                "remove it or make it private (chmod 600)"
            )
        key = path.read_bytes()
        if len(key) == 32:
            return key
        log.warning("the cache key %s is damaged (%d bytes): replaced with a new one", path, len(key))
        with contextlib.suppress(OSError):
            path.unlink()
    key = secrets.token_bytes(32)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(key)
    except FileExistsError:  # another run made it first
        with contextlib.suppress(OSError):
            other = path.read_bytes()
            if len(other) == 32:
                return other
    except OSError as exc:
        log.debug("no cache key can be kept in %s (%s): entries serve this run only", folder, exc)
    return key


def _stamp(sub: Submission) -> str | None:
    try:
        stat = sub.file.stat()
    except OSError:
        return None
    stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    if sub.member:
        try:
            info = open_archive(sub.file).getinfo(sub.member)
            stamp += f":{info.CRC}:{info.file_size}"
        except (OSError, KeyError, zipfile.BadZipFile):
            return None
    return stamp


def _is_transient(exc: BaseException) -> bool:
    """A full disk, a lock or a read-only folder: the file itself is sound, so it is kept."""
    text = str(exc).lower()
    return any(w in text for w in ("full", "locked", "busy", "readonly", "read-only", "permission", "no space"))


CODE_SUFFIXES = frozenset({".py", ".toml", ".json"})


def code_digest(folders: Sequence[Path], files: Sequence[Path] = ()) -> str:
    """A digest of the code in `folders` (each file by its name inside its folder and its bytes, so the same code
    installed at another place gives the same digest) and of single `files` (by their bytes)."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in CODE_SUFFIXES):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    for path in sorted(files):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def run_key(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()
