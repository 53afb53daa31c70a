"""Reads of the catalog. Every list for a user goes through core.scoping."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from core import rawsql
from core.models import Division
from core.scoping import scope_to_user_divisions

from .models import Category, ListingApplication, PriceChange, Product, ProductBin, ProductImage
from .rules import normalise_sku

SLOW_MOVER_FILTER = "slow"


def products_by_sku(
    *, skus: Iterable[str], fields: Sequence[str] | None = None
) -> dict[str, Product]:
    """Products with these SKUs (any status), their divisions loaded, in one query, keyed
    by each SKU as given. With `fields`, only those columns are read (the key, the SKU and
    the listing state always; the others load on first use, as with QuerySet.only) and the
    division is not joined: the intake reads eight of a product's two dozen columns, and
    not its detail-page texts.

    SKUs match ignoring case and surrounding blanks ("demo-001" finds DEMO-001); unknown
    SKUs are absent from the result. Every intake asks this, so the statement is written
    by hand (core.rawsql) rather than compiled from a queryset each time.
    """
    if fields is not None:
        statement = products_by_sku_statement(skus=skus, fields=fields)
        if not statement.source:
            return {}
        return statement.found(rawsql.fetch(statement.sql, statement.params))
    given = list(skus)
    wanted = sorted({normalise_sku(s) for s in given})
    if not wanted:
        return {}
    product_fields = [f.attname for f in Product._meta.concrete_fields]
    division_fields = [f.attname for f in Division._meta.concrete_fields]
    sql = (
        f"SELECT {rawsql.columns(Product, product_fields, 'p')}, "  # noqa: S608 (model names)
        f"{rawsql.columns(Division, division_fields, 'd')} FROM {rawsql.table(Product)} p "
        f"JOIN {rawsql.table(Division)} d "
        f"ON d.{rawsql.column(Division, 'id')} = p.{rawsql.column(Product, 'division')} "
        f"WHERE p.{rawsql.column(Product, 'sku')} IN ({', '.join(['%s'] * len(wanted))})"
    )
    rows = rawsql.fetch(sql, wanted)
    products = rawsql.load(Product, product_fields, rows)
    divisions: dict[int, Division] = {}  # one instance per division (an order's products share one)
    found = {}
    for product, row in zip(products, rows, strict=True):
        division = divisions.get(product.division_id)
        if division is None:
            division = rawsql.load(Division, division_fields, [row], offset=len(product_fields))[0]
            divisions[product.division_id] = division
        product.division = division
        found[product.sku] = product
    return {sku: found[normalise_sku(sku)] for sku in given if normalise_sku(sku) in found}


@dataclass(frozen=True)
class ProductsBySku:
    """products_by_sku's statement with `fields`, for a caller that sends it in one round
    trip with its own (the intake): `columns` (qualified by `p`) and `source` (FROM … WHERE
    …) with `params`; `found(rows, offset)` is products_by_sku's answer from rows whose
    columns from `offset` on are `columns`. `sql` is the statement alone. With no SKU to
    look for, `source` is empty: there is nothing to ask."""

    columns: list[str]
    source: str
    params: list[str]
    fields: list[str]
    given: list[str]

    @property
    def sql(self) -> str:
        return f"SELECT {', '.join(self.columns)} {self.source}"

    def found(self, rows: Sequence[Sequence[Any]], offset: int = 0) -> dict[str, Product]:
        by_sku = {p.sku: p for p in rawsql.load(Product, self.fields, rows, offset=offset)}
        return {
            sku: by_sku[normalise_sku(sku)] for sku in self.given if normalise_sku(sku) in by_sku
        }


def products_by_sku_statement(*, skus: Iterable[str], fields: Sequence[str]) -> ProductsBySku:
    given = list(skus)
    wanted = sorted({normalise_sku(s) for s in given})
    product_fields = list(dict.fromkeys(["id", "sku", "status", *fields]))
    columns = [f"p.{rawsql.column(Product, name)}" for name in product_fields]
    source = (
        f"FROM {rawsql.table(Product)} p WHERE p.{rawsql.column(Product, 'sku')} "  # noqa: S608
        f"IN ({', '.join(['%s'] * len(wanted))})"
        if wanted
        else ""
    )
    return ProductsBySku(columns, source, wanted, product_fields, given)


# --- categories -------------------------------------------------------------------------
def category_paths() -> dict[int, str]:
    """Every category's full path ("液压件 / 液压泵"), from one query."""
    rows = {
        pk: (name, parent)
        for pk, name, parent in Category.objects.values_list("pk", "name", "parent")
    }

    def path(pk: int, seen: frozenset[int] = frozenset()) -> str:
        name, parent = rows[pk]
        if parent is None or parent in seen or parent not in rows:
            return name
        return f"{path(parent, seen | {pk})} / {name}"

    return {pk: path(pk) for pk in rows}


def category_choices() -> list[tuple[int, str]]:
    return sorted(category_paths().items(), key=lambda item: item[1])


def category_with_descendants(category_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for pk, parent in Category.objects.values_list("pk", "parent"):
        children.setdefault(parent, []).append(pk)
    found, stack = set(), [category_id]
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


# --- products ---------------------------------------------------------------------------
def product_list_for_user(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[Product]:
    filters = filters or {}
    products = scope_to_user_divisions(
        Product.objects.select_related("category", "division"), user=user
    )
    if filters.get("q"):
        q = filters["q"].strip()
        products = products.filter(Q(sku__icontains=q) | Q(name__icontains=q))
    if filters.get("category"):
        products = products.filter(category__in=category_with_descendants(filters["category"].pk))
    if filters.get("status"):
        products = products.filter(status=filters["status"])
    if filters.get("velocity"):
        if filters["velocity"] == SLOW_MOVER_FILTER:
            products = products.filter(is_slow_mover=True)
        else:
            products = products.filter(velocity_class=filters["velocity"])
    if filters.get("division"):
        products = products.filter(division=filters["division"])
    return products.order_by("sku")


def product_get_for_user(*, user: Any, pk: int) -> Product:
    """The same 404 for "does not exist" and "another division's"."""
    products = scope_to_user_divisions(
        Product.objects.select_related("category", "division").prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"))
        ),
        user=user,
    )
    return get_object_or_404(products, pk=pk)


def product_image_get(*, product: Product, pk: int) -> ProductImage:
    """An image of a product already loaded through `product_get_for_user`."""
    return get_object_or_404(ProductImage.objects.filter(product=product), pk=pk)


def price_history(*, product: Product) -> QuerySet[PriceChange]:
    return PriceChange.objects.filter(product=product).select_related("changed_by")


def product_bins(*, product: Product) -> QuerySet[ProductBin]:
    return ProductBin.objects.filter(product=product).select_related("warehouse")


def product_application(*, product: Product) -> ListingApplication | None:
    return ListingApplication.objects.filter(product=product).first()


# --- listing applications ----------------------------------------------------------------
def application_list_for_user(
    *, user: Any, filters: dict[str, Any] | None = None
) -> QuerySet[ListingApplication]:
    filters = filters or {}
    applications = scope_to_user_divisions(
        ListingApplication.objects.select_related(
            "product", "product__division", "applicant", "reviewed_by"
        ),
        user=user,
        division_field="product__division",
    )
    if filters.get("status"):
        applications = applications.filter(status=filters["status"])
    if filters.get("mine"):
        applications = applications.filter(applicant=user)
    if filters.get("q"):
        q = filters["q"].strip()
        applications = applications.filter(
            Q(product__sku__icontains=q) | Q(product__name__icontains=q)
        )
    return applications.order_by("-updated_at", "-id")


def application_get_for_user(*, user: Any, pk: int) -> ListingApplication:
    applications = scope_to_user_divisions(
        ListingApplication.objects.select_related(
            "product", "product__division", "product__category", "applicant", "reviewed_by"
        ),
        user=user,
        division_field="product__division",
    )
    return get_object_or_404(applications, pk=pk)


def application_review_queue(*, user: Any) -> QuerySet[ListingApplication]:
    """Submitted applications, the longest waiting first."""
    return application_list_for_user(
        user=user, filters={"status": ListingApplication.Status.SUBMITTED}
    ).order_by("submitted_at", "id")
