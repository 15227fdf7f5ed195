"""Benchmark of the public ledger on PostgreSQL: appending N entries with ``append_many`` (1,000,000 by
default) in one transaction, integrating them into tiles with a signed checkpoint, serving tiles, entry bundles
and the checkpoint through the Django test client, and exporting and verifying the whole log.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certis_bench_ledger .venv/bin/python \\
        benchmarks/ledger.py --entries 1000000

The database named in DATABASE_URL is dropped and created afresh (its name must contain "bench") and migrated.
Timed, in order:

1. ``append``: ``append_many`` of N synthetic certificate entries, all subjects new, in one transaction with
   its commit (what a bulk import of N certificates adds; the goal is at most about 10% of the import's own
   time, 154 s for a million rows in ``docs/benchmarks.md``);
2. ``append_known``: ``append_many`` of N/10 entries about subjects already in the log (every ``prev`` found);
3. ``integrate``: ``integrate()`` of everything appended: leaf hashes, tiles, root, signature, commit;
4. ``serve``: ``--requests`` GETs each of random full tiles, random full entry bundles (gzip accepted) and the
   checkpoint through the test client (the whole Django stack but the socket): requests/s, p50, p95;
5. ``export`` and ``verify``: ``certis export-log`` into a temporary directory and ``verify-log`` on it
   (every tile recomputed from the entries).

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.registers import machine, recreate_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/certis_bench_ledger"
IMPORT_SECONDS_PER_MILLION = 154.1  # docs/benchmarks.md, bulk reporting of certificates, all rows new


def configure(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "certis.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def items(count: int, start: int, subjects: int | None = None) -> list[Any]:
    from certis.ledger.services import Item

    moment = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    return [
        Item(
            type="certificate.reported",
            subject={"certificate": f"2026{(i % subjects if subjects else i):012d}"},
            fields={
                "body": "CNCA-R-2002-001",
                "holder": "美的集团股份有限公司",
                "status": "valid",
                "issued": "2026-12-01",
                "expires": "2031-11-30",
            },
            at=moment,
        )
        for i in range(start, start + count)
    ]


def timed_append(batch: list[Any]) -> dict[str, Any]:
    from django.db import transaction

    from certis.ledger.services import append_many

    clock = time.perf_counter()
    with transaction.atomic():
        append_many(batch)
    seconds = time.perf_counter() - clock
    return {"entries": len(batch), "seconds": round(seconds, 2), "entries_per_s": round(len(batch) / seconds)}


def timed_integrate(count: int) -> dict[str, Any]:
    from certis.ledger.services import integrate

    clock = time.perf_counter()
    checkpoint = integrate(limit=count)
    seconds = time.perf_counter() - clock
    assert checkpoint is not None and checkpoint.size == count
    return {"entries": count, "seconds": round(seconds, 2), "entries_per_s": round(count / seconds)}


def serve(size: int, requests: int, seed: int) -> dict[str, Any]:
    from django.test import Client

    from certis.ledger.merkle import encode_index

    client, rng = Client(), random.Random(seed)
    full = max(1, size // 256)
    paths = {
        "tile": lambda: f"/log/tile/0/{encode_index(rng.randrange(full))}",
        "entries": lambda: f"/log/tile/entries/{encode_index(rng.randrange(full))}",
        "checkpoint": lambda: "/log/checkpoint",
    }
    results = {}
    for name, path in paths.items():
        times = []
        for _ in range(requests):
            clock = time.perf_counter()
            response = client.get(path(), headers={"accept-encoding": "gzip"})
            times.append(time.perf_counter() - clock)
            assert response.status_code == 200, response.status_code
        results[name] = {
            "requests_per_s": round(len(times) / sum(times)),
            "p50_ms": round(statistics.median(times) * 1000, 2),
            "p95_ms": round(statistics.quantiles(times, n=20)[18] * 1000, 2),
        }
    return results


def export_and_verify(size: int) -> dict[str, Any]:
    from certis.ledger.export import export_log
    from certis.ledger.selectors import latest_checkpoint
    from certis.ledger.verifier import verify_log

    with tempfile.TemporaryDirectory(prefix="certis-bench-ledger-") as work:
        clock = time.perf_counter()
        export_log(Path(work))
        exported = time.perf_counter() - clock
        checkpoint = latest_checkpoint()
        assert checkpoint is not None
        clock = time.perf_counter()
        report = verify_log(work, keys=[checkpoint.key.verifier_key])
        verified = time.perf_counter() - clock
    return {
        "export_s": round(exported, 2),
        "verify_s": round(verified, 2),
        "verify_entries_per_s": round(size / verified),
        "tiles_checked": report.tiles_checked,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--no-verify", action="store_true", help="skip the export and the verification")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    recreate_database(url, reuse=False)
    configure(url)
    from django.core.management import call_command

    started = dt.datetime.now(dt.UTC)
    call_command("migrate", verbosity=0)
    results: dict[str, Any] = {}
    clock = time.perf_counter()
    batch = items(args.entries, 0)
    print(f"{args.entries:,} items built in {time.perf_counter() - clock:.1f} s (not timed)", flush=True)
    results["append"] = timed_append(batch)
    del batch
    share = results["append"]["seconds"] / (IMPORT_SECONDS_PER_MILLION * args.entries / 1_000_000)
    results["append"]["share_of_import"] = round(share, 3)
    _show("append (new subjects)", results["append"])
    known = max(1, args.entries // 10)
    results["append_known"] = timed_append(items(known, args.entries, subjects=args.entries))
    _show("append (known subjects)", results["append_known"])
    size = args.entries + known
    results["integrate"] = timed_integrate(size)
    _show("integrate", results["integrate"])
    results["serve"] = serve(size, args.requests, args.seed)
    for name, figures in results["serve"].items():
        print(f"  serve {name:<18} {figures['requests_per_s']:>9,} req/s  p50 {figures['p50_ms']} ms  "
              f"p95 {figures['p95_ms']} ms", flush=True)  # fmt: skip
    if not args.no_verify:
        results["export_verify"] = export_and_verify(size)
        print(f"  export {results['export_verify']['export_s']} s, verify {results['export_verify']['verify_s']} s "
              f"({results['export_verify']['verify_entries_per_s']:,} entries/s)", flush=True)  # fmt: skip
    print(
        f"\nappend_many adds {share:.1%} to an import of {args.entries:,} certificates (goal: about 10% or less)"
    )
    figures = {
        "benchmark": "ledger",
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "machine": machine(),
        "entries": args.entries,
        "results": results,
    }
    print(json.dumps(figures, ensure_ascii=False))


def _show(name: str, result: dict[str, Any]) -> None:
    print(f"  {name:<24} {result['entries']:>10,} entries {result['seconds']:>8.2f} s "
          f"{result['entries_per_s']:>9,} entries/s", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
