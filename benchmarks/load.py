"""The clerk's page under load, over loopback: `nianbao serve` started here, posted to by many clients at once.

    python benchmarks/load.py clerks    # 2 twenty-page scans and 8 reports at once; the queue's edge; a scan cancelled
    python benchmarks/load.py attack    # 50 clients, 300 uploads, half of them amplifiers (scans, LibreOffice files)

Bounded: every request has a time limit, every client a deadline, the server is killed at the end, and the run
stops by itself. Measures each report's answer time (alone, then under load), the refusals (503), the peak memory
of the server's whole process tree (PSS: the pages a forked worker shares with the server counted once), and what
is left after the answers: LibreOffice or Tesseract still running, files in the server's temporary folder. The
reports are the real PDFs of ../shared/corpus/real when present, and ours; the scans are the real layouts' pages
printed and scanned by nianbao.engine.testing.scan, twenty pages each.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nianbao.engine.batch import tree  # noqa: E402
from nianbao.engine.testing import amplifiers as A  # noqa: E402

REAL = ROOT.parent / "shared" / "corpus" / "real"
BOUNDARY = "nianbao-load"


def reports() -> list[tuple[str, bytes]]:
    """Eight reports of the kinds clerks send: real PDFs where the corpus is, ours in each format."""
    found = [(p.name, p.read_bytes()) for p in sorted(REAL.glob("*.pdf"))[:3]] if REAL.is_dir() else []
    fixtures = ROOT / "tests" / "fixtures"
    for name in ("2021-qinghe.pdf", "2021-qinghe.docx", "2019-nanyu.html", "2019-nanyu.pdf", "2021-qinghe.txt"):
        found.append((name, (fixtures / name).read_bytes()))
    found += [(p.name, p.read_bytes()) for p in sorted((ROOT / "reports").glob("*.txt"))]
    return found[:8]


def scan(pages: int = 20) -> bytes:
    """A scanned PDF of `pages` pages: a real report's pages (ours without the corpus), printed and scanned."""
    from nianbao.engine.testing.scan import ScanSpec, scanned_pages, scanned_pdf

    source = REAL / "huaian_city_2024.pdf"
    pdf = source.read_bytes() if source.is_file() else (ROOT / "tests" / "fixtures" / "2021-qinghe.pdf").read_bytes()
    images = scanned_pages(pdf, ScanSpec())
    return scanned_pdf([images[i % len(images)] for i in range(pages)], 200)


def amplifiers() -> list[tuple[str, bytes]]:
    slow_odt = A.big_table_odt(1_500)  # under the row limit: LibreOffice converts it, for seconds
    return [
        ("laughs.pdf", A.xobject_laughs_pdf()),
        ("lzw.pdf", A.lzw_bomb_pdf()),
        ("runlength.pdf", A.runlength_bomb_pdf()),
        ("grid.pdf", A.ruled_grid_pdf()),
        ("objstm.pdf", A.object_stream_pdf()),
        ("grid-scan.pdf", A.grid_scan_pdf()),
        ("rows.odt", A.big_table_odt()),
        ("slow.odt", slow_odt),
        ("sparse.png", A.sparse_png()),
        ("pages.tif", A.many_frames_tiff(100_000)),
        ("wall.pdf", A.pdf({**A._page("<< >>", size=(14400, 14400)), 4: A.stream(b"0 0 m 1 1 l S")})),
        ("long.txt", A.long_sentence_report()),
    ]


class Server:
    def __init__(self, workers: int = 0, queue: int = 0) -> None:
        self.temp = Path(tempfile.mkdtemp(prefix="load-"))
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        args = [sys.executable, "-m", "nianbao.engine.cli.main", "serve", "--port", str(self.port)]
        args += ["--workers", str(workers)] if workers else []
        args += ["--queue", str(queue)] if queue else []
        env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(self.temp)}
        self.process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(self.url + "/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        self.peak = 0
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, tree.tree_proportional(self.process.pid))
            time.sleep(0.05)

    def helpers(self) -> list[str]:
        """Converters and OCR still running under the server."""
        names = []
        for pid in tree.descendants(self.process.pid)[1:]:
            try:
                names.append(Path(f"/proc/{pid}/comm").read_text().strip())
            except OSError:
                continue
        return [n for n in names if n.startswith(("soffice", "tesseract"))]

    def leftovers(self) -> list[str]:
        return sorted(p.name for p in self.temp.iterdir())

    def stop(self) -> None:
        self._done.set()
        self.process.kill()
        self.process.wait()
        for path in sorted(self.temp.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        self.temp.rmdir()


def post(url: str, name: str, data: bytes, path: str = "/check", timeout: float = 300) -> tuple[int, float]:
    body = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n\r\n'.encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    request = urllib.request.Request(
        url + path, data=body, headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            answer.read()
            return answer.status, time.monotonic() - started
    except urllib.error.HTTPError as err:
        return err.code, time.monotonic() - started
    except OSError:
        return 0, time.monotonic() - started


def _at_once(calls: list) -> list:
    out: list = [None] * len(calls)

    def run(i: int, call) -> None:
        out[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    return out


def clerks() -> dict:
    normal = reports()
    scans = [("scan-a.pdf", scan()), ("scan-b.pdf", scan())]
    server = Server()
    try:
        alone = {name: post(server.url, name, data)[1] for name, data in normal}
        together = _at_once([lambda n=n, d=d: post(server.url, n, d) for n, d in normal])
        calls = [lambda n=n, d=d: post(server.url, n, d, "/api/check") for n, d in scans]
        started = time.monotonic()
        scan_threads = threading.Thread(target=lambda: scan_answers.extend(_at_once(calls)))
        scan_answers: list = []
        scan_threads.start()
        time.sleep(1.0)  # the scans are at work
        loaded = _at_once([lambda n=n, d=d: post(server.url, n, d) for n, d in normal])
        scan_threads.join(timeout=900)
        scans_took = time.monotonic() - started
        # the queue's edge: as many scan jobs as the service takes, and one more
        capacity = 2 * (os.cpu_count() or 1) + 3 * (os.cpu_count() or 1)
        edge = _at_once([lambda: post(server.url, "scan-c.pdf", scans[0][1]) for _ in range(capacity + 1)])
        peak = server.peak
    finally:
        server.stop()
    cancelled = cancel_a_scan(scans[0][1])
    return {
        "reports alone (s)": {n: round(t, 2) for n, t in alone.items()},
        "the eight at once (s)": {n: round(t, 2) for (n, _), (_, t) in zip(normal, together, strict=True)},
        "the eight at once beside two scans (s)": {
            n: round(t, 2) for (n, _), (_, t) in zip(normal, loaded, strict=True)
        },
        "report statuses": [s for s, _ in loaded],
        "longest delay the scans added (s)": round(
            max(t - t0 for (_, t), (_, t0) in zip(loaded, together, strict=True)), 2
        ),
        "scans (status, s)": [(s, round(t, 1)) for s, t in scan_answers],
        "both scans done after (s)": round(scans_took, 1),
        "uploads at the queue's edge": {str(s): [e[0] for e in edge].count(s) for s in {e[0] for e in edge}},
        "peak tree memory, PSS (MB)": peak >> 20,
        "cancelled scan": cancelled,
    }


def cancel_a_scan(data: bytes) -> dict:
    """A scan posted and its connection closed while Tesseract is at work on it: what is left 3 s later."""
    server = Server()
    try:
        body = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="s.pdf"\r\n\r\n'.encode()
            + data
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        head = (
            f"POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.port)) as connection:
            connection.sendall(head + body)
            for _ in range(600):  # until Tesseract is at work on it
                during = server.helpers()
                if during:
                    break
                time.sleep(0.1)
        time.sleep(3)
        return {"helpers at work before": during, "helpers after": server.helpers(), "files": server.leftovers()}
    finally:
        server.stop()


def attack(clients: int = 50, requests: int = 300) -> dict:
    normal = reports()
    hostile = [*amplifiers(), ("scan.pdf", scan(4))]
    uploads = [(*(hostile if i % 2 else normal)[(i // 2) % len(hostile if i % 2 else normal)], i % 2 == 0)
               for i in range(requests)]  # fmt: skip
    server = Server()
    answers: list[tuple[str, int, float, bool]] = []
    refused = [0]

    deadline = time.monotonic() + 900

    def client(batch: list) -> None:
        for name, data, is_normal in batch:
            while time.monotonic() < deadline:  # a busy answer says to come back; a client does, until its deadline
                status, took = post(server.url, name, data, "/api/check", timeout=200)
                if status != 503:
                    answers.append((name, status, took, is_normal))
                    break
                refused[0] += 1
                time.sleep(0.5)

    started = time.monotonic()
    try:
        _at_once([lambda k=k: client(uploads[k::clients]) for k in range(clients)])
        took = time.monotonic() - started
        time.sleep(1)
        helpers, files, peak = server.helpers(), server.leftovers(), server.peak
    finally:
        server.stop()
    normal_times = sorted(t for _, s, t, n in answers if n and s == 200)
    return {
        "requests answered": len(answers),
        "slowest amplifiers (s)": sorted(((round(t, 1), n) for n, _, t, normal in answers if not normal))[-4:],
        "slowest normal reports (s)": sorted(((round(t, 1), n) for n, _, t, normal in answers if normal))[-3:],
        "statuses": {str(s): [a[1] for a in answers].count(s) for s in {a[1] for a in answers}},
        "busy answers (503, retried)": refused[0],
        "normal reports: median / 95th / longest answer (s)": (
            round(statistics.median(normal_times), 2),
            round(normal_times[int(0.95 * (len(normal_times) - 1))], 2),
            round(normal_times[-1], 2),
        ),
        "normal reports over 5 s": sum(t > 5 for t in normal_times),
        "peak tree memory, PSS (MB)": peak >> 20,
        "helpers left after the answers": helpers,
        "files left": files,
        "whole run (s)": round(took, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario", choices=["clerks", "attack"])
    args = parser.parse_args()
    result = clerks() if args.scenario == "clerks" else attack()
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
