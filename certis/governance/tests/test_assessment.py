"""Score sheets: the rule worked through by hand on a small plan, adjustments, and the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from certis.accounts.models import Membership, Organisation, User
from certis.audit.models import AuditEvent, EventType
from certis.core.testing import client_for, person
from certis.governance.assessment import RULE, score_sheet
from certis.governance.models import (
    AssessmentPeriod,
    Milestone,
    Part,
    Plan,
    ProgressReport,
    Responsibility,
    ScoreAdjustment,
    Task,
    TaskStatus,
)
from certis.governance.services import work as services

START, END = dt.date(2024, 1, 1), dt.date(2024, 6, 30)


@dataclass
class Case:
    plan: Plan
    period: AssessmentPeriod
    a: Organisation
    b: Organisation
    c: Organisation
    office: User


def department(name: str) -> Organisation:
    return Organisation.objects.create(name=name, kind=Organisation.Kind.DEPARTMENT)


def task(plan: Plan, part: Part, number: int, percent: int, **fields: object) -> Task:
    status = TaskStatus.DONE if percent == 100 else TaskStatus.IN_PROGRESS
    return Task.objects.create(
        plan=plan,
        part=part,
        number=number,
        text=f"任务{number}",
        percent_complete=percent,
        status=status,
        **fields,
    )


def responsible(task: Task, unit: Organisation, role: str) -> None:
    Responsibility.objects.create(task=task, unit=unit, role=role)


def reported(task: Task, unit: Organisation, on: dt.date, by: User, kind: str = "report") -> None:
    ProgressReport.objects.create(
        task=task, unit=unit, kind=kind, text="进展", reported_on=on, reported_by=by
    )


@pytest.fixture
def case(db: object) -> Case:
    """Two units on four tasks, assessed for the first half of 2024.

    | task | A       | B     | done | deadline / milestone        | reports in the period   |
    |------|---------|-------|------|-----------------------------|-------------------------|
    | 1    | lead    |       | 50%  | 2024-12-31 (not yet)        | A on 03-01              |
    | 2    | lead    |       | 100% | 2024-05-01 (passed, done)   | A on 2023-12-01: outside|
    | 3    | support | lead  | 20%  | 2024-06-01 (passed)         | A on 06-30, B on 02-01  |
    | 4    | joint   | joint | 0%   | milestone 2024-04-01 open   | none                    |
    C has no task.
    """
    regulator = Organisation.objects.create(name="委员会", kind=Organisation.Kind.REGULATOR)
    office = person("office", regulator, Membership.Role.PLAN_OFFICE)
    plan = Plan.objects.create(title="试点方案", title_key="试点方案", source_text="", source_sha256="0")
    part = Part.objects.create(plan=plan, number=1, title="第一部分")
    a, b, c = department("甲部"), department("乙部"), department("丙部")
    staff = person("staff", a)
    t1 = task(plan, part, 1, 50, deadline=dt.date(2024, 12, 31))
    t2 = task(plan, part, 2, 100, deadline=dt.date(2024, 5, 1))
    t3 = task(plan, part, 3, 20, deadline=dt.date(2024, 6, 1))
    t4 = task(plan, part, 4, 0)
    Milestone.objects.create(task=t4, title="中期", due_on=dt.date(2024, 4, 1))
    responsible(t1, a, "lead")
    responsible(t2, a, "lead")
    responsible(t3, b, "lead")
    responsible(t3, a, "support")
    responsible(t4, a, "joint")
    responsible(t4, b, "joint")
    reported(t1, a, dt.date(2024, 3, 1), staff)
    reported(t2, a, dt.date(2023, 12, 1), staff)
    reported(t3, a, dt.date(2024, 6, 30), staff, kind="contribution")
    reported(t3, b, dt.date(2024, 2, 1), staff)
    period = services.open_assessment_period(
        acting_user=office, plan=plan, name="2024上半年", starts_on=START, ends_on=END
    )
    return Case(plan=plan, period=period, a=a, b=b, c=c, office=office)


def lines(period: AssessmentPeriod) -> dict[str, object]:
    return {line.unit.name: line for line in score_sheet(period)}


@pytest.mark.django_db
def test_the_score_follows_the_rule_worked_by_hand(case: Case) -> None:
    a = lines(case.period)["甲部"]
    # Progress: weights 1 + 1 + 0.5 + 1 = 3.5; done 1×0.5 + 1×1 + 0.5×0.2 + 1×0 = 1.6; 60 × 1.6 / 3.5 = 27.43
    assert a.progress == Decimal("27.4")
    # Timeliness: lead/joint tasks 1, 2, 4; task 4's milestone passed open: 25 × 2/3 = 16.67
    assert a.timeliness == Decimal("16.7")
    # Reporting: tasks 1 and 3 (contribution on the last day) of 4: 15 × 2/4
    assert a.reporting == Decimal("7.5")
    assert (a.tasks, a.computed, a.total) == (4, Decimal("51.6"), Decimal("51.6"))


@pytest.mark.django_db
def test_a_unit_with_only_overdue_tasks_scores_no_timeliness(case: Case) -> None:
    b = lines(case.period)["乙部"]
    # Progress: (1×0.2 + 1×0) / 2 × 60 = 6; timeliness 0 of 2; reporting: task 3 of 2 tasks → 7.5
    assert (b.progress, b.timeliness, b.reporting, b.computed) == (
        Decimal("6.0"),
        Decimal("0.0"),
        Decimal("7.5"),
        Decimal("13.5"),
    )


@pytest.mark.django_db
def test_a_unit_that_only_supports_gets_full_timeliness(case: Case) -> None:
    responsible(case.plan.tasks.get(number=3), case.c, "support")  # task 3 is overdue, but C does not lead it
    c = lines(case.period)["丙部"]
    # Progress: 0.5×0.2 / 0.5 × 60 = 12; timeliness: leads nothing, full 25; reporting: none
    assert (c.progress, c.timeliness, c.reporting, c.computed) == (
        Decimal("12.0"),
        Decimal("25.0"),
        Decimal("0.0"),
        Decimal("37.0"),
    )


@pytest.mark.django_db
def test_the_sheet_ranks_units_by_score_and_leaves_out_units_without_tasks(case: Case) -> None:
    assert [line.unit.name for line in score_sheet(case.period)] == ["甲部", "乙部"]


@pytest.mark.django_db
def test_adjustments_add_up_with_their_reasons(case: Case) -> None:
    services.adjust_score(
        acting_user=case.office, period=case.period, unit=case.a, points=Decimal(5), reason="材料翔实"
    )
    services.adjust_score(
        acting_user=case.office, period=case.period, unit=case.a, points=Decimal("-2.5"), reason="报送迟缓"
    )
    a = lines(case.period)["甲部"]
    assert a.adjustment == Decimal("2.5")
    assert [adjustment.reason for adjustment in a.adjustments] == ["材料翔实", "报送迟缓"]
    assert a.total == Decimal("54.1")
    assert AuditEvent.objects.filter(event_type=EventType.SCORE_ADJUSTED).count() == 2


@pytest.mark.django_db
def test_the_total_stays_between_0_and_100(case: Case) -> None:
    services.adjust_score(
        acting_user=case.office, period=case.period, unit=case.a, points=Decimal(60), reason="加分"
    )
    services.adjust_score(
        acting_user=case.office, period=case.period, unit=case.b, points=Decimal(-20), reason="扣分"
    )
    sheet = lines(case.period)
    assert (sheet["甲部"].computed + sheet["甲部"].adjustment, sheet["甲部"].total) == (
        Decimal("111.6"),
        Decimal("100.0"),
    )
    assert sheet["乙部"].total == Decimal("0.0")


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   "])
def test_an_adjustment_needs_a_reason(case: Case, reason: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.adjust_score(
            acting_user=case.office, period=case.period, unit=case.a, points=Decimal(5), reason=reason
        )
    assert "reason" in error.value.error_dict
    assert not ScoreAdjustment.objects.exists()


@pytest.mark.django_db
def test_a_unit_without_tasks_cannot_be_adjusted(case: Case) -> None:
    with pytest.raises(ValidationError) as error:
        services.adjust_score(
            acting_user=case.office, period=case.period, unit=case.c, points=Decimal(5), reason="加分"
        )
    assert "unit" in error.value.error_dict
    assert not ScoreAdjustment.objects.exists()


@pytest.mark.django_db
def test_the_page_refuses_a_unit_without_tasks(case: Case) -> None:
    url = reverse("governance:assessment_period", args=[case.period.pk])
    response = client_for(case.office).post(url, {"unit": case.c.pk, "points": "5", "reason": "加分"})
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors
    assert not ScoreAdjustment.objects.exists()


@pytest.mark.django_db
def test_the_office_adjusts_a_score_on_the_page(case: Case) -> None:
    url = reverse("governance:assessment_period", args=[case.period.pk])
    response = client_for(case.office).post(url, {"unit": case.a.pk, "points": "-1.5", "reason": "逾期未报"})
    assert response.status_code == 302
    adjustment = ScoreAdjustment.objects.get()
    assert (adjustment.unit, adjustment.points, adjustment.adjusted_by) == (
        case.a,
        Decimal("-1.5"),
        case.office,
    )


@pytest.mark.django_db
def test_the_score_page_shows_the_rule_and_the_scores(case: Case) -> None:
    response = client_for(case.office).get(reverse("governance:assessment_period", args=[case.period.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("zh-hans"):
        for rule_line in RULE:
            assert escape(str(rule_line)) in page
    assert "<b>51.6</b>" in page
    assert "<b>13.5</b>" in page


@pytest.mark.django_db
def test_a_period_cannot_end_before_it_starts(case: Case) -> None:
    with pytest.raises(ValidationError):
        services.open_assessment_period(
            acting_user=case.office, plan=case.plan, name="倒置", starts_on=END, ends_on=START
        )
    assert AssessmentPeriod.objects.count() == 1
