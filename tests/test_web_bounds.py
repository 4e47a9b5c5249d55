"""The self-check page under attack and under load: every hostile file answered with its code, foreign pages and
hosts refused, security headers on every answer, and a bounded process tree when fifty clients post at once."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from nianbao.engine.batch.tree import tree_resident
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.checking.profile import Profile
from nianbao.engine.testing import amplifiers as A
from nianbao.engine.testing.hostile import CHECKED, write_hostile
from nianbao.engine.web.app import create_app
from nianbao.engine.web.intake import MAX_UPLOAD
from starlette.testclient import TestClient

from tests.conftest import ROOT, descendants

GOOD = ROOT / "reports" / "2022-qinghe-natural-resources.txt"
BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def client():
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    with TestClient(create_app(checker, timeout=30, memory_mb=1024), base_url=BASE) as c:
        yield c


def test_every_hostile_file_gets_its_code_on_the_web(client, tmp_path):
    folder = tmp_path / "in"
    expected = write_hostile(folder, huge_mb=21)
    for name, code in expected.items():
        if "/" in name:
            continue  # archive members: the page takes one report, not archives
        data = (folder / name).read_bytes()
        answer = client.post("/api/check", files={"file": (name, data)})
        assert answer.status_code < 500, name
        body = answer.json()
        if len(data) > MAX_UPLOAD:
            assert answer.status_code == 413 and body["error"]["code"] == "too-large", name
            continue
        if answer.status_code == 415:
            assert code == "unsupported", name
            continue
        error = body["results"][0]["error"]
        assert error is not None and error["code"] == code, (name, error)
        assert "Traceback" not in error["message"]
    for name in CHECKED:
        answer = client.post("/api/check", files={"file": (name, (folder / name).read_bytes())})
        assert answer.json()["results"][0]["error"] is None, name


def test_security_headers_on_every_answer(client):
    for answer in (client.get("/"), client.post("/check", files={"file": ("a.txt", GOOD.read_bytes())})):
        assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
        assert answer.headers["x-frame-options"] == "DENY"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "same-origin"


def test_a_foreign_host_name_is_refused(client):
    answer = client.get("/", headers={"Host": "evil.example"})
    assert answer.status_code == 421 and "127.0.0.1" in answer.text


def test_another_site_cannot_post_here(client):
    files = {"file": ("a.txt", GOOD.read_bytes())}
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        answer = client.post("/api/check", files=files, headers=headers)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "cross-site"
    same = client.post("/api/check", files=files, headers={"Origin": BASE, "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 200


def test_a_broken_upload_gets_a_readable_page(client):
    cut_short = b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nno end'
    for content_type, body in (("multipart/form-data", b"x"), ("multipart/form-data; boundary=xyz", cut_short)):
        answer = client.post("/check", content=body, headers={"Content-Type": content_type})
        assert answer.status_code == 400 and 'role="alert"' in answer.text and "Traceback" not in answer.text
    answer = client.post("/check", content=b"x", headers={"Content-Type": "multipart/form-data"})
    assert "重新选择文件" in answer.text


# --- a real server, under load ----------------------------------------------------------------------------

POOL, QUEUE, TIMEOUT, MEMORY_MB = 2, 6, 10, 512


def _wait_up(url: str) -> None:
    """Until the server at `url` answers (at most 15 s)."""
    for _ in range(150):
        try:
            urllib.request.urlopen(url + "/", timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)


def _upload_and_hold(port: int, name: str, data: bytes) -> socket.socket:
    """A check asked for over a raw connection that the test keeps open (and may close, as a clerk closes a tab)."""
    from tests.test_reliability import _multipart

    body, boundary = _multipart(name, data)
    head = (
        f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n"
    ).encode()
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(head + body)
    return connection


@pytest.fixture
def server(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    profile = tmp_path / "profile.toml"
    profile.write_text(f"[limits]\ntimeout = {TIMEOUT}\nworker_memory_mb = {MEMORY_MB}\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "serve", "--port", str(port), "--profile", str(profile),
         "--workers", str(POOL), "--queue", str(QUEUE)],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    _wait_up(url)
    yield proc, url
    proc.kill()
    proc.wait()


def _post(url: str, name: str, data: bytes) -> tuple[int, float, dict]:
    boundary = "nianbao-load-test"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url + "/api/check", data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=300) as answer:
            return answer.status, time.monotonic() - started, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, time.monotonic() - started, {"retry": err.headers.get("Retry-After")}


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to measure the process tree")
def test_fifty_clients_two_hundred_uploads(server):
    proc, url = server
    reports = sorted((ROOT / "reports").glob("*.txt"))[:6] + sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))[:2]
    amplifiers = [
        ("laughs.pdf", A.xobject_laughs_pdf()),
        ("lzw.pdf", A.lzw_bomb_pdf()),
        ("runlength.pdf", A.runlength_bomb_pdf()),
        ("cycle.pdf", A.reference_cycle_pdf()),
        ("grid.pdf", A.ruled_grid_pdf()),
        ("tounicode.pdf", A.tounicode_bomb_pdf()),
        ("objstm.pdf", A.object_stream_pdf()),
        ("long.txt", A.long_sentence_report()),
    ]
    uploads = []
    for i in range(200):
        if i % 2:
            uploads.append((*amplifiers[i % len(amplifiers)], False))
        else:
            path = reports[i % len(reports)]
            uploads.append((path.name, path.read_bytes(), True))
    answers: list[tuple[int, float, bool]] = []
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_resident(proc.pid))
            time.sleep(0.05)

    refused = [0]

    def client(batch: list) -> None:
        for name, data, normal in batch:
            for _ in range(200):  # a busy answer says when to come back; a client does
                status, waited, _ = _post(url, name, data)
                answers.append((status, waited, normal))
                if status != 503:
                    break
                refused[0] += 1
                time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    clients = [threading.Thread(target=client, args=(uploads[k::50],)) for k in range(50)]
    for c in clients:
        c.start()
    for c in clients:
        c.join(timeout=600)
    done.set()
    sampler.join()
    statuses = [s for s, _, _ in answers]
    assert all(s < 500 or s == 503 for s in statuses), sorted(set(statuses))
    assert statuses.count(200) == 200  # every upload was checked in the end (amplifiers with their error code)
    assert refused[0] > 0  # and the queue did overflow: fifty clients for eight places
    assert peak[0] < 2 * POOL * MEMORY_MB * 1024 * 1024, f"peak {peak[0] >> 20} MB"
    waits = [w for s, w, normal in answers if normal and s == 200]
    print(
        f"load: peak tree RSS {peak[0] >> 20} MB, busy answers {refused[0]}, longest normal answer {max(waits):.1f} s"
    )
    longest_wait = (QUEUE / POOL) * TIMEOUT
    for status, waited, normal in answers:
        if normal and status == 200:
            assert waited <= longest_wait + TIMEOUT + 5, waited  # its wait in the queue, then its own check


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to list worker processes")
def test_a_check_stops_when_its_client_goes_away(tmp_path):

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The misbehaving plugin's cross-report rule hangs: the check stays in its child process until stopped.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NIANBAO_MISBEHAVE": "cross-hang"}
    log = tmp_path / "serve.log"
    with log.open("wb") as written:
        proc = subprocess.Popen(
            [sys.executable, "-m", "nianbao.engine.cli.main", "serve", "--port", str(port),
             "--plugin", str(ROOT / "tests" / "plugins" / "misbehaving.py")],
            env=env, stdout=subprocess.DEVNULL, stderr=written,
        )  # fmt: skip
    try:
        _wait_up(f"http://127.0.0.1:{port}")
        connection = _upload_and_hold(port, GOOD.name, GOOD.read_bytes())
        # A two-core runner busy with the suite spawns the worker slowly: as long as the scan test below waits.
        deadline = time.monotonic() + 120
        while not descendants(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not descendants(proc.pid):
            connection.settimeout(1)
            try:
                answer = connection.recv(600)
            except OSError:
                answer = b""
            said = log.read_text(encoding="utf-8", errors="replace")[-2000:]
            pytest.fail(
                f"the check never started; the server (exit code {proc.poll()}) answered {answer!r}; its log: {said}"
            )
        connection.close()  # the clerk closed the tab
        deadline = time.monotonic() + 10
        while descendants(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not descendants(proc.pid)
    finally:
        proc.kill()
        proc.wait()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to list the server's processes")
def test_a_scan_cancelled_while_tesseract_reads_it_leaves_nothing(tmp_path):
    """A clerk closes the tab while Tesseract reads the scan: within seconds no worker and no Tesseract is left, and
    the server's temporary folder is as empty as before."""
    from nianbao.engine.readers.scan.reader import ocr_ready
    from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

    if not ocr_ready():
        pytest.skip("Tesseract with chi_sim and eng is not installed (apt install tesseract-ocr-chi-sim)")
    source = (ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes()
    pages = scanned_pages(source, ScanSpec(dpi=200, seed=5))
    scan = scanned_pdf(pages * 3, 200)  # long enough to be stopped mid-way
    temp = tmp_path / "tmp"
    temp.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip

    def tesseracts() -> list[int]:
        found = []
        for pid in descendants(proc.pid):
            with contextlib.suppress(OSError):
                if Path(f"/proc/{pid}/comm").read_text().startswith("tesseract"):
                    found.append(pid)
        return found

    try:
        _wait_up(f"http://127.0.0.1:{port}")
        connection = _upload_and_hold(port, "scan.pdf", scan)
        deadline = time.monotonic() + 120
        while not tesseracts() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert tesseracts(), "Tesseract never started"
        connection.close()  # the clerk closed the tab
        deadline = time.monotonic() + 10
        while descendants(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not descendants(proc.pid)
        assert list(temp.iterdir()) == []
    finally:
        proc.kill()
        proc.wait()


def test_a_large_upload_stays_in_memory(client, monkeypatch):
    """The form parser would write a file over 1 MB to a temporary file: the page's uploads (up to 20 MB) never do."""
    import tempfile

    rolled: list[int] = []
    original = tempfile.SpooledTemporaryFile.rollover

    def rollover(self):
        rolled.append(1)
        return original(self)

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", rollover)
    padded = GOOD.read_bytes() + b"\n" * (3 * 1024 * 1024)  # a 3 MB text report (blank lines after it)
    answer = client.post("/api/check", files={"file": ("padded.txt", padded)})
    assert answer.status_code == 200 and answer.json()["results"][0]["error"] is None
    assert rolled == []


def test_scans_hold_at_most_half_the_slots_and_text_reports_go_on(monkeypatch):
    """Two workers, two slow scans and three text reports at once: the scans take turns in their one slot, and each
    text report is answered in about its own check time, not after a scan; nothing is drawn for a text report."""
    from concurrent.futures import ThreadPoolExecutor

    from nianbao.engine.web.app import SelfCheck

    original = SelfCheck.check
    drawn: list[str] = []

    def check(self, data, filename, cancel, lang, scan=False):
        if filename.endswith(".png"):
            time.sleep(3)  # what OCR of a few pages costs
            data, filename = GOOD.read_bytes(), "scan.txt"
        return original(self, data, filename, cancel, lang)

    def page_images(self, document, data):
        drawn.append(document.results[0].source.format)
        return []

    monkeypatch.setattr(SelfCheck, "check", check)
    monkeypatch.setattr(SelfCheck, "page_images", page_images)
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

    with TestClient(create_app(checker, timeout=30, workers=2, memory_budget_mb=None), base_url=BASE) as client:

        def post(name: str, data: bytes) -> tuple[str, float]:
            started = time.monotonic()
            url = "/api/check" if name.endswith(".png") else "/check"  # the scans waited for, not as jobs
            answer = client.post(url, files={"file": (name, data)})
            assert answer.status_code == 200, (name, answer.status_code)
            return name, time.monotonic() - started

        jobs = [("a.png", png), ("b.png", png)] + [(f"{i}.txt", GOOD.read_bytes()) for i in range(3)]
        with ThreadPoolExecutor(len(jobs)) as pool:
            futures = []
            for name, data in jobs:
                futures.append(pool.submit(post, name, data))
                time.sleep(0.2)  # the scans first
            took = dict(f.result() for f in futures)
    assert all(took[f"{i}.txt"] < 2.5 for i in range(3)), took  # not behind a 3 s scan
    assert took["b.png"] > 5.0, took  # the second scan waited for the first: one scan slot of two
    assert "txt" not in drawn  # a text report has no pages to draw


def _slow_scans(monkeypatch, seconds: float) -> list[str]:
    """Scans (PNG uploads) take `seconds`, stopping early when cancelled; returns how each ended."""
    from nianbao.engine.web.app import SelfCheck

    original = SelfCheck.check
    ended: list[str] = []

    def check(self, data, filename, cancel, lang, scan=False):
        if filename.endswith(".png"):
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                if cancel.is_set():
                    ended.append("cancelled")
                    return None
                time.sleep(0.05)
            ended.append("done")
            data, filename = GOOD.read_bytes(), "scan.txt"
        return original(self, data, filename, cancel, lang)

    monkeypatch.setattr(SelfCheck, "check", check)
    return ended


def _token(answer) -> str:
    import re

    return re.search(r"url=/job/([A-Za-z0-9_-]+)\?", answer.text).group(1)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_scan_is_answered_at_once_and_its_result_fetched_by_its_link(monkeypatch):
    """A scan's upload answers at once with a page that refreshes itself (no script) and says how long it may take;
    the result comes under an unguessable link, stays a few minutes, then is gone."""
    from nianbao.engine.web import jobs as web

    ended = _slow_scans(monkeypatch, 1.5)
    monkeypatch.setattr(web, "KEEP_RESULT", 1.0)
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    with TestClient(create_app(checker, timeout=30, workers=1, memory_budget_mb=None), base_url=BASE) as client:
        started = time.monotonic()
        answer = client.post("/check", files={"file": ("page-1.png", PNG)})
        assert answer.status_code == 202 and time.monotonic() - started < 1.0
        assert 'http-equiv="refresh"' in answer.text and "每页约需" in answer.text and "<script" not in answer.text
        token = _token(answer)
        assert len(token) >= 24
        waiting = client.get(f"/job/{token}?lang=en")
        assert waiting.status_code == 202 and "Reading the scan" in waiting.text
        for _ in range(100):
            answer = client.get(f"/job/{token}")
            if answer.status_code != 202:
                break
            time.sleep(0.1)
        assert answer.status_code == 200 and "得分" in answer.text and ended == ["done"]
        assert client.get(f"/job/{token}").status_code == 200  # shown again while it is kept
        time.sleep(1.2)
        gone = client.get(f"/job/{token}")
        assert gone.status_code == 404 and "重新上传" in gone.text
        assert client.get("/job/not-a-token").status_code == 404


def test_a_scan_nobody_waits_for_is_stopped(monkeypatch):
    """A closed tab stops asking: the check is stopped and its slot given back."""
    from nianbao.engine.web import jobs as web

    ended = _slow_scans(monkeypatch, 30)
    monkeypatch.setattr(web, "ABANDONED_AFTER", 1.0)
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    with TestClient(create_app(checker, timeout=60, workers=1, memory_budget_mb=None), base_url=BASE) as client:
        token = _token(client.post("/check", files={"file": ("page-1.png", PNG)}))
        for _ in range(60):
            if ended:
                break
            time.sleep(0.1)
        assert ended == ["cancelled"]
        assert client.get(f"/job/{token}").status_code == 404
        answer = client.post("/api/check", files={"file": ("a.txt", GOOD.read_bytes())})
        assert answer.status_code == 200  # the slot is free again


# The tests of slots and queues run without the service's memory budget: the service here is the test process, which
# holds what every earlier test loaded (the recogniser's model, ONNX Runtime's arenas) and would be found over it.


def test_a_service_over_its_memory_budget_admits_one_check_at_a_time(monkeypatch):
    """Over its budget the service still takes a check when none runs (an office's PC never locks itself out), but
    not a second beside it: that one is told to come back (503, Retry-After); under it, both are taken."""
    from nianbao.engine.web.app import SelfCheck

    _slow_scans(monkeypatch, 2)
    held = {"bytes": 900 * 1024 * 1024}
    monkeypatch.setattr(SelfCheck, "holding", lambda self: held["bytes"])
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    with TestClient(create_app(checker, timeout=30, workers=2, memory_budget_mb=640), base_url=BASE) as client:
        first = client.post("/check", files={"file": ("page-1.png", PNG)})
        second = client.post("/check", files={"file": ("page-1.png", PNG)})
        assert [first.status_code, second.status_code] == [202, 503] and "Retry-After" in second.headers
        held["bytes"] = 300 * 1024 * 1024
        third = client.post("/check", files={"file": ("page-1.png", PNG)})
        assert third.status_code == 202
        for answer in (first, third):  # keep them asked for until done
            token = _token(answer)
            for _ in range(100):
                if client.get(f"/job/{token}").status_code != 202:
                    break
                time.sleep(0.1)


def test_jobs_count_against_the_queue(monkeypatch):
    _slow_scans(monkeypatch, 3)
    checker = Checker(PluginHost.load(entry_points=False), Profile.default())
    app = create_app(checker, timeout=30, workers=1, queue=1, memory_budget_mb=None)
    with TestClient(app, base_url=BASE) as client:
        # one worker, one more admitted: two taken, the third refused at once
        answers = [client.post("/check", files={"file": ("page-1.png", PNG)}) for _ in range(3)]
        text = client.post("/check", files={"file": ("a.txt", GOOD.read_bytes())})
        assert [a.status_code for a in answers] == [202, 202, 503]
        assert text.status_code == 503 and "Retry-After" in text.headers
        seconds = text.headers["Retry-After"]
        assert f"请约 {seconds} 秒后再提交" in text.text and 'class="refusal" role="alert"' in text.text
        for answer in answers[:2]:  # keep them asked for until done
            token = _token(answer)
            for _ in range(120):
                if client.get(f"/job/{token}").status_code != 202:
                    break
                time.sleep(0.1)
