"""`check --cluster`: a loopback Dask scheduler and two workers, each a process of its own as on real machines.

The cluster's results must equal the local pool's, field by field; a hanging or crashing file costs only itself; a
worker killed mid-run costs nothing (its files go to the other worker); a cancelled or killed run leaves nothing
running on the cluster."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from nianbao.engine.batch.tree import _children as children
from nianbao.engine.testing.cluster import Loopback

from tests.conftest import ROOT, alive, descendants, nianbao_process

distributed = pytest.importorskip("distributed", reason="the cluster extra (Dask's distributed) is not installed")

PLUGINS = ROOT / "tests" / "plugins"
# A rule that waits on every report, so that a run is still going when a test kills a worker or the run itself.
WAITING_RULE = """
import os, time
from nianbao.engine import Rule, hookimpl

class Waits(Rule):
    '''Waits on every report (a test fixture). How to fix: nothing to fix.'''
    id = "TS900"
    name = "waits"
    title = "等待"
    severity = "info"
    weight = 0

    def check(self, report, context):
        time.sleep(float(os.environ.get("NIANBAO_TEST_WAIT", "1.5")))
        return []

@hookimpl
def nianbao_rules():
    return [Waits]
"""


def checks_running(cluster: Loopback) -> set[int]:
    """The processes the workers started besides Dask's own (a worker process, its resource tracker)."""
    found = set()
    for nanny in cluster.workers:
        dask_own = set(children(nanny.pid))
        for pid in descendants(nanny.pid):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes() if alive(pid) else b""
            if b"resource_tracker" not in cmdline and pid not in dask_own:
                found.add(pid)
    return found


def _waiting_batch(folder: Path, count: int) -> tuple[Path, Path]:
    """`count` copies of a sample report, and the waiting rule as a rule file (sent to the workers as text: they
    share no disk here)."""
    batch = folder / "batch"
    batch.mkdir()
    for i in range(count):
        shutil.copy(ROOT / "reports" / "2020-nanyu-county.txt", batch / f"{i:02d}.txt")
    rule = folder / "waits.py"
    rule.write_text(WAITING_RULE, encoding="utf-8")
    return batch, rule


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    # The waiting rule waits 5 minutes on these workers: a stopped run's checks are still running when it stops.
    loopback = Loopback(tmp_path_factory.mktemp("cluster"), env={"NIANBAO_TEST_WAIT": "300"})
    yield loopback
    loopback.stop()


def _mixed_batch(folder: Path) -> Path:
    """Text, PDF, DOCX and JSON reports, a zip holding a text report and a scan sent as numbered page images, a file
    whose reader hangs and one whose reader kills its process."""
    batch = folder / "batch"
    batch.mkdir()
    for name in ("2020-nanyu-county.txt", "2023-bailu-environment-table-errors.txt"):
        shutil.copy(ROOT / "reports" / name, batch / name)
    for name in ("2021-qinghe.pdf", "2019-nanyu.docx", "2019-nanyu.html"):
        shutil.copy(ROOT / "tests" / "fixtures" / name, batch / name)
    members = {"机关/2022-qinghe.txt": (ROOT / "reports" / "2022-qinghe-natural-resources.txt").read_bytes()}
    if shutil.which("tesseract"):
        from nianbao.engine.testing.scan import ScanSpec, png, scanned_pages

        pages = scanned_pages((ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes(), ScanSpec(dpi=200))
        members.update({f"扫描件/报告_{i}.png": png(page, 200) for i, page in enumerate(pages, 1)})
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    (batch / "各机关.zip").write_bytes(packed.getvalue())
    (batch / "stuck.hang").write_text("x", encoding="utf-8")
    (batch / "broken.crash").write_text("x", encoding="utf-8")
    return batch


def _without_timings(document: dict) -> dict:
    """The result document without what differs between two runs of the same files (when and how long)."""
    dropped = {"generated", "generated_at", "elapsed", "seconds", "duration"}

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in dropped}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return strip(document)


def _differences(a, b, path: str = "") -> list[str]:
    """Where two documents differ, as paths (the first few), for a failing comparison's message."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(a.keys() | b.keys()) for d in _differences(a.get(k), b.get(k), f"{path}.{k}")][:10]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _differences(x, y, f"{path}[{i}]")][:10]
    return [] if a == b else [f"{path}: {str(a)[:120]} != {str(b)[:120]}"]


def _check(*args, **kwargs) -> tuple[subprocess.CompletedProcess, dict | None]:
    run = nianbao_process("check", *args, "--format", "json", "--no-progress", **kwargs)
    return run, (json.loads(run.stdout) if run.stdout.strip() else None)


def test_a_mixed_batch_on_the_cluster_equals_the_local_run(cluster, tmp_path):
    batch = _mixed_batch(tmp_path)
    common = ("--plugin", PLUGINS / "hostile.py", "--timeout", "45", "--no-cache")
    local, here = _check(batch, *common)
    remote, there = _check(batch, *common, "--cluster", cluster.address)
    assert "Traceback" not in remote.stderr and remote.returncode == local.returncode == 2, remote.stderr
    assert here is not None and there is not None
    assert _without_timings(there) == _without_timings(here), _differences(
        _without_timings(there), _without_timings(here)
    )
    errors = {Path(r["source"]["path"]).name: r["error"] for r in there["results"] if r["error"]}
    assert errors.keys() == {"stuck.hang", "broken.crash"}
    assert errors["stuck.hang"]["code"] == "timeout" and errors["broken.crash"]["key"] == "error.crashed"
    scans = [r for r in there["results"] if "扫描件" in r["source"]["path"]]
    assert len(scans) == (1 if shutil.which("tesseract") else 0)
    assert all(r["report"] and r["score"] is not None for r in scans)
    assert len(checks_running(cluster)) <= 4  # one kept check process per worker thread at most: the hung one is gone


def test_a_worker_killed_mid_run_costs_no_file(tmp_path):
    loopback = Loopback(tmp_path, env={"NIANBAO_TEST_WAIT": "3"})  # 12 files of 3 s on 4 threads: 9 s at least
    try:
        batch, rule = _waiting_batch(tmp_path, 12)
        args = ["check", batch, "--plugin", rule, "--no-cache", "--format", "json", "--no-progress"]
        client = subprocess.Popen(
            [sys.executable, "-m", "nianbao.engine.cli.main", *map(str, args), "--cluster", loopback.address],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        with distributed.Client(loopback.address, timeout=30) as watcher:
            deadline, running = time.monotonic() + 60, {}
            while time.monotonic() < deadline and not any(running.values()):
                time.sleep(0.1)
                running = watcher.processing()
            busy = [address for address, keys in running.items() if keys]  # as seen: asked again, it may have moved on
            if not busy:
                client.kill()
                pytest.fail(f"no file was ever running: {client.communicate()[1][-2000:]}")
            victim = next(w for w in loopback.workers if _worker_address(watcher, w.pid) == busy[0])
        loopback.kill(victim)
        out, err = client.communicate(timeout=240)
        errors = [r["error"] for r in json.loads(out)["results"] if r["error"]] if out.strip() else "no output"
        assert client.returncode == 0 and "Traceback" not in err, (errors, err[-2000:])
        results = json.loads(out)["results"]
        assert len(results) == 12 and all(r["error"] is None and r["score"] is not None for r in results)
    finally:
        loopback.stop()


def _why(cluster: Loopback, left: set[int]) -> str:
    """What a test that finds processes left over says: each one's parent and state, and the workers' tasks."""
    lines = []
    for pid in sorted(left):
        with contextlib.suppress(OSError):
            status = dict(line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
            lines.append(f"{pid}: parent {status.get('PPid')}, {status.get('State')}")
    with distributed.Client(cluster.address, timeout=30) as watcher:
        tasks = watcher.run(lambda dask_worker: {k: t.state for k, t in dask_worker.state.tasks.items()})
        lines.append(f"workers' tasks: {tasks}; processing: {watcher.processing()}")
    return "\n".join(lines)


def _worker_address(client, nanny_pid: int) -> str | None:
    """The address of the worker a nanny process started."""
    pids = client.run(os.getppid)  # each worker process's parent: its nanny
    return next((address for address, parent in pids.items() if parent == nanny_pid), None)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_a_stopped_run_leaves_nothing_running_on_the_cluster(cluster, tmp_path, stop):
    batch, rule = _waiting_batch(tmp_path, 8)
    args = ["check", batch, "--plugin", rule, "--no-cache", "--no-progress", "--cluster", cluster.address]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kept = checks_running(cluster)  # idle check processes an earlier run left (they exit after 10 s without work)
    client = subprocess.Popen([sys.executable, "-m", "nianbao.engine.cli.main", *map(str, args)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(checks_running(cluster) - kept) < 4:
        time.sleep(0.2)
    assert len(checks_running(cluster) - kept) >= 4, "the checks never started"
    client.send_signal(stop)
    client.communicate(timeout=60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and checks_running(cluster):
        time.sleep(0.2)
    left = checks_running(cluster)
    assert not left, _why(cluster, left)  # every check this run started is gone, and no idle one is left either
    with distributed.Client(cluster.address, timeout=30) as watcher:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(watcher.processing().values()):
            time.sleep(0.2)
        assert not any(watcher.processing().values())


def test_without_the_extra_the_cluster_option_names_it(tmp_path):
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'distributed' or name.startswith('distributed.'):\n"
        "            raise ModuleNotFoundError(name)\n"
        "sys.meta_path.insert(0, Block())\n",
        encoding="utf-8",
    )
    run = nianbao_process(
        "check", ROOT / "reports", "--cluster", "tcp://127.0.0.1:1", "--no-cache", extra_path=tmp_path
    )
    assert run.returncode == 2 and "nianbao[cluster]" in run.stderr and "Traceback" not in run.stderr


def test_workers_with_another_nianbao_are_refused_before_anything_is_sent(tmp_path):
    other = tmp_path / "other"
    for package in ("engine", "rules"):
        shutil.copytree(ROOT / package, other / "nianbao" / package, ignore=shutil.ignore_patterns("__pycache__"))
    with (other / "nianbao" / "engine" / "__init__.py").open("a", encoding="utf-8") as changed:
        changed.write("\n# a worker whose engine was changed by hand\n")
    loopback = Loopback(tmp_path, workers=1, env={"PYTHONPATH": str(other)})
    try:
        run = nianbao_process("check", ROOT / "reports", "--cluster", loopback.address, "--lang", "en", "--no-cache")
        assert run.returncode == 2 and "Traceback" not in run.stderr, run.stderr
        assert "run another Nianbao" in run.stderr and "tcp://127.0.0.1:" in run.stderr and run.stdout == ""
    finally:
        loopback.stop()


def test_a_cluster_that_loses_every_worker_reports_the_files_left_and_ends(tmp_path, monkeypatch, run_json):
    from nianbao.engine.batch import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "SETTINGS", cluster_module.ClusterSettings(no_workers=3))
    loopback = Loopback(tmp_path, workers=1)
    try:
        batch, rule = _waiting_batch(tmp_path, 6)
        killer = threading.Timer(4, loopback.kill, [loopback.workers[0]])  # while its first files are checked
        killer.start()
        started = time.monotonic()
        code, document = run_json(batch, "--plugin", rule, "--no-cache", "--cluster", loopback.address)
        killer.join()
    finally:
        loopback.stop()
    keys = [r["error"]["key"] if r["error"] else None for r in document["results"]]
    assert code == 2 and len(keys) == 6 and "error.cluster-no-workers" in keys, keys
    assert set(keys) <= {None, "error.cluster-no-workers"}
    assert time.monotonic() - started < 60


def test_shared_paths_and_the_cache_give_the_local_results(cluster, tmp_path):
    """With --cluster-shared the workers read the paths themselves; a second run takes every file from the cache on
    this machine and sends nothing; a profile's `cluster` key does what --cluster does."""
    batch = tmp_path / "batch"
    batch.mkdir()
    for name in ("2020-nanyu-county.txt", "2022-qinghe-natural-resources.txt"):
        shutil.copy(ROOT / "reports" / name, batch / name)
    shutil.copy(ROOT / "tests" / "fixtures" / "2019-nanyu.docx", batch / "2019-nanyu.docx")
    with zipfile.ZipFile(batch / "补交.zip", "w") as archive:
        archive.write(ROOT / "reports" / "2023-bailu-environment-table-errors.txt", "白鹭/2023.txt")
    plain, profile = tmp_path / "plain.toml", tmp_path / "cluster.toml"
    plain.write_text('name = "office"\n', encoding="utf-8")
    profile.write_text(f'name = "office"\ncluster = "{cluster.address}"\ncluster_shared = true\n', encoding="utf-8")
    local, here = _check(batch, "--profile", plain, "--no-cache")
    shared, there = _check(batch, "--profile", profile, "--cache-dir", tmp_path / "cache")
    again, cached = _check(batch, "--profile", profile, "--cache-dir", tmp_path / "cache")
    assert shared.returncode == local.returncode == again.returncode == 1, shared.stderr
    assert here and there and cached
    assert _without_timings(there) == _without_timings(here), _differences(there, here)
    assert there["summary"]["cached"] == 0 and cached["summary"]["cached"] == 4
    assert [r["score"] for r in cached["results"]] == [r["score"] for r in here["results"]]
