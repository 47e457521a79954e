"""``make loadtest``: the production server under a crowd of coordinators, on the region-scale
benchmark database, on SQLite and on PostgreSQL; writes bench/results-load.md.

For each database: the benchmark database is made once (``manage.py bench``'s data set, in its own
database, reused afterwards; demo/load.py), gunicorn is started through bin/brug-entrypoint with
debug off as in production (SQLite: the file cache of ``make run``; PostgreSQL: Redis, as in
compose.yaml), and locust (bench/locustfile.py) runs headless against 127.0.0.1 only, bounded in
users and time. Measured: requests per second, p50/p95/p99 per endpoint, errors by kind, the peak
memory of every gunicorn process, and the server log searched for "database is locked".

    .venv/bin/python bench/loadtest.py                         # both databases, 100 users, 75 s
    .venv/bin/python bench/loadtest.py --databases sqlite --users 50 --run-time 30
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BUDGET_P95_MS = 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**env: str) -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "TMPDIR", "PGPASSWORD"}}
    return {**kept, "PYTHONDONTWRITEBYTECODE": "1", **env}


def prepare(database: str, args: argparse.Namespace, workdir: Path, key: str) -> dict[str, Any]:
    """The benchmark database (made when missing) and the plan of the simulated coordinators. The
    sessions are signed with the server's secret key."""
    if database == "sqlite":
        env = clean_env(BRUG_SECRET_KEY=key)
        target = str(Path(args.sqlite).resolve())
    else:
        env = clean_env(BRUG_SECRET_KEY=key, DATABASE_URL=args.postgres)
        target = args.postgres.rsplit("/", 1)[-1]
    code = f"from demo.load import prepare; prepare({target!r}, scale={args.scale!r}, sessions={args.users!r})"
    print(f"[{database}] preparing the benchmark database (made once at scale {args.scale:g}; can take minutes)")
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"[{database}] preparing failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    (workdir / f"plan-{database}.json").write_text(json.dumps(found))
    return found


def server_env(
    database: str, found: dict[str, Any], args: argparse.Namespace, port: int, workdir: Path, key: str
) -> dict:
    env = {
        "BRUG_PYTHON": PYTHON,
        "BRUG_SECRET_KEY": key,
        "BRUG_BIND": f"127.0.0.1:{port}",
        "BRUG_WEB_WORKERS": str(args.web_workers),
        "BRUG_WEB_THREADS": str(args.web_threads),
        "BRUG_ALLOWED_HOSTS": "127.0.0.1",
        "BRUG_LOG_LEVEL": "warning",
        "BRUG_MEDIA_ROOT": str(workdir / "media"),
    }
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{found['database']}"
        env["BRUG_CACHE_URL"] = f"file://{workdir / 'cache'}"
    else:
        env["DATABASE_URL"] = args.postgres
        env["BRUG_DB_CONN_MAX_AGE"] = "60"
        env["BRUG_CACHE_URL"] = args.redis
        env["BRUG_CACHE_PREFIX"] = f"brug-load-{secrets.token_hex(4)}"
    return clean_env(**env)


class MemorySampler(threading.Thread):
    """The peak resident memory of gunicorn's master and of each of its workers, sampled twice a second."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.start_cpu: dict[int, float] = {}
        self.load: list[float] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        import psutil

        master = psutil.Process(self.pid)
        while not self.stopping.wait(0.5):
            try:
                for process in [master, *master.children(recursive=True)]:
                    rss = process.memory_info().rss
                    self.peaks[process.pid] = max(self.peaks.get(process.pid, 0), rss)
                    times = process.cpu_times()
                    # CPU used since sampling began (the warm-up and start-up are not counted).
                    self.start_cpu.setdefault(process.pid, times.user + times.system)
                    self.cpu[process.pid] = times.user + times.system - self.start_cpu[process.pid]
                self.load.append(os.getloadavg()[0])
            except psutil.Error:
                continue


def wait_healthy(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not answer /healthz:\n{log.read_text()[-3000:]}")


def warm_up(base: str, found: dict[str, Any]) -> None:
    """Every page and API call once, unmeasured: each gunicorn worker's first requests load code."""
    opener = urllib.request.build_opener(urllib.request.HTTPErrorProcessor())
    for _, path in [*found["pages"], *found["api"]] * 2:
        request = urllib.request.Request(
            base + path,
            headers={"Cookie": f"sessionid={found['sessions'][0]}", "Authorization": f"Bearer {found['token']}"},
        )
        try:
            with opener.open(request, timeout=120) as response:
                response.read()
        except OSError as error:
            print(f"  warm-up {path}: {error}")


def run_one(database: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    key = secrets.token_urlsafe(50)
    found = prepare(database, args, workdir, key)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = workdir / f"server-{database}.log"
    env = server_env(database, found, args, port, workdir, key)
    server_env_prefix = env.get("BRUG_CACHE_PREFIX", "")
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(ROOT / "bin" / "brug-entrypoint"), "web"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    sampler = MemorySampler(server.pid)
    try:
        wait_healthy(base, server, log)
        warm_up(base, found)
        sampler.start()
        prefix = workdir / f"locust-{database}"
        print(f"[{database}] locust: {args.users} users for {args.run_time} s against {base}")
        started = time.monotonic()
        locust = subprocess.run(
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--run-time",
                f"{args.run_time}s",
                "--stop-timeout",
                "10",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
                "--plan",
                str(workdir / f"plan-{database}.json"),
            ],
            cwd=ROOT,
            env=clean_env(),
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.monotonic() - started
        if locust.returncode != 0:
            raise SystemExit(f"locust failed:\n{locust.stdout[-3000:]}\n{locust.stderr[-3000:]}")
    finally:
        sampler.stopping.set()
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        if database == "postgresql":
            forget_cache(args.redis, server_env_prefix)
    server_log = log.read_text(errors="replace")
    return {
        "database": database,
        "plan": found,
        "stats": read_csv(Path(f"{prefix}_stats.csv")),
        "failures": read_csv(Path(f"{prefix}_failures.csv")),
        "memory": dict(sampler.peaks),
        "cpu_seconds": sum(sampler.cpu.values()),
        "load": max(sampler.load, default=0.0),
        "master": server.pid,
        "locked": len(re.findall(r"database is locked", server_log)),
        "server_errors": len(re.findall(r'"status": 5\d\d|Internal Server Error', server_log)),
        "elapsed": elapsed,
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def forget_cache(url: str, prefix: str) -> None:
    """The run's keys in Redis (under a prefix of its own) go with it."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    except redis.RedisError as error:
        print(f"  could not remove the cache keys {prefix}:*: {error}")


def read_csv(path: Path) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def ms(value: str) -> str:
    try:
        return f"{float(value):.0f}"
    except ValueError:
        return value


def section(result: dict[str, Any], args: argparse.Namespace) -> str:
    database = result["database"]
    title = "SQLite" if database == "sqlite" else "PostgreSQL"
    rows = [r for r in result["stats"] if r["Name"] != "Aggregated"]
    total = next((r for r in result["stats"] if r["Name"] == "Aggregated"), None)
    reads = [r for r in rows if "(POST)" not in r["Name"] and not r["Name"].startswith("API ")]
    worst = max((float(r["95%"]) for r in reads), default=0.0)
    failures = sum(int(r["Failure Count"]) for r in rows)
    sizes = result["plan"].get("sizes", {})
    when = result["when"]
    cache = "a folder of files (as `make run`)" if database == "sqlite" else "Redis (as compose.yaml)"
    lines = [
        f"<!-- load:{database} -->",
        f"## {title}",
        "",
        f"Run {when}: {args.users} users (spawned {args.spawn_rate}/s), {args.run_time} s, gunicorn "
        f"{args.web_workers} workers × {args.web_threads} threads ({args.web_workers * args.web_threads} requests "
        f"at once), debug off, cache: {cache}. Data: "
        + ", ".join(f"{n:,} {k}" for k, n in sizes.items() if k in {"people", "relationships"})
        + ", "
        + ", ".join(f"{n:,} {k}" for k, n in sizes.items() if k.startswith("contact moments"))
        + ".",
        "",
    ]
    if total:
        per_cpu = int(total["Request Count"]) / max(result["cpu_seconds"], 1)
        own = "SQLite's work included: it runs inside" if database == "sqlite" else "PostgreSQL's own not counted"
        lines += [
            f"- **{float(total['Requests/s']):.1f} requests per second** overall, {int(total['Request Count']):,} "
            f"requests, {failures} failed; p50 {ms(total['50%'])} ms, p95 {ms(total['95%'])} ms, "
            f"p99 {ms(total['99%'])} ms.",
            f"- Worst page p95: {worst:.0f} ms (budget {BUDGET_P95_MS} ms: "
            + ("met" if worst < BUDGET_P95_MS else "**not met**")
            + ").",
            f'- "database is locked" in the server log: {result["locked"]}; server errors (5xx): '
            f"{result['server_errors']}.",
            f"- The server's processes used {result['cpu_seconds']:.0f} s of CPU in {result['elapsed']:.0f} s "
            f"({result['cpu_seconds'] / max(result['elapsed'], 1):.2f} of the {os.cpu_count()} cores); the "
            f"machine's load average reached {result['load']:.1f} (other work included). Per second of the web "
            f"server's CPU ({own}) it answered {per_cpu:.1f} requests: the figure that "
            "depends least on what else ran.",
            "",
        ]
    lines += [
        "| endpoint | requests | failed | req/s | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in sorted(rows, key=lambda r: -float(r["95%"] or 0)):
        lines.append(
            f"| {r['Type']} {r['Name']} | {int(r['Request Count']):,} | {r['Failure Count']} | "
            f"{float(r['Requests/s']):.2f} | {ms(r['50%'])} | {ms(r['95%'])} | {ms(r['99%'])} |"
        )
    lines += ["", "Errors by kind:", ""]
    if result["failures"]:
        lines += ["| endpoint | error | times |", "| --- | --- | ---: |"]
        for f in result["failures"]:
            lines.append(f"| {f['Method']} {f['Name']} | {f['Error']} | {f['Occurrences']} |")
    else:
        lines.append("none.")
    lines += ["", "Peak resident memory per gunicorn process:", ""]
    for pid, rss in sorted(result["memory"].items()):
        role = "master" if pid == result["master"] else "worker"
        lines.append(f"- {role} {pid}: {rss / 2**20:.0f} MiB")
    lines += ["", f"<!-- /load:{database} -->"]
    return "\n".join(lines)


HEADER = """# Load test: the production server under 100 coordinators

Written by `make loadtest` (`bench/loadtest.py`, users in `bench/locustfile.py`). Each simulated user
is a signed-in coordinator of the benchmark institution on the region-scale benchmark database
(`manage.py bench`'s data set): mostly the main pages at their heaviest, API calls, and writes
through the same forms a person uses (contact moments on relationships, internal notes on
organisations), 1 to 5 seconds apart. Headless locust on 127.0.0.1 only; gunicorn started through
`bin/brug-entrypoint web` with debug off. Target: 0 errors, p95 under 500 ms for every page, no
"database is locked" on SQLite at the concurrency the README recommends for it (the defaults: 2
workers × 4 threads).

Each run's load average says how much else ran; with other work on the machine the figures are a
floor, not what the machine gives alone.

Machine: {machine}.
"""


def write(results: list[dict[str, Any]], args: argparse.Namespace) -> Path:
    output = Path(args.output)
    kept: dict[str, str] = {}
    notes = ""
    if output.exists():
        text = output.read_text()
        for match in re.finditer(r"<!-- load:(\w+) -->.*?<!-- /load:\1 -->", text, re.S):
            kept[match.group(1)] = match.group(0)
        # A hand-written reading of the figures, kept between the markers.
        found = re.search(r"<!-- notes -->.*?<!-- /notes -->", text, re.S)
        notes = found.group(0) + "\n\n" if found else ""
    for result in results:
        kept[result["database"]] = section(result, args)
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    sections = "\n\n".join(kept[k] for k in ("sqlite", "postgresql") if k in kept)
    body = HEADER.format(machine=machine) + "\n" + notes + sections
    output.write_text(body + "\n")
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite, postgresql or both")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=75, help="seconds")
    parser.add_argument("--scale", type=float, default=1.0, help="of the benchmark data set, when it is made")
    parser.add_argument("--sqlite", default=str(ROOT / "bench" / "data" / "bench.sqlite3"))
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/brug_load")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--web-threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (server logs, locust CSV files)")
    parser.add_argument("--output", default=str(ROOT / "bench" / "results-load.md"))
    args = parser.parse_args()
    results = []
    tmp = tempfile.mkdtemp(prefix="brug-load-")
    try:
        for database in [d.strip() for d in args.databases.split(",") if d.strip()]:
            if database not in {"sqlite", "postgresql"}:
                raise SystemExit(f"unknown database {database!r}: sqlite or postgresql")
            results.append(run_one(database, args, Path(tmp)))
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print(f"written: {write(results, args)}" + (f"; server logs and CSV files in {tmp}" if args.keep else ""))
    for result in results:
        print(section(result, args).split("| endpoint")[0])


if __name__ == "__main__":
    main()
