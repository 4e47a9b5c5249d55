"""What a file really holds, by its first bytes: for files renamed to the wrong extension."""

from __future__ import annotations

import io
import zipfile


def sniff(data: bytes) -> str | None:
    """ "pdf", "docx", "html", "json", or None when the content does not say."""
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else None
        except (zipfile.BadZipFile, OSError):
            return None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return "html"
    if text.startswith(b"{") and b'"schema"' in head:
        return "json"
    return None
