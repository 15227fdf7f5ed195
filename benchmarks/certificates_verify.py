"""Benchmark of verification by number: the public API's ``GET /api/v1/certificates/{number}`` served by
gunicorn over a registry of 10 million certificates on PostgreSQL, loaded by wrk with 64 connections asking
for random existing numbers; in the same run, a bare WSGI app (one function, no framework: the same indexed
lookup with psycopg) under the same gunicorn settings. Prints requests/s, latency percentiles and the ratio.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certis_bench_certificates \\
        .venv/bin/python benchmarks/certificates_verify.py --reuse

The database is made by ``benchmarks/certificate_data.py`` (dropped and loaded afresh unless ``--reuse``
finds it loaded at the size asked). The two apps are measured one after the other, ``--rounds`` times, and the
medians kept: the ratio is the median of the rounds' ratios, so that other work on the machine moves both
sides of each. Goal: Django's requests/s at least 0.6 of the bare app's, with p99 under 50 ms. The last line
printed is one JSON object with every figure.

Both apps run under the same gunicorn settings: by default one ``gthread`` worker per CPU with one thread each
(on two cores this served both best; four ``sync`` workers made both slower, Django more so). Django runs
``certis.settings.production`` (``--django-settings`` measures another module), with persistent connections
and the API's rate limit set above what is measured, so that the limiter still counts every call.
``--profile N`` instead profiles N calls through the Django test client and prints where the time goes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

API_PATH = "/api/v1/certificates/"
GOAL_RATIO = 0.6
GOAL_P99_MS = 50.0

# The load: each wrk thread reads the paths once, then asks for one at random per request. done() prints
# the figures as one JSON line (latency in microseconds), so nothing is parsed out of wrk's text.
WRK_SCRIPT = r"""
local paths = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
end

function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  math.randomseed(tonumber(args[2]) * 1000 + (thread_id or 0))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, "read_errors": %d, '
    .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p90_us": %d, '
    .. '"p99_us": %d, "p999_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
"""


# The bare app: what gunicorn imports as ``benchmarks.certificates_verify:bare_app``. Nothing but the
# standard library and psycopg; it runs the very statement Django sends for the same lookup (taken from the
# queryset by the benchmark and passed in BENCH_BARE_SQL), and answers its rows as JSON.

_bare: dict[str, Any] = {}
_SPACES = re.compile(r"\s+")


def _bare_connection() -> Any:
    if "connection" not in _bare:
        import psycopg

        _bare["connection"] = psycopg.connect(os.environ["BENCH_DSN"], autocommit=True)
        _bare["sql"] = os.environ["BENCH_BARE_SQL"]
    return _bare["connection"]


def bare_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    number = path[len(API_PATH) :] if path.startswith(API_PATH) else ""
    key = _SPACES.sub("", unicodedata.normalize("NFKC", number)).upper()
    rows: list[dict[str, Any]] = []
    if key and len(key) <= 64:
        with _bare_connection().cursor() as cursor:
            cursor.execute(_bare["sql"], (key, 20))
            names = [column.name for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    status = "200 OK" if len(rows) == 1 else "404 Not Found" if not rows else "409 Conflict"
    body = json.dumps(rows[0] if len(rows) == 1 else {"found": len(rows)}, default=str, ensure_ascii=False)
    data = body.encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


# Running the servers and the load


class Server:
    """A gunicorn serving one app, started for one measurement and stopped after it."""

    def __init__(self, app: str, port: int, args: argparse.Namespace, env: dict[str, str]) -> None:
        self.app, self.port, self.env = app, port, env
        self.workers, self.worker_class, self.threads = args.workers, args.worker_class, args.server_threads
        self.process: subprocess.Popen[bytes] | None = None
        # Kept after the run (delete=False), to read when a server fails; closed with the object.
        self.log = tempfile.NamedTemporaryFile(prefix="certis-bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115

    def command(self) -> list[str]:
        return [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config", str(ROOT / "gunicorn.conf.py"),  # production's settings, for both apps
            "--workers", str(self.workers),
            "--worker-class", self.worker_class,
            "--threads", str(self.threads),
            "--bind", f"127.0.0.1:{self.port}",
            "--backlog", "2048",
            "--chdir", str(ROOT),
            "--error-logfile", "-",
            "--log-level", "warning",
            self.app,
        ]  # fmt: skip

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(  # noqa: S603 (our own command line)
            self.command(), env=self.env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn ({self.app}) stopped: see {self.log.name}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise SystemExit(f"gunicorn ({self.app}) did not answer 200 on {path}: see {self.log.name}")

    def __exit__(self, *exc: object) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the gunicorn this object started, and its workers
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def run_wrk(
    port: int, paths_file: str, script: str, *, connections: int, threads: int, seconds: int, seed: int
) -> dict[str, Any]:
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "10s",
        "-s", script, f"http://127.0.0.1:{port}", "--", paths_file, str(seed),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("WRK-JSON "))
    raw = json.loads(line.removeprefix("WRK-JSON "))
    seconds_run = raw["duration_us"] / 1e6
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p90_ms": round(raw["p90_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "p999_ms": round(raw["p999_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "non_2xx": raw["status_errors"],
        "socket_errors": errors,
    }


def measure(
    label: str, server: Server, probe: str, paths_file: str, script: str, args: argparse.Namespace
) -> dict[str, Any]:
    with server:
        server.wait_ready(probe)
        run_wrk(
            server.port,
            paths_file,
            script,
            connections=args.connections,
            threads=args.threads,
            seconds=args.warmup,
            seed=args.seed + 1,
        )
        result = run_wrk(
            server.port,
            paths_file,
            script,
            connections=args.connections,
            threads=args.threads,
            seconds=args.duration,
            seed=args.seed,
        )
        result["load_average_1m"] = round(os.getloadavg()[0], 2)  # the machine's other work, for the record
    print(
        f"  {label:<8} {result['requests_per_s']:>9,.0f} req/s   p50 {result['p50_ms']:>6.2f} ms   "
        f"p99 {result['p99_ms']:>6.2f} ms   non-2xx {result['non_2xx']}   socket errors {result['socket_errors']}",
        flush=True,
    )
    return result


# What is asked


def sample_paths(count: int, seed: int) -> list[str]:
    """``count`` API paths of existing numbers drawn at random, without the few numbers two bodies share (their
    answer is a 409 asking which body: right, but not the lookup measured)."""
    from django.db import connection

    from benchmarks import certificate_data

    numbers = certificate_data.sample_numbers(count, seed=seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number_key FROM certificates_certificate WHERE number_key = ANY(%s) "
            "GROUP BY number_key HAVING count(*) > 1",
            [numbers],
        )
        shared = {row[0] for row in cursor.fetchall()}
    return [API_PATH + quote(number) for number in numbers if number.upper() not in shared]


def lookup_sql() -> str:
    """The statement ``search.records_by_number`` runs (the number's key and the limit as parameters)."""
    from certis.certificates.selectors import search

    return search.record_statement("postgresql", False)


def prewarm() -> str:
    """Read the tables and indexes the lookup touches into the OS cache (pg_prewarm), so that neither app
    pays for a cold disk; returns what was done."""
    from django.db import connection

    relations = [
        "certificates_certificate",
        "certificate_number_idx",
        "certificates_holder",
        "certificates_holder_pkey",
        "bodies_body",
        "bodies_person",
    ]
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            for relation in relations:
                cursor.execute("SELECT pg_prewarm(%s::regclass, 'read')", [relation])
    except Exception as error:  # the extension is optional: the warm-up runs still warm the cache
        return f"pg_prewarm not available ({error.__class__.__name__}); warm-up runs only"
    return "pg_prewarm (read) of " + ", ".join(relations)


def profile(paths: list[str], count: int) -> list[str]:
    """The Django side through the test client under cProfile: the functions where the time goes."""
    import cProfile
    import io
    import pstats

    from django.test import Client

    client = Client()
    for path in paths[:50]:
        client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths[:count]:
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    return out.getvalue().splitlines()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=10_000_000)
    parser.add_argument("--holders", type=int, default=2_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded at this size")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn workers")
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class")
    parser.add_argument("--server-threads", type=int, default=1, help="gunicorn threads per worker")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--duration", type=int, default=20, help="seconds measured per round and app")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of load before each measurement")
    parser.add_argument(
        "--rounds", type=int, default=4, help="bare then Django, this many times; medians kept"
    )
    parser.add_argument("--sample", type=int, default=100_000, help="numbers to ask for")
    parser.add_argument("--port", type=int, default=18_431)
    parser.add_argument(
        "--django-settings",
        default="certis.settings.production",
        help="the Django side's settings module (to measure a change of settings; found on PYTHONPATH)",
    )
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--profile", type=int, default=0, help="profile this many Django requests and stop")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    url = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/certis_bench_certificates"
    os.environ["DATABASE_URL"] = url
    # The server's settings: production, with a throwaway secret and a rate limit above what is measured
    # (the limiter still counts every request, as in production).
    server_env = os.environ | {
        "DJANGO_SETTINGS_MODULE": args.django_settings,
        "SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
        "CERTIFICATES_ANON_RATE": "1000000000/s",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH", "")])),
    }
    for name in ("CERTIFICATES_ANON_RATE", "DATABASE_CONN_MAX_AGE"):
        os.environ[name] = server_env[name]
    from benchmarks import certificate_data
    from benchmarks.registers import machine

    started = dt.datetime.now(dt.UTC)
    loaded = certificate_data.load(
        url, certificates=args.certificates, holders=args.holders, reuse=args.reuse
    )
    paths = sample_paths(args.sample, args.seed)
    if args.profile:
        print("\n".join(profile(paths, args.profile)))
        return
    warmed = prewarm()
    sql = lookup_sql()
    from django.db import connection

    connection.close()
    work = Path(tempfile.mkdtemp(prefix="certis-bench-verify-"))
    paths_file, script = work / "paths.txt", work / "random.lua"
    paths_file.write_text("\n".join(paths) + "\n")
    script.write_text(WRK_SCRIPT)
    bare_env = server_env | {"BENCH_DSN": url, "BENCH_BARE_SQL": sql}
    servers = {
        "bare": lambda: Server("benchmarks.certificates_verify:bare_app", args.port, args, bare_env),
        "django": lambda: Server("certis.wsgi:application", args.port + 1, args, server_env),
    }
    print(
        f"\n{len(paths):,} numbers; {warmed}.\nwrk: {args.connections} connections, {args.threads} threads, "
        f"{args.duration} s per run after {args.warmup} s of warm-up; gunicorn: {args.workers} "
        f"{args.worker_class} workers of {args.server_threads} thread(s) each.",
        flush=True,
    )
    rounds: dict[str, list[dict[str, Any]]] = {"bare": [], "django": []}
    ratios: list[float] = []
    for number in range(1, args.rounds + 1):
        print(f"Round {number} (load average before: {os.getloadavg()[0]:.1f}):", flush=True)
        for label, make in servers.items():
            rounds[label].append(measure(label, make(), paths[0], str(paths_file), str(script), args))
        ratios.append(round(rounds["django"][-1]["requests_per_s"] / rounds["bare"][-1]["requests_per_s"], 3))
        print(f"  ratio    {ratios[-1]:.3f}", flush=True)
    # Each round measures both apps one after the other, so that a change in the machine's other load moves
    # both; the figures kept are the medians over the rounds.
    median = {
        label: {
            key: round(statistics.median(r[key] for r in results), 2)
            for key in ("requests_per_s", "p50_ms", "p99_ms")
        }
        for label, results in rounds.items()
    }
    ratio = round(statistics.median(ratios), 3)
    met = ratio >= GOAL_RATIO and median["django"]["p99_ms"] < GOAL_P99_MS
    print(
        f"\nMedian of {args.rounds} rounds: Django {median['django']['requests_per_s']:,.0f} req/s (p99 "
        f"{median['django']['p99_ms']} ms), bare {median['bare']['requests_per_s']:,.0f} req/s (p99 "
        f"{median['bare']['p99_ms']} ms); ratio {ratio} (per round: {ratios}).\nGoal (ratio >= {GOAL_RATIO}, "
        f"Django p99 < {GOAL_P99_MS:.0f} ms): {'met' if met else 'NOT met'}."
    )
    shutil.rmtree(work, ignore_errors=True)
    figures = {
        "benchmark": "certificates_verify",
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "machine": machine(),
        "size": {"certificates": args.certificates, "holders": args.holders},
        "load": loaded,
        "endpoint": API_PATH + "{number}",
        "server": {
            "gunicorn_workers": args.workers,
            "worker_class": args.worker_class,
            "threads_per_worker": args.server_threads,
            "settings": args.django_settings,
        },
        "load_generator": {
            "tool": "wrk",
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "numbers": len(paths),
            "prewarm": warmed,
        },
        "rounds": rounds,
        "ratios": ratios,
        "django": median["django"],
        "bare": median["bare"],
        "ratio": ratio,
        "goal": {"ratio_at_least": GOAL_RATIO, "p99_ms_under": GOAL_P99_MS},
        "goal_met": met,
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
