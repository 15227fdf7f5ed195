"""Public verification pages: search the registry, a certificate's public page, "not found" with what it means,
the report of a suspected fake, and the supervision staff's list of those reports.

Views check access, call a selector (``search``) or a service (``suspects``), and render. The pages read public
fields only; see ``search.PUBLIC_RECORD``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from certis.accounts.access import actor_of
from certis.bodies.models import Scheme
from certis.certificates.models import Certificate, SuspectReport
from certis.certificates.selectors import search as selectors
from certis.certificates.services import suspects
from certis.certificates.services.ledger import subject as log_subject
from certis.core.http import AuthenticatedRequest, is_htmx
from certis.core.listing import CappedPaginator
from certis.ledger.selectors import proof_for

PER_PAGE = 50
_VERDICT = re.compile(r"^[a-z_]{1,32}$")


class SearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Number, holder's name, USCC, product or model"),
        max_length=selectors.MAX_QUERY,
        required=False,
    )
    by = forms.ChoiceField(
        label=gettext_lazy("Search by"), choices=list(selectors.KIND_LABELS.items()), required=False
    )
    scheme = forms.ChoiceField(
        label=gettext_lazy("Scheme"),
        choices=[("", gettext_lazy("All schemes")), *Scheme.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Any status")), *Certificate.Status.choices],
        required=False,
    )

    def clean_q(self) -> str:
        value: str = self.cleaned_data["q"]
        if "\x00" in value:
            raise ValidationError(gettext_lazy("The search holds a character that cannot be searched for."))
        return value


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """The search box: what was typed is guessed (number, USCC, name, product) unless ``by`` says."""
    form = SearchForm(request.GET or None)
    context: dict[str, Any] = {
        "form": form,
        "searched": None,
        "page": None,
        "holder_cap": selectors.HOLDER_CAP,
        "match_cap": selectors.MATCH_CAP,
    }
    valid = form.is_valid() if form.is_bound else True
    if valid and form.is_bound and form.cleaned_data["q"].strip():
        data = form.cleaned_data
        asked = selectors.Search(
            text=data["q"],
            requested=data["by"] or selectors.AUTO,
            scheme=data["scheme"],
            status=data["status"],
        )
        page = selectors.results_page(asked, request.GET.get("page"), PER_PAGE)
        for row in page.object_list:
            row["url"] = selectors.row_url(row)
        context |= {"searched": asked, "page": page, "report_url": selectors.report_url(asked.text)}
    template = (
        "certificates/public/search_rows.html" if is_htmx(request) else "certificates/public/search.html"
    )
    return render(request, template, context, status=200 if valid or is_htmx(request) else 400)


@require_safe
def detail(request: HttpRequest, body: str, number: str) -> HttpResponse:
    """A certificate's public page, at ``/certificates/<body's approval number>/<certificate number>/``."""
    records = selectors.records_by_number(number, body=body, limit=1)
    if not records:
        return not_found(request, number=number, body=body)
    record = records[0]
    # The signed code (``certificates/includes/code.html``) is made from the model instance; read only when the
    # template draws it.
    certificate = SimpleLazyObject(
        lambda: Certificate.objects.select_related("body", "holder").get(pk=record["id"])
    )
    context = {
        "record": record,
        "history": selectors.history(record["id"], record),
        "log_proof": proof_for(log_subject(record["body"]["number"], record["number"])),
        "certificate": certificate,
        "today": timezone.localdate(),
    }
    return render(request, "certificates/public/detail.html", context)


def not_found(request: HttpRequest, *, number: str, body: str = "") -> HttpResponse:
    """What "not in the registry" means, and how to report a suspected fake; status 404."""
    context = {"number": number, "body_number": body, "report_url": selectors.report_url(number)}
    return render(request, "certificates/public/not_found.html", context, status=404)


# Reports of suspected fakes


class SuspectForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Certificate number, mark serial or code"), max_length=2000)
    what_was_seen = forms.CharField(
        label=gettext_lazy("Where you saw it and what it said"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "For example the shop or website, the product, the holder's name printed on it."
        ),
    )
    contact = forms.CharField(
        label=gettext_lazy("How to reach you (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Only the regulator's staff see it, to ask you more if they need to."),
    )
    verdict = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)
    # People leave this empty: it is hidden from them. Programs that fill every field give themselves away.
    website = forms.CharField(
        label=gettext_lazy("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_verdict(self) -> str:
        value: str = self.cleaned_data["verdict"]
        return value if _VERDICT.match(value) else ""


@require_http_methods(["GET", "HEAD", "POST"])
def report_suspect(request: HttpRequest) -> HttpResponse:
    """The form anyone may use to report a suspected fake; ``?number=`` fills it in."""
    if request.method != "POST":
        number = request.GET.get("number", "")[:2000].replace("\x00", "")
        verdict = request.GET.get("verdict", "")
        initial = {"number": number, "verdict": verdict if _VERDICT.match(verdict) else ""}
        if number and not initial["verdict"]:
            initial["verdict"] = selectors.verdict_for(number)
        return render(
            request, "certificates/public/report_suspect.html", {"form": SuspectForm(initial=initial)}
        )
    form = SuspectForm(request.POST)
    if form.is_valid() and form.cleaned_data["website"]:
        messages.success(request, _("Thank you: your report was received."))  # said to the program, not kept
        return redirect("certificates:search")
    if form.is_valid() and not suspects.may_report(request):
        form.add_error(None, _("You have sent several reports in the last hour. Try again later."))
    if form.is_valid():
        data = form.cleaned_data
        try:
            suspects.report_suspect(
                acting_user=actor_of(request),
                number=data["number"],
                what_was_seen=data["what_was_seen"],
                contact=data["contact"],
                verdict=data["verdict"] or selectors.verdict_for(data["number"]),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            suspects.count_report(request)
            messages.success(
                request,
                _("Thank you: your report was received and goes to the regulator's supervision staff."),
            )
            return redirect("certificates:search")
    return render(request, "certificates/public/report_suspect.html", {"form": form}, status=400)


def _supervisors_only(request: HttpRequest) -> None:
    if not suspects.can_handle_suspects(request.user):
        raise PermissionDenied


@login_required
@require_safe
def suspect_list(request: HttpRequest) -> HttpResponse:
    _supervisors_only(request)
    shown = request.GET.get("status", SuspectReport.Status.OPEN)
    reports = suspects.open_reports_first()
    if shown in SuspectReport.Status.values:
        reports = reports.filter(status=shown)
    else:
        shown = ""
    page = CappedPaginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    for report in page.object_list:
        report.verdict_label = suspects.verdict_label(report.verdict)
    context = {"page": page, "shown": shown, "statuses": SuspectReport.Status.choices}
    return render(request, "certificates/public/suspects.html", context)


@login_required
@require_POST
def close_suspect(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    report = get_object_or_404(SuspectReport, pk=pk)
    try:
        suspects.close_suspect_report(acting_user=request.user, report=report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Report %(number)s closed.") % {"number": report.number[:40]})
    return redirect("certificates:suspects")
