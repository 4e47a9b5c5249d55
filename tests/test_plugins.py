"""Plugins: an installed package with an entry point, a local file, and the failures that must not stop a run."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, nianbao_process

PLUGINS = ROOT / "tests" / "plugins"
SAMPLE = ROOT / "reports" / "2022-qinghe-natural-resources.txt"


@pytest.fixture(scope="module")
def installed_package(tmp_path_factory):
    """tests/plugin_pkg installed (with its entry point) into a folder of its own."""
    target = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--target",
            str(target),
            str(ROOT / "tests" / "plugin_pkg"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return target


def nianbao(site, *args):
    return nianbao_process(*args, extra_path=site, cwd=ROOT)


def test_entry_point_package_is_listed_and_fires(installed_package):
    listing = nianbao(installed_package, "rules", "--format", "json")
    assert listing.returncode == 0, listing.stderr
    rules = {r["id"]: r for r in json.loads(listing.stdout)}
    assert rules["GZ101"]["plugin"] == "gz" and rules["GZ101"]["severity"] == "warning"
    assert "organ in full" in rules["GZ101"]["doc"]
    assert "NB201" in rules  # built-ins still there
    check = nianbao(installed_package, "check", SAMPLE, "--format", "json", "--no-cache")
    doc = json.loads(check.stdout)
    assert {"name": "gz", "origin": "entry-point", "version": "1.2.0", "error": None} in doc["plugins"]
    findings = doc["results"][0]["findings"]
    assert [f["rule"] for f in findings if f["rule"].startswith("GZ")] == ["GZ102"]
    assert {"GZ101", "GZ102"} <= {r["rule"] for r in doc["results"][0]["rules"]}


def test_local_rule_file_is_listed_and_fires(run, tmp_path):
    code, out, err = run("rules", "--plugin", PLUGINS / "local_rule.py", "--format", "json")
    assert code == 0
    ids = {r["id"] for r in json.loads(out)}
    assert "LC301" in ids and "LC999" in ids
    assert "LC998" not in ids and "LC998" in err and "docstring" in err  # unsound declaration: reported, skipped

    report = tmp_path / "report.txt"
    report.write_text(
        SAMPLE.read_text(encoding="utf-8").replace("依据《政府信息公开信息处理费管理办法》，", ""), encoding="utf-8"
    )
    code, out, err = run("check", report, "--plugin", PLUGINS / "local_rule.py", "--format", "json")
    result = json.loads(out)["results"][0]
    assert [f["rule"] for f in result["findings"]] == ["LC301"]
    statuses = {r["rule"]: r for r in result["rules"]}
    assert statuses["LC999"]["status"] == "error" and "boom" in statuses["LC999"]["reason"]
    assert statuses["NB201"]["status"] == "pass"
    assert code == 0  # a crashed rule is reported, not fatal; LC301 is only a warning


def test_plugin_that_fails_to_import_is_reported_and_skipped(run):
    code, out, err = run(
        "check", SAMPLE, "--plugin", PLUGINS / "broken_plugin.py", "--plugin", "no_such_module_xyz", "--format", "json"
    )
    assert code == 0
    assert "broken_plugin.py" in err and "nianbao_module_that_does_not_exist" in err
    assert "no_such_module_xyz" in err
    doc = json.loads(out)
    failed = [p for p in doc["plugins"] if p["origin"] == "failed"]
    assert len(failed) == 2 and all("加载失败" in p["error"] for p in failed)
    assert doc["results"][0]["score"] == 100.0


def test_duplicate_rule_id_is_refused(run, tmp_path):
    dup = tmp_path / "dup.py"
    dup.write_text(
        "from nianbao.engine import hookimpl, Rule\n"
        "class Mine(Rule):\n"
        "    '''Doc.'''\n"
        "    id = 'NB201'; name = 'mine'; title = 't'\n"
        "    def check(self, report, context):\n"
        "        return []\n"
        "@hookimpl\n"
        "def nianbao_rules():\n"
        "    return [Mine]\n",
        encoding="utf-8",
    )
    code, out, err = run("rules", "--plugin", dup, "--format", "json")
    assert code == 0 and "already used" in err
    mine = [r for r in json.loads(out) if r["id"] == "NB201"]
    assert len(mine) == 1 and mine[0]["plugin"] == "nianbao.rules.tables"


@pytest.mark.filterwarnings("ignore:.*is the 0.1 name of:DeprecationWarning")  # said, and meant (test_packaging)
def test_plugins_written_against_the_0_1_names_still_work(run, tmp_path):
    """BatchRule/check_batch/nianbao_batch_rules and nianbao.engine.readers.base.Reader: kept for one release."""
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, err = run(
        "check", tmp_path / "a.txt", tmp_path / "b.txt", "--plugin", PLUGINS / "old_names.py", "--format", "json"
    )
    assert code in (0, 1) and "Traceback" not in err and "old_names" not in err  # loaded without a problem
    found = [f for r in json.loads(out)["results"] for f in r["findings"] if f["rule"] == "OL501"]
    assert len(found) == 1


def test_hook_implementations_get_the_arguments_they_name():
    """Hooks are called as pluggy calls them: an implementation takes only the parameters it names, so a hook can
    gain parameters without breaking older plugins."""
    import pluggy
    from nianbao.engine.checking.plugins import PluginHost
    from nianbao.engine.hookspecs import PROJECT, hookimpl

    spec = pluggy.HookspecMarker(PROJECT)

    class Specs:
        @spec
        def nianbao_example(self, lang, year):
            """A hook with parameters."""

    class Old:
        @hookimpl
        def nianbao_example(self):
            return "old"

    class New:
        @hookimpl
        def nianbao_example(self, year):
            return f"new {year}"

    host = PluginHost.load(entry_points=False)
    host.manager.add_hookspecs(Specs)
    host.manager.register(Old(), name="old")
    host.manager.register(New(), name="new")
    answers = dict(host._call("nianbao_example", lang="zh", year=2024))
    assert answers == {"old": "old", "new": "new 2024"}
