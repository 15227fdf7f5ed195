"""Benchmark of the public registers on PostgreSQL: a national-size register loaded in bulk, then the latency
of register search and of a body's page, measured through Django, with the same SQL run on a plain cursor as
the baseline.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/certis_bench .venv/bin/python benchmarks/registers.py

The database named in DATABASE_URL is dropped and created afresh (its name must contain "bench"), migrated,
and loaded with COPY: 2,000 certification bodies, 60,000 labs and 200,000 registered people, with scope
lines, accreditations, status history, qualifications and employment history. ``--reuse`` skips the load
when the database already holds the data (to measure again). The last line printed is one JSON object with
every figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/certis_bench"
GOAL_MS = 50.0

REGIONS = [
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆",
]  # fmt: skip
TRADE_CHARS = (
    "华中国信达安泰恒通正源新立德诚宏远博瑞鑫科标联合盛方圆天地海金银长城东南西北京津沪粤川渝鲁豫晋冀辽吉"
    "龙江浙闽赣湘鄂桂琼黔滇陕甘宁青藏蒙疆嘉兴隆昌明光辉永佳美和平安康泰宇航星辰晨阳春秋冬夏山河湖泊峰岭"
    "松柏竹梅兰菊云霞雨雪风雷电磁声光热力能源环宝玉珠翠晶石钢铁铜铝锦绣丽雅致精准捷迅驰骏腾飞跃"
)
CB_TRADES = ["质量", "认证", "标准", "环境", "安全", "食品", "建材", "电子", "机械", "绿色", "有机", "服务"]
CB_SUFFIXES = ["认证有限公司", "认证中心有限公司", "质量认证中心", "检验认证集团有限公司"]
LAB_TRADES = [
    "产品质量", "建筑工程", "食品", "机动车", "电子电器", "纺织品", "化工", "环境监测", "计量", "医疗器械",
    "家具", "玩具", "消防", "燃气具", "电线电缆", "材料",
]  # fmt: skip
LAB_SUFFIXES = ["检测技术有限公司", "检验检测中心", "质量检验所", "检测研究院有限公司"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌宇浩凯鹏飞鑫波辉晶颖琳欣怡"
SCHEMES = ["ccc", "voluntary_product", "service", "management_system", "green_product", "organic"]
CATEGORIES = {
    "ccc": ["家用和类似用途设备", "电线电缆", "照明电器", "音视频设备", "信息技术设备", "汽车产品", "玩具", "防爆电气"],
    "voluntary_product": ["建筑材料", "节能产品", "电子元器件", "纺织品", "家具", "涂料"],
    "service": ["商品售后服务", "物业服务", "餐饮服务", "体育场所服务"],
    "management_system": ["质量管理体系", "环境管理体系", "职业健康安全管理体系", "能源管理体系", "信息安全管理体系"],
    "green_product": ["绿色建材", "绿色家具", "绿色纺织品", "绿色包装"],
    "organic": ["有机植物生产", "有机畜禽养殖", "有机加工"],
}  # fmt: skip
TEST_ITEMS = [
    "家用电器安全", "电磁兼容", "低压电器", "电线电缆", "建筑材料物理性能", "食品微生物", "农药残留", "重金属",
    "纺织品甲醛", "机动车排放", "玩具安全", "医疗器械生物相容性", "燃气具热效率", "消防产品耐火性能", "计量器具检定",
]  # fmt: skip


def configure(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")  # production keeps connections, as should we
    os.environ["DJANGO_SETTINGS_MODULE"] = "certis.settings.base"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def recreate_database(url: str, *, reuse: bool) -> bool:
    """Drop and create the database (unless reusing one that exists); True when it was created afresh."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop {name!r}: the benchmark's database name must contain 'bench'.")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            return False
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return True


# Loading


class Clock:
    """Times the load's steps."""

    def __init__(self) -> None:
        self.steps: dict[str, float] = {}

    def __call__(self, step: str, work: Callable[[], int]) -> int:
        start = time.perf_counter()
        rows = work()
        self.steps[step] = round(time.perf_counter() - start, 2)
        print(f"  {step:<28} {rows:>9,} rows {self.steps[step]:>7.2f} s", flush=True)
        return rows


def copy_rows(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """COPY rows (dicts by attribute name) into the model's table; a missing column takes the field's default."""
    from django.db import connection
    from django.db.models import JSONField

    now = dt.datetime.now(dt.UTC)
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    rows = itertools.chain([first], rows)
    pk = model._meta.pk.attname
    fields = [f for f in model._meta.concrete_fields if f.attname != pk or pk in first]  # else: generated
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    defaults: list[Any] = []
    for field in fields:
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            defaults.append(now)
        elif field.has_default():
            default = field.get_default()
            defaults.append(json.dumps(default) if isinstance(field, JSONField) else default)
        else:
            defaults.append(None)
    json_fields = {field.attname for field in fields if isinstance(field, JSONField)}
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        ) as copy,
    ):
        for row in rows:
            copy.write_row(
                [
                    (
                        json.dumps(row[f.attname], ensure_ascii=False)
                        if f.attname in json_fields
                        else row[f.attname]
                    )
                    if f.attname in row
                    else default
                    for f, default in zip(fields, defaults, strict=True)
                ]
            )
            count += 1
    return count


def unique_names(rng: random.Random, count: int, make: Callable[[], str]) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    while len(names) < count:
        name = make()
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def trade(rng: random.Random) -> str:
    return "".join(rng.choice(TRADE_CHARS) for _ in range(rng.choice((2, 2, 3))))


def make_uscc(index: int) -> str:
    from certis.core.identifiers import make_uscc as well_formed

    return well_formed(f"91{110000 + index % 800000:06d}{index:09d}")


def make_identity_number(index: int) -> str:
    from certis.core.identifiers import make_identity_number as well_formed

    region = ["110101", "310104", "440106", "510104", "320102", "330106"][index % 6]
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=index % 14000)
    return well_formed(f"{region}{birth:%Y%m%d}{index // 14000 % 1000:03d}")


class Loader:
    """Builds the register: bodies and labs (with organisations, scope, accreditation and history), then
    people (with qualifications and employment history). Ids are given here so that rows can refer to each
    other without reading them back; the sequences are moved past them at the end."""

    def __init__(self, rng: random.Random, bodies: int, labs: int, people: int) -> None:
        self.rng, self.n_bodies, self.n_labs, self.n_people = rng, bodies, labs, people
        self.bodies: list[dict[str, Any]] = []

    def body_rows(self) -> Iterator[dict[str, Any]]:
        from certis.core.text import normalize, to_traditional

        rng = self.rng
        cb_names = unique_names(
            rng,
            self.n_bodies,
            lambda: rng.choice(REGIONS) + trade(rng) + rng.choice(CB_TRADES) + rng.choice(CB_SUFFIXES),
        )
        lab_names = unique_names(
            rng,
            self.n_labs,
            lambda: rng.choice(REGIONS) + trade(rng) + rng.choice(LAB_TRADES) + rng.choice(LAB_SUFFIXES),
        )
        sequence: dict[int, int] = {}
        keys: set[tuple[bool, str]] = set()
        for index, name in enumerate(cb_names + lab_names):
            is_lab = index >= self.n_bodies
            year = rng.randint(2002, 2025)
            sequence[year] = sequence.get(year, 0) + 1
            roll = rng.random()
            status = (
                "applying"
                if roll < 0.02
                else "suspended"
                if roll < 0.06
                else "withdrawn"
                if roll < 0.10
                else "cancelled"
                if roll < 0.12
                else "approved"
            )
            if is_lab:
                number = f"{year % 100:02d}{sequence[year]:010d}"
            else:
                number = f"CNCA-R-{year}-{sequence[year]:03d}"
            approved_on = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            shown = to_traditional(name) if rng.random() < 0.1 else name  # some are registered in traditional
            if (is_lab, normalize(shown)) in keys:  # the round trip through traditional is not always exact
                shown = name
            keys.add((is_lab, normalize(shown)))
            region = next(r for r in REGIONS if name.startswith(r))
            body = {
                "id": index + 1,
                "organisation_id": index + 1,
                "kind": "lab" if is_lab else "certification_body",
                "name": shown,
                "name_key": normalize(shown),
                "uscc": make_uscc(index),
                "address": f"{region}某市某区{rng.randint(1, 999)}号",
                "region": region,
                "number": None if status == "applying" else number,
                "status": status,
                "status_since": approved_on
                if status in ("applying", "approved")
                else approved_on.replace(year=2025),
                "approved_on": None if status == "applying" else approved_on,
                "valid_until": None if status == "applying" else dt.date(2030, 12, 31),
                "parent_id": rng.randint(1, 200)
                if not is_lab and index >= 200 and rng.random() < 0.1
                else None,
            }
            self.bodies.append(body)
            yield body

    def organisation_rows(self) -> Iterator[dict[str, Any]]:
        for body in self.bodies:
            kind = "lab" if body["kind"] == "lab" else "certification_body"
            yield {"id": body["id"], "name": body["name"], "name_key": body["name_key"], "kind": kind}

    def scope_rows(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for body in self.bodies:
            granted = body["approved_on"]
            if body["kind"] == "lab":
                for item in rng.sample(TEST_ITEMS, rng.randint(3, 8)):
                    yield {"body_id": body["id"], "scheme": "", "category": item, "standards": "GB/T 0000-2020",
                           "granted_on": granted}  # fmt: skip
            else:
                for scheme in rng.sample(SCHEMES, rng.randint(1, 3)):
                    for category in rng.sample(CATEGORIES[scheme], rng.randint(1, 3)):
                        yield {"body_id": body["id"], "scheme": scheme, "category": category,
                               "standards": "GB/T 19001-2016", "granted_on": granted}  # fmt: skip

    def accreditation_rows(self) -> Iterator[dict[str, Any]]:
        for body in self.bodies:
            if body["kind"] == "certification_body" or body["id"] % 2 == 0:
                yield {
                    "body_id": body["id"],
                    "accreditation_body": "中国合格评定国家认可委员会（CNAS）",
                    "number": f"CNAS {'C' if body['kind'] == 'certification_body' else 'L'}{body['id']:05d}",
                    "scope": "见认可证书附件",
                    "valid_from": dt.date(2024, 1, 1),
                    "valid_until": dt.date(2029, 12, 31),
                }

    def history_rows(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for body in self.bodies:
            if body["status"] == "applying":
                continue
            row = {"body_id": body["id"], "decided_by_id": None}
            yield row | {"from_status": "applying", "to_status": "approved", "effective_on": body["approved_on"],
                         "reason": "批准"}  # fmt: skip
            if body["status"] == "approved" and rng.random() < 0.05:
                yield row | {"from_status": "approved", "to_status": "suspended",
                             "effective_on": dt.date(2024, 3, 1), "reason": "监督检查发现问题，暂停三个月。"}  # fmt: skip
                yield row | {"from_status": "suspended", "to_status": "approved",
                             "effective_on": dt.date(2024, 6, 1), "reason": "整改完成，恢复。"}  # fmt: skip
            elif body["status"] != "approved":
                yield row | {"from_status": "approved", "to_status": body["status"],
                             "effective_on": body["status_since"], "reason": "出具虚假认证结论，依法处理。"}  # fmt: skip

    def person_rows(self) -> Iterator[dict[str, Any]]:
        from certis.core.identifiers import digest, mask_identity_number, seal
        from certis.core.text import normalize

        rng = self.rng
        for index in range(self.n_people):
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            number = make_identity_number(index)
            yield {
                "id": index + 1,
                "name": name,
                "name_key": normalize(name),
                "registration_number": f"{2005 + index % 20}-N{index % 3 + 1}QMS-{index:07d}",
                "id_number_digest": digest(number),
                "id_number_sealed": seal(number),
                "id_number_masked": mask_identity_number(number),
                "status": "active" if index % 50 else "suspended",
                "status_since": dt.date(2024, 1, 1),
                "status_reason": "",
            }

    def qualification_rows(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        for index in range(self.n_people):
            for _ in range(rng.choice((1, 1, 2))):
                yield {
                    "person_id": index + 1,
                    "role": rng.choice(("auditor", "auditor", "inspector")),
                    "grade": rng.choice(("trainee", "qualified", "qualified", "senior")),
                    "schemes": sorted(rng.sample(SCHEMES, rng.randint(1, 2))),
                    "field_codes": [f"{rng.randint(1, 39):02d}.{rng.randint(1, 9):02d}"],
                    "valid_from": dt.date(2023, 1, 1),
                    "valid_until": dt.date(2027 + rng.randint(0, 3), 12, 31),
                }

    def employment_rows(self) -> Iterator[dict[str, Any]]:
        rng = self.rng
        employers = [
            b["id"] for b in self.bodies if b["kind"] == "certification_body" and b["status"] == "approved"
        ]
        for index in range(self.n_people):
            if rng.random() < 0.3:  # worked somewhere else before
                yield {"person_id": index + 1, "body_id": rng.choice(employers),
                       "started_on": dt.date(2015, 1, 1), "ended_on": dt.date(2019, 12, 31)}  # fmt: skip
            yield {"person_id": index + 1, "body_id": rng.choice(employers),
                   "started_on": dt.date(2020, 1, 1), "ended_on": None}  # fmt: skip


def load(args: argparse.Namespace) -> dict[str, Any]:
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from certis.accounts.models import Organisation
    from certis.bodies import models

    loader = Loader(random.Random(args.seed), args.bodies, args.labs, args.people)
    clock = Clock()
    rows: dict[str, int] = {}
    start = time.perf_counter()
    with transaction.atomic():
        rows["bodies"] = clock("bodies and labs", lambda: copy_rows(models.Body, loader.body_rows()))
        rows["organisations"] = clock(
            "organisations", lambda: copy_rows(Organisation, loader.organisation_rows())
        )
        rows["scope"] = clock("scope lines", lambda: copy_rows(models.ScopeEntry, loader.scope_rows()))
        rows["accreditations"] = clock(
            "accreditations", lambda: copy_rows(models.Accreditation, loader.accreditation_rows())
        )
        rows["status_changes"] = clock(
            "status history", lambda: copy_rows(models.StatusChange, loader.history_rows())
        )
        rows["people"] = clock("people", lambda: copy_rows(models.Person, loader.person_rows()))
        rows["qualifications"] = clock(
            "qualifications", lambda: copy_rows(models.Qualification, loader.qualification_rows())
        )
        rows["employments"] = clock(
            "employments", lambda: copy_rows(models.Employment, loader.employment_rows())
        )
        tables = [Organisation, models.Body, models.ScopeEntry, models.Accreditation, models.StatusChange,
                  models.Person, models.Qualification, models.Employment]  # fmt: skip
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), tables):
                cursor.execute(statement)
    loaded = time.perf_counter() - start

    def analyse() -> int:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        return 0

    clock("vacuum analyze", analyse)
    return {"rows": rows, "steps_s": clock.steps, "load_s": round(loaded, 2),
            "rows_per_s": round(sum(rows.values()) / loaded)}  # fmt: skip


# Measuring


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
    }


def measure(urls: list[str], warmup: int = 20) -> dict[str, Any]:
    """Each URL through the Django test client (the whole stack but the socket), then its SQL on a plain
    cursor: the same statements Django sent, captured once, with their rows fetched."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    for url in urls[:warmup]:
        client.get(url)
    statements: list[list[str]] = []
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        statements.append([query["sql"] for query in captured.captured_queries])
    page: list[float] = []
    for url in urls:
        started = time.perf_counter()
        response = client.get(url)
        page.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    raw: list[float] = []
    with connection.cursor() as cursor:
        for sqls in statements:
            started = time.perf_counter()
            for sql in sqls:
                cursor.execute(sql)
                cursor.fetchall()
            raw.append((time.perf_counter() - started) * 1000)
    page_summary, raw_summary = summary(page), summary(raw)
    return {
        "n": len(urls),
        "queries": round(statistics.mean(len(s) for s in statements), 1),
        "page": page_summary,
        "raw": raw_summary,
        "ratio_p50": round(page_summary["p50_ms"] / raw_summary["p50_ms"], 1),
        "ratio_p95": round(page_summary["p95_ms"] / raw_summary["p95_ms"], 1),
    }


def scenarios(rng: random.Random, iterations: int, people: int) -> dict[str, list[str]]:
    from django.urls import reverse

    from certis.bodies.models import Body
    from certis.core.text import to_traditional

    listed = list(
        Body.objects.filter(number__isnull=False)
        .exclude(status="applying")
        .values_list("number", "name", "kind")
    )
    cbs = [row for row in listed if row[2] == "certification_body"]
    bodies_url, labs_url = reverse("register:body_list"), reverse("register:lab_list")

    def name_part(name: str) -> str:
        """A distinctive part of the name: the region and trade name, 3 to 6 characters, in either script."""
        start = rng.randint(0, 2)
        part = name[start : start + rng.randint(3, 6)]
        return to_traditional(part) if rng.random() < 0.5 else part

    def by_name() -> str:
        _number, name, kind = rng.choice(listed if rng.random() < 0.5 else cbs)
        return (labs_url if kind == "lab" else bodies_url) + "?" + urlencode({"q": name_part(name)})

    def by_scheme_region() -> str:
        query = {
            "scheme": rng.choice(["ccc", "management_system", "service", "organic"]),
            "region": rng.choice(REGIONS),
        }
        return bodies_url + "?" + urlencode(query)

    def body_page() -> str:
        number, _name, kind = rng.choice(listed)
        return reverse("register:lab_detail" if kind == "lab" else "register:body_detail", args=[number])

    def broad() -> str:
        return (
            labs_url + "?" + urlencode({"q": rng.choice(["检测技术", "檢驗檢測中心", "质量检验", "研究院"])})
        )

    def short() -> str:
        return (
            labs_url
            + "?"
            + urlencode({"q": rng.choice(REGIONS[:8]) if rng.random() < 0.5 else rng.choice(LAB_TRADES)[:2]})
        )

    def labs_first_pages() -> str:
        return (
            labs_url
            + "?"
            + urlencode({"page": rng.randint(1, 20), "sort": rng.choice(["number", "name", "-number"])})
        )

    def people_by_name() -> str:
        return (
            reverse("register:person_list")
            + "?"
            + urlencode({"q": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)})
        )

    def person_page() -> str:
        index = rng.randrange(people)
        return reverse(
            "register:person_detail", args=[f"{2005 + index % 20}-N{index % 3 + 1}QMS-{index:07d}"]
        )

    makers = {
        "search_by_name": by_name,
        "search_by_scheme_and_region": by_scheme_region,
        "body_page": body_page,
        "labs_unfiltered_pages": labs_first_pages,
        "search_broad_word": broad,
        "search_two_characters": short,
        "personnel_by_name": people_by_name,
        "person_page": person_page,
    }
    return {name: [make() for _ in range(iterations)] for name, make in makers.items()}


GOALS = ("search_by_name", "search_by_scheme_and_region", "body_page")


def machine() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())  # fmt: skip
    memory = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), "0")  # fmt: skip
    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "memory_gb": round(int(memory) / 1_048_576, 1),
        "python": platform.python_version(),
        "postgresql": server,
        "os": platform.platform(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bodies", type=int, default=2_000)
    parser.add_argument("--labs", type=int, default=60_000)
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database and its data")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://…")
    fresh = recreate_database(url, reuse=args.reuse)
    configure(url)
    from django.core.management import call_command

    started = dt.datetime.now(dt.UTC)
    print(
        f"Database {urlsplit(url).path.lstrip('/')}: {'created and migrated' if fresh else 'reused'}",
        flush=True,
    )
    loaded: dict[str, Any] = {"reused": True}
    if fresh:
        call_command("migrate", verbosity=0)
        print("Loading:", flush=True)
        loaded = load(args)
        print(f"  {'total':<28} {sum(loaded['rows'].values()):>9,} rows {loaded['load_s']:>7.2f} s "
              f"({loaded['rows_per_s']:,} rows/s)")  # fmt: skip
    results = {}
    print(f"\nMeasuring ({args.iterations} requests each, milliseconds):", flush=True)
    header = f"{'scenario':<30}{'queries':>8}{'page p50':>10}{'page p95':>10}{'raw p50':>9}{'raw p95':>9}{'ratio':>7}"
    print(header + "\n" + "-" * len(header))
    for name, urls in scenarios(random.Random(args.seed), args.iterations, args.people).items():
        result = measure(urls)
        results[name] = result
        mark = " *" if name in GOALS else ""
        print(f"{name + mark:<30}{result['queries']:>8}{result['page']['p50_ms']:>10.2f}{result['page']['p95_ms']:>10.2f}"
              f"{result['raw']['p50_ms']:>9.2f}{result['raw']['p95_ms']:>9.2f}{result['ratio_p50']:>7.1f}", flush=True)  # fmt: skip
    met = all(results[name]["page"]["p95_ms"] < GOAL_MS for name in GOALS)
    print(f"\n* goal: page p95 under {GOAL_MS:.0f} ms: {'met' if met else 'NOT met'}. "
          "ratio = page p50 / raw p50 (Django, templates and Python over the database's own time).")  # fmt: skip
    figures = {
        "benchmark": "registers",
        "date": started.isoformat(timespec="seconds"),
        "command": " ".join(sys.argv),
        "machine": machine(),
        "size": {"bodies": args.bodies, "labs": args.labs, "people": args.people},
        "load": loaded,
        "results": results,
        "goal_p95_ms": GOAL_MS,
        "goal_met": met,
    }
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
