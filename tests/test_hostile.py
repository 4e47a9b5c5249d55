"""Hostile and broken input: every bad file answered with its code, nothing lost, nothing executed."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nianbao.engine.checking.checker import Checker
from nianbao.engine.checking.plugins import PluginHost
from nianbao.engine.errors import ErrorCode, ReadError
from nianbao.engine.submissions import Submission
from nianbao.engine.testing.hostile import CHECKED, write_hostile

from tests.conftest import ROOT

CODES = {c.value for c in ErrorCode}


def test_a_folder_of_bad_files(tmp_path):
    folder = tmp_path / "submissions"
    expected = write_hostile(folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nianbao.engine.cli.main",
            "check",
            str(folder),
            "--format",
            "json",
            "--no-cache",
            "--jobs",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    doc = json.loads(proc.stdout)
    by_name = {r["source"]["path"].split("submissions/", 1)[1]: r for r in doc["results"]}
    for name, code in expected.items():
        error = by_name[name]["error"]
        assert error is not None and error["code"] == code, (name, error)
        assert len(error["message"]) > 10 and "Traceback" not in error["message"]
    assert by_name["good.txt"]["score"] == 100.0
    for name in CHECKED:
        assert by_name[name]["error"] is None and by_name[name]["score"] is not None, name
    assert any("无法按编码解读" in note for note in by_name["stray-byte.txt"]["report"]["notes"])
    assert by_name["utf16.txt"]["score"] == by_name["good.txt"]["score"]
    renamed = by_name["renamed.docx"]
    assert renamed["report"]["source"]["format"] == "pdf"
    assert any("扩展名" in note for note in renamed["report"]["notes"])
    assert not (tmp_path / "outside.txt").exists() and not (folder.parent.parent / "outside.txt").exists()
    # Every process this test started, workers included, stayed well under 1 GiB.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 1024 * 1024


def test_report_text_never_becomes_markup(tmp_path, run):
    from nianbao.engine.testing.render import render_text
    from nianbao.engine.testing.samples import SampleSpec, make_report

    report = make_report(SampleSpec("青禾市自然资源局", 2022, seed=2))
    report.title = "<img src=x onerror=alert(1)>青禾局2022年政府信息公开工作年度报告"
    problems = report.section("problems")
    problems.text = "<script>alert('x')</script>" + problems.text
    path = tmp_path / "xss.txt"
    path.write_text(render_text(report), encoding="utf-8")
    out = tmp_path / "out.html"
    run("check", path, "--format", "html", "--output", out)
    page = out.read_text(encoding="utf-8")
    assert "<img" not in page and page.count("<script") == 1  # only the page's own sorting script
    assert "&lt;imgsrc=xonerror=alert(1)&gt;" in page  # the organ name, shown as text
    assert "script-src 'sha256-" in page


def test_spreadsheet_cells_never_become_formulas(tmp_path, run):
    path = tmp_path / "r.txt"
    text = (ROOT / "reports" / "2022-qinghe-natural-resources.txt").read_text(encoding="utf-8")
    path.write_text(text.replace("青禾市自然资源局2022年", '=HYPERLINK("http://x")2022年', 1), encoding="utf-8")
    _, out, _ = run("check", path, "--format", "csv")
    assert "'=HYPERLINK" in out


@pytest.fixture(scope="module")
def checker():
    return Checker(PluginHost.load(entry_points=False))


SAMPLES = {
    suffix: (ROOT / "tests" / "fixtures" / f"2021-qinghe{suffix}").read_bytes()
    for suffix in (".pdf", ".html", ".docx", ".txt")
}


@st.composite
def damaged(draw):
    suffix = draw(st.sampled_from(sorted(SAMPLES)))
    data = bytearray(SAMPLES[suffix])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 512))]
    return suffix, bytes(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_damaged_files_get_a_result_or_an_error_code(tmp_path_factory, checker, case):
    suffix, data = case
    path = tmp_path_factory.mktemp("fuzz") / f"damaged{suffix}"
    path.write_bytes(data)
    try:
        report = checker.read_submission(Submission(path))
    except ReadError as err:
        assert err.code.value in CODES and err.message()
    else:
        assert report.source.path == path.as_posix()
        result = checker.check_report(report)
        assert all(r.status != "error" for r in result.rules), [r.reason for r in result.rules if r.reason]


def test_limits_come_from_the_profile(tmp_path, run_json):
    profile = tmp_path / "tight.toml"
    profile.write_text("[limits]\nfile_mb = 0.001\n", encoding="utf-8")
    code, doc = run_json(ROOT / "reports" / "2022-qinghe-natural-resources.txt", "--profile", profile)
    assert code == 2 and doc["results"][0]["error"]["code"] == "too-large"
    profile.write_text("[limits]\nfile_megabytes = 3\n", encoding="utf-8")
    from nianbao.engine.cli.main import main

    assert main(["check", str(ROOT / "reports"), "--profile", str(profile)]) == 2  # an unknown limit: usage error


def test_scanned_pdf_message_says_what_to_do(checker, tmp_path):
    from nianbao.engine.testing.hostile import scanned_pdf

    path = tmp_path / "scan.pdf"
    path.write_bytes(scanned_pdf())
    with pytest.raises(ReadError) as err:
        checker.read(Path(path))
    assert err.value.code == ErrorCode.no_text and "OCR" in err.value.message()
