"""What a `check` run reads: files named, folders searched recursively, and .zip archives of submissions.

Archives are never extracted to disk: each member is read into memory on its own, under limits, so an entry
named ``../../etc/x`` can write nothing anywhere (zip slip), and a member that inflates beyond its limit or far
beyond its compressed size (a zip bomb) is refused. Archives inside archives are refused.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from engine.errors import ErrorCode, ReadError
from engine.limits import DEFAULT as DEFAULT_LIMITS
from engine.limits import ReadLimits

DEFAULT_SUFFIXES = (".pdf", ".html", ".htm", ".docx", ".txt", ".json")
ARCHIVE_SUFFIXES = (".zip",)
NESTED_ARCHIVES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")


@dataclass(frozen=True)
class Submission:
    """One report to check: a file, or a member of a .zip archive (`member` set)."""

    file: Path
    member: str | None = None
    refused: str | None = None  # an archive that cannot be opened or is too large, as a whole
    # The bytes themselves, for a file that never touches the disk (an upload to the web page); `file` names it.
    data: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """How the report is named in results: the path, or archive/member."""
        return self.file.as_posix() + (f"/{self.member}" if self.member else "")

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.member).suffix.lower() if self.member else self.file.suffix.lower()

    def head(self, size: int = 4096) -> bytes:
        """The first bytes, to tell what the file holds; empty when it cannot be read."""
        if self.data is not None:
            return self.data[:size]
        try:
            if self.member is None and self.refused is None:
                with self.file.open("rb") as stream:
                    return stream.read(size)
            if self.member and self.refused is None:
                with zipfile.ZipFile(self.file) as archive, archive.open(self.member) as stream:
                    return stream.read(size)
        except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError):
            pass
        return b""

    def read_bytes(self, limits: ReadLimits = DEFAULT_LIMITS) -> bytes:
        if self.refused == "climbs":
            raise ReadError(ErrorCode.unreadable, "error.zip-slip")
        if self.refused == "too-large":
            raise ReadError(ErrorCode.too_large, "error.archive-too-large", limit=f"{limits.archive_mb:g} MB")
        if self.refused:
            raise ReadError(ErrorCode.unreadable, "error.archive-unreadable", detail=self.refused)
        if self.data is not None:
            if len(self.data) > limits.file_bytes:
                raise ReadError(ErrorCode.too_large, size=_mb(len(self.data)), limit=_mb(limits.file_bytes))
            return self.data
        if self.member is None:
            try:
                size = self.file.stat().st_size
                if size > limits.file_bytes:
                    raise ReadError(ErrorCode.too_large, size=_mb(size), limit=_mb(limits.file_bytes))
                return self.file.read_bytes()
            except OSError as exc:
                raise ReadError(ErrorCode.unreadable, detail=exc.strerror or str(exc)) from None
        try:
            with zipfile.ZipFile(self.file) as archive:
                info = archive.getinfo(self.member)
                return _read_member(archive, info, limits)
        except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method.
            if "encrypted" in str(exc) or "password" in str(exc):
                raise ReadError(ErrorCode.encrypted, "error.encrypted-archive") from None
            raise ReadError(ErrorCode.unreadable, detail=f"{type(exc).__name__}: {exc}") from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ReadLimits) -> bytes:
    declared_limit = min(limits.file_bytes, max(info.compress_size, 1) * limits.archive_ratio)
    if info.file_size > limits.file_bytes:
        raise ReadError(ErrorCode.too_large, size=_mb(info.file_size), limit=_mb(limits.file_bytes))
    chunks, total = [], 0
    with archive.open(info) as stream:
        # The header's sizes can lie: count what actually comes out.
        while chunk := stream.read(1 << 20):
            total += len(chunk)
            if total > declared_limit:
                raise ReadError(ErrorCode.too_large, "error.zip-bomb", ratio=limits.archive_ratio)
            chunks.append(chunk)
    return b"".join(chunks)


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _archive_members(path: Path, wanted: set[str], limits: ReadLimits) -> list[Submission]:
    """The members of an archive that are reports; nested archives are kept, to be refused one by one."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [i for i in archive.infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile) as exc:
        return [Submission(path, refused=f"{type(exc).__name__}: {exc}")]
    members = []
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if ".." in parts or name.startswith(("/", "\\")) or ":" in parts[0]:
            members.append(Submission(path, member=name, refused="climbs"))  # zip slip: refused, named
            continue
        if any(p.startswith(".") or p == "__MACOSX" for p in parts):
            continue
        suffix = PurePosixPath(name).suffix.lower()
        if suffix in wanted or suffix in NESTED_ARCHIVES:
            total += info.file_size
            members.append(Submission(path, member=name))
    if total > limits.archive_mb * 1024 * 1024:
        return [Submission(path, refused="too-large")]
    return members


def collect(
    paths: Iterable[str | Path], suffixes: Iterable[str] = DEFAULT_SUFFIXES, limits: ReadLimits = DEFAULT_LIMITS
) -> list[Submission]:
    """Submissions to check, without duplicates, sorted by name. A file named on the command line is always
    taken (an unsupported one gets its own error); in folders and archives only known suffixes are."""
    wanted = {s.lower() for s in suffixes}
    found: dict[str, Submission] = {}

    def add(sub: Submission) -> None:
        found.setdefault(sub.name, sub)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if not child.is_file() or any(p.startswith(".") for p in rel):
                    continue
                if child.suffix.lower() in ARCHIVE_SUFFIXES:
                    for sub in _archive_members(child, wanted, limits):
                        add(sub)
                elif child.suffix.lower() in wanted:
                    add(Submission(child))
        elif path.suffix.lower() in ARCHIVE_SUFFIXES and path.is_file():
            for sub in _archive_members(path, wanted, limits):
                add(sub)
        else:
            add(Submission(path))
    return sorted(found.values(), key=lambda s: s.name)
