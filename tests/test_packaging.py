"""Nianbao owns one import name, `nianbao`: installed from its wheel beside a package that owns `rules` (as another
well-known package does), both import and neither overwrites the other; a plugin written against the 0.1 names
(`engine`, `rules`) still loads, for one release, where nothing else owns them."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import sysconfig
import textwrap
import tomllib
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "reports" / "2023-bailu-environment-table-errors.txt"


def test_every_package_of_the_tree_ships():
    """The wheel's package list (pyproject.toml) holds every folder of engine/ and rules/ that is a package: one left
    out would install a Nianbao that fails on its first import of it."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {
        "nianbao." + ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("engine", "rules")
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found and found | {"nianbao.engine._schemas"} == listed


def test_the_0_1_names_are_the_same_modules_with_a_warning():
    import nianbao.engine.checking.checker as moved
    import nianbao.engine.rule as rule

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        import engine.checker as old_checker  # moved in 0.2 to engine/checking/

        from engine import Rule
        from rules.support import tidy  # a built-in rule module, under its 0.1 name
    assert tidy(2.0) == 2
    assert old_checker is moved and Rule is rule.Rule  # one module, one Rule class: a plugin's rule is a Rule
    said = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)]
    assert any("nianbao.engine.checking.checker" in s for s in said) and any("nianbao.rules.support" in s for s in said)


def _run(script: str, path: list[Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    """`script` in a Python that sees only `path` and the installed dependencies: no site processing, so not the
    editable install of this checkout either."""
    site = sysconfig.get_paths()["purelib"]
    env = {"PYTHONPATH": ":".join([*map(str, path), site]), "PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-S", "-c", textwrap.dedent(script)],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_the_wheel_installs_beside_a_package_that_owns_rules(tmp_path):
    wheels, target, other = tmp_path / "wheels", tmp_path / "site", tmp_path / "other"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("nianbao-*.whl")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    assert sorted(p.name for p in target.iterdir() if not p.name.endswith(".dist-info")) in (
        ["nianbao"],
        ["bin", "nianbao"],
    )
    # Another package that owns the name `rules` (as django-rules does), installed in the same place.
    (other / "rules").mkdir(parents=True)
    (other / "rules" / "__init__.py").write_text('OWNER = "another package"\n', encoding="utf-8")
    (other / "rules" / "predicates.py").write_text("def always():\n    return True\n", encoding="utf-8")
    for first in ("rules", "nianbao"):  # whichever is imported first, each keeps its own
        run = _run(
            f"""
            import json, sys
            if {first!r} == "rules":
                import rules.predicates
            from nianbao.engine.cli.main import main
            code = main(["check", {str(SAMPLE)!r}, "--format", "json", "--no-cache", "--no-progress", "--jobs", "1",
                         "--output", "out.json"])
            import rules, rules.predicates
            import engine, nianbao.engine
            print(json.dumps({{"code": code, "owner": rules.OWNER, "always": rules.predicates.always(),
                              "engine": engine is nianbao.engine, "from": nianbao.engine.__file__}}))
            """,
            [target, other],
            tmp_path,
        )
        assert run.returncode == 0, run.stderr
        said = json.loads(run.stdout.splitlines()[-1])
        assert said["code"] == 1 and said["owner"] == "another package" and said["always"] is True
        assert said["engine"] is True and said["from"].startswith(str(target))  # the wheel's, not this checkout's
        document = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
        assert any(f["rule"] == "NB204" for f in document["results"][0]["findings"])
        assert all(p["name"].startswith("nianbao.") for p in document["plugins"] if p["origin"] == "builtin")


def test_every_module_of_0_1_still_imports_under_its_old_name():
    """A plugin may import any 0.1 module (a reader's base, the OCR's pieces): each name, moved in 0.2 or not, still
    gives the module it became, for one release."""
    from nianbao.engine._aliases import new_name

    listed = (ROOT / "tests" / "fixtures" / "modules_0_1.txt").read_text(encoding="utf-8").split("\n")
    old = [line for line in listed if line and not line.startswith("#")]
    assert len(old) > 100
    missing = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        for name in old:
            try:
                module = importlib.import_module(name)
            except ImportError as exc:
                missing.append(f"{name}: {exc}")
                continue
            assert module is importlib.import_module(new_name(name)), name
    assert missing == []
