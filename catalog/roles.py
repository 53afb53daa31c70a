"""Permissions of the catalog per role (granted by migration 0003 and core's post_migrate)."""

from __future__ import annotations

from core.roles import Role

_READ = (
    "catalog.view_category",
    "catalog.view_product",
    "catalog.view_productimage",
    "catalog.view_productbin",
    "catalog.view_listingapplication",
    "catalog.view_pricechange",
)

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.PRODUCT_GROUP: (
        *_READ,
        "catalog.review_listingapplication",
        "catalog.publish_product",
        "catalog.change_product_reference_prices",
        "catalog.change_product_selling_price",
        "catalog.override_price_guard",
        "catalog.edit_product_base_information",
    ),
    Role.DIVISION_SALES: (
        *_READ,
        "catalog.file_listingapplication",
        # The division gives the three reference prices; the product group sets the
        # selling price from them (《电商业务管理办法》 产品定价).
        "catalog.change_product_reference_prices",
        "catalog.edit_product_base_information",
    ),
    # Master data in the Django admin: categories, products, images and bin locations.
    Role.ADMIN: (
        *_READ,
        "catalog.add_category",
        "catalog.change_category",
        "catalog.delete_category",
        "catalog.add_product",
        "catalog.change_product",
        "catalog.add_productimage",
        "catalog.change_productimage",
        "catalog.delete_productimage",
        "catalog.add_productbin",
        "catalog.change_productbin",
        "catalog.delete_productbin",
    ),
}
