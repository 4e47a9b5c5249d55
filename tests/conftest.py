"""Shared fixtures. Real published reports are read from ../shared (never copied); tests that need them
skip cleanly when it is absent."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from nianbao.engine.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_76a48cb7c346ee51.txt"
CORPUS = SHARED / "corpus" / "real"

# A shell without job control starts a background command with Ctrl-C (SIGINT) ignored, and every process it starts
# inherits that: the tests that press Ctrl-C on a command would then watch it run on. Started so (`pytest ... &`),
# the suite gives its commands Ctrl-C as a terminal would.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


# Modules whose tests read scans with Tesseract, drive Chromium or LibreOffice, start servers or clusters under load or
# build an office's batch of hundreds of reports: the slow tier (single tests elsewhere carry @pytest.mark.slow).
# `pytest -m "not slow"` is the fast tier for development (1.5 min on 2 cores); CI runs both.
SLOW_MODULES = frozenset(
    {
        "test_ocr", "test_scans", "test_geometry", "test_pictures", "test_raster", "test_browser", "test_converters",
        "test_web_bounds", "test_reliability", "test_ocr_text", "test_office", "test_roster_accounting",
        "test_word_layouts", "test_cluster",
    }
)  # fmt: skip


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _work_in_tmp(tmp_path, monkeypatch):
    """Each test runs in its own folder, so the results cache of one never serves another."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def _messages_complete(caplog):
    """A message rendered without one of its parameters is a bug, even though users still get the text."""
    yield
    broken = [r.getMessage() for r in caplog.records if "lacks a parameter" in r.getMessage()]
    assert not broken, broken


@pytest.fixture
def seed_text() -> str:
    if not SEED.is_file():
        pytest.skip("../shared/seeds is not present")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture
def run(capsys):
    """Run the nianbao CLI in-process: returns (exit code, stdout, stderr)."""

    def _run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


@pytest.fixture
def run_json(run):
    """`nianbao check … --format json`, parsed."""

    def _run(*args: str) -> tuple[int, dict]:
        code, out, err = run("check", *args, "--format", "json", "--no-progress")
        assert "Traceback" not in err
        return code, json.loads(out)

    return _run


def nianbao_process(
    *args, extra_path: Path | None = None, env: dict | None = None, **kwargs
) -> subprocess.CompletedProcess:
    """`python -m nianbao.engine.cli.main ARGS` in a process of its own (for what needs one: plugins installed
    elsewhere, process limits, killing); `env` adds to the environment."""
    paths = [str(p) for p in (extra_path, ROOT) if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), **(env or {})}
    kwargs.setdefault("timeout", 300)
    return subprocess.run(
        [sys.executable, "-m", "nianbao.engine.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        **kwargs,
    )


# --- processes (Linux /proc): what a test looks for after a check is stopped ------------------------------------


def descendants(pid: int) -> set[int]:
    """Every process `pid` started, still there (nianbao.engine.batch.tree walks the same tree for the pool)."""
    from nianbao.engine.batch.tree import descendants as walk

    return set(walk(pid)[1:])


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for its parent does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def processes_with(marker: str) -> list[int]:
    """Processes whose command line holds `marker` (a private folder's path, a script's tag: only this test's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if marker.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found
