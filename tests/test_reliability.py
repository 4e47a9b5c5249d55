"""Bad luck and misbehaving plugins, through the command line: each costs only itself, nothing is left behind,
and what the user sees is a code and a sentence, never a traceback."""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from nianbao.engine.outputs.rows import spreadsheet_safe

from tests.conftest import ROOT, alive, descendants, processes_with
from tests.conftest import nianbao_process as nianbao

PLUGINS = ROOT / "tests" / "plugins"
GOOD = ROOT / "reports" / "2022-qinghe-natural-resources.txt"
OTHER = ROOT / "reports" / "2023-bailu-environment-table-errors.txt"


def profile(tmp_path: Path, **limits) -> Path:
    path = tmp_path / "profile.toml"
    path.write_text("[limits]\n" + "".join(f"{k} = {v}\n" for k, v in limits.items()), encoding="utf-8")
    return path


def statuses(doc: dict, rule: str) -> list[dict]:
    return [r for result in doc["results"] for r in result["rules"] if r["rule"] == rule]


# --- plugins ---------------------------------------------------------------------------------------


def test_plugins_that_hang_exit_or_interrupt_at_import_are_skipped(tmp_path):
    plugins = [PLUGINS / name for name in ("import_hangs.py", "import_exits.py", "import_interrupts.py")]
    args = [a for p in plugins for a in ("--plugin", p)]
    run = nianbao("check", GOOD, *args, "--profile", profile(tmp_path, plugin_import_timeout=2), "--format", "json")
    assert run.returncode == 0 and "Traceback" not in run.stderr
    for name, kind in (("import_hangs", "timeout"), ("import_exits", "died"), ("import_interrupts", "raised")):
        assert name in run.stderr and f"{kind} at import" in run.stderr
    doc = json.loads(run.stdout)
    assert len([p for p in doc["plugins"] if p["origin"] == "failed"]) == 3
    assert doc["results"][0]["score"] == 100.0


@pytest.mark.parametrize(("mode", "reason"), [("cross-hang", "no answer within 2 s"), ("cross-exit", "code 7")])
def test_a_cross_report_rule_that_hangs_or_exits_is_that_rules_error(tmp_path, mode, reason):
    run = nianbao(
        "check", GOOD, OTHER, "--plugin", PLUGINS / "misbehaving.py", "--format", "json", "--no-cache",
        "--profile", profile(tmp_path, cross_rule_timeout=2),
        env={"NIANBAO_MISBEHAVE": mode},
    )  # fmt: skip
    assert "Traceback" not in run.stderr
    doc = json.loads(run.stdout)
    broken = statuses(doc, "MB501")
    assert len(broken) == 2 and all(s["status"] == "error" and reason in s["reason"] for s in broken)
    assert all(s["status"] != "error" for s in statuses(doc, "NB501"))  # the built-in cross-report rules ran
    assert doc["summary"]["checked"] == 2


@pytest.mark.parametrize("mode", ["rule-exit", "rule-interrupt"])
def test_a_rule_raising_systemexit_or_keyboardinterrupt_is_that_rules_error(mode):
    run = nianbao("check", GOOD, "--plugin", PLUGINS / "misbehaving.py", "--format", "json", "--no-cache",
                  env={"NIANBAO_MISBEHAVE": mode})  # fmt: skip
    doc = json.loads(run.stdout)
    result = doc["results"][0]
    assert result["error"] is None and result["score"] == 100.0  # the file is not blamed
    (status,) = statuses(doc, "MB101")
    assert status["status"] == "error" and ("SystemExit" in status["reason"] or "KeyboardInterrupt" in status["reason"])


def test_a_worker_that_leaks_memory_is_replaced_after_its_file(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"r{i}.txt").write_bytes(GOOD.read_bytes())
    run = nianbao(
        "check", folder, "--plugin", PLUGINS / "misbehaving.py", "--format", "json", "--no-cache", "--jobs", "1",
        "--profile", profile(tmp_path, worker_memory_mb=256),
        env={"NIANBAO_MISBEHAVE": "leak"},
    )  # fmt: skip
    doc = json.loads(run.stdout)
    assert doc["summary"]["unreadable"] == 0
    workers = {f["message"] for r in doc["results"] for f in r["findings"] if f["rule"] == "MB101"}
    assert len(workers) == 4  # 150 MB kept per file is over half the 256 MB limit: a fresh worker each time


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to measure the process tree")
def test_memory_is_bounded_for_the_whole_process_tree_of_a_check(tmp_path):
    """A check whose two child programs hold 150 MB each (each under its own per-process limit) is stopped when the
    check's tree passes the worker's 256 MB, long before the file's time is up, and takes its child with it; the
    next file is checked by a fresh worker."""
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(2):
        (folder / f"r{i}.txt").write_bytes(GOOD.read_bytes())
    started = time.monotonic()
    run = nianbao(
        "check", folder, "--plugin", PLUGINS / "misbehaving.py", "--format", "json", "--no-cache", "--jobs", "1",
        "--profile", profile(tmp_path, worker_memory_mb=256, timeout=100),
        env={"NIANBAO_MISBEHAVE": "child-hog"},
    )  # fmt: skip
    took = time.monotonic() - started
    assert "Traceback" not in run.stderr
    doc = json.loads(run.stdout)
    errors = [r["error"] for r in doc["results"]]
    assert [e["code"] for e in errors] == ["too-large", "too-large"], errors
    assert "256 MB" in errors[0]["message"] and "识别" in errors[0]["message"]
    assert took < 40, took  # each stopped within seconds of passing the limit, not at the 100 s deadline
    time.sleep(0.5)
    assert processes_with("nianbao-child-hog") == []


# --- the cache -------------------------------------------------------------------------------------


def _check_with_cache(cache: Path, *extra) -> tuple[subprocess.CompletedProcess, dict]:
    run = nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, *extra)
    assert "Traceback" not in run.stderr and run.returncode == 0, run.stderr
    return run, json.loads(run.stdout)


@pytest.mark.parametrize("damage", ["garbage", "wrong-schema"])
def test_a_damaged_cache_is_set_aside_and_the_run_goes_on(tmp_path, damage):
    cache = tmp_path / "cache"
    cache.mkdir()
    db = cache / "results.sqlite"
    if damage == "garbage":
        db.write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    else:
        with sqlite3.connect(db) as con:
            con.execute("create table entries (a, b, c)")
    run, doc = _check_with_cache(cache)
    assert doc["results"][0]["score"] == 100.0
    assert "set aside" in run.stderr and list(cache.glob("results.sqlite.damaged-*"))
    again, _doc = _check_with_cache(cache)  # starts a fresh cache
    third, doc = _check_with_cache(cache)
    assert "damaged" not in again.stderr + third.stderr and doc["summary"]["cached"] == 1


def test_a_cached_row_that_is_not_a_result_is_a_miss(tmp_path):
    cache = tmp_path / "cache"
    _check_with_cache(cache)
    with sqlite3.connect(cache / "results.sqlite") as con:
        con.execute("update entries set entry = 'not json at all'")
    _run, doc = _check_with_cache(cache)
    assert doc["summary"]["cached"] == 0 and doc["results"][0]["score"] == 100.0


def test_a_cache_entry_not_signed_by_this_user_is_never_unpacked(tmp_path):
    """A cache folder may be shared or tampered with: an entry is unpacked only when signed with the key in the
    user's own configuration folder, so a planted entry runs nothing and is a miss; the user's own are hits."""
    import pickle
    import zlib

    cache = tmp_path / "cache"
    config = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    run = nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, env=config)
    key = tmp_path / "config" / "nianbao" / "cache-key"
    assert key.stat().st_mode & 0o777 == 0o600  # readable by this user alone
    planted = tmp_path / "planted"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (planted,))

    evil = zlib.compress(pickle.dumps(Payload()))
    with sqlite3.connect(cache / "results.sqlite") as con:
        con.execute("update entries set entry = ?", (evil,))  # what an unsigned cache would unpack
    run = nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, env=config)
    assert not planted.exists() and json.loads(run.stdout)["summary"]["cached"] == 0
    run = nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, env=config)
    assert json.loads(run.stdout)["summary"]["cached"] == 1  # its own entry, written again, is a hit


def test_a_cache_key_others_can_read_turns_the_cache_off_and_a_damaged_one_is_replaced(tmp_path):
    """Whoever can read the key can sign a planted entry: a key readable by others (or not this user's) is refused,
    with a warning, and the run checks without the cache; a key of the wrong length is replaced, with a warning."""
    import hmac
    import pickle
    import zlib

    cache = tmp_path / "cache"
    config = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, env=config)
    key = tmp_path / "config" / "nianbao" / "cache-key"
    key.chmod(0o644)
    planted = tmp_path / "planted"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (planted,))

    packed = zlib.compress(pickle.dumps(Payload()))
    forged = hmac.new(key.read_bytes(), packed, "sha256").digest() + packed  # signed with the readable key
    with sqlite3.connect(cache / "results.sqlite") as con:
        con.execute("update entries set entry = ?", (forged,))
    run = nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, env=config)
    assert run.returncode == 0 and not planted.exists()
    assert json.loads(run.stdout)["summary"]["cached"] == 0 and "chmod 600" in run.stderr
    key.write_bytes(b"short")
    key.chmod(0o600)
    run = nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, env=config)
    assert run.returncode == 0 and "damaged" in run.stderr and len(key.read_bytes()) == 32
    run = nianbao("check", GOOD, "--format", "json", "--cache-dir", cache, env=config)
    assert json.loads(run.stdout)["summary"]["cached"] == 1  # the new key serves the next run


def test_no_home_folder_means_no_cache_and_a_warning(tmp_path, monkeypatch, caplog):
    """HOME unset with a uid that has no passwd entry (as in containers): no key can be kept, so no cache, and the
    run goes on; nothing is written to a folder named "~"."""
    from nianbao.engine.batch import cache as cache_module
    from nianbao.engine.batch.run import RunOptions, _open_cache
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost

    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.setattr(cache_module.os.path, "expanduser", lambda path: path)
    monkeypatch.chdir(tmp_path)
    checker = Checker(PluginHost.load(entry_points=False))
    with caplog.at_level("WARNING"):
        assert _open_cache(checker, RunOptions(cache_dir=tmp_path / "cache")) is None
    assert "HOME" in caplog.text and not (tmp_path / "~").exists()


def _small_files(megabytes: float):
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        size = int(megabytes * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return limit


def test_a_full_disk_stops_only_the_caching(tmp_path):
    cache = tmp_path / "cache"
    run = nianbao("check", GOOD, OTHER, "--format", "json", "--cache-dir", cache, preexec_fn=_small_files(0.05))
    assert "Traceback" not in run.stderr
    doc = json.loads(run.stdout)
    assert doc["summary"]["checked"] == 2


# --- the process tree --------------------------------------------------------------------------------


def _wait_for_children(proc: subprocess.Popen, count: int, seconds: float = 60) -> set[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kids = descendants(proc.pid)
        if len(kids) >= count:
            return kids
        time.sleep(0.1)
    pytest.fail(f"no {count} workers appeared")


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to list worker processes")
def test_killing_check_leaves_no_worker(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(300):
        (folder / f"r{i}.txt").write_bytes(GOOD.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "check", str(folder), "--no-cache", "--jobs", "2",
         "--plugin", str(PLUGINS / "slow.py"), "--format", "json"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    workers = _wait_for_children(proc, 2)
    assert proc.poll() is None  # still checking
    proc.kill()
    proc.wait()
    time.sleep(5)
    assert not [pid for pid in workers if alive(pid)]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to list worker processes")
def test_ctrl_c_on_a_batch_ends_in_one_line_without_a_traceback(tmp_path):
    """Ctrl-C reaches the whole process group (the command and its workers, as a terminal sends it): the workers let
    it pass, the command stops them and says so in one line; no traceback, no worker left."""
    folder = tmp_path / "in"
    folder.mkdir()
    pdf = (ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes()
    for i in range(300):  # PDFs: the workers are reading (not inside a rule's containment) when it comes
        (folder / f"r{i}.pdf").write_bytes(pdf)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "check", str(folder), "--no-cache", "--jobs", "2",
         "--format", "json", "--no-progress"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    workers = _wait_for_children(proc, 2)
    time.sleep(1)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert [line for line in err.splitlines() if line.strip()] == [err.strip()] and "已中断" in err
    time.sleep(2)
    assert not [pid for pid in workers if alive(pid)]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs Linux /proc to list worker processes")
def test_killing_serve_mid_check_leaves_no_worker_and_no_file(tmp_path):
    import socket
    import threading
    import urllib.request

    temp = tmp_path / "tmp"
    temp.mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # The cross-report rule of the misbehaving plugin hangs: the check stays in its child process until killed.
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(temp), "NIANBAO_MISBEHAVE": "cross-hang"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "serve", "--port", str(port),
         "--plugin", str(PLUGINS / "misbehaving.py")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/api/check"
    body, boundary = _multipart(GOOD.name, GOOD.read_bytes())
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )

    def post() -> None:
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=60).read()

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    threading.Thread(target=post, daemon=True).start()
    workers = _wait_for_children(proc, 1)
    time.sleep(1)
    workers |= descendants(proc.pid)
    assert proc.poll() is None
    proc.kill()
    proc.wait()
    time.sleep(5)
    assert not [pid for pid in workers if alive(pid)]
    assert not list(temp.iterdir())


def _multipart(name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "nianbao-test-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), boundary


# --- inputs and outputs -------------------------------------------------------------------------------


def test_a_fifo_named_on_the_command_line_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "report.txt"
    os.mkfifo(fifo)
    run = nianbao("check", fifo, GOOD, "--format", "json", "--no-cache", timeout=120)
    doc = json.loads(run.stdout)
    errors = {Path(r["source"]["path"]).name: r["error"] for r in doc["results"]}
    assert errors["report.txt"]["code"] == "unsupported" and run.returncode == 2


def test_a_review_file_that_never_ends_fails_before_any_work():
    run = nianbao("check", GOOD, "--review", "/dev/zero", "--format", "json", "--no-cache", timeout=60)
    assert run.returncode == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert "review" in run.stderr


@pytest.mark.parametrize(
    ("args", "limits"),
    [
        (["--timeout", "inf"], {}),
        (["--timeout", "nan"], {}),
        (["--timeout", "1e308"], {}),
        ([], {"pdf_pages": 1.5}),
        ([], {"timeout": "inf"}),
        ([], {"timeout": 1e308}),
        ([], {"worker_memory_mb": 1e308}),
    ],
)
def test_bad_limits_are_usage_errors(tmp_path, args, limits):
    extra = ["--profile", profile(tmp_path, **limits)] if limits else []
    run = nianbao("check", GOOD, *args, *extra)
    assert run.returncode == 2 and "Traceback" not in run.stderr and run.stderr


def test_a_review_file_nested_past_any_sense_is_a_usage_error(tmp_path):
    review = tmp_path / "review.toml"
    review.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    run = nianbao("check", GOOD, "--review", review, "--format", "json", "--no-cache", timeout=60)
    assert run.returncode == 2 and run.stdout == "" and "Traceback" not in run.stderr
    assert "bad review file" in run.stderr and "internal error" not in run.stderr


def test_names_reach_the_terminal_without_control_characters(tmp_path):
    named = tmp_path / "\x1b[31mred\x07.txt"
    named.write_bytes(GOOD.read_bytes())
    run = nianbao("check", named, "--no-cache")
    assert "red" in run.stdout and "\x1b" not in run.stdout and "\x07" not in run.stdout


def test_closed_stdout_is_a_clear_error():
    closed = subprocess.run(
        f"{sys.executable} -m nianbao.engine.cli.main check {GOOD} --no-cache >&-",
        shell=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=False, stderr=subprocess.PIPE,
        text=True, timeout=120, check=False,
    )  # fmt: skip
    assert closed.returncode == 2 and "standard output is closed" in closed.stderr and "Traceback" not in closed.stderr


def test_a_full_disk_leaves_no_partial_output(tmp_path):
    out = tmp_path / "out.json"
    run = nianbao("check", GOOD, OTHER, "--format", "json", "--output", out, "--no-cache",
                  preexec_fn=_small_files(0.01))  # fmt: skip
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.json.*"))


def test_spreadsheet_cells_never_start_a_formula():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"):
        assert spreadsheet_safe(text).startswith("'")
    assert spreadsheet_safe("本年新收") == "本年新收"


def test_archives_damaged_crowded_or_with_twins_say_why(tmp_path):
    import zipfile

    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(b"PK\x03\x04" + os.urandom(300))
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as archive:
        for i in range(6):
            archive.writestr(f"r{i}.txt", GOOD.read_bytes())
    run = nianbao("check", damaged, crowded, "--format", "json", "--no-cache",
                  "--profile", profile(tmp_path, archive_members=5))  # fmt: skip
    errors = {Path(r["source"]["path"]).name: r["error"] for r in json.loads(run.stdout)["results"]}
    assert errors["damaged.zip"]["code"] == "unreadable" and "压缩包" in errors["damaged.zip"]["message"]
    assert errors["crowded.zip"]["code"] == "too-large" and "5" in errors["crowded.zip"]["message"]


def test_only_real_text_encodings_are_taken_from_a_page():
    from nianbao.engine.readers.html import decode_html

    page = '<html><head><meta charset="unicode_escape"></head><body>\\u4e00 一、总体情况</body></html>'
    text, _ = decode_html(page.encode("utf-8"))
    assert "\\u4e00" in text  # not turned into 一 by a codec that is not a text encoding
    utf16 = "<html><body>一、总体情况</body></html>".encode("utf-16")
    assert "一、总体情况" in decode_html(utf16)[0]


def test_parse_has_the_time_limit_too(tmp_path):
    stuck = tmp_path / "stuck.hang"
    stuck.write_text("x", encoding="utf-8")
    run = nianbao("parse", stuck, "--plugin", PLUGINS / "hostile.py", "--profile", profile(tmp_path, timeout=2),
                  timeout=120)  # fmt: skip
    assert run.returncode == 2 and "[timeout]" in run.stderr and run.stdout == ""


def test_a_page_of_thousands_of_ruling_lines_is_refused_before_pairing_them():
    """Joining crossing lines costs their product: a page past MAX_RULINGS lines is too complex, at once."""
    from nianbao.engine.readers.pipeline.grid import MAX_RULINGS, GridTooLarge, Segment, build_grids

    lines = [Segment(i % 2 == 0, 10.0 + 3 * (i // 2), 0.0, 50_000.0) for i in range(2 * MAX_RULINGS)]
    with pytest.raises(GridTooLarge) as refused:
        build_grids(lines, [], [])
    assert refused.value.lines


def test_a_name_no_document_can_hold_costs_no_letter_and_no_report(tmp_path, run):
    """An organ name with a NUL, a control character and a lone surrogate (a JSON escape): every output is written,
    every letter and the circular included, and the name is printed without them."""
    batch = tmp_path / "batch"
    batch.mkdir()
    code, model, _ = run("parse", ROOT / "reports" / "2022-qinghe-natural-resources.txt")
    data = json.loads(model)
    data["agency"] = "青禾市\x00自然\ud800资源局\x1f"
    data["sections"][0]["text"] += "\x0b\x07"
    (batch / "bad.json").write_text(json.dumps(data, ensure_ascii=True), encoding="ascii")
    (batch / "good.txt").write_bytes((ROOT / "reports" / "2020-nanyu-county.txt").read_bytes())
    for fmt in ("json", "xlsx", "html", "csv", "text"):
        code, _out, err = run("check", batch, "--format", fmt, "--output", tmp_path / f"out.{fmt}", "--no-cache")
        assert code == 0 and "Traceback" not in err, (fmt, err)
    document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {r["report"]["agency"] for r in document["results"]} == {"青禾市自然资源局", "南屿县人民政府"}
    assert run("letters", tmp_path / "out.json", "--out", tmp_path / "letters")[0] == 0
    assert len(list((tmp_path / "letters").glob("*.docx"))) == 2
    for out in ("circular.docx", "circular.html"):
        assert run("circular", tmp_path / "out.json", "--out", tmp_path / out)[0] == 0
    # A result document written elsewhere, holding the same characters, gives its letters too.
    document["results"][0]["organ"] = "青禾市\x01自然资源局"
    (tmp_path / "foreign.json").write_text(json.dumps(document, ensure_ascii=True), encoding="ascii")
    assert run("letters", tmp_path / "foreign.json", "--out", tmp_path / "letters2")[0] == 0
    assert run("circular", tmp_path / "foreign.json", "--out", tmp_path / "c2.docx")[0] == 0


def test_a_readers_native_panic_costs_only_its_file(tmp_path, monkeypatch, run_json):
    """A spreadsheet library's panic (pyo3's PanicException is a BaseException, not an Exception) is that file's
    `unreadable`, said in one line; the rest of the batch is checked."""
    from nianbao.engine.readers import workbook

    class PanicException(BaseException):
        pass

    def panic(self, path, data):
        raise PanicException("called `Option::unwrap()` on a `None` value")

    monkeypatch.setattr(workbook.SheetReader, "read", panic)
    (tmp_path / "broken.ods").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    (tmp_path / "good.txt").write_bytes(GOOD.read_bytes())
    _code, doc = run_json(tmp_path, "--no-cache", "--jobs", "1")
    by_name = {Path(r["source"]["path"]).name: r for r in doc["results"]}
    assert by_name["good.txt"]["score"] is not None
    error = by_name["broken.ods"]["error"]
    assert error["code"] == "unreadable" and "PanicException" in error["detail"] and "Traceback" not in json.dumps(doc)
