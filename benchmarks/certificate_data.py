"""A national-size certificate registry in a PostgreSQL bench database, loaded with COPY: the data the
certificate benchmarks (verification by number, holder search, import checks) measure against.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certis_bench_certificates \\
        .venv/bin/python benchmarks/certificate_data.py --certificates 10000000 --holders 2000000

As a module (another benchmark reuses it)::

    from benchmarks import certificate_data

    figures = certificate_data.load(url, certificates=10_000_000, holders=2_000_000, seed=2018, reuse=True)
    bodies = certificate_data.bench_bodies()          # [(body id, approval number, [signatories]), ...]
    numbers = certificate_data.sample_numbers(1000)   # existing certificate numbers, at random

What it loads (ids given here, sequences moved past them at the end):

- ``bodies`` certification bodies (1,200 by default, ``CNCA-R-YYYY-NNN``), each with its organisation, approved
  for every scheme since 2010, with ``signatories`` registered people each, qualified for every scheme
  2010–2035 and employed there since 2010 (so that rows signed by them pass ``certis.certificates.rules``);
- the standards the synthetic certificates cite;
- ``holders`` organisations from ``certis.demo.synthetic.holder`` (the same index and seed give the
  same name, address and USCC), ``name_key`` computed by ``certis.core.text.search_key``;
- ``certificates`` certificates in the mix of ``synthetic.SCHEME_WEIGHTS``, spread over the bodies like the
  country's (a few large bodies issue most), with the fields ``synthetic.certificate_rows`` fills. They are
  generated here rather than through ``certificate_rows``, which recomputes a holder per row (about 60 µs):
  this generator reads the holders it made and writes COPY lines itself, about four times faster. Keys are
  the app's: ``number_key`` and ``product_models_key`` take a fast path that is checked against
  ``models.number_key`` and ``search_key`` on every 997th row; ``product_key`` comes from ``search_key``.
- Statuses as a registry has them: about 87% valid, 6% expired, 3% suspended (with an end date), 2% withdrawn
  and 2% cancelled, each non-valid one with its status event; one number in 2,000 is also used by a second
  body (numbers are unique per body only).

The secondary indexes and foreign keys of the two big tables are dropped for the COPY and built again after
it (faster than keeping them up to date row by row); then ``VACUUM ANALYZE``. The database's name must
contain "bench": it is dropped and created afresh unless ``reuse`` finds it already loaded at that size.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.registers import Clock, copy_rows, make_identity_number, recreate_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/certis_bench_certificates"
SCHEME_LETTERS = {
    "ccc": "C",
    "voluntary_product": "V",
    "service": "F",
    "management_system": "Q",
    "green_product": "G",
    "organic": "O",
}
STATUS_REASONS = {
    "suspended": "监督审核发现严重不符合项，暂停使用认证证书。",
    "withdrawn": "暂停期满仍未完成整改，撤销认证证书。",
    "cancelled": "获证组织申请注销认证证书。",
    "expired": "Expired on its expiry date.",
}
BODY_TRADES = ["质量", "认证", "标准", "环境", "安全", "检验", "电子", "机械", "绿色", "有机", "服务", "信息"]
BODY_SUFFIXES = ["认证有限公司", "认证中心有限公司", "质量认证中心", "检验认证集团有限公司"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅文斌宇浩凯鹏飞鑫波辉晶颖琳欣怡"
_ASCII_DROP = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def configure(url: str) -> None:
    """Django settings for a benchmark: ``certis.settings.base`` on this database, DEBUG off, persistent
    connections (as in production). Does nothing when Django is already set up."""
    from django.apps import apps

    if apps.ready:
        return
    from benchmarks.registers import configure as configure_registers

    configure_registers(url)


# The rows


@dataclass(frozen=True, slots=True)
class BenchBody:
    id: int
    number: str
    name: str
    signatory_ids: tuple[int, ...]
    signatories: tuple[str, ...]


def _bodies(rng: random.Random, count: int, per_body: int) -> list[BenchBody]:
    names: set[str] = set()
    bodies = []
    for index in range(count):
        while True:
            name = rng.choice(("中", "华", "国", "新", "正", "联", "诚", "恒", "信", "安", "德", "通"))
            name += rng.choice(("标", "源", "达", "泰", "宏", "博", "远", "鑫", "瑞", "盛", "嘉", "航"))
            name += rng.choice(BODY_TRADES) + rng.choice(BODY_SUFFIXES)
            if name not in names:
                names.add(name)
                break
        year = 2002 + index % 24
        number = f"CNCA-R-{year}-{index // 24 + 1:03d}"
        first = index * per_body + 1
        ids = tuple(range(first, first + per_body))
        signatories = tuple(f"{2010 + (i % 15)}-NBC-{i:07d}" for i in ids)
        bodies.append(BenchBody(index + 1, number, name, ids, signatories))
    return bodies


def _body_rows(bodies: list[BenchBody]) -> Iterator[dict[str, Any]]:
    from certis.core.identifiers import make_uscc
    from certis.core.text import normalize

    for body in bodies:
        yield {
            "id": body.id,
            "organisation_id": body.id,
            "kind": "certification_body",
            "name": body.name,
            "name_key": normalize(body.name),
            "uscc": make_uscc(f"12100000{body.id:09d}"),
            "address": f"北京市某区某路{body.id}号",
            "region": "北京",
            "number": body.number,
            "status": "approved",
            "status_since": dt.date(2010, 1, 4),
            "approved_on": dt.date(2010, 1, 4),
            "valid_until": dt.date(2035, 12, 31),
            "parent_id": None,
        }


def _organisation_rows(bodies: list[BenchBody]) -> Iterator[dict[str, Any]]:
    from certis.core.text import normalize

    for body in bodies:
        yield {
            "id": body.id,
            "name": body.name,
            "name_key": normalize(body.name),
            "kind": "certification_body",
        }


def _scope_rows(bodies: list[BenchBody]) -> Iterator[dict[str, Any]]:
    from certis.bodies.models import Scheme

    for body in bodies:
        for scheme in Scheme.values:
            yield {"body_id": body.id, "scheme": scheme, "category": str(Scheme(scheme).label),
                   "standards": "", "granted_on": dt.date(2010, 1, 4), "removed_on": None}  # fmt: skip


def _person_rows(rng: random.Random, bodies: list[BenchBody]) -> Iterator[dict[str, Any]]:
    from certis.core.identifiers import digest, mask_identity_number, seal
    from certis.core.text import normalize

    for body in bodies:
        for person_id, registration in zip(body.signatory_ids, body.signatories, strict=True):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            identity = make_identity_number(person_id)
            yield {
                "id": person_id,
                "name": name,
                "name_key": normalize(name),
                "registration_number": registration,
                "id_number_digest": digest(identity),
                "id_number_sealed": seal(identity),
                "id_number_masked": mask_identity_number(identity),
                "status": "active",
                "status_since": dt.date(2010, 1, 4),
                "status_reason": "",
            }


def _qualification_rows(bodies: list[BenchBody]) -> Iterator[dict[str, Any]]:
    from certis.bodies.models import Scheme

    for body in bodies:
        for person_id in body.signatory_ids:
            yield {"person_id": person_id, "role": "auditor", "grade": "senior", "schemes": list(Scheme.values),
                   "field_codes": [], "valid_from": dt.date(2010, 1, 1), "valid_until": dt.date(2035, 12, 31)}  # fmt: skip


def _employment_rows(bodies: list[BenchBody]) -> Iterator[dict[str, Any]]:
    for body in bodies:
        for person_id in body.signatory_ids:
            yield {
                "person_id": person_id,
                "body_id": body.id,
                "started_on": dt.date(2010, 1, 4),
                "ended_on": None,
            }


def _standard_rows() -> Iterator[dict[str, Any]]:
    """The standards the synthetic certificates cite, but those the migrations have already seeded."""
    from certis.certificates.models import Standard, number_key
    from certis.demo.synthetic import STANDARD_TITLES, STANDARDS_BY_SCHEME

    seeded = set(Standard.objects.values_list("code_key", flat=True))
    for code, title in STANDARD_TITLES.items():
        if number_key(code) in seeded:
            continue
        schemes = [scheme for scheme, codes in STANDARDS_BY_SCHEME.items() if code in codes]
        yield {
            "code": code,
            "code_key": number_key(code),
            "title": title,
            "schemes": schemes,
            "replaced_by": "",
        }


class Holders:
    """The holders, made once: what certificate rows need of them (name, address, trade) stays in memory
    (about 200 bytes a holder), the rest goes to COPY as it is made."""

    def __init__(self, count: int, seed: int) -> None:
        self.count, self.seed = count, seed
        self.names: list[str] = []
        self.addresses: list[str] = []
        self.trades: list[str] = []

    def rows(self) -> Iterator[str]:
        from certis.core.text import search_key
        from certis.demo.synthetic import TRADES, holder

        for index in range(self.count):
            made = holder(index, self.seed)
            self.names.append(made.name)
            self.addresses.append(made.address)
            self.trades.append(next((t for t in TRADES if t in made.name), "产品"))
            yield _line(index + 1, made.uscc, made.name, search_key(made.name), made.address, None, "f")


def _line(*values: Any) -> str:
    """One line of COPY's text format. The values hold no tab, new line or backslash (checked by the tests of
    the generator below: every value is built from the tables above)."""
    return "\t".join("\\N" if value is None else str(value) for value in values) + "\n"


CERTIFICATE_COLUMNS = (
    "id", "body_id", "number", "number_key", "scheme", "holder_id", "holder_name", "holder_address", "product",
    "product_key", "product_code", "product_models", "product_models_key", "trademark", "manufacturer",
    "factory", "scope", "standards", "mode", "sites", "first_issued_on", "issued_on", "expires_on",
    "signatory_id", "status", "status_since", "suspended_until", "status_reason", "import_job_id",
    "reported_by_id", "created_at", "updated_at",
)  # fmt: skip


class Certificates:
    """Certificate rows as COPY lines, in the mix and with the fields of ``synthetic.certificate_rows``."""

    def __init__(
        self, count: int, holders: Holders, bodies: list[BenchBody], seed: int, today: dt.date
    ) -> None:
        from certis.core.text import search_key
        from certis.demo import synthetic

        self.count, self.holders, self.bodies, self.today = count, holders, bodies, today
        self.rng = random.Random(seed * 7 + 1)
        # A few large bodies issue most certificates, as in the country (weight 1 / rank^0.8).
        self.body_weights = list(itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(bodies))))
        self.schemes = list(synthetic.SCHEME_WEIGHTS)
        self.scheme_weights = list(itertools.accumulate(synthetic.SCHEME_WEIGHTS.values()))
        self.products = synthetic.PRODUCTS
        self.product_keys = {p: search_key(p) for p, _code, _model in synthetic.PRODUCTS} | {
            "有机大米": search_key("有机大米"),
            "": "",
        }
        self.standards = {
            scheme: [json.dumps(codes[:n], ensure_ascii=False) for n in (1, 2)]
            for scheme, codes in synthetic.STANDARDS_BY_SCHEME.items()
        }
        self.now = dt.datetime.now(dt.UTC).isoformat()
        self.checked = 0

    def _check_keys(self, number: str, key: str, models: str, models_key: str) -> None:
        from certis.certificates.models import number_key
        from certis.core.text import search_key

        assert number_key(number) == key, (number, key)
        assert search_key(models) == models_key, (models, models_key)
        self.checked += 1

    def rows(self) -> Iterator[str]:
        rng, today, holders = self.rng, self.today, self.holders
        bodies, body_weights = self.bodies, self.body_weights
        schemes, scheme_weights = self.schemes, self.scheme_weights
        n_holders, n_bodies = holders.count, len(bodies)
        last_number, last_body = "", 0
        for index in range(self.count):
            scheme = schemes[bisect.bisect_right(scheme_weights, rng.random() * scheme_weights[-1])]
            body_index = bisect.bisect_right(body_weights, rng.random() * body_weights[-1])
            owner = rng.randrange(n_holders)
            name, address = holders.names[owner], holders.addresses[owner]
            roll = rng.random()
            years = 5 if scheme == "ccc" else 3
            if roll < 0.06:  # expired: issued long enough ago
                issued = today - dt.timedelta(days=rng.randrange(years * 365 + 2, years * 365 + 900))
            else:
                issued = today - dt.timedelta(days=rng.randrange(1, 3 * 365))
            first = issued - dt.timedelta(days=rng.choice((0, 0, 365, 3 * 365)))
            expires = issued + dt.timedelta(days=years * 365)
            status, since, until, reason = "valid", min(today, issued), None, ""
            if roll < 0.06:
                status, since, reason = "expired", expires + dt.timedelta(days=1), STATUS_REASONS["expired"]
            elif roll < 0.13:
                since = min(today, issued + dt.timedelta(days=rng.randrange(30, 300)))
                status = "suspended" if roll < 0.09 else "withdrawn" if roll < 0.11 else "cancelled"
                reason = STATUS_REASONS[status]
                until = since + dt.timedelta(days=rng.choice((90, 180))) if status == "suspended" else None
            body = bodies[body_index]
            number = f"{body.id:04d}{issued.year}{SCHEME_LETTERS[scheme]}{index:09d}"
            if index % 2000 == 1999 and n_bodies > 1:  # the previous number, at another body
                number, body = last_number, bodies[(last_body + 1) % n_bodies]
            last_number, last_body = number, body.id - 1
            product = product_code = models = models_key = trademark = manufacturer = factory = ""
            scope = mode = ""
            sites = "[]"
            if scheme in ("ccc", "voluntary_product", "green_product"):
                product, product_code, prefix = self.products[rng.randrange(len(self.products))]
                models = "; ".join(f"{prefix}{rng.randrange(10, 999)}" for _ in range(rng.randrange(1, 4)))
                models_key = models.lower().translate(_ASCII_DROP)
                manufacturer = name
                factory = f"{name}{rng.choice(('一', '二', '三'))}厂"
                trademark = name[len(name) - 8 : len(name) - 6] or "品牌"
                if scheme == "ccc":
                    mode = "型式试验+初始工厂检查+获证后监督"
                else:
                    product_code = ""
            else:
                trade = holders.trades[owner]
                scope = f"{trade}的设计、生产和销售" if scheme == "management_system" else f"{trade}相关服务"
                if scheme == "organic":
                    product = "有机大米"
                if scheme == "management_system" and rng.random() < 0.3:
                    sites = json.dumps([{"address": address, "scope": scope}], ensure_ascii=False)
            if index % 997 == 0:
                self._check_keys(number, number, models, models_key)
            signatories = body.signatory_ids
            yield _line(
                index + 1, body.id, number, number, scheme, owner + 1, name, address, product,
                self.product_keys[product], product_code, models, models_key, trademark, manufacturer,
                factory, scope, self.standards[scheme][rng.randrange(2) if scheme == "management_system" else 0],
                mode, sites, first.isoformat(), issued.isoformat(), expires.isoformat(),
                signatories[index % len(signatories)], status, since.isoformat(),
                until.isoformat() if until else None, reason, None, None, self.now, self.now,
            )  # fmt: skip


# Loading


def copy_lines(table: str, columns: tuple[str, ...], lines: Iterator[str], chunk: int = 5000) -> int:
    """COPY text lines into a table, a few thousand lines per write."""
    from django.db import connection

    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        while True:
            block = list(itertools.islice(lines, chunk))
            if not block:
                break
            copy.write("".join(block))
            count += len(block)
    return count


class BareTable:
    """Drop a table's secondary indexes, unique and foreign-key constraints for a bulk load, and make them
    again afterwards: building an index once is much faster than keeping it up to date row by row."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.indexes: list[tuple[str, str]] = []
        self.constraints: list[tuple[str, str]] = []

    def strip(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
                [self.table],
            )
            self.constraints = list(cursor.fetchall())
            for name, _definition in self.constraints:
                cursor.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
                "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
                [self.table],
            )
            self.indexes = list(cursor.fetchall())
            for name, _definition in self.indexes:
                cursor.execute(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for name, definition in self.constraints:  # unique ones first (as stripped), then foreign keys
                cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')


def loaded_size() -> tuple[int, int]:
    """(holders, certificates) in the database, by their largest ids (the loader numbers them from 1)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM certificates_holder), "
            "(SELECT coalesce(max(id), 0) FROM certificates_certificate)"
        )
        holders, certificates = cursor.fetchone()
    return int(holders), int(certificates)


def load(
    url: str = DEFAULT_URL,
    *,
    certificates: int = 10_000_000,
    holders: int = 2_000_000,
    bodies: int = 1_200,
    signatories: int = 3,
    seed: int = 2018,
    reuse: bool = False,
    today: dt.date | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Make the bench database at ``url`` and load it (or, with ``reuse``, keep one already loaded at this
    size); configures Django on it. Returns the figures of the load (``{"reused": True}`` when kept)."""
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("The certificate benchmarks run on PostgreSQL: give a postgres:// URL.")
    fresh = recreate_database(url, reuse=reuse)
    configure(url)
    from django.core.management import call_command
    from django.db import connection

    name = urlsplit(url).path.lstrip("/")
    if not fresh:
        call_command("migrate", verbosity=0)
        found = loaded_size()
        if found == (holders, certificates):
            log(f"Database {name}: reused ({holders:,} holders, {certificates:,} certificates)")
            return {"reused": True}
        log(f"Database {name} holds {found[0]:,} holders and {found[1]:,} certificates: loading afresh")
        connection.close()
        recreate_database(url, reuse=False)
    log(f"Database {name}: created and migrated")
    call_command("migrate", verbosity=0)
    return _load(certificates, holders, bodies, signatories, seed, today, log)


def _load(
    n_certificates: int,
    n_holders: int,
    n_bodies: int,
    per_body: int,
    seed: int,
    today: dt.date | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    from django.core.management.color import no_style
    from django.db import connection
    from django.utils import timezone

    from certis.accounts.models import Organisation
    from certis.bodies import models as bodies_models
    from certis.certificates import models

    today = today or timezone.localdate()
    rng = random.Random(seed)
    clock = Clock()
    rows: dict[str, int] = {}
    started = time.perf_counter()
    made = _bodies(rng, n_bodies, per_body)
    rows["organisations"] = clock("organisations", lambda: copy_rows(Organisation, _organisation_rows(made)))
    rows["bodies"] = clock("bodies", lambda: copy_rows(bodies_models.Body, _body_rows(made)))
    rows["scope"] = clock("scope lines", lambda: copy_rows(bodies_models.ScopeEntry, _scope_rows(made)))
    rows["people"] = clock("signatories", lambda: copy_rows(bodies_models.Person, _person_rows(rng, made)))
    rows["qualifications"] = clock(
        "qualifications", lambda: copy_rows(bodies_models.Qualification, _qualification_rows(made))
    )
    rows["employments"] = clock(
        "employments", lambda: copy_rows(bodies_models.Employment, _employment_rows(made))
    )
    rows["standards"] = clock("standards", lambda: copy_rows(models.Standard, _standard_rows()))

    holder_table, certificate_table = BareTable("certificates_holder"), BareTable("certificates_certificate")
    holder_table.strip()
    certificate_table.strip()
    holders = Holders(n_holders, seed)
    holder_columns = ("id", "uscc", "name", "name_key", "address", "organisation_id", "trusted")
    rows["holders"] = clock(
        "holders", lambda: copy_lines("certificates_holder", holder_columns, holders.rows())
    )
    generator = Certificates(n_certificates, holders, made, seed, today)
    rows["certificates"] = clock(
        "certificates",
        lambda: copy_lines("certificates_certificate", CERTIFICATE_COLUMNS, generator.rows()),
    )
    rows["status_events"] = clock("status events", _status_events)
    clock("holder indexes", lambda: _restore(holder_table))
    clock("certificate indexes", lambda: _restore(certificate_table))
    tables = [Organisation, bodies_models.Body, bodies_models.ScopeEntry, bodies_models.Person,
              bodies_models.Qualification, bodies_models.Employment, models.Standard, models.Holder,
              models.Certificate, models.StatusEvent]  # fmt: skip
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(statement)
    loaded = time.perf_counter() - started

    def analyse() -> int:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return 0

    clock("vacuum analyze", analyse)
    total = sum(rows.values())
    log(f"  {'total':<28} {total:>11,} rows {loaded:>7.1f} s ({total / loaded:,.0f} rows/s)")
    return {
        "rows": rows,
        "steps_s": clock.steps,
        "load_s": round(loaded, 1),
        "rows_per_s": round(total / loaded),
        "keys_checked": generator.checked,
        "today": today.isoformat(),
    }


def _restore(table: BareTable) -> int:
    table.restore()
    return 0


def _status_events() -> int:
    """The status event of every certificate that is not valid, made from the certificates in one statement:
    suspended, withdrawn and cancelled by their body, expired by the scheduled task (no one)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO certificates_statusevent (certificate_id, from_status, to_status, effective_on, until, "
            "reason, actor_id, actor_organisation_id, sanction, created_at) "
            "SELECT c.id, 'valid', c.status, c.status_since, c.suspended_until, c.status_reason, NULL, "
            "CASE WHEN c.status = 'expired' THEN NULL ELSE b.organisation_id END, false, c.created_at "
            "FROM certificates_certificate c JOIN bodies_body b ON b.id = c.body_id "
            "WHERE c.status <> 'valid' ORDER BY c.id"
        )
        return int(cursor.rowcount)


# For the benchmarks that use the data


def bench_bodies() -> list[tuple[int, str, list[str]]]:
    """The bodies of the bench database: (id, approval number, their signatories' registration numbers)."""
    from certis.bodies.models import Body, Employment

    signatories: dict[int, list[str]] = {}
    for body_id, registration in Employment.objects.order_by("person_id").values_list(
        "body_id", "person__registration_number"
    ):
        signatories.setdefault(body_id, []).append(registration)
    return [
        (pk, number, signatories.get(pk, []))
        for pk, number in Body.objects.order_by("pk").values_list("pk", "number")
    ]


def sample_numbers(count: int, *, seed: int = 2018) -> list[str]:
    """``count`` certificate numbers of the database, drawn at random (by id: no table scan)."""
    from django.db import connection

    _holders, top = loaded_size()
    rng = random.Random(seed)
    ids = [rng.randint(1, top) for _ in range(count)]
    numbers: dict[int, str] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 10_000):
            chunk = ids[start : start + 10_000]
            cursor.execute("SELECT id, number FROM certificates_certificate WHERE id = ANY(%s)", [chunk])
            numbers.update(cursor.fetchall())
    return [numbers[pk] for pk in ids if pk in numbers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=10_000_000)
    parser.add_argument("--holders", type=int, default=2_000_000)
    parser.add_argument("--bodies", type=int, default=1_200)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded at this size")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    figures = load(
        url,
        certificates=args.certificates,
        holders=args.holders,
        bodies=args.bodies,
        seed=args.seed,
        reuse=args.reuse,
    )
    print(json.dumps({"benchmark": "certificate_data", "command": " ".join(sys.argv), **figures}))


if __name__ == "__main__":
    main()
