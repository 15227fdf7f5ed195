"""Fixtures of the catalogue tests (prefixed ``cat_``), built through the services.

``cat_catalogue``: a small catalogue with a history (the seed's own test is ``test_seed``):

- 07 家用和类似用途设备: 0718 电饭锅 (third party, HS 8516.6010.00), 0717 液体加热器 (third party,
  HS 8516.7100.00), 0704 电动机-压缩机 (third party, either route from 2018-10-01, HS 8414.3011.00);
- 03 低压电器: 0302 低压元器件 (third party; either from 2018-10-01; self-declaration only from 2020-01-01;
  HS 8536.2000.00);
- 05 电动工具: 0507 不易燃液体电喷枪, removed on 2018-06-11 (HS 8424.2000.00);
- 08 电子产品及安全附件: 1606 移动用户终端 under 8517.1210.00 until 2022-01-01, 8517.1300.00 after.

``cat_world`` (on top of ``cert_world``): the maker 佛山市顺德区美盈电器制造有限公司 (people: ``maker``) and
another firm (``other_maker``), both holders linked to their organisations; two customs offices (``officer``
at 广州海关, ``other_officer`` at 上海海关); a qualified lab; the regulator's ``supervisor``; and their
certificates and self-declarations (see ``CatWorld``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from certis.accounts.models import Membership, Organisation, User
from certis.bodies.models import Body, Scheme
from certis.bodies.register import services as register
from certis.bodies.register.services import Scope
from certis.catalogue import services
from certis.catalogue.models import Category, Product, Route, SelfDeclaration
from certis.certificates.models import Certificate, Holder
from certis.certificates.services.registry import change_status
from certis.certificates.services.standards import add_missing_seed_standards
from certis.certificates.tests.conftest import CertWorld, cert_report, cert_world  # noqa: F401
from certis.core.identifiers import make_uscc
from certis.core.testing import person


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Services' messages are read in English here; pages choose their language per request (the cookie),
    and the API test of reasons checks both languages."""
    with translation.override("en"):
        yield


Role = Membership.Role
DAY = dt.date(2026, 3, 2)  # the day the test declarations are made
NOTICE = "市场监管总局公告2019年第44号"
MAKER_USCC = make_uscc("91440606724359871")
OTHER_USCC = make_uscc("91330212572604918")


def add(code: str, category: Category, name: str, route: str = Route.THIRD_PARTY, **kwargs: Any) -> Product:
    services.add_product(
        acting_user=None,
        code=code,
        category=category,
        name=name,
        scope=kwargs.pop("scope", f"{name}的适用范围。"),
        risk_level=kwargs.pop("risk_level", "medium"),
        route=route,
        effective_on=kwargs.pop("effective_on", dt.date(2003, 5, 1)),
        reason="第一批目录",
        notice="国家质检总局、国家认监委公告2001年第33号",
        **kwargs,
    )
    return Product.objects.get(code=code)


def hs(product: Product, code: str, start: dt.date = dt.date(2003, 5, 1), **kwargs: Any) -> None:
    services.add_hs_code(acting_user=None, product=product, code=code, valid_from=start, **kwargs)


def route(product: Product, to: str, day: dt.date) -> None:
    services.change_route(
        acting_user=None, product=product, route=to, effective_on=day, reason="调整评价方式", notice=NOTICE
    )


@pytest.fixture
def cat_catalogue(db: Any) -> dict[str, Product]:
    add_missing_seed_standards(acting_user=None)  # a transactional test starts with an empty table
    household = services.add_category(acting_user=None, code="07", name="家用和类似用途设备")
    low_voltage = services.add_category(acting_user=None, code="03", name="低压电器")
    tools = services.add_category(acting_user=None, code="05", name="电动工具")
    electronics = services.add_category(acting_user=None, code="08", name="电子产品及安全附件")
    products = {
        "0718": add("0718", household, "电饭锅", standards=["GB 4706.1-2005", "GB 4706.19-2008"]),
        "0717": add("0717", household, "液体加热器和冷热饮水机"),
        "0704": add("0704", household, "电动机-压缩机"),
        "0302": add("0302", low_voltage, "低压元器件", standards=["GB/T 14048.2-2020"]),
        "0507": add("0507", tools, "不易燃液体电喷枪"),
        "1606": add("1606", electronics, "移动用户终端"),
    }
    hs(products["0718"], "8516.6010.00")
    hs(products["0717"], "8516710000")
    hs(
        products["0704"],
        "8414301100",
        condition="仅限于制冷设备用",
        limit_quantity="rated_power",
        limit_max=400,
    )
    hs(products["0302"], "8536200000")
    hs(products["0507"], "8424200000", valid_until=dt.date(2018, 6, 11))
    hs(products["1606"], "8517121000", valid_until=dt.date(2022, 1, 1))
    hs(products["1606"], "8517130000", start=dt.date(2022, 1, 1))
    services.remove_product(
        acting_user=None,
        product=products["0507"],
        effective_on=dt.date(2018, 6, 11),
        reason="风险较低",
        notice="市场监管总局、国家认监委公告2018年第11号",
    )
    route(products["0704"], Route.EITHER, dt.date(2018, 10, 1))
    route(products["0302"], Route.EITHER, dt.date(2018, 10, 1))
    route(products["0302"], Route.SELF_DECLARATION, dt.date(2020, 1, 1))
    return products


@dataclass
class CatWorld:
    cert: CertWorld
    products: dict[str, Product]
    lab: Body
    maker_org: Organisation
    other_org: Organisation
    maker: User
    other_maker: User
    customs: Organisation
    other_customs: Organisation
    officer: User
    other_officer: User
    supervisor: User
    maker_holder: Holder
    other_holder: Holder
    certificates: dict[str, Certificate]
    declarations: dict[str, SelfDeclaration]


def _lab(acting_user: User) -> Body:
    lab = register.register_body(
        acting_user=acting_user,
        kind=Body.Kind.LAB,
        name="广东产品质量监督检验研究院",
        uscc=make_uscc("12440000455859871"),
        address="广东省佛山市顺德区大良街道",
        region="广东",
    )
    return register.approve_body(
        acting_user=acting_user,
        body=lab,
        number="CMA 2019190001",
        approved_on=dt.date(2019, 1, 1),
        valid_until=dt.date(2031, 12, 31),
        scope=[Scope(category="低压电器", standards="GB/T 14048.2-2020")],
    )


def _certificates(world: CertWorld) -> dict[str, Certificate]:
    maker = {"holder_uscc": MAKER_USCC, "holder_name": "佛山市顺德区美盈电器制造有限公司"}
    ccc = {"product_code": "0718", "product_models": "MY-FB30A; MY-FB40A", **maker}
    made = {
        "valid": cert_report(world, number="2025010718000001", **ccc),
        "suspended": cert_report(world, number="2025010718000002", **ccc),
        "withdrawn": cert_report(world, number="2025010718000003", **ccc),
        "expired": cert_report(world, number="2025010718000004", expires_on="2026-01-31", **ccc),
        "kettle": cert_report(world, number="2025010717000005", **{**ccc, "product_code": "0717"}),
        "voluntary": cert_report(world, Scheme.VOLUNTARY_PRODUCT, number="CQC25001234", **maker),
        "other_holder": cert_report(
            world,
            number="2025010718000006",
            holder_uscc=OTHER_USCC,
            holder_name="宁波嘉禾电器有限公司",
            product_code="0718",
            product_models="JH-01",
        ),
        "compressor": cert_report(world, number="2025010704000007", **{**ccc, "product_code": "0704"}),
    }
    change_status(
        acting_user=world.staff,
        certificate=made["suspended"],
        status=Certificate.Status.SUSPENDED,
        reason="监督抽样不合格",
        until=dt.date(2026, 6, 30),
        effective_on=dt.date(2026, 1, 15),
    )
    change_status(
        acting_user=world.staff,
        certificate=made["withdrawn"],
        status=Certificate.Status.WITHDRAWN,
        reason="整改不合格",
        effective_on=dt.date(2026, 2, 1),
    )
    return {name: Certificate.objects.get(pk=c.pk) for name, c in made.items()}


def declare(world_maker: User, organisation: Organisation, product: Product, lab: Body, **kwargs: Any) -> Any:
    values: dict[str, Any] = {
        "product_name": "小型断路器",
        "models": "MY-B63; MY-B32",
        "standards": ["GB/T 14048.2-2020"],
        "test_report_number": "WT2026-0001",
        "declarant_name": "李明",
        "declared_on": DAY,
    }
    values.update(kwargs)
    return services.make_self_declaration(
        acting_user=world_maker, organisation=organisation, product=product, lab=lab, **values
    )


@pytest.fixture
def cat_world(cert_world: CertWorld, cat_catalogue: dict[str, Product]) -> CatWorld:  # noqa: F811
    regulator = Organisation.objects.get(kind=Organisation.Kind.REGULATOR)
    supervisor = cert_world.supervisor
    lab = _lab(supervisor)
    certificates = _certificates(cert_world)
    maker_org = Organisation.objects.create(name="佛山市顺德区美盈电器制造有限公司", kind="certified_firm")
    other_org = Organisation.objects.create(name="宁波嘉禾电器有限公司", kind="certified_firm")
    Holder.objects.filter(uscc=MAKER_USCC).update(organisation=maker_org)
    Holder.objects.filter(uscc=OTHER_USCC).update(organisation=other_org)
    customs = Organisation.objects.create(name="广州海关", kind=Organisation.Kind.CUSTOMS)
    other_customs = Organisation.objects.create(name="上海海关", kind=Organisation.Kind.CUSTOMS)
    maker = person("maker", maker_org)
    other_maker = person("other_maker", other_org, Role.MANAGER)
    breaker = cat_catalogue["0302"]
    declarations = {
        "valid": declare(maker, maker_org, breaker, lab),
        "cancelled": declare(maker, maker_org, breaker, lab, models="MY-C16"),
        "invalidated": declare(maker, maker_org, breaker, lab, models="MY-D10", is_public=False),
        "hidden": declare(maker, maker_org, breaker, lab, models="MY-E20", is_public=False),
    }
    services.cancel_self_declaration(acting_user=maker, declaration=declarations["cancelled"], reason="停产")
    services.invalidate_self_declaration(
        acting_user=supervisor,
        declaration=declarations["invalidated"],
        reason="检验报告不实",
        organisation=regulator,
    )
    return CatWorld(
        cert=cert_world,
        products=cat_catalogue,
        lab=lab,
        maker_org=maker_org,
        other_org=other_org,
        maker=maker,
        other_maker=other_maker,
        customs=customs,
        other_customs=other_customs,
        officer=person("officer", customs, Role.CUSTOMS_OFFICER),
        other_officer=person("other_officer", other_customs, Role.CUSTOMS_OFFICER),
        supervisor=supervisor,
        maker_holder=Holder.objects.get(uscc=MAKER_USCC),
        other_holder=Holder.objects.get(uscc=OTHER_USCC),
        certificates=certificates,
        declarations={name: SelfDeclaration.objects.get(pk=d.pk) for name, d in declarations.items()},
    )
