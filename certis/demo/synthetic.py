"""Realistic synthetic registry data at national size, for benchmarks and load tests (never for demonstration:
``demo.py`` holds hand-written examples).

Names are built the way Chinese organisations are named (region + trade name + trade + form: 佛山市顺德区美盈
电器制造有限公司), USCCs are well formed and unique, and certificate rows are in the report format
(``certis.certificates.schemes.FIELDS``) and pass the rules for a body approved for every scheme whose
signatories and standards are the ones given. Everything is seeded: the same seed gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone

from certis.core.identifiers import make_uscc

REGIONS = [
    ("北京市", "110105"),
    ("上海市", "310115"),
    ("广东省佛山市", "440606"),
    ("广东省深圳市", "440305"),
    ("浙江省杭州市", "330106"),
    ("江苏省苏州市", "320505"),
    ("山东省青岛市", "370212"),
    ("四川省成都市", "510107"),
    ("湖北省武汉市", "420106"),
    ("福建省厦门市", "350203"),
    ("天津市", "120116"),
    ("河南省郑州市", "410105"),
    ("浙江省宁波市", "330212"),
    ("广东省东莞市", "441900"),
    ("安徽省合肥市", "340104"),
    ("湖南省长沙市", "430104"),
]
TRADE_NAMES = list(
    "华美达盛鑫泰恒丰瑞康宏源永利金诚信安德兴隆嘉禾中天海润新锐博远卓越东方长城凯旋富春银河星光联创汇通"
    "立邦广雅博奥同心精工科达明阳欣悦优品佳和万通天成宝来正大鼎力环宇世纪龙腾凤翔"
)
TRADES = [
    "电器",
    "电子",
    "照明",
    "机电",
    "电线电缆",
    "玩具",
    "汽车零部件",
    "家具",
    "建材",
    "食品",
    "农业",
    "服装",
    "信息技术",
    "通信设备",
    "医疗器械",
    "环保科技",
    "安防科技",
    "新能源",
    "精密机械",
    "物业管理",
    "餐饮管理",
]
FORMS = ["有限公司", "股份有限公司", "制造有限公司", "科技有限公司", "实业有限公司", "集团有限公司"]
PRODUCTS = [
    ("电饭锅", "0718", "MB-FB"),
    ("电热水壶", "0717", "SH-"),
    ("吸油烟机", "0716", "CXW-200-"),
    ("电冰箱", "0701", "BCD-"),
    ("空调器", "0703", "KFR-35GW/"),
    ("LED灯具", "1001", "LED-"),
    ("电线电缆", "0105", "BV-"),
    ("电动玩具", "2202", "TOY-"),
    ("儿童自行车", "2201", "BB-"),
    ("机动车儿童乘员用约束系统", "2207", "CRS-"),
    ("笔记本电脑", "0902", "NB-"),
    ("计算机电源适配器", "0907", "PA-"),
]
STANDARDS_BY_SCHEME = {
    "ccc": ["GB 4706.1-2005"],
    "voluntary_product": ["GB 4706.1-2005"],
    "service": ["GB/T 27922-2011"],
    "management_system": ["GB/T 19001-2016", "GB/T 24001-2016", "GB/T 45001-2020"],
    "green_product": ["GB/T 35601-2017"],
    "organic": ["GB/T 19630-2019"],
}
# Their titles, for the benchmarks that enter them (the migrations seed most of them already).
STANDARD_TITLES = {
    "GB 4706.1-2005": "家用和类似用途电器的安全 第1部分：通用要求",
    "GB/T 27922-2011": "商品售后服务评价体系",
    "GB/T 19001-2016": "质量管理体系 要求",
    "GB/T 24001-2016": "环境管理体系 要求及使用指南",
    "GB/T 45001-2020": "职业健康安全管理体系 要求及使用指南",
    "GB/T 35601-2017": "绿色产品评价 人造板和木质地板",
    "GB/T 19630-2019": "有机产品 生产、加工、标识与管理体系要求",
}
# Roughly the country's mix: management systems and CCC make up most certificates.
SCHEME_WEIGHTS = {
    "management_system": 45,
    "ccc": 30,
    "voluntary_product": 12,
    "service": 6,
    "green_product": 4,
    "organic": 3,
}


@dataclass(frozen=True, slots=True)
class SyntheticHolder:
    uscc: str
    name: str
    address: str


def holder(index: int, seed: int = 2018) -> SyntheticHolder:
    """The index-th holder: the same index and seed always give the same organisation, so rows can refer to
    holders by index without keeping two million of them in memory."""
    rng = random.Random(seed * 1_000_003 + index)  # noqa: S311 (synthetic data, not secrets)
    region, code = REGIONS[rng.randrange(len(REGIONS))]
    trade_name = "".join(rng.sample(TRADE_NAMES, 2))
    name = f"{region}{trade_name}{rng.choice(TRADES)}{rng.choice(FORMS)}"
    if index % 7 == 0:  # a tenth or so carry a branch or number in brackets, as many real names do
        name = name.replace("有限公司", f"（{rng.randrange(1, 99)}号）有限公司", 1)
    # The 9-character organisation code part carries the index, which keeps USCCs unique.
    stem = f"91{code}{index:09d}"
    return SyntheticHolder(make_uscc(stem), name, f"{region}{trade_name}路{rng.randrange(1, 999)}号")


def holders(count: int, seed: int = 2018) -> Iterator[SyntheticHolder]:
    for index in range(count):
        yield holder(index, seed)


def certificate_rows(
    count: int,
    *,
    signatories: list[str],
    holders_count: int,
    seed: int = 2018,
    number_prefix: str = "S",
    today: dt.date | None = None,
) -> Iterator[dict[str, str]]:
    """``count`` certificate reports (dicts of strings, keyed as in the report format) spread over
    ``holders_count`` holders, valid for a body approved for every scheme, signed by one of ``signatories``
    (registration numbers)."""
    rng = random.Random(seed)  # noqa: S311 (synthetic data, not secrets)
    today = today or timezone.localdate()
    schemes = list(SCHEME_WEIGHTS)
    weights = list(SCHEME_WEIGHTS.values())
    for index in range(count):
        scheme = rng.choices(schemes, weights)[0]
        owner = holder(rng.randrange(holders_count), seed)
        issued = today - dt.timedelta(days=rng.randrange(1, 3 * 365))
        first = issued - dt.timedelta(days=rng.choice((0, 0, 365, 3 * 365)))
        row = {
            "number": f"{number_prefix}{issued.year}{index:010d}",
            "scheme": scheme,
            "holder_name": owner.name,
            "holder_uscc": owner.uscc,
            "holder_address": owner.address,
            "standards": "; ".join(STANDARDS_BY_SCHEME[scheme][: rng.randrange(1, 3)]),
            "first_issued_on": first.isoformat(),
            "issued_on": issued.isoformat(),
            "expires_on": (issued + dt.timedelta(days=3 * 365 if scheme != "ccc" else 5 * 365)).isoformat(),
            "signatory": signatories[index % len(signatories)],
        }
        if scheme in ("ccc", "voluntary_product", "green_product"):
            product, product_code, model = PRODUCTS[rng.randrange(len(PRODUCTS))]
            row.update(
                product=product,
                product_models="; ".join(
                    f"{model}{rng.randrange(10, 999)}" for _ in range(rng.randrange(1, 4))
                ),
                manufacturer=owner.name,
                factory=f"{owner.name}{rng.choice(('一', '二', '三'))}厂",
                trademark=owner.name[len(owner.name) - 8 : len(owner.name) - 6] or "品牌",
            )
            if scheme == "ccc":
                row.update(product_code=product_code, mode="型式试验+初始工厂检查+获证后监督")
        else:
            trade = next((t for t in TRADES if t in owner.name), "产品")
            row["scope"] = (
                f"{trade}的设计、生产和销售" if scheme == "management_system" else f"{trade}相关服务"
            )
            if scheme == "organic":
                row["product"] = "有机大米"
        yield row
