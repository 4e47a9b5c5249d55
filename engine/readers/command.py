"""An outside program a reader needs (LibreOffice, Tesseract), run under the file's time limit: in a process group
of its own, killed whole (helpers included) when it runs past its time or the reader stops waiting for it, and
killed by the kernel when the process that started it dies (a worker killed for its time, a cancelled check, a run
killed as a whole): no converter outlives its check."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import subprocess
from functools import cache
from pathlib import Path

from nianbao.engine.errors import ErrorCode, ReadError


def run_group(
    args: list[str],
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    data: bytes | None = None,
) -> tuple[int, bytes, bytes]:
    """The program's exit code, output and error output; `timeout` (the file's limit, in the error) when it runs
    longer than `timeout` seconds. `data` is given on its standard input."""
    process = subprocess.Popen(
        args,
        stdin=subprocess.PIPE if data is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=env,
        process_group=0,  # a group of its own to kill whole; not a session, which would escape the check's share
        # of the CPU (a new session is a new scheduling group of its own where the kernel groups by session)
        preexec_fn=_die_with_parent if _LIBC is not None else None,
    )
    try:
        out, err = process.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        raise ReadError(ErrorCode.timeout, seconds=f"{timeout:g}") from None
    finally:
        if process.poll() is None:
            _kill_group(process)
    return process.returncode, out, err


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _libc()  # loaded before any fork: the child between fork and exec only calls into it
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before the program starts: the kernel kills it when its parent (the worker) dies."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


@cache
def offline() -> tuple[str, ...]:
    """A prefix that runs a program with no network (a network namespace of its own, `unshare`), where the system
    allows one: as root (`-n`), or in a user namespace (`-rn`), which clears the parent-death signal, so `setpriv`
    sets it again. Empty where neither works: the program then runs with the network (its own settings off)."""
    unshare, setpriv = shutil.which("unshare"), shutil.which("setpriv")
    if unshare is None:
        return ()
    keep = (setpriv, "--pdeathsig", "KILL") if setpriv else ()
    for flags in (("-n",), ("-rn",) if keep else ()):
        if flags and _works([unshare, *flags, *keep, "true"]):
            return (unshare, *flags, *keep)
    return ()


def _works(args: list[str]) -> bool:
    try:
        return subprocess.run(args, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False
