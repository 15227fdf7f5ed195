"""Who may see and do what with online applications: one place for every check, used by the services, the
views, the API and the templates. Which moves are made in which stage, and by whom, is ``lifecycle``'s.

- Applicants: staff and managers of the applying organisation (a certification body or a lab). They see their
  organisation's applications, submit, upload documents before acceptance and while supplementing, resubmit
  after a return, and withdraw before the decision.
- Approval staff (``approval_staff``) see every application and process it: accept, return for supplementing,
  assign reviewers, complete the review, issue the approval and publish it; they may also upload documents
  (a site-assessment record, say) and record a body's accreditation.
- Approving officials (``approval_official``) see every application and take the decision.
- Reviewers (``reviewer``) see only the applications they are assigned to, and record their findings there.
- The five-reductions figures are for the regulator: approval staff, officials, the leading group and its
  office.

The regulator's roles count only when held in one of the regulator's own organisations (its departments,
affiliated units and local bureaus): a body's manager who was somehow given the approval-staff role does not
thereby process applications, their own or their competitors'.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from certis.accounts.access import Role, has_regulator_role, has_role
from certis.accounts.models import Membership, Organisation, Visitor

from ..models import Application, ReviewAssignment
from .lifecycle import APPLICANT, MOVES, OFFICIAL, STAFF, moves_at

APPLICANT_ROLES = (Role.STAFF, Role.MANAGER)
APPLYING_KINDS = (Organisation.Kind.CERTIFICATION_BODY, Organisation.Kind.LAB)


def is_approval_staff(user: Visitor) -> bool:
    return has_regulator_role(user, Role.APPROVAL_STAFF)


def is_official(user: Visitor) -> bool:
    return has_regulator_role(user, Role.APPROVAL_OFFICIAL)


def is_reviewer(user: Visitor) -> bool:
    """A technical reviewer (whether or not assigned to a given application)."""
    return has_regulator_role(user, Role.REVIEWER)


def sees_all(user: Visitor) -> bool:
    return has_regulator_role(user, Role.APPROVAL_STAFF, Role.APPROVAL_OFFICIAL)


def can_see_figures(user: Visitor) -> bool:
    return sees_all(user) or has_role(user, Role.LEADING_GROUP, Role.PLAN_OFFICE)


def applicant_organisations(user: Visitor) -> QuerySet[Organisation]:
    """The bodies and labs the person may apply for."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=APPLICANT_ROLES, kind__in=APPLYING_KINDS, is_active=True
    ).distinct()


def acts_for(user: Visitor | None, organisation: Organisation | int) -> bool:
    """Whether the person is of the applicant's staff or managers (no one, or the system, is not)."""
    if user is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, organisation=organisation, role__in=APPLICANT_ROLES).exists()


def is_assigned_reviewer(user: Visitor | None, application: Application) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return ReviewAssignment.objects.filter(application=application, reviewer=user).exists()


def applications_for(user: Visitor) -> QuerySet[Application]:
    if not user.is_authenticated:
        return Application.objects.none()
    if sees_all(user):
        return Application.objects.all()
    own = Q(
        applicant__in=Membership.objects.filter(user=user, role__in=APPLICANT_ROLES).values("organisation")
    )
    assigned = Q(pk__in=ReviewAssignment.objects.filter(reviewer=user).values("application"))
    return Application.objects.filter(own | assigned)


def get_application_for_user(user: Visitor, application_id: int) -> Application:
    application = (
        applications_for(user)
        .select_related("body", "applicant", "submitted_by")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise Http404
    return application


def _holds(user: Visitor, application: Application, who: str) -> bool:
    if who == APPLICANT:
        return acts_for(user, application.applicant_id)
    if who == STAFF:
        return is_approval_staff(user)
    if who == OFFICIAL:
        return is_official(user)
    return is_assigned_reviewer(user, application)


def holds_role_for(user: Visitor, application: Application, action: str) -> bool:
    """Whether the person is of those who take the action on this application (whatever its stage)."""
    return _holds(user, application, MOVES[action].who)


def next_actions(user: Visitor, application: Application) -> list[str]:
    """The moves the person may make now: the application's stage and body allow it (see ``lifecycle``) and
    the person is of those who make it."""
    holds: dict[str, bool] = {}
    allowed = []
    for action in moves_at(application):
        who = MOVES[action].who
        if who not in holds:
            holds[who] = _holds(user, application, who)
        if holds[who]:
            allowed.append(action)
    return allowed
