"""Listing applications: file, revise, submit; the product group's review queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView

from core.actions import PostActionView, form_error_from, query_string_without_page, run_service
from core.transitions import transitions_for_user
from core.views import PermissionGateMixin

from .. import selectors
from ..exceptions import CatalogError
from ..forms import ListingApplicationForm, ReasonForm, ReviewNoteForm
from ..history import history_for
from ..models import ListingApplication
from ..rules import missing_base_information
from ..services import (
    ProductProposal,
    listing_application_approve,
    listing_application_create,
    listing_application_reject,
    listing_application_revise,
    listing_application_submit,
)
from ._base import back_to


class ApplicationListView(PermissionGateMixin, ListView):
    template_name = "catalog/application_list.html"
    context_object_name = "applications"
    paginate_by = 25
    permission_required = "catalog.view_listingapplication"

    def get_queryset(self) -> Any:
        self.status = self.request.GET.get("status", "")
        if self.status not in ListingApplication.Status.values:
            self.status = ""
        self.mine = self.request.GET.get("mine") == "1"
        return selectors.application_list_for_user(
            user=self.request.user,
            filters={"status": self.status, "mine": self.mine, "q": self.request.GET.get("q", "")},
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            statuses=ListingApplication.Status.choices,
            status=self.status,
            mine=self.mine,
            q=self.request.GET.get("q", ""),
            query_string=query_string_without_page(self.request),
            may_file=self.request.user.has_perm("catalog.file_listingapplication"),
        )
        return context


class ApplicationReviewQueueView(PermissionGateMixin, ListView):
    template_name = "catalog/application_review_queue.html"
    context_object_name = "applications"
    paginate_by = 50
    permission_required = "catalog.review_listingapplication"

    def get_queryset(self) -> Any:
        return selectors.application_review_queue(user=self.request.user)


class ApplicationDetailView(PermissionGateMixin, DetailView):
    template_name = "catalog/application_detail.html"
    context_object_name = "application"
    permission_required = "catalog.view_listingapplication"

    def get_object(self, queryset: Any = None) -> ListingApplication:
        return selectors.application_get_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        application: ListingApplication = self.object
        allowed = transitions_for_user(
            application, user=self.request.user, names=("submit", "approve", "reject")
        )
        context.update(
            product=application.product,
            allowed=allowed,
            may_edit=application.is_editable
            and self.request.user.has_perm("catalog.file_listingapplication"),
            missing=missing_base_information(application.product),
            history=history_for(application),
            reject_form=ReasonForm(),
            approve_form=ReviewNoteForm(),
            category_path=selectors.category_paths().get(application.product.category_id or 0, ""),
        )
        return context


def _proposal(data: dict[str, Any]) -> ProductProposal:
    return ProductProposal(
        **{name: data[name] for name in ProductProposal.field_names() if name in data}
    )


class ApplicationCreateView(PermissionGateMixin, FormView):
    """File a new application; "save and submit" sends it to the review queue at once."""

    template_name = "catalog/application_form.html"
    form_class = ListingApplicationForm
    permission_required = "catalog.file_listingapplication"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            application = listing_application_create(
                by=self.request.user,
                proposal=_proposal(form.cleaned_data),
                rationale=form.cleaned_data["rationale"],
            )
        except CatalogError as error:
            form_error_from(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Application %(number)s saved.") % {"number": application.number}
        )
        if "submit" in self.request.POST:
            _submit(self.request, application)
        return redirect(application.get_absolute_url())


def _submit(request: HttpRequest, application: ListingApplication) -> bool:
    return run_service(
        request,
        lambda: listing_application_submit(application=application, by=request.user),
        _("Application %(number)s submitted for review.") % {"number": application.number},
    )


class ApplicationEditView(PermissionGateMixin, FormView):
    """Change a draft, or revise a rejected application (then submit it again)."""

    template_name = "catalog/application_form.html"
    form_class = ListingApplicationForm
    permission_required = "catalog.file_listingapplication"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.application = selectors.application_get_for_user(
                user=request.user, pk=kwargs["pk"]
            )
            if not self.application.is_editable:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self) -> dict[str, Any]:
        return ListingApplicationForm.initial_for(self.application)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "application": self.application}

    def form_valid(self, form: Form) -> HttpResponse:
        try:
            listing_application_revise(
                application=self.application,
                by=self.request.user,
                proposal=_proposal(form.cleaned_data),
                rationale=form.cleaned_data["rationale"],
            )
        except CatalogError as error:
            form_error_from(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Application saved."))
        if "submit" in self.request.POST:
            _submit(self.request, self.application)
        return redirect(self.application.get_absolute_url())


class ApplicationActionView(PostActionView):
    def load(self, request: HttpRequest, pk: int) -> ListingApplication:
        return selectors.application_get_for_user(user=request.user, pk=pk)

    def redirect_to(self, obj: Any) -> HttpResponse:
        return back_to("catalog:application-detail", obj.pk)

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Back to the application if the user may see applications, else home."""
        if request.user.has_perm("catalog.view_listingapplication"):
            return back_to("catalog:application-detail", pk)
        return super().refused_redirect(request, pk)


class ApplicationSubmitView(ApplicationActionView):
    action_permission = "catalog.file_listingapplication"
    success_message = gettext_lazy("The application was submitted for review.")

    def perform(self, obj: ListingApplication, form: Form | None) -> None:
        listing_application_submit(application=obj, by=self.request.user)


class ApplicationApproveView(ApplicationActionView):
    action_permission = "catalog.review_listingapplication"
    form_class = ReviewNoteForm
    success_message = gettext_lazy("The application was approved; the applicant is notified.")

    def perform(self, obj: ListingApplication, form: Form | None) -> None:
        assert form is not None
        listing_application_approve(
            application=obj, by=self.request.user, note=form.cleaned_data["note"]
        )


class ApplicationRejectView(ApplicationActionView):
    action_permission = "catalog.review_listingapplication"
    form_class = ReasonForm
    success_message = gettext_lazy("The application was rejected; the applicant is notified.")

    def perform(self, obj: ListingApplication, form: Form | None) -> None:
        assert form is not None
        listing_application_reject(
            application=obj, by=self.request.user, reason=form.cleaned_data["reason"]
        )
