"""The public verification pages: the search page, a certificate's page (every status said plainly with its
date, public fields only), "not found" with what it means, the report of a suspected fake that reaches the
supervision staff, and their list of reports."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from certis.accounts.models import Notification
from certis.audit.models import AuditEvent, EventType
from certis.bodies.models import Scheme
from certis.certificates.models import Certificate, SuspectReport
from certis.certificates.selectors.codes import verify_code
from certis.certificates.signing import Verdict
from certis.certificates.tests.conftest import CertWorld, cert_report
from certis.certificates.tests.public_fixtures import (
    SUSPENSION_REASON,
    WITHDRAWAL_REASON,
    PubWorld,
    report_for,
)
from certis.core.testing import LOGIN, answer, client_for

pytestmark = pytest.mark.django_db

SEARCH = reverse("certificates:search")
REPORT = reverse("certificates:report_suspect")


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def text_of(response: Any) -> str:
    return " ".join(response.content.decode().split())


def page_of(certificate: Certificate, client: Client | None = None) -> Any:
    url = reverse("certificates:detail", args=[certificate.body.number, certificate.number])
    return (client or english()).get(url)


def d(day: dt.date) -> str:
    return day.isoformat()


# A certificate's page: every status plainly, with its date


def test_a_valid_certificate_says_until_when(pub_world: PubWorld) -> None:
    response = page_of(pub_world.valid)
    assert response.status_code == 200
    assert "Valid until 2030-05-31." in text_of(response)


def test_a_suspended_certificate_says_since_until_and_why(pub_world: PubWorld) -> None:
    text = text_of(page_of(pub_world.suspended))
    since, until = d(pub_world.today), d(pub_world.suspended_until)
    assert f"Suspended since {since} until {until}." in text
    assert "It may not be relied on while it is suspended." in text
    assert f"Reason: {SUSPENSION_REASON}" in text


def test_a_withdrawn_certificate_says_when_and_why_and_that_it_was_a_sanction(pub_world: PubWorld) -> None:
    text = text_of(page_of(pub_world.withdrawn))
    assert f"Withdrawn on {d(pub_world.today)}. It is no longer valid." in text
    assert f"Reason: {WITHDRAWAL_REASON}" in text
    assert "regulator&#x27;s sanction" in text or "regulator's sanction" in text


def test_a_cancelled_certificate_says_when(pub_world: PubWorld) -> None:
    assert f"Cancelled on {d(pub_world.today)}. It is no longer valid." in text_of(
        page_of(pub_world.cancelled)
    )


def test_an_expired_certificate_says_when(pub_world: PubWorld) -> None:
    assert "Expired on 2023-03-02: it was valid until 2023-03-01." in text_of(page_of(pub_world.expired))


def test_a_certificate_past_its_expiry_date_shows_as_expired_before_the_task_runs(
    pub_world: PubWorld,
) -> None:
    assert pub_world.lapsed.status == Certificate.Status.VALID
    response = page_of(pub_world.lapsed)
    text = text_of(response)
    assert "Expired on 2023-03-02: it was valid until 2023-03-01." in text
    assert "Valid until" not in text
    assert [event["to_status"] for event in response.context["history"]] == ["expired"]


def test_the_page_states_what_the_certificate_covers_and_who_issued_and_signed_it(
    pub_world: PubWorld,
) -> None:
    response = page_of(pub_world.valid)
    text = text_of(response)
    body_url = reverse("register:body_detail", args=["CNCA-R-2002-001"])
    for shown in [
        "美的集团股份有限公司",
        "广东省佛山市顺德区北滘镇美的大道6号",
        pub_world.valid.holder.uscc,
        "电饭锅",
        "0705",
        "MB-FB40; MB-FB50",
        "广东美的生活电器制造有限公司",
        "GB 4706.1-2005",
        "型式试验+初始工厂检查+获证后监督",
        "2022-06-01",
        "2025-06-01",
        f'href="{body_url}"',
        "王建华, registration number 2020-NQA-100001",
    ]:
        assert shown in text, shown


def test_a_management_system_certificate_shows_its_sites(pub_world: PubWorld) -> None:
    text = text_of(page_of(pub_world.traditional))
    assert "Sites covered" in text
    assert "广东省佛山市顺德区容桂街道" in text and "生产" in text


def test_the_status_history_is_shown_in_order(pub_world: PubWorld) -> None:
    history = page_of(pub_world.suspended).context["history"]
    assert [(e["from_status"], e["to_status"], e["until"], e["reason"]) for e in history] == [
        ("valid", "suspended", pub_world.suspended_until, SUSPENSION_REASON)
    ]


def test_no_private_field_is_ever_shown(pub_world: PubWorld) -> None:
    w = pub_world.world
    signatory = w.signatory
    signatory.refresh_from_db()
    private = [
        w.staff.username,  # who reported it
        w.supervisor.username,  # who withdrew it
        signatory.id_number_masked,
        signatory.id_number_digest,
        signatory.id_number_sealed,
        "senior",  # the signatory's grade
    ]
    pages = [text_of(page_of(c)) for c in (pub_world.valid, pub_world.withdrawn, pub_world.suspended)]
    pages.append(text_of(english().get(SEARCH, {"q": "正泰电器"})))
    for text in pages:
        for secret in private:
            assert secret not in text, secret
    assert set(page_of(pub_world.valid).context["record"]) >= {"signatory"}
    assert page_of(pub_world.valid).context["record"]["signatory"] == {
        "name": "王建华",
        "registration_number": "2020-NQA-100001",
    }


def test_a_number_with_slashes_has_a_page(cert_world: CertWorld) -> None:
    certificate = cert_report(cert_world, Scheme.MANAGEMENT_SYSTEM, number="00124Q31234R1M/3200")
    url = reverse("certificates:detail", args=["CNCA-R-2002-001", "00124Q31234R1M/3200"])
    assert url == "/certificates/CNCA-R-2002-001/00124Q31234R1M/3200/"
    assert Client().get(url).context["record"]["number"] == certificate.number


def test_the_page_of_a_number_used_by_two_bodies_is_the_one_of_its_body(pub_world: PubWorld) -> None:
    assert page_of(pub_world.shared).context["record"]["body"]["number"] == "CNCA-R-2002-001"
    assert page_of(pub_world.shared_other).context["record"]["body"]["number"] == "CNCA-R-2002-002"


def test_the_page_carries_the_certificates_signed_code_and_qr_code(pub_world: PubWorld) -> None:
    response = page_of(pub_world.valid)
    page = response.content.decode()
    assert 'id="certificate-code"' in page and "<svg" in page
    code = re.search(r'<textarea id="code-text-\d+"[^>]*>([^<]+)</textarea>', page)
    assert code is not None
    answer = verify_code(code.group(1).strip())
    assert (answer.verdict, answer.certificate) == (Verdict.VALID, pub_world.valid)


def test_the_reserved_first_segments_are_not_taken_for_a_body(db: Any) -> None:
    for path in ["/certificates/verify/x/", "/certificates/report/x/", "/certificates/manage/1/"]:
        try:
            match = resolve(path)
        except Resolver404:
            continue
        assert match.url_name != "detail", path
    assert resolve("/certificates/CNCA-R-2002-001/X1/").url_name == "detail"


# Not found


def test_an_unknown_certificate_page_says_what_not_found_means(pub_world: PubWorld) -> None:
    url = reverse("certificates:detail", args=["CNCA-R-2002-001", "FAKE-0001"])
    response = english().get(url)
    assert response.status_code == 404
    text = text_of(response)
    assert "No certificate numbered “FAKE-0001” issued by body CNCA-R-2002-001 is in the registry." in text
    assert "it may be fake, or the body that issued it may not have reported it yet" in text
    assert reverse("register:body_list") in text
    assert REPORT + "?" + urlencode({"number": "FAKE-0001"}) in text


def test_a_number_at_another_body_is_not_found_at_this_one(pub_world: PubWorld) -> None:
    url = reverse("certificates:detail", args=["CNCA-R-2002-002", pub_world.valid.number])
    assert english().get(url).status_code == 404


def test_a_search_that_finds_nothing_explains_and_offers_the_report(pub_world: PubWorld) -> None:
    response = english().get(SEARCH, {"q": "FAKE-0001"})
    assert response.status_code == 200
    text = text_of(response)
    assert "Nothing in the registry matches “FAKE-0001”." in text
    assert "it may be fake" in text
    assert REPORT + "?" + urlencode({"number": "FAKE-0001"}) in response.content.decode().replace(
        "&amp;", "&"
    )


# The search page


def numbers_on(response: Any) -> list[str]:
    return [row["number"] for row in response.context["page"].object_list]


def test_the_search_page_is_open_to_everyone(pub_world: PubWorld) -> None:
    w = pub_world.world
    for client in (client_for(w.staff), client_for(w.other_staff), Client()):
        response = client.get(SEARCH, {"q": "美的集团"})
        assert answer(response) == 200
        assert numbers_on(response) == ["2025010101000001"]


def test_the_search_page_shows_status_and_dates_of_each_certificate(pub_world: PubWorld) -> None:
    response = english().get(SEARCH, {"q": "正泰电器"})
    shown = {
        (row["number"], row["body"]["number"]): row["status"] for row in response.context["page"].object_list
    }
    assert shown == {
        ("2020SV0005", "CNCA-R-2002-001"): "expired",
        ("2020SV0006", "CNCA-R-2002-001"): "expired",  # past its date, not yet recorded
        ("2025010101000002", "CNCA-R-2002-001"): "suspended",
        ("2025010101000003", "CNCA-R-2002-001"): "withdrawn",
        ("2025SHARED001", "CNCA-R-2002-001"): "valid",
        ("2025shared001", "CNCA-R-2002-002"): "valid",
        ("2025SV0004", "CNCA-R-2002-001"): "cancelled",
    }
    text = text_of(response)
    for label in ("Expired", "Suspended", "Withdrawn", "Valid", "Cancelled"):
        assert f">{label}</span>" in response.content.decode(), label
    assert f"on {d(pub_world.today)}" in text  # withdrawn and cancelled today
    assert f"since {d(pub_world.today)} until {d(pub_world.suspended_until)}" in text
    assert "valid until 2030-05-31" in text
    assert "on 2023-03-02" in text  # the lapsed and the expired one
    detail = reverse("certificates:detail", args=["CNCA-R-2002-002", "2025shared001"])
    assert f'href="{detail}"' in text


def test_search_filters_and_bad_filters(pub_world: PubWorld) -> None:
    assert numbers_on(Client().get(SEARCH, {"q": "正泰电器", "status": "cancelled"})) == ["2025SV0004"]
    assert numbers_on(Client().get(SEARCH, {"q": "正泰电器", "scheme": "ccc", "status": "suspended"})) == [
        "2025010101000002"
    ]
    assert Client().get(SEARCH, {"q": "正泰", "status": "lost"}).status_code == 400
    assert Client().get(SEARCH, {"q": "x" * 101}).status_code == 400
    assert Client().get(SEARCH, {"q": "a\x00b"}).status_code == 400
    assert Client().get(SEARCH, {"q": "正泰", "by": "telepathy"}).status_code == 400


def test_an_empty_search_shows_the_form_only(db: Any) -> None:
    response = Client().get(SEARCH)
    assert response.status_code == 200 and response.context["page"] is None


def test_htmx_gets_only_the_results(pub_world: PubWorld) -> None:
    response = Client().get(SEARCH, {"q": "美的"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode() and "2025010101000001" in response.content.decode()


def test_the_search_page_does_not_query_per_row(pub_world: PubWorld) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(SEARCH, {"q": "正泰电器"})
            assert response.status_code == 200
        return len(captured)

    before = queries()
    w = pub_world.world
    for index in range(6):
        certificate = report_for(
            w,
            w.body,
            w.staff,
            number=f"2025MORE{index}",
            holder_name="浙江正泰电器股份有限公司",
            holder_uscc=pub_world.suspended.holder.uscc,
            holder_address="浙江省温州市",
        )
        assert certificate.pk
    assert len(numbers_on(Client().get(SEARCH, {"q": "正泰电器"}))) == 13
    assert queries() == before
    assert before <= 4  # the holders, the count, the page (a session adds none for a visitor)


# Reports of suspected fakes


def test_the_report_form_is_filled_in_from_the_address(pub_world: PubWorld) -> None:
    response = english().get(REPORT, {"number": "FAKE-0001"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial == {"number": "FAKE-0001", "verdict": "not_found"}
    assert english().get(REPORT, {"number": pub_world.suspended.number}).context["form"].initial[
        "verdict"
    ] == ("suspended")


def post_report(client: Client, **data: Any) -> Any:
    return client.post(REPORT, {"number": "FAKE-0001", "what_was_seen": "淘宝店铺某某电器", **data})


def test_a_report_reaches_the_supervision_staff(
    pub_world: PubWorld, django_capture_on_commit_callbacks: Any
) -> None:
    w = pub_world.world
    w.supervisor.email = "supervisor@example.gov.cn"
    w.supervisor.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_report(english(), contact="13800000000", verdict="not_found")
    assert response.status_code == 302
    report = SuspectReport.objects.get()
    assert (report.number, report.what_was_seen, report.contact, report.verdict, report.status) == (
        "FAKE-0001",
        "淘宝店铺某某电器",
        "13800000000",
        "not_found",
        "open",
    )
    notice = Notification.objects.get(recipient=w.supervisor)
    assert "FAKE-0001" in notice.message and notice.link == reverse("certificates:suspects")
    assert not Notification.objects.exclude(recipient=w.supervisor).exists()  # body staff hear nothing
    assert [m.to for m in mail.outbox] == [["supervisor@example.gov.cn"]]
    event = AuditEvent.objects.get(event_type=EventType.SUSPECT_REPORTED)
    assert event.target_id == str(report.pk) and "13800000000" not in str(event.data)


def test_a_report_that_rolls_back_notifies_no_one(pub_world: PubWorld) -> None:
    # Without the commit, the notice is never written: it waits for on_commit.
    post_report(Client())
    assert SuspectReport.objects.count() == 1
    assert not Notification.objects.exists()


def test_a_report_needs_what_was_seen(db: Any) -> None:
    response = english().post(REPORT, {"number": "FAKE-0001", "what_was_seen": " "})
    assert response.status_code == 400
    assert not SuspectReport.objects.exists()


def test_a_program_that_fills_the_hidden_field_is_thanked_and_ignored(db: Any) -> None:
    response = post_report(Client(), website="http://spam.example")
    assert response.status_code == 302
    assert not SuspectReport.objects.exists()


def test_reports_are_limited_per_session(db: Any, settings: Any) -> None:
    settings.CERTIFICATES_SUSPECT_REPORTS_PER_HOUR = 2
    client = english()
    assert [post_report(client).status_code for _ in range(3)] == [302, 302, 400]
    assert SuspectReport.objects.count() == 2
    assert "several reports in the last hour" in text_of(post_report(client))
    assert post_report(english()).status_code == 302  # another session from the same address, under its limit


def test_reports_are_limited_per_address(db: Any, settings: Any) -> None:
    settings.CERTIFICATES_SUSPECT_REPORTS_PER_HOUR = 1
    assert [post_report(Client()).status_code for _ in range(5)] == [302, 302, 302, 302, 400]


def test_only_supervision_staff_see_the_reports(pub_world: PubWorld) -> None:
    w = pub_world.world
    post_report(Client())
    url = reverse("certificates:suspects")
    response = client_for(w.supervisor).get(url)
    assert answer(response) == 200
    assert [r.number for r in response.context["page"].object_list] == ["FAKE-0001"]
    assert answer(client_for(w.staff).get(url)) == 403
    assert answer(Client().get(url)) == LOGIN


def test_supervision_staff_close_a_report(pub_world: PubWorld) -> None:
    w = pub_world.world
    post_report(Client())
    report = SuspectReport.objects.get()
    url = reverse("certificates:close_suspect", args=[report.pk])
    assert answer(client_for(w.staff).post(url)) == 403
    assert answer(Client().post(url)) == LOGIN
    assert answer(client_for(w.supervisor).get(url)) == 405
    assert answer(client_for(w.supervisor).post(url)) == 302
    report.refresh_from_db()
    assert report.status == "closed"
    assert AuditEvent.objects.filter(
        target_id=str(report.pk), actor=w.supervisor, event_type=EventType.SUSPECT_CLOSED
    ).exists()
    supervisor = client_for(w.supervisor)
    supervisor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "This report is already closed." in text_of(supervisor.post(url, follow=True))
    assert list(supervisor.get(reverse("certificates:suspects")).context["page"].object_list) == []
    closed = client_for(w.supervisor).get(reverse("certificates:suspects"), {"status": "closed"})
    assert [r.pk for r in closed.context["page"].object_list] == [report.pk]
    assert (
        client_for(w.supervisor).post(reverse("certificates:close_suspect", args=[999999])).status_code == 404
    )
