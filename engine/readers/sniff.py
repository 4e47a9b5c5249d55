"""What a file really holds, by its first bytes: for files renamed to the wrong extension."""

from __future__ import annotations


def _utf16(name: bytes) -> bytes:
    return b"".join(bytes([c, 0]) for c in name)


def sniff(data: bytes) -> str | None:
    """ "pdf", "docx", "ofd", "doc" (an OLE container: Word 97 or WPS), "sheet" (an OLE workbook: .xls, .et),
    "image" (PNG, JPEG, TIFF), "html", "json",
    or None when the content does not say."""
    head = data[:2048]
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # An OLE container: Word 97 (its "WordDocument" stream), or an Excel/WPS workbook ("Workbook", "Book").
        if _utf16(b"WordDocument") in data or not (_utf16(b"Workbook") in data or _utf16(b"Book\x00") in data):
            return "doc"
        return "sheet"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        # Member names stand in the archive's headers in the clear: no need to open it (the reader will).
        if b"word/document.xml" in data:
            return "docx"
        return "ofd" if b"OFD.xml" in data else None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return "html"
    if text.startswith(b"{") and b'"schema"' in head:
        return "json"
    return None
