"""One report that arrives in several files, handed to its reader as one run of bytes.

Two kinds, each behind its own first line, so the bytes are what is cached and hashed and a reader can tell them:
- numbered page images of one scan (报告_01.jpg, 报告_02.jpg…): the images one after another, each after its length;
- a portal page saved with its pictures (报告.html and the 报告_files folder a browser or Word writes beside it): the
  page, then each picture under its name relative to the page's folder, so the page's <img src> finds it.
"""

from __future__ import annotations

PAGES_MAGIC = b"NIANBAO-PAGES/1\n"
SAVED_MAGIC = b"NIANBAO-SAVED/1\n"


def _field(data: bytes, at: int) -> tuple[bytes, int]:
    size = int.from_bytes(data[at : at + 8], "big")
    return data[at + 8 : at + 8 + size], at + 8 + size


def _framed(part: bytes) -> bytes:
    return len(part).to_bytes(8, "big") + part


def pack_pages(pages: list[bytes]) -> bytes:
    return PAGES_MAGIC + b"".join(_framed(page) for page in pages)


def unpack_pages(data: bytes) -> list[bytes] | None:
    """The page images of a packed report, or None when `data` is no such pack."""
    if not data.startswith(PAGES_MAGIC):
        return None
    pages, at = [], len(PAGES_MAGIC)
    while at + 8 <= len(data):
        page, at = _field(data, at)
        pages.append(page)
    return pages


def pack_saved(page: bytes, files: dict[str, bytes]) -> bytes:
    """A saved page and its pictures, each named by its path relative to the page's folder (报告_files/image001.png)."""
    parts = [_framed(page)] + [_framed(name.encode("utf-8")) + _framed(data) for name, data in files.items()]
    return SAVED_MAGIC + b"".join(parts)


def unpack_saved(data: bytes) -> tuple[bytes, dict[str, bytes]] | None:
    """The page and its pictures by name, or None when `data` is no such pack."""
    if not data.startswith(SAVED_MAGIC):
        return None
    page, at = _field(data, len(SAVED_MAGIC))
    files: dict[str, bytes] = {}
    while at + 8 <= len(data):
        name, at = _field(data, at)
        files[name.decode("utf-8", "replace")], at = _field(data, at)
    return page, files
