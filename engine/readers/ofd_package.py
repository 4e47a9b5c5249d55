"""An OFD package (GB/T 33190: a zip of XML members) opened under the limits every archive is read under: members,
each member's inflated size (counted as it comes out), all members together, XML nesting depth; no DTD or entity is
accepted. Shared by the OFD reader (nianbao.engine.readers.ofd) for its pages and their pictures.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO
from pathlib import PurePosixPath
from xml.etree import ElementTree as ET

from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.limits import current
from nianbao.engine.readers.base import bounded_member

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if local(e.tag) == name]


def numbers(text: str | None) -> list[float]:
    return [float(n) for n in NUMBER.findall(text or "")]


class Package:
    """The OFD's members, read under the limits."""

    def __init__(self, data: bytes):
        limits = current()
        self.member_limit = int(limits.markup_mb * 1024 * 1024)
        self.total_limit = int(limits.archive_mb * 1024 * 1024)
        self.read_so_far = 0
        self.depth = limits.html_depth
        try:
            self.archive = zipfile.ZipFile(BytesIO(data))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            raise ReadError(ErrorCode.unreadable, detail=f"not a valid OFD (zip): {exc}") from None
        if len(infos) > limits.archive_members:
            raise ReadError(ErrorCode.too_large, size=f"{len(infos)} members", limit=str(limits.archive_members))
        self.names = {PurePosixPath(i.filename.lstrip("/")).as_posix(): i for i in infos}

    def xml(self, name: str) -> ET.Element:
        info = self.names.get(PurePosixPath(name.lstrip("/")).as_posix())
        if info is None:
            raise ReadError(ErrorCode.unreadable, detail=f"OFD member missing: {name}")
        try:
            data = bounded_member(self.archive, info, self.member_limit)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise ReadError(ErrorCode.unreadable, detail=f"OFD member {name}: {exc}") from None
        self.read_so_far += len(data)
        if self.read_so_far > self.total_limit:
            raise ReadError(ErrorCode.too_large, size=f"> {mb(self.total_limit)}", limit=mb(self.total_limit))
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise ReadError(ErrorCode.unreadable, detail=f"OFD member {name} declares a DTD or entities")
        return self._parse(name, data)

    def raw(self, name: str) -> bytes:
        """A member's bytes (a page image), under the same bounds as the XML members."""
        info = self.names.get(PurePosixPath(name.lstrip("/")).as_posix())
        if info is None:
            raise ReadError(ErrorCode.unreadable, detail=f"OFD member missing: {name}")
        try:
            data = bounded_member(self.archive, info, current().file_bytes)
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
            raise ReadError(ErrorCode.unreadable, detail=f"OFD member {name}: {exc}") from None
        self.read_so_far += len(data)
        if self.read_so_far > self.total_limit:
            raise ReadError(ErrorCode.too_large, size=f"> {mb(self.total_limit)}", limit=mb(self.total_limit))
        return data

    def _parse(self, name: str, data: bytes) -> ET.Element:
        depth = 0
        root = None
        try:
            for event, element in ET.iterparse(BytesIO(data), events=("start", "end")):
                if event == "start":
                    depth += 1
                    root = element if root is None else root
                    if depth > self.depth:
                        raise ReadError(ErrorCode.too_large, "error.ofd-too-deep", depth=self.depth)
                else:
                    depth -= 1
        except ET.ParseError as exc:
            raise ReadError(ErrorCode.unreadable, detail=f"damaged OFD member {name}: {exc}") from None
        if root is None:
            raise ReadError(ErrorCode.unreadable, detail=f"empty OFD member {name}")
        return root


def mb(size: int) -> str:
    return f"{size / 2**20:g} MB"


def resolve(base: str, location: str) -> str:
    """A member named relative to the member that names it (or to the package root when it starts with /)."""
    if location.startswith("/"):
        return location.lstrip("/")
    parts: list[str] = []
    for part in (PurePosixPath(base).parent / location).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)
