"""The seed of known standards (``seed/standards.csv``), the migration that loads it, and adding a standard."""

from __future__ import annotations

import importlib.util
from importlib.machinery import SourceFileLoader
from pathlib import Path
from types import ModuleType

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.db.migrations.loader import MigrationLoader
from django.utils import translation

from certis.audit.models import AuditEvent, EventType
from certis.bodies.models import Scheme
from certis.certificates.models import Standard, number_key
from certis.certificates.services.standards import (
    SEED,
    SeedStandard,
    add_missing_seed_standards,
    add_standard,
    read_seed,
)

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
MIGRATION = MIGRATIONS / "0003_standards.py"
# Written but kept inactive until the cert_world fixture stops creating standards the seed already holds
# (its Standard.objects.create would then fail on the unique code); renaming it to .py activates it.
PENDING = MIGRATIONS / "0003_standards.py.pending"
ACTIVE = MIGRATION.exists()


def migration_module() -> ModuleType:
    path = MIGRATION if ACTIVE else PENDING
    loader = SourceFileLoader("certis_certificates_0003_standards", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def table() -> dict[str, tuple[str, str, list[str], str]]:
    return {s.code_key: (s.code, s.title, s.schemes, s.replaced_by) for s in Standard.objects.all()}


def expected(rows: list[SeedStandard]) -> dict[str, tuple[str, str, list[str], str]]:
    return {number_key(r.code): (r.code, r.title, r.schemes, r.replaced_by) for r in rows}


# The file


def test_the_seed_is_a_representative_set_of_well_formed_rows() -> None:
    rows = read_seed()
    assert 80 <= len(rows) <= 150
    keys = [number_key(row.code) for row in rows]
    assert len(set(keys)) == len(keys)
    codes = {row.code for row in rows}
    for row in rows:
        assert row.title and row.source and len(row.code) <= 64 and len(row.title) <= 300, row
        assert row.schemes and set(row.schemes) <= set(Scheme.values), row
        assert not row.replaced_by or row.replaced_by in codes, row
    assert {scheme for row in rows for scheme in row.schemes} == set(Scheme.values)
    for code in [
        "GB/T 19001-2016",
        "ISO 9001:2015",
        "GB/T 24001-2016",
        "ISO 14001:2015",
        "GB/T 45001-2020",
        "ISO 45001:2018",
        "GB/T 22080-2016",
        "ISO/IEC 27001:2022",
        "GB/T 23331-2020",
        "GB/T 50430-2017",
        "ISO 22000:2018",
        "GB/T 22000-2006",
        "GB/T 27341-2009",
        "GB/T 27922-2011",
        "GB/T 19630-2019",
        "GB/T 35601-2017",
        "GB 4706.1-2005",
        "GB 4943.1-2022",
        "GB 7000.1-2015",
        "GB 6675.1-2014",
        "GB 14746-2006",
        "GB 27887-2011",
        "GB 9254.1-2021",
        "GB 17625.1-2022",
        "GB 31241-2022",
    ]:
        assert code in codes, code


def test_the_seed_names_its_sources() -> None:
    header = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    assert any("std.samr.gov.cn" in line for line in header)
    assert any("iso.org" in line for line in header)


# The migration


def test_the_migration_follows_the_search_indexes() -> None:
    assert migration_module().Migration.dependencies == [("certificates", "0002_search_indexes")]


@pytest.mark.skipif(not ACTIVE, reason="migration 0003_standards is written but not yet active (.pending)")
@pytest.mark.django_db
def test_after_migrate_the_table_holds_the_seed() -> None:
    assert ("certificates", "0003_standards") in MigrationLoader(None).graph.nodes
    rows = expected(read_seed())
    assert {key: value for key, value in table().items() if key in rows} == rows


@pytest.mark.django_db
def test_loading_the_seed_fills_the_table_and_again_changes_nothing() -> None:
    Standard.objects.all().delete()
    load = migration_module().load_standards
    load(django_apps, None)
    assert table() == expected(read_seed())
    load(django_apps, None)
    assert table() == expected(read_seed())


@pytest.mark.django_db
def test_loading_the_seed_puts_edited_rows_right_and_keeps_others() -> None:
    Standard.objects.all().delete()
    Standard.objects.create(code="GB/T19001-2016", title="旧标题", schemes=[])
    Standard.objects.create(code="Q/ABC 001-2024", title="企业标准", schemes=["voluntary_product"])
    migration_module().load_standards(django_apps, None)
    standard = Standard.objects.get(code_key=number_key("GB/T 19001-2016"))
    assert (standard.code, standard.title, standard.schemes) == (
        "GB/T 19001-2016",
        "质量管理体系 要求",
        ["management_system"],
    )
    assert Standard.objects.filter(code="Q/ABC 001-2024").exists()
    assert Standard.objects.count() == len(read_seed()) + 1


# Adding a standard


@pytest.mark.django_db
def test_a_standard_is_added_with_its_audit_event() -> None:
    standard = add_standard(
        acting_user=None,
        code=" GB 4706.1-2024 ",
        title="家用和类似用途电器的安全  第1部分：通用要求",
        schemes=["ccc"],
    )
    assert (standard.code, standard.code_key, standard.title) == (
        "GB 4706.1-2024",
        "GB4706.1-2024",
        "家用和类似用途电器的安全 第1部分：通用要求",
    )
    event = AuditEvent.objects.get(event_type=EventType.STANDARD_ADDED)
    assert event.data == {"code": "GB 4706.1-2024", "schemes": ["ccc"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "ＧＢ/Ｔ　19001-2016"}, {"code": ["GB/T 19001-2016 is already a known standard."]}),
        ({"code": " "}, {"code": ["Give the standard's code with its edition."]}),
        ({"title": ""}, {"title": ["Give the standard's title."]}),
        ({"schemes": ["ccc", "food"]}, {"schemes": ["food is not a certification scheme."]}),
    ],
)
def test_a_bad_or_known_standard_is_refused(fields: dict[str, object], message: dict[str, list[str]]) -> None:
    Standard.objects.filter(code_key=number_key("GB/T 19001-2016")).delete()
    Standard.objects.create(code="GB/T 19001-2016", title="质量管理体系 要求", schemes=["management_system"])
    before = Standard.objects.count()
    arguments: dict[str, object] = {
        "code": "T/CAS 115-2005",
        "title": "团体标准",
        "schemes": ["service"],
    } | fields
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        add_standard(acting_user=None, **arguments)  # type: ignore[arg-type]
    assert caught.value.message_dict == message
    assert Standard.objects.count() == before


@pytest.mark.django_db
def test_missing_seed_standards_are_put_back_and_none_twice() -> None:
    Standard.objects.all().delete()
    Standard.objects.create(code="GB/T 19001-2016", title="质量管理体系 要求", schemes=["management_system"])
    assert add_missing_seed_standards(acting_user=None) == len(read_seed()) - 1
    assert add_missing_seed_standards(acting_user=None) == 0
    assert table() == expected(read_seed())
