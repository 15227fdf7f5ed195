"""Demonstration data of the catalogue app (run by ``certis demo`` after the certificates demo): the seeded
catalogue and HS table, a customs office with an officer, a maker with self-declarations, the maker in the
trusted class, and one checked declaration. Running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from certis.accounts.models import Membership, Organisation, User
from certis.accounts.services import find_or_create_organisation
from certis.bodies.models import Body
from certis.catalogue import services
from certis.catalogue.models import ImportCheck, Product, SelfDeclaration
from certis.catalogue.services.seed import load_seed
from certis.certificates.models import Holder
from certis.core.identifiers import make_uscc
from certis.demo.accounts import PASSWORD, ensure_person, regulator

Role = Membership.Role
MAKER_USCC = make_uscc(
    "91440606724359871"
)  # 佛山市顺德区美盈电器制造有限公司, a holder of the certificates demo
LAB_NUMBER = "170009120345"  # 上海电器设备检测所有限公司, a lab of the bodies demo
ACCOUNTS = [
    (
        "haiguan",
        "孙关（广州海关）",
        "customs",
        Role.CUSTOMS_OFFICER,
        "customs officer at 广州海关: checks imports",
    ),
    (
        "meiying",
        "周美（美盈电器）",
        "maker",
        Role.STAFF,
        "staff of 美盈电器, a maker: makes self-declarations",
    ),
]
DECLARATIONS: list[dict[str, Any]] = [
    {"product": "0302", "product_name": "小型断路器", "models": "MY-B63C16; MY-B63C32", "public": True},
    {"product": "0302", "product_name": "剩余电流动作断路器", "models": "MY-L40", "public": False},
]


def _maker() -> Organisation | None:
    holder = Holder.objects.filter(uscc=MAKER_USCC).first()
    if holder is None:
        return None
    if holder.organisation is None:
        organisation, _created = find_or_create_organisation(
            acting_user=None, name=holder.name, kind=Organisation.Kind.CERTIFIED_FIRM
        )
        Holder.objects.filter(pk=holder.pk, organisation__isnull=True).update(organisation=organisation)
        holder.refresh_from_db()
    return holder.organisation


def _declarations(maker: User, organisation: Organisation) -> None:
    lab = Body.objects.filter(number=LAB_NUMBER, status=Body.Status.APPROVED).first()
    if lab is None or SelfDeclaration.objects.filter(organisation=organisation).exists():
        return
    for item in DECLARATIONS:
        services.make_self_declaration(
            acting_user=maker,
            organisation=organisation,
            product=Product.objects.get(code=item["product"]),
            product_name=item["product_name"],
            models=item["models"],
            standards=["GB/T 14048.2-2020"],
            test_report_number="SET2026-0417",
            lab=lab,
            declarant_name="周美",
            is_public=item["public"],
        )


def _check(officer: User, customs: Organisation, organisation: Organisation | None) -> None:
    if ImportCheck.objects.filter(organisation=customs).exists():
        return
    declaration = SelfDeclaration.objects.filter(organisation=organisation).order_by("id").first()
    rows = [
        {
            "hs_code": "8516.6010.00",
            "product_name": "电饭锅",
            "model": "MY-FB40A",
            "quantity": 500,
            "number": "2024010718000123",
            "importer_uscc": MAKER_USCC,
        },
        {
            "hs_code": "8516.7100.00",
            "product_name": "電熱水壺",
            "model": "HY-1518",
            "quantity": 300,
            "number": "2024010717000456",
            "importer_uscc": make_uscc("91442000759284316"),
        },
        {
            "hs_code": "8516.6010.00",
            "product_name": "电饭锅",
            "model": "X-1",
            "quantity": 20,
            "number": "",
            "importer_uscc": MAKER_USCC,
        },
        {
            "hs_code": "8471.3000.00",
            "product_name": "笔记本电脑",
            "model": "T14",
            "quantity": 50,
            "number": "",
            "importer_uscc": MAKER_USCC,
        },
    ]
    if declaration is not None:
        rows.append(
            {
                "hs_code": "8536.2000.00",
                "product_name": "小型断路器",
                "model": "MY-B63C16",
                "quantity": 1000,
                "number": declaration.number,
                "importer_uscc": MAKER_USCC,
            }
        )
    services.check_import(
        acting_user=officer,
        organisation=customs,
        rows=rows,
        source=ImportCheck.Source.FORM,
        reference="530120260000000001",
        declared_on=timezone.localdate(),
    )


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    loaded = load_seed(acting_user=None)
    customs, _created = find_or_create_organisation(
        acting_user=None, name="广州海关", kind=Organisation.Kind.CUSTOMS
    )
    officer = ensure_person("haiguan", ACCOUNTS[0][1], customs, Role.CUSTOMS_OFFICER)
    organisation = _maker()
    logins = [ACCOUNTS[0]]
    if organisation is not None:
        maker = ensure_person("meiying", ACCOUNTS[1][1], organisation, Role.STAFF)
        logins.append(ACCOUNTS[1])
        _declarations(maker, organisation)
        holder = Holder.objects.get(uscc=MAKER_USCC)
        supervisor = User.objects.filter(memberships__role=Role.SUPERVISOR).order_by("id").first()
        if not holder.trusted:
            services.set_trust_class(
                acting_user=supervisor,
                holder=holder,
                trusted=True,
                reason="信用等级A类，近三年无不合格记录。",
                organisation=regulator(),
            )
    _check(officer, customs, organisation)
    stdout.write(
        f"Catalogue: seed {loaded}; {SelfDeclaration.objects.count()} self-declarations, "
        f"{ImportCheck.objects.count()} import checks."
    )
    return [(username, PASSWORD, what) for username, _name, _org, _role, what in logins]
