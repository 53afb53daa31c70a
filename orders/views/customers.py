"""The customer master: list, detail with history, corrections, merging."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from core.actions import query_string_without_page
from core.views import PermissionGateMixin

from .. import selectors, services
from ..exceptions import OrderError
from ..forms import (
    CustomerForm,
    CustomerMergeForm,
)
from ..models import Customer


# --- customer master ----------------------------------------------------------------------------
class CustomerListView(PermissionGateMixin, ListView):
    permission_required = "orders.view_customer"
    template_name = "orders/customer_list.html"
    context_object_name = "customers"
    paginate_by = 25

    def get_queryset(self) -> Any:
        return selectors.customer_list_for_user(
            user=self.request.user, query=self.request.GET.get("q", "")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            q=self.request.GET.get("q", ""), query_string=query_string_without_page(self.request)
        )
        return context


class CustomerDetailView(PermissionGateMixin, TemplateView):
    permission_required = "orders.view_customer"
    template_name = "orders/customer_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        customer = selectors.customer_get_for_user(user=self.request.user, pk=kwargs["pk"])
        context.update(customer_detail_context(self.request, customer))
        return context


def customer_detail_context(
    request: HttpRequest, customer: Customer, *, merge_form: CustomerMergeForm | None = None
) -> dict[str, Any]:
    """What the customer page shows; a refused merge passes its bound form back in."""
    user = request.user
    return {
        "customer": customer,
        "orders": selectors.customer_orders(customer=customer, user=user),
        "history": selectors.customer_history(customer=customer),
        "merge_form": merge_form or CustomerMergeForm(),
        "can_merge": user.has_perm("orders.merge_customer") and customer.is_active,
        "can_correct": customer.is_active and services.user_can_correct_customer(user, customer),
        "can_reveal_id": user.has_perm("orders.reveal_id_number"),
        "can_reveal_phone": user.has_perm("orders.reveal_phone"),
    }


class CustomerUpdateView(PermissionGateMixin, View):
    """Correct master data; each change is kept in the history."""

    permission_required = "orders.change_customer"
    template_name = "orders/customer_form.html"

    def _form(self, customer: Customer, data: Any = None) -> CustomerForm:
        return CustomerForm.for_customer(customer, data)

    def _customer(self, pk: int) -> Customer:
        customer = selectors.customer_get_for_user(user=self.request.user, pk=pk)
        if not customer.is_active:
            raise Http404("Merged customer.")
        if not services.user_can_correct_customer(self.request.user, customer):
            raise DjangoPermissionDenied("The customer belongs to another division.")
        return customer

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = self._customer(pk)
        return render(
            request, self.template_name, {"customer": customer, "form": self._form(customer)}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = self._customer(pk)
        form = self._form(customer, request.POST)
        if form.is_valid():
            try:
                changed = services.customer_update(
                    customer=customer,
                    by=request.user,
                    changes=form.master_data(),
                    note=form.cleaned_data["note"],
                )
            except OrderError as error:
                field = error.field if error.field in form.fields else None
                form.add_error(field, str(error))
            else:
                messages.success(
                    request, _("%(count)d fields corrected.") % {"count": len(changed)}
                )
                return redirect("orders:customer-detail", pk=customer.pk)
        return render(request, self.template_name, {"customer": customer, "form": form})


class CustomerMergeView(PermissionGateMixin, View):
    """POST: merge the duplicate named in the form into this customer."""

    permission_required = "orders.merge_customer"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        target = selectors.customer_get_for_user(user=request.user, pk=pk)
        form = CustomerMergeForm(request.POST)
        if not form.is_valid():
            return self._refused(target, form)
        duplicate = (
            selectors.customer_queryset_for_user(user=request.user)
            .filter(number__iexact=form.cleaned_data["duplicate"].strip())
            .first()
        )
        if duplicate is None:
            form.add_error("duplicate", _("No customer of yours has this number."))
            return self._refused(target, form)
        try:
            result = services.customer_merge(
                source=duplicate, target=target, by=request.user, note=form.cleaned_data["note"]
            )
        except OrderError as error:
            form.add_error(None, str(error))
            return self._refused(target, form)
        messages.success(
            request,
            _("%(duplicate)s merged into %(target)s; %(count)d orders moved.")
            % {
                "duplicate": duplicate.number,
                "target": target.number,
                "count": len(result.moved_order_ids),
            },
        )
        return redirect("orders:customer-detail", pk=target.pk)

    def _refused(self, target: Customer, form: CustomerMergeForm) -> HttpResponse:
        """The customer page again, the typed number kept and the error at the field."""
        context = customer_detail_context(self.request, target, merge_form=form)
        return render(self.request, "orders/customer_detail.html", context, status=422)
