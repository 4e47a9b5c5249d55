"""A run of one small text report is checked in this process (nianbao.engine.batch.in_process): no worker and no
child per cross-report rule, with the same result as through them. Anything else still goes to a worker."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from nianbao.engine.batch import pool as pool_module
from nianbao.engine.batch import run as run_module

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PLUGINS = ROOT / "tests" / "plugins"


@pytest.fixture
def workers(monkeypatch):
    """How many runs started a worker pool, and how many contained the cross-report rules in child processes."""
    started = {"pool": 0, "contained": 0}
    real_run, real_contained = pool_module.Pool.run, run_module.contained

    def counted_run(self, *args, **kwargs):
        started["pool"] += 1
        return real_run(self, *args, **kwargs)

    def counted_contained(*args, **kwargs):
        started["contained"] += 1
        return real_contained(*args, **kwargs)

    monkeypatch.setattr(pool_module.Pool, "run", counted_run)
    monkeypatch.setattr(run_module, "contained", counted_contained)
    return started


def _result(run, *args):
    code, out, err = run("check", *args, "--format", "json", "--no-progress", "--no-cache")
    assert "Traceback" not in err
    return code, json.loads(out)


def _said(document):
    return [(r["score"], [(f["rule"], f["message"]) for f in r["findings"]]) for r in document["results"]]


def test_one_text_report_is_checked_here_with_the_same_result(run, workers, tmp_path):
    _, here = _result(run, FIXTURES / "2021-qinghe.txt")
    assert workers == {"pool": 0, "contained": 0}
    # The same report beside another: two files go to the workers, and the report's result is the same.
    shutil.copy(FIXTURES / "2021-qinghe.txt", tmp_path / "a.txt")
    shutil.copy(FIXTURES / "2019-nanyu.txt", tmp_path / "b.txt")
    _, both = _result(run, tmp_path / "a.txt", tmp_path / "b.txt")
    assert workers == {"pool": 1, "contained": 1}
    mine = next(r for r in both["results"] if r["source"]["path"].endswith("a.txt"))
    assert _said(here)[0] == (mine["score"], [(f["rule"], f["message"]) for f in mine["findings"]])
    assert {r["rule"] for r in here["results"][0]["rules"]} == {r["rule"] for r in mine["rules"]}  # NB5xx too


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("2021-qinghe.pdf", "a PDF: pdfminer in a worker, under its limits"),
        ("renamed.txt", "a PDF renamed .txt is read as a PDF"),
    ],
)
def test_what_may_hang_still_goes_to_a_worker(run, workers, tmp_path, name, why):
    source = FIXTURES / ("2021-qinghe.pdf" if name.endswith((".pdf", ".txt")) else name)
    shutil.copy(source, tmp_path / name)
    _, document = _result(run, tmp_path / name)
    assert document["results"][0]["error"] is None, why
    assert workers["pool"] == 1, why
    assert workers["contained"] == 0  # one report: its cross-report rules have nothing to compare, here


def test_an_outside_plugin_sends_even_a_text_report_to_a_worker(run, workers):
    _, document = _result(run, FIXTURES / "2021-qinghe.txt", "--plugin", PLUGINS / "local_rule.py")
    assert workers == {"pool": 1, "contained": 1}
    assert any(r["rule"] == "LC301" for r in document["results"][0]["rules"])


def test_a_failure_checking_here_costs_the_file_not_the_run(run, workers, monkeypatch):
    """What a worker's death would cost (its file's `unreadable`), checking here costs too; the run still answers."""

    def broken(checker, sub, keep_read=False):
        raise RuntimeError("a bug outside the readers' and the rules' own containment")

    monkeypatch.setattr(run_module, "checked", broken)
    _, document = _result(run, FIXTURES / "2021-qinghe.txt")
    error = document["results"][0]["error"]
    assert workers["pool"] == 0 and error["code"] == "unreadable" and "RuntimeError" in error["detail"]
