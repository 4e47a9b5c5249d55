"""Which files a `check` run reads: named files as given, folders searched recursively."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

DEFAULT_SUFFIXES = (".pdf", ".html", ".htm", ".docx", ".txt", ".json")


def collect(paths: Iterable[str | Path], suffixes: Iterable[str] = DEFAULT_SUFFIXES) -> list[Path]:
    """Files to check, without duplicates, sorted. A file named on the command line is always taken
    (an unsupported one gets its own error); inside folders only known suffixes are, hidden ones skipped."""
    wanted = {s.lower() for s in suffixes}
    found: dict[Path, None] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if child.is_file() and child.suffix.lower() in wanted and not any(p.startswith(".") for p in rel):
                    found.setdefault(child, None)
        else:
            found.setdefault(path, None)
    return sorted(found, key=lambda p: p.as_posix())
