"""Product pages: list, detail, base information, prices, images, list ⇄ delist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from core.actions import PostActionView, form_error_from, query_string_without_page
from core.transitions import transitions_for_user

from .. import selectors
from ..exceptions import CatalogError
from ..forms import (
    PriceChangeForm,
    ProductBaseInformationForm,
    ProductFilterForm,
    ProductImageForm,
    ReasonForm,
)
from ..history import history_for
from ..models import Product
from ..rules import (
    PRICE_PERMISSIONS,
    missing_base_information,
    prices_user_may_change,
    user_may_override_price_guard,
)
from ..services import (
    PriceSet,
    product_base_information_update,
    product_delist,
    product_image_add,
    product_image_remove,
    product_list_for_sale,
    product_prices_change,
)
from ._base import back_to

PRODUCT_TRANSITIONS = {
    "list_for_sale": ("catalog:product-list-for-sale", gettext_lazy("List for sale"), "primary"),
    "delist": ("catalog:product-delist", gettext_lazy("Delist"), "danger"),
}


class ProductListView(LoginRequiredMixin, ListView):
    template_name = "catalog/product_list.html"
    context_object_name = "products"
    paginate_by = 25

    def get_queryset(self) -> Any:
        self.form = ProductFilterForm(self.request.GET or None, user=self.request.user)
        return selectors.product_list_for_user(user=self.request.user, filters=self._filters())

    def _filters(self) -> dict[str, Any]:
        """The filters that validated: one bad value (shown as a form error) must not drop
        the others and list everything."""
        if not self.form.is_bound:
            return {}
        self.form.is_valid()
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if name not in self.form.errors
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["query_string"] = query_string_without_page(self.request)
        return context


class ProductDetailView(LoginRequiredMixin, DetailView):
    template_name = "catalog/product_detail.html"
    context_object_name = "product"

    def get_object(self, queryset: Any = None) -> Product:
        return selectors.product_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        product: Product = self.object
        user = self.request.user
        missing = missing_base_information(product)
        context.update(
            missing=missing,
            transitions=self._transitions(product, missing=bool(missing)),
            category_path=selectors.category_paths().get(product.category_id or 0, ""),
            price_history=selectors.price_history(product=product),
            bins=selectors.product_bins(product=product),
            history=history_for(product),
            application=selectors.product_application(product=product),
            may_edit=user.has_perm("catalog.edit_product_base_information"),
            may_change_prices=bool(prices_user_may_change(user)),
            image_form=ProductImageForm(),
            delist_form=ReasonForm(),
        )
        return context

    def _transitions(self, product: Product, *, missing: bool) -> list[dict[str, Any]]:
        names = transitions_for_user(
            product, user=self.request.user, names=tuple(PRODUCT_TRANSITIONS)
        )
        buttons = []
        for name in names:
            url_name, label, css = PRODUCT_TRANSITIONS[name]
            blocked = name == "list_for_sale" and missing
            buttons.append(
                {"name": name, "url_name": url_name, "label": label, "css": css, "blocked": blocked}
            )
        return buttons


class ProductFormView(LoginRequiredMixin, FormView):
    """A GET/POST form on one product the user may see and has the permission to change."""

    permissions_any: tuple[str, ...] = ()  # the user needs one of them

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not any(request.user.has_perm(p) for p in self.permissions_any):
                raise PermissionDenied
            self.product = selectors.product_get_for_user(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["product"] = self.product
        return context

    def get_success_url(self) -> str:
        return self.product.get_absolute_url()


class ProductBaseInformationEditView(ProductFormView):
    template_name = "catalog/product_form.html"
    form_class = ProductBaseInformationForm
    permissions_any = ("catalog.edit_product_base_information",)

    def get_initial(self) -> dict[str, Any]:
        return ProductBaseInformationForm.initial_for(self.product)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["missing"] = missing_base_information(self.product)
        return context

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            changed = product_base_information_update(
                product=self.product, by=self.request.user, changes=form.cleaned_data
            )
        except CatalogError as error:
            form_error_from(form, error)
            return self.form_invalid(form)
        if changed:
            messages.success(self.request, _("Base information saved."))
        else:
            messages.info(self.request, _("Nothing was changed."))
        return redirect(self.get_success_url())


class ProductPriceChangeView(ProductFormView):
    template_name = "catalog/product_price_form.html"
    form_class = PriceChangeForm
    permissions_any = tuple(sorted(set(PRICE_PERMISSIONS.values())))

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["may_override"] = user_may_override_price_guard(self.request.user)
        kwargs["editable"] = prices_user_may_change(self.request.user)
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        return PriceChangeForm.initial_for(self.product)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["price_history"] = selectors.price_history(product=self.product)[:10]
        return context

    def form_valid(self, form: Form) -> HttpResponse:
        data = form.cleaned_data
        prices = PriceSet(**{name: data[name] for name in PriceSet.names()})
        try:
            product_prices_change(
                product=self.product,
                by=self.request.user,
                prices=prices,
                reason=data["reason"],
                override=data.get("override", False),
            )
        except CatalogError as error:
            form_error_from(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Prices saved."))
        return redirect(self.get_success_url())


class ProductActionView(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> Product:
        return selectors.product_get_for_user(user=request.user, pk=pk)

    def redirect_to(self, obj: Any) -> HttpResponse:
        return back_to("catalog:product-detail", obj.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return back_to("catalog:product-detail", pk)  # every signed-in user sees products


class ProductListForSaleView(ProductActionView):
    action_permission = "catalog.publish_product"
    success_message = gettext_lazy("The product is listed.")

    def perform(self, obj: Product, form: Form | None) -> None:
        product_list_for_sale(product=obj, by=self.request.user)


class ProductDelistView(ProductActionView):
    action_permission = "catalog.publish_product"
    form_class = ReasonForm
    success_message = gettext_lazy("The product is delisted.")

    def perform(self, obj: Product, form: Form | None) -> None:
        assert form is not None
        product_delist(product=obj, by=self.request.user, reason=form.cleaned_data["reason"])


class ProductImageAddView(ProductActionView):
    action_permission = "catalog.edit_product_base_information"
    form_class = ProductImageForm
    success_message = gettext_lazy("Image added.")

    def perform(self, obj: Product, form: Form | None) -> None:
        assert form is not None
        product_image_add(
            product=obj,
            by=self.request.user,
            file=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"],
        )


class ProductImageRemoveView(ProductActionView):
    action_permission = "catalog.edit_product_base_information"
    success_message = gettext_lazy("Image removed.")

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        self.image_pk = kwargs["image_pk"]
        return super().post(request, pk)

    def perform(self, obj: Product, form: Form | None) -> None:
        image = selectors.product_image_get(product=obj, pk=self.image_pk)
        product_image_remove(image=image, by=self.request.user)
