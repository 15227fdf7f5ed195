"""Progress reports, contributions and evidence; overdue and stalled flags; the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from certis.accounts.models import Membership, User
from certis.audit.models import AuditEvent, EventType
from certis.core.testing import client_for, person, unit
from certis.governance.models import Evidence, Plan, ProgressReport, Responsibility, Task, TaskStatus
from certis.governance.selectors import annotate_flags, dashboard
from certis.governance.services import work as services

TODAY = timezone.localdate


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def report_url(plan: Plan, number: int = 1) -> str:
    return reverse("governance:report_progress", args=[plan.pk, number])


def report_data(**changes: Any) -> dict[str, Any]:
    data = {
        "status": TaskStatus.IN_PROGRESS,
        "percent_complete": 45,
        "reported_on": TODAY().isoformat(),
        "text": "六西格玛模块进入试点。",
        "unit": unit("认可部").pk,
    }
    return {**data, **changes}


def report(user: User, task: Task, status: str, percent: int, on: dt.date) -> ProgressReport:
    return services.report_progress(
        acting_user=user, task=task, status=status, percent_complete=percent, text="进展", reported_on=on
    )


def flags(plan: Plan, today: dt.date) -> dict[int, tuple[bool, bool]]:
    """Each task's (overdue, stalled) as of ``today``."""
    return {t.number: (t.is_overdue, t.is_stalled) for t in annotate_flags(plan.tasks.all(), today=today)}


# Reporting.


@pytest.mark.django_db
def test_a_report_updates_the_tasks_status_percent_and_last_report(plan: Plan, lead_staff: User) -> None:
    response = client_for(lead_staff).post(report_url(plan), report_data())
    assert response.status_code == 302
    task = plan.tasks.get(number=1)
    assert (task.status, task.percent_complete, task.last_reported_at) == ("in_progress", 45, TODAY())
    saved = ProgressReport.objects.get()
    assert (saved.unit, saved.kind, saved.reported_by) == (unit("认可部"), "report", lead_staff)


@pytest.mark.django_db
def test_a_report_is_audited_with_the_values_before_and_after(plan: Plan, lead_staff: User) -> None:
    client_for(lead_staff).post(report_url(plan), report_data())
    event = AuditEvent.objects.get(event_type=EventType.PROGRESS_REPORTED)
    assert event.actor == lead_staff
    assert event.actor_organisation == unit("认可部")
    assert event.data["before"] == {"status": "not_started", "percent_complete": 0}
    assert event.data["after"] == {"status": "in_progress", "percent_complete": 45}


@pytest.mark.django_db
def test_an_older_report_does_not_overwrite_a_newer_ones_status(plan: Plan, lead_staff: User) -> None:
    task = plan.tasks.get(number=1)
    report(lead_staff, task, TaskStatus.IN_PROGRESS, 70, days_ago(1))
    report(lead_staff, task, TaskStatus.NOT_STARTED, 0, days_ago(10))
    task.refresh_from_db()
    assert (task.status, task.percent_complete, task.last_reported_at) == ("in_progress", 70, days_ago(1))
    assert task.reports.count() == 2


@pytest.mark.django_db
def test_a_report_of_the_same_day_replaces_the_status(plan: Plan, lead_staff: User) -> None:
    task = plan.tasks.get(number=1)
    report(lead_staff, task, TaskStatus.IN_PROGRESS, 70, days_ago(1))
    report(lead_staff, task, TaskStatus.BLOCKED, 70, days_ago(1))
    task.refresh_from_db()
    assert task.status == TaskStatus.BLOCKED


@pytest.mark.django_db
def test_each_unit_of_a_joint_task_reports_its_progress(plan: Plan, outsider: User) -> None:
    task = plan.tasks.get(number=43)
    report(outsider, task, TaskStatus.IN_PROGRESS, 30, TODAY())
    assert task.reports.get().unit == unit("财务部")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"status": TaskStatus.DONE, "percent_complete": 60}, "percent_complete"),
        ({"status": TaskStatus.NOT_STARTED, "percent_complete": 10}, "percent_complete"),
        ({"reported_on": (dt.date.today() + dt.timedelta(days=2)).isoformat()}, "reported_on"),
        ({"percent_complete": 101}, "percent_complete"),
    ],
    ids=["done-at-60", "not-started-at-10", "future-date", "over-100"],
)
@pytest.mark.django_db
def test_an_impossible_report_is_refused_with_a_field_error_and_nothing_saved(
    plan: Plan, lead_staff: User, changes: dict[str, Any], field: str
) -> None:
    response = client_for(lead_staff).post(report_url(plan), report_data(**changes))
    assert response.status_code == 400
    assert list(response.context["report_form"].errors) == [field]
    assert b'id="report-form"' in response.content
    assert not ProgressReport.objects.exists()
    assert not AuditEvent.objects.filter(event_type=EventType.PROGRESS_REPORTED).exists()
    task = plan.tasks.get(number=1)
    assert (task.status, task.percent_complete, task.last_reported_at) == ("not_started", 0, None)


@pytest.mark.django_db
def test_the_service_refuses_done_below_100_percent(plan: Plan, lead_staff: User) -> None:
    with pytest.raises(ValidationError) as error:
        report(lead_staff, plan.tasks.get(number=1), TaskStatus.DONE, 60, TODAY())
    assert "percent_complete" in error.value.error_dict


@pytest.mark.django_db
def test_the_office_files_a_report_on_a_units_behalf(plan: Plan, office: User) -> None:
    response = client_for(office).post(report_url(plan), report_data())
    assert response.status_code == 302
    saved = ProgressReport.objects.get()
    assert (saved.unit, saved.reported_by) == (unit("认可部"), office)
    assert plan.tasks.get(number=1).status == TaskStatus.IN_PROGRESS


@pytest.mark.django_db
def test_the_office_must_name_the_unit_of_a_task_shared_by_several(plan: Plan, office: User) -> None:
    with pytest.raises(PermissionDenied):
        report(office, plan.tasks.get(number=6), TaskStatus.IN_PROGRESS, 10, TODAY())
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_report_must_say_what_was_done(plan: Plan, lead_staff: User) -> None:
    response = client_for(lead_staff).post(report_url(plan), report_data(text="   "))
    assert response.status_code == 400
    assert "text" in response.context["report_form"].errors
    with pytest.raises(ValidationError):
        services.report_progress(
            acting_user=lead_staff,
            task=plan.tasks.get(number=1),
            status=TaskStatus.IN_PROGRESS,
            percent_complete=10,
            text=" ",
            reported_on=TODAY(),
        )
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_withdrawn_task_takes_no_more_reports_or_contributions(
    plan: Plan, lead_staff: User, support_staff: User
) -> None:
    plan.tasks.filter(number=1).update(withdrawn_at=timezone.now())
    response = client_for(lead_staff).post(report_url(plan), report_data())
    assert response.status_code == 400
    assert response.context["report_form"].non_field_errors()
    with pytest.raises(ValidationError):
        services.add_contribution(
            acting_user=support_staff, task=plan.tasks.get(number=1), text="配合", reported_on=TODAY()
        )
    assert not ProgressReport.objects.exists()
    assert plan.tasks.get(number=1).status == TaskStatus.NOT_STARTED


# Evidence.


@pytest.mark.django_db
def test_evidence_files_are_uploaded_with_a_report_and_downloaded(
    plan: Plan, lead_staff: User, leader: User
) -> None:
    files = [
        SimpleUploadedFile("方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf"),
        SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff photo", content_type="image/jpeg"),
    ]
    response = client_for(lead_staff).post(report_url(plan), report_data(files=files))
    assert response.status_code == 302
    evidence = {item.original_name: item for item in Evidence.objects.all()}
    assert set(evidence) == {"方案.pdf", "photo.jpg"}
    assert evidence["photo.jpg"].size == len(b"\xff\xd8\xff photo")
    assert AuditEvent.objects.get(event_type=EventType.PROGRESS_REPORTED).data["files"] == 2

    download = client_for(leader).get(reverse("governance:evidence", args=[evidence["方案.pdf"].pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 plan"
    assert "attachment" in download["Content-Disposition"]


@pytest.mark.django_db
@override_settings(MAX_UPLOAD_BYTES=100)
def test_an_evidence_file_over_the_limit_is_refused_and_nothing_saved(plan: Plan, lead_staff: User) -> None:
    big = SimpleUploadedFile("big.pdf", b"x" * 101)
    response = client_for(lead_staff).post(report_url(plan), report_data(files=[big]))
    assert response.status_code == 400
    assert "files" in response.context["report_form"].errors
    assert not ProgressReport.objects.exists()
    assert not Evidence.objects.exists()


@pytest.mark.django_db
@override_settings(MAX_UPLOAD_BYTES=100)
def test_an_evidence_file_at_the_limit_is_accepted(plan: Plan, lead_staff: User) -> None:
    response = client_for(lead_staff).post(
        report_url(plan), report_data(files=[SimpleUploadedFile("ok.pdf", b"x" * 100)])
    )
    assert response.status_code == 302
    assert Evidence.objects.get().size == 100


# Contributions.


@pytest.mark.django_db
def test_a_supporting_unit_adds_a_contribution_without_changing_the_status(
    plan: Plan, support_staff: User
) -> None:
    response = client_for(support_staff).post(
        reverse("governance:add_contribution", args=[plan.pk, 1]),
        {
            "reported_on": TODAY().isoformat(),
            "text": "完成配套制度合规性审查。",
            "unit": unit("法律部").pk,
            "files": [SimpleUploadedFile("审查意见.docx", b"opinion")],
        },
    )
    assert response.status_code == 302
    contribution = ProgressReport.objects.get()
    assert (contribution.kind, contribution.unit, contribution.status) == ("contribution", unit("法律部"), "")
    assert contribution.evidence.get().original_name == "审查意见.docx"
    task = plan.tasks.get(number=1)
    assert (task.status, task.last_reported_at) == ("not_started", None)
    event = AuditEvent.objects.get(event_type=EventType.CONTRIBUTION_ADDED)
    assert event.actor_organisation == unit("法律部")


@pytest.mark.django_db
def test_a_contribution_dated_in_the_future_is_refused(plan: Plan, support_staff: User) -> None:
    response = client_for(support_staff).post(
        reverse("governance:add_contribution", args=[plan.pk, 1]),
        {
            "reported_on": (TODAY() + dt.timedelta(days=1)).isoformat(),
            "text": "提前报送",
            "unit": unit("法律部").pk,
        },
    )
    assert response.status_code == 400
    assert "reported_on" in response.context["contribution_form"].errors
    assert not ProgressReport.objects.exists()


@pytest.mark.django_db
def test_a_person_in_two_units_of_a_task_chooses_which_one_reports(plan: Plan, lead_staff: User) -> None:
    Membership.objects.create(user=lead_staff, organisation=unit("认证部"))  # also joint on task 6
    task = plan.tasks.get(number=6)
    with pytest.raises(PermissionDenied):  # which of the two? the service does not guess
        report(lead_staff, task, TaskStatus.IN_PROGRESS, 10, TODAY())
    services.report_progress(
        acting_user=lead_staff,
        task=task,
        status=TaskStatus.IN_PROGRESS,
        percent_complete=10,
        text="进展",
        reported_on=TODAY(),
        unit=unit("认证部"),
    )
    assert task.reports.get().unit == unit("认证部")


# Overdue and stalled.


@pytest.mark.django_db
def test_a_task_past_its_deadline_is_overdue_until_done(plan: Plan, office: User, lead_staff: User) -> None:
    today = TODAY()
    for number in (1, 2, 3):
        services.schedule_task(acting_user=office, task=plan.tasks.get(number=number), deadline=today)
    report(lead_staff, plan.tasks.get(number=2), TaskStatus.DONE, 100, today)
    tomorrow = today + dt.timedelta(days=1)
    overdue = {number for number, (late, _) in flags(plan, tomorrow).items() if late}
    assert overdue == {1, 3}
    assert not any(late for late, _ in flags(plan, today).values())


@pytest.mark.django_db
def test_a_task_with_a_passed_open_milestone_is_overdue(plan: Plan, office: User) -> None:
    today = TODAY()
    task = plan.tasks.get(number=5)
    services.schedule_task(acting_user=office, task=task, deadline=today + dt.timedelta(days=365))
    milestone = services.add_milestone(acting_user=office, task=task, title="试点", due_on=today)
    later = today + dt.timedelta(days=1)
    assert flags(plan, later)[5] == (True, False)
    services.complete_milestone(acting_user=office, milestone=milestone, completed_on=today)
    assert flags(plan, later)[5] == (False, False)


@pytest.mark.django_db
def test_a_task_without_a_report_for_the_stalled_period_is_stalled(plan: Plan, lead_staff: User) -> None:
    quiet = settings.GOVERNANCE_STALLED_AFTER_DAYS
    today = TODAY()
    report(
        lead_staff, plan.tasks.get(number=1), TaskStatus.IN_PROGRESS, 10, today - dt.timedelta(days=quiet + 1)
    )
    report(lead_staff, plan.tasks.get(number=2), TaskStatus.IN_PROGRESS, 10, today - dt.timedelta(days=quiet))
    report(lead_staff, plan.tasks.get(number=3), TaskStatus.DONE, 100, today - dt.timedelta(days=quiet + 5))
    now = flags(plan, today)
    assert [now[n][1] for n in (1, 2, 3)] == [True, False, False]


@pytest.mark.django_db
def test_a_task_never_reported_is_stalled_once_the_plan_is_older_than_the_stalled_period(plan: Plan) -> None:
    quiet = settings.GOVERNANCE_STALLED_AFTER_DAYS
    today = TODAY()
    assert not any(stalled for _, stalled in flags(plan, today + dt.timedelta(days=quiet)).values())
    assert all(stalled for _, stalled in flags(plan, today + dt.timedelta(days=quiet + 1)).values())


# The dashboard.


@pytest.fixture
def work_under_way(plan: Plan, office: User, lead_staff: User) -> Plan:
    """Task 1 overdue, task 2 done, task 3 stalled, task 13 in progress (认证部)."""
    quiet = settings.GOVERNANCE_STALLED_AFTER_DAYS
    yesterday = days_ago(1)
    for number in (1, 2):
        services.schedule_task(acting_user=office, task=plan.tasks.get(number=number), deadline=yesterday)
    report(lead_staff, plan.tasks.get(number=2), TaskStatus.DONE, 100, TODAY())
    report(lead_staff, plan.tasks.get(number=3), TaskStatus.IN_PROGRESS, 40, days_ago(quiet + 10))
    report(person("renzheng", unit("认证部")), plan.tasks.get(number=13), TaskStatus.IN_PROGRESS, 50, TODAY())
    return plan


@pytest.mark.django_db
def test_the_dashboard_lists_the_overdue_and_stalled_tasks(work_under_way: Plan) -> None:
    board = dashboard(work_under_way)
    assert [task.number for task in board.overdue] == [1]
    assert [task.number for task in board.stalled] == [3]
    assert board.overall.total == 50
    assert board.overall.by_status == {"not_started": 47, "done": 1, "in_progress": 2}
    assert board.overall.mean_percent == round((100 + 40 + 50) / 50)


@pytest.mark.django_db
def test_the_dashboard_tallies_by_part(work_under_way: Plan) -> None:
    by_part = {tally.pk: tally for tally in dashboard(work_under_way).by_part}
    assert sorted(by_part) == [2, 3, 4, 5, 6, 7, 8]  # part 1 (总体要求) has no tasks
    assert sum(tally.total for tally in by_part.values()) == 50
    assert (by_part[2].total, by_part[2].overdue, by_part[2].stalled) == (7, 1, 1)
    assert by_part[2].by_status == {"not_started": 5, "done": 1, "in_progress": 1}
    assert by_part[2].mean_percent == round(140 / 7)
    assert (by_part[4].total, by_part[4].by_status["in_progress"]) == (10, 1)


@pytest.mark.django_db
def test_the_dashboard_tallies_each_unit_by_the_tasks_it_leads_or_shares(work_under_way: Plan) -> None:
    by_unit = {tally.pk: tally for tally in dashboard(work_under_way).by_unit}
    accreditation = unit("认可部")
    reporting = Responsibility.objects.filter(unit=accreditation, role__in=["lead", "joint"])
    assert by_unit[accreditation.pk].total == reporting.count()
    assert by_unit[accreditation.pk].overdue == 1
    assert by_unit[accreditation.pk].by_status["done"] == 1
    assert by_unit[unit("认证部").pk].by_status["in_progress"] == 1
    assert unit("科标部").pk not in {pk for pk, tally in by_unit.items() if tally.overdue}
    assert unit("机关党委").pk not in by_unit


@pytest.mark.django_db
def test_the_dashboard_page_shows_the_board_to_the_office(work_under_way: Plan, office: User) -> None:
    response = client_for(office).get(reverse("governance:dashboard_plan", args=[work_under_way.pk]))
    assert response.status_code == 200
    assert [task.number for task in response.context["board"].overdue] == [1]
    page = response.content.decode()
    assert reverse("governance:task_detail", args=[work_under_way.pk, 3]) in page


@pytest.mark.django_db
def test_withdrawn_tasks_leave_the_dashboard(work_under_way: Plan) -> None:
    work_under_way.tasks.filter(number=1).update(withdrawn_at=timezone.now())
    board = dashboard(work_under_way)
    assert board.overall.total == 49
    assert board.overdue == []


# The plan page's filters.


def shown(user: User, plan: Plan, **query: Any) -> list[int]:
    response = client_for(user).get(reverse("governance:plan_detail", args=[plan.pk]), query)
    assert response.status_code == 200
    return [task.number for task in response.context["tasks"]]


@pytest.mark.django_db
def test_the_plan_page_filters_overdue_and_stalled_tasks(work_under_way: Plan, office: User) -> None:
    assert shown(office, work_under_way, flag="overdue") == [1]
    assert shown(office, work_under_way, flag="stalled") == [3]


@pytest.mark.django_db
def test_the_plan_page_finds_text_in_either_script(plan: Plan, lead_staff: User) -> None:
    assert shown(lead_staff, plan, q="强制性产品认证改革") == [13]
    assert shown(lead_staff, plan, q="強制性產品認證改革") == [13]


@pytest.mark.django_db
def test_the_plan_page_filters_by_unit_and_status(work_under_way: Plan, office: User) -> None:
    assert shown(office, work_under_way, unit=unit("财务部").pk) == [18, 43, 46]
    assert shown(office, work_under_way, status=TaskStatus.IN_PROGRESS) == [3, 13]


# Query counts: pages over 50 tasks must not ask once per task.


@pytest.mark.django_db
def test_the_plan_page_does_not_query_per_task(
    work_under_way: Plan, lead_staff: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(lead_staff)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("governance:plan_detail", args=[work_under_way.pk]))
    assert len(response.context["tasks"]) == 50


@pytest.mark.django_db
def test_the_dashboard_does_not_query_per_task(
    work_under_way: Plan, office: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(office)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("governance:dashboard_plan", args=[work_under_way.pk]))
    assert response.context["board"].overall.total == 50


@pytest.mark.django_db
def test_the_matrix_does_not_query_per_task(
    work_under_way: Plan, office: User, django_assert_max_num_queries: Any
) -> None:
    client = client_for(office)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("governance:matrix", args=[work_under_way.pk]))
    assert len(response.context["matrix"].rows) == 50
