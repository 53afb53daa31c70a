"""Fill a PostgreSQL database with a year of orders for the page benchmark (issue 12).

    .venv/bin/python bench/generate_year.py                       # 1,000,000 orders → ecomops_year
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ecomops_week \\
        .venv/bin/python bench/generate_year.py --orders 10000     # the comparison database

The database named by DATABASE_URL (default ecomops_year) is created when missing and
migrated; `--reset` empties the generated tables first. The base data (two divisions, their
warehouses, a platform, 100 listed products per division, a carrier and one user per role
and division, password `bench`) goes through the ORM; the bulk — customers, orders, three
lines per order, delivery notes with their lines and shipments — is set-based SQL
(`INSERT … SELECT generate_series`), so a year takes minutes, not hours.

The business runs at `--per-day` orders a day (default 2,740 ≈ 1,000,000 a year), and the
newest order is placed now; so the open orders (a few thousand: the last ~36 hours) are the
same at 10,000 orders as at 1,000,000 — only the history behind them grows. Personal data is
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
    """bench_phone(k, enc, idx) and bench_idno(k, enc, idx): encrypted once, reused."""
    from core.crypto import encrypt
    from orders.matching import id_number_index, phone_index

    cursor.execute("DROP TABLE IF EXISTS bench_phone, bench_idno")
    cursor.execute("CREATE TEMP TABLE bench_phone (k int PRIMARY KEY, enc text, idx text)")
    cursor.execute("CREATE TEMP TABLE bench_idno (k int PRIMARY KEY, enc text, idx text)")
    phones = [f"13{(k * 7919) % 10**9:09d}" for k in range(PHONE_POOL)]
    rows = [(k, encrypt(p), phone_index(p)) for k, p in enumerate(phones)]
    cursor.executemany("INSERT INTO bench_phone VALUES (%s, %s, %s)", rows)
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


def generate(
    *,
    orders: int,
    customers: int | None = None,
    per_day: int = PER_DAY,
    with_fulfilment: bool = True,
    log: Any = None,
) -> dict[str, float]:
    """Add `orders` orders (and their customers, lines, notes, shipments, invoices) to the
    database of the default connection, then the daily closes and settlements of the days
    they cover. Returns the seconds each step took."""
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
                    SELECT i, now() - (%(count)s - i) * %(step)s * interval '1 second'
                               - interval '1 second' AS placed_at
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


GENERATED_TABLES = [
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
