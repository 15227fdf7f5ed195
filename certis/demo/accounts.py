"""Demonstration organisations and accounts. Other apps' demo modules build on these."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from certis.accounts.models import Membership, Organisation, User
from certis.accounts.services import create_user, find_or_create_organisation, grant_role

PASSWORD = "certis-demo-2026"  # noqa: S105 -- demonstration accounts, printed on purpose
REGULATOR = "国家认证认可监督管理委员会"

# username, display name, organisation (None: the regulator), role, what they do
PEOPLE = [
    ("admin", "平台管理员", None, None, "platform administrator (superuser)"),
    ("office", "王晓（领导小组办公室）", None, Membership.Role.PLAN_OFFICE, "leading-group office staff"),
    ("leader", "刘卫军（领导小组）", None, Membership.Role.LEADING_GROUP, "leading-group member"),
    ("auditor", "赵审（审计）", None, Membership.Role.AUDITOR, "auditor: reads the audit log"),
    ("renke", "李可（认可部）", "認可部", Membership.Role.STAFF, "认可部 staff: lead of tasks 1–5"),
    ("renzheng", "张正（认证部）", "認證部", Membership.Role.STAFF, "认证部 staff: lead of tasks 13–20"),
    ("falv", "陈法（法律部）", "法律部", Membership.Role.STAFF, "法律部 staff"),
    ("wangxin", "周网（网信办）", "網信辦", Membership.Role.STAFF, "网信办 staff: lead of task 24"),
]


def regulator() -> Organisation:
    organisation, _ = find_or_create_organisation(
        acting_user=None, name=REGULATOR, kind=Organisation.Kind.REGULATOR
    )
    return organisation


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    regulator()
    stdout.write("Accounts: regulator and platform administrator ready.")
    user = User.objects.filter(username="admin").first()
    if user is None:
        user = create_user(acting_user=None, username="admin", password=PASSWORD, display_name="平台管理员")
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    return [("admin", PASSWORD, "platform administrator")]


def ensure_person(username: str, display_name: str, organisation: Organisation, role: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = create_user(acting_user=None, username=username, password=PASSWORD, display_name=display_name)
    grant_role(acting_user=None, user=user, organisation=organisation, role=role)
    return user
