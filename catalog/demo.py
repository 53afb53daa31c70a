"""Demo data of the catalog (SPEC §8): listed products DEMO-001 … DEMO-020 of division GQ
with prices, images, detail pages and bins in GQ-MAIN and GQ-CENTRAL, plus listing
applications in every state. Everything goes through the services, so the history is
real. Idempotent: a product whose SKU exists is left as it is."""

from __future__ import annotations

import struct
import zlib
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile

from core.roles import Role

from .models import Category, ListingApplication, Product, ProductBin
from .services import (
    PriceSet,
    ProductProposal,
    listing_application_approve,
    listing_application_create,
    listing_application_reject,
    listing_application_revise,
    listing_application_submit,
    product_base_information_update,
    product_delist,
    product_image_add,
    product_list_for_sale,
    product_prices_change,
)

CATEGORIES = {
    "液压件": ["液压泵", "液压阀", "液压油缸"],
    "传动件": ["轴承", "齿轮与链条"],
    "密封件": ["O型圈", "油封"],
    "电气件": ["传感器", "继电器与接触器"],
    "过滤件": ["滤芯"],
    "紧固件": ["螺栓"],
}

# sku, name, specification, unit, weight kg, category,
# offline market, online guide, baseline subsidy, selling, expected monthly sales
LISTED: list[tuple[Any, ...]] = [
    (
        "DEMO-001",
        "齿轮泵 CBN-E306",
        "排量 6 mL/r,额定 21 MPa",
        "台",
        "3.200",
        "液压泵",
        "680.00",
        "620.00",
        "560.00",
        "598.00",
        40,
    ),
    (
        "DEMO-002",
        "轴向柱塞泵 A10VSO28",
        "排量 28 mL/r,额定 28 MPa",
        "台",
        "14.500",
        "液压泵",
        "6800.00",
        "6300.00",
        "5900.00",
        "6180.00",
        6,
    ),
    (
        "DEMO-003",
        "电磁换向阀 4WE6E",
        "通径 6,DC 24 V",
        "只",
        "1.450",
        "液压阀",
        "420.00",
        "385.00",
        "350.00",
        "372.00",
        60,
    ),
    (
        "DEMO-004",
        "先导溢流阀 DBDH10P",
        "通径 10,31.5 MPa",
        "只",
        "1.100",
        "液压阀",
        "360.00",
        "330.00",
        "300.00",
        "318.00",
        35,
    ),
    (
        "DEMO-005",
        "液压油缸 HSG80/45-300",
        "缸径 80 mm,行程 300 mm",
        "根",
        "18.000",
        "液压油缸",
        "2450.00",
        "2280.00",
        "2100.00",
        "2199.00",
        8,
    ),
    (
        "DEMO-006",
        "深沟球轴承 6205-2RS",
        "25×52×15 mm,双面密封",
        "个",
        "0.128",
        "轴承",
        "28.00",
        "25.00",
        "21.50",
        "23.80",
        800,
    ),
    (
        "DEMO-007",
        "圆锥滚子轴承 30208",
        "40×80×19.75 mm",
        "个",
        "0.420",
        "轴承",
        "65.00",
        "58.00",
        "52.00",
        "55.00",
        300,
    ),
    (
        "DEMO-008",
        "调心滚子轴承 22216 CA/W33",
        "80×140×33 mm",
        "个",
        "2.250",
        "轴承",
        "420.00",
        "380.00",
        "345.00",
        "365.00",
        60,
    ),
    (
        "DEMO-009",
        "滚子链 16A-1",
        "节距 25.4 mm,5 米/盒",
        "盒",
        "12.000",
        "齿轮与链条",
        "310.00",
        "285.00",
        "260.00",
        "275.00",
        45,
    ),
    (
        "DEMO-010",
        "直齿圆柱齿轮 M2 Z40",
        "模数 2,齿数 40,45# 钢调质",
        "个",
        "0.950",
        "齿轮与链条",
        "150.00",
        "138.00",
        "125.00",
        "132.00",
        70,
    ),
    (
        "DEMO-011",
        "丁腈 O 型密封圈套装",
        "386 件,公制 30 规格",
        "盒",
        "0.600",
        "O型圈",
        "98.00",
        "88.00",
        "78.00",
        "85.00",
        150,
    ),
    (
        "DEMO-012",
        "骨架油封 TC 45×62×8",
        "丁腈橡胶,双唇",
        "个",
        "0.020",
        "油封",
        "6.50",
        "5.80",
        "5.00",
        "5.50",
        1200,
    ),
    (
        "DEMO-013",
        "氟橡胶 O 型圈 50×3.1",
        "FKM,耐温 200 ℃,10 只/包",
        "包",
        "0.050",
        "O型圈",
        "36.00",
        "32.00",
        "28.00",
        "30.00",
        260,
    ),
    (
        "DEMO-014",
        "电感式接近开关 LJ12A3-4-Z/BX",
        "M12,NPN 常开,检测距离 4 mm",
        "只",
        "0.080",
        "传感器",
        "45.00",
        "40.00",
        "35.00",
        "38.00",
        400,
    ),
    (
        "DEMO-015",
        "压力变送器 PT-124",
        "0–25 MPa,4–20 mA 输出",
        "只",
        "0.350",
        "传感器",
        "560.00",
        "510.00",
        "470.00",
        "495.00",
        30,
    ),
    (
        "DEMO-016",
        "交流接触器 CJX2-1810",
        "18 A,线圈 AC 220 V",
        "只",
        "0.360",
        "继电器与接触器",
        "68.00",
        "62.00",
        "55.00",
        "59.00",
        220,
    ),
    (
        "DEMO-017",
        "中间继电器 MY4NJ",
        "DC 24 V,4 开 4 闭,带底座",
        "只",
        "0.060",
        "继电器与接触器",
        "32.00",
        "29.00",
        "25.00",
        "27.50",
        500,
    ),
    (
        "DEMO-018",
        "液压回油滤芯 HX-160×10",
        "过滤精度 10 μm",
        "支",
        "0.550",
        "滤芯",
        "120.00",
        "108.00",
        "96.00",
        "102.00",
        180,
    ),
    (
        "DEMO-019",
        "空气滤芯 K2841",
        "适用 25 吨级挖掘机",
        "支",
        "2.100",
        "滤芯",
        "260.00",
        "235.00",
        "210.00",
        "225.00",
        90,
    ),
    (
        "DEMO-020",
        "高强度六角螺栓 M16×60",
        "10.9 级,发黑,50 只/盒",
        "盒",
        "6.200",
        "螺栓",
        "95.00",
        "86.00",
        "76.00",
        "82.00",
        140,
    ),
]

# Applications that are not (yet) listed: sku, name, spec, unit, kg, category, offline,
# guide, baseline, expected monthly sales, and what happens to them.
OTHERS: list[tuple[Any, ...]] = [
    (
        "GQ-N001",
        "电液比例方向阀 4WRE10",
        "通径 10,DC 24 V",
        "只",
        "6.800",
        "液压阀",
        "5200.00",
        "4900.00",
        "4600.00",
        4,
        "draft",
    ),
    (
        "GQ-N002",
        "摆线液压马达 BMR-160",
        "排量 160 mL/r",
        "台",
        "6.500",
        "液压泵",
        "980.00",
        "900.00",
        "840.00",
        12,
        "draft",
    ),
    (
        "GQ-N003",
        "皮囊式蓄能器 NXQ-10L",
        "10 L,31.5 MPa",
        "只",
        "28.000",
        "液压油缸",
        "1650.00",
        "1520.00",
        "1400.00",
        5,
        "submitted",
    ),
    (
        "GQ-N004",
        "角接触球轴承 7208 AC",
        "40×80×18 mm",
        "个",
        "0.370",
        "轴承",
        "88.00",
        "80.00",
        "72.00",
        150,
        "submitted",
    ),
    (
        "GQ-N005",
        "平垫圈 M10",
        "GB/T 97.1,镀锌,1000 只/袋",
        "袋",
        "4.500",
        "螺栓",
        "40.00",
        "36.00",
        "32.00",
        30,
        "rejected",
    ),
    (
        "GQ-N006",
        "液位液温计 LS-5",
        "中心距 127 mm",
        "只",
        "0.300",
        "传感器",
        "75.00",
        "68.00",
        "62.00",
        80,
        "resubmitted",
    ),
    (
        "GQ-N007",
        "电动黄油泵 DDB-10",
        "10 点,AC 380 V",
        "台",
        "22.000",
        "液压泵",
        "1850.00",
        "1700.00",
        "1580.00",
        10,
        "approved",
    ),
    (
        "GQ-N008",
        "空气呼吸器 QUQ2",
        "加油过滤 40 目",
        "只",
        "0.400",
        "滤芯",
        "58.00",
        "52.00",
        "47.00",
        120,
        "approved_complete",
    ),
    (
        "GQ-N009",
        "单向阀 RVP10",
        "通径 10,老款(已停产)",
        "只",
        "0.900",
        "液压阀",
        "150.00",
        "138.00",
        "126.00",
        20,
        "delisted",
    ),
]

REJECTION = "单价过低、物流费用占比过高,不适合单独上架;建议与 DEMO-020 螺栓组合成套装后再申请。"


def seed(context: dict[str, Any]) -> None:
    division = context["division"]
    warehouses = context["warehouses"]
    applicant = context["users"][Role.DIVISION_SALES]
    reviewer = context["users"][Role.PRODUCT_GROUP]
    categories = _categories()
    products: dict[str, Product] = {}
    for index, row in enumerate(LISTED):
        product = Product.objects.filter(sku=row[0]).first() or _listed_product(
            row, index, division, categories, applicant, reviewer
        )
        _bins(product, warehouses, index)
        products[product.sku] = product
    for index, row in enumerate(OTHERS):
        if not Product.objects.filter(sku=row[0]).exists():
            _other_product(row, index, division, categories, applicant, reviewer)
    context["products"] = products
    context["categories"] = categories


def _categories() -> dict[str, Category]:
    found: dict[str, Category] = {}
    for parent_name, children in CATEGORIES.items():
        parent, _created = Category.objects.get_or_create(name=parent_name, parent=None)
        found[parent_name] = parent
        for name in children:
            found[name], _created = Category.objects.get_or_create(name=name, parent=parent)
    return found


def _proposal(
    row: tuple[Any, ...], expected: int, division: Any, categories: dict[str, Category]
) -> ProductProposal:
    sku, name, spec, unit, weight, category, offline, guide, baseline = row[:9]
    return ProductProposal(
        sku=sku,
        name=name,
        division=division,
        category=categories[category],
        specification=spec,
        unit=unit,
        weight_kg=Decimal(weight),
        offline_market_price=Decimal(offline),
        online_guide_price=Decimal(guide),
        baseline_subsidy_price=Decimal(baseline),
        expected_monthly_sales=expected,
        promotion_plan="",
    )


def _file(proposal: ProductProposal, applicant: Any) -> ListingApplication:
    return listing_application_create(
        by=applicant,
        proposal=proposal,
        rationale=f"线下年销量稳定,客户多次询问线上采购渠道;{proposal.name}为常用易损件。",
    )


def _approve(application: ListingApplication, applicant: Any, reviewer: Any) -> None:
    listing_application_submit(application=application, by=applicant)
    listing_application_approve(application=application, by=reviewer, note="符合上架标准。")


def _complete(product: Product, reviewer: Any, index: int, selling: Decimal) -> None:
    product_prices_change(
        product=product,
        by=reviewer,
        prices=PriceSet(
            offline_market_price=product.offline_market_price,
            online_guide_price=product.online_guide_price,
            baseline_subsidy_price=product.baseline_subsidy_price,
            selling_price=selling,
        ),
        reason="上线定价:综合线下市价、线上指导价与基准补贴价。",
    )
    product_base_information_update(
        product=product,
        by=reviewer,
        changes={
            "detail_content": _detail(product),
            "promotion_plan": "上线首月参加商城“工业品采购节”满减活动;老客户邮件推送。",
        },
    )
    product_image_add(
        product=product,
        by=reviewer,
        file=ContentFile(_png(index), name=f"{product.sku}.png"),
        caption=f"{product.name} 主图",
    )


def _detail(product: Product) -> str:
    return (
        f"{product.name}\n\n"
        f"规格:{product.specification}。原厂品质,出厂逐件检验,适用于工程机械与工业设备的日常维修。\n\n"
        "发货:工作日 15:00 前下单当日发货;随货附增值税发票。"
    )


def _listed_product(
    row: tuple[Any, ...],
    index: int,
    division: Any,
    categories: dict[str, Category],
    applicant: Any,
    reviewer: Any,
) -> Product:
    application = _file(_proposal(row, row[10], division, categories), applicant)
    _approve(application, applicant, reviewer)
    product = Product.objects.get(pk=application.product_id)
    _complete(product, reviewer, index, Decimal(row[9]))
    product_list_for_sale(product=product, by=reviewer)
    product.refresh_from_db()
    return product


def _other_product(
    row: tuple[Any, ...],
    index: int,
    division: Any,
    categories: dict[str, Category],
    applicant: Any,
    reviewer: Any,
) -> None:
    outcome = row[10]
    application = _file(_proposal(row, row[9], division, categories), applicant)
    if outcome == "draft":
        return
    listing_application_submit(application=application, by=applicant)
    if outcome == "submitted":
        return
    if outcome in ("rejected", "resubmitted"):
        listing_application_reject(application=application, by=reviewer, reason=REJECTION)
        if outcome == "resubmitted":
            application.refresh_from_db()
            proposal = _proposal(row, row[9], division, categories)
            listing_application_revise(
                application=application,
                by=applicant,
                proposal=ProductProposal(
                    **{**proposal.__dict__, "promotion_plan": "与油箱配套销售"}
                ),
                rationale=application.rationale + " 已补充配套销售方案。",
            )
            listing_application_submit(application=application, by=applicant)
        return
    listing_application_approve(application=application, by=reviewer, note="")
    if outcome == "approved":
        return
    product = Product.objects.get(pk=application.product_id)
    baseline = product.baseline_subsidy_price or Decimal("0")
    _complete(product, reviewer, 20 + index, baseline)
    if outcome == "delisted":
        product_list_for_sale(product=product, by=reviewer)
        product_delist(product=product, by=reviewer, reason="厂家停产,由新款 DEMO-004 替代。")


def _bins(product: Product, warehouses: dict[str, Any], index: int) -> None:
    aisle, slot = divmod(index, 10)
    codes = {
        "main": f"A-{aisle + 1:02d}-{slot + 1:02d}",
        "central": f"C-{aisle + 1:02d}-{slot + 1:02d}",
    }
    for key, code in codes.items():
        ProductBin.objects.get_or_create(
            product=product, warehouse=warehouses[key], defaults={"bin_code": code}
        )


def _png(seed_number: int, size: int = 96) -> bytes:
    """A small solid-colour PNG (no image library needed)."""
    red, green, blue = (40 + seed_number * 37) % 200, (90 + seed_number * 53) % 200, 170
    row = b"\x00" + bytes([red, green, blue]) * size
    raw = row * size

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def finish(context: dict[str, Any]) -> None:
    """After every app has seeded: classify the demo products by the demo orders' sales."""
    from .services.velocity import velocity_classify

    velocity_classify()
