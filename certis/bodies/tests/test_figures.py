"""The five-reductions figures: mean working days per stage and in total, steps and documents, by kind, for the
applications that finished in a period; and the page that shows them as a table and a chart."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from certis.accounts.models import Organisation, User
from certis.bodies.applications import services
from certis.bodies.applications.clock import clock
from certis.bodies.applications.figures import TIMED, five_reductions
from certis.bodies.models import Application
from certis.bodies.register.services import Scope
from certis.core.testing import client_for, person

from .fixtures import (
    Cast,
    accredit,
    at,
    make_uscc,
    pdf,
    submit_new_body,
    to_decision,
    to_published,
)

pytestmark = pytest.mark.django_db
Kind = Application.Kind
Stage = Application.Stage
D = dt.date


def new_body(
    name: str, stem: str, kind: str = Organisation.Kind.CERTIFICATION_BODY
) -> tuple[Organisation, User]:
    organisation = Organisation.objects.create(name=name, kind=kind)
    return organisation, person(f"app_{stem}", organisation, "manager")


def apply(
    organisation: Organisation, user: User, stem: str, day: str, kind: str = Kind.APPROVAL
) -> Application:
    return services.submit_application(
        acting_user=user,
        applicant=organisation,
        kind=kind,
        scope=[Scope(scheme="management_system" if kind == Kind.APPROVAL else "", category="质量管理体系")],
        particulars=services.Particulars(
            name=organisation.name, uscc=make_uscc(stem), address="北京市", region="北京"
        ),
        documents=[("章程", pdf())],
        now=at(day),
    )


@pytest.fixture
def finished(app_cast: Cast, app_applicant: User, app_new_body: Organisation) -> dict[str, Application]:
    """Two approvals published in March 2026 (one returned once), a lab refused, a withdrawal, one published
    in 2025 (outside the period) and one still open."""
    staff = app_cast.staff
    plain = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    services.upload_document(
        acting_user=app_applicant, application=plain, title="章程", file=pdf(), now=at("2026-03-02")
    )
    accredit(staff, plain.body)
    plain = to_published(app_cast, plain, start="2026-03-03")

    organisation, user = new_body("返回认证有限公司", "fanhui")
    returned = apply(organisation, user, "91110108MA01FH001", "2026-03-09")
    returned = services.return_application(
        acting_user=staff, application=returned, missing=["认可证书"], now=at("2026-03-11")
    )
    returned = services.supplement_application(acting_user=user, application=returned, now=at("2026-03-16"))
    accredit(staff, returned.body)
    returned = to_published(app_cast, returned, start="2026-03-17")

    organisation, user = new_body("拒绝检测有限公司", "jujue", Organisation.Kind.LAB)
    refused = to_decision(
        app_cast, apply(organisation, user, "91310000MA1JJ0001", "2026-03-02", Kind.LAB_QUALIFICATION)
    )
    services.decide(
        acting_user=app_cast.official,
        application=refused,
        outcome="refuse",
        reasons="不符合",
        now=at("2026-03-20"),
    )

    organisation, user = new_body("撤回认证有限公司", "chehui")
    withdrawn = apply(organisation, user, "91110108MA01CH001", "2026-03-02")
    services.withdraw_application(acting_user=user, application=withdrawn, now=at("2026-03-04"))

    organisation, user = new_body("去年认证有限公司", "qunian")
    last_year = apply(organisation, user, "91110108MA01QN001", "2025-11-03")
    accredit(staff, last_year.body)
    to_published(app_cast, last_year, start="2025-11-04")

    organisation, user = new_body("在办认证有限公司", "zaiban")
    apply(organisation, user, "91110108MA01YB001", "2026-03-02")
    for application in (plain, returned, refused):
        application.refresh_from_db()
    return {"plain": plain, "returned": returned, "refused": refused, "withdrawn": withdrawn}


def test_the_figures_count_and_time_the_applications_that_finished_in_the_period(
    finished: dict[str, Application],
) -> None:
    figures = five_reductions(D(2026, 3, 1), D(2026, 3, 31))
    approvals, labs, overall = (
        figures.row(Kind.APPROVAL),
        figures.row(Kind.LAB_QUALIFICATION),
        figures.overall,
    )
    assert (approvals.count, approvals.refused, approvals.withdrawn) == (2, 0, 1)
    assert (labs.count, labs.refused, labs.withdrawn) == (1, 1, 0)
    assert (overall.count, overall.refused, overall.withdrawn) == (3, 1, 1)
    assert figures.row(Kind.RENEWAL).count == 0 and figures.row(Kind.RENEWAL).total is None

    # The means agree with the clocks of the applications, computed the other way (in Python, per period).
    clocks = {name: clock(application, D(2026, 12, 31)) for name, application in finished.items()}
    times = {name: {row.stage: row.days for row in c.stages} for name, c in clocks.items()}
    for stage in TIMED:
        expected = Decimal(times["plain"][stage] + times["returned"][stage]) / 2
        assert approvals.stage_mean(stage) == expected.quantize(Decimal("0.1")), stage
    assert approvals.total == Decimal(clocks["plain"].total + clocks["returned"].total) / 2
    assert approvals.supplementing == Decimal(clocks["returned"].supplementing) / 2
    assert labs.stage_mean(Stage.ISSUING) is None, "a refused application never reached issuing"
    assert labs.total == clocks["refused"].total

    # By hand: the plain one took 1 + 2 + 1 + 0 + 0 working days; the returned one
    # 2 (9 → 11 March) + 1 (16 → 17) + 2 + 1 + 0 + 0 = 6, plus 3 days with the applicant (11 → 16 March).
    assert (clocks["plain"].total, clocks["returned"].total, clocks["returned"].supplementing) == (4, 6, 3)
    assert approvals.total == Decimal("5.0") and approvals.supplementing == Decimal("1.5")
    assert approvals.steps == Decimal("6.0")  # 5 periods, and 7 with the return
    assert approvals.documents_mean == Decimal("1.5") and approvals.versions_mean == Decimal("2.0")


def test_an_empty_period_has_no_means(finished: dict[str, Application]) -> None:
    figures = five_reductions(D(2024, 1, 1), D(2024, 12, 31))
    assert figures.overall.count == 0 and figures.overall.total is None and figures.overall.steps is None


def test_the_figures_page_shows_the_table_the_chart_and_the_period_before(
    finished: dict[str, Application], app_cast: Cast
) -> None:
    response = client_for(app_cast.official).get(
        reverse("applications:figures"), {"start": "2026-03-01", "end": "2026-03-31"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="figures"' in page and "<svg" in page and 'class="seg-0"' in page and "limit-line" in page
    assert response.context["figures"].overall.count == 3
    assert response.context["previous"].start == D(2026, 1, 29) and response.context["previous"].end == D(
        2026, 2, 28
    )
    bars = response.context["chart"]["bars"]
    assert [str(bar["label"]) for bar in bars] == [
        str(Kind.APPROVAL.label),
        str(Kind.LAB_QUALIFICATION.label),
        str(response.context["figures"].overall.label),
    ]


def test_a_period_that_ends_before_it_starts_is_refused(app_cast: Cast) -> None:
    response = client_for(app_cast.staff).get(
        reverse("applications:figures"), {"start": "2026-03-31", "end": "2026-03-01"}
    )
    assert response.status_code == 400
