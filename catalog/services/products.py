"""Product transitions (list ⇄ delist), base information and images."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.lock_order import row_lock
from core.notifications import notify
from core.roles import Role

from ..exceptions import BaseInformationIncomplete, CatalogError, TransitionRefused
from ..models import ListingApplication, Product, ProductImage
from ..rules import MissingItem, missing_base_information, weight_violation
from ._common import check_transition, ensure_division_access, portal_language

# 《公司电商产品基础信息表》 fields edited on the product page (prices have their own form).
BASE_INFORMATION_FIELDS = (
    "name",
    "category",
    "specification",
    "unit",
    "weight_kg",
    "vat_rate",
    "detail_content",
    "expected_monthly_sales",
    "promotion_plan",
)


@transaction.atomic
def product_list_for_sale(*, product: Product, by: Any) -> Product:
    """Publish the product in the mall; refused while base information is missing."""
    product = row_lock(product)
    ensure_division_access(user=by, division_id=product.division_id)
    list_for_sale = check_transition(product, "list_for_sale", user=by)
    missing = missing_base_information(product)
    if missing:
        raise BaseInformationIncomplete(
            _("The base information is incomplete: %(missing)s.")
            % {"missing": "、".join(str(item.label) for item in missing)},
            missing=missing,
        )
    from_state = product.status
    list_for_sale(at=timezone.now())
    product.save(update_fields=["status", "listed_at", "updated_at"])
    audit_record(
        obj=product, action="product_listed", by=by, from_state=from_state, to_state=product.status
    )
    _notify_division(
        product=product,
        subject=_("Product listed: %(product)s") % {"product": product},
        body="",
        topic="catalog.product_listed",
    )
    return product


@transaction.atomic
def product_delist(*, product: Product, by: Any, reason: str) -> Product:
    """Withdraw the product from the mall; it keeps its data and can be listed again."""
    if not reason.strip():
        raise CatalogError(_("Delisting needs a reason."), field="reason")
    product = row_lock(product)
    ensure_division_access(user=by, division_id=product.division_id)
    delist = check_transition(product, "delist", user=by)
    delist()
    product.save(update_fields=["status", "updated_at"])
    audit_record(
        obj=product,
        action="product_delisted",
        by=by,
        from_state=Product.Status.LISTED,
        to_state=product.status,
        note=reason.strip(),
    )
    _notify_division(
        product=product,
        subject=_("Product delisted: %(product)s") % {"product": product},
        body=_("Reason: %(reason)s") % {"reason": reason.strip()},
        topic="catalog.product_delisted",
    )
    return product


def _notify_division(*, product: Product, subject: str, body: str, topic: str) -> None:
    """The division's sales managers and the applicant hear about listing changes."""
    applicant = (
        ListingApplication.objects.filter(product=product)
        .values_list("applicant", flat=True)
        .first()
    )
    from django.contrib.auth import get_user_model

    users = list(get_user_model().objects.filter(pk=applicant)) if applicant else []
    with portal_language():
        notify(
            subject=str(subject),
            body=str(body),
            link=reverse("catalog:product-detail", args=[product.pk]),
            topic=topic,
            users=users,
            roles=[Role.DIVISION_SALES],
            division=product.division,
        )


def _ensure_may_edit(*, product: Product, by: Any) -> None:
    ensure_division_access(user=by, division_id=product.division_id)
    if not by.has_perm("catalog.edit_product_base_information"):
        raise TransitionRefused(_("Your role does not allow editing product base information."))


@transaction.atomic
def product_base_information_update(
    *, product: Product, by: Any, changes: dict[str, Any]
) -> list[str]:
    """Change base-information fields; returns the names of the fields that changed."""
    unknown = set(changes) - set(BASE_INFORMATION_FIELDS)
    if unknown:
        raise ValueError(f"Not base-information fields: {sorted(unknown)}")
    product = row_lock(product)
    _ensure_may_edit(product=product, by=by)
    changed = [name for name, value in changes.items() if getattr(product, name) != value]
    if not changed:
        return []
    if "weight_kg" in changed and (problem := weight_violation(changes["weight_kg"])):
        raise CatalogError(problem, field="weight_kg")
    old = {name: _text(getattr(product, name)) for name in changed}
    for name in changed:
        setattr(product, name, changes[name])
    _ensure_listed_stays_complete(product)
    _full_clean(product)
    product.save(update_fields=[*changed, "updated_at"])
    audit_record(
        obj=product,
        action="product_base_information_changed",
        by=by,
        data={name: [old[name], _text(getattr(product, name))] for name in changed},
    )
    return changed


def _full_clean(product: Product) -> None:
    """Single-row rules of the model (choices such as the VAT rate, validators), as a
    domain error on the first field concerned."""
    try:
        product.full_clean(exclude=["status"], validate_unique=False)
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise CatalogError(
            " ".join(messages), field=None if field == NON_FIELD_ERRORS else field
        ) from error


def _ensure_listed_stays_complete(product: Product) -> None:
    """A listed product keeps its whole base information (《公司电商产品基础信息表》); to
    take something away, delist it first."""
    if not product.is_listed:
        return
    missing = missing_base_information(product)
    if missing:
        raise BaseInformationIncomplete(
            _(
                "A listed product must keep its base information complete; this would remove: "
                "%(missing)s. Delist the product first."
            )
            % {"missing": "、".join(str(item.label) for item in missing)},
            missing=missing,
            field=missing[0].code if len(missing) == 1 else None,
        )


def _text(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int)):
        return value
    if hasattr(value, "pk"):
        return str(value)
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


@transaction.atomic
def product_image_add(*, product: Product, by: Any, file: File, caption: str = "") -> ProductImage:
    product = row_lock(product)
    _ensure_may_edit(product=product, by=by)
    last = product.images.aggregate(last=Max("position"))["last"]
    image = ProductImage.objects.create(
        product=product,
        image=file,
        caption=caption.strip(),
        position=0 if last is None else last + 1,
    )
    audit_record(obj=product, action="product_image_added", by=by, data={"image": image.image.name})
    return image


@transaction.atomic
def product_image_remove(*, image: ProductImage, by: Any) -> None:
    """Remove an image (the file goes after commit); a listed product keeps at least one."""
    product = row_lock(image.product)
    _ensure_may_edit(product=product, by=by)
    if product.is_listed and product.images.count() <= 1:
        raise BaseInformationIncomplete(
            _("A listed product must keep at least one image."),
            missing=[MissingItem("images", _("at least one product image"))],
        )
    name = image.image.name or ""
    storage = image.image.storage
    image.delete()
    audit_record(obj=product, action="product_image_removed", by=by, data={"image": name})
    transaction.on_commit(lambda: storage.delete(name))
