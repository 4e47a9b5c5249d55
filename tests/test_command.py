"""Outside programs a reader runs (LibreOffice, Tesseract) are killed whole at their time limit: the program and
whatever it started (nianbao.engine.readers.command)."""

from __future__ import annotations

import time

import pytest
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.readers.command import run_group

from tests.conftest import alive


def test_a_program_past_its_time_is_killed_with_its_children(tmp_path):
    pidfile = tmp_path / "child"
    with pytest.raises(ReadError) as late:
        run_group(["sh", "-c", f"sleep 30 & echo $! > {pidfile}; wait"], timeout=0.5)
    assert late.value.code is ErrorCode.timeout
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)


def test_a_program_that_ends_gives_its_code_and_output():
    code, out, err = run_group(["sh", "-c", "echo made; echo said >&2; exit 3"], timeout=10)
    assert (code, out, err) == (3, b"made\n", b"said\n")
