"""Audited reveal of personal data (POST)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views import View

from core.views import PermissionGateMixin

from .. import selectors, services
from ..exceptions import OrderError, PermissionDenied
from ..models import Customer, Order


# --- personal data ----------------------------------------------------------------------------
class _RevealView(PermissionGateMixin, View):
    """POST: the full value, audited. JSON for the page's script, else a small page."""

    permission_required = "orders.view_order"

    def reveal(self, request: HttpRequest, obj: Customer | Order, field: str) -> HttpResponse:
        try:
            value = services.personal_data_reveal(obj=obj, field=field, by=request.user)
        except OrderError as error:
            if request.headers.get("Accept") == "application/json":
                status = 403 if isinstance(error, PermissionDenied) else 400
                return JsonResponse({"error": str(error)}, status=status)
            messages.error(request, str(error))
            return redirect(obj_url(obj))
        if request.headers.get("Accept") == "application/json":
            response: HttpResponse = JsonResponse({"value": value})
        else:
            context = {"object": obj, "value": value, "back": obj_url(obj)}
            response = render(request, "orders/reveal.html", context)
        add_never_cache_headers(response)  # the value in full: never kept by any cache
        return response


def obj_url(obj: Customer | Order) -> str:
    name = "orders:customer-detail" if isinstance(obj, Customer) else "orders:order-detail"
    return reverse(name, args=[obj.pk])


class OrderRevealView(_RevealView):
    def post(self, request: HttpRequest, pk: int, field: str) -> HttpResponse:
        return self.reveal(request, selectors.order_get_for_user(user=request.user, pk=pk), field)


class CustomerRevealView(_RevealView):
    def post(self, request: HttpRequest, pk: int, field: str) -> HttpResponse:
        return self.reveal(
            request, selectors.customer_get_for_user(user=request.user, pk=pk), field
        )
