"""The demo's customers and orders (SPEC §8): stable keys, valid codes, one order per
state. Read by `orders.demo.seed`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stdnum.cn import ric, uscc

from .models import Order
from .validators import organisation_code_check_character


def _credit_code(body: str, region: str = "913100") -> str:
    stem = region + "00" + body + organisation_code_check_character(body)
    return stem + uscc.calc_check_digit(stem)


def _resident_id(stem17: str) -> str:
    return stem17 + ric.calc_check_digit(stem17 + "0")


HENGLI = _credit_code("MA1FL8XQ")
XIBEI = _credit_code("MA7A2K3C", region="916201")
NANFANG = _credit_code("MA59TT0W", region="914401")
ZHANG_WEI = _resident_id("11010519850312041")
LI_NA = _resident_id("65010219900101022")
NEW_COMPANY = _credit_code("MA6BQ3N7", region="913205")
NEW_PERSON = _resident_id("32050219880808123")

CUSTOMERS = [
    # kind, name, org code, responsible person, ID number, phone,
    # province, city, district, street, postcode
    (
        "corporate",
        "上海恒力液压设备有限公司",
        HENGLI,
        "陈刚",
        "",
        "13816600001",
        "上海市",
        "上海市",
        "嘉定区",
        "安亭镇墨玉路 185 号",
        "201805",
    ),
    (
        "corporate",
        "兰州西北工程机械有限公司",
        XIBEI,
        "马俊",
        "",
        "13919300002",
        "甘肃省",
        "兰州市",
        "七里河区",
        "西津西路 16 号",
        "730050",
    ),
    (
        "corporate",
        "广州南方农机服务有限公司",
        NANFANG,
        "黄伟明",
        "",
        "020-83336666",
        "广东省",
        "广州市",
        "白云区",
        "太和镇大源北路 9 号",
        "510450",
    ),
    (
        "individual",
        "张伟",
        "",
        "",
        ZHANG_WEI,
        "13701010003",
        "北京市",
        "北京市",
        "东城区",
        "东四十条 21 号",
        "100007",
    ),
    (
        "individual",
        "李娜",
        "",
        "",
        LI_NA,
        "13899100004",
        "新疆维吾尔自治区",
        "乌鲁木齐市",
        "天山区",
        "解放南路 88 号",
        "830002",
    ),
    # a duplicate of 恒力 without organisation code: shows up as a candidate, can be merged
    (
        "corporate",
        "上海恒力液压设备",
        "",
        "陈刚",
        "",
        "13816600001",
        "上海市",
        "上海市",
        "嘉定区",
        "墨玉路 185 号",
        "201805",
    ),
]


@dataclass
class DemoOrder:
    number: str
    state: str
    buyer: dict[str, str]
    ship_to: dict[str, str]
    lines: list[tuple[str, int]]
    placed_days_ago: float = 0.0
    keyed_in: bool = False
    paid: bool = True
    extra: dict[str, Any] = field(default_factory=dict)


def _buyer(index: int) -> tuple[dict[str, str], dict[str, str]]:
    kind, name, org, person, id_number, phone, prov, city, district, street, post = CUSTOMERS[index]
    buyer = {
        "kind": kind,
        "name": name,
        "org_code": org,
        "id_number": id_number,
        "contact_name": person,
        "phone": phone,
    }
    mobile = phone if phone.startswith("1") else "13500000000"
    ship_to = {
        "province": prov,
        "city": city,
        "district": district,
        "street": street,
        "postcode": post,
        "recipient": person or name,
        "phone": mobile,
    }
    return buyer, ship_to


HENGLI_BUYER = _buyer(0)
XIBEI_BUYER = _buyer(1)
NANFANG_BUYER = _buyer(2)
ZHANG_BUYER = _buyer(3)
LI_BUYER = _buyer(4)
NEW_CORPORATE = (
    {
        "kind": "corporate",
        "name": "苏州新程自动化科技有限公司",
        "org_code": NEW_COMPANY,
        "contact_name": "吴磊",
        "phone": "13951200005",
    },
    {
        "province": "江苏",
        "city": "苏州市",
        "district": "姑苏区",
        "street": "干将西路 1188 号",
        "postcode": "215008",
        "recipient": "吴磊",
        "phone": "13951200005",
    },
)
NEW_INDIVIDUAL = (
    {"kind": "individual", "name": "周敏", "id_number": NEW_PERSON, "phone": "13862100006"},
    {
        "province": "Jiangsu",
        "city": "苏州市",
        "district": "姑苏区",
        "street": "人民路 3 号",
        "postcode": "215001",
        "recipient": "周敏",
        "phone": "13862100006",
    },
)
# Same company as 恒力 but the platform sent no usable code match: a new order whose
# candidates include both 恒力 records (name and phone).
HENGLI_TYPO = (
    {
        "kind": "corporate",
        "name": "上海恒力液压设备(集团)有限公司",
        "org_code": _credit_code("MA1FL8XR"),
        "contact_name": "陈刚",
        "phone": "13816600001",
    },
    HENGLI_BUYER[1],
)

ORDERS = [
    DemoOrder(
        "DEMO-MALL-0001",
        Order.Status.RECEIVED,
        *NEW_CORPORATE,
        [("DEMO-001", 2), ("DEMO-004", 5)],
        0.003,
    ),
    DemoOrder("DEMO-MALL-0002", Order.Status.RECEIVED, *NEW_INDIVIDUAL, [("DEMO-007", 1)], 0.002),
    DemoOrder(
        "DEMO-MALL-0003", Order.Status.RECEIVED, *HENGLI_TYPO, [("DEMO-002", 1)], 2.0
    ),  # breached
    # the platform sent a sixth of the listed price: accepted, flagged for the rep
    DemoOrder(
        "DEMO-MALL-0004",
        Order.Status.IDENTIFIED,
        *HENGLI_BUYER,
        [("DEMO-003", 4)],
        0.01,
        extra={"price_factor": "0.1667"},
    ),
    DemoOrder(
        "DEMO-MALL-0005",
        Order.Status.CONFIRMED,
        *XIBEI_BUYER,
        [("DEMO-005", 10), ("DEMO-006", 2)],
        0.05,
    ),
    DemoOrder("DEMO-MALL-0006", Order.Status.ON_HOLD, *NANFANG_BUYER, [("DEMO-008", 30)], 0.2),
    DemoOrder("DEMO-MALL-0007", Order.Status.ALLOCATED, *ZHANG_BUYER, [("DEMO-009", 1)], 0.3),
    DemoOrder("DEMO-MALL-0008", Order.Status.INVOICED, *LI_BUYER, [("DEMO-010", 2)], 0.5),
    DemoOrder("DEMO-MALL-0009", Order.Status.SHIPPED, *HENGLI_BUYER, [("DEMO-011", 3)], 2.0),
    # placed under a day ago (calendar time, not working days): delivered at the seeding, so
    # it is inside the 5-day return window whatever day it is seeded — after a week of
    # holidays "4 working days ago" put the receipt outside it (SPEC §8)
    DemoOrder("DEMO-MALL-0010", Order.Status.DELIVERED, *XIBEI_BUYER, [("DEMO-012", 1)], 0.9),
    DemoOrder("DEMO-MALL-0011", Order.Status.CLOSED, *NANFANG_BUYER, [("DEMO-013", 6)], 12.0),
    DemoOrder("DEMO-MALL-0012", Order.Status.CANCELLED, *ZHANG_BUYER, [("DEMO-014", 1)], 1.0),
    DemoOrder(
        "DEMO-MALL-0013", Order.Status.IDENTIFIED, *LI_BUYER, [("DEMO-015", 2)], 0.0, keyed_in=True
    ),
    # Partial deliveries (fulfilment's demo): 0014 ships 5 of 8 and waits for 3 on a
    # back-order; 0015 shipped 2 of 4 and the customer dropped the rest.
    DemoOrder("DEMO-MALL-0014", Order.Status.SHIPPED, *HENGLI_BUYER, [("DEMO-016", 8)], 1.0),
    DemoOrder("DEMO-MALL-0015", Order.Status.SHIPPED, *LI_BUYER, [("DEMO-017", 4)], 3.0),
    # invoiced, then cancelled by the buyer: billing's demo issues the red-letter note
    DemoOrder("DEMO-MALL-0016", Order.Status.INVOICED, *ZHANG_BUYER, [("DEMO-004", 2)], 0.6),
]
