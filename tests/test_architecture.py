"""The stage boundaries of docs/architecture.md, as import-linter contracts in pyproject.toml: kept today, and
a forbidden import really does break them (so a green run means something)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True, no_logo=True))"

pytest.importorskip("importlinter", reason="import-linter is a test dependency: pip install -e '.[test]'")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first, so the packages analysed are the ones under `root`, not the installed checkout.
    env = {"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", LINT], cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _copy_tree(tmp_path: Path) -> Path:
    """engine/ and rules/ laid out as they install, nianbao/engine and nianbao/rules, with the contracts."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("engine", "rules"):
        shutil.copytree(ROOT / package, tmp_path / "nianbao" / package, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold():
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("rules/zz_reads_files.py", "from nianbao.engine.readers.pdf.reader import PdfReader\n", "Rules see only"),
        ("engine/readers/zz_runs_rules.py", "import nianbao.rules.tables\n", "Readers turn a source"),
        ("engine/template.py", "from nianbao.engine.outputs.rows import ranked\n", "The core"),
        ("engine/outputs/zz_rederives.py", "from nianbao.rules.tables import ApplicationsBalance\n", "Outputs render"),
        ("engine/batch/zz_cli.py", "from nianbao.engine.cli.main import main\n", "The command line"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, source, contract):
    root = _copy_tree(tmp_path)
    target = root / "nianbao" / module
    before = target.read_text(encoding="utf-8") if target.exists() else ""  # a core module gains the import
    target.write_text(before + textwrap.dedent(source), encoding="utf-8")
    run = _lint(root)
    assert run.returncode != 0
    broken = [line for line in run.stdout.splitlines() if "BROKEN" in line or line.startswith(contract)]
    assert any(contract in line for line in broken), run.stdout
    assert Path(module).stem in run.stdout  # the report names the offending module


def _loops(graph) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm over the import graph)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_module_imports_itself_round_a_loop():
    """No import loop among the modules of engine and rules, type-checking and in-function imports included: each
    module can be read knowing only what it imports."""
    import grimp

    graph = grimp.build_graph("nianbao.engine", "nianbao.rules", exclude_type_checking_imports=False)
    assert _loops(graph) == []


def test_the_loop_finder_finds_a_loop():
    class Graph:
        modules = {"a", "b", "c"}
        edges = {"a": {"b"}, "b": {"a"}, "c": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges[module]

    assert _loops(Graph()) == [["a", "b"]]
