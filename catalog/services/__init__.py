"""Writes of the catalog (SPEC §1). Each transition is one atomic service that locks the
row, checks state, role and division, writes the audit row and sends the messages."""

from .applications import (
    ProductProposal,
    listing_application_approve,
    listing_application_create,
    listing_application_reject,
    listing_application_revise,
    listing_application_submit,
)
from .prices import PriceSet, product_prices_change
from .products import (
    BASE_INFORMATION_FIELDS,
    product_base_information_update,
    product_delist,
    product_image_add,
    product_image_remove,
    product_list_for_sale,
)
from .velocity import classify_by_units, velocity_classify

__all__ = [
    "BASE_INFORMATION_FIELDS",
    "PriceSet",
    "ProductProposal",
    "classify_by_units",
    "listing_application_approve",
    "listing_application_create",
    "listing_application_reject",
    "listing_application_revise",
    "listing_application_submit",
    "product_base_information_update",
    "product_delist",
    "product_image_add",
    "product_image_remove",
    "product_list_for_sale",
    "product_prices_change",
    "velocity_classify",
]
