"""Reads of the orders app; every list for a user goes through division scoping."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Abs, Cast, Coalesce, Length
from django.http import Http404
from django.utils import timezone

from catalog.models import Product
from catalog.rules import normalise_sku
from core.models import AuditRecord
from core.queries import compiled
from core.scoping import division_scope, scope_to_divisions, scope_to_user_divisions
from core.working_calendar import at_local

from .matching import id_number_index, name_similarity, normalise_name, phone_index
from .models import Customer, Order, OrderLine, Platform, SlaBreach
from .models.order import USER_FIELDS
from .models.querysets import breached_condition
from .validators import RuleViolation, clean_mobile, clean_resident_id, organisation_code_core


def order_queryset_for_user(*, user: Any) -> QuerySet[Order]:
    return scope_to_user_divisions(Order.objects.all(), user=user)


def order_get_for_user(*, user: Any, pk: int) -> Order:
    """One order, or the same 404 for "does not exist" and "not yours"; with who did each
    step (the page's SLA clocks), its statement compiled once (core.queries)."""
    found = compiled(_order_for_page, division_scope(user), pk)
    if not found:
        raise Http404("No such order.")
    return found[0]


def _order_for_page(divisions: tuple[int, ...] | None, pk: int) -> QuerySet[Order]:
    orders = scope_to_divisions(Order.objects.all(), divisions)
    return orders.filter(pk=pk).select_related(*ORDER_PAGE_RELATED).order_by()[:1]


# what the order page shows of the order's relations: who did each step (the SLA clocks'
# "by" column, STEP_FIELDS, and who keyed it in; a cancellation shows its reason only)
ORDER_PAGE_RELATED = (
    "division",
    "warehouse",
    "platform",
    "customer",
    *(name for name in USER_FIELDS if name != "cancelled_by"),
)


def order_get_for_platform(*, platform: Platform, platform_order_no: str) -> Order | None:
    """The platform's own order under its number; another platform's is never found."""
    return (
        Order.objects.select_related("warehouse", "platform", "division")
        .filter(platform=platform, platform_order_no=(platform_order_no or "").strip())
        .first()
    )


def order_lines(*, order: Order) -> QuerySet[OrderLine]:
    return order.lines.select_related("product").order_by("position")


def order_line_rows(*, order: Order) -> list[OrderLine]:
    """`order_lines` read for the order page, its statement compiled once, each line's
    order the one given."""
    lines: list[OrderLine] = compiled(_lines_of, order.pk)
    for line in lines:
        line.order = order
    return lines


def _lines_of(order_id: int) -> QuerySet[OrderLine]:
    return (
        OrderLine.objects.filter(order_id=order_id).select_related("product").order_by("position")
    )


def _search(queryset: QuerySet[Order], text: str) -> QuerySet[Order]:
    """Exact numbers (order, platform order, sales order, customer number, phone and ID
    number through their blind indexes) and names containing the text (3 characters and
    more; a shorter name must be whole). Every branch is an indexed condition (on
    PostgreSQL: equality, a trigram index for the names, the customers' ids as an array),
    so the search reads what it finds, not the table."""
    text = text.strip()
    if not text:
        return queryset
    exact = {text, text.upper()}
    customers = Customer.objects.filter(_name_condition("name", text) | Q(number__in=exact))
    condition = (
        Q(number__in=exact)
        | Q(platform_order_no=text)
        | Q(sales_order_number__in=exact)
        | _name_condition("buyer_name", text)
        | _customer_among(customers)
    )
    # an exact phone or ID number finds the order through the blind index
    with contextlib.suppress(RuleViolation):
        condition |= Q(buyer_phone_index=phone_index(clean_mobile(text)))
    with contextlib.suppress(RuleViolation):
        condition |= Q(buyer_id_number_index=id_number_index(clean_resident_id(text)))
    return queryset.filter(condition)


# The customers a search of orders looks among (a name shared by more is not a search).
SEARCH_CUSTOMER_LIMIT = 1000


def _name_condition(field_name: str, text: str) -> Q:
    """Names containing the text; one or two characters (a trigram index cannot serve a
    substring that short) must be the whole name."""
    if len(text) >= 3:
        return Q(**{f"{field_name}__icontains": text})
    return Q(**{f"{field_name}__iexact": text})


def _customer_among(customers: QuerySet[Customer]) -> Q:
    """`customer_id = ANY(ARRAY(SELECT id …))` on PostgreSQL: the ids are read once and the
    orders found through their index (an `IN (SELECT …)` inside an OR is a filter on
    every row instead); elsewhere the plain subquery."""
    ids = customers.order_by().values("pk")[:SEARCH_CUSTOMER_LIMIT]
    if connection.vendor != "postgresql":
        return Q(customer__in=ids)
    from django.contrib.postgres.expressions import ArraySubquery

    return Q(_EqualsAny(F("customer_id"), ArraySubquery(ids)))


class _EqualsAny(Func):
    """`<column> = ANY(<array>)`."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


# What a row of the list shows (orders_extras.order_rows) and its "breached" mark read: the
# other seventy columns — addresses, every step's clock, the personal numbers (which would
# be decrypted for every row) — are not read for a list, nor the platform (not shown) and
# the names of the division, warehouse and customer (their codes and number are shown):
# every related object read is one more instance to build per row.
LIST_FIELDS = (
    "number",
    "platform_order_no",
    "buyer_name",
    "status",
    "is_flagged",
    "ship_by",
    "next_step",
    "next_due_at",
    "goods_amount",
    "freight",
    "division__code",
    "warehouse__code",
    "customer__number",
)


def order_list_for_user(
    *, user: Any, filters: dict[str, Any], now: dt.datetime | None = None
) -> QuerySet[Order]:
    """The triage list: filters from `OrderFilterForm.cleaned_data`, sorted by the next
    due time (open orders first, the most urgent on top)."""
    now = now or timezone.now()
    orders = (
        order_queryset_for_user(user=user)
        .select_related("division", "warehouse", "customer")
        .only(*LIST_FIELDS)
    )
    if filters.get("status"):
        orders = orders.filter(status__in=filters["status"])
    if filters.get("due_within") is not None:
        orders = orders.filter(status__in=Order.OPEN_STATUSES).filter(
            next_due_at__lte=now + dt.timedelta(minutes=filters["due_within"])
        )
    if filters.get("breached"):
        orders = orders.filter(breached_condition(now))
    if filters.get("flagged"):
        orders = orders.filter(is_flagged=True)
    if filters.get("division"):
        orders = orders.filter(division=filters["division"])
    if filters.get("warehouse"):
        orders = orders.filter(warehouse=filters["warehouse"])
    if filters.get("ship_by"):
        orders = orders.filter(ship_by=filters["ship_by"])
    if filters.get("q"):
        orders = _search(orders, filters["q"])
    return orders.order_by(F("next_due_at").asc(nulls_last=True), "placed_at", "id")


# --- customers --------------------------------------------------------------------------
def customer_queryset_for_user(*, user: Any) -> QuerySet[Customer]:
    """Customers of the user's divisions: created there, or with an order there (an
    EXISTS per customer through the orders' customer index, not the set of every
    customer the divisions ever sold to)."""
    return _customers_in(division_scope(user))


def _customers_in(divisions: tuple[int, ...] | None) -> QuerySet[Customer]:
    if divisions is None:
        return Customer.objects.all()
    if not divisions:
        return Customer.objects.none()
    ordered = Order.objects.filter(customer=OuterRef("pk"), division__in=divisions)
    return Customer.objects.filter(Q(division__in=divisions) | Exists(ordered))


def customer_get_for_user(*, user: Any, pk: int) -> Customer:
    """One customer (its statement compiled once, core.queries), or a 404."""
    found = compiled(_customer_for_page, division_scope(user), pk)
    if not found:
        raise Http404("No such customer.")
    return found[0]


def _customer_for_page(divisions: tuple[int, ...] | None, pk: int) -> QuerySet[Customer]:
    customers = _customers_in(divisions).select_related("division", "merged_into")
    return customers.filter(pk=pk).order_by()[:1]


def customer_list_for_user(*, user: Any, query: str = "") -> QuerySet[Customer]:
    customers = (
        customer_queryset_for_user(user=user)
        .filter(merged_into__isnull=True)
        .select_related("division")
    )
    query = query.strip()
    if query:
        condition = (
            Q(name__icontains=query)
            | Q(number__iexact=query)
            | Q(org_code__iexact=query.upper())
            | Q(contact_name__icontains=query)
            | Q(name_normalised__contains=normalise_name(query, corporate=True))
        )
        with contextlib.suppress(RuleViolation):
            condition |= Q(phone_index=phone_index(clean_mobile(query)))
        with contextlib.suppress(RuleViolation):
            condition |= Q(id_number_index=id_number_index(clean_resident_id(query)))
        customers = customers.filter(condition)
    return customers.annotate(order_count=_order_count(user=user)).order_by("name", "id")


def _order_count(*, user: Any) -> Coalesce:
    """How many of the customer's orders the user may see (their divisions only)."""
    counts = (
        order_queryset_for_user(user=user)
        .filter(customer=OuterRef("pk"))
        .order_by()
        .values("customer")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@dataclass
class Candidate:
    customer: Customer
    score: int
    reasons: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # shown as warnings on the page


# Exact matches are few (codes and ID numbers are unique among active customers); the
# bound only protects the page from a pathological master (one landline on 500 rows).
CANDIDATE_EXACT_LIMIT = 200
# Similar names are scored in Python, so only this many are read, closest length first.
CANDIDATE_FUZZY_POOL = 100


def customer_candidates(*, order: Order, user: Any, limit: int = 5) -> list[Candidate]:
    """Customers that may be the buyer of an unidentified order, best first.

    Every exact match is read first (same organisation code or ID number — e.g. a
    customer created after the order arrived —, same normalised name, phone, responsible
    person); then a bounded pool of similar names. All are scored and ranked together,
    so the pool's bound can never push out an exact match.
    """
    corporate = order.is_corporate
    wanted = normalise_name(order.buyer_name, corporate=corporate)
    person = normalise_name(
        order.buyer_contact_name or ("" if corporate else order.buyer_name), corporate=False
    )
    # the pool (up to 300 customers) is read with what scores them only — not their
    # encrypted phone and ID number, decrypted for every row; the few shown are read whole
    scope = division_scope(user)
    exact: list[Customer] = compiled(
        _exact_matches,
        scope,
        order.buyer_kind,
        wanted or None,
        order.buyer_phone_index or None,
        order.buyer_contact_name.strip() or None,
        organisation_code_core(order.buyer_org_code) if order.buyer_org_code else None,
        order.buyer_id_number_index or None,
    )
    pool = exact + _similar_names(
        _candidates_in(scope, order.buyer_kind), wanted, exclude=[c.pk for c in exact]
    )
    ranked = [_score(customer, wanted, person, order) for customer in pool]
    ranked = [c for c in ranked if c.score > 0]
    best = sorted(ranked, key=lambda c: (-c.score, c.customer.pk))[:limit]
    whole = {c.pk: c for c in compiled(_customers_by_pk, tuple(c.customer.pk for c in best))}
    for candidate in best:
        candidate.customer = whole.get(candidate.customer.pk, candidate.customer)
    return best


def _candidates_in(divisions: tuple[int, ...] | None, kind: str) -> QuerySet[Customer]:
    """Active customers of the buyer's kind the user may see, their scoring columns only."""
    customers = _customers_in(divisions).filter(merged_into__isnull=True, kind=kind)
    return customers.only(*CANDIDATE_SCORING_FIELDS)


def _exact_matches(
    divisions: tuple[int, ...] | None,
    kind: str,
    name: str | None,
    phone_index: str | None,
    contact: str | None,
    org_code_core: str | None,
    id_number_index: str | None,
) -> QuerySet[Customer]:
    """Same normalised name, phone, responsible person, organisation code or ID number
    (each only when the order has it)."""
    condition = Q(pk__in=[])
    for field_name, value in (
        ("name_normalised", name),
        ("phone_index", phone_index),
        ("contact_name", contact),
        ("org_code_core", org_code_core),
        ("id_number_index", id_number_index),
    ):
        if value is not None:
            condition |= Q(**{field_name: value})
    found = _candidates_in(divisions, kind).filter(condition)
    return found.order_by("pk")[:CANDIDATE_EXACT_LIMIT]


def _customers_by_pk(pks: tuple[int, ...]) -> QuerySet[Customer]:
    return Customer.objects.filter(pk__in=pks)


# what _score reads of a customer
CANDIDATE_SCORING_FIELDS = (
    "id",
    "name_normalised",
    "contact_name",
    "phone_index",
    "org_code",
    "org_code_core",
    "id_number_index",
)


def _similar_names(customers: QuerySet[Customer], wanted: str, *, exclude: list[int]) -> list[Any]:
    """Names sharing the first characters of the buyer's, those of a similar length first
    (they have the best chance of a high similarity)."""
    if len(wanted) < 2:
        return []
    similar = (
        customers.filter(name_normalised__contains=wanted[:4])
        .exclude(pk__in=exclude)
        .annotate(length_gap=Abs(Length("name_normalised") - len(wanted)))
        .order_by("length_gap", "pk")
    )
    return list(similar[:CANDIDATE_FUZZY_POOL])


def _score(customer: Customer, wanted: str, person: str, order: Order) -> Candidate:
    from django.utils.translation import gettext as _

    candidate = Candidate(customer, 0)
    similarity = name_similarity(customer.name_normalised, wanted)
    if similarity == 1.0:
        candidate.score += 60
        candidate.reasons.append(_("same name"))
    elif similarity >= 0.6:
        candidate.score += int(40 * similarity)
        candidate.reasons.append(_("similar name (%(percent)d%%)") % {"percent": similarity * 100})
    contact = normalise_name(customer.contact_name, corporate=False)
    if person and contact and contact == person:
        candidate.score += 25
        candidate.reasons.append(_("same responsible person"))
    if order.buyer_phone_index and customer.phone_index == order.buyer_phone_index:
        candidate.score += 50
        candidate.reasons.append(_("same phone"))
    core = organisation_code_core(order.buyer_org_code) if order.buyer_org_code else ""
    if core and customer.org_code_core == core:
        candidate.score += 100
        candidate.reasons.append(_("same organisation code"))
    if order.buyer_id_number_index and customer.id_number_index == order.buyer_id_number_index:
        candidate.score += 100
        candidate.reasons.append(_("same ID number"))
    # A different code or ID number says it is probably another buyer of the same name:
    # ranked below the matches and shown, never hidden (the rep decides).
    if core and customer.org_code_core and customer.org_code_core != core:
        candidate.conflicts.append(
            _("different organisation code (customer: %(code)s)") % {"code": customer.org_code}
        )
    if (
        order.buyer_id_number_index
        and customer.id_number_index
        and customer.id_number_index != order.buyer_id_number_index
    ):
        candidate.conflicts.append(_("different ID number"))
    if candidate.conflicts:
        candidate.score //= CONFLICT_DIVISOR
    return candidate


# A conflicting code keeps a quarter of the evidence: same name and phone with another code
# ranks below a merely similar name without one, and far below an exact code.
CONFLICT_DIVISOR = 4


def customer_orders(*, customer: Customer, user: Any) -> list[Order]:
    """The customer's latest orders in the user's divisions (a customer may buy through
    several): what the customer page lists of each — not the order's seventy columns, whose
    buyer phone and ID number would be decrypted for every row."""
    return compiled(_orders_of_customer, division_scope(user), customer.pk)


def _orders_of_customer(divisions: tuple[int, ...] | None, customer_id: int) -> QuerySet[Order]:
    orders = scope_to_divisions(Order.objects.all(), divisions)
    orders = orders.filter(customer_id=customer_id).only(*CUSTOMER_ORDER_FIELDS)
    return orders.order_by("-placed_at", "-id")[:CUSTOMER_ORDERS_SHOWN]


# the customer page's orders: the link, the number, the time, the status (the FSM field: a
# deferred state is read again per row), the total
CUSTOMER_ORDER_FIELDS = ("id", "number", "placed_at", "status", "goods_amount", "freight")
CUSTOMER_ORDERS_SHOWN = 50


def customer_history(*, customer: Customer) -> list[AuditRecord]:
    """The audit rows of the customer and of every duplicate merged into it (their
    histories belong together), oldest first, with their actors — one statement."""
    return compiled(_history_of_customer, customer.pk, str(customer.pk))


def _history_of_customer(customer_id: int, key: str) -> QuerySet[AuditRecord]:
    duplicates = (
        Customer.objects.filter(merged_into_id=customer_id)
        .annotate(key=Cast("pk", CharField()))
        .values("key")
    )
    return (
        AuditRecord.objects.filter(object_type=Customer._meta.label_lower)
        .filter(Q(object_id=key) | Q(object_id__in=duplicates))
        .select_related("actor")
        .order_by("at", "id")
    )


# --- catalog sales source ----------------------------------------------------------------
def units_sold_since(*, since: dt.datetime) -> dict[int, int]:
    """Product id → units on order lines of orders placed since `since`, cancelled
    orders left out (the catalog's velocity classes read this)."""
    rows = (
        OrderLine.objects.filter(order__placed_at__gte=since)
        .exclude(order__status=Order.Status.CANCELLED)
        .values("product_id")
        .annotate(units=Sum("quantity"))
    )
    return {row["product_id"]: int(row["units"]) for row in rows}


# --- dashboard -----------------------------------------------------------------------------
def triage_summary(*, user: Any, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    # every count is of open orders: the aggregate reads those (an index), not the years
    # of shipped ones
    orders = order_queryset_for_user(user=user).filter(status__in=Order.OPEN_STATUSES)
    counts = orders.aggregate(
        waiting_identification=Count("pk", filter=Q(status=Order.Status.RECEIVED)),
        waiting_confirmation=Count("pk", filter=Q(status=Order.Status.IDENTIFIED)),
        breached=Count("pk", filter=breached_condition(now)),
    )
    upcoming = list(
        orders.filter(status__in=(Order.Status.RECEIVED, Order.Status.IDENTIFIED))
        .order_by(F("next_due_at").asc(nulls_last=True), "id")
        .only("pk", "number", "buyer_name", "status", "next_due_at", "next_step")[:5]
    )
    return {**counts, "upcoming": upcoming, "now": now}


def open_breaches(*, user: Any) -> QuerySet[SlaBreach]:
    return SlaBreach.objects.filter(
        order__in=order_queryset_for_user(user=user).filter(status__in=Order.OPEN_STATUSES),
        completed_at__isnull=True,
    )


def day_start(day: dt.date) -> dt.datetime:
    return at_local(day, dt.time(0, 0))


def listed_product_for_user(*, user: Any, sku: str) -> Product | None:
    """The listed product with this SKU (case and blanks ignored) in the user's divisions,
    or None: what a rep keying in an order may sell, with its selling price."""
    products = scope_to_user_divisions(
        Product.objects.filter(status=Product.Status.LISTED), user=user
    )
    return products.filter(sku=normalise_sku(sku)).select_related("division").first()
