"""Pieces shared by the catalog's views."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django_fsm import ConcurrentTransition

from core.roles import Role, user_has_role

from ..exceptions import CatalogError


class PostActionView(LoginRequiredMixin, View, ABC):
    """POST-only write: load, bind the form, call one service, message, redirect (PRG).

    A user without one of `required_roles` (admins always pass, as with
    core.views.RoleRequiredMixin) is stopped before any form or service runs and sent,
    with a message, to a page they can see (`refused_redirect`), not to a 403 page.
    """

    http_method_names = ["post"]
    form_class: type[Form] | None = None
    success_message: Any = ""
    required_roles: tuple[str, ...] = ()

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("core:home")

    @abstractmethod
    def load(self, request: HttpRequest, pk: int) -> Any: ...

    @abstractmethod
    def perform(self, obj: Any, form: Form | None) -> None: ...

    @abstractmethod
    def redirect_to(self, obj: Any) -> HttpResponse: ...

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        obj = self.load(request, pk)  # the same 404 for "does not exist" and "not yours"
        if self.required_roles and not user_has_role(
            request.user, Role.ADMIN, *self.required_roles
        ):
            messages.error(request, _("Your role does not allow this action."))
            return self.refused_redirect(request, pk)
        form = self.form_class(request.POST, request.FILES) if self.form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return self.redirect_to(obj)
        run_service(request, lambda: self.perform(obj, form), self.success_message)
        return self.redirect_to(obj)


def run_service(request: HttpRequest, call: Callable[[], Any], success: Any = "") -> bool:
    """Call a service; a domain refusal becomes an error message. True on success."""
    try:
        call()
    except CatalogError as error:
        messages.error(request, str(error))
        return False
    except ConcurrentTransition:
        messages.error(request, _("Someone else changed this in the meantime; please try again."))
        return False
    if success:
        messages.success(request, str(success))
    return True


def form_error_from(form: Form, error: CatalogError) -> None:
    """Put a service refusal on the form field it concerns (or the whole form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def query_string_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def back_to(url_name: str, pk: int) -> HttpResponse:
    return redirect(url_name, pk=pk)
