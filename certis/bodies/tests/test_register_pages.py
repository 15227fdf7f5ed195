"""The public register pages (search in both scripts, filters, a body's page, personnel) and the regulator's
pages that keep the registers (errors next to the fields, 400, nothing half-saved)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certis.accounts.models import User
from certis.bodies.models import Accreditation, Body, Employment, Person, Qualification
from certis.bodies.register import services as register
from certis.core.testing import client_for

from .conftest import SUSPENSION_REASON, WITHDRAWAL_REASON, RegWorld, reg_body, reg_identity_number

pytestmark = pytest.mark.django_db

BODIES, LABS, PEOPLE = "register:body_list", "register:lab_list", "register:person_list"
NUMBER = re.compile(r"CNCA-R-\d{4}-\d{3}|\b\d{12}\b")


def page(name: str, client: Client | None = None, **params: Any) -> Any:
    return (client or Client()).get(reverse(name), params)


def listed(response: Any) -> list[str]:
    """The numbers in the results table, in their order."""
    assert response.status_code == 200, response.content.decode()[:500]
    rows = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return list(dict.fromkeys(NUMBER.findall(rows)))


# Search


@pytest.mark.parametrize(
    "query",
    [
        "中国质量认证中心",
        "中國質量認證中心",  # traditional
        "質量認證",  # a part, in traditional
        "中国 质量　认证",  # spaces, an ideographic one too
        "认证中心",
    ],
)
def test_a_body_is_found_by_its_name_or_a_part_in_either_script(reg_world: RegWorld, query: str) -> None:
    assert "CNCA-R-2002-001" in listed(page(BODIES, q=query))


def test_a_name_registered_in_traditional_is_found_in_simplified(reg_world: RegWorld) -> None:
    assert listed(page(BODIES, q="华夏认证中心")) == ["CNCA-R-2002-003"]


def test_search_by_number_uscc_and_full_width_letters(reg_world: RegWorld) -> None:
    assert listed(page(BODIES, q="CNCA-R-2002-001")) == ["CNCA-R-2002-001"]
    assert listed(page(BODIES, q="ｃｎｃａ－ｒ－２０１６")) == ["CNCA-R-2016-021"]
    assert listed(page(BODIES, q=reg_world.fangyuan.uscc)) == ["CNCA-R-2002-002"]
    assert listed(page(BODIES, number="cnca-r-2002-00")) == [
        "CNCA-R-2002-001",
        "CNCA-R-2002-002",
        "CNCA-R-2002-003",
    ]
    assert listed(page(LABS, number="1600")) == ["160012050101"]


def test_filters_by_scheme_region_and_status(reg_world: RegWorld) -> None:
    assert listed(page(BODIES, scheme="ccc")) == ["CNCA-R-2002-001"]
    assert listed(page(BODIES, scheme="management_system", region="上海")) == ["CNCA-R-2002-011"]
    assert listed(page(BODIES, region="廣東")) == [
        "CNCA-R-2016-021"
    ]  # traditional; the applying one is not listed
    assert listed(page(BODIES, status="suspended")) == ["CNCA-R-2002-003"]


def test_the_registers_of_bodies_and_labs_are_apart(reg_world: RegWorld) -> None:
    assert listed(page(LABS)) == ["160012050101"]
    assert "160012050101" not in listed(page(BODIES))
    assert "scheme" not in page(LABS).context["filter"].form.fields  # labs hold test items, not schemes


def test_sorting_by_name_and_paging(reg_world: RegWorld) -> None:
    names = [body.name_key for body in page(BODIES, sort="name").context["listing"].rows]
    assert names == sorted(names)
    assert listed(page(BODIES, sort="-number"))[0] == "CNCA-R-2016-021"
    assert listed(page(BODIES, sort="nonsense"))[0] == "CNCA-R-2002-001"
    assert listed(page(BODIES, page="999")) == listed(page(BODIES))  # only one page: the last is the first


def test_past_the_count_cap_the_page_says_there_are_more(
    reg_world: RegWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("certis.core.listing.COUNT_CAP", 2)
    response = page(BODIES)
    assert not response.context["listing"].page.paginator.count_is_exact
    assert listed(response) == ["CNCA-R-2002-001", "CNCA-R-2002-002"]
    monkeypatch.setattr("certis.core.listing.COUNT_CAP", 5)
    assert page(BODIES).context["listing"].page.paginator.count_is_exact


def test_a_withdrawn_body_stays_listed_with_its_date_and_reason(reg_world: RegWorld) -> None:
    response = page(BODIES)
    assert "CNCA-R-2016-021" in listed(response)
    text = response.content.decode()
    assert WITHDRAWAL_REASON in text and "2025-11-03" in text
    assert SUSPENSION_REASON in text
    detail = Client().get(reverse("register:body_detail", args=["CNCA-R-2016-021"])).content.decode()
    assert WITHDRAWAL_REASON in detail and "2025-11-03" in detail


def test_an_applying_body_is_invisible_even_with_a_number(reg_world: RegWorld) -> None:
    assert listed(page(BODIES, q="未批准")) == []
    Body.objects.filter(pk=reg_world.applying.pk).update(number="CNCA-R-2026-999")
    assert listed(page(BODIES, q="未批准")) == []
    assert Client().get(reverse("register:body_detail", args=["CNCA-R-2026-999"])).status_code == 404


def test_bad_search_input_gets_400_with_the_error_and_no_rows(reg_world: RegWorld) -> None:
    for params in [{"q": "中" * 101}, {"q": "中\x00"}, {"scheme": "cosmetics"}, {"status": "applying"}]:
        response = page(BODIES, **params)
        assert response.status_code == 400, params
        assert 'class="field-error"' in response.content.decode()
        assert list(response.context["listing"].rows) == []


def test_htmx_gets_the_results_only(reg_world: RegWorld) -> None:
    response = Client().get(reverse(BODIES), {"q": "方圆"}, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert response.status_code == 200 and "<html" not in text and "CNCA-R-2002-002" in text


def test_the_lists_do_not_query_per_row(reg_world: RegWorld, reg_staff: User) -> None:
    def queries(name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert page(name).status_code == 200
        return len(captured)

    before = {name: queries(name) for name in (BODIES, LABS, PEOPLE)}
    for index in range(5):
        body = reg_body(reg_staff, f"新增认证有限公司{index}", f"9111000010000{index:04d}", number="")
        register.change_body_status(acting_user=reg_staff, body=body, status="suspended", reason="暂停")
        reg_body(reg_staff, f"新增检测有限公司{index}", f"9131000010000{index:04d}", kind="lab", number="")
        person = register.register_person(
            acting_user=reg_staff,
            name=f"新人{index}",
            identity_number=reg_identity_number(f"3101041982051{index:04d}"),
            registration_number=f"2026-NEW-{index}",
        )
        register.employ_person(acting_user=reg_staff, person=person, body=body, started_on=body.approved_on)
    assert {name: queries(name) for name in (BODIES, LABS, PEOPLE)} == before
    assert before == {
        BODIES: 4,
        LABS: 3,
        PEOPLE: 4,
    }  # count, rows, scope (+ reasons); count, rows, two prefetches


# A body's page


def test_a_bodys_page_shows_scope_accreditation_history_and_branches(reg_world: RegWorld) -> None:
    response = Client().get(reverse("register:body_detail", args=["CNCA-R-2002-001"]))
    text = response.content.decode()
    for expected in [
        "中国质量认证中心",
        reg_world.cqc.uscc,
        "家用和类似用途设备",
        "GB/T 5023-2008",
        "CNAS C001-M",
    ]:
        assert expected in text
    assert "CNCA-R-2002-011" in text  # the branch
    branch = Client().get(reverse("register:body_detail", args=["CNCA-R-2002-011"])).content.decode()
    assert reverse("register:body_detail", args=["CNCA-R-2002-001"]) in branch  # its head office


def test_a_lab_has_its_page_by_number_under_both_addresses(reg_world: RegWorld) -> None:
    for name in ("register:lab_detail", "register:body_detail"):
        response = Client().get(reverse(name, args=["160012050101"]))
        assert response.status_code == 200 and "电磁兼容" in response.content.decode()


def test_a_bodys_page_takes_a_fixed_number_of_queries(reg_world: RegWorld) -> None:
    with CaptureQueriesContext(connection) as captured:
        Client().get(reverse("register:body_detail", args=["CNCA-R-2002-001"]))
    assert len(captured) == 6  # body, scope, removed scope, accreditations, history, branches


def test_unknown_numbers_are_not_found(reg_world: RegWorld) -> None:
    for number in ["CNCA-R-1999-001", "nothing"]:
        assert Client().get(reverse("register:body_detail", args=[number])).status_code == 404
    assert Client().get("/register/bodies/%00/").status_code == 404


# Personnel


def test_personnel_search_in_either_script_and_by_registration_number(reg_world: RegWorld) -> None:
    assert [p.name for p in page(PEOPLE, q="张伟").context["listing"].rows] == ["張偉"]
    assert [p.name for p in page(PEOPLE, q="王建華").context["listing"].rows] == ["王建华"]
    assert [p.name for p in page(PEOPLE, q="n1qms").context["listing"].rows] == ["王建华"]
    assert [p.name for p in page(PEOPLE, scheme="ccc").context["listing"].rows] == ["張偉"]
    assert [p.name for p in page(PEOPLE, employer="CNCA-R-2002-001").context["listing"].rows] == ["王建华"]


@pytest.mark.parametrize("viewer", ["anonymous", "reg_outsider"])
def test_the_public_never_sees_an_identity_number_plain_or_masked(
    request: pytest.FixtureRequest, reg_world: RegWorld, viewer: str
) -> None:
    client = Client() if viewer == "anonymous" else client_for(request.getfixturevalue(viewer))
    person = Person.objects.get(pk=reg_world.auditor.pk)
    texts = [
        client.get(reverse(PEOPLE)).content.decode(),
        client.get(reverse("register:person_detail", args=[person.registration_number])).content.decode(),
    ]
    for text in texts:
        assert "王建华" in text and "2021-N1QMS-1234567" in text and "中国质量认证中心" in text
        for secret in [reg_world.auditor_id, person.id_number_masked, person.id_number_masked[:10]]:
            assert secret not in text


@pytest.mark.parametrize("viewer", ["reg_staff", "reg_official"])
def test_the_regulator_sees_the_masked_number_only(
    request: pytest.FixtureRequest, reg_world: RegWorld, viewer: str
) -> None:
    client = client_for(request.getfixturevalue(viewer))
    person = Person.objects.get(pk=reg_world.auditor.pk)
    text = client.get(reverse("register:person_detail", args=[person.registration_number])).content.decode()
    assert person.id_number_masked in text
    assert reg_world.auditor_id not in text
    assert reg_world.auditor_id not in client.get(reverse(PEOPLE)).content.decode()


# The regulator's pages


@pytest.fixture
def staff(reg_staff: User) -> Client:
    return client_for(reg_staff)


def post(client: Client, name: str, args: list[str], data: dict[str, Any]) -> Any:
    return client.post(reverse(name, args=args), data)


def errors_of(response: Any) -> dict[str, list[str]]:
    return {field: [str(e) for e in errors] for field, errors in response.context["form"].errors.items()}


def test_staff_suspend_a_body_and_the_register_shows_it(reg_world: RegWorld, staff: Client) -> None:
    today = timezone.localdate().isoformat()
    response = post(
        staff,
        "register:change_body_status",
        ["CNCA-R-2002-002"],
        {"status": "suspended", "effective_on": today, "reason": "未按规则审核"},
    )
    assert response.status_code == 302
    body = Body.objects.get(number="CNCA-R-2002-002")
    assert (body.status, body.status_since.isoformat()) == ("suspended", today)
    assert "未按规则审核" in page(BODIES, status="suspended").content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"status": "suspended", "reason": ""}, "reason"),
        ({"status": "suspended", "reason": "理由", "effective_on": "2026-02-30"}, "effective_on"),
        ({"status": "suspended", "reason": "理由", "effective_on": "2999-01-01"}, "effective_on"),
        (
            {"status": "suspended", "reason": "理由", "effective_on": "2019-12-31"},
            "effective_on",
        ),  # before approval
        ({"status": "applying", "reason": "理由"}, "status"),
        ({"status": "approved", "reason": "理由"}, "status"),  # already approved
    ],
)
def test_a_bad_status_change_is_refused_next_to_its_field_and_saves_nothing(
    reg_world: RegWorld, staff: Client, data: dict[str, str], field: str
) -> None:
    data = {"effective_on": timezone.localdate().isoformat()} | data
    changes = reg_world.fangyuan.status_changes.count()
    response = post(staff, "register:change_body_status", ["CNCA-R-2002-002"], data)
    assert response.status_code == 400
    assert field in errors_of(response)
    assert 'class="field-error"' in response.content.decode()
    assert reg_world.fangyuan.status_changes.count() == changes
    assert Body.objects.get(pk=reg_world.fangyuan.pk).status == "approved"


def test_a_withdrawn_bodys_status_is_final(reg_world: RegWorld, staff: Client) -> None:
    url = ["CNCA-R-2016-021"]
    assert staff.get(reverse("register:change_body_status", args=url)).context["form"].is_final
    data = {"status": "approved", "reason": "恢复", "effective_on": timezone.localdate().isoformat()}
    assert post(staff, "register:change_body_status", url, data).status_code == 400
    assert Body.objects.get(number="CNCA-R-2016-021").status == "withdrawn"


def test_staff_record_an_accreditation_once(reg_world: RegWorld, staff: Client) -> None:
    data = {
        "accreditation_body": "中国合格评定国家认可委员会（CNAS）",
        "number": "CNAS C002-M",
        "scope": "质量管理体系",
        "valid_from": "2024-01-01",
        "valid_until": "2029-12-31",
    }
    assert post(staff, "register:record_accreditation", ["CNCA-R-2002-002"], data).status_code == 302
    again = post(staff, "register:record_accreditation", ["CNCA-R-2002-002"], data)
    assert again.status_code == 400 and "number" in errors_of(again)
    backwards = post(
        staff,
        "register:record_accreditation",
        ["CNCA-R-2002-002"],
        data | {"number": "X", "valid_until": "2023-01-01"},
    )
    assert backwards.status_code == 400 and "valid_until" in errors_of(backwards)
    assert Accreditation.objects.filter(body=reg_world.fangyuan).count() == 1


def test_staff_register_a_person_whose_number_is_then_shown_masked(reg_staff: User, staff: Client) -> None:
    number = reg_identity_number("31010419820517002")
    response = staff.post(
        reverse("register:register_person"),
        {"name": "李秀英", "identity_number": number.lower(), "registration_number": "2019-n1ems-2234567"},
    )
    person = Person.objects.get(registration_number="2019-N1EMS-2234567")
    assert response.status_code == 302 and response["Location"] == reverse(
        "register:person_detail", args=[person.registration_number]
    )
    assert person.id_number_masked == number[:6] + "********" + number[-4:]
    followed = staff.get(response["Location"]).content.decode()
    assert person.id_number_masked in followed and number not in followed


GOOD_ID = reg_identity_number("31010419820517002")
WRONG_CHECK = GOOD_ID[:17] + ("0" if GOOD_ID[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("identity_number", "registration_number", "field"),
    [
        (WRONG_CHECK, "2019-1", "identity_number"),
        (GOOD_ID[:16], "2019-1", "identity_number"),  # too short
        ("310104198213170027", "2019-1", "identity_number"),  # no 13th month
        ("", "2019-1", "identity_number"),
        (GOOD_ID, "new", "registration_number"),  # the page's own address, and no digit
        (GOOD_ID, "2019/1", "registration_number"),
        (GOOD_ID, "2019-" + "1" * 40, "registration_number"),
    ],
)
def test_a_bad_person_is_refused_next_to_the_field_and_nothing_is_saved(
    reg_world: RegWorld, staff: Client, identity_number: str, registration_number: str, field: str
) -> None:
    people = Person.objects.count()
    data = {"name": "李秀英", "identity_number": identity_number, "registration_number": registration_number}
    response = staff.post(reverse("register:register_person"), data)
    assert response.status_code == 400
    assert field in errors_of(response)
    assert Person.objects.count() == people


def test_a_person_already_registered_is_refused(reg_world: RegWorld, staff: Client) -> None:
    response = staff.post(
        reverse("register:register_person"),
        {"name": "王建华", "identity_number": reg_world.auditor_id, "registration_number": "2026-N1QMS-1"},
    )
    assert response.status_code == 400 and "identity_number" in errors_of(response)


def test_staff_record_a_qualification(reg_world: RegWorld, staff: Client) -> None:
    args = [reg_world.inspector.registration_number]
    data = {"role": "auditor", "grade": "trainee", "valid_from": "2025-01-01", "valid_until": "2028-12-31"}
    refused = post(staff, "register:record_qualification", args, data | {"field_codes": "19.05.01"})
    assert refused.status_code == 400 and "schemes" in errors_of(refused)
    bad_codes = post(
        staff,
        "register:record_qualification",
        args,
        data | {"schemes": ["ccc"], "field_codes": "19.05.01; 错"},
    )
    assert bad_codes.status_code == 400 and "field_codes" in errors_of(bad_codes)
    done = post(
        staff,
        "register:record_qualification",
        args,
        data | {"schemes": ["ccc", "service"], "field_codes": "19.05.01，29.12"},
    )
    assert done.status_code == 302
    qualification = Qualification.objects.filter(person=reg_world.inspector).latest("pk")
    assert (qualification.schemes, qualification.field_codes) == (["ccc", "service"], ["19.05.01", "29.12"])


def test_staff_record_an_employment_that_ends_the_previous_one(reg_world: RegWorld, staff: Client) -> None:
    args = [reg_world.auditor.registration_number]
    unknown = post(
        staff, "register:record_employment", args, {"body": "CNCA-R-1999-001", "started_on": "2026-01-05"}
    )
    assert unknown.status_code == 400 and "body" in errors_of(unknown)
    withdrawn = post(
        staff, "register:record_employment", args, {"body": "CNCA-R-2016-021", "started_on": "2026-01-05"}
    )
    assert withdrawn.status_code == 400 and "body" in errors_of(withdrawn)
    early = post(
        staff, "register:record_employment", args, {"body": "CNCA-R-2002-002", "started_on": "2023-01-05"}
    )
    assert early.status_code == 400 and "started_on" in errors_of(early)
    done = post(
        staff, "register:record_employment", args, {"body": "cnca-r-2002-002", "started_on": "2026-01-05"}
    )
    assert done.status_code == 302
    assert list(
        Employment.objects.filter(person=reg_world.auditor)
        .order_by("started_on")
        .values_list("body__number", "ended_on")
    ) == [("CNCA-R-2002-001", dt.date(2026, 1, 4)), ("CNCA-R-2002-002", None)]


def test_staff_revoke_a_registration_which_is_then_final(reg_world: RegWorld, staff: Client) -> None:
    args = [reg_world.inspector.registration_number]
    assert (
        post(staff, "register:change_person_status", args, {"status": "revoked", "reason": ""}).status_code
        == 400
    )
    assert (
        post(
            staff, "register:change_person_status", args, {"status": "revoked", "reason": "伪造记录"}
        ).status_code
        == 302
    )
    assert Person.objects.get(pk=reg_world.inspector.pk).status == "revoked"
    assert staff.get(reverse("register:change_person_status", args=args)).context["form"].is_final
    assert (
        post(staff, "register:change_person_status", args, {"status": "active", "reason": "申诉"}).status_code
        == 400
    )


def test_on_postgresql_trigram_indexes_serve_the_search(reg_world: RegWorld) -> None:
    """Migration 0004 makes them on PostgreSQL only; on SQLite it does nothing (and search still works)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%trgm%'")
            assert cursor.fetchall() == []
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%trgm%%' AND tablename LIKE 'bodies_%%'"
        )
        indexes = dict(cursor.fetchall())
        assert set(indexes) == {
            "body_name_key_trgm",
            "body_number_trgm",
            "person_name_key_trgm",
            "person_registration_trgm",
        }
        assert all("gin_trgm_ops" in definition for definition in indexes.values())
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM bodies_body WHERE name_key LIKE '%%质量认证%%'")
        assert "body_name_key_trgm" in " ".join(row[0] for row in cursor.fetchall())
