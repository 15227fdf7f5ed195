"""The online application on its pages and through the API, and its demonstration data."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from ninja.testing import TestClient

from certis.accounts.models import Organisation, User
from certis.accounts.services import issue_api_token
from certis.audit.models import AuditEvent, EventType
from certis.bodies.applications.api import router
from certis.bodies.models import Application, Body, StagePeriod
from certis.core.testing import client_for

from .fixtures import (
    Cast,
    accredit,
    docx,
    make_uscc,
    pdf,
    submit_new_body,
)

pytestmark = pytest.mark.django_db
Stage = Application.Stage


# --- pages ---------------------------------------------------------------------------------------------------


def test_an_applicant_submits_on_the_page_with_documents(
    app_applicant: User, app_new_body: Organisation
) -> None:
    client = client_for(app_applicant)
    assert client.get(reverse("applications:new_application")).status_code == 200
    response = client.post(
        reverse("applications:new_application"),
        {
            "applicant": app_new_body.pk,
            "kind": "approval",
            "summary": "申请",
            "name": "新锐认证有限公司",
            "uscc": make_uscc("91110108MA01ABCD1"),
            "address": "北京市海淀区",
            "region": "北京",
            "scope": "Management system certification | 质量管理体系 | GB/T 19001-2016\nCCC | 电线电缆 | GB/T 5023-2008\n",
            "documents": [pdf("章程.pdf"), docx("质量手册.docx")],
        },
    )
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["documents_form"].errors,
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("applications:application_detail", args=[application.pk])
    assert sorted(application.scope.values_list("scheme", flat=True)) == ["ccc", "management_system"]
    assert sorted(application.documents.values_list("title", flat=True)) == ["章程", "质量手册"]
    page = client.get(response["Location"]).content.decode()
    assert application.reference in page and "章程.pdf" in page


def test_a_bad_uscc_on_the_page_shows_the_error_next_to_the_field(
    app_applicant: User, app_new_body: Organisation
) -> None:
    with translation.override("en"):
        response = client_for(app_applicant).post(
            reverse("applications:new_application"),
            {
                "applicant": app_new_body.pk,
                "kind": "approval",
                "name": "新锐认证有限公司",
                "uscc": "91110108MA01ABCD1X",
                "address": "北京",
                "region": "北京",
                "scope": "CCC | 电线电缆 | GB/T 5023-2008",
            },
            headers={"accept-language": "en"},
        )
    assert response.status_code == 400
    assert response.context["form"].errors["uscc"]
    assert Application.objects.count() == Body.objects.count() == 0


def test_staff_walk_the_application_on_its_page(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    staff = client_for(app_cast.staff)
    url = lambda name: reverse(f"applications:{name}", args=[application.pk])  # noqa: E731
    assert staff.post(url("return"), {"missing": "认可证书\n场所证明"}).status_code == 302
    applicant = client_for(app_applicant)
    page = applicant.get(url("application_detail")).content.decode()
    assert "认可证书" in page and 'id="act-supplement"' in page and 'id="act-upload"' in page
    assert (
        applicant.post(url("upload"), {"title": "认可证书", "file": pdf("认可证书.pdf")}).status_code == 302
    )
    assert applicant.post(url("supplement"), {"note": "已补正"}).status_code == 302
    assert staff.post(url("accept")).status_code == 302
    assert staff.post(url("assign_reviewer"), {"reviewer": app_cast.reviewer.pk}).status_code == 302
    reviewer = client_for(app_cast.reviewer)
    assert (
        reviewer.post(url("record_findings"), {"conclusion": "conforms", "findings": "符合"}).status_code
        == 302
    )
    assert staff.post(url("complete_review")).status_code == 302
    accredit(app_cast.staff, application.body)
    official = client_for(app_cast.official)
    assert official.post(url("decide"), {"outcome": "approve", "reasons": "符合条件"}).status_code == 302
    assert staff.post(url("issue")).status_code == 302
    document = applicant.get(url("approval_document")).content.decode()
    application.refresh_from_db()
    assert application.approval_number in document and "新锐认证有限公司" in document
    assert staff.post(url("publish")).status_code == 302
    application.refresh_from_db()
    assert application.stage == Stage.PUBLISHED


def test_a_refused_act_on_the_page_shows_its_reason(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    client = client_for(app_cast.staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # Certis ignores Accept-Language: Chinese first
    response = client.post(reverse("applications:complete_review", args=[application.pk]))
    assert response.status_code == 400
    assert "not possible while the application" in response.content.decode()


# --- API -----------------------------------------------------------------------------------------------------


def _token(user: User, organisation: Organisation) -> dict[str, str]:
    _token, secret = issue_api_token(acting_user=user, organisation=organisation, name="系统")
    return {"Authorization": f"Bearer {secret}"}


def test_a_body_submits_and_follows_its_application_through_the_api(
    app_applicant: User, app_new_body: Organisation
) -> None:
    client, headers = TestClient(router), _token(app_applicant, app_new_body)
    response = client.post(
        "",
        json={
            "kind": "approval",
            "summary": "申请",
            "body": {
                "name": "新锐认证有限公司",
                "uscc": make_uscc("91110108MA01ABCD1"),
                "address": "北京市海淀区",
                "region": "北京",
            },
            "scope": [
                {"scheme": "management_system", "category": "质量管理体系", "standards": "GB/T 19001-2016"}
            ],
        },
        headers=headers,
    )
    assert response.status_code == 201, response.json()
    reference = response.json()["reference"]
    assert response.json()["stage"] == "submitted" and response.json()["clock"]["limit"] == 5
    uploaded = client.post(
        f"/{reference}/documents", data={"title": "章程"}, FILES={"file": pdf()}, headers=headers
    )
    assert uploaded.status_code == 201 and uploaded.json()["version"] == 1
    listed = client.get("", headers=headers).json()
    assert [item["reference"] for item in listed["items"]] == [reference]
    detail = client.get(f"/{reference}", headers=headers).json()
    assert detail["documents"][0]["title"] == "章程" and detail["scope"][0]["category"] == "质量管理体系"
    assert AuditEvent.objects.get(event_type=EventType.APPLICATION_SUBMITTED).actor == app_applicant


def test_the_api_refuses_a_bad_submission_with_the_reasons(
    app_applicant: User, app_new_body: Organisation
) -> None:
    client, headers = TestClient(router), _token(app_applicant, app_new_body)
    response = client.post(
        "",
        json={"kind": "approval", "body": {"name": "x", "uscc": "123", "address": "x", "region": "x"}},
        headers=headers,
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"uscc", "scope"}
    assert Application.objects.count() == 0


def test_the_api_answers_only_for_the_tokens_organisation(
    app_applicant: User, app_new_body: Organisation, app_outsider: User
) -> None:
    application = submit_new_body(app_applicant, app_new_body)
    client = TestClient(router)
    other = _token(app_outsider, app_outsider.organisations.get())
    assert client.get("", headers=other).json()["items"] == []
    assert client.get(f"/{application.reference}", headers=other).status_code == 404
    assert client.get(f"/{application.reference}").status_code == 401
    assert (
        client.get(f"/{application.reference}", headers={"Authorization": "Bearer ct_nonsense"}).status_code
        == 401
    )
    mine = _token(app_applicant, app_new_body)
    assert client.get(f"/{application.reference}", headers=mine).status_code == 200


def test_a_token_whose_issuer_left_the_organisation_cannot_submit(
    app_applicant: User, app_new_body: Organisation
) -> None:
    headers = _token(app_applicant, app_new_body)
    app_applicant.memberships.all().delete()
    response = TestClient(router).post("", json={"kind": "renewal"}, headers=headers)
    assert response.status_code == 403


def test_the_router_makes_a_valid_openapi_document() -> None:
    from ninja import NinjaAPI

    api = NinjaAPI(urls_namespace="applications-openapi-test")
    api.add_router("/v1/applications", router)
    schema = api.get_openapi_schema(path_prefix="/api/")
    assert "/api/v1/applications/{reference}/documents" in schema["paths"] or any(
        path.endswith("/v1/applications/{reference}/documents") for path in schema["paths"]
    )
    assert StagePeriod  # the models module is importable with the router


def test_the_demonstration_applications_load_at_every_stage_and_load_again_to_nothing(db: Any) -> None:
    import io

    from certis.demo import accounts as accounts_demo
    from certis.demo import applications as application_demo
    from certis.demo import bodies as bodies_demo

    out = io.StringIO()
    accounts_demo.load(out)
    bodies_demo.load(out)
    application_demo.load(out)
    stages = set(Application.objects.values_list("stage", flat=True))
    assert stages == {
        Stage.PUBLISHED,
        Stage.SUPPLEMENTING,
        Stage.SUBMITTED,
        Stage.REVIEW,
        Stage.DECISION,
        Stage.REFUSED,
    }
    assert Body.objects.get(name="华信认证有限公司").is_listed
    count = Application.objects.count()
    application_demo.load(out)
    assert Application.objects.count() == count


def test_the_router_answers_at_api_v1_applications_and_is_in_the_openapi_document(
    app_applicant: User, app_new_body: Organisation
) -> None:
    from django.test import Client

    application = submit_new_body(app_applicant, app_new_body)
    client = Client()
    headers = _token(app_applicant, app_new_body)
    response = client.get(f"/api/v1/applications/{application.reference}", headers=headers)
    assert response.status_code == 200 and response.json()["reference"] == application.reference
    assert client.get("/api/v1/applications").status_code == 401
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/v1/applications/{reference}/documents" in paths
