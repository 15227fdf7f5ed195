"""Benchmark of import verification on PostgreSQL: a 1,000-line customs declaration checked against a national
certificate registry (10,000,000 certificates), with a raw SQL lookup of the same numbers as the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certis_bench_certificates .venv/bin/python benchmarks/import_check.py

The registry is the one ``benchmarks/certificate_data.py`` loads; this script reuses it as it is and leaves it
as it found it: the catalogue seed, a customs office with its officer and token, the trusted class of some
importers and every recorded check are made inside one transaction that is rolled back at the end (each
recorded check, besides, in a savepoint rolled back at once). Only the catalogue's tables are created, by
``migrate catalogue``, if the database lacks them. ``--load N`` instead makes the database afresh with N
certificates (its name must contain "bench"), for a machine that has none.

Each declaration mixes what customs sees: lines with CCC certificate numbers of the registry under an HS code of
their product (valid, suspended, expired, withdrawn… as drawn), other schemes' certificates, unknown numbers,
lines without a number, HS codes outside the catalogue, malformed codes and duplicates. Measured, per
declaration (milliseconds, p50 and p95 over ``--iterations``):

- ``raw``: the certificate lookup by number on a plain cursor (the baseline: the database's own time);
- ``check``: reading and judging the lines (``checking.check_lines``: three or four queries, no write), once
  each declaration has been seen; ``check_cold`` the first time, when each importer's USCC is validated and
  each name's key computed for the first time (a thousand distinct importers is the worst case: a real
  declaration has one or a few);
- ``service``: the same, recorded (``services.check_import``: the check, its lines and its audit event);
- ``api``: ``POST /api/v1/import-checks`` through the Django test client with a customs token (JSON in and
  out, authentication, the service): the goal, p95 under 200 ms.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import certificate_data  # noqa: E402
from benchmarks.registers import machine, summary  # noqa: E402

GOAL_MS = 200.0
OUTSIDE_CATALOGUE = ["6403990000", "9401790000", "4202210000", "8471609000", "6110200000"]
MALFORMED = ["8516.60", "85166O1000", "八五一六六〇一〇〇〇", "", "8516-6010-00-1"]


class Fixture:
    """What the measured calls need, made inside the rolled-back transaction."""

    def __init__(self, organisation: Any, officer: Any, secret: str, day: dt.date) -> None:
        self.organisation, self.officer, self.secret, self.day = organisation, officer, secret, day


def prepare(day: dt.date) -> Fixture:
    from certis.accounts.models import Membership, Organisation, User
    from certis.accounts.services import issue_api_token
    from certis.catalogue.services.seed import load_seed

    loaded = load_seed(acting_user=None)
    print(f"Catalogue seed (in the transaction): {loaded}", flush=True)
    customs = Organisation.objects.create(name="基准测试海关", kind=Organisation.Kind.CUSTOMS)
    officer = User.objects.create_user(username="bench-customs-officer")
    Membership.objects.create(user=officer, organisation=customs, role=Membership.Role.CUSTOMS_OFFICER)
    _token, secret = issue_api_token(acting_user=officer, organisation=customs, name="benchmark")
    return Fixture(customs, officer, secret, day)


def hs_by_product(day: dt.date) -> dict[str, list[str]]:
    from certis.catalogue.models import HsMapping, ProductVersion, in_force_on

    in_force = set(ProductVersion.objects.filter(in_force_on(day)).values_list("product__code", flat=True))
    found: dict[str, list[str]] = {}
    for code, product in HsMapping.objects.filter(in_force_on(day)).values_list("code", "product__code"):
        if product in in_force:
            found.setdefault(product, []).append(code)
    return found


def sample_certificates(rng: random.Random, count: int) -> list[tuple[str, str, str, str, str]]:
    """(number, scheme, product code, first model, holder's USCC) of ``count`` certificates drawn by id."""
    from django.db import connection

    _holders, top = certificate_data.loaded_size()
    ids = [rng.randint(1, top) for _ in range(count)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.number, c.scheme, c.product_code, split_part(c.product_models, ';', 1), h.uscc "
            "FROM certificates_certificate c JOIN certificates_holder h ON h.id = c.holder_id WHERE c.id = ANY(%s)",
            [ids],
        )
        return [tuple(row) for row in cursor.fetchall()]


def declarations(rng: random.Random, count: int, lines: int, day: dt.date) -> list[list[dict[str, Any]]]:
    """``count`` declarations of ``lines`` lines each, in the mix the module's docstring describes."""
    hs = hs_by_product(day)
    drawn = sample_certificates(rng, count * lines * 8)
    ccc = [row for row in drawn if row[1] == "ccc" and row[2] in hs]
    other = [row for row in drawn if row[1] != "ccc"]
    catalogue_codes = [code for codes in hs.values() for code in codes]
    if len(ccc) < count * lines:
        raise SystemExit(
            f"Only {len(ccc)} CCC certificates of catalogue products were drawn; load more certificates."
        )
    made = []
    for _ in range(count):
        rows: list[dict[str, Any]] = []
        for _line in range(lines):
            roll = rng.random()
            number, _scheme, product, model, uscc = ccc.pop()
            row = {
                "hs_code": rng.choice(hs[product]),
                "product_name": "货物",
                "model": model.strip(),
                "quantity": rng.randint(1, 5000),
                "number": number,
                "importer_uscc": uscc,
            }
            if roll < 0.05:
                row["number"] = rng.choice(other)[0]
            elif roll < 0.10:
                row["number"] = number + "X9"
            elif roll < 0.14:
                row["number"], row["hs_code"] = "", rng.choice(catalogue_codes)
            elif roll < 0.17:
                row["number"], row["hs_code"] = "", rng.choice(OUTSIDE_CATALOGUE)
            elif roll < 0.19:
                row["hs_code"] = rng.choice(MALFORMED)
            elif roll < 0.20 and rows:
                row = dict(rng.choice(rows))
            rows.append(row)
        made.append(rows)
    return made


def trust_some_importers(rng: random.Random, made: list[list[dict[str, Any]]]) -> int:
    """Put one importer in ten in the trusted class (rolled back with the rest)."""
    from certis.certificates.models import Holder

    usccs = sorted({row["importer_uscc"] for rows in made for row in rows})
    chosen = [uscc for uscc in usccs if rng.random() < 0.1]
    return Holder.objects.filter(uscc__in=chosen).update(trusted=True)


def raw_lookup(rows: list[dict[str, Any]]) -> Callable[[], int]:
    from django.db import connection

    from certis.certificates.models import number_key

    keys = sorted({number_key(str(row["number"])) for row in rows if row["number"]})
    sql = (
        "SELECT c.number_key, c.number, c.scheme, c.status, c.product_code, c.product_models, h.uscc, "
        "c.holder_name, c.expires_on, c.status_since, c.suspended_until, c.status_reason "
        "FROM certificates_certificate c JOIN certificates_holder h ON h.id = c.holder_id "
        "WHERE c.number_key = ANY(%s)"
    )

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [keys])
            return len(cursor.fetchall())

    return run


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = work()
    return (time.perf_counter() - started) * 1000, result


def rolled_back(work: Callable[[], Any]) -> Callable[[], Any]:
    from django.db import transaction

    def run() -> Any:
        with transaction.atomic():
            result = work()
            transaction.set_rollback(True)
        return result

    return run


def scenarios(fixture: Fixture, rows: list[dict[str, Any]]) -> dict[str, Callable[[], Any]]:
    from django.test import Client

    from certis.catalogue import services
    from certis.catalogue.checking import check_lines
    from certis.catalogue.files.lines import read_lines
    from certis.catalogue.models import ImportCheck

    client = Client(HTTP_AUTHORIZATION=f"Bearer {fixture.secret}")
    body = json.dumps(
        {"declared_on": fixture.day.isoformat(), "reference": "bench", "lines": rows}, ensure_ascii=False
    )

    def api() -> Any:
        response = client.post("/api/v1/import-checks", body, content_type="application/json")
        assert response.status_code == 201, response.content[:500]
        return response.json()["counts"]

    def service() -> Any:
        _check, result = services.check_import(
            acting_user=fixture.officer,
            organisation=fixture.organisation,
            rows=rows,
            source=ImportCheck.Source.API,
            declared_on=fixture.day,
        )
        return result.counts

    return {
        "raw": raw_lookup(rows),
        "check": lambda: check_lines(read_lines(rows), fixture.day).counts,
        "service": rolled_back(service),
        "api": rolled_back(api),
    }


def measure(fixture: Fixture, made: list[list[dict[str, Any]]], iterations: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    runs = [scenarios(fixture, rows) for rows in made]
    samples: dict[str, list[float]] = {name: [] for name in runs[0]}
    queries: dict[str, int] = {}
    counts: Counter[str] = Counter()
    cold = [cold_check(scenario) for scenario in runs]  # first sight of each declaration's importers
    for name in samples:  # warm up on every declaration, and count each scenario's queries once
        for scenario in runs:
            scenario[name]()
        with CaptureQueriesContext(connection) as captured:
            result = runs[0][name]()
        queries[name] = len(captured.captured_queries)
        if name == "check":
            counts.update(result)
    for iteration in range(iterations):
        scenario = runs[iteration % len(runs)]
        for name in samples:
            elapsed, _result = timed(scenario[name])
            samples[name].append(elapsed)
    results = {
        name: {"queries": queries[name], **summary(values), "n": len(values)}
        for name, values in samples.items()
    }
    results["check_cold"] = {"queries": queries["check"], **summary(cold), "n": len(cold)}
    return results | {"verdicts_of_first_declaration": dict(counts)}


def cold_check(scenario: dict[str, Callable[[], Any]]) -> float:
    """The check of a declaration whose importers, names and models this process never saw: the remembered
    USCC checks and keys (``catalogue.keys``) are forgotten first."""
    from certis.catalogue import keys

    for cache in (keys._uscc, keys._full_number_key, keys._full_search_key):
        cache.cache_clear()
    elapsed, _result = timed(scenario["check"])
    return elapsed


def keep_connection_in_requests() -> None:
    """The test client's requests run inside the benchmark's transaction: Django must not close the connection
    at the end of a request (it would, seeing a transaction open), as its own TestCase arranges."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)


def open_registry(url: str, load: int | None) -> dict[str, Any]:
    if load:
        return certificate_data.load(url, certificates=load, holders=max(1, load // 5), reuse=True)
    certificate_data.configure(url)
    from django.core.management import call_command
    from django.db import connection

    holders, certificates = certificate_data.loaded_size()
    if not certificates:
        raise SystemExit(
            "No certificates in this database: run benchmarks/certificate_data.py, or give --load N."
        )
    if "catalogue_product" not in connection.introspection.table_names():
        print("Creating the catalogue's tables (migrate catalogue)", flush=True)
        call_command("migrate", "catalogue", verbosity=0)
    return {"reused": True, "holders": holders, "certificates": certificates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--declarations", type=int, default=5, help="different declarations, checked in turn")
    parser.add_argument("--iterations", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument(
        "--load", type=int, default=None, help="make the database afresh with this many certificates"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or certificate_data.DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    started = dt.datetime.now(dt.UTC)
    registry = open_registry(url, args.load)
    from django.db import transaction
    from django.utils import timezone

    _holders, certificates = certificate_data.loaded_size()
    print(f"Database {urlsplit(url).path.lstrip('/')}: {certificates:,} certificates", flush=True)
    keep_connection_in_requests()
    rng = random.Random(args.seed)
    with transaction.atomic():
        fixture = prepare(timezone.localdate())
        made = declarations(rng, args.declarations, args.lines, fixture.day)
        trusted = trust_some_importers(rng, made)
        print(
            f"{args.declarations} declarations of {args.lines} lines; {trusted} importers trusted", flush=True
        )
        results = measure(fixture, made, args.iterations)
        transaction.set_rollback(True)
    print(f"\nMeasuring ({args.iterations} declarations of {args.lines} lines each, milliseconds):")
    header = f"{'scenario':<12}{'queries':>8}{'p50':>9}{'p95':>9}{'max':>9}"
    print(header + "\n" + "-" * len(header))
    for name in ("raw", "check_cold", "check", "service", "api"):
        result = results[name]
        mark = " *" if name == "api" else ""
        print(
            f"{name + mark:<12}{result['queries']:>8}{result['p50_ms']:>9.1f}{result['p95_ms']:>9.1f}{result['max_ms']:>9.1f}"
        )
    met = results["api"]["p95_ms"] < GOAL_MS
    print(
        f"\n* goal: a {args.lines}-line declaration through the API, p95 under {GOAL_MS:.0f} ms: "
        f"{'met' if met else 'NOT met'}. Verdicts of one declaration: {results['verdicts_of_first_declaration']}"
    )
    figures = {
        "benchmark": "import_check",
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "machine": machine(),
        "size": {"certificates": certificates, "lines": args.lines, "declarations": args.declarations},
        "registry": registry,
        "results": results,
        "goal_p95_ms": GOAL_MS,
        "goal_met": met,
    }
    print(json.dumps(figures, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
