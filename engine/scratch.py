"""The one place a check may write a report's pieces to disk: a private folder for a program that reads only files
(LibreOffice), removed on every way out.

A folder is named for the process that made it (`nianbao-<what>-<pid>-<random>`, mode 0700): removed when its work
ends; by the pool when it kills that process (a timeout, a cancel); and, when the whole run was killed, by the next
start, which removes every such folder whose process is gone. Folders an earlier version left (without a process in
their name) are removed once they are an hour old.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

PREFIX = "nianbao-"
_OURS = re.compile(r"^nianbao-[a-z]+-(\d+)-")
# Earlier versions' folders (no process in the name): left by a killed run, gone after this long.
_OLD_KINDS = ("nianbao-ocr-", "nianbao-convert-", "nianbao-upload-")
STALE_AFTER = 3600.0  # seconds


@contextlib.contextmanager
def scratch(what: str) -> Iterator[Path]:
    """A private folder for this process's work, removed when the work ends, however it ends."""
    folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{what}-{os.getpid()}-"))  # mkdtemp: mode 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clear_of(pid: int, base: Path | None = None) -> int:
    """Remove the folders of process `pid` (killed by its pool). Returns how many were removed."""
    return _remove(lambda owner: owner == pid, base)


def clear_orphans(base: Path | None = None) -> int:
    """Remove the folders whose process is gone (a run killed as a whole), and earlier versions' old ones."""
    return _remove(lambda owner: not _alive(owner), base)


def _remove(whose, base: Path | None) -> int:
    removed = 0
    folder = Path(base or tempfile.gettempdir())
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    now = time.time()
    for entry in entries:
        if not entry.name.startswith(PREFIX) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            if entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue  # another user's
            m = _OURS.match(entry.name)
            if m:
                doomed = whose(int(m.group(1)))
            else:
                doomed = entry.name.startswith(_OLD_KINDS) and now - entry.stat().st_mtime > STALE_AFTER
        except OSError:
            continue
        if doomed:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed += 1
    return removed


def _alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie, killed and never reaped by a container's first process, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError, IndexError):
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
        return state not in ("Z", "X")
    return True
