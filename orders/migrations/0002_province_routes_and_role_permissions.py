"""Seed the routing table (the seven remote regions → central warehouse, every other
province → main) and give each role its order permissions."""

from django.db import migrations

from core.roles import grant_role_permissions

# Frozen copy of orders.provinces at the time of writing (migrations must not change
# when that module does).
PROVINCES = [
    ("11", "北京市"), ("12", "天津市"), ("13", "河北省"), ("14", "山西省"),
    ("15", "内蒙古自治区"), ("21", "辽宁省"), ("22", "吉林省"), ("23", "黑龙江省"),
    ("31", "上海市"), ("32", "江苏省"), ("33", "浙江省"), ("34", "安徽省"),
    ("35", "福建省"), ("36", "江西省"), ("37", "山东省"), ("41", "河南省"),
    ("42", "湖北省"), ("43", "湖南省"), ("44", "广东省"), ("45", "广西壮族自治区"),
    ("46", "海南省"), ("50", "重庆市"), ("51", "四川省"), ("52", "贵州省"),
    ("53", "云南省"), ("54", "西藏自治区"), ("61", "陕西省"), ("62", "甘肃省"),
    ("63", "青海省"), ("64", "宁夏回族自治区"), ("65", "新疆维吾尔自治区"),
]
REMOTE = {"21", "62", "64", "54", "65", "53", "15"}  # 辽宁 甘肃 宁夏 西藏 新疆 云南 内蒙古


def seed_routes(apps, schema_editor):
    route_model = apps.get_model("orders", "ProvinceRoute")
    for code, name in PROVINCES:
        route_model.objects.get_or_create(
            code=code,
            defaults={"name": name, "warehouse_kind": "central" if code in REMOTE else "main"},
        )


# Frozen copy of orders.roles.ROLE_PERMISSIONS as this migration first shipped (importing
# the live module broke fresh databases as soon as roles.py named a permission that a
# later migration creates; later changes are later migrations, e.g. 0006).
_VIEW = ("orders.view_order", "orders.view_customer")
_REP = (
    *_VIEW,
    "orders.add_order",
    "orders.add_customer",
    "orders.change_customer",
    "orders.identify_order",
    "orders.confirm_order",
    "orders.cancel_order",
    "orders.deliver_order",
    "orders.close_order",
    "orders.merge_customer",
    "orders.reveal_id_number",
    "orders.reveal_phone",
    "orders.view_sla_report",
)
ROLE_PERMISSIONS = {
    "sales_rep": _REP,
    "sales_lead": _REP,
    "parts_support": (*_VIEW, "orders.hold_order", "orders.allocate_order", "orders.reveal_phone"),
    "division_finance": (*_VIEW, "orders.invoice_order"),
    "warehouse": (*_VIEW, "orders.ship_order", "orders.reveal_phone"),
    "logistics_lead": (*_VIEW, "orders.deliver_order", "orders.view_sla_report"),
    "hq_finance": (*_VIEW, "orders.view_sla_report"),
    "sales_head": (*_VIEW, "orders.view_sla_report"),
    "ecom_leader": (*_VIEW, "orders.view_sla_report"),
    "admin": (
        *_REP,
        "orders.view_platform",
        "orders.add_platform",
        "orders.change_platform",
        "orders.view_provinceroute",
        "orders.change_provinceroute",
        "orders.add_provinceroute",
    ),
}


def grant(apps, schema_editor):
    grant_role_permissions(apps, "orders", ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("core", "0002_roles_and_calendar"),
    ]

    operations = [
        migrations.RunPython(seed_routes, migrations.RunPython.noop),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
