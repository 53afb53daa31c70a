"""Small JSON look-ups for the order pages (vanilla JS, same-origin, signed-in)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views import View

from core.views import PermissionGateMixin

from .. import selectors


class OrderSkuLookupView(PermissionGateMixin, View):
    """GET ?sku=… → the listed product of the user's divisions: name, unit, selling price
    (the price a keyed-in line starts from). 404 with a message when there is none."""

    permission_required = "orders.add_order"

    def get(self, request: HttpRequest) -> JsonResponse:
        sku = request.GET.get("sku", "")[:64]
        product = selectors.listed_product_for_user(user=request.user, sku=sku) if sku else None
        if product is None:
            return JsonResponse(
                {
                    "field": "sku",
                    "rule": "sku_not_listed",
                    "message": _("No listed product of your divisions has this SKU."),
                },
                status=404,
            )
        price = product.selling_price
        return JsonResponse(
            {
                "sku": product.sku,
                "name": product.name,
                "unit": product.unit,
                "division": product.division.code,
                "unit_price": f"{price:.2f}" if price is not None else "",
            }
        )
