"""Bad input, made on demand: the files a supervising office receives now and then.

`write_hostile(folder)` writes each kind next to one good report; `EXPECTED` says which error code each gets.
The PDFs are written byte by byte (`minimal_pdf`), so no tool is needed; the encrypted PDF is the one
committed file (LibreOffice made it), since writing PDF encryption by hand is beyond a test helper.
"""

from __future__ import annotations

import io
import random
import shutil
import warnings
import zipfile
import zlib
from pathlib import Path

from nianbao.engine.testing import amplifiers as A

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


def minimal_pdf(content: bytes, compress: bool = False, text: bool = False) -> bytes:
    """A valid one-page PDF whose page draws `content` (a content stream), optionally Flate-compressed."""
    stream = zlib.compress(content, 9) if compress else content
    filters = "/Filter /FlateDecode " if compress else ""
    font = "/Resources << /Font << /F1 5 0 R >> >> " if text else ""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {font}/Contents 4 0 R >>".encode(),
        f"<< {filters}/Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page with shapes and no text layer, as a scan without OCR is to a text extractor."""
    return minimal_pdf(b"0.5 g 50 50 495 742 re f 0 g 100 700 m 400 700 l S")


def pdf_bomb(megabytes: int = 400) -> bytes:
    """A content stream of a few hundred kilobytes that inflates to `megabytes` of spaces."""
    return minimal_pdf(b" " * (megabytes * 1024 * 1024), compress=True)


def zip_bomb(megabytes: int = 300) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("report.txt", b"\x20" * (megabytes * 1024 * 1024))
    return buffer.getvalue()


def deep_html(depth: int = 100_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "<p>一、总体情况</p>" + "</div>" * depth + "</body></html>").encode()


# file name → the error code it must get
EXPECTED = {
    "empty.pdf": "unreadable",
    "truncated.pdf": "unreadable",
    "random.pdf": "unreadable",
    "random.docx": "unreadable",
    "random.txt": "unreadable",
    "encrypted.pdf": "encrypted",
    "scanned.pdf": "no-text",
    "letter.txt": "not-a-report",
    "bomb.pdf": "too-large",
    "deep.html": "too-large",
    "huge.txt": "too-large",
    "bombs.zip/report.txt": "too-large",
    "climbs.zip/../../outside.txt": "unreadable",
    "nested.zip/inner.zip": "unsupported",
    # The amplifiers (nianbao.engine.testing.amplifiers): small files that cost much to read.
    "cycle.pdf": "unreadable",
    "laughs.pdf": "too-large",
    "lzw.pdf": "too-large",
    "streams.pdf": "too-large",
    "runlength.pdf": "too-large",
    "tounicode.pdf": "too-large",
    "objstm.pdf": "too-large",
    "grid.pdf": "too-large",
    "cells.json": "too-large",
    "nan.json": "unreadable",
    "table.html": "too-large",
    "lying.docx": "unreadable",
    "twins.zip/a.txt": "unreadable",
}
# Files that must be read and checked (no error), however they try: a megabyte without a full stop for the
# rules' regexes, UTF-8 with one stray byte, UTF-16 text.
CHECKED = ("long.txt", "claims.txt", "stray-byte.txt", "utf16.txt")


def write_hostile(folder: Path, huge_mb: int = 60) -> dict[str, str]:
    """Every kind of bad file, plus `good.txt` (a clean report) and `renamed.docx` (a PDF by content)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    good_pdf = (FIXTURES / "2021-qinghe.pdf").read_bytes()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 3])
    for name in ("random.pdf", "random.docx", "random.txt"):
        (folder / name).write_bytes(bytes(rng.randrange(256) for _ in range(20_000)))
    shutil.copy(FIXTURES / "hostile" / "encrypted.pdf", folder / "encrypted.pdf")
    (folder / "scanned.pdf").write_bytes(scanned_pdf())
    (folder / "letter.txt").write_text("关于召开工作会议的通知\n各科室：定于下周一上午开会。\n", encoding="utf-8")
    (folder / "bomb.pdf").write_bytes(pdf_bomb())
    (folder / "deep.html").write_bytes(deep_html())
    with (folder / "huge.txt").open("wb") as stream:
        line = "本年度共收到政府信息公开申请若干件，均已按时答复。\n".encode()
        for _ in range(huge_mb * 1024 * 1024 // len(line) + 1):
            stream.write(line)
    (folder / "bombs.zip").write_bytes(zip_bomb())
    with zipfile.ZipFile(folder / "climbs.zip", "w") as archive:
        archive.writestr("../../outside.txt", (ROOT / "reports" / "2020-nanyu-county.txt").read_bytes())
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as nested:
        nested.writestr("a.txt", "x")
    with zipfile.ZipFile(folder / "nested.zip", "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    amplifiers = {
        "cycle.pdf": A.reference_cycle_pdf,
        "laughs.pdf": A.xobject_laughs_pdf,
        "lzw.pdf": A.lzw_bomb_pdf,
        "streams.pdf": A.many_streams_pdf,
        "runlength.pdf": A.runlength_bomb_pdf,
        "tounicode.pdf": A.tounicode_bomb_pdf,
        "objstm.pdf": A.object_stream_pdf,
        "grid.pdf": A.ruled_grid_pdf,
        "cells.json": A.many_cells_json,
        "nan.json": A.nan_json,
        "table.html": A.huge_html_table,
        "lying.docx": A.lying_docx,
        "long.txt": A.long_sentence_report,
        "claims.txt": A.long_claims_report,
    }
    for name, make in amplifiers.items():
        (folder / name).write_bytes(make())
    with zipfile.ZipFile(folder / "twins.zip", "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns that the name is taken: that is the point
        for _ in range(2):
            archive.writestr("a.txt", "两份同名的报告")
    good = (ROOT / "reports" / "2022-qinghe-natural-resources.txt").read_bytes()
    (folder / "stray-byte.txt").write_bytes(good[:200] + b"\xff" + good[200:])
    (folder / "utf16.txt").write_bytes(good.decode("utf-8").encode("utf-16"))
    shutil.copy(ROOT / "reports" / "2022-qinghe-natural-resources.txt", folder / "good.txt")
    (folder / "renamed.docx").write_bytes(good_pdf)
    return dict(EXPECTED)
