"""Fill a PostgreSQL database with a year of orders for the page benchmark (issue 12).

    .venv/bin/python bench/generate_year.py                       # 1,000,000 orders → ecomops_year
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecomops_week \\
        .venv/bin/python bench/generate_year.py --orders 10000     # the comparison database

The database named by DATABASE_URL (default ecomops_year) is created when missing and
migrated; `--reset` empties the generated tables first. The base data (two divisions, their
warehouses, a platform, 100 listed products per division, a carrier and one user per role
and division, password `bench`) goes through the ORM; the bulk — customers, orders, three
lines per order, delivery notes with their lines and shipments, invoices, daily closes and
settlements, returns with their refunds and the customer's SMS — is set-based SQL
(`INSERT … SELECT generate_series`), so a year takes minutes, not hours.

The business runs at `--per-day` orders a day (default 2,740 ≈ 1,000,000 a year), and the
newest order is placed now; so the open orders (a few thousand: the last ~36 hours) are the
same at 10,000 orders as at 1,000,000 — only the history behind them grows. (10,000 orders
span less than the ten days after which an order is closed: their oldest hundred are placed
eleven days back, so every state is there at both sizes.) Personal data is
encrypted with core.crypto: a pool of phone and ID numbers is encrypted once (blind indexes
too) and reused.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ecomops_year"
PASSWORD = "bench"
PRODUCTS_PER_DIVISION = 100
PHONE_POOL = 2000
ID_POOL = 1000
PER_DAY = 2740
# One return request per this many shipped orders, counted back from the newest order (odd:
# the divisions alternate), so the recent returns are the same at 10,000 orders as at a year.
RETURN_EVERY = 97

# name parts: surnames, given-name characters, cities, words and trades
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘" + (
    "于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉斌宇浩凯健俊帆"
CITY = [
    "上海",
    "北京",
    "广州",
    "深圳",
    "杭州",
    "南京",
    "苏州",
    "成都",
    "武汉",
    "西安",
    "天津",
    "重庆",
]
WORD = "华建宏泰鑫达恒盛兴利博通瑞丰金源力创新远和安永昌隆嘉德信诚"
TRADE = ["机械", "电气", "五金", "工具", "设备", "科技", "贸易", "工程"]
PROVINCES = [
    ("上海市", "31", "上海市", "200000"),
    ("北京市", "11", "北京市", "100000"),
    ("广东省", "44", "广州市", "510000"),
    ("浙江省", "33", "杭州市", "310000"),
    ("江苏省", "32", "南京市", "210000"),
    ("四川省", "51", "成都市", "610000"),
]


@dataclass
class Base:
    divisions: list[int]
    warehouses: dict[int, list[int]]  # division → [main, central]
    platform: int
    carrier: int
    users: dict[str, int]  # "sales_rep:GQ" → user id


def _head_office_roles() -> set[str]:
    from django.conf import settings

    return set(settings.HEAD_OFFICE_ROLES)


def ensure_base() -> Base:
    """Divisions GQ and DQ, their warehouses, a platform, products, a carrier and a user per
    role (per division for division roles). Idempotent."""
    from decimal import Decimal

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from catalog.models import Product
    from core.models import Division, User, Warehouse
    from core.roles import ALL_ROLES
    from fulfilment.models import Carrier
    from orders.models import Platform
    from orders.models.platform import hash_token

    divisions = []
    warehouses: dict[int, list[int]] = {}
    for code, name in (("GQ", "工起事业部"), ("DQ", "电气事业部")):
        division, _ = Division.objects.get_or_create(code=code, defaults={"name": name})
        divisions.append(division)
        warehouses[division.pk] = [
            Warehouse.objects.get_or_create(
                code=f"{code}-{kind.upper()}",
                defaults={"division": division, "kind": kind, "name": f"{name}{kind}"},
            )[0].pk
            for kind in ("main", "central")
        ]
        if not Product.objects.filter(division=division).exists():
            now = timezone.now()
            Product.objects.bulk_create(
                Product(
                    sku=f"{code}-B{k:04d}",
                    name=f"{TRADE[k % len(TRADE)]}产品{k:03d}",
                    division=division,
                    status=Product.Status.LISTED,
                    unit="件",
                    weight_kg=Decimal("1.500"),
                    vat_rate=Decimal("0.130"),
                    selling_price=Decimal(10 + k),
                    listed_at=now,
                )
                for k in range(PRODUCTS_PER_DIVISION)
            )
    platform = Platform.objects.filter(code="bench").first()
    if platform is None:
        platform = Platform.objects.create(
            code="bench", name="Bench platform", token_hash=hash_token("bench-token")
        )
    carrier, _ = Carrier.objects.get_or_create(code="SF", defaults={"name": "顺丰速运"})
    users: dict[str, int] = {}
    head_office = _head_office_roles()
    for role in ALL_ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        scopes = [None] if role in head_office else divisions
        for division in scopes:
            suffix = division.code.lower() if division else "hq"
            user = User.objects.filter(username=f"bench_{role}_{suffix}").first()
            if user is None:
                user = User.objects.create_user(
                    username=f"bench_{role}_{suffix}", password=PASSWORD, is_staff=role == "admin"
                )
                user.groups.add(group)
                if division is not None:
                    user.divisions.add(division)
            users[f"{role}:{division.code if division else 'HQ'}"] = user.pk
    return Base(
        divisions=[d.pk for d in divisions],
        warehouses=warehouses,
        platform=platform.pk,
        carrier=carrier.pk,
        users=users,
    )


def _pools(cursor: Any) -> None:
    """bench_phone(k, enc, idx, plain) and bench_idno(k, enc, idx): encrypted once, reused
    (the SMS outbox keeps a phone in clear: `plain`)."""
    from core.crypto import encrypt
    from orders.matching import id_number_index, phone_index

    cursor.execute("DROP TABLE IF EXISTS bench_phone, bench_idno")
    cursor.execute(
        "CREATE TEMP TABLE bench_phone (k int PRIMARY KEY, enc text, idx text, plain text)"
    )
    cursor.execute("CREATE TEMP TABLE bench_idno (k int PRIMARY KEY, enc text, idx text)")
    phones = [f"13{(k * 7919) % 10**9:09d}" for k in range(PHONE_POOL)]
    rows = [(k, encrypt(p), phone_index(p), p) for k, p in enumerate(phones)]
    cursor.executemany("INSERT INTO bench_phone VALUES (%s, %s, %s, %s)", rows)
    ids = [f"110101199001{k:04d}1X"[:17] + "X" for k in range(ID_POOL)]
    rows = [(k, encrypt(v), id_number_index(v)) for k, v in enumerate(ids)]
    cursor.executemany("INSERT INTO bench_idno VALUES (%s, %s, %s)", rows)


def _next_id(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")  # noqa: S608
    return int(cursor.fetchone()[0])


def _reset_sequence(cursor: Any, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
        f"greatest((SELECT max(id) FROM {table}), 1))"
    )


# An order is closed ten days after it was placed; a comparison database whose orders span
# less than that has its oldest CLOSED_TAIL orders placed eleven days back (one step apart),
# so that the order page is measured in every state at both sizes (the open orders, the
# newest, stay the same).
CLOSED_AFTER_DAYS = 10
CLOSED_TAIL = 100


def _closed_tail(orders: int, per_day: int) -> int:
    span_days = orders / per_day
    return min(CLOSED_TAIL, orders // 10) if span_days < CLOSED_AFTER_DAYS + 1 else 0


def generate(
    *,
    orders: int,
    customers: int | None = None,
    per_day: int = PER_DAY,
    with_fulfilment: bool = True,
    return_every: int = RETURN_EVERY,
    log: Any = None,
) -> dict[str, float]:
    """Add `orders` orders (and their customers, lines, notes, shipments, invoices) to the
    database of the default connection, then the daily closes and settlements of the days
    they cover, and a return for one shipped order in `return_every` (`_returns`). Returns
    the seconds each step took."""
    from django.db import connection

    log = log or (lambda *_: None)
    base = ensure_base()
    customers = customers or max(200, min(200_000, orders // 5))
    timings: dict[str, float] = {}
    seconds_per_order = 86400.0 / per_day
    gq, dq = base.divisions
    u = base.users
    with connection.cursor() as cursor:
        started = time.perf_counter()
        _pools(cursor)
        timings["pools"] = time.perf_counter() - started

        # --- customers ---------------------------------------------------------------
        started = time.perf_counter()
        c0 = _next_id(cursor, "orders_customer")
        cursor.execute(
            """
            INSERT INTO orders_customer (id, number, kind, name, name_normalised, org_code,
                org_code_core, contact_name, id_number, id_number_index, phone, phone_index,
                province, city, district, street, postcode, created_at, updated_at,
                division_id, merged_into_id)
            SELECT %(c0)s + n, 'BC' || lpad((%(c0)s + n)::text, 10, '0'), kind, name,
                   CASE WHEN kind = 'corporate' THEN lower(stem) ELSE name END,
                   CASE WHEN kind = 'corporate' THEN '91310000' || core || 'X' ELSE '' END,
                   CASE WHEN kind = 'corporate' THEN core ELSE '' END,
                   CASE WHEN kind = 'corporate' THEN person ELSE '' END,
                   coalesce(idno.enc, ''), coalesce(idno.idx, ''), phone.enc, phone.idx,
                   '上海市', '上海市', '浦东新区', '张江路' || (n %% 900 + 1) || '号', '200000',
                   now() - interval '400 days', now() - interval '400 days',
                   CASE WHEN n %% 2 = 0 THEN %(gq)s ELSE %(dq)s END, NULL
            FROM (
                SELECT n,
                       CASE WHEN n %% 10 < 3 THEN 'corporate' ELSE 'individual' END AS kind,
                       (%(cities)s::text[])[1 + n %% 12]
                         || substr(%(word)s::text, 1 + (n / 7) %% %(nword)s, 1)
                         || substr(%(word)s::text, 1 + (n / 211) %% %(nword)s, 1)
                         || (%(trades)s::text[])[1 + (n / 3) %% 8] || (n / 6000) AS stem,
                       substr(%(sur)s::text, 1 + (n * 31) %% %(nsur)s, 1)
                         || substr(%(given)s::text, 1 + (n / 50) %% %(ngiven)s, 1)
                         || CASE WHEN n %% 3 = 0
                            THEN substr(%(given)s::text, 1 + (n / 17) %% %(ngiven)s, 1)
                            ELSE '' END AS person,
                       lpad(to_hex(%(c0)s + n), 9, '0') AS core
                FROM generate_series(0, %(count)s::int - 1) AS n
            ) AS s
            CROSS JOIN LATERAL (
                SELECT CASE WHEN s.kind = 'corporate' THEN s.stem || '有限公司'
                       ELSE s.person END AS name
            ) AS nm
            JOIN bench_phone AS phone ON phone.k = s.n %% %(phones)s
            LEFT JOIN bench_idno AS idno
                ON s.kind = 'individual' AND %(c0)s = 1 AND s.n < %(ids)s AND idno.k = s.n
            """,
            {
                "c0": c0,
                "count": customers,
                "gq": gq,
                "dq": dq,
                "cities": CITY,
                "trades": TRADE,
                "word": WORD,
                "sur": SURNAMES,
                "given": GIVEN,
                "ngiven": len(GIVEN),
                "nsur": len(SURNAMES),
                "nword": len(WORD),
                "phones": PHONE_POOL,
                "ids": ID_POOL,
            },
        )
        _reset_sequence(cursor, "orders_customer")
        timings["customers"] = time.perf_counter() - started
        log(f"customers: {customers} in {timings['customers']:.1f} s")

        # --- orders ------------------------------------------------------------------
        started = time.perf_counter()
        o0 = _next_id(cursor, "orders_order")
        cursor.execute("SELECT min(id) FROM catalog_product WHERE division_id = %s", [gq])
        p_gq = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM catalog_product WHERE division_id = %s", [dq])
        p_dq = cursor.fetchone()[0]
        params = {
            "o0": o0,
            "c0": c0,
            "count": orders,
            "half": max(1, customers // 2),
            "step": seconds_per_order,
            "tail": _closed_tail(orders, per_day),
            "closed_after": CLOSED_AFTER_DAYS,
            "gq": gq,
            "dq": dq,
            "wgq": base.warehouses[gq],
            "wdq": base.warehouses[dq],
            "platform": base.platform,
            "pgq": p_gq,
            "pdq": p_dq,
            "products": PRODUCTS_PER_DIVISION,
            "rep_gq": u["sales_rep:GQ"],
            "rep_dq": u["sales_rep:DQ"],
            "ps_gq": u["parts_support:GQ"],
            "ps_dq": u["parts_support:DQ"],
            "fin_gq": u["division_finance:GQ"],
            "fin_dq": u["division_finance:DQ"],
            "wh_gq": u["warehouse:GQ"],
            "wh_dq": u["warehouse:DQ"],
            "provinces": [p[0] for p in PROVINCES],
            "pcodes": [p[1] for p in PROVINCES],
            "pcities": [p[2] for p in PROVINCES],
            "ppost": [p[3] for p in PROVINCES],
            "phones": PHONE_POOL,
        }
        # bench_order: one row per order with its stage (0 received … 7 closed) and the
        # times of its steps; everything else derives from it.
        cursor.execute("DROP TABLE IF EXISTS bench_order")
        cursor.execute(
            """
            CREATE TEMP TABLE bench_order AS
            SELECT i, %(o0)s + i - 1 AS id, placed_at, age, div, cancelled,
                   CASE WHEN cancelled THEN least(stage, 1) ELSE stage END AS stage,
                   cust,
                   placed_at + interval '5 minutes'
                       + CASE WHEN i %% 9 = 0 THEN interval '20 minutes' ELSE interval '0' END
                       AS identified_at
            FROM (
                SELECT i, placed_at, now() - placed_at AS age, i %% 2 AS div,
                       i %% 25 = 0 AS cancelled,
                       CASE WHEN now() - placed_at < interval '30 minutes' THEN 0
                            WHEN now() - placed_at < interval '3 hours' THEN 1
                            WHEN now() - placed_at < interval '12 hours' THEN 2
                            WHEN now() - placed_at < interval '24 hours' THEN 3
                            WHEN now() - placed_at < interval '36 hours' THEN 4
                            WHEN now() - placed_at < interval '4 days' THEN 5
                            WHEN now() - placed_at < interval '10 days' THEN 6
                            ELSE 7 END AS stage,
                       %(c0)s + 2 * ((i * 7919) %% %(half)s) + i %% 2 AS cust
                FROM (
                    SELECT i, CASE WHEN i <= %(tail)s
                        THEN now() - %(closed_after)s * interval '1 day' - interval '1 day'
                             - (%(tail)s - i) * %(step)s * interval '1 second'
                        ELSE now() - (%(count)s - i) * %(step)s * interval '1 second'
                             - interval '1 second' END AS placed_at
                    FROM generate_series(1, %(count)s::bigint) AS i
                ) AS t
            ) AS s
            """,
            params,
        )
        cursor.execute("ALTER TABLE bench_order ADD PRIMARY KEY (i)")
        cursor.execute(
            """
            ALTER TABLE bench_order
                ADD COLUMN confirmed_at timestamptz, ADD COLUMN dn_at timestamptz,
                ADD COLUMN invoiced_at timestamptz, ADD COLUMN shipped_at timestamptz
            """
        )
        cursor.execute(
            """
            UPDATE bench_order SET
                confirmed_at = identified_at + interval '1 hour'
                    + CASE WHEN i %% 11 = 0 THEN interval '1 hour' ELSE interval '0' END,
                dn_at = identified_at + interval '3 hours'
                    + CASE WHEN i %% 13 = 0 THEN interval '3 hours' ELSE interval '0' END,
                invoiced_at = identified_at + interval '6 hours'
                    + CASE WHEN i %% 13 = 0 THEN interval '6 hours' ELSE interval '0' END,
                shipped_at = identified_at + interval '10 hours'
                    + CASE WHEN i %% 17 = 0 THEN interval '12 hours' ELSE interval '0' END
            """,
            {},
        )
        cursor.execute(
            """
            INSERT INTO orders_order (id, number, platform_order_no, source, payload_hash,
                status, placed_at, received_at, ship_by, buyer_kind, buyer_name,
                buyer_org_code, buyer_contact_name, buyer_id_number, buyer_id_number_index,
                buyer_phone, buyer_phone_index, ship_province, province_code, ship_city,
                ship_district, ship_street, ship_postcode, ship_recipient, ship_phone,
                goods_amount, freight, is_paid, identification_method, sales_order_number,
                invoice_title, invoice_tax_number, delivery_note_number, invoice_number,
                carrier, tracking_number, hold_reason, cancel_reason,
                identify_due_at, sales_order_due_at, delivery_note_due_at, invoice_due_at,
                handover_due_at, identified_at, confirmed_at, delivery_note_at, invoiced_at,
                shipped_at, delivered_at, closed_at, on_hold_at, cancelled_at,
                next_step, next_due_at, cancelled_by_id, confirmed_by_id, customer_id,
                delivery_note_by_id, division_id, identified_by_id, invoiced_by_id,
                keyed_in_by_id, shipped_by_id, warehouse_id, platform_id,
                delivery_note_window_at, review_flags, is_flagged)
            SELECT b.id,
                'BO' || to_char(b.placed_at AT TIME ZONE 'Asia/Shanghai', 'YYMMDD')
                    || lpad(b.id::text, 8, '0'),
                'P' || (100000000000 + b.id * 37)::text, 'api', 'v2:' || md5(b.id::text),
                st.status, b.placed_at, b.placed_at + interval '2 seconds',
                ((b.placed_at AT TIME ZONE 'Asia/Shanghai') + interval '1 day')::date,
                c.kind, c.name, c.org_code, c.contact_name, c.id_number, c.id_number_index,
                c.phone, c.phone_index, pv.province, pv.code, pv.city, '', '人民路'
                    || (b.i %% 500 + 1) || '号', pv.post,
                CASE WHEN c.kind = 'corporate' THEN c.contact_name ELSE c.name END,
                ship.enc, g.amount, CASE WHEN b.i %% 4 = 0 THEN 0 ELSE 12 END, true,
                CASE WHEN b.stage < 1 THEN ''
                     WHEN c.kind = 'corporate' THEN 'org_code' ELSE 'linked' END,
                CASE WHEN b.stage >= 2 THEN 'BS' || lpad(b.id::text, 10, '0') ELSE '' END,
                CASE WHEN b.stage >= 2 THEN c.name ELSE '' END,
                CASE WHEN b.stage >= 2 THEN c.org_code_core ELSE '' END,
                CASE WHEN b.stage >= 3 THEN 'BN' || lpad(b.id::text, 10, '0') ELSE '' END,
                CASE WHEN b.stage >= 4 THEN 'BI' || lpad(b.id::text, 10, '0') ELSE '' END,
                CASE WHEN b.stage >= 5 THEN '顺丰速运' ELSE '' END,
                CASE WHEN b.stage >= 5 THEN 'SF' || lpad(b.id::text, 12, '0') ELSE '' END,
                CASE WHEN st.status = 'on_hold' THEN '缺货' ELSE '' END,
                CASE WHEN b.cancelled THEN '客户取消' ELSE '' END,
                b.placed_at + interval '15 minutes',
                CASE WHEN b.stage >= 1 THEN b.identified_at + interval '2 hours' END,
                CASE WHEN b.stage >= 2 THEN b.confirmed_at + interval '4 hours' END,
                CASE WHEN b.stage >= 3 THEN b.dn_at + interval '4 hours' END,
                CASE WHEN b.stage >= 4 THEN b.invoiced_at + interval '8 hours' END,
                CASE WHEN b.stage >= 1 THEN b.identified_at END,
                CASE WHEN b.stage >= 2 THEN b.confirmed_at END,
                CASE WHEN b.stage >= 3 THEN b.dn_at END,
                CASE WHEN b.stage >= 4 THEN b.invoiced_at END,
                CASE WHEN b.stage >= 5 THEN b.shipped_at END,
                CASE WHEN b.stage >= 6 THEN b.shipped_at + interval '2 days' END,
                CASE WHEN b.stage >= 7 THEN b.shipped_at + interval '8 days' END,
                CASE WHEN st.status = 'on_hold' THEN b.confirmed_at END,
                CASE WHEN b.cancelled THEN least(now(), b.placed_at + interval '20 minutes') END,
                st.next_step,
                CASE st.next_step
                    WHEN 'identify' THEN b.placed_at + interval '15 minutes'
                    WHEN 'sales_order' THEN b.identified_at + interval '2 hours'
                    WHEN 'delivery_note' THEN b.confirmed_at + interval '4 hours'
                    WHEN 'invoice' THEN b.dn_at + interval '4 hours'
                    WHEN 'handover' THEN b.invoiced_at + interval '8 hours' END,
                CASE WHEN b.cancelled THEN who.rep END,
                CASE WHEN b.stage >= 2 THEN who.rep END,
                CASE WHEN b.stage >= 1 THEN b.cust END,
                CASE WHEN b.stage >= 3 THEN who.ps END,
                who.division,
                CASE WHEN b.stage >= 1 THEN who.rep END,
                CASE WHEN b.stage >= 4 THEN who.fin END,
                NULL,
                CASE WHEN b.stage >= 5 THEN who.wh END,
                who.warehouse, %(platform)s,
                CASE WHEN b.stage >= 2 THEN date_trunc('hour', b.confirmed_at)
                    + interval '4 hours' END,
                '[]'::jsonb, false
            FROM bench_order AS b
            JOIN orders_customer AS c ON c.id = b.cust
            JOIN bench_phone AS ship ON ship.k = (b.i * 13) %% %(phones)s
            CROSS JOIN LATERAL (
                SELECT CASE WHEN b.div = 0 THEN %(gq)s ELSE %(dq)s END AS division,
                       CASE WHEN b.div = 0 THEN %(rep_gq)s ELSE %(rep_dq)s END AS rep,
                       CASE WHEN b.div = 0 THEN %(ps_gq)s ELSE %(ps_dq)s END AS ps,
                       CASE WHEN b.div = 0 THEN %(fin_gq)s ELSE %(fin_dq)s END AS fin,
                       CASE WHEN b.div = 0 THEN %(wh_gq)s ELSE %(wh_dq)s END AS wh,
                       (CASE WHEN b.div = 0 THEN %(wgq)s::bigint[]
                             ELSE %(wdq)s::bigint[] END)[1 + (b.i / 2) %% 3 / 2] AS warehouse
            ) AS who
            CROSS JOIN LATERAL (
                SELECT (%(provinces)s::text[])[1 + b.i %% 6] AS province,
                       (%(pcodes)s::text[])[1 + b.i %% 6] AS code,
                       (%(pcities)s::text[])[1 + b.i %% 6] AS city,
                       (%(ppost)s::text[])[1 + b.i %% 6] AS post
            ) AS pv
            CROSS JOIN LATERAL (
                SELECT sum((1 + (b.i + p) %% 3) * (10 + (b.i * 7 + p * 13) %% %(products)s))
                    AS amount
                FROM generate_series(1, 3) AS p
            ) AS g
            CROSS JOIN LATERAL (
                SELECT s.status,
                       CASE s.status WHEN 'received' THEN 'identify'
                           WHEN 'identified' THEN 'sales_order'
                           WHEN 'confirmed' THEN 'delivery_note'
                           WHEN 'on_hold' THEN 'delivery_note'
                           WHEN 'allocated' THEN 'invoice'
                           WHEN 'invoiced' THEN 'handover' ELSE '' END AS next_step
                FROM (SELECT CASE WHEN b.cancelled THEN 'cancelled'
                    ELSE (ARRAY['received', 'identified',
                                CASE WHEN b.i %% 8 = 0 THEN 'on_hold' ELSE 'confirmed' END,
                                'allocated', 'invoiced', 'shipped', 'delivered',
                                'closed'])[b.stage + 1] END AS status) AS s
            ) AS st
            ORDER BY b.i
            """,
            params,
        )
        _reset_sequence(cursor, "orders_order")
        timings["orders"] = time.perf_counter() - started
        log(f"orders: {orders} in {timings['orders']:.1f} s")

        started = time.perf_counter()
        l0 = _next_id(cursor, "orders_orderline")
        cursor.execute(
            """
            INSERT INTO orders_orderline (id, position, sku, name, unit, quantity, unit_price,
                vat_rate, amount, order_id, product_id)
            SELECT %(l0)s + (b.i - 1) * 3 + p - 1, p, pr.sku, pr.name, '件', q.qty,
                   pr.selling_price, 0.130, q.qty * pr.selling_price, b.id, pr.id
            FROM bench_order AS b
            CROSS JOIN generate_series(1, 3) AS p
            CROSS JOIN LATERAL (SELECT 1 + (b.i + p) %% 3 AS qty) AS q
            JOIN catalog_product AS pr
              ON pr.id = CASE WHEN b.div = 0 THEN %(pgq)s ELSE %(pdq)s END
                         + (b.i * 7 + p * 13) %% %(products)s
            ORDER BY b.i, p
            """,
            {**params, "l0": l0},
        )
        _reset_sequence(cursor, "orders_orderline")
        timings["lines"] = time.perf_counter() - started
        log(f"lines: {orders * 3} in {timings['lines']:.1f} s")

        if with_fulfilment:
            started = time.perf_counter()
            _fulfilment(cursor, base, o0=o0, l0=l0)
            timings["fulfilment"] = time.perf_counter() - started
            log(f"delivery notes, their lines, shipments in {timings['fulfilment']:.1f} s")
            started = time.perf_counter()
            _billing(cursor, base, o0=o0)
            timings["billing"] = time.perf_counter() - started
            log(f"invoices, daily closes, settlements in {timings['billing']:.1f} s")
            started = time.perf_counter()
            returned = _returns(cursor, base, count=orders, every=return_every)
            timings["returns"] = time.perf_counter() - started
            log(f"returns: {returned} with their refunds and SMS in {timings['returns']:.1f} s")
        cursor.execute("DROP TABLE IF EXISTS bench_order, bench_phone, bench_idno")
    return timings


def _fulfilment(cursor: Any, base: Base, *, o0: int, l0: int) -> None:
    """A delivery note (reserved / invoiced / shipped) for every allocated or later order,
    its three lines, and a shipment for the shipped ones."""
    n0 = _next_id(cursor, "fulfilment_deliverynote")
    cursor.execute(
        """
        INSERT INTO fulfilment_deliverynote (id, number, kind, status, ship_by,
            partial_agreed_with, note, created_at, reserved_at, invoice_number, invoiced_at,
            shipped_at, cancelled_at, cancel_reason, created_by_id, division_id, order_id,
            warehouse_id)
        SELECT %(n0)s + o.id - %(o0)s, o.delivery_note_number, 'full',
               CASE WHEN b.stage = 3 THEN 'reserved' WHEN b.stage = 4 THEN 'invoiced'
                    ELSE 'shipped' END,
               o.ship_by, '', '', o.delivery_note_at, o.delivery_note_at, o.invoice_number,
               o.invoiced_at, o.shipped_at, NULL, '', o.delivery_note_by_id, o.division_id,
               o.id, o.warehouse_id
        FROM bench_order AS b JOIN orders_order AS o ON o.id = b.id
        WHERE b.stage >= 3 AND NOT b.cancelled
        ORDER BY o.id
        """,
        {"n0": n0, "o0": o0},
    )
    _reset_sequence(cursor, "fulfilment_deliverynote")
    cursor.execute(
        """
        INSERT INTO fulfilment_deliverynoteline (quantity, delivery_note_id, order_line_id,
            product_id)
        SELECT l.quantity, %(n0)s + b.id - %(o0)s, l.id, l.product_id
        FROM bench_order AS b JOIN orders_orderline AS l ON l.order_id = b.id
        WHERE b.stage >= 3 AND NOT b.cancelled
        ORDER BY l.id
        """,
        {"n0": n0, "o0": o0},
    )
    cursor.execute(
        """
        INSERT INTO fulfilment_shipment (tracking_number, parcels, weight_kg, freight_cost,
            shipped_at, carrier_id, delivery_note_id, order_id, report_id, shipped_by_id,
            warehouse_id)
        SELECT o.tracking_number, 1, 4.50, 12.00, o.shipped_at, %(carrier)s,
               %(n0)s + o.id - %(o0)s, o.id, NULL, o.shipped_by_id, o.warehouse_id
        FROM bench_order AS b JOIN orders_order AS o ON o.id = b.id
        WHERE b.stage >= 5 AND NOT b.cancelled
        ORDER BY o.id
        """,
        {"n0": n0, "o0": o0, "carrier": base.carrier},
    )


def _billing(cursor: Any, base: Base, *, o0: int) -> None:
    """An invoice for every invoiced (or later) order's delivery note — the order's goods
    and freight, VAT 13 % tax-inclusive, half-up to the fen (no invoice lines: no measured
    page reads them) —, a daily close per division and past day (reconciled but for the
    last week) and a settlement per division and 26th–25th period (the past ones locked)."""
    cursor.execute(
        """
        INSERT INTO billing_invoice (number, kind, status, buyer_title, buyer_tax_number,
            issued_at, net_amount, tax_amount, total_amount, reason, return_number,
            delivery_note_id, division_id, issued_by_id, order_id, original_id)
        SELECT o.invoice_number, 'invoice', 'issued', o.invoice_title, o.invoice_tax_number,
               o.invoiced_at, t.total - t.tax, t.tax, t.total, '', '', n.id, o.division_id,
               o.invoiced_by_id, o.id, NULL
        FROM bench_order AS b
        JOIN orders_order AS o ON o.id = b.id
        JOIN fulfilment_deliverynote AS n ON n.order_id = o.id
        CROSS JOIN LATERAL (
            SELECT o.goods_amount + o.freight AS total,
                   round((o.goods_amount + o.freight) * 0.13 / 1.13, 2) AS tax
        ) AS t
        WHERE b.stage >= 4 AND NOT b.cancelled
        ORDER BY o.id
        """,
        {"o0": o0},
    )
    # one close per division and Beijing day before today, its figures from the orders
    cursor.execute(
        """
        INSERT INTO billing_dailyclose (day, status, created_at, order_count, goods_amount,
            freight_amount, total_amount, paid_amount, unpaid_count, invoiced_amount,
            shipped_amount, division_reconciled_at, hq_reconciled_at, division_id,
            division_reconciled_by_id, hq_reconciled_by_id)
        SELECT d.day, CASE WHEN d.recent THEN 'open' ELSE 'reconciled' END,
               d.closed_at, d.orders, d.goods, d.freight, d.goods + d.freight,
               d.goods + d.freight, 0, d.invoiced, d.shipped,
               CASE WHEN d.recent THEN NULL ELSE d.closed_at + interval '1 day' END,
               CASE WHEN d.recent THEN NULL ELSE d.closed_at + interval '2 days' END,
               d.division_id,
               CASE WHEN d.recent THEN NULL
                    WHEN d.division_id = %(gq)s THEN %(fin_gq)s ELSE %(fin_dq)s END,
               CASE WHEN d.recent THEN NULL ELSE %(fin_hq)s END
        FROM (
            SELECT (o.placed_at AT TIME ZONE 'Asia/Shanghai')::date AS day, o.division_id,
                   ((o.placed_at AT TIME ZONE 'Asia/Shanghai')::date + 1)::timestamp
                       AT TIME ZONE 'Asia/Shanghai' + interval '30 minutes' AS closed_at,
                   (o.placed_at AT TIME ZONE 'Asia/Shanghai')::date
                       >= (now() AT TIME ZONE 'Asia/Shanghai')::date - 7 AS recent,
                   count(*) FILTER (WHERE o.status <> 'cancelled') AS orders,
                   coalesce(sum(o.goods_amount) FILTER (WHERE o.status <> 'cancelled'), 0)
                       AS goods,
                   coalesce(sum(o.freight) FILTER (WHERE o.status <> 'cancelled'), 0)
                       AS freight,
                   coalesce(sum(o.goods_amount + o.freight)
                       FILTER (WHERE o.invoiced_at IS NOT NULL), 0) AS invoiced,
                   coalesce(sum(o.goods_amount + o.freight)
                       FILTER (WHERE o.shipped_at IS NOT NULL), 0) AS shipped
            FROM orders_order AS o
            WHERE o.id >= %(o0)s
            GROUP BY 1, 2, 3, 4
        ) AS d
        WHERE d.day < (now() AT TIME ZONE 'Asia/Shanghai')::date
        ON CONFLICT DO NOTHING
        """,
        {
            "o0": o0,
            "gq": base.divisions[0],
            "fin_gq": base.users["division_finance:GQ"],
            "fin_dq": base.users["division_finance:DQ"],
            "fin_hq": base.users["hq_finance:HQ"],
        },
    )
    # one settlement per division and period (26th through the next 25th): the current
    # period open, the past ones computed from the shipped orders and locked
    cursor.execute(
        """
        INSERT INTO billing_settlement (first_day, last_day, status, progress, computed_at,
            shipped_sales, freight, credit_notes, returns, refunds, net_due,
            shipment_count, locked_at, division_id)
        SELECT p.first_day, p.last_day, CASE WHEN p.current THEN 'open' ELSE 'locked' END,
               CASE WHEN p.current THEN 0 ELSE 100 END,
               CASE WHEN p.current THEN NULL ELSE p.end_at + interval '1 day' END,
               CASE WHEN p.current THEN 0 ELSE p.goods END,
               CASE WHEN p.current THEN 0 ELSE p.freight END, 0, 0, 0,
               CASE WHEN p.current THEN 0 ELSE p.goods + p.freight END,
               CASE WHEN p.current THEN 0 ELSE p.shipments END,
               CASE WHEN p.current THEN NULL ELSE p.end_at + interval '3 days' END,
               p.division_id
        FROM (
            SELECT s.division_id, s.first_day,
                   (s.first_day + interval '1 month')::date - 1 AS last_day,
                   (s.first_day + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'
                       AS end_at,
                   (s.first_day + interval '1 month')::date
                       > (now() AT TIME ZONE 'Asia/Shanghai')::date AS current,
                   sum(s.goods) AS goods, sum(s.freight) AS freight, count(*) AS shipments
            FROM (
                SELECT o.division_id, o.goods_amount AS goods, o.freight,
                       (date_trunc('month', (o.shipped_at AT TIME ZONE 'Asia/Shanghai')::date
                           - 25) + interval '25 days')::date AS first_day
                FROM orders_order AS o
                WHERE o.id >= %(o0)s AND o.shipped_at IS NOT NULL
            ) AS s
            GROUP BY 1, 2
        ) AS p
        ON CONFLICT DO NOTHING
        """,
        {"o0": o0},
    )
    # the period before the current one is locked for every division even when nothing of
    # the generated orders shipped in it (10,000 orders span less than four days: on the
    # 26th–29th of a month they all fall in the current period), so the locked settlement's
    # page is measured at both sizes
    cursor.execute(
        """
        INSERT INTO billing_settlement (first_day, last_day, status, progress, computed_at,
            shipped_sales, freight, credit_notes, returns, refunds, net_due,
            shipment_count, locked_at, division_id)
        SELECT p.first_day, (p.first_day + interval '1 month')::date - 1, 'locked', 100,
               p.end_at + interval '1 day', 0, 0, 0, 0, 0, 0, 0,
               least(p.end_at + interval '3 days', now()), d.id
        FROM core_division AS d
        CROSS JOIN (
            SELECT f.first_day,
                   (f.first_day + interval '1 month')::timestamp AT TIME ZONE 'Asia/Shanghai'
                       AS end_at
            FROM (
                SELECT (date_trunc('month', (now() AT TIME ZONE 'Asia/Shanghai')::date - 25)
                        + interval '25 days' - interval '1 month')::date AS first_day
            ) AS f
        ) AS p
        WHERE d.id = ANY(%(divisions)s)
        ON CONFLICT DO NOTHING
        """,
        {"divisions": list(base.divisions)},
    )
    # the locked periods carry their three sign-offs
    users = base.users
    cursor.execute(
        """
        INSERT INTO billing_settlementsignature (role, signed_at, withdrawn_at, settlement_id,
            signed_by_id)
        SELECT r.role, s.computed_at + r.after, NULL, s.id,
               CASE r.role WHEN 'hq_finance' THEN %(hq_finance)s
                    WHEN 'sales_lead' THEN CASE WHEN s.division_id = %(gq)s
                        THEN %(lead_gq)s ELSE %(lead_dq)s END
                    ELSE CASE WHEN s.division_id = %(gq)s THEN %(fin_gq)s ELSE %(fin_dq)s END
               END
        FROM billing_settlement AS s
        CROSS JOIN (VALUES ('sales_lead', interval '2 hours'),
                           ('division_finance', interval '1 day'),
                           ('hq_finance', interval '2 days')) AS r (role, after)
        WHERE s.status = 'locked'
          AND NOT EXISTS (SELECT 1 FROM billing_settlementsignature AS x
                          WHERE x.settlement_id = s.id)
        """,
        {
            "gq": base.divisions[0],
            "hq_finance": users["hq_finance:HQ"],
            "lead_gq": users["sales_lead:GQ"],
            "lead_dq": users["sales_lead:DQ"],
            "fin_gq": users["division_finance:GQ"],
            "fin_dq": users["division_finance:DQ"],
        },
    )


# The steps of a return, after its request: the rep decides within 4 hours, parts support
# then the warehouse lead give their feedback (the return order), the goods come back the
# next day, a refusal is settled three-way within 12 hours. Then (from the receipt of the
# goods, `_returns`) parts support writes an exchange's replacement, finance records the
# invoice and reviews the refund, and head office pays it.
_RETURN_STEPS = """
    requested_at + interval '4 hours' AS decided_at,
    requested_at + interval '6 hours' AS parts_at,
    requested_at + interval '8 hours' AS warehouse_at,
    requested_at + interval '24 hours' AS inspected_at,
    requested_at + interval '36 hours' AS resolved_at,
    requested_at + CASE WHEN refused THEN interval '36 hours' ELSE interval '24 hours' END
        AS received_at
"""


def _returns(cursor: Any, base: Base, *, count: int, every: int = RETURN_EVERY) -> int:
    """Return requests for about one shipped order in a hundred (`every`), with their
    lines, refunds, approvals, three-way resolutions and the customer's SMS, and for the
    exchanges their credit note and replacement delivery note (with its invoice and
    shipment). The returned order's receipt is confirmed 12 hours after shipping (an order
    still shipped becomes delivered); the request follows 1–48 hours later and each step
    at a fixed time after it (_RETURN_STEPS), done when that time has passed — so the open
    returns are the last two days' and everything older is closed or rejected. The
    choices go by the request's rank from the newest (the same at 10,000 orders as at a
    year; odd moduli, so both divisions get each): one in eleven is rejected; of the rest a
    third are exchanges and one in seven is refused at inspection (settled "accept" or
    "send back"). Numbers follow the
    app's series (RR/TH/TK-<division>-<year>-000001; the counters are advanced past them).
    Returns the number of requests written."""
    from django.conf import settings

    users = base.users
    gq = base.divisions[0]

    def by_division(role: str) -> str:
        return (
            f"CASE WHEN r.division_id = {gq} THEN {int(users[role + ':GQ'])} "
            f"ELSE {int(users[role + ':DQ'])} END"
        )

    rep, parts = by_division("sales_rep"), by_division("parts_support")
    receiver, finance = by_division("warehouse_receiver"), by_division("division_finance")
    keeper = by_division("warehouse")
    params: dict[str, Any] = {
        "count": count,
        "every": every,
        "r0": _next_id(cursor, "returns_returnrequest"),
        "platform": base.platform,
        "carrier": base.carrier,
        "logistics": users["logistics_lead:HQ"],
        "head": users["sales_head:HQ"],
        "leader": users["ecom_leader:HQ"],
        "hq_finance": users["hq_finance:HQ"],
        "threshold": str(settings.RETURN_REFUND_LEADER_THRESHOLD),
    }
    cursor.execute("DROP TABLE IF EXISTS bench_return, bench_return_line")
    cursor.execute(
        f"""
        CREATE TEMP TABLE bench_return AS
        WITH chosen AS (
            SELECT o.id AS order_id, o.division_id, dv.code AS division_code,
                   o.warehouse_id, w.code AS warehouse_code, w.name AS warehouse_name,
                   o.platform_order_no, o.buyer_name, o.invoice_number, ph.plain AS phone,
                   (%(count)s - b.i) / %(every)s AS k,
                   o.shipped_at + interval '12 hours' AS delivered_at
            FROM bench_order AS b
            JOIN orders_order AS o ON o.id = b.id
            JOIN core_division AS dv ON dv.id = o.division_id
            JOIN core_warehouse AS w ON w.id = o.warehouse_id
            LEFT JOIN bench_phone AS ph ON ph.enc = o.buyer_phone
            WHERE (%(count)s - b.i) %% %(every)s = %(every)s / 2
              AND b.stage >= 5 AND NOT b.cancelled
        ), flagged AS (
            SELECT c.*,
                   c.delivered_at + (1 + c.k * 7 %% 48) * interval '1 hour' AS requested_at,
                   c.k %% 11 = 3 AS rejected,
                   c.k %% 11 <> 3 AND c.k %% 3 = 1 AS exchange,
                   c.k %% 11 <> 3 AND c.k %% 7 = 4 AS refused,
                   c.k %% 11 <> 3 AND c.k %% 7 = 4 AND c.k / 14 %% 2 = 1 AS send_back
            FROM chosen AS c
        ), timed AS (
            SELECT f.*, {_RETURN_STEPS}
            FROM flagged AS f
            WHERE f.requested_at <= now()
        ), stepped AS (
            SELECT t.*,
                   t.received_at + interval '2 hours' AS replacement_at,
                   t.received_at + interval '3 hours' AS invoice_at,
                   t.received_at + interval '4 hours' AS reviewed_at,
                   t.received_at + interval '6 hours' AS paid_at,
                   CASE WHEN t.rejected THEN t.decided_at
                        WHEN t.send_back THEN t.resolved_at
                        WHEN t.exchange THEN t.received_at + interval '3 hours'
                        ELSE t.received_at + interval '6 hours' END AS closes_at
            FROM timed AS t
        ), stated AS (
            SELECT s.*,
                   CASE WHEN s.decided_at > now() THEN 'requested'
                        WHEN s.rejected THEN 'rejected'
                        WHEN s.warehouse_at > now() THEN 'accepted'
                        WHEN s.inspected_at > now() THEN 'awaiting_goods'
                        WHEN s.refused AND s.resolved_at > now() THEN 'refused'
                        WHEN s.closes_at > now() THEN 'received'
                        ELSE 'closed' END AS status,
                   NOT s.rejected AND s.decided_at <= now() AS accepted,
                   NOT s.rejected AND s.warehouse_at <= now() AS has_return_order,
                   NOT s.rejected AND NOT s.exchange AND s.decided_at <= now() AS has_refund,
                   NOT s.rejected AND s.inspected_at <= now() AS inspected,
                   s.refused AND s.resolved_at <= now() AS resolved,
                   NOT s.rejected AND NOT s.send_back AND s.received_at <= now() AS received
            FROM stepped AS s
        ), numbered AS (
            SELECT st.*,
                   %(r0)s - 1 + row_number() OVER (ORDER BY st.requested_at, st.order_id) AS id,
                   st.received AND st.invoice_at <= now() AS invoiced,
                   st.received AND st.exchange AND st.replacement_at <= now() AS replaced,
                   coalesce(rr.last_value, 0) + row_number() OVER (
                       PARTITION BY st.division_id, st.rr_year
                       ORDER BY st.requested_at, st.order_id) AS rr_value,
                   coalesce(th.last_value, 0) + row_number() OVER (
                       PARTITION BY st.division_id, st.th_year, st.has_return_order
                       ORDER BY st.warehouse_at, st.order_id) AS th_value,
                   coalesce(tk.last_value, 0) + row_number() OVER (
                       PARTITION BY st.division_id, st.tk_year, st.has_refund
                       ORDER BY st.decided_at, st.order_id) AS tk_value
            FROM (
                SELECT s.*,
                       extract(year FROM s.requested_at AT TIME ZONE 'Asia/Shanghai')::int
                           AS rr_year,
                       extract(year FROM s.warehouse_at AT TIME ZONE 'Asia/Shanghai')::int
                           AS th_year,
                       extract(year FROM s.decided_at AT TIME ZONE 'Asia/Shanghai')::int
                           AS tk_year
                FROM stated AS s
            ) AS st
            LEFT JOIN core_documentsequence AS rr
                ON rr.key = 'RR-' || st.division_code || '-' || st.rr_year
            LEFT JOIN core_documentsequence AS th
                ON th.key = 'TH-' || st.division_code || '-' || st.th_year
            LEFT JOIN core_documentsequence AS tk
                ON tk.key = 'TK-' || st.division_code || '-' || st.tk_year
        )
        SELECT n.*,
               'RR-' || n.division_code || '-' || n.rr_year || '-'
                   || lpad(n.rr_value::text, greatest(6, length(n.rr_value::text)), '0')
                   AS number,
               CASE WHEN n.has_return_order THEN 'TH-' || n.division_code || '-' || n.th_year
                   || '-' || lpad(n.th_value::text, greatest(6, length(n.th_value::text)), '0')
                   ELSE '' END AS return_order_number,
               CASE WHEN n.has_refund THEN 'TK-' || n.division_code || '-' || n.tk_year
                   || '-' || lpad(n.tk_value::text, greatest(6, length(n.tk_value::text)), '0')
                   END AS refund_number,
               CASE WHEN n.exchange OR n.k %% 7 = 5 THEN 'exchange' ELSE 'return' END
                   AS requested_kind,
               CASE WHEN NOT n.accepted THEN '' WHEN n.exchange THEN 'exchange'
                   ELSE 'return' END AS kind,
               CASE WHEN n.k / 2 %% 2 = 0 THEN 12.00 ELSE 0.00 END::numeric(12, 2) AS freight,
               0.00::numeric(12, 2) AS goods,
               NULL::bigint AS replacement_id, NULL::bigint AS credit_id
        FROM numbered AS n
        """,
        params,
    )
    cursor.execute("ALTER TABLE bench_return ADD PRIMARY KEY (id)")
    cursor.execute("SELECT count(*) FROM bench_return")
    returned = int(cursor.fetchone()[0])
    if not returned:
        cursor.execute("DROP TABLE bench_return")
        return 0
    # the first line, and the second of two returns in five; 1 to all of the ordered units
    cursor.execute(
        """
        CREATE TEMP TABLE bench_return_line AS
        SELECT r.id AS request_id, l.id AS order_line_id, l.sku, l.product_id, q.quantity,
               l.unit_price, round(q.quantity * l.unit_price, 2) AS amount
        FROM bench_return AS r
        JOIN orders_orderline AS l
          ON l.order_id = r.order_id
         AND (l.position = 1 OR (l.position = 2 AND r.k %% 5 IN (1, 3)))
        CROSS JOIN LATERAL (SELECT 1 + r.k %% l.quantity AS quantity) AS q
        """,
        {},
    )
    note0 = _next_id(cursor, "fulfilment_deliverynote")
    invoice0 = _next_id(cursor, "billing_invoice")
    cursor.execute(
        """
        UPDATE bench_return AS r SET goods = g.goods,
               replacement_id = CASE WHEN r.replaced THEN %(note0)s - 1 + g.replaced END,
               credit_id = CASE WHEN r.invoiced AND r.exchange
                                THEN %(invoice0)s - 1 + g.credited END
        FROM (
            SELECT r.id, l.goods,
                   row_number() OVER (PARTITION BY r.replaced ORDER BY r.id) AS replaced,
                   row_number() OVER (PARTITION BY r.invoiced AND r.exchange ORDER BY r.id)
                       AS credited
            FROM bench_return AS r
            JOIN (SELECT request_id, sum(amount) AS goods FROM bench_return_line
                  GROUP BY request_id) AS l ON l.request_id = r.id
        ) AS g
        WHERE g.id = r.id
        """,
        {"note0": note0, "invoice0": invoice0},
    )
    # the returned orders: receipt confirmed 12 hours after shipping
    cursor.execute(
        """
        UPDATE orders_order AS o SET delivered_at = r.delivered_at,
               status = CASE WHEN o.status = 'shipped' THEN 'delivered' ELSE o.status END
        FROM bench_return AS r WHERE o.id = r.order_id
        """
    )
    # the series' counters continue after the numbers written
    cursor.execute(
        """
        INSERT INTO core_documentsequence (key, last_value)
        SELECT key, max(value) FROM (
            SELECT 'RR-' || division_code || '-' || rr_year AS key, rr_value AS value
            FROM bench_return
            UNION ALL
            SELECT 'TH-' || division_code || '-' || th_year, th_value
            FROM bench_return WHERE has_return_order
            UNION ALL
            SELECT 'TK-' || division_code || '-' || tk_year, tk_value
            FROM bench_return WHERE has_refund
        ) AS v
        GROUP BY key
        ON CONFLICT (key) DO UPDATE
            SET last_value = greatest(core_documentsequence.last_value, EXCLUDED.last_value)
        """
    )
    cursor.execute(
        f"""
        INSERT INTO returns_returnrequest (id, number, source, platform_request_no,
            payload_hash, requested_kind, kind, reason, reason_text, status, requested_at,
            goods_amount, decided_at, decision_note, feedback_parts_at, feedback_warehouse_at,
            feedback_note, return_order_number, inspected_at, inspection_note, restocked_at,
            invoice_handling, invoice_handled_at, invoice_note, closed_at, close_note,
            created_by_id, decided_by_id, division_id, feedback_parts_by_id,
            feedback_warehouse_by_id, inspected_by_id, invoice_handled_by_id, order_id,
            platform_id, replacement_note_id, warehouse_id)
        SELECT r.id, r.number,
               CASE WHEN r.k %% 3 = 0 THEN 'portal' ELSE 'api' END,
               CASE WHEN r.k %% 3 = 0 THEN '' ELSE 'R' || r.platform_order_no END,
               'sha256:' || encode(sha256(convert_to(r.order_id || ':' || r.k, 'UTF8')), 'hex'),
               r.requested_kind, r.kind, 1 + r.k %% 5,
               (ARRAY['与页面描述的规格不符', '少发了一件配件', '外包装破损，商品有划痕',
                      '使用两天后无法启动', '客户下错型号，不再需要'])[1 + r.k %% 5],
               r.status, r.requested_at, r.goods,
               CASE WHEN r.decided_at <= now() THEN r.decided_at END,
               CASE WHEN r.rejected AND r.decided_at <= now()
                    THEN '已超出退换货标准：商品已安装使用' ELSE '' END,
               CASE WHEN r.accepted AND r.parts_at <= now() THEN r.parts_at END,
               CASE WHEN r.has_return_order THEN r.warehouse_at END,
               '', r.return_order_number,
               CASE WHEN r.inspected THEN r.inspected_at END,
               CASE WHEN r.inspected AND r.refused THEN '配件缺失，发票未随货寄回' ELSE '' END,
               CASE WHEN r.received THEN r.received_at END,
               CASE WHEN NOT r.invoiced THEN '' WHEN r.exchange THEN 'credited'
                    ELSE 'recovered' END,
               CASE WHEN r.invoiced THEN r.invoice_at END,
               CASE WHEN r.invoiced AND NOT r.exchange
                    THEN '原发票 ' || r.invoice_number || ' 已收回' ELSE '' END,
               CASE WHEN r.status IN ('closed', 'rejected') THEN r.closes_at END,
               CASE WHEN r.send_back AND r.resolved THEN '经三方协商，货物退回客户'
                    ELSE '' END,
               CASE WHEN r.k %% 3 = 0 THEN {rep} END,
               CASE WHEN r.decided_at <= now() THEN {rep} END,
               r.division_id,
               CASE WHEN r.accepted AND r.parts_at <= now() THEN {parts} END,
               CASE WHEN r.has_return_order THEN %(logistics)s END,
               CASE WHEN r.inspected THEN {receiver} END,
               CASE WHEN r.invoiced THEN {finance} END,
               r.order_id,
               CASE WHEN r.k %% 3 = 0 THEN NULL ELSE %(platform)s END,
               r.replacement_id, r.warehouse_id
        FROM bench_return AS r
        ORDER BY r.id
        """,
        params,
    )
    _reset_sequence(cursor, "returns_returnrequest")
    cursor.execute(
        """
        INSERT INTO returns_returnline (sku, quantity, unit_price, amount, order_line_id,
            request_id)
        SELECT sku, quantity, unit_price, amount, order_line_id, request_id
        FROM bench_return_line
        ORDER BY request_id, order_line_id
        """
    )
    cursor.execute(
        f"""
        INSERT INTO returns_returnresolution (outcome, rep_name, warehouse_name,
            customer_name, agreement, recorded_at, recorded_by_id, request_id)
        SELECT CASE WHEN r.send_back THEN 'send_back' ELSE 'accept' END, '销售代表',
               r.warehouse_name, r.buyer_name,
               CASE WHEN r.send_back THEN '经三方协商，货物退回客户'
                    ELSE '经三方协商，仓库接收货物，按原方案处理' END,
               r.resolved_at, {rep}, r.id
        FROM bench_return AS r
        WHERE r.resolved
        ORDER BY r.id
        """
    )
    # refunds: the head of sales approves 2 hours after the rep's decision, the e-commerce
    # leader (above the threshold) 3 hours later
    cursor.execute(
        f"""
        INSERT INTO returns_refund (number, goods_amount, return_freight, amount,
            required_roles, status, requested_at, approved_at, reviewed_at, review_note,
            paid_at, payment_reference, cancelled_at, cancel_reason, division_id, order_id,
            paid_by_id, requested_by_id, reviewed_by_id, request_id)
        SELECT r.refund_number, r.goods, r.freight, a.amount,
               CASE WHEN a.leader THEN '["sales_head", "ecom_leader"]'::jsonb
                    ELSE '["sales_head"]'::jsonb END,
               CASE WHEN r.send_back AND r.resolved THEN 'cancelled'
                    WHEN r.received AND r.paid_at <= now() THEN 'paid'
                    WHEN r.received AND r.reviewed_at <= now() THEN 'reviewed'
                    WHEN a.approved_at <= now() THEN 'approved'
                    ELSE 'awaiting_approval' END,
               r.decided_at,
               CASE WHEN a.approved_at <= now() THEN a.approved_at END,
               CASE WHEN r.received AND r.reviewed_at <= now() THEN r.reviewed_at END,
               '',
               CASE WHEN r.received AND r.paid_at <= now() THEN r.paid_at END,
               CASE WHEN r.received AND r.paid_at <= now()
                    THEN 'CMB' || lpad(r.id::text, 12, '0') ELSE '' END,
               CASE WHEN r.send_back AND r.resolved THEN r.resolved_at END,
               CASE WHEN r.send_back AND r.resolved THEN '经三方协商，货物退回客户'
                    ELSE '' END,
               r.division_id, r.order_id,
               CASE WHEN r.received AND r.paid_at <= now() THEN %(hq_finance)s END,
               {rep},
               CASE WHEN r.received AND r.reviewed_at <= now() THEN {finance} END,
               r.id
        FROM bench_return AS r
        CROSS JOIN LATERAL (
            SELECT r.goods + r.freight AS amount,
                   r.goods + r.freight > %(threshold)s::numeric AS leader,
                   r.decided_at + CASE WHEN r.goods + r.freight > %(threshold)s::numeric
                       THEN interval '5 hours' ELSE interval '2 hours' END AS approved_at
        ) AS a
        WHERE r.has_refund
        ORDER BY r.id
        """,
        params,
    )
    cursor.execute(
        """
        INSERT INTO returns_refundapproval (role, at, note, by_id, refund_id)
        SELECT a.role, a.at, '', a.by_id, f.id
        FROM returns_refund AS f
        JOIN bench_return AS r ON r.id = f.request_id
        CROSS JOIN LATERAL (VALUES
            ('sales_head', r.decided_at + interval '2 hours', %(head)s::bigint),
            ('ecom_leader', r.decided_at + interval '5 hours', %(leader)s::bigint)
        ) AS a (role, at, by_id)
        WHERE f.required_roles ? a.role AND a.at <= now()
        ORDER BY f.id, a.at
        """,
        params,
    )
    _returns_exchanges(cursor, params, finance=finance, parts=parts, keeper=keeper)
    _returns_sms(cursor)
    cursor.execute("DROP TABLE bench_return, bench_return_line")
    return returned


def _returns_exchanges(
    cursor: Any, params: dict[str, Any], *, finance: str, parts: str, keeper: str
) -> None:
    """An exchange's red-letter credit note of the returned goods (no invoice lines, as the
    generated invoices have none) and its replacement delivery note: reserved, invoiced 4
    hours later, shipped 4 hours after that."""
    cursor.execute(
        f"""
        INSERT INTO billing_invoice (id, number, kind, status, buyer_title, buyer_tax_number,
            issued_at, net_amount, tax_amount, total_amount, reason, return_number,
            delivery_note_id, division_id, issued_by_id, order_id, original_id)
        SELECT r.credit_id, 'BK' || lpad(r.id::text, 10, '0'), 'credit_note', 'issued',
               i.buyer_title, i.buyer_tax_number, r.invoice_at, t.tax - r.goods, -t.tax,
               -r.goods, '退/换货申请 ' || r.number, r.number, i.delivery_note_id,
               r.division_id, {finance}, r.order_id, i.id
        FROM bench_return AS r
        JOIN billing_invoice AS i ON i.order_id = r.order_id AND i.kind = 'invoice'
        CROSS JOIN LATERAL (SELECT round(r.goods * 0.13 / 1.13, 2) AS tax) AS t
        WHERE r.credit_id IS NOT NULL
        ORDER BY r.credit_id
        """
    )
    cursor.execute(
        """
        INSERT INTO returns_returnrequest_credit_notes (returnrequest_id, invoice_id)
        SELECT id, credit_id FROM bench_return WHERE credit_id IS NOT NULL ORDER BY id
        """
    )
    cursor.execute(
        f"""
        INSERT INTO fulfilment_deliverynote (id, number, kind, status, ship_by,
            partial_agreed_with, note, created_at, reserved_at, invoice_number, invoiced_at,
            shipped_at, cancelled_at, cancel_reason, created_by_id, division_id, order_id,
            warehouse_id)
        SELECT r.replacement_id, 'BX' || lpad(r.id::text, 10, '0'), 'exchange',
               CASE WHEN s.shipped_at <= now() THEN 'shipped'
                    WHEN s.invoiced_at <= now() THEN 'invoiced' ELSE 'reserved' END,
               ((r.replacement_at AT TIME ZONE 'Asia/Shanghai') + interval '1 day')::date,
               '', r.number, r.replacement_at, r.replacement_at,
               CASE WHEN s.invoiced_at <= now() THEN 'BY' || lpad(r.id::text, 10, '0')
                    ELSE '' END,
               CASE WHEN s.invoiced_at <= now() THEN s.invoiced_at END,
               CASE WHEN s.shipped_at <= now() THEN s.shipped_at END,
               NULL, '', {parts}, r.division_id, r.order_id, r.warehouse_id
        FROM bench_return AS r
        CROSS JOIN LATERAL (
            SELECT r.replacement_at + interval '4 hours' AS invoiced_at,
                   r.replacement_at + interval '8 hours' AS shipped_at
        ) AS s
        WHERE r.replacement_id IS NOT NULL
        ORDER BY r.replacement_id
        """
    )
    _reset_sequence(cursor, "fulfilment_deliverynote")
    cursor.execute(
        """
        INSERT INTO fulfilment_deliverynoteline (quantity, delivery_note_id, order_line_id,
            product_id)
        SELECT l.quantity, r.replacement_id, l.order_line_id, l.product_id
        FROM bench_return AS r JOIN bench_return_line AS l ON l.request_id = r.id
        WHERE r.replacement_id IS NOT NULL
        ORDER BY r.replacement_id, l.order_line_id
        """
    )
    _reset_sequence(cursor, "billing_invoice")
    cursor.execute(
        f"""
        INSERT INTO billing_invoice (number, kind, status, buyer_title, buyer_tax_number,
            issued_at, net_amount, tax_amount, total_amount, reason, return_number,
            delivery_note_id, division_id, issued_by_id, order_id, original_id)
        SELECT n.invoice_number, 'invoice', 'issued', i.buyer_title, i.buyer_tax_number,
               n.invoiced_at, r.goods - t.tax, t.tax, r.goods, '', '', n.id, r.division_id,
               {finance}, r.order_id, NULL
        FROM bench_return AS r
        JOIN fulfilment_deliverynote AS n ON n.id = r.replacement_id
        JOIN billing_invoice AS i ON i.order_id = r.order_id AND i.kind = 'invoice'
        CROSS JOIN LATERAL (SELECT round(r.goods * 0.13 / 1.13, 2) AS tax) AS t
        WHERE n.invoiced_at IS NOT NULL
        ORDER BY n.id
        """
    )
    cursor.execute(
        f"""
        INSERT INTO fulfilment_shipment (tracking_number, parcels, weight_kg, freight_cost,
            shipped_at, carrier_id, delivery_note_id, order_id, report_id, shipped_by_id,
            warehouse_id)
        SELECT 'SX' || lpad(r.id::text, 12, '0'), 1, 1.50, 12.00, n.shipped_at,
               %(carrier)s, n.id, r.order_id, NULL, {keeper}, r.warehouse_id
        FROM bench_return AS r
        JOIN fulfilment_deliverynote AS n ON n.id = r.replacement_id
        WHERE n.shipped_at IS NOT NULL
        ORDER BY n.id
        """,
        params,
    )


def _returns_sms(cursor: Any) -> None:
    """What the customer was told at each step done (the texts of returns.services in
    Chinese), as the outbox gateway stores it."""
    cursor.execute(
        """
        INSERT INTO core_smsmessage (created_at, phone, text, backend, sent_at, reference,
            division_id)
        SELECT m.at, r.phone, m.text, 'OutboxSmsBackend', m.at, r.number, r.division_id
        FROM bench_return AS r
        LEFT JOIN returns_refund AS f ON f.request_id = r.id
        CROSS JOIN LATERAL (
            SELECT CASE r.requested_kind WHEN 'exchange' THEN '换货' ELSE '退货退款' END
                       AS asked,
                   CASE r.kind WHEN 'exchange' THEN '换货' ELSE '退货退款' END AS kind
        ) AS label
        CROSS JOIN LATERAL (VALUES
            (r.requested_at, '您对订单 ' || r.platform_order_no || ' 的' || label.asked
                || '申请 ' || r.number || ' 已收到，我们的销售代表将与您联系。'),
            (CASE WHEN r.rejected THEN r.decided_at END, '您的申请 ' || r.number
                || ' 不符合退换货标准：已超出退换货标准：商品已安装使用'),
            (CASE WHEN r.accepted THEN r.decided_at END, '您的申请 ' || r.number
                || ' 已受理为' || label.kind || '；我们将告知您货物和发票的寄回地址。'),
            (CASE WHEN r.has_return_order THEN r.warehouse_at END,
                '退货单 ' || r.return_order_number || '：请将货物和发票寄至 '
                || r.warehouse_name || '，' || r.warehouse_code || '。'),
            (CASE WHEN r.inspected AND r.refused THEN r.inspected_at END,
                '退/换货申请 ' || r.number
                || ' 的货物无法接收：配件缺失，发票未随货寄回。我们的销售代表将与您联系。'),
            (CASE WHEN r.received THEN r.received_at END,
                '我们已收到退/换货申请 ' || r.number || ' 的货物。'),
            (CASE WHEN r.resolved AND r.send_back THEN r.resolved_at END,
                '退/换货申请 ' || r.number
                || '：按协商结果，货物将退回给您。经三方协商，货物退回客户'),
            (CASE WHEN r.invoiced THEN r.invoice_at END,
                CASE WHEN r.exchange THEN '退货 ' || r.number || '：已为退回商品开具红字发票 BK'
                    || lpad(r.id::text, 10, '0') || '。'
                ELSE '退货 ' || r.number || '：您寄回的发票已登记收回。' END),
            (CASE WHEN r.replacement_id IS NOT NULL THEN r.replacement_at END,
                '退/换货申请 ' || r.number || '：您的换货已随发货单 BX'
                || lpad(r.id::text, 10, '0') || ' 发出。'),
            (f.approved_at, '退/换货申请 ' || r.number || ' 的 ' || f.amount || ' 元退款已审批。'),
            (f.reviewed_at, '退货 ' || r.number || '：财务已审核您的退款 ' || f.amount
                || ' 元，即将付款。'),
            (f.paid_at, '退/换货申请 ' || r.number || ' 的 ' || f.amount || ' 元退款已支付。'),
            (CASE WHEN r.received AND r.status = 'closed' THEN r.closes_at END,
                '您的退/换货申请 ' || r.number || ' 已完成，谢谢。')
        ) AS m (at, text)
        WHERE r.phone IS NOT NULL AND m.at IS NOT NULL
        ORDER BY m.at, r.id
        """
    )


GENERATED_TABLES = [
    "core_smsmessage",
    "returns_refundapproval",
    "returns_refund",
    "returns_returnresolution",
    "returns_returnrequest_credit_notes",
    "returns_returnline",
    "returns_returnrequest",
    "billing_settlementsignature",
    "billing_settlement",
    "billing_discrepancy",
    "billing_dailyclose",
    "billing_invoiceline",
    "billing_invoice",
    "fulfilment_shipment",
    "fulfilment_deliverynoteline",
    "fulfilment_deliverynote",
    "orders_slabreach",
    "orders_orderline",
    "orders_order",
    "orders_customer",
]


def reset(cursor: Any) -> None:
    cursor.execute("TRUNCATE " + ", ".join(GENERATED_TABLES) + " CASCADE")
    # the returns' series start again with their tables
    cursor.execute("DELETE FROM core_documentsequence WHERE left(key, 3) IN ('RR-', 'TH-', 'TK-')")


def _create_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=None, help="default orders / 5")
    parser.add_argument("--per-day", type=int, default=PER_DAY)
    parser.add_argument("--reset", action="store_true", help="empty the generated tables")
    parser.add_argument("--no-fulfilment", action="store_true")
    parser.add_argument(
        "--return-every",
        type=int,
        default=RETURN_EVERY,
        help="one return request per this many shipped orders",
    )
    args = parser.parse_args(argv)

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecomops.settings.local")
    sys.path.insert(0, str(ROOT))
    _create_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    total = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    with transaction.atomic():
        if args.reset:
            with connection.cursor() as cursor:
                reset(cursor)
        timings = generate(
            orders=args.orders,
            customers=args.customers,
            per_day=args.per_day,
            with_fulfilment=not args.no_fulfilment,
            return_every=args.return_every,
            log=print,
        )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    timings["vacuum_analyze"] = time.perf_counter() - started
    elapsed = time.perf_counter() - total
    print(f"{args.orders} orders into {url.rsplit('/', 1)[1]} in {elapsed:.0f} s: {timings}")


if __name__ == "__main__":
    main()
