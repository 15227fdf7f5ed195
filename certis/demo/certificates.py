"""Demonstration certificates: every scheme and every status, issued by the bodies of the bodies demo and
one more body for service and organic certification, each reported through the rules and the reporting
service and moved through the lifecycle services, so that the history reads as it would in production.

Holders are made up but look real, and some were entered in traditional script, as happens (廣東, 臺州).
Their USCCs get their real check character. Running the demo again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone, translation

from certis.accounts.models import Membership, Organisation, User
from certis.bodies.models import Body, Person, Scheme
from certis.bodies.register import services as register
from certis.bodies.register.services import Scope
from certis.certificates.models import Certificate, number_key
from certis.certificates.rules import ReportContext, check_row
from certis.certificates.services import registry as services
from certis.certificates.services.standards import add_missing_seed_standards
from certis.core.identifiers import make_identity_number, make_uscc
from certis.core.text import normalize
from certis.demo.accounts import PASSWORD, ensure_person, regulator

Role = Membership.Role
CQC = "中国质量认证中心"
FANGYUAN = "方圆标志认证集团有限公司"
HENGXIN = "北京恒信联合认证有限公司"
CCC_MODE = "型式试验+初始工厂检查+获证后监督"

# The body this demo adds: approved for service and organic certification (the bodies demo's body for those
# schemes is suspended or withdrawn, and may not issue).
NEW_BODY: dict[str, Any] = {
    "name": HENGXIN,
    "uscc_stem": "91110108MA01HX7Q3",
    "address": "北京市海淀区中关村南大街12号",
    "region": "北京",
    "number": "CNCA-R-2009-095",
    "approved_on": dt.date(2009, 6, 15),
    "scope": [
        Scope(scheme=Scheme.SERVICE, category="商品售后服务", standards="GB/T 27922-2011"),
        Scope(scheme=Scheme.ORGANIC, category="有机植物生产、有机产品加工", standards="GB/T 19630-2019"),
    ],
}

# Registered by the bodies demo.
ZHANG_WEI, WANG_JIANHUA, LI_XIUYING = "2022-CCC-3234567", "2021-N1QMS-1234567", "2019-N1EMS-2234567"
# Signatories this demo adds: name, identity number stem, registration, schemes, employer, since.
CHEN_JING, HUANG_ZHIQIANG, WU_LIHUA = "2020-GP-5234567", "2021-VP-6234567", "2019-SVC-7234567"
SIGNATORIES = [
    ("陈静", "11010219780304011", CHEN_JING, [Scheme.GREEN_PRODUCT, Scheme.CCC], CQC, dt.date(2020, 3, 1)),
    (
        "黄志强",
        "31010419830716012",
        HUANG_ZHIQIANG,
        [Scheme.VOLUNTARY_PRODUCT],
        FANGYUAN,
        dt.date(2021, 4, 1),
    ),
    ("吴丽华", "11010819860825013", WU_LIHUA, [Scheme.SERVICE, Scheme.ORGANIC], HENGXIN, dt.date(2019, 6, 1)),
]

# username, display name, body (None: the regulator), role, what they do
ACCOUNTS = [
    (
        "zhengshu",
        "赵证书（中国质量认证中心）",
        CQC,
        Role.STAFF,
        f"staff at {CQC}: reports and manages its certificates",
    ),
    (
        "fangyuan",
        "钱方圆（方圆标志认证集团）",
        FANGYUAN,
        Role.STAFF,
        f"staff at {FANGYUAN}: manages its certificates",
    ),
    (
        "hengxin",
        "孙恒信（北京恒信联合认证）",
        HENGXIN,
        Role.STAFF,
        f"staff at {HENGXIN}: manages its certificates",
    ),
    (
        "jiandu",
        "周监督（认证部）",
        None,
        Role.SUPERVISOR,
        "supervision staff: every certificate; suspends or withdraws as a sanction",
    ),
]


@dataclass
class Story:
    """One certificate: the body that reports it, the report, and what happens to it afterwards."""

    body: str
    row: dict[str, Any]
    moves: list[dict[str, Any]] = field(default_factory=list)
    renewal: dict[str, Any] | None = None


def _holder(name: str, stem: str, address: str) -> dict[str, str]:
    return {"holder_name": name, "holder_uscc": make_uscc(stem), "holder_address": address}


def _ccc(
    number: str, holder: dict[str, str], product: str, code: str, models: str, standards: str, **dates: Any
) -> dict[str, Any]:
    return {
        "number": number,
        "scheme": Scheme.CCC,
        **holder,
        "product": product,
        "product_code": code,
        "product_models": models,
        "manufacturer": holder["holder_name"],
        "factory": holder["holder_name"],
        "trademark": "",
        "mode": CCC_MODE,
        "standards": standards,
        "signatory": ZHANG_WEI,
        **dates,
    }


def _dates(issued: dt.date, expires: dt.date, first: dt.date | None = None) -> dict[str, str]:
    return {
        "first_issued_on": str(first or issued),
        "issued_on": str(issued),
        "expires_on": str(expires),
    }


def stories(today: dt.date) -> list[Story]:
    days = dt.timedelta
    body_staff, regulator_staff = "body", "regulator"
    return [
        Story(
            CQC,
            _ccc(
                "2024010718000123",
                _holder(
                    "佛山市顺德区美盈电器制造有限公司",
                    "91440606724359871",
                    "广东省佛山市顺德区北滘镇工业园兴业路8号",
                ),
                "电饭锅",
                "0718",
                "MY-FB30A; MY-FB40A; MY-FB50A",
                "GB 4706.1-2005; GB 4706.19-2008; GB 4343.1-2018; GB 17625.1-2022",
                **_dates(dt.date(2024, 3, 15), dt.date(2029, 3, 14), dt.date(2019, 3, 15)),
            ),
        ),
        Story(
            CQC,
            _ccc(
                "2024010717000456",
                _holder(
                    "廣東省中山市東鳳鎮華藝電器有限公司",
                    "91442000759284316",
                    "廣東省中山市東鳳鎮和泰工業區華藝路3號",
                ),
                "电热水壶",
                "0717",
                "HY-1518; HY-1720",
                "GB 4706.1-2005; GB 4706.19-2008",
                **_dates(dt.date(2024, 5, 20), dt.date(2029, 5, 19)),
            ),
            moves=[
                {
                    "by": body_staff,
                    "status": Certificate.Status.SUSPENDED,
                    "effective_on": today - days(10),
                    "until": today + days(80),
                    "reason": "获证后监督抽样检验发现温控器与型式试验样品不一致，暂停证书，限期整改。",
                }
            ],
        ),
        Story(
            CQC,
            _ccc(
                "2024012202000789",
                _holder(
                    "汕头市澄海区星光玩具实业有限公司",
                    "91440515708039123",
                    "广东省汕头市澄海区莲下镇工业区玩具城路16号",
                ),
                "电动玩具（遥控车）",
                "2202",
                "XG-8821; XG-8822; XG-8830",
                "GB 6675.1-2014; GB 6675.2-2014; GB 19865-2005",
                **_dates(dt.date(2024, 4, 8), dt.date(2029, 4, 7)),
            ),
            moves=[
                {
                    "by": regulator_staff,
                    "status": Certificate.Status.SUSPENDED,
                    "effective_on": today - days(75),
                    "until": today + days(15),
                    "reason": "国家监督抽查不合格（电池仓结构、可触及电池），责令暂停使用证书。",
                },
                {
                    "by": regulator_staff,
                    "status": Certificate.Status.WITHDRAWN,
                    "effective_on": today - days(20),
                    "reason": "整改复查仍不合格，依《强制性产品认证管理规定》撤销证书。",
                },
            ],
        ),
        Story(
            CQC,
            _ccc(
                "2024011001000321",
                _holder("中山市古镇欣悦照明有限公司", "91442000668127045", "广东省中山市古镇镇东岸北路68号"),
                "LED灯具（固定式通用灯具）",
                "1001",
                "XY-DD18W; XY-DD24W; XY-DD36W",
                "GB 7000.1-2015; GB 7000.201-2008; GB 17743-2021; GB 17625.1-2022",
                **_dates(dt.date(2024, 6, 3), dt.date(2029, 6, 2)),
            ),
            moves=[
                {
                    "by": body_staff,
                    "status": Certificate.Status.SUSPENDED,
                    "effective_on": today - days(45),
                    "until": today + days(45),
                    "reason": "持证人未按期接受获证后监督，暂停证书。",
                },
                {
                    "by": body_staff,
                    "status": Certificate.Status.VALID,
                    "effective_on": today - days(12),
                    "reason": "已完成获证后监督，结论合格，恢复证书。",
                },
            ],
        ),
        Story(
            CQC,
            _ccc(
                "2024011116000654",
                _holder(
                    "宁波嘉禾儿童用品有限公司", "91330212572604918", "浙江省宁波市北仑区大碶街道庐山东路2号"
                ),
                "机动车儿童乘员用约束系统",
                "2207",
                "JH-S01; JH-S02 ISOFIX",
                "GB 27887-2011",
                **_dates(dt.date(2024, 2, 10), today + days(20), dt.date(2021, 2, 10)),
            ),
        ),
        Story(
            CQC,
            _ccc(
                "2024010702000987",
                _holder("上海東方電器有限公司", "91310115703441298", "上海市浦東新區康橋鎮秀浦路2555號"),
                "电风扇",
                "0702",
                "DF-FS40; DF-FS45",
                "GB 4706.1-2005; GB 4706.27-2008; GB 4343.1-2018",
                **_dates(dt.date(2024, 7, 1), dt.date(2029, 6, 30)),
            ),
            moves=[
                {
                    "by": body_staff,
                    "status": Certificate.Status.SUSPENDED,
                    "effective_on": today - days(100),
                    "until": today - days(10),
                    "reason": "工厂搬迁未申请变更，暂停证书至完成工厂检查。",
                }
            ],
        ),
        Story(
            CQC,
            {
                "number": "00124Q30123R1M",
                "scheme": Scheme.MANAGEMENT_SYSTEM,
                **_holder("青島海潤精工機械有限公司", "91370212718056342", "山東省青島市黃島區長江中路88號"),
                "scope": "数控机床零部件的设计、生产和服务",
                "sites": "山東省青島市黃島區長江中路88號: 设计、生产和服务; 山东省青岛市胶州市经济开发区兰州东路6号: 零部件生产",
                "standards": "GB/T 19001-2016; ISO 9001:2015",
                "signatory": WANG_JIANHUA,
                **_dates(dt.date(2024, 9, 2), dt.date(2027, 9, 1), dt.date(2018, 9, 2)),
            },
        ),
        Story(
            CQC,
            {
                "number": "00124E30456R0M",
                "scheme": Scheme.MANAGEMENT_SYSTEM,
                **_holder(
                    "苏州工业园区博远电子有限公司", "91320594743485162", "江苏省苏州市工业园区星湖街328号"
                ),
                "scope": "印制电路板组件的生产及相关环境管理活动",
                "standards": "GB/T 24001-2016; ISO 14001:2015",
                "signatory": WANG_JIANHUA,
                **_dates(dt.date(2024, 4, 22), dt.date(2027, 4, 21)),
            },
            moves=[
                {
                    "by": body_staff,
                    "status": Certificate.Status.CANCELLED,
                    "effective_on": today - days(30),
                    "reason": "获证组织停产，申请注销证书。",
                }
            ],
        ),
        Story(
            CQC,
            {
                "number": "00124S30789R0M",
                "scheme": Scheme.MANAGEMENT_SYSTEM,
                **_holder("武汉长城建设工程有限公司", "91420106707154883", "湖北省武汉市江汉区建设大道568号"),
                "scope": "房屋建筑工程施工总承包及相关职业健康安全管理活动",
                "standards": "GB/T 45001-2020; ISO 45001:2018",
                "signatory": WANG_JIANHUA,
                **_dates(dt.date(2024, 1, 15), dt.date(2026, 1, 14)),
            },
        ),
        Story(
            CQC,
            {
                "number": "CQC24GP0701234",
                "scheme": Scheme.GREEN_PRODUCT,
                **_holder(
                    "浙江安吉永利家具有限公司",
                    "91330523725491067",
                    "浙江省湖州市安吉县递铺街道天荒坪北路99号",
                ),
                "product": "木家具（板木家具）",
                "product_models": "YL-2024 系列餐桌椅; YL-S 系列书柜",
                "manufacturer": "浙江安吉永利家具有限公司",
                "factory": "浙江省湖州市安吉县递铺街道天荒坪北路99号",
                "standards": "GB/T 35607-2017",
                "signatory": CHEN_JING,
                **_dates(dt.date(2024, 10, 8), dt.date(2029, 10, 7)),
            },
        ),
        Story(
            CQC,
            {
                "number": "CQC24GP0205678",
                "scheme": Scheme.GREEN_PRODUCT,
                **_holder(
                    "江苏华美达涂料有限公司", "91320411738206951", "江苏省常州市新北区春江镇华达路18号"
                ),
                "product": "水性内墙涂料",
                "product_models": "HMD-N100; HMD-N200",
                "manufacturer": "江苏华美达涂料有限公司",
                "standards": "GB/T 35602-2017; GB 18582-2020",
                "signatory": CHEN_JING,
                **_dates(dt.date(2025, 1, 13), dt.date(2030, 1, 12)),
            },
            moves=[
                {
                    "by": regulator_staff,
                    "status": Certificate.Status.SUSPENDED,
                    "effective_on": today - days(5),
                    "until": today + days(85),
                    "reason": "认证有效性抽查发现挥发性有机物含量检测报告与样品不符，作为监管处罚暂停证书。",
                }
            ],
        ),
        Story(
            FANGYUAN,
            {
                "number": "00224Q21234R2M",
                "scheme": Scheme.MANAGEMENT_SYSTEM,
                **_holder(
                    "臺州市黃巖精密模具有限公司", "91331003704362588", "浙江省臺州市黃巖區新前街道模具城路1號"
                ),
                "scope": "注塑模具的设计和制造",
                "standards": "GB/T 19001-2016; ISO 9001:2015",
                "signatory": LI_XIUYING,
                **_dates(dt.date(2024, 11, 18), dt.date(2027, 11, 17), dt.date(2015, 11, 18)),
            },
        ),
        Story(
            FANGYUAN,
            {
                "number": "FY24CP0456",
                "scheme": Scheme.VOLUNTARY_PRODUCT,
                **_holder(
                    "河北鼎力建材有限公司", "91130182746712039", "河北省石家庄市藁城区工业园区建材路5号"
                ),
                "product": "烧结多孔砖",
                "product_models": "MU10; MU15",
                "manufacturer": "河北鼎力建材有限公司",
                "factory": "河北省石家庄市藁城区工业园区建材路5号",
                "standards": "GB 6566-2010",
                "signatory": HUANG_ZHIQIANG,
                **_dates(dt.date(2024, 8, 26), dt.date(2027, 8, 25)),
            },
        ),
        Story(
            FANGYUAN,
            {
                "number": "00224E21567R0M",
                "scheme": Scheme.MANAGEMENT_SYSTEM,
                **_holder(
                    "天津世纪鸿达物流有限公司", "91120116733058274", "天津市滨海新区临港经济区渤海十路7号"
                ),
                "scope": "普通货物仓储和道路运输服务及相关环境管理活动",
                "standards": "GB/T 24001-2016",
                "signatory": LI_XIUYING,
                **_dates(dt.date(2024, 3, 4), dt.date(2027, 3, 3)),
            },
            moves=[
                {
                    "by": body_staff,
                    "status": Certificate.Status.WITHDRAWN,
                    "effective_on": today - days(50),
                    "reason": "获证组织拒绝接受监督审核，撤销证书。",
                }
            ],
        ),
        Story(
            HENGXIN,
            {
                "number": "HX24SV0012",
                "scheme": Scheme.SERVICE,
                **_holder(
                    "杭州汇通电器销售服务有限公司", "91330106751930426", "浙江省杭州市西湖区文三路259号"
                ),
                "scope": "家用电器的销售、安装、维修和退换货服务（五星级）",
                "mode": "服务评价+管理体系审核+获证后监督",
                "standards": "GB/T 27922-2011",
                "signatory": WU_LIHUA,
                **_dates(today - days(200), today - days(200) + days(3 * 365)),
            },
        ),
        Story(
            HENGXIN,
            {
                "number": "095OP2400123",
                "scheme": Scheme.ORGANIC,
                **_holder(
                    "五常市稻香有机农业有限公司",
                    "91230184786821035",
                    "黑龙江省哈尔滨市五常市民乐朝鲜族乡红光村",
                ),
                "product": "有机大米",
                "scope": "水稻种植 320 公顷；大米加工",
                "factory": "黑龙江省哈尔滨市五常市民乐朝鲜族乡红光村",
                "standards": "GB/T 19630-2019",
                "signatory": WU_LIHUA,
                **_dates(today - days(420), today - days(56)),
            },
            renewal=_dates(today - days(40), today - days(40) + days(364), today - days(420)),
        ),
        Story(
            HENGXIN,
            {
                "number": "095OP2400456",
                "scheme": Scheme.ORGANIC,
                **_holder("福建武夷山岩韻茶業有限公司", "91350782741183659", "福建省武夷山市武夷街道天心村"),
                "product": "有机茶（岩茶）",
                "scope": "茶叶种植 45 公顷；茶叶加工",
                "standards": "GB/T 19630-2019",
                "signatory": WU_LIHUA,
                **_dates(today - days(400), today - days(36)),
            },
        ),
    ]


def _approval_staff() -> User:
    staff = User.objects.filter(username="shenpi").first()
    if staff is None:  # the bodies demo made it; a bare acting user would do as well
        raise RuntimeError("The bodies demo must run before the certificates demo.")
    return staff


def _new_body(staff: User) -> Body:
    body = Body.objects.filter(number=NEW_BODY["number"]).first()
    if body is not None:
        return body
    body = register.register_body(
        acting_user=staff,
        kind=Body.Kind.CERTIFICATION_BODY,
        name=NEW_BODY["name"],
        uscc=make_uscc(NEW_BODY["uscc_stem"]),
        address=NEW_BODY["address"],
        region=NEW_BODY["region"],
    )
    return register.approve_body(
        acting_user=staff,
        body=body,
        number=NEW_BODY["number"],
        approved_on=NEW_BODY["approved_on"],
        valid_until=dt.date(2029, 12, 31),
        scope=NEW_BODY["scope"],
    )


def _signatories(staff: User, bodies: dict[str, Body]) -> None:
    for name, stem, registration, schemes, employer, since in SIGNATORIES:
        if Person.objects.filter(registration_number=registration).exists():
            continue
        person = register.register_person(
            acting_user=staff,
            name=name,
            identity_number=make_identity_number(stem),
            registration_number=registration,
        )
        register.qualify_person(
            acting_user=staff,
            person=person,
            role="inspector" if Scheme.MANAGEMENT_SYSTEM not in schemes else "auditor",
            grade="senior",
            schemes=list(schemes),
            valid_from=since,
            valid_until=dt.date(2030, 12, 31),
        )
        register.employ_person(acting_user=staff, person=person, body=bodies[employer], started_on=since)


def _accounts(bodies: dict[str, Body]) -> dict[str, User]:
    unit = Organisation.objects.filter(name_key=normalize("认证部"), kind="department").first() or regulator()
    users = {}
    for username, display_name, body, role, _what in ACCOUNTS:
        organisation = bodies[body].organisation if body else unit
        users[username] = ensure_person(username, display_name, organisation, role)
    return users


def _move(
    story: Story, certificate: Certificate, move: dict[str, Any], users: dict[str, User]
) -> Certificate:
    as_regulator = move["by"] == "regulator"
    acting_user = users["jiandu"] if as_regulator else users[_staff_of(story.body)]
    organisation = (
        acting_user.memberships.get(role=Role.SUPERVISOR).organisation
        if as_regulator
        else certificate.body.organisation
    )
    return services.change_status(
        acting_user=acting_user,
        certificate=certificate,
        status=move["status"],
        reason=move["reason"],
        until=move.get("until"),
        effective_on=move["effective_on"],
        sanction=as_regulator,
        organisation=organisation,
    )


def _staff_of(body: str) -> str:
    return {CQC: "zhengshu", FANGYUAN: "fangyuan", HENGXIN: "hengxin"}[body]


def _report(body: Body, row: dict[str, Any], user: User) -> Certificate:
    data, errors = check_row(row, ReportContext.load(body))
    if errors:
        raise RuntimeError(f"Demo certificate {row['number']} breaks the rules: {errors}")
    assert data is not None
    certificate, _created = services.report_certificate(acting_user=user, body=body, data=data)
    return certificate


@transaction.atomic
def load(stdout: Any) -> list[tuple[str, str, str]]:
    staff = _approval_staff()
    add_missing_seed_standards(acting_user=None)
    bodies = {
        name: Body.objects.get(name=name, kind=Body.Kind.CERTIFICATION_BODY) for name in (CQC, FANGYUAN)
    }
    bodies[HENGXIN] = _new_body(staff)
    _signatories(staff, bodies)
    users = _accounts(bodies)
    today = timezone.localdate()
    added: list[Story] = []
    for story in stories(today):
        body = bodies[story.body]
        if Certificate.objects.filter(body=body, number_key=number_key(story.row["number"])).exists():
            continue
        certificate = _report(body, story.row, users[_staff_of(story.body)])
        for move in story.moves:
            certificate = _move(story, certificate, move, users)
        added.append(story)
    if added:
        services.expire_due_certificates(today=today)
    for story in added:
        if story.renewal:
            _report(bodies[story.body], story.row | story.renewal, users[_staff_of(story.body)])
    statuses = Counter(Certificate.objects.values_list("status", flat=True))
    with translation.override("en"):
        counts = [
            f"{statuses.get(value, 0)} {str(label).lower()}" for value, label in Certificate.Status.choices
        ]
    stdout.write(f"Certificates: {', '.join(counts)}.")
    return [(username, PASSWORD, what) for username, _name, _body, _role, what in ACCOUNTS]
