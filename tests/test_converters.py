"""The outside programs a check runs (LibreOffice, Tesseract) stay inside its bounds: no network, nothing of the
report left on disk, and no program outliving its check, whether the check ends, times out or its run is killed.
Needs LibreOffice (and Tesseract for the scan); the tests skip with that reason without them."""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from nianbao.engine.readers.legacy import soffice
from nianbao.engine.scratch import clear_orphans
from nianbao.engine.testing.amplifiers import odt

from tests.conftest import ROOT, processes_with
from tests.conftest import nianbao_process as nianbao

needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed here")


def _odt(path: Path, body: str) -> Path:
    path.write_bytes(odt(body))
    return path


def _slow_odt(path: Path, paragraphs: int = 150_000) -> Path:
    """A small .odt (tens of KB packed) whose many short paragraphs keep LibreOffice busy for several seconds (a long
    table would be refused before conversion: nianbao.engine.readers.legacy.refuse_long_tables)."""
    return _odt(path, "<text:p>一二三四五六七八九十</text:p>" * paragraphs)


@needs_libreoffice
def test_a_table_longer_than_any_report_is_refused_before_conversion(tmp_path):
    from nianbao.engine.testing.amplifiers import big_table_odt

    started = time.monotonic()
    run = nianbao("check", _write(tmp_path / "rows.odt", big_table_odt(20_000)), "--no-cache", "--format", "json")
    error = json.loads(run.stdout)["results"][0]["error"]
    assert error["code"] == "too-large" and "2,000" in error["message"], error
    assert time.monotonic() - started < 20  # no layout of 20,000 rows (40 s): refused from the file's own XML


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@needs_libreoffice
def test_a_linked_picture_is_never_fetched(tmp_path):
    """An .odt that links a picture at an address: converting it sends no request (the profile blocks linked
    content, and a network namespace of its own keeps the program off the network where the system allows)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        port = server.server_address[1]
        frame = (
            '<text:p><draw:frame draw:name="i" svg:width="5cm" svg:height="5cm" text:anchor-type="paragraph">'
            f'<draw:image xlink:href="http://127.0.0.1:{port}/image.png" xlink:type="simple" xlink:show="embed" '
            'xlink:actuate="onLoad"/></draw:frame></text:p>'
        )
        run = nianbao("check", _odt(tmp_path / "linked.odt", frame), "--no-cache", "--format", "json")
        assert run.returncode in (0, 1, 2) and "Traceback" not in run.stderr
        assert '"linked.odt"' in run.stdout or "linked.odt" in run.stdout
    finally:
        server.shutdown()
    assert hits == []


@needs_libreoffice
def test_a_conversion_past_its_time_leaves_no_program_and_no_folder(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    slow = _slow_odt(tmp_path / "slow.odt")
    good = tmp_path / "good.txt"
    good.write_bytes((ROOT / "reports" / "2022-qinghe-natural-resources.txt").read_bytes())
    run = nianbao("check", slow, good, "--timeout", "4", "--no-cache", "--format", "json", env={"TMPDIR": str(temp)})
    assert '"timeout"' in run.stdout and '"青禾市自然资源局"' in run.stdout  # the slow file alone, the rest checked
    time.sleep(1)
    assert not processes_with(str(temp)) and not list(temp.glob("nianbao-convert-*"))


@needs_libreoffice
def test_a_run_killed_mid_conversion_leaves_no_program_and_its_folder_goes_next_start(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    slow = _slow_odt(tmp_path / "slow.odt")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "check", str(slow), "--no-cache", "--timeout", "120"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(300):  # until LibreOffice is at work on it
            if processes_with(str(temp)) and list(temp.glob("nianbao-convert-*")):
                break
            time.sleep(0.1)
        assert processes_with(str(temp)), "LibreOffice never started"
        time.sleep(1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    for _ in range(50):
        if not processes_with(str(temp)):
            break
        time.sleep(0.1)
    assert not processes_with(str(temp))  # the kernel killed the worker, and the worker's converter with it
    assert clear_orphans(temp) >= 1 and not list(temp.iterdir())  # what the next start does


def test_a_scan_writes_nothing_to_disk(tmp_path):
    """A scan's pages and every cell crop go to Tesseract in memory: nothing appears in the temporary folder while
    the check runs, other than the run's own store of results."""
    from nianbao.engine.readers.scan.reader import ocr_ready
    from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

    if not ocr_ready():
        pytest.skip("Tesseract with chi_sim and eng is not installed (apt install tesseract-ocr-chi-sim)")
    temp = tmp_path / "tmp"
    temp.mkdir()
    source = (ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes()
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf(scanned_pages(source, ScanSpec(dpi=200, skew=1.0, seed=2)), 200))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "check", str(scan), "--no-cache"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    seen: set[str] = set()
    while proc.poll() is None:
        seen |= {p.name for p in temp.rglob("*")}
        time.sleep(0.05)
    assert proc.returncode in (0, 1)
    assert not [name for name in seen if not name.startswith("nianbao-run-")], seen
    assert not list(temp.iterdir())
