"""What every deployment relies on: health, the API document and docs, local assets, error pages, demo data."""

from __future__ import annotations

import re
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from certis.audit.models import AuditEvent
from certis.core.testing.openapi import check
from certis.governance.models import Plan
from certis.governance.services import work as services

PACKAGE = Path(__file__).resolve().parents[2]
# A script or style sheet fetched from another host: src/href with a scheme, or protocol-relative.
EXTERNAL_ASSET = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", re.IGNORECASE
)
CSS_IMPORT = re.compile(r"@import\s+(?:url\()?[\"']?\s*(?:https?:)?//", re.IGNORECASE)
ASSET_TAG = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE)


def templates() -> list[Path]:
    return sorted(PACKAGE.glob("**/templates/**/*.html"))


def test_external_asset_pattern_catches_what_it_should() -> None:
    assert EXTERNAL_ASSET.search('<script src="https://cdn.example.com/htmx.js"></script>')
    assert EXTERNAL_ASSET.search("<link rel=stylesheet href=//fonts.example.com/a.css>")
    assert not EXTERNAL_ASSET.search('<link rel="stylesheet" href="{% static \'certis/certis.css\' %}">')
    assert not EXTERNAL_ASSET.search('<a href="https://example.com">a link is not an asset</a>')


@pytest.mark.parametrize("path", templates(), ids=lambda path: str(path.relative_to(PACKAGE)))
def test_no_template_loads_a_script_or_style_from_another_host(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert not EXTERNAL_ASSET.search(text)
    assert not CSS_IMPORT.search(text)


def test_the_templates_are_found() -> None:
    names = {path.name for path in templates()}
    assert {"base.html", "plan_detail.html", "login.html", "event_list.html", "error.html"} <= names


@pytest.mark.django_db
def test_the_rendered_home_page_loads_only_local_assets() -> None:
    page = Client().get(reverse("portal:home")).content.decode()
    tags = ASSET_TAG.findall(page)
    assert any("certis.css" in tag for tag in tags)
    assert not [tag for tag in tags if EXTERNAL_ASSET.search(tag)]


@pytest.mark.django_db
def test_health_answers_200_with_json() -> None:
    response = Client().get("/health")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"
    assert "no-cache" in response["Cache-Control"]


def openapi() -> dict[str, Any]:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.mark.django_db
def test_the_openapi_document_lists_the_api_under_v1() -> None:
    document = openapi()
    assert document["openapi"].startswith("3.")
    assert document["paths"]
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert {"/api/v1/whoami", "/api/v1/governance/plans"} <= set(document["paths"])


@pytest.mark.django_db
def test_the_api_docs_serve_swagger_ui_from_local_static_files() -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    tags = ASSET_TAG.findall(page)
    assert any("swagger-ui-bundle.js" in tag for tag in tags)
    assert [tag for tag in tags if "cdn" in tag.lower() or "http" in tag.lower()] == []


def response_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    return document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.mark.django_db
def test_the_plan_api_answers_as_its_schema_says(plan: Plan, office: Any) -> None:
    services.set_plan_published(acting_user=office, plan=plan, published=True)
    services.schedule_task(acting_user=office, task=plan.tasks.get(number=1), deadline=date(2030, 6, 30))
    document = openapi()
    plans = Client().get("/api/v1/governance/plans").json()
    check(plans, response_schema(document, "/api/v1/governance/plans"), document)
    assert [(item["id"], item["tasks"]) for item in plans] == [(plan.pk, 50)]
    tasks = Client().get(f"/api/v1/governance/plans/{plan.pk}/tasks").json()
    check(tasks, response_schema(document, "/api/v1/governance/plans/{plan_id}/tasks"), document)
    assert len(tasks) == 50
    assert tasks[0]["deadline"] == "2030-06-30"
    assert tasks[0]["units"][0] == {"unit": "認可部", "role": "lead"}


@pytest.mark.django_db
def test_the_plan_api_hides_an_unpublished_plan(plan: Plan) -> None:
    assert Client().get("/api/v1/governance/plans").json() == []
    assert Client().get(f"/api/v1/governance/plans/{plan.pk}/tasks").status_code == 404


@pytest.mark.django_db
def test_an_unknown_address_gets_the_friendly_404_page() -> None:
    response = Client().get("/no/such/page/")
    assert response.status_code == 404
    assert "core/error.html" in [template.name for template in response.templates]
    with translation.override("zh-hans"):
        assert escape(gettext("Page not found")) in response.content.decode()
    assert reverse("portal:home") in response.content.decode()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.mark.django_db
def test_loading_the_demo_twice_changes_nothing_the_second_time() -> None:
    call_command("demo", stdout=StringIO())
    first = row_counts()
    events = AuditEvent.objects.count()
    assert first["governance.Plan"] == 1
    assert first["governance.ProgressReport"] > 0
    call_command("demo", stdout=StringIO())
    assert row_counts() == first
    assert AuditEvent.objects.count() == events
