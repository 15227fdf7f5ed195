"""The reporting pages of a certification body: one certificate on a form, a file uploaded and followed on its
job page, the Excel templates, and the report of bad rows in CSV and Excel."""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from certis.bodies.models import Scheme
from certis.certificates.files.workbooks import FIRST_DATA_ROW
from certis.certificates.models import Certificate, ImportJob
from certis.certificates.schemes import FIELDS, required_fields, template_fields
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_row
from certis.certificates.tests.report_fixtures import browse, cert_rows, csv_bytes, import_file, upload

Status = ImportJob.Status


@pytest.fixture
def staff(cert_world: CertWorld) -> Client:
    return browse(cert_world.staff)


def form_url(world: CertWorld) -> str:
    return reverse("certificates:report_form", args=[world.body.pk])


def posted(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row.get(name, "") for name in FIELDS}


# One certificate on a form


def test_the_form_shows_the_fields_of_the_scheme_chosen(cert_world: CertWorld, staff: Client) -> None:
    page = staff.get(form_url(cert_world), {"scheme": Scheme.MANAGEMENT_SYSTEM})
    assert page.status_code == 200
    main = [field.name for field, _required in page.context["main_fields"]]
    assert main == template_fields(Scheme.MANAGEMENT_SYSTEM)
    assert "sites" in main and "product_code" not in main
    required = {field.name for field, is_required in page.context["main_fields"] if is_required}
    assert required == set(required_fields(Scheme.MANAGEMENT_SYSTEM))
    html = page.content.decode()
    assert 'hx-get="' + form_url(cert_world) + '"' in html  # choosing another scheme refreshes the fields
    assert 'hx-select="#report-fields"' in html


def test_a_good_form_adds_the_certificate_and_the_same_number_updates_it(
    cert_world: CertWorld, staff: Client
) -> None:
    response = staff.post(form_url(cert_world), posted(cert_row()))
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:report_body", args=[cert_world.body.pk])
    certificate = Certificate.objects.get()
    assert (certificate.body, certificate.reported_by) == (cert_world.body, cert_world.staff)
    assert "Certificate 2025010101000001 added." in staff.get(response["Location"]).content.decode()
    response = staff.post(form_url(cert_world), posted(cert_row(product_models="MB-FB60")))
    assert response.status_code == 302
    assert Certificate.objects.get().product_models == "MB-FB60"
    assert "Certificate 2025010101000001 updated." in staff.get(response["Location"]).content.decode()


def test_each_problem_is_shown_next_to_its_field(cert_world: CertWorld, staff: Client) -> None:
    row = cert_row(holder_uscc="91440606722473701A", expires_on="2020-01-01", standards="GB 1-1999")
    response = staff.post(form_url(cert_world), posted(row))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"holder_uscc", "expires_on", "standards"}
    assert errors["standards"] == ["GB 1-1999 is not a known standard."]
    assert errors["expires_on"] == ["The expiry date is not after the issue date."]
    html = response.content.decode()
    assert '<p class="field-error" role="alert">GB 1-1999 is not a known standard.</p>' in html
    assert not Certificate.objects.exists()


def test_the_form_refuses_a_scheme_outside_the_bodys_scope(cert_world: CertWorld) -> None:
    client = browse(cert_world.other_staff)
    url = reverse("certificates:report_form", args=[cert_world.other_body.pk])
    response = client.post(url, posted(cert_row(signatory="2020-NQA-100003")))
    assert response.status_code == 400
    assert "not approved for" in response.context["form"].errors["scheme"][0]


def test_the_form_reads_and_answers_in_chinese_too(cert_world: CertWorld) -> None:
    from django.utils import translation

    client = browse(cert_world.staff)
    client.cookies["django_language"] = "zh-hans"
    response = client.post(form_url(cert_world), posted(cert_row(holder_name="")))
    with translation.override("zh-hans"):
        expected = translation.gettext("%(field)s is missing.") % {"field": FIELDS["holder_name"]}
    assert response.context["form"].errors["holder_name"] == [expected]


def test_the_form_is_filled_in_with_a_certificate_reported_before(
    cert_world: CertWorld, staff: Client
) -> None:
    cert_report(cert_world, Scheme.MANAGEMENT_SYSTEM, number="Q-1")
    form = staff.get(form_url(cert_world), {"number": "q-1"}).context["form"]
    assert form.initial["holder_uscc"] == cert_row()["holder_uscc"]
    assert form.initial["standards"] == "GB/T 19001-2016; ISO 9001:2015"
    assert form.initial["sites"].splitlines()[1] == "广东省佛山市顺德区容桂街道: 生产"
    assert form.initial["signatory"] == "2020-NQA-100001"


# A file


def test_an_uploaded_file_is_checked_and_its_page_shows_the_result(
    cert_world: CertWorld, staff: Client
) -> None:
    url = reverse("certificates:report_upload", args=[cert_world.body.pk])
    response = staff.post(url, {"file": upload(csv_bytes(cert_rows(3))), "scheme": ""})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates:report_job", args=[job.pk])
    page = staff.get(response["Location"])
    assert "The file's 3 rows were applied: 3 certificates added, 0 updated." in page.content.decode()
    assert "hx-get" not in page.content.decode()
    body_page = staff.get(reverse("certificates:report_body", args=[cert_world.body.pk])).content.decode()
    assert reverse("certificates:report_job", args=[job.pk]) in body_page


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "c.csv", "is empty"),
        (b"hello", "c.xlsx", "not a readable Excel workbook"),
        (b"number,colour,scheme,holder_name\n", "c.csv", "colour"),
        (b"number,scheme\n\x81\x20\xff\xfe\n", "c.csv", "not text in UTF-8 or GB18030"),
    ],
)
def test_a_bad_file_is_refused_on_the_page_with_the_reason(
    cert_world: CertWorld, staff: Client, data: bytes, name: str, message: str
) -> None:
    url = reverse("certificates:report_upload", args=[cert_world.body.pk])
    response = staff.post(url, {"file": upload(data, name)})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["file"])
    assert not ImportJob.objects.exists()


def test_a_rejected_file_shows_its_bad_rows_and_offers_the_report(
    cert_world: CertWorld, staff: Client
) -> None:
    rows = cert_rows(3)
    rows[1]["holder_uscc"] = "123"
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(rows))
    html = staff.get(reverse("certificates:report_job", args=[job.pk])).content.decode()
    assert "1 of 3 rows has problems; nothing was applied." in html
    assert '<td class="num">3</td><td><code>holder_uscc</code></td><td><code>bad_uscc</code></td>' in html
    for fmt in ("csv", "xlsx"):
        assert reverse("certificates:report_job_errors", args=[job.pk, fmt]) in html


def test_a_running_job_shows_its_progress_and_htmx_asks_again(cert_world: CertWorld, staff: Client) -> None:
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(3)))
    ImportJob.objects.filter(pk=job.pk).update(status=Status.RUNNING, rows_done=1_500, total_rows=3_000)
    url = reverse("certificates:report_job", args=[job.pk])
    html = staff.get(url).content.decode()
    assert '<progress max="3000" value="1500">50%</progress>' in html
    assert f'hx-get="{url}" hx-trigger="every 1s"' in html
    assert '<meta http-equiv="refresh"' in html  # without JavaScript the page reloads itself
    partial = staff.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.startswith('<section id="job-status"') and "<html" not in partial
    assert "1,500 of 3,000 rows checked (50%)." in partial


# The report of bad rows


@pytest.fixture
def rejected(cert_world: CertWorld) -> ImportJob:
    rows = cert_rows(3)
    rows[0]["holder_uscc"] = "123"
    rows[2]["standards"] = "GB 1-1999"
    return import_file(cert_world.staff, cert_world.body, csv_bytes(rows))


REPORT = [
    ["2", "holder_uscc", "Holder's unified social credit code", "bad_uscc"],
    ["4", "standards", "Standards (with editions)", "unknown_standard"],
]


def test_the_report_of_bad_rows_downloads_as_csv(rejected: ImportJob, staff: Client) -> None:
    response = staff.get(reverse("certificates:report_job_errors", args=[rejected.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = b"".join(response.streaming_content)
    assert data.startswith(codecs.BOM_UTF8)  # Excel opens it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["row", "field", "heading", "code", "message"]
    assert [row[:4] for row in rows[1:]] == REPORT
    assert rows[2][4] == "GB 1-1999 is not a known standard."


def test_the_report_of_bad_rows_downloads_as_excel(rejected: ImportJob, staff: Client) -> None:
    response = staff.get(reverse("certificates:report_job_errors", args=[rejected.pk, "xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["Row", "Field", "Column", "Reason code", "Message"]
    assert [row[:4] for row in rows[1:]] == [[r, f, h, c] for r, f, h, c in REPORT]


def test_an_applied_job_has_no_report_to_download(cert_world: CertWorld, staff: Client) -> None:
    job = import_file(cert_world.staff, cert_world.body, csv_bytes(cert_rows(1)))
    assert staff.get(reverse("certificates:report_job_errors", args=[job.pk, "csv"])).status_code == 404


# The templates


@pytest.mark.parametrize("scheme", Scheme.values)
def test_each_scheme_has_a_template_headed_by_its_fields_with_a_sheet_explaining_them(
    cert_world: CertWorld, staff: Client, scheme: str
) -> None:
    response = staff.get(reverse("certificates:report_template", args=[scheme]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="certis-{scheme}-template.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet, instructions = workbook.worksheets
    names = template_fields(scheme)
    required = set(required_fields(scheme))
    headings = [cell.value for cell in sheet[1]]
    assert headings == [str(FIELDS[n]) + (" *" if n in required else "") for n in names]
    assert [cell.value for cell in sheet[2]] == names
    assert sheet.row_dimensions[2].hidden
    assert instructions.title == "Instructions"
    explained = {row[1] for row in instructions.iter_rows(values_only=True)}
    assert set(names) <= explained


def test_a_filled_in_template_is_reported(cert_world: CertWorld, staff: Client) -> None:
    data = staff.get(reverse("certificates:report_template", args=[Scheme.CCC])).content
    workbook = load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    names = [cell.value for cell in sheet[2]]
    for offset, row in enumerate(cert_rows(2)):
        for column, name in enumerate(names, start=1):
            sheet.cell(row=FIRST_DATA_ROW + offset, column=column, value=row.get(name))
    out = io.BytesIO()
    workbook.save(out)
    job = import_file(cert_world.staff, cert_world.body, out.getvalue(), name="ccc.xlsx")
    assert job.status == Status.APPLIED, job.errors
    assert job.created_count == 2


def test_an_unknown_scheme_has_no_template(staff: Client) -> None:
    assert staff.get(reverse("certificates:report_template", args=["bitcoin"])).status_code == 404
