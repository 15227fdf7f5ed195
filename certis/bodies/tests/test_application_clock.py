"""Working days and the application clock: weekends, public holidays and worked weekend days (调休), the limit of
each stage, the pause while the applicant supplements, and overdue flags in the staff list."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certis.accounts.models import Organisation, User
from certis.bodies.applications import services
from certis.bodies.applications.clock import clock
from certis.bodies.applications.workdays import (
    Calendar,
    add_working_days,
    is_working_day,
    working_days_between,
)
from certis.bodies.models import Application, Holiday, StagePeriod
from certis.core.testing import client_for

from .fixtures import (
    Cast,
    at,
    submit_new_body,
    to_published,
)

pytestmark = pytest.mark.django_db
Stage = Application.Stage
D = dt.date


# --- working days --------------------------------------------------------------------------------------------


def test_a_weekend_is_not_counted() -> None:
    assert working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1  # Friday → Monday
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 16)) == 10
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 6)) == -1


def test_the_2026_spring_festival_is_off_and_its_saturdays_are_worked() -> None:
    assert not is_working_day(D(2026, 2, 16))  # Monday, the eve
    assert is_working_day(D(2026, 2, 14))  # Saturday worked (调休)
    assert is_working_day(D(2026, 2, 28))
    # Friday 13 → Tuesday 24: Saturday 14 worked, 15–23 off, Tuesday 24 worked.
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_national_day_2026_pauses_a_limit() -> None:
    assert add_working_days(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)  # Sunday 20 September is worked
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 10)) == 3  # Thu 8, Fri 9, Sat 10 (worked)


def test_2027_holidays_are_seeded() -> None:
    assert not is_working_day(D(2027, 2, 8)) and not is_working_day(D(2027, 10, 4))
    assert Holiday.objects.filter(date__year=2026).count() > 25


def test_a_holiday_entered_in_the_table_changes_the_count() -> None:
    assert working_days_between(D(2028, 3, 6), D(2028, 3, 10)) == 4
    Holiday.objects.create(date=D(2028, 3, 8), name="调整")
    assert working_days_between(D(2028, 3, 6), D(2028, 3, 10)) == 3
    Holiday.objects.create(date=D(2028, 3, 11), name="调休上班", is_working_day=True)
    assert working_days_between(D(2028, 3, 6), D(2028, 3, 11)) == 4


days = st.dates(min_value=D(2025, 12, 1), max_value=D(2028, 1, 31))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=days, second=days, third=days, n=st.integers(min_value=0, max_value=40))
def test_working_days_add_up_and_adding_is_the_inverse_of_counting(
    db: Any, first: dt.date, second: dt.date, third: dt.date, n: int
) -> None:
    a, b, c = sorted((first, second, third))
    calendar = Calendar()
    assert calendar.between(a, b) + calendar.between(b, c) == calendar.between(a, c)
    walked = sum(calendar.is_working_day(a + dt.timedelta(days=i)) for i in range(1, (c - a).days + 1))
    assert calendar.between(a, c) == walked
    later = calendar.add(a, n)
    assert calendar.between(a, later) == n
    assert n == 0 or calendar.is_working_day(later)
    assert n == 0 or calendar.between(a, later - dt.timedelta(days=1)) == n - 1


# --- the clock -----------------------------------------------------------------------------------------------


def test_the_clock_counts_the_working_days_of_the_stage_against_its_limit(
    app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    monday = clock(application, D(2026, 3, 2))
    assert (monday.stage, monday.limit, monday.used, monday.left, monday.overdue) == (
        Stage.SUBMITTED,
        5,
        0,
        5,
        False,
    )
    assert monday.due_on == D(2026, 3, 9)
    friday = clock(application, D(2026, 3, 6))
    assert (friday.used, friday.left, friday.overdue) == (4, 1, False)
    due = clock(application, D(2026, 3, 9))
    assert (due.used, due.left, due.overdue) == (5, 0, False)
    late = clock(application, D(2026, 3, 10))
    assert (late.used, late.left, late.overdue, late.over_by) == (6, -1, True, 1)
    period = application.periods.get()
    assert (period.limit_days, period.overdue_from) == (5, D(2026, 3, 10))


@override_settings(
    BODIES_STAGE_LIMITS={"submitted": 2, "review": 20, "decision": 10, "issuing": 5, "issued": 2}
)
def test_the_limits_come_from_the_settings(app_applicant: User, app_new_body: Organisation) -> None:
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    assert clock(application, D(2026, 3, 4)).limit == 2
    assert application.periods.get().overdue_from == D(2026, 3, 5)


def test_the_clock_pauses_while_the_applicant_supplements_and_resumes_where_it_stopped(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    services.return_application(
        acting_user=app_cast.staff, application=application, missing=["认可证书"], now=at("2026-03-04")
    )
    application.refresh_from_db()
    paused = clock(application, D(2026, 3, 20))
    assert (paused.stage, paused.paused, paused.used, paused.limit) == (Stage.SUBMITTED, True, 2, 5)
    assert (paused.overdue, paused.due_on, paused.supplementing) == (False, None, 12)
    assert paused.total == 2, "supplementing is the applicant's time: in no total"
    assert not StagePeriod.objects.filter(
        application=application, ended_at__isnull=True, overdue_from__isnull=False
    ).exists()

    application = services.supplement_application(
        acting_user=app_applicant, application=application, now=at("2026-03-23")
    )
    resumed = clock(application, D(2026, 3, 24))
    assert (resumed.stage, resumed.paused, resumed.used, resumed.left) == (Stage.SUBMITTED, False, 3, 2)
    assert resumed.due_on == D(2026, 3, 26)
    assert application.periods.get(ended_at__isnull=True).overdue_from == D(2026, 3, 27)
    assert resumed.supplementing == 13 and resumed.total == 3


def test_a_stage_already_over_its_limit_is_overdue_again_as_soon_as_it_resumes(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    services.return_application(
        acting_user=app_cast.staff, application=application, missing=["认可证书"], now=at("2026-03-12")
    )
    application.refresh_from_db()
    assert clock(application, D(2026, 3, 13)).overdue is False
    application = services.supplement_application(
        acting_user=app_applicant, application=application, now=at("2026-03-16")
    )
    resumed = clock(application, D(2026, 3, 16))
    assert (resumed.used, resumed.overdue) == (8, True)
    assert application.periods.get(ended_at__isnull=True).overdue_from == D(2026, 3, 16)


def test_holidays_do_not_count_against_a_stage(app_applicant: User, app_new_body: Organisation) -> None:
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-09-29"))
    assert clock(application, D(2026, 10, 8)).used == 2  # Wed 30 Sep, Thu 8 Oct
    assert application.periods.get().overdue_from == D(
        2026, 10, 13
    )  # 9, 10 (a Saturday worked), 12: then late


def test_a_closed_application_keeps_its_stage_times(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    from .fixtures import accredit

    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    accredit(app_cast.staff, application.body)
    application = to_published(app_cast, application, start="2026-03-03")
    closed = clock(application, D(2026, 12, 31))
    assert (closed.stage, closed.limit, closed.overdue) == (None, None, False)
    assert {row.stage: row.days for row in closed.stages} == {
        Stage.SUBMITTED: 1,
        Stage.SUPPLEMENTING: 0,
        Stage.REVIEW: 2,
        Stage.DECISION: 1,
        Stage.ISSUING: 0,
        Stage.ISSUED: 0,
    }
    assert closed.total == 4


def test_the_staff_list_flags_overdue_applications_and_filters_them(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    from .fixtures import make_uscc

    late = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    lab = Organisation.objects.create(name="准时检测有限公司", kind=Organisation.Kind.LAB)
    from certis.core.testing import person

    lab_staff = person("app_zhunshi", lab, "staff")
    fresh = services.submit_application(
        acting_user=lab_staff,
        applicant=lab,
        kind=Application.Kind.LAB_QUALIFICATION,
        scope=[services.Scope(category="低压电器")],
        particulars=services.Particulars(
            name="准时检测有限公司", uscc=make_uscc("91310000132209876"), address="上海", region="上海"
        ),
    )
    client = client_for(app_cast.staff)
    page = client.get(reverse("applications:application_list"))
    flagged = {application.reference: application.is_overdue for application, _clock in page.context["rows"]}
    assert flagged == {late.reference: True, fresh.reference: False}
    assert {clock.overdue for application, clock in page.context["rows"] if application == late} == {True}
    assert 'class="badge badge-overdue"' in page.content.decode()
    only_late = client.get(reverse("applications:application_list"), {"overdue": "on"})
    assert [application.reference for application, _clock in only_late.context["rows"]] == [late.reference]


def test_the_applicant_and_the_official_see_the_clock_on_the_page(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    application = submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    services.return_application(
        acting_user=app_cast.staff, application=application, missing=["认可证书"], now=at("2026-03-04")
    )
    url = reverse("applications:application_detail", args=[application.pk])
    for person in (app_applicant, app_cast.official):
        client = client_for(person)
        client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # Accept-Language is ignored
        response = client.get(url)
        page = response.content.decode()
        assert response.context["clock"].paused and 'id="clock"' in page
        assert "Paused while the applicant supplements" in page


def test_the_list_page_does_not_query_once_per_application(
    app_cast: Cast, app_applicant: User, app_new_body: Organisation
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from certis.core.testing import person

    from .fixtures import make_uscc

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client_for(app_cast.staff).get(reverse("applications:application_list")).status_code == 200
        return len(queries)

    submit_new_body(app_applicant, app_new_body, now=at("2026-03-02"))
    one = count()
    for number in range(3):
        organisation = Organisation.objects.create(
            name=f"另一认证有限公司{number}", kind="certification_body"
        )
        user = person(f"app_another{number}", organisation, "manager")
        services.submit_application(
            acting_user=user,
            applicant=organisation,
            kind=Application.Kind.APPROVAL,
            scope=[services.Scope(scheme="ccc", category="电线电缆")],
            particulars=services.Particulars(
                name=organisation.name,
                uscc=make_uscc(f"9111010800000000{number}"),
                address="北京",
                region="北京",
            ),
            now=at(f"2026-0{number + 4}-01"),
        )
    assert count() == one
