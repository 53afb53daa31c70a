"""The customer master (SPEC §2): exact identification, creation, corrections with
history, merging duplicates, and audited reveal of personal data."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.crypto import mask, mask_phone
from core.lock_order import rows_lock
from core.periods import period_locked
from core.roles import user_sees_all_divisions
from core.scoping import user_division_ids

from ..exceptions import CustomerConflict, OrderError, PermissionDenied
from ..matching import id_number_index
from ..models import Customer, Order
from ..provinces import province_split
from ..validators import organisation_code_core
from .numbers import customer_number_next

# Corrections of these change who the customer is and need a written reason.
IDENTITY_FIELDS = frozenset({"name", "org_code", "id_number"})
# Master-data fields a rep may set or correct (identity of kind is fixed).
EDITABLE_FIELDS = (
    "name",
    "org_code",
    "contact_name",
    "id_number",
    "phone",
    "province",
    "city",
    "district",
    "street",
    "postcode",
)
PERSONAL_FIELDS = {"id_number": mask, "phone": mask_phone}
# The permission each revealable field needs, per kind of object.
CUSTOMER_REVEAL_PERMISSIONS = {
    "id_number": "orders.reveal_id_number",
    "phone": "orders.reveal_phone",
}
ORDER_REVEAL_PERMISSIONS = {
    "buyer_id_number": "orders.reveal_id_number",
    "buyer_phone": "orders.reveal_phone",
    "ship_phone": "orders.reveal_ship_phone",
}


def customer_find_exact(
    *, kind: str, org_code: str = "", id_number: str = ""
) -> tuple[Customer | None, str]:
    """The active customer with this organisation code (either form) or ID number."""
    customers = Customer.objects.active().filter(kind=kind)
    if kind == Customer.Kind.CORPORATE and org_code:
        found = customers.filter(org_code_core=organisation_code_core(org_code)).first()
        return found, Order.IdentifiedBy.ORG_CODE
    if kind == Customer.Kind.INDIVIDUAL and id_number:
        found = customers.filter(id_number_index=id_number_index(id_number)).first()
        return found, Order.IdentifiedBy.ID_NUMBER
    return None, ""


def user_can_reach_division(user: Any, division_id: int) -> bool:
    return user_sees_all_divisions(user) or division_id in user_division_ids(user)


def _shown(field: str, value: str) -> str:
    """How a value appears in the history: personal data masked."""
    return PERSONAL_FIELDS[field](value) if field in PERSONAL_FIELDS and value else value


def _save_checked(customer: Customer, **kwargs: Any) -> None:
    try:
        with transaction.atomic():
            customer.save(**kwargs)
    except IntegrityError as error:
        raise CustomerConflict(
            _(
                "Another customer already has this organisation code or ID number; "
                "link the order to that customer or merge the two."
            )
        ) from error


@transaction.atomic
def customer_create(*, kind: str, division: Any, by: Any, data: dict[str, str]) -> Customer:
    """A new customer from checked data (the form validated each field)."""
    if by is not None and not (
        by.has_perm("orders.add_customer") and user_can_reach_division(by, division.pk)
    ):
        raise PermissionDenied(_("You may not create customers in this division."))
    customer = Customer(number=customer_number_next(), kind=kind, division=division)
    for name, value in province_normalised(data).items():
        setattr(customer, name, value)
    if kind != Customer.Kind.INDIVIDUAL:
        customer.id_number = ""
    _save_checked(customer)
    audit_record(
        obj=customer,
        action="customer_created",
        by=by,
        data={name: _shown(name, getattr(customer, name)) for name in EDITABLE_FIELDS},
    )
    return customer


def province_normalised(data: dict[str, str]) -> dict[str, str]:
    """The editable fields with the province written as routing knows it (`Jiangsu` or
    `江苏` → `江苏省`); a city typed after the province moves to an empty city field.
    Nothing typed is dropped: when the city is already filled, the text stays as typed."""
    values = {name: data.get(name, "") or "" for name in EDITABLE_FIELDS}
    split = province_split(values["province"]) if values["province"] else None
    if split is not None:
        name, rest = split
        if not rest:
            values["province"] = name
        elif not values["city"] or values["city"] == rest:
            values["province"], values["city"] = name, rest
    return values


def user_can_correct_customer(user: Any, customer: Customer) -> bool:
    """Master data belongs to the customer's division: a rep who sees the customer only
    through a shared order may not correct it. `None` is the system."""
    return user is None or (
        user.has_perm("orders.change_customer")
        and user_can_reach_division(user, customer.division_id)
    )


@transaction.atomic
def customer_update(
    *, customer: Customer, by: Any, changes: dict[str, str], note: str = ""
) -> list[str]:
    """Correct master data; the old and new values go into the history (personal data
    masked). Returns the names of the fields that changed. Only users who may change
    customers, in the customer's own division."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not user_can_correct_customer(by, customer):
        raise PermissionDenied(_("Only the customer's own division may correct its master data."))
    if not customer.is_active:
        raise OrderError(_("This customer was merged into another one."))
    diff: dict[str, dict[str, str]] = {}
    changes = province_normalised({**{n: getattr(customer, n) for n in EDITABLE_FIELDS}, **changes})
    for name, value in changes.items():
        if name not in EDITABLE_FIELDS or (value or "") == getattr(customer, name):
            continue
        diff[name] = {
            "old": _shown(name, getattr(customer, name)),
            "new": _shown(name, value or ""),
        }
        setattr(customer, name, value or "")
    if not diff:
        return []
    if set(diff) & IDENTITY_FIELDS and not note.strip():
        # who the customer is changes: the history must say why (SPEC §2, corrected master
        # data is kept with its history)
        raise OrderError(
            _("Say why the name, organisation code or ID number is corrected."), field="note"
        )
    _save_checked(customer, update_fields=[*diff, "updated_at"])
    audit_record(obj=customer, action="customer_corrected", by=by, note=note, data=diff)
    return list(diff)


@dataclass
class MergeResult:
    target: Customer
    moved_order_ids: list[int]
    filled_fields: list[str]
    kept_order_ids: list[int] = dataclass_field(default_factory=list)  # shipped in a locked period


@transaction.atomic
def customer_merge(*, source: Customer, target: Customer, by: Any, note: str = "") -> MergeResult:
    """Merge a duplicate (`source`) into `target`: its orders move over, the target's
    empty fields take the duplicate's values, and the duplicate stays as a merged row
    pointing at the target, so every order and every history row survives."""
    if source.pk == target.pk:
        raise OrderError(_("A customer cannot be merged into itself."))
    if by is not None and not by.has_perm("orders.merge_customer"):
        raise PermissionDenied(_("You may not merge customers."))
    # Lock order (core.lock_order): the orders first, then the two customers, each in pk order.
    orders = rows_lock(Order.objects.filter(customer=source).select_related("division"))
    locked = {c.pk: c for c in rows_lock(Customer.objects.filter(pk__in=(source.pk, target.pk)))}
    source, target = locked[source.pk], locked[target.pk]
    _check_mergeable(source, target, by)
    filled = [
        name for name in EDITABLE_FIELDS if not getattr(target, name) and getattr(source, name)
    ]
    # An order shipped in a settled, locked period is a closed document: it stays with the
    # duplicate (which points at the target); every other order moves.
    kept = [
        o.pk for o in orders if o.shipped_at and period_locked(division=o.division, at=o.shipped_at)
    ]
    moved = [o.pk for o in orders if o.pk not in kept]
    Order.objects.filter(pk__in=moved).update(customer=target)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    for name in filled:
        setattr(target, name, getattr(source, name))
    if filled:
        _save_checked(target, update_fields=[*filled, "updated_at"])
    audit_record(
        obj=target,
        action="customer_merged",
        by=by,
        note=note,
        data={
            "merged": source.number,
            "orders": moved,
            "kept_in_locked_periods": kept,
            "filled": {n: _shown(n, getattr(target, n)) for n in filled},
        },
    )
    audit_record(
        obj=source,
        action="customer_merged_into",
        by=by,
        note=note,
        data={"into": target.number, "orders": moved, "kept_in_locked_periods": kept},
    )
    for order in Order.objects.filter(pk__in=moved):
        audit_record(
            obj=order,
            action="customer_merged",
            by=by,
            data={"from": source.number, "to": target.number},
        )
    return MergeResult(target, moved, filled, kept)


def _check_mergeable(source: Customer, target: Customer, by: Any) -> None:
    if not (source.is_active and target.is_active):
        raise OrderError(_("Only active customers can be merged."))
    if source.kind != target.kind:
        raise OrderError(_("A corporate customer and an individual cannot be merged."))
    if by is not None and not (
        user_can_reach_division(by, source.division_id)
        and user_can_reach_division(by, target.division_id)
    ):
        raise PermissionDenied(_("Both customers must belong to your divisions."))
    for field in ("org_code_core", "id_number_index"):
        left, right = getattr(source, field), getattr(target, field)
        if left and right and left != right:
            raise OrderError(
                _(
                    "The two customers carry different organisation codes or ID numbers; "
                    "they are not duplicates."
                )
            )


def personal_data_reveal(*, obj: Customer | Order, field: str, by: Any) -> str:
    """The full value of a personal-data field, for a user whose role needs it; every
    reveal writes an audit row (SPEC §6)."""
    permissions = (
        CUSTOMER_REVEAL_PERMISSIONS if isinstance(obj, Customer) else ORDER_REVEAL_PERMISSIONS
    )
    permission = permissions.get(field)
    if permission is None:
        raise OrderError(_("This field cannot be revealed."))
    if not by.has_perm(permission) or not user_can_reach_division(by, obj.division_id):
        raise PermissionDenied(_("Your role may not see this value in full."))
    value = str(getattr(obj, field) or "")
    if not value:
        # an audit row saying "revealed" would claim a disclosure that never happened
        raise OrderError(_("There is nothing to reveal: the field is empty."))
    audit_record(obj=obj, action="personal_data_revealed", by=by, data={"field": field})
    return value
