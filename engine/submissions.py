"""What a `check` run reads: files named, folders searched recursively, and .zip archives of submissions.

Archives are never extracted to disk: each member is read into memory on its own, under limits, so an entry
named ``../../etc/x`` can write nothing anywhere (zip slip), and a member that inflates beyond its limit or far
beyond its compressed size (a zip bomb) is refused. Archives inside archives are refused, and so are members
that share a name (by that name) and archives with more members than the limit.

Each process keeps its archives open (`open_archive`), so the central directory of a zip of 100,000 reports is
read once per process, not once per member.
"""

from __future__ import annotations

import io
import os
import re
import stat
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import DEFAULT as DEFAULT_LIMITS
from nianbao.engine.limits import ReadLimits
from nianbao.engine.packs import pack_pages, pack_saved

DEFAULT_SUFFIXES = (".pdf", ".html", ".htm", ".docx", ".txt", ".json")
ARCHIVE_SUFFIXES = (".zip",)
NESTED_ARCHIVES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz")


_OPEN_ARCHIVES: OrderedDict[tuple[int, str, int, int], zipfile.ZipFile] = OrderedDict()
_KEEP_OPEN = 4


def open_archive(path: Path) -> zipfile.ZipFile:
    """The archive at `path`, opened once per process and kept (a few at a time) while it is unchanged.
    Keyed by process id too: a forked worker must not share its parent's file position."""
    info = path.stat()
    key = (os.getpid(), str(path), info.st_size, info.st_mtime_ns)
    archive = _OPEN_ARCHIVES.get(key)
    if archive is None:
        archive = zipfile.ZipFile(path)
        _OPEN_ARCHIVES[key] = archive
        while len(_OPEN_ARCHIVES) > _KEEP_OPEN:
            old_key, old = _OPEN_ARCHIVES.popitem(last=False)
            if old_key[0] == os.getpid():
                old.close()
    _OPEN_ARCHIVES.move_to_end(key)
    return archive


@dataclass(frozen=True, slots=True)
class Submission:
    """One report to check: a file, or a member of a .zip archive (`member` set)."""

    file: Path
    member: str | None = None
    refused: str | None = None  # an archive that cannot be opened or is too large, as a whole
    # The bytes themselves, for a file that never touches the disk (an upload to the web page); `file` names it.
    data: bytes | None = field(default=None, repr=False, compare=False)
    # One report sent as numbered page images (nianbao.engine.submissions.grouped): each page's path, or member of the
    # archive `file`, in page order; `file` and `member` are the first page's.
    pages: tuple[str, ...] = ()
    # A portal page saved with its folder of pictures (nianbao.engine.submissions.saved_pages): each picture's path, or
    # member of the archive `file`; `file` and `member` are the page's.
    files: tuple[str, ...] = ()
    # What an earlier run read of the same bytes (nianbao.engine.batch.cache keeps it): the report model as JSON, or why
    # it could not be read (code, message key, parameters). With either, the checker reads nothing.
    read_before: str | tuple[str, str, dict] | None = field(default=None, repr=False, compare=False)

    @property
    def name(self) -> str:
        """How the report is named in results: the path, or archive/member; numbered page images as their first
        name with the range of numbers (扫描件/报告_{1-16}.jpg)."""
        if self.pages:
            first, last = PurePosixPath(self.pages[0]), PurePosixPath(self.pages[-1])
            stem = _NUMBERED.match(first.stem)
            end = _NUMBERED.match(last.stem)
            assert stem is not None and end is not None
            where = f"{self.file.as_posix()}/" if self.member else ""
            folder = "" if str(first.parent) == "." else f"{first.parent.as_posix()}/"
            numbers = f"{{{stem['number']}-{end['number']}}}"
            return f"{where}{folder}{stem['stem']}{numbers}{stem['tail'] or ''}{first.suffix}"
        return self.file.as_posix() + (f"/{self.member}" if self.member else "")

    @property
    def size(self) -> int:
        """Its bytes as far as known without reading it: the bytes given, or the file's size on disk; 0 for an
        archive's member or a file that is gone (for ordering work and bounding what is in flight)."""
        if self.data is not None:
            return len(self.data)
        try:
            return self.file.stat().st_size if self.member is None else 0
        except OSError:
            return 0

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.member).suffix.lower() if self.member else self.file.suffix.lower()

    def open(self) -> IO[bytes]:
        """The bytes as a stream (the file, the archive member, or the bytes given), without the size bounds of
        `read_bytes`: for reading a little (`head`) or a chunk at a time."""
        if self.data is not None:
            return io.BytesIO(self.data)
        if self.refused is not None:
            raise OSError(f"refused: {self.refused}")
        if self.member is not None:
            return open_archive(self.file).open(self.member)
        return self.file.open("rb")

    def head(self, size: int = 4096) -> bytes:
        """The first bytes, to tell what the file holds; empty when it cannot be read."""
        try:
            with self.open() as stream:
                return stream.read(size)
        except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError):
            return b""

    def read_bytes(self, limits: ReadLimits = DEFAULT_LIMITS) -> bytes:
        if self.data is not None and (self.pages or self.files):
            return self.data  # packed where they were read (a cluster's worker gets them so), bounded there
        if self.pages:
            return self._read_pages(limits)
        if self.files:
            return self._read_saved(limits)
        if self.refused == "climbs":
            raise ReadError(ErrorCode.unreadable, "error.zip-slip")
        if self.refused == "too-large":
            raise ReadError(ErrorCode.too_large, "error.archive-too-large", limit=f"{limits.archive_mb:g} MB")
        if self.refused == "too-many":
            raise ReadError(ErrorCode.too_large, "error.archive-too-many", limit=limits.archive_members)
        if self.refused == "duplicate":
            raise ReadError(ErrorCode.unreadable, "error.archive-duplicate", name=self.member)
        if self.refused == "special":
            raise ReadError(ErrorCode.unsupported, "error.special-file")
        if self.refused:
            raise ReadError(ErrorCode.unreadable, "error.archive-unreadable", detail=self.refused)
        if self.data is not None:
            if len(self.data) > limits.file_bytes:
                raise ReadError(ErrorCode.too_large, size=_mb(len(self.data)), limit=_mb(limits.file_bytes))
            return self.data
        if self.member is None:
            try:
                info = self.file.stat()
                if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
                    raise ReadError(ErrorCode.unsupported, "error.special-file")
                if info.st_size > limits.file_bytes:
                    raise ReadError(ErrorCode.too_large, size=_mb(info.st_size), limit=_mb(limits.file_bytes))
                with self.file.open("rb") as stream:
                    data = stream.read(limits.file_bytes + 1)  # the file may grow after the stat
                if len(data) > limits.file_bytes:
                    raise ReadError(
                        ErrorCode.too_large, size=f"> {_mb(limits.file_bytes)}", limit=_mb(limits.file_bytes)
                    )
                return data
            except FileNotFoundError:
                raise ReadError(ErrorCode.unreadable, "error.not-found") from None
            except OSError as exc:
                raise ReadError(ErrorCode.unreadable, detail=exc.strerror or str(exc)) from None
        try:
            archive = open_archive(self.file)
            return _read_member(archive, archive.getinfo(self.member), limits)
        except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: an unknown compression method.
            if "encrypted" in str(exc) or "password" in str(exc):
                raise ReadError(ErrorCode.encrypted, "error.encrypted-archive") from None
            raise ReadError(ErrorCode.unreadable, detail=f"{type(exc).__name__}: {exc}") from None

    def _read_pages(self, limits: ReadLimits) -> bytes:
        """The page images packed one after another (`pack_pages`), their total bounded like one file's."""
        return pack_pages(self._read_parts(self.pages, limits))

    def _read_saved(self, limits: ReadLimits) -> bytes:
        """The saved page and its pictures (`pack_saved`), named relative to the page's folder, bounded together."""
        page = Submission(self.file, member=self.member)
        parts = self._read_parts((page.member or page.file.as_posix(), *self.files), limits)
        folder = PurePosixPath(self.member or self.file.as_posix()).parent
        names = [PurePosixPath(name).relative_to(folder).as_posix() for name in self.files]
        return pack_saved(parts[0], dict(zip(names, parts[1:], strict=True)))

    def _read_parts(self, names: tuple[str, ...], limits: ReadLimits) -> list[bytes]:
        parts, total = [], 0
        for name in names:
            one = Submission(self.file, member=name) if self.member else Submission(Path(name))
            data = one.read_bytes(limits)
            total += len(data)
            if total > limits.file_bytes:
                raise ReadError(ErrorCode.too_large, size=f"> {_mb(limits.file_bytes)}", limit=_mb(limits.file_bytes))
            parts.append(data)
        return parts


PAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
# A page image's name: anything, then its page number (报告_01, page-2, 扫描件第3页, IMG_0004).
_NUMBERED = re.compile(r"^(?P<stem>.*?)(?P<number>\d{1,4})(?P<tail>页)?$")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
# The folder a browser ("Save page, complete") or Word ("Save as web page") writes beside 报告.html: 报告_files, or
# 报告.files in Chinese Word.
_SAVED_FOLDER = re.compile(r"^(?P<stem>.+?)(?:_files|\.files)$", re.I)
# Pictures a saved page can show (the rest of its folder, styles and scripts, is only the page's dress).
PICTURE_SUFFIXES = (*PAGE_SUFFIXES, ".gif", ".bmp", ".webp")


def page_order(name: str) -> tuple[str, int, str]:
    """How page images sort: by the name before the page number, then the number (page 2 before page 10)."""
    stem = PurePosixPath(name.replace("\\", "/")).stem
    match = _NUMBERED.match(stem)
    return (match["stem"], int(match["number"]), stem) if match else (stem, 0, stem)


def saved_pages(subs: list[Submission]) -> list[Submission]:
    """Portal pages saved with their pictures: 报告.html (or .htm) and, beside it, the folder 报告_files (or 报告.files)
    the browser or Word wrote. The folder's pictures go with the page, and the folder is no submission of its own (its
    styles and scripts are the page's dress, its pictures may be the page's tables)."""
    key = _folder_key
    pages = {}
    for sub in subs:
        if not sub.refused and sub.data is None and sub.suffix in HTML_SUFFIXES:
            pages[key(sub, _path(sub).parent, _path(sub).stem)] = sub
    belongings: dict[int, list[Submission]] = {}
    absorbed: set[int] = set()
    for sub in subs:
        path = _path(sub)
        for folder in path.parents:
            match = _SAVED_FOLDER.match(folder.name)
            page = pages.get(key(sub, folder.parent, match["stem"])) if match else None
            if page is not None:
                absorbed.add(id(sub))
                if sub.suffix in PICTURE_SUFFIXES and not sub.refused:
                    belongings.setdefault(id(page), []).append(sub)
                break
    out = []
    for sub in subs:
        if id(sub) in absorbed:
            continue
        if id(sub) in belongings:
            found = sorted(belongings[id(sub)], key=lambda s: s.name)
            sub = Submission(sub.file, member=sub.member, files=tuple(s.member or s.file.as_posix() for s in found))
        out.append(sub)
    return out


def _path(sub: Submission) -> PurePosixPath:
    return PurePosixPath(sub.member.replace("\\", "/")) if sub.member else PurePosixPath(sub.file.as_posix())


def _folder_key(sub: Submission, folder: PurePosixPath, stem: str) -> tuple[str | None, str, str]:
    return (sub.file.as_posix() if sub.member else None, folder.as_posix(), stem.lower())


def grouped(subs: list[Submission]) -> list[Submission]:
    """Page images of one report sent as separate files, made one submission: images in one folder (or one folder
    of an archive) whose names differ only in a page number at their end (and are more than that number), two or
    more of them, each number once.
    They are the pages in the numbers' order."""
    groups: dict[tuple, list[tuple[int, Submission]]] = {}
    for sub in subs:
        if sub.refused or sub.data is not None or sub.pages or sub.files or sub.suffix not in PAGE_SUFFIXES:
            continue
        name = PurePosixPath(sub.member) if sub.member else PurePosixPath(sub.file.as_posix())
        match = _NUMBERED.match(name.stem)
        if match is None or not match["stem"].strip(" _-.第"):
            continue  # a name that is only a number (2023.png, 2024.png) says nothing of belonging together
        key = (sub.file.as_posix() if sub.member else None, name.parent.as_posix(), match["stem"], sub.suffix)
        groups.setdefault(key, []).append((int(match["number"]), sub))
    taken: set[int] = set()
    made: list[Submission] = []
    for members in groups.values():
        numbers = [n for n, _ in members]
        if len(members) < 2 or len(set(numbers)) != len(numbers):
            continue
        members.sort(key=lambda pair: pair[0])
        first = members[0][1]
        made.append(
            Submission(first.file, member=first.member, pages=tuple(s.member or s.file.as_posix() for _, s in members))
        )
        taken.update(id(s) for _, s in members)
    return [s for s in subs if id(s) not in taken] + made


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


def _archive_members(path: Path, limits: ReadLimits) -> list[Submission]:
    """The members of an archive (every file but hidden ones and system leftovers); nested archives are kept, to be
    refused one by one."""
    try:
        infos = [i for i in open_archive(path).infolist() if not i.is_dir()]
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        return [Submission(path, refused=f"{type(exc).__name__}: {exc}")]
    if len(infos) > limits.archive_members:
        return [Submission(path, refused="too-many")]
    members = []
    total = 0
    seen: dict[str, int] = {}
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if ".." in parts or name.startswith(("/", "\\")) or ":" in parts[0]:
            members.append(Submission(path, member=name, refused="climbs"))  # zip slip: refused, named
            continue
        if not _wanted(name):
            continue
        total += info.file_size
        if name in seen:  # two members under one name: which is the report? Refused, by that name.
            members[seen[name]] = Submission(path, member=name, refused="duplicate")
            continue
        seen[name] = len(members)
        members.append(Submission(path, member=name))
    if total > limits.archive_mb * 1024 * 1024:
        return [Submission(path, refused="too-large")]
    return members


# Files a folder or an archive holds that are no submission: what operating systems leave behind.
JUNK = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})


def _wanted(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return not any(p.startswith(".") or p == "__MACOSX" for p in parts) and parts[-1].lower() not in JUNK


def collect(paths: Iterable[str | Path], limits: ReadLimits = DEFAULT_LIMITS) -> list[Submission]:
    """Submissions to check, without duplicates, sorted by name. Every file found is one, whatever its kind: one
    Nianbao cannot read is refused with its code and what to do, never left out (an organ would vanish from the
    ranking); numbered page images of one report are one (`grouped`), and so is a page saved with its folder of
    pictures (`saved_pages`). Hidden files and what operating systems leave behind (Thumbs.db, __MACOSX) are not
    submissions."""
    found: dict[str, Submission] = {}

    def add(sub: Submission) -> None:
        found.setdefault(sub.name, sub)

    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or not _wanted(child.relative_to(path).as_posix()):
                    continue
                if child.suffix.lower() in ARCHIVE_SUFFIXES:
                    for sub in _archive_members(child, limits):
                        add(sub)
                else:
                    add(Submission(child))
        elif path.suffix.lower() in ARCHIVE_SUFFIXES and path.is_file():
            for sub in _archive_members(path, limits):
                add(sub)
        elif path.exists() and not path.is_file():
            add(Submission(path, refused="special"))  # a FIFO or device named on the command line: never opened
        else:
            add(Submission(path))
    return sorted(grouped(saved_pages(list(found.values()))), key=lambda s: s.name)
