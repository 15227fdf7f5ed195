"""The management pages: who gets what, each lifecycle form, refusals shown as form errors, the list's filters,
sorting and its queries.

The cast: ``staff`` of the issuing body (中国质量认证中心), ``other_staff`` of another body (方圆), the
regulator's ``supervisor``, an ``anonymous`` visitor and ``nobody``, a logged-in person of no body.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certis.accounts.models import User
from certis.bodies.models import Scheme
from certis.certificates.models import Certificate, ImportJob, StatusEvent
from certis.certificates.services.registry import (
    cancel_certificate,
    suspend_certificate,
    withdraw_certificate,
)
from certis.certificates.tests.conftest import CertWorld, cert_report
from certis.certificates.tests.manage_fixtures import browse
from certis.core.identifiers import make_uscc
from certis.core.testing import LOGIN, answer

Status = Certificate.Status
PEOPLE = ["staff", "other_staff", "supervisor", "anonymous", "nobody"]
LIST = reverse("certificates:manage")


def who(staff: Any, other_staff: Any, supervisor: Any, anonymous: Any, nobody: Any) -> dict[str, Any]:
    return dict(zip(PEOPLE, (staff, other_staff, supervisor, anonymous, nobody), strict=True))


def today() -> dt.date:
    return timezone.localdate()


def later(days: int = 30) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def url(name: str, certificate: Certificate) -> str:
    return reverse(f"certificates:{name}", args=[certificate.pk])


def suspended_by_body(world: CertWorld, certificate: Certificate) -> None:
    suspend_certificate(
        acting_user=world.staff,
        certificate=certificate,
        until=today() + dt.timedelta(days=30),
        reason="暂停",
        organisation=world.body.organisation,
    )


def suspended_as_sanction(world: CertWorld, certificate: Certificate) -> None:
    suspend_certificate(
        acting_user=world.supervisor,
        certificate=certificate,
        until=today() + dt.timedelta(days=30),
        reason="监督抽查不合格",
        sanction=True,
    )


# Who gets what


@dataclass
class Endpoint:
    name: str
    method: str
    url: Callable[[Certificate], str]
    expected: dict[str, int | str]
    data: dict[str, str] | None = None
    prepare: Callable[[CertWorld, Certificate], None] | None = None
    changes_to: str | None = None

    def __str__(self) -> str:
        return self.name


PAGE = who(200, 404, 200, LOGIN, 403)
ACT = who(302, 404, 302, LOGIN, 403)
ENDPOINTS = [
    Endpoint("list", "get", lambda c: LIST, who(200, 200, 200, LOGIN, 403)),
    Endpoint("certificate page", "get", lambda c: url("manage_detail", c), PAGE),
    Endpoint("suspend form", "get", lambda c: url("manage_suspend", c), PAGE),
    Endpoint(
        "suspend",
        "post",
        lambda c: url("manage_suspend", c),
        ACT,
        data={"suspend-reason": "暂停", "suspend-until": later()},
        changes_to=Status.SUSPENDED,
    ),
    Endpoint(
        "reinstate",
        "post",
        lambda c: url("manage_reinstate", c),
        ACT,
        data={"reinstate-reason": "恢复"},
        prepare=suspended_by_body,
        changes_to=Status.VALID,
    ),
    Endpoint(
        "withdraw",
        "post",
        lambda c: url("manage_withdraw", c),
        ACT,
        data={"withdraw-reason": "撤销"},
        changes_to=Status.WITHDRAWN,
    ),
    Endpoint("cancel form", "get", lambda c: url("manage_cancel", c), who(200, 404, 403, LOGIN, 403)),
    Endpoint(
        "cancel",
        "post",
        lambda c: url("manage_cancel", c),
        who(302, 404, 403, LOGIN, 403),
        data={"cancel-reason": "注销"},
        changes_to=Status.CANCELLED,
    ),
]


@pytest.mark.parametrize("person", PEOPLE)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_who_gets_what(
    cert_world: CertWorld, cert_certificate: Certificate, nobody: User, endpoint: Endpoint, person: str
) -> None:
    if endpoint.prepare:
        endpoint.prepare(cert_world, cert_certificate)
    before = Certificate.objects.get(pk=cert_certificate.pk).status
    users = {
        "staff": cert_world.staff,
        "other_staff": cert_world.other_staff,
        "supervisor": cert_world.supervisor,
        "anonymous": None,
        "nobody": nobody,
    }
    client = browse(users[person])
    response = getattr(client, endpoint.method)(endpoint.url(cert_certificate), endpoint.data or {})
    assert answer(response) == endpoint.expected[person]
    after = Certificate.objects.get(pk=cert_certificate.pk).status
    assert after == (endpoint.changes_to if answer(response) == 302 and endpoint.changes_to else before)


def test_another_bodys_staff_do_not_see_the_certificate_in_their_list(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    page = browse(cert_world.other_staff).get(LIST).content.decode()
    assert cert_certificate.number not in page
    assert "No certificate matches." in page
    assert cert_certificate.number in browse(cert_world.staff).get(LIST).content.decode()


def test_unknown_certificates_are_not_found(cert_world: CertWorld) -> None:
    assert (
        browse(cert_world.supervisor).get(reverse("certificates:manage_detail", args=[999999])).status_code
        == 404
    )


# The lifecycle forms


def events(certificate: Certificate) -> list[StatusEvent]:
    return list(StatusEvent.objects.filter(certificate=certificate).order_by("id"))


def test_the_body_suspends_a_certificate_with_reason_and_end(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    client = browse(cert_world.staff)
    data = {"suspend-reason": "获证后监督发现产品不一致", "suspend-until": later(45)}
    response = client.post(url("manage_suspend", cert_certificate), data, follow=True)
    assert response.redirect_chain == [(url("manage_detail", cert_certificate), 302)]
    assert "Certificate 2025010101000001 is now Suspended." in response.content.decode()
    certificate = Certificate.objects.get(pk=cert_certificate.pk)
    assert (certificate.status, certificate.suspended_until.isoformat()) == (Status.SUSPENDED, later(45))  # type: ignore[union-attr]
    [event] = events(certificate)
    assert (event.actor, event.actor_organisation, event.sanction, event.reason) == (
        cert_world.staff,
        cert_world.body.organisation,
        False,
        "获证后监督发现产品不一致",
    )


def test_the_regulator_suspends_as_a_sanction_on_behalf_of_the_regulator(
    cert_world: CertWorld, cert_certificate: Certificate, regulator: Any
) -> None:
    client = browse(cert_world.supervisor)
    page = client.get(url("manage_detail", cert_certificate)).content.decode()
    assert "Your changes are recorded as the regulator" in page
    response = client.post(
        url("manage_suspend", cert_certificate),
        {"suspend-reason": "国家监督抽查不合格", "suspend-until": later()},
    )
    assert response.status_code == 302
    [event] = events(cert_certificate)
    assert (event.actor, event.actor_organisation, event.sanction) == (cert_world.supervisor, regulator, True)


@pytest.mark.parametrize(
    ("until", "message"),
    [
        (lambda: today().isoformat(), "The end of the suspension must be after its start."),
        (lambda: "2026-02-30", "Enter a valid date."),
        (lambda: "", "This field is required."),
    ],
)
def test_a_bad_end_of_suspension_is_shown_next_to_the_field(
    cert_world: CertWorld, cert_certificate: Certificate, until: Callable[[], str], message: str
) -> None:
    response = browse(cert_world.staff).post(
        url("manage_suspend", cert_certificate), {"suspend-reason": "暂停", "suspend-until": until()}
    )
    assert response.status_code == 400
    field = re.search(r'id="id_suspend-until".*?</div>', response.content.decode(), re.S)
    assert field is not None and message in field.group(0)
    assert events(cert_certificate) == []


@pytest.mark.parametrize("move", ["suspend", "withdraw", "cancel"])
def test_a_move_without_a_reason_is_refused(
    cert_world: CertWorld, cert_certificate: Certificate, move: str
) -> None:
    response = browse(cert_world.staff).post(
        url(f"manage_{move}", cert_certificate), {f"{move}-reason": "  ", f"{move}-until": later()}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Certificate.objects.get(pk=cert_certificate.pk).status == Status.VALID
    assert events(cert_certificate) == []


def test_an_illegal_move_shows_the_services_reason(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    cancel_certificate(
        acting_user=cert_world.staff,
        certificate=cert_certificate,
        reason="注销",
        organisation=cert_world.body.organisation,
    )
    response = browse(cert_world.supervisor).post(
        url("manage_withdraw", cert_certificate), {"withdraw-reason": "撤销"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The change was refused:" in page
    assert "Certificate 2025010101000001 is Cancelled; that is final." in page
    assert Certificate.objects.get(pk=cert_certificate.pk).status == Status.CANCELLED
    assert len(events(cert_certificate)) == 1


def test_reinstating_a_valid_certificate_is_refused_with_the_reason(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    response = browse(cert_world.staff).post(
        url("manage_reinstate", cert_certificate), {"reinstate-reason": "恢复"}
    )
    assert response.status_code == 400
    assert "A certificate that is Valid cannot become Valid." in response.content.decode()


def test_only_the_regulator_lifts_its_sanction(cert_world: CertWorld, cert_certificate: Certificate) -> None:
    suspended_as_sanction(cert_world, cert_certificate)
    staff = browse(cert_world.staff)
    page = staff.get(url("manage_detail", cert_certificate)).content.decode()
    assert "only the regulator can reinstate it" in page
    assert moves_offered(page) == ["withdraw"]
    response = staff.post(url("manage_reinstate", cert_certificate), {"reinstate-reason": "整改完成"})
    assert response.status_code == 400
    assert (
        "The regulator suspended this certificate; only the regulator can reinstate it."
        in response.content.decode()
    )
    assert Certificate.objects.get(pk=cert_certificate.pk).status == Status.SUSPENDED

    regulator = browse(cert_world.supervisor)
    assert moves_offered(regulator.get(url("manage_detail", cert_certificate)).content.decode()) == [
        "reinstate",
        "withdraw",
    ]
    assert (
        regulator.post(
            url("manage_reinstate", cert_certificate), {"reinstate-reason": "复查合格"}
        ).status_code
        == 302
    )
    assert Certificate.objects.get(pk=cert_certificate.pk).status == Status.VALID
    assert [e.sanction for e in events(cert_certificate)] == [True, True]


def test_the_body_cancels_and_the_certificate_is_final(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    client = browse(cert_world.staff)
    assert (
        client.post(url("manage_cancel", cert_certificate), {"cancel-reason": "持证人申请注销"}).status_code
        == 302
    )
    page = client.get(url("manage_detail", cert_certificate)).content.decode()
    assert moves_offered(page) == []
    assert "Nothing can be changed here: the status is final." in page
    form = client.get(url("manage_withdraw", cert_certificate)).content.decode()
    assert "Certificate 2025010101000001 is Cancelled; that is final." in form
    assert '<form method="post" action="' + url("manage_withdraw", cert_certificate) not in form


def test_the_body_withdraws_and_reinstates(cert_world: CertWorld) -> None:
    suspended = cert_report(cert_world, number="R-1")
    suspended_by_body(cert_world, suspended)
    client = browse(cert_world.staff)
    assert (
        client.post(url("manage_reinstate", suspended), {"reinstate-reason": "整改完成"}).status_code == 302
    )
    assert client.post(url("manage_withdraw", suspended), {"withdraw-reason": "拒绝监督"}).status_code == 302
    assert [(e.from_status, e.to_status) for e in events(suspended)] == [
        (Status.VALID, Status.SUSPENDED),
        (Status.SUSPENDED, Status.VALID),
        (Status.VALID, Status.WITHDRAWN),
    ]


def moves_offered(page: str) -> list[str]:
    return re.findall(r'<details class="card" id="move-(\w+)"', page)


def test_only_the_moves_open_now_are_offered(cert_world: CertWorld, cert_certificate: Certificate) -> None:
    def offered(user: User) -> list[str]:
        return moves_offered(browse(user).get(url("manage_detail", cert_certificate)).content.decode())

    assert offered(cert_world.staff) == ["suspend", "withdraw", "cancel"]
    assert offered(cert_world.supervisor) == ["suspend", "withdraw"]
    suspended_by_body(cert_world, cert_certificate)
    assert offered(cert_world.staff) == ["reinstate", "withdraw", "cancel"]
    assert offered(cert_world.supervisor) == ["reinstate", "withdraw"]
    withdraw_certificate(acting_user=cert_world.staff, certificate=cert_certificate, reason="撤销")
    assert offered(cert_world.staff) == offered(cert_world.supervisor) == []


def test_the_page_shows_every_field_and_the_whole_history(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    suspended_by_body(cert_world, cert_certificate)
    client = browse(cert_world.supervisor)
    client.post(url("manage_withdraw", cert_certificate), {"withdraw-reason": "监督抽查不合格，撤销证书"})
    page = client.get(url("manage_detail", cert_certificate)).content.decode()
    for text in [
        "2025010101000001",
        "美的集团股份有限公司",
        cert_certificate.holder.uscc,
        "广东省佛山市顺德区北滘镇美的大道6号",
        "电饭锅",
        "0705",
        "MB-FB40; MB-FB50",
        "广东美的生活电器制造有限公司",
        "GB 4706.1-2005",
        "型式试验+初始工厂检查+获证后监督",
        "2022-06-01",
        "2030-05-31",
        "王建华",
        "2020-NQA-100001",
        "Reported by",
        "cqc_staff",
        "Reported one at a time",
    ]:
        assert text in page, text
    rows = re.findall(r"<tr>\s*<td>\d{4}-\d\d-\d\d</td>(.*?)</tr>", page, re.S)
    assert len(rows) == 2
    assert "Valid → Suspended" in rows[0] and "cqc_staff" in rows[0] and "中国质量认证中心" in rows[0]
    assert (
        "Suspended → Withdrawn" in rows[1]
        and "supervisor" in rows[1]
        and "国家认证认可监督管理委员会" in rows[1]
    )
    assert "Sanction" in rows[1] and "Sanction" not in rows[0]
    assert "暂停" in rows[0] and "监督抽查不合格，撤销证书" in rows[1]


def test_an_imported_certificate_names_its_import(
    cert_world: CertWorld, cert_certificate: Certificate
) -> None:
    job = ImportJob.objects.create(body=cert_world.body, uploaded_by=cert_world.staff, format="csv")
    Certificate.objects.filter(pk=cert_certificate.pk).update(import_job=job)
    page = browse(cert_world.staff).get(url("manage_detail", cert_certificate)).content.decode()
    assert f"File import no. {job.pk}" in page


# The list


@pytest.fixture
def several(cert_world: CertWorld, cert_certificate: Certificate) -> dict[str, Certificate]:
    """A valid CCC certificate (``cert_certificate``), a management-system one held by a firm entered in
    traditional script, one expiring in ten days, one suspended past its end, and one withdrawn."""
    system = cert_report(
        cert_world,
        Scheme.MANAGEMENT_SYSTEM,
        number="00125Q31234R0M",
        holder_name="青島海潤精工機械有限公司",
        holder_uscc=make_uscc("91370212718056342"),
    )
    soon = cert_report(cert_world, number="2025010101000002", expires_on=later(10))
    overdue = cert_report(cert_world, number="2025010101000003")
    suspend_certificate(
        acting_user=cert_world.staff,
        certificate=overdue,
        until=today() - dt.timedelta(days=5),
        effective_on=today() - dt.timedelta(days=20),
        reason="暂停",
    )
    gone = cert_report(cert_world, number="2025010101000004")
    withdraw_certificate(acting_user=cert_world.staff, certificate=gone, reason="撤销")
    return {"ccc": cert_certificate, "system": system, "soon": soon, "overdue": overdue, "gone": gone}


def listed(user: User, query: str = "") -> list[str]:
    response = browse(user).get(LIST + query)
    assert response.status_code == 200, response.content.decode()
    return re.findall(r'<a href="/certificates/manage/\d+/">([^<]+)</a>', response.content.decode())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "00125Q31234R0M",
                "2025010101000001",
                "2025010101000002",
                "2025010101000003",
                "2025010101000004",
            ],
        ),
        ("?status=withdrawn", ["2025010101000004"]),
        ("?status=suspended", ["2025010101000003"]),
        ("?scheme=management_system", ["00125Q31234R0M"]),
        ("?q=海润精工", ["00125Q31234R0M"]),
        ("?q=（青岛）海潤", ["00125Q31234R0M"]),
        ("?q=2025+0101+0100+0002", ["2025010101000002"]),
        ("?expiring_within=30", ["2025010101000002"]),
        ("?expiring_within=0", []),
        ("?overdue=on", ["2025010101000003"]),
        ("?scheme=ccc&status=valid&q=美的", ["2025010101000001", "2025010101000002"]),
        (
            "?sort=-number",
            [
                "2025010101000004",
                "2025010101000003",
                "2025010101000002",
                "2025010101000001",
                "00125Q31234R0M",
            ],
        ),
        ("?sort=expires&status=valid", ["2025010101000002", "00125Q31234R0M", "2025010101000001"]),
        ("?sort=nonsense&status=valid", ["00125Q31234R0M", "2025010101000001", "2025010101000002"]),
    ],
)
def test_the_list_filters_and_sorts(
    cert_world: CertWorld, several: dict[str, Certificate], query: str, expected: list[str]
) -> None:
    assert listed(cert_world.staff, query) == expected


def test_the_list_finds_a_holder_by_uscc_in_either_width(
    cert_world: CertWorld, several: dict[str, Certificate]
) -> None:
    uscc = several["system"].holder.uscc
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in uscc)
    assert listed(cert_world.staff, f"?q={uscc}") == ["00125Q31234R0M"]
    assert listed(cert_world.staff, f"?q={full_width}") == ["00125Q31234R0M"]


@pytest.mark.parametrize(
    "query", ["?expiring_within=abc", "?expiring_within=-1", "?status=lost", "?scheme=x"]
)
def test_a_bad_filter_is_a_400_with_the_error_shown(
    cert_world: CertWorld, several: dict[str, Certificate], query: str
) -> None:
    response = browse(cert_world.staff).get(LIST + query)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Correct the search:" in page
    assert "2025010101000001" not in page


def test_the_regulator_sees_every_body_and_filters_by_body(
    cert_world: CertWorld, several: dict[str, Certificate]
) -> None:
    other = cert_report(cert_world, Scheme.MANAGEMENT_SYSTEM, number="FY-0001")
    Certificate.objects.filter(pk=other.pk).update(body=cert_world.other_body)
    assert len(listed(cert_world.supervisor)) == 6
    assert listed(cert_world.supervisor, "?body=cnca-r-2002-002") == ["FY-0001"]
    page = browse(cert_world.supervisor).get(LIST).content.decode()
    assert "Issuing body" in page and "方圆标志认证集团有限公司" in page
    staff_page = browse(cert_world.staff).get(LIST).content.decode()
    assert "Issuing body" not in staff_page and 'name="body"' not in staff_page


def test_an_htmx_search_gets_only_the_rows(cert_world: CertWorld, several: dict[str, Certificate]) -> None:
    response = browse(cert_world.staff).get(LIST + "?status=withdrawn", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "2025010101000004" in page
    assert "<html" not in page


def test_the_list_takes_the_same_queries_whatever_the_number_of_rows(cert_world: CertWorld) -> None:
    def queries(user: User) -> int:
        client = browse(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    cert_report(cert_world, number="Q-0")
    before = {"staff": queries(cert_world.staff), "supervisor": queries(cert_world.supervisor)}
    for index in range(1, 8):
        certificate = cert_report(cert_world, number=f"Q-{index}")
        if index % 2:
            suspended_by_body(cert_world, certificate)
    after = {"staff": queries(cert_world.staff), "supervisor": queries(cert_world.supervisor)}
    assert after == before
    # session and user; is this supervision staff (asked twice: here and by access.managed_certificates), and
    # for body staff their bodies; the capped count and the page's rows (with their bodies); the navigation's 3
    assert before == {"staff": 10, "supervisor": 9}


def test_past_the_count_cap_the_list_says_there_are_more(
    cert_world: CertWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certis.core import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    for index in range(4):
        cert_report(cert_world, number=f"CAP-{index}")
    page = browse(cert_world.staff).get(LIST).content.decode()
    assert "More than 2 rows: narrow the search to see them all." in page
