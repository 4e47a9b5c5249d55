"""An outside program a reader needs (LibreOffice, Tesseract), run under the file's time limit: in a process group
of its own, killed whole (helpers included) when it runs past its time or the reader stops waiting for it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path

from engine.errors import ErrorCode, ReadError


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
        start_new_session=True,
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
