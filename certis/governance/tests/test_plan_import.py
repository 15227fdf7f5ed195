"""Importing the seed notice into a plan, importing it again, revising it, from code, the command line and the web."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from certis.accounts.models import Membership, Organisation, User
from certis.audit.models import AuditEvent, EventType
from certis.core.testing import client_for, person, unit
from certis.core.text import normalize, to_simplified
from certis.governance.files.notice import read_notice
from certis.governance.models import Measure, Part, Plan, Position, ProgressReport, Responsibility, Task
from certis.governance.services import work as services
from certis.governance.services.plan_import import diff_plan, existing_units, find_plan_for, revise_plan

LEAD, SUPPORT, JOINT = Responsibility.Role.LEAD, Responsibility.Role.SUPPORT, Responsibility.Role.JOINT

# Task 2's responsibility clause as the seed writes it, and a task to append. Dropping task 50 and adding
# task 51 cannot be one notice: the reader requires task numbers in sequence, so each is its own revision.
TASK_2_CLAUSE = "(認可部牽頭,科標部、法律部、研究所、認可中心、協會配合)"
TASK_51 = "51.建立貫徹落實工作臺賬,按季度通報各單位進展。(辦公室牽頭,有關部室、下屬單位配合)"


def counts() -> dict[str, int]:
    models = [Plan, Part, Measure, Task, Responsibility, Position, Organisation, AuditEvent]
    return {model.__name__: model.objects.count() for model in models}


def responsibilities(plan: Plan, number: int) -> list[tuple[str, str]]:
    task = plan.tasks.get(number=number)
    return [(r.unit.name_key, r.role) for r in task.responsibilities.order_by("order")]


def rows(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [(normalize(name), role) for name, role in pairs]


def line_of(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


def with_task_2_led_by_certification(seed_text: str) -> str:
    task_2 = line_of(seed_text, "2.")
    assert task_2.endswith(TASK_2_CLAUSE)
    return seed_text.replace(task_2, task_2.replace("(認可部牽頭,", "(認證部牽頭,"))


def without_task_50(seed_text: str) -> str:
    return seed_text.replace(line_of(seed_text, "50.") + "\n", "").rstrip("\n") + "\n"


def with_task_51(seed_text: str) -> str:
    return seed_text.rstrip("\n") + "\n" + TASK_51 + "\n"


def in_the_interface_language(message: str, **values: Any) -> str:
    with translation.override("zh-hans"):
        return escape(gettext(message) % values)


# The import itself.


@pytest.mark.django_db
def test_the_seed_notice_becomes_8_parts_27_measures_and_50_tasks(plan: Plan) -> None:
    assert plan.parts.count() == 8
    assert plan.measures.count() == 27
    assert plan.tasks.count() == 50
    assert list(plan.tasks.values_list("number", flat=True)) == list(range(1, 51))
    assert plan.tasks.get(number=13).part.number == 4
    assert plan.tasks.get(number=13).measure.number == 9


@pytest.mark.django_db
def test_units_are_created_with_their_kind_under_the_issuer(plan: Plan, regulator: Organisation) -> None:
    assert unit("认可部").kind == Organisation.Kind.DEPARTMENT
    assert unit("网信办").kind == Organisation.Kind.DEPARTMENT
    assert unit("协会").kind == Organisation.Kind.AFFILIATE
    assert unit("认可中心").kind == Organisation.Kind.AFFILIATE
    assert unit("认可部").parent == regulator
    assert Organisation.objects.filter(kind__in=["department", "affiliate"]).count() == 16


@pytest.mark.django_db
def test_a_unit_named_only_in_a_members_post_is_created_too(plan: Plan) -> None:
    party_committee = unit("机关党委")
    assert party_committee.kind == Organisation.Kind.DEPARTMENT
    assert not Responsibility.objects.filter(unit=party_committee).exists()
    assert plan.positions.get(person_name="梁鋼").unit == party_committee


@pytest.mark.django_db
def test_the_leading_group_and_its_office_are_recorded_as_positions(plan: Plan) -> None:
    group = plan.positions.filter(body=Position.Body.LEADING_GROUP)
    office = plan.positions.filter(body=Position.Body.OFFICE)
    assert [normalize(p.person_name) for p in group.filter(role=Position.Role.LEADER)] == ["刘卫军"]
    assert group.filter(role=Position.Role.DEPUTY_LEADER).count() == 4
    assert group.filter(role=Position.Role.MEMBER).count() == 15
    assert [normalize(p.person_name) for p in office.filter(role=Position.Role.DIRECTOR)] == ["黄继先"]
    assert office.filter(role=Position.Role.DEPUTY_DIRECTOR).count() == 13
    member = group.get(person_name="劉仲書")
    assert (member.post, member.unit) == ("法律部主任", unit("法律部"))


@pytest.mark.django_db
def test_a_task_with_a_lead_and_supporting_units_becomes_one_row_per_unit(plan: Plan) -> None:
    assert responsibilities(plan, 1) == rows(
        ("认可部", LEAD),
        ("科标部", SUPPORT),
        ("法律部", SUPPORT),
        ("研究所", SUPPORT),
        ("认可中心", SUPPORT),
        ("协会", SUPPORT),
    )
    assert plan.tasks.get(number=1).collective is False


@pytest.mark.django_db
def test_all_relevant_units_become_the_collective_flag_not_a_unit(plan: Plan) -> None:
    assert responsibilities(plan, 4) == rows(("认可部", LEAD))
    assert plan.tasks.get(number=4).collective is True
    assert responsibilities(plan, 36) == rows(("国际部", LEAD))
    assert plan.tasks.get(number=36).collective is True


@pytest.mark.django_db
def test_units_listed_without_a_role_share_the_task_jointly(plan: Plan) -> None:
    assert responsibilities(plan, 6) == rows(
        ("认可部", JOINT),
        ("认证部", JOINT),
        ("注册部", JOINT),
        ("实验室部", JOINT),
        ("法律部", JOINT),
        ("科标部", JOINT),
    )
    assert responsibilities(plan, 43) == rows(("办公室", JOINT), ("法律部", JOINT), ("财务部", JOINT))
    assert plan.tasks.get(number=43).collective is False


@pytest.mark.django_db
def test_units_after_a_lead_without_a_verb_support_it(plan: Plan) -> None:
    assert responsibilities(plan, 24) == rows(
        ("网信办", LEAD),
        ("认可部", SUPPORT),
        ("认证部", SUPPORT),
        ("注册部", SUPPORT),
        ("实验室部", SUPPORT),
        ("法律部", SUPPORT),
        ("认可中心", SUPPORT),
        ("协会", SUPPORT),
    )


@pytest.mark.django_db
def test_importing_writes_one_plan_imported_event(plan: Plan) -> None:
    event = AuditEvent.objects.get(event_type=EventType.PLAN_IMPORTED)
    assert (event.target_type, event.target_id) == ("governance.plan", str(plan.pk))
    assert event.data["tasks"] == 50
    assert event.data["parts"] == 8
    assert AuditEvent.objects.filter(event_type=EventType.ORGANISATION_CREATED).count() == 16


# Importing again.


@pytest.mark.django_db
def test_the_same_notice_is_recognised_as_the_plan_already_held(plan: Plan, seed_text: str) -> None:
    assert find_plan_for(read_notice(seed_text), seed_text) == (plan, True)
    assert find_plan_for(read_notice(seed_text), seed_text.replace("\n", "\r\n")) == (plan, True)


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(plan: Plan, seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(seed_text, encoding="utf-8")
    before = counts()
    out = StringIO()
    call_command("import-plan", str(path), stdout=out)
    assert counts() == before
    assert f"plan {plan.pk}" in out.getvalue()


@pytest.mark.django_db
def test_the_simplified_script_notice_is_the_same_plan_with_an_empty_diff(plan: Plan, seed_text: str) -> None:
    simplified = to_simplified(seed_text)
    assert simplified != seed_text
    notice = read_notice(simplified)
    assert find_plan_for(notice, simplified) == (plan, False)
    assert diff_plan(plan, notice).is_empty
    assert len(existing_units(list(notice.units()))) == len(notice.units())


@pytest.mark.django_db
def test_applying_the_simplified_notice_creates_no_organisation_and_changes_no_task(
    plan: Plan, seed_text: str
) -> None:
    simplified = to_simplified(seed_text)
    before = counts()
    rows_before = sorted(Responsibility.objects.values_list("task__number", "unit_id", "role"))
    diff = revise_plan(acting_user=None, plan=plan, notice=read_notice(simplified), source_text=simplified)
    assert diff.is_empty
    assert Organisation.objects.count() == before["Organisation"]
    assert sorted(Responsibility.objects.values_list("task__number", "unit_id", "role")) == rows_before


# Revising.


@pytest.mark.django_db
def test_a_revised_notice_shows_exactly_the_changed_lead_and_the_dropped_task(
    plan: Plan, seed_text: str
) -> None:
    revised = without_task_50(with_task_2_led_by_certification(seed_text))
    notice = read_notice(revised)
    assert find_plan_for(notice, revised) == (plan, False)
    diff = diff_plan(plan, notice)
    assert [(change.number, change.kind) for change in diff.tasks] == [(2, "changed"), (50, "removed")]
    assert not diff.outline_changed
    assert not diff.positions_changed
    change = diff.tasks[0]
    assert (change.before["lead"], change.after["lead"]) == (["认可部"], ["认证部"])
    assert change.before["support"] == change.after["support"]


@pytest.mark.django_db
def test_revising_withdraws_a_dropped_task_and_keeps_its_reports(
    plan: Plan, seed_text: str, regulator: Organisation
) -> None:
    office_staff = person("office", unit("办公室"))
    task_50 = plan.tasks.get(number=50)
    services.report_progress(
        acting_user=office_staff,
        task=task_50,
        status="in_progress",
        percent_complete=20,
        text="已开展专题调研。",
        reported_on=timezone.localdate(),
    )
    revised = without_task_50(with_task_2_led_by_certification(seed_text))
    revise_plan(acting_user=None, plan=plan, notice=read_notice(revised), source_text=revised)

    task_50.refresh_from_db()
    assert task_50.withdrawn_at is not None
    assert ProgressReport.objects.filter(task=task_50).count() == 1
    assert plan.tasks.count() == 50
    assert responsibilities(plan, 2) == rows(
        ("认证部", LEAD),
        ("科标部", SUPPORT),
        ("法律部", SUPPORT),
        ("研究所", SUPPORT),
        ("认可中心", SUPPORT),
        ("协会", SUPPORT),
    )
    event = AuditEvent.objects.get(event_type=EventType.PLAN_REVISED)
    assert [(c["number"], c["kind"]) for c in event.data["tasks"]] == [(2, "changed"), (50, "removed")]
    plan.refresh_from_db()
    assert plan.source_text == revised
    assert find_plan_for(read_notice(revised), revised) == (plan, True)


@pytest.mark.django_db
def test_revising_with_a_new_task_creates_it(plan: Plan, seed_text: str) -> None:
    revised = with_task_51(seed_text)
    notice = read_notice(revised)
    diff = diff_plan(plan, notice)
    assert [(change.number, change.kind) for change in diff.tasks] == [(51, "added")]

    revise_plan(acting_user=None, plan=plan, notice=notice, source_text=revised)
    task_51 = plan.tasks.get(number=51)
    assert task_51.part.number == 8
    assert task_51.measure.number == 27
    assert task_51.collective is True
    assert responsibilities(plan, 51) == rows(("办公室", LEAD))
    assert AuditEvent.objects.get(event_type=EventType.PLAN_REVISED).data["tasks"][0]["number"] == 51


# The command.


@pytest.mark.django_db
def test_the_dry_run_prints_one_json_object_and_changes_nothing(
    regulator: Organisation, seed_text: str, tmp_path: Path
) -> None:
    path = tmp_path / "notice.txt"
    path.write_text(seed_text, encoding="utf-8")
    before = counts()
    out = StringIO()
    call_command("import-plan", str(path), "--dry-run", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["parts"] == 8
    assert summary["measures"] == 27
    assert len(summary["tasks"]) == 50
    assert counts() == before


@pytest.mark.django_db
def test_the_command_imports_a_gb18030_file(regulator: Organisation, seed_text: str, tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_bytes(seed_text.encode("gb18030"))
    call_command("import-plan", str(path), stdout=StringIO())
    plan = Plan.objects.get()
    assert plan.tasks.count() == 50
    assert plan.issuer == regulator
    assert plan.source_name == "notice.txt"


@pytest.mark.django_db
def test_a_notice_that_cannot_be_read_stops_the_command_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text("某某实施方案\n一、总体要求\n1.积极采用国际先进标准\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 3"):
        call_command("import-plan", str(path), stdout=StringIO())
    assert not Plan.objects.exists()


# The web upload.


@pytest.fixture
def office_alone(regulator: Organisation) -> User:
    """Office staff in a database that holds no plan yet."""
    return person("office", regulator, Membership.Role.PLAN_OFFICE)


def upload(client: Any, text: str, name: str = "notice.txt") -> Any:
    return client.post(
        reverse("governance:upload_notice"), {"file": SimpleUploadedFile(name, text.encode("utf-8"))}
    )


@pytest.mark.django_db
def test_the_office_uploads_a_notice_sees_a_preview_and_confirms_the_import(
    office_alone: User, seed_text: str
) -> None:
    client = client_for(office_alone)
    preview = upload(client, seed_text)
    assert preview.status_code == 200
    assert not Plan.objects.exists()
    expected = in_the_interface_language(
        "%(parts)s parts, %(measures)s measures, %(tasks)s tasks.", parts=8, measures=27, tasks=50
    )
    assert expected in preview.content.decode()

    confirm = client.post(reverse("governance:upload_notice"), preview.context["confirm"].initial)
    plan = Plan.objects.get()
    assert confirm.status_code == 302
    assert confirm["Location"] == reverse("governance:plan_detail", args=[plan.pk])
    assert plan.tasks.count() == 50
    assert plan.source_name == "notice.txt"
    assert AuditEvent.objects.get(event_type=EventType.PLAN_IMPORTED).actor == office_alone


@pytest.mark.django_db
def test_uploading_the_imported_notice_again_goes_to_the_plan_and_changes_nothing(
    plan: Plan, office: User, seed_text: str
) -> None:
    before = counts()
    response = upload(client_for(office), seed_text)
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:plan_detail", args=[plan.pk])
    assert counts() == before


@pytest.mark.django_db
def test_uploading_a_revised_notice_previews_the_changes_and_confirming_applies_them(
    plan: Plan, office: User, seed_text: str
) -> None:
    client = client_for(office)
    revised = without_task_50(with_task_2_led_by_certification(seed_text))
    preview = upload(client, revised)
    assert preview.status_code == 200
    assert [(c.number, c.kind) for c in preview.context["diff"].tasks] == [(2, "changed"), (50, "removed")]
    assert plan.tasks.get(number=50).withdrawn_at is None

    client.post(reverse("governance:upload_notice"), preview.context["confirm"].initial)
    assert plan.tasks.get(number=50).withdrawn_at is not None
    assert AuditEvent.objects.get(event_type=EventType.PLAN_REVISED).actor == office


@pytest.mark.django_db
def test_the_simplified_notice_previews_no_new_units(plan: Plan, office: User, seed_text: str) -> None:
    preview = upload(client_for(office), to_simplified(seed_text))
    assert preview.status_code == 200
    assert preview.context["new_units"] == []
    assert preview.context["diff"].is_empty


@pytest.mark.django_db
def test_an_unreadable_notice_shows_its_problems_by_line_and_imports_nothing(office_alone: User) -> None:
    text = "某某实施方案\n一、总体要求\n1.积极采用国际先进标准\n2.推广先进质量管理方法\n"
    response = upload(client_for(office_alone), text)
    assert response.status_code == 400
    lines = [problem.line for problem in response.context["problems"]]
    assert 3 in lines
    page = response.content.decode()
    for line in lines:
        assert in_the_interface_language("Line %(line)s", line=line) in page
    assert "分工括号" in page  # what was expected, said in Chinese, not in the reader's English
    assert "responsibility parenthesis" not in page
    assert not Plan.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_confirmation_whose_text_does_not_match_its_digest_imports_nothing(
    office_alone: User, seed_text: str
) -> None:
    client = client_for(office_alone)
    confirm = dict(upload(client, seed_text).context["confirm"].initial)
    confirm["text"] = with_task_2_led_by_certification(seed_text)
    response = client.post(reverse("governance:upload_notice"), confirm)
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:upload_notice")
    assert not Plan.objects.exists()
    assert not AuditEvent.objects.exists()
