"""The seed of the catalogue: the 2020 catalogue's 17 categories, its history replayed as adjustments, the HS
table with its periods; loading again adds nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from certis.audit.models import AuditEvent, EventType
from certis.catalogue.files.seed import read_csv
from certis.catalogue.hs import parse_hs_code
from certis.catalogue.models import Adjustment, Category, HsMapping, Route
from certis.catalogue.selectors import catalogue_on, versions_on
from certis.catalogue.services.seed import load_seed

pytestmark = pytest.mark.django_db


def test_every_seed_row_is_well_formed() -> None:
    products = {row["code"] for row in read_csv("catalogue.csv") if row["kind"] == "add"}
    for row in read_csv("hs_codes.csv"):
        assert parse_hs_code(row["hs_code"]) == row["hs_code"]
        assert row["product"] in products, row
    for row in read_csv("catalogue.csv"):
        assert row["notice"] and row["reason"], row
        dt.date.fromisoformat(row["effective_on"])


def test_the_seed_loads_once_through_the_services() -> None:
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    assert "17 categories" in out.getvalue()
    counts = (Category.objects.count(), Adjustment.objects.count(), HsMapping.objects.count())
    assert (
        counts[0] == 17
        and counts[1] == len(read_csv("catalogue.csv"))
        and counts[2] == len(read_csv("hs_codes.csv"))
    )
    assert AuditEvent.objects.filter(event_type=EventType.CATALOGUE_ADJUSTED).count() == 17 + counts[1]
    again = load_seed()
    assert (again.categories, again.adjustments, again.hs_codes) == (0, 0, 0)
    assert (Category.objects.count(), Adjustment.objects.count(), HsMapping.objects.count()) == counts


def test_the_seeded_catalogue_has_the_2020_categories_and_the_reforms() -> None:
    load_seed()
    assert len(catalogue_on(dt.date(2021, 1, 1))) == 17
    assert len(catalogue_on(dt.date(2019, 1, 1))) == 15  # explosion-proof and gas appliances came in 2020
    route = {v.product.code: v.route for v in versions_on(dt.date(2021, 1, 1))}
    assert route["0302"] == route["0501"] == Route.SELF_DECLARATION and route["0718"] == Route.THIRD_PARTY
    assert {v.product.code: v.route for v in versions_on(dt.date(2019, 1, 1))}["0302"] == Route.EITHER
    assert "0507" not in route and "0102" not in route
    assert versions_on(dt.date(2021, 1, 1)).get(product__code="0205").name == "熔断体"
