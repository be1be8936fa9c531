"""Hostile input and load: every case of issue 18 against a real `counterwatch serve` on loopback, on
SQLite and on PostgreSQL. Prints, per case: outcome, seconds, peak memory of the server and its
extraction worker, and the p95 of a background probe (GET /api/stats) during the attack against its
p95 in a quiet window just before it (QUIET_S). An attack answered in under REPEAT_S is sent again and again for that long ("x N"). Targets: a clear error or a correct store in < 30 s and < 1.5 GB; probe p95 <= 2x quiet.

Usage: python benchmarks/hostile.py [--pg postgresql+psycopg://postgres@127.0.0.1:5432/test] [--json out.json]
"""

from __future__ import annotations

import argparse
import http.server
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import httpx
import psutil
from sqlalchemy import create_engine, text

SEED = ["Police in {c} use drones over protests, the city said. The council approved facial recognition "
        "cameras supplied by Hikvision in 2021." .format(c=c) for c in ("Oslo", "Lyon", "Riga", "Lima", "Tartu")]
BUDGET_S, BUDGET_MB = 30, 1536
REPEAT_S = 6  # an attack answered faster is repeated for this long, so the probe sees it (~100 probe requests)
QUIET_S = 4  # each case is compared with a quiet window just before it: the machine's load drifts within a run
ONLY: str | None = None  # --only: the cases whose name contains this
IN_PROCESS = False  # --in-process: the attacker is a thread beside the probe


class Probe(threading.Thread):
    """GET /api/stats in a loop, and the server's and worker's resident memory, until stopped."""

    def __init__(self, base: str, server: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.base, self.server, self.stop, self.times, self.errors, self.peak_mb = base, server, threading.Event(), [], 0, 0

    def run(self) -> None:
        with httpx.Client(timeout=60) as client:
            while not self.stop.is_set():
                started = time.perf_counter()
                try:
                    ok = client.get(self.base + "/api/stats").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.times.append(time.perf_counter() - started)
                self.errors += not ok
                try:
                    procs = [self.server, *self.server.children(recursive=True)]
                    self.peak_mb = max(self.peak_mb, sum(p.memory_info().rss for p in procs) / 2**20)
                except psutil.Error:
                    pass
                time.sleep(0.05)

    def p95_ms(self) -> float:
        return statistics.quantiles(self.times, n=20)[-1] * 1000 if len(self.times) >= 2 else float("nan")


def trickle_handler(n_bytes: int, every_s: float) -> type[http.server.BaseHTTPRequestHandler]:
    """A handler that sends one byte every `every_s` seconds, `n_bytes` in all: each read is quick,
    only an overall deadline cuts it (tests/test_hostile.py uses it too)."""

    class Trickle(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            try:
                for _ in range(n_bytes):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(every_s)
            except OSError:
                pass

    return Trickle


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_job(client: httpx.Client, base: str, job_id: int, limit_s: float = 120) -> dict:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        job = client.get(f"{base}/api/jobs/{job_id}").json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    return {"status": "timeout"}


def _upload(name: str, data: bytes):
    def case(client: httpx.Client, base: str) -> str:
        r = client.post(base + "/api/sources", files={"file": (name, data, "text/plain")})
        if r.status_code != 202:
            return f"{r.status_code} {r.json().get('detail', '')[:70]}"
        job = _wait_job(client, base, r.json()["job_id"])
        return f"job {job['status']}: " + (job.get("error") or f"source {job.get('source_id')}, {job.get('claims')} claims")[:90]
    return case


def _get(path: str, params: dict | None = None):
    def case(client: httpx.Client, base: str) -> str:
        r = client.get(base + path, params=params)
        body = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
        detail = body.get("detail", "") if isinstance(body, dict) else f"{len(body)} hits"
        return f"{r.status_code} {str(detail)[:80]}"
    return case


def _url(target: str):
    def case(client: httpx.Client, base: str) -> str:
        r = client.post(base + "/api/sources", data={"url": target})
        if r.status_code != 202:
            return f"{r.status_code} {r.json().get('detail', '')[:70]}"
        job = _wait_job(client, base, r.json()["job_id"])
        return f"job {job['status']}: " + (job.get("error") or f"source {job.get('source_id')}")[:90]
    return case


def cases(trickle_url: str) -> list[tuple[str, object]]:
    words = lambda n: " ".join(f"word{i}" for i in range(n))  # noqa: E731
    nested = ("<html><body>" + "<div>" * 5000 + "<p>Police in Oslo use drones over protests, the city said. " * 3
              + "</p>" + "<span><b><i>" * 300 + "</html>").encode()
    links = ("<html><body><p>Police in Oslo use drones over protests, the city said.</p>"
             + "".join(f'<a href="/p/{i}">link {i}</a> ' for i in range(100_000)) + "</body></html>").encode()
    report = "\n\n".join(SEED[i % len(SEED)] + " The programme was discussed at length by residents. " * 8
                         for i in range(480)).encode()  # 250 kB of paragraphs: extracted in 3 chunks
    nul = ("Police in Bergen use drones over protests, the city said. " * 200).encode() + b"\x00 end.\x00"
    return [
        ("search 400 words", _get("/api/search", {"q": words(400)})),
        ("search 2,000 words", _get("/api/search", {"q": words(2000)})),
        ("search 32 words (at the limit)", _get("/api/search", {"q": words(32)})),
        ("search limit=-1", _get("/api/search", {"q": "drones", "limit": -1})),
        ("record id of 25 digits", _get("/api/deployments/" + "9" * 25)),
        ("upload 52 MiB", _upload("big.txt", b"word " * (52 * 2**20 // 5))),
        ("upload 10 MB single line", _upload("line.txt", b"word " * 2_000_000)),
        ("upload 90 kB single line (stored)", _upload("line2.txt", b"Police in Oslo use drones over protests. " * 2200)),
        ("upload 250 kB report (chunked)", _upload("report.txt", report)),
        ("upload 100k-link HTML", _upload("links.html", links)),
        ("upload 5,000-deep nested HTML", _upload("nested.html", nested)),
        ("upload NUL after 8 KiB", _upload("nul.txt", nul)),
        ("URL trickling 1 byte/s", _url(trickle_url)),
    ]


def attack(case, base: str, headers: dict, nice: int, out) -> None:
    """One case, sent again and again for REPEAT_S when answered faster, from a process of its own: in
    the probe's process its client would take the probe's GIL and time itself into the probe's figures.
    `nice` lowers its priority, as a real attacker's machine does not share the server's cores."""
    if nice:
        os.nice(nice)
    began, seconds, attempts, outcome = time.perf_counter(), 0.0, 0, ""
    with httpx.Client(timeout=300, headers=headers) as client:
        while attempts == 0 or time.perf_counter() - began < REPEAT_S:  # quick attacks repeat
            started = time.perf_counter()
            try:
                outcome = case(client, base)
            except httpx.HTTPError as exc:
                outcome = f"client error {type(exc).__name__}"
            seconds, attempts = max(seconds, time.perf_counter() - started), attempts + 1
    out.send((outcome, seconds, attempts))
    out.close()


def concurrent_ingests(url: str, tmp: Path) -> str:
    docs = tmp / "docs"
    docs.mkdir(exist_ok=True)
    for i in range(12):
        (docs / f"{i}.txt").write_text(f"Police in City{i} use drones supplied by Vendor{i}, the council said.")
    env = {**os.environ, "COUNTERWATCH_DATABASE_URL": url, "COUNTERWATCH_MODEL": "rules"}
    runs = [subprocess.Popen([sys.executable, "-m", "counterwatch.cli", "ingest", str(docs)], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    codes, tracebacks = [], 0
    for run in runs:
        _, errors = run.communicate(timeout=600)
        codes.append(run.returncode)
        tracebacks += errors.count("Traceback")
    return f"exit codes {codes}, {tracebacks} tracebacks"


def run_database(label: str, url: str, tmp: Path, nice: int = 0) -> list[dict]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COUNTERWATCH_DATABASE_URL": url, "COUNTERWATCH_ALLOW_PRIVATE_URLS": "1"}
    log = open(tmp / f"server-{label}.log", "w")
    server = subprocess.Popen([sys.executable, "-m", "counterwatch.cli", "serve", "--port", str(port), "--open-editing"],
                              env=env, stdout=log, stderr=subprocess.STDOUT)
    trickle = http.server.ThreadingHTTPServer(("127.0.0.1", 0), trickle_handler(120, 1.0))
    threading.Thread(target=trickle.serve_forever, daemon=True).start()
    rows = []
    from counterwatch.store import connect
    from counterwatch.store.accounts import add_user, new_token

    engine = connect(url)
    add_user(engine, "bench", "a long bench password", "editor")
    token = new_token(engine, "bench")
    engine.dispose()
    try:
        with httpx.Client(timeout=300, headers={"Authorization": f"Bearer {token}"}) as client:
            for _ in range(300):
                try:
                    client.get(base + "/api/stats")
                    break
                except httpx.HTTPError:
                    time.sleep(0.2)
            for i, body in enumerate(SEED):  # a small register, and the worker started and warm
                _upload(f"seed{i}.txt", body.encode())(client, base)
            for name, case in cases(f"http://127.0.0.1:{trickle.server_address[1]}/"):
                if ONLY and ONLY not in name:
                    continue
                quiet = Probe(base, psutil.Process(server.pid))
                quiet.start()
                time.sleep(QUIET_S)
                quiet.stop.set()
                quiet.join()
                probe = Probe(base, psutil.Process(server.pid))
                probe.start()
                mine, theirs = mp.get_context("fork").Pipe(duplex=False)
                kind = threading.Thread if IN_PROCESS else mp.get_context("fork").Process
                attacker = kind(target=attack, args=(case, base, dict(client.headers), 0 if IN_PROCESS else nice, theirs))
                attacker.start()
                outcome, seconds, attempts = mine.recv()
                attacker.join()
                probe.stop.set()
                probe.join()
                row = {"db": label, "case": name, "outcome": outcome, "seconds": round(seconds, 2), "attempts": attempts,
                       "attacker": "thread" if IN_PROCESS else f"process, nice {nice}",
                       "load_1min": round(os.getloadavg()[0], 2),  # other work on the machine skews the probe
                       "peak_mb": round(probe.peak_mb), "probe_p95_ms": round(probe.p95_ms(), 1),
                       "quiet_p95_ms": round(quiet.p95_ms(), 1), "ratio": round(probe.p95_ms() / quiet.p95_ms(), 2),
                       "probe_requests": len(probe.times),
                       "probe_errors": probe.errors}
                row["ok"] = (seconds < BUDGET_S and probe.peak_mb < BUDGET_MB and probe.errors == 0
                             and "500" not in outcome[:3])
                rows.append(row)
                print(f"[{label}] {name:<36} {outcome:<70} {seconds:6.1f} s x{attempts:<3} {probe.peak_mb:6.0f} MB  "
                      f"probe p95 {probe.p95_ms():7.1f} ms, quiet {quiet.p95_ms():5.1f} ({row['ratio']:.2f}x; {len(probe.times)} req, {probe.errors} errors) "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        server.terminate()
        server.wait(30)
        trickle.shutdown()
        log.close()
    tracebacks = (tmp / f"server-{label}.log").read_text().count("Traceback")
    started = time.perf_counter()
    outcome = concurrent_ingests(url, tmp)
    rows.append({"db": label, "case": "two CLI ingests at once", "outcome": outcome,
                 "seconds": round(time.perf_counter() - started, 1), "server_tracebacks": tracebacks})
    print(f"[{label}] two CLI ingests at once: {outcome}; server log: {tracebacks} tracebacks", flush=True)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--pg", default=None, help="PostgreSQL URL (a private schema is made and dropped)")
    ap.add_argument("--json", default=None, help="write the rows here")
    ap.add_argument("--nice", type=int, default=0, help="run the attacking client at this lower priority (0-19)")
    ap.add_argument("--only", default=None, help="run only the cases whose name contains this")
    ap.add_argument("--in-process", action="store_true",
                    help="attack from a thread of the probe's process (how runs before 2026-12-03 measured)")
    args = ap.parse_args()
    global ONLY, IN_PROCESS
    ONLY, IN_PROCESS = args.only, args.in_process
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows += run_database("sqlite", f"sqlite:///{tmp}/hostile.sqlite", Path(tmp), args.nice)
        if args.pg:
            schema = f"hostile_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.pg)
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            try:
                rows += run_database("postgresql", f"{args.pg}?options=-csearch_path%3D{schema}", Path(tmp), args.nice)
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
