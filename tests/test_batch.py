"""Batch runs for the supervising office: isolation, resuming, outputs, reviews, archives."""

from __future__ import annotations

import contextlib
import io
import json
import os
import pty
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from nianbao.engine.batch.progress import Progress
from nianbao.engine.i18n import Lang
from nianbao.engine.schemas import RESULT, schema_errors
from nianbao.engine.testing.samples import write_batch

from tests.conftest import ROOT
from tests.conftest import nianbao_process as nianbao

PLUGINS = ROOT / "tests" / "plugins"
REPORTS = ROOT / "reports"


def test_a_hanging_or_crashing_file_costs_only_itself(tmp_path, run_json):
    folder = tmp_path / "in"
    write_batch(folder, 6)
    (folder / "stuck.hang").write_text("x", encoding="utf-8")
    (folder / "fatal.crash").write_text("x", encoding="utf-8")
    started = time.monotonic()
    code, doc = run_json(folder, "--plugin", PLUGINS / "hostile.py", "--timeout", "3", "--jobs", "2")
    assert time.monotonic() - started < 60
    assert code == 2
    errors = {Path(r["source"]["path"]).name: r["error"] for r in doc["results"]}
    assert errors["stuck.hang"]["code"] == "timeout" and "3" in errors["stuck.hang"]["message"]
    assert errors["fatal.crash"]["code"] == "unreadable" and "3" in errors["fatal.crash"]["message"]
    assert doc["summary"]["checked"] == 6 and doc["summary"]["unreadable"] == 2
    assert schema_errors(doc, RESULT) == []


def test_files_handed_to_a_worker_together_cost_only_themselves_when_one_hangs_or_crashes(tmp_path, run_json):
    """Many small files wait, so each worker is handed several at once (nianbao.engine.batch.pool.HANDING): a file
    that hangs or kills its worker among them costs only itself, and the files handed with it are checked by the
    next worker."""
    folder = tmp_path / "in"
    write_batch(folder, 90)
    sizes = sorted((p.stat().st_size for p in folder.iterdir()), reverse=True)
    for name, size in (("stuck.hang", sizes[20]), ("fatal.crash", sizes[30]), ("second.crash", sizes[31])):
        (folder / name).write_text("x" * size, encoding="utf-8")  # dispatched among the reports, not after them
    code, doc = run_json(folder, "--plugin", PLUGINS / "hostile.py", "--timeout", "3", "--jobs", "2")
    assert code == 2
    errors = {Path(r["source"]["path"]).name: r["error"] for r in doc["results"] if r["error"]}
    assert errors.keys() == {"stuck.hang", "fatal.crash", "second.crash"}
    assert errors["stuck.hang"]["code"] == "timeout"
    assert errors["fatal.crash"]["code"] == errors["second.crash"]["code"] == "unreadable"
    assert doc["summary"]["files"] == 93 and doc["summary"]["checked"] == 90
    assert len({r["source"]["path"] for r in doc["results"]}) == 93


def test_an_interrupted_run_resumes_without_reading_again(tmp_path):
    folder = tmp_path / "in"
    write_batch(folder, 120)
    cache = tmp_path / "cache"
    args = ["check", folder, "--format", "json", "--jobs", "2", "--cache-dir", cache, "--plugin", PLUGINS / "slow.py"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", *map(str, args)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    db = cache / "results.sqlite"
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and done < 40:
        time.sleep(0.2)
        if db.exists():
            with contextlib.suppress(sqlite3.OperationalError):
                done = sqlite3.connect(db).execute("select count(*) from entries").fetchone()[0]
    os.killpg(first.pid, signal.SIGKILL)  # the office's PC goes down half way
    first.wait()
    saved = sqlite3.connect(db).execute("select count(*) from entries").fetchone()[0]
    assert 40 <= saved < 120

    second = nianbao(*args)
    doc = json.loads(second.stdout)
    assert doc["summary"]["files"] == 120 and doc["summary"]["checked"] == 120
    assert doc["summary"]["cached"] >= saved  # nothing already checked was read again

    changed = next(folder.glob("0005-*"))
    changed.write_bytes(changed.read_bytes() + b"\n")
    third = json.loads(nianbao(*args).stdout)
    assert third["summary"]["cached"] == 119


def test_progress_line():
    stream = io.StringIO()
    progress = Progress(3, Lang.zh, stream=stream, enabled=True)
    for failed in (False, True, False):
        progress.advance(failed)
    progress.close()
    assert "3/3" in stream.getvalue() and "无法读取 1" in stream.getvalue()


def test_progress_bar_shows_on_a_terminal(tmp_path):
    folder = tmp_path / "in"
    write_batch(folder, 5)
    master, slave = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "nianbao.engine.cli.main", "check", str(folder), "--no-cache"],
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
    )
    proc.wait(timeout=60)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    assert "检查 [".encode() in seen and b"5/5" in seen


@pytest.fixture
def batch_outputs(tmp_path):
    folder = tmp_path / "in"
    write_batch(folder, 8)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7 truncated")
    return folder


def test_csv_xlsx_html_list_every_report(batch_outputs, tmp_path, run):
    names = sorted(p.name for p in batch_outputs.iterdir())
    code, out, _ = run("check", batch_outputs, "--format", "csv")
    assert code == 2  # broken.pdf
    rows = out.lstrip("\ufeff").strip().splitlines()
    assert len(rows) == len(names) + 1 and rows[0].startswith("名次,文件,机关")
    assert all(any(n in row for row in rows) for n in names)

    xlsx = tmp_path / "out.xlsx"
    run("check", batch_outputs, "--format", "xlsx", "--output", xlsx)
    import openpyxl

    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["报告", "问题", "按地区", "按类型"]  # no roster: no 未报送 sheet
    files = [row[1] for row in book["报告"].iter_rows(min_row=2, values_only=True)]
    assert sorted(Path(f).name for f in files) == names

    html = tmp_path / "out.html"
    run("check", batch_outputs, "--format", "html", "--output", html)
    page = html.read_text(encoding="utf-8")
    assert all(n in page for n in names)
    assert "<svg" in page and "Content-Security-Policy" in page
    for attr in ("src=", 'href="http', "href='http", "@import", "url("):
        assert attr not in page  # works offline: nothing to fetch


def test_html_and_xlsx_need_an_output_file(run):
    code, _, err = run("check", REPORTS, "--format", "xlsx")
    assert code == 2 and "--output" in err


def test_libreoffice_opens_the_xlsx(batch_outputs, tmp_path, run):
    import shutil

    if not shutil.which("soffice"):
        pytest.skip("LibreOffice is not installed here")
    xlsx = tmp_path / "out.xlsx"
    run("check", batch_outputs, "--format", "xlsx", "--output", xlsx)
    proc = subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            # comma-separated, quoted, UTF-8 (76) whatever the locale: without the filter options LibreOffice writes
            # the locale's encoding, which is ASCII under LANG=C
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    converted = tmp_path / "out.csv"
    if not converted.exists() and "could not be loaded" in proc.stderr + proc.stdout:
        pytest.skip("this LibreOffice has no spreadsheet component")
    assert "broken.pdf" in converted.read_text(encoding="utf-8")


def test_reviewed_findings_survive_reruns(tmp_path, run_json):
    report = REPORTS / "2023-bailu-environment-table-errors.txt"
    code, doc = run_json(report)
    assert code == 1
    first = doc["results"][0]
    target = next(f for f in first["findings"] if f["rule"] == "NB204")
    _, again = run_json(report, "--lang", "en")
    assert target["fingerprint"] in {f["fingerprint"] for f in again["results"][0]["findings"]}
    review = tmp_path / "review.toml"
    review.write_text(
        f'[[finding]]\nfingerprint = "{target["fingerprint"]}"\nstatus = "dismissed"\n'
        'reason = "已核实：表内另有说明"\n',
        encoding="utf-8",
    )
    _, reviewed = run_json(report, "--review", review)
    result = reviewed["results"][0]
    marked = next(f for f in result["findings"] if f["fingerprint"] == target["fingerprint"])
    assert marked["review"] == {"status": "dismissed", "reason": "已核实：表内另有说明", "reviewer": None}
    assert result["score"] > first["score"]
    html = tmp_path / "r.html"
    from nianbao.engine.cli.main import main

    main(["check", str(report), "--review", str(review), "--format", "html", "--output", str(html)])
    assert "已排除" in html.read_text(encoding="utf-8")


def test_carry_over_pairs_across_years(tmp_path, run_json):
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.samples import make_series

    first, second = make_series("白鹭市生态环境局", range(2022, 2024), seed=4)
    (tmp_path / "2022.txt").write_text(render_text(first), encoding="utf-8")
    (tmp_path / "2023.txt").write_text(render_text(second), encoding="utf-8")
    _, doc = run_json(tmp_path)
    assert not [f for r in doc["results"] for f in r["findings"] if f["rule"] == "NB501"]
    second.applications["carried_over"]["natural_person"] += 2
    second.applications["received_new"]["natural_person"] -= 2  # still balanced within the year
    (tmp_path / "2023.txt").write_text(render_text(second), encoding="utf-8")
    _, doc = run_json(tmp_path)
    found = [f for r in doc["results"] for f in r["findings"] if f["rule"] == "NB501"]
    assert [(f["location"]["column"], f["location"]["row"]) for f in found] == [("natural_person", "carried_over")]


def test_zip_of_submissions_is_read_without_extracting(tmp_path, run_json):
    archive = tmp_path / "submissions.zip"
    outside = tmp_path / "evil.txt"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(REPORTS / "2022-qinghe-natural-resources.txt", "县局/青禾.txt")
        z.writestr("../evil.txt", (REPORTS / "2020-nanyu-county.txt").read_text(encoding="utf-8"))
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w") as nested:
            nested.writestr("x.txt", "x")
        z.writestr("nested.zip", inner.getvalue())
    code, doc = run_json(archive)
    by_name = {r["source"]["path"].split("submissions.zip/")[1]: r for r in doc["results"]}
    assert by_name["县局/青禾.txt"]["score"] == 100.0
    assert by_name["../evil.txt"]["error"]["code"] == "unreadable"  # refused by name; nothing is ever extracted
    assert "../" in by_name["../evil.txt"]["error"]["message"]
    assert by_name["nested.zip"]["error"]["code"] == "unsupported"
    assert not outside.exists() and code == 2


def test_editing_a_local_rule_file_invalidates_the_cache(tmp_path, run_json):
    rule = tmp_path / "mine.py"
    source = (PLUGINS / "local_rule.py").read_text(encoding="utf-8")
    rule.write_text(source, encoding="utf-8")
    report = REPORTS / "2022-qinghe-natural-resources.txt"
    args = (report, "--plugin", rule, "--cache-dir", tmp_path / "cache", "--select", "LC301")
    _, first = run_json(*args)
    _, again = run_json(*args)
    assert again["summary"]["cached"] == 1
    rule.write_text(source.replace('"信息处理费管理办法" not in', '"信息处理费管理办法" in'), encoding="utf-8")
    _, edited = run_json(*args)
    assert edited["summary"]["cached"] == 0
    assert [f["rule"] for f in edited["results"][0]["findings"]] == ["LC301"]
    assert first["results"][0]["findings"] == []


def test_a_cache_that_cannot_be_kept_does_not_stop_the_check(tmp_path, run_json):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should go", encoding="utf-8")
    code, doc = run_json(REPORTS / "2022-qinghe-natural-resources.txt", "--cache-dir", blocked)
    assert code == 0 and doc["results"][0]["score"] == 100.0


def test_the_run_store_gives_back_what_was_put_in_memory_on_disk_and_in_a_child(tmp_path):
    """A batch keeps its results and digests in the run's store: in memory up to a bound, then in an unnamed file
    (nothing left on disk); every byte comes back, also in a forked child (where the cross-report rules run)."""
    from nianbao.engine.batch.store import Store
    from nianbao.engine.isolation import run_isolated

    store = Store(spill=1000)
    pieces = [os.urandom(n) for n in (10, 600, 700, 5000, 0, 3)]
    refs = [store.put(piece) for piece in pieces]
    assert store.memory is None and store.fd is not None  # moved to its file past 1,000 bytes
    assert [store.get(r) for r in refs] == pieces
    child = run_isolated(lambda: [store.get(r) for r in refs], 30, None)
    assert child.ok and child.value == pieces
    assert not list(Path(tempfile.gettempdir()).glob(f"nianbao-run-*{os.getpid()}*"))
    store.close()


def test_a_batch_written_through_a_store_on_disk_is_the_same_document(tmp_path, monkeypatch):
    """Results read back from the store (here moved to its file after the first few) make the same document as
    results kept in memory; cross-report findings join the reports they name, located on their page and line."""
    from nianbao.engine.batch import store
    from nianbao.engine.batch.run import RunOptions, check_all
    from nianbao.engine.checking.checker import Checker
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.submissions import collect

    write_batch(tmp_path / "batch", 12)
    subs = collect([tmp_path / "batch"])
    checker = Checker(PluginHost.load(entry_points=False))
    in_memory = checker.document(check_all(checker, list(subs), RunOptions(jobs=2, progress=False)).results)
    monkeypatch.setattr(store, "SPILL", 2000)
    spilled = check_all(checker, handed := list(subs), RunOptions(jobs=2, progress=False))
    assert spilled.results.store.fd is not None and handed == []  # the run let go of the submissions once checked
    on_disk = checker.document(spilled.results)
    assert "".join(on_disk.json_chunks()) == "".join(in_memory.json_chunks())
    alone = [checker.check_file(Path(sub.name)) for sub in subs]
    checker.check_across(alone)
    assert "".join(checker.document(alone).json_chunks()) == "".join(on_disk.json_chunks())


def test_a_result_document_is_read_back_a_result_at_a_time_and_says_the_same(tmp_path, run):
    """`nianbao letters` and `summary` read a province's document into a run store, never whole: the results come
    back one at a time and the document says exactly what it said; a file that is not one is refused."""
    from nianbao.engine.batch.document import NotADocument, read_document
    from nianbao.engine.result import ResultDocument

    write_batch(tmp_path / "batch", 6)
    document = tmp_path / "result.json"
    run("check", tmp_path / "batch", "--format", "json", "--output", document, "--no-cache")
    streamed = read_document(document, 1 << 30)
    assert not isinstance(streamed.results, list) and len(streamed.results) == 6
    whole = ResultDocument.model_validate_json(document.read_bytes())
    assert "".join(streamed.json_chunks()) == "".join(whole.json_chunks())
    broken = tmp_path / "broken.json"
    broken.write_text(document.read_text(encoding="utf-8").replace('"score": ', '"score": "x', 1), encoding="utf-8")
    with pytest.raises(NotADocument):
        read_document(broken, 1 << 30)


def _reports_and_a_broken_file(tmp_path):
    """A folder of the sample text reports and one PDF that cannot be read."""
    folder = tmp_path / "in"
    folder.mkdir()
    for path in sorted(REPORTS.glob("*.txt")):
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n garbage")
    return folder


def test_a_second_run_in_the_other_language_reads_no_file(tmp_path, run_json):
    """Checked in Chinese with a cache, then in English: every result comes from the cache, said again in English
    from its message keys (no file read again), and equals what a fresh English run writes."""
    folder = _reports_and_a_broken_file(tmp_path)
    cache = tmp_path / "cache"
    run_json(folder, "--cache-dir", cache)
    _, english = run_json(folder, "--cache-dir", cache, "--lang", "en")
    _, fresh = run_json(folder, "--no-cache", "--lang", "en")
    assert english["summary"]["cached"] == len(english["results"]) == len(fresh["results"])

    def said(doc: dict) -> list:
        return [
            (r["source"]["path"], r["score"], (r["error"] or {}).get("message"), [f["message"] for f in r["findings"]],
             [s["message"] for f in r["findings"] for s in f.get("symptoms") or []])
            for r in doc["results"]
        ]  # fmt: skip

    assert said(english) == said(fresh)
    assert any(symptoms for *_, symptoms in said(english))  # one wrong figure's other checks, said again too
    assert any("The file cannot be read" in (message or "") for _, _, message, *_ in said(english))
    _, again = run_json(folder, "--cache-dir", cache, "--lang", "en")  # now kept in English too
    assert said(again) == said(fresh) and again["summary"]["cached"] == len(again["results"])


def test_a_second_run_with_another_profile_reads_no_file(tmp_path, run_json, run):
    """Checked with the default profile and a cache, then with the evaluator's: no result can be reused (the
    profile shapes them), but no file is read again either (the reports' models are kept), and the results equal a
    fresh evaluator run's; a file that could not be read is not read again either."""
    from nianbao.engine.checking.checker import Checker

    folder = _reports_and_a_broken_file(tmp_path)
    cache = tmp_path / "cache"
    log = tmp_path / "reads.txt"  # the workers are forked: each read is written down where the test can see it
    original = Checker.read_submission

    def counted(self, sub):
        if sub.read_before is None:
            with log.open("a", encoding="utf-8") as out:
                out.write(sub.name + "\n")
        return original(self, sub)

    def reads() -> list[str]:
        found = log.read_text(encoding="utf-8").split() if log.exists() else []
        log.unlink(missing_ok=True)
        return found

    Checker.read_submission = counted  # type: ignore[method-assign]
    try:
        run_json(folder, "--cache-dir", cache)
        assert len(reads()) == len(list(folder.iterdir()))  # the first run reads every file
        _, evaluator = run_json(folder, "--cache-dir", cache, "--profile", "evaluator")
        assert reads() == []  # the second reads none
    finally:
        Checker.read_submission = original  # type: ignore[method-assign]
    _, fresh = run_json(folder, "--no-cache", "--profile", "evaluator")
    assert evaluator["summary"]["cached"] == 0

    def said(doc: dict) -> list:
        return [
            (r["source"]["path"], r["score"], r["grade"], (r["error"] or {}).get("code"),
             sorted((f["rule"], f["message"]) for f in r["findings"]))
            for r in doc["results"]
        ]  # fmt: skip

    assert said(evaluator) == said(fresh)
    assert [r["error"]["code"] for r in evaluator["results"] if r["error"]] == ["unreadable"]


def test_a_reading_kept_with_other_reading_tools_is_not_taken(tmp_path, run_json, monkeypatch):
    """A report model and a result kept by a run with one Tesseract (or none), or with other Tesseract models, are not
    taken by a run with another: an office that installs OCR, or upgrades it, has its files read again; with the same
    tools nothing is."""
    from nianbao.engine.readers import tools

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("2020-nanyu-county.txt", "2022-qinghe-natural-resources.txt"):
        (folder / name).write_bytes((REPORTS / name).read_bytes())
    cache = tmp_path / "cache"
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    program = bin_folder / "tesseract"
    program.write_text("#!/bin/sh\necho tesseract 9.9\n", encoding="utf-8")
    program.chmod(0o755)

    def checked(path: str) -> dict:
        monkeypatch.setenv("PATH", path)
        tools.fingerprint.cache_clear()
        return run_json(folder, "--cache-dir", cache)[1]

    usual = os.environ["PATH"]
    first = checked(usual)
    assert checked(usual)["summary"]["cached"] == 2  # the same tools: taken from the cache
    other = checked(f"{bin_folder}{os.pathsep}{usual}")
    assert other["summary"]["cached"] == 0  # another Tesseract first on the path: read again
    program.write_text("#!/bin/sh\necho tesseract 10.0 upgraded\n", encoding="utf-8")
    assert checked(f"{bin_folder}{os.pathsep}{usual}")["summary"]["cached"] == 0  # the same place, upgraded
    assert [r["score"] for r in other["results"]] == [r["score"] for r in first["results"]]
    models = tmp_path / "tessdata"  # Tesseract's Chinese model upgraded alone (the program as it was)
    models.mkdir()
    (models / "chi_sim.traineddata").write_bytes(b"model 1")
    monkeypatch.setenv("TESSDATA_PREFIX", str(models))
    checked(usual)
    assert checked(usual)["summary"]["cached"] == 2
    (models / "chi_sim.traineddata").write_bytes(b"model 2, larger")
    assert checked(usual)["summary"]["cached"] == 0
    tools.fingerprint.cache_clear()
