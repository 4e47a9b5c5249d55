"""A Dask cluster on 127.0.0.1 for the tests and the benchmarks: a scheduler and workers started as `dask scheduler`
and `dask worker` would be on real machines, each in a process (and session) of its own. Needs the cluster extra."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# The folder that holds the `engine` package: the workers import the same code as the process that starts them.
_HOME = Path(__file__).resolve().parents[2]


class Loopback:
    """A scheduler and `workers` workers of `threads` threads each, started and waited for; `stop()` kills them."""

    def __init__(self, folder: Path, workers: int = 2, threads: int = 2, env: dict | None = None):
        from distributed import Client

        self.folder = folder
        # One retry for a file whose worker dies (docs/cluster.md starts the scheduler so). Their scratch space in
        # `folder`: killed, they leave it behind, and Dask's own is the system's temporary folder.
        self.env = {**os.environ, "PYTHONPATH": str(_HOME), "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
                    "DASK_TEMPORARY_DIRECTORY": str(folder), **(env or {})}  # fmt: skip
        file = folder / "scheduler.json"
        self.scheduler = self._start("dask_scheduler", "--host", "127.0.0.1", "--port", "0", "--scheduler-file", file)
        deadline = time.monotonic() + 60
        while not file.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.address: str = json.loads(file.read_text())["address"]
        self.workers = [self._start("dask_worker", self.address, "--nthreads", threads) for _ in range(workers)]
        with Client(self.address, timeout=30) as client:
            client.wait_for_workers(workers, timeout=120)

    def _start(self, command: str, *args: object) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", f"distributed.cli.{command}", *map(str, args), "--no-dashboard"],
            cwd=self.folder, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # killed as a whole: the nanny, its worker and whatever the worker started
        )  # fmt: skip

    def kill(self, process: subprocess.Popen) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        for process in [*self.workers, self.scheduler]:
            self.kill(process)
