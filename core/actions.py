"""The pieces every app's pages share: the POST-action view, calling a service and turning
its refusal into a message, a refusal onto a form field, the list's query string.

One POST-action view for every state machine: load (the same 404 for "does not exist" and
"not yours"), check the role, bind the form, call one service, message, redirect (PRG).
A domain refusal (`core.exceptions.DomainError`, e.g. an OrderError, a CatalogError or a
locked period) and a lost race (`django_fsm.ConcurrentTransition`) become messages.
"""

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

from .exceptions import DomainError


class PostActionView(LoginRequiredMixin, View, ABC):
    """POST-only write. A user without `action_permission` ("app.codename", the one the
    service checks) is stopped before any form or service runs and sent, with a message,
    to a page they can see (`refused_redirect`), not to a 403 page. `perform` may return
    the success message (else `success_message`); `refused` may add to a refusal."""

    http_method_names = ["post"]
    form_class: type[Form] | None = None
    success_message: Any = ""
    action_permission: str = ""

    def refused_redirect(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect("core:home")

    def refused(self, request: HttpRequest, obj: Any, error: Exception) -> None:
        """Called after a refusal's message (e.g. to say who moved the object on)."""

    @abstractmethod
    def load(self, request: HttpRequest, pk: int) -> Any: ...

    @abstractmethod
    def perform(self, obj: Any, form: Form | None) -> Any: ...

    @abstractmethod
    def redirect_to(self, obj: Any) -> HttpResponse: ...

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        obj = self.load(request, pk)  # the same 404 for "does not exist" and "not yours"
        if self.action_permission and not request.user.has_perm(self.action_permission):
            messages.error(request, _("Your role does not allow this action."))
            return self.refused_redirect(request, pk)
        form = self.form_class(request.POST, request.FILES) if self.form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return self.redirect_to(obj)
        run_service(
            request,
            lambda: self.perform(obj, form),
            self.success_message,
            on_refusal=lambda error: self.refused(request, obj, error),
        )
        return self.redirect_to(obj)


def run_service(
    request: HttpRequest,
    call: Callable[[], Any],
    success: Any = "",
    *,
    on_refusal: Callable[[Exception], None] | None = None,
) -> bool:
    """Call a service; a domain refusal or a lost race becomes an error message. A string
    returned by the service call is the success message. True on success."""
    try:
        result = call()
    except DomainError as error:
        messages.error(request, str(error))
        if on_refusal is not None:
            on_refusal(error)
        return False
    except ConcurrentTransition as error:
        messages.error(request, _("Someone else changed this in the meantime; please try again."))
        if on_refusal is not None:
            on_refusal(error)
        return False
    message = result if isinstance(result, str) and result else success
    if message:
        messages.success(request, str(message))
    return True


def form_error_from(form: Form, error: DomainError) -> None:
    """Put a service refusal on the form field it concerns (or the whole form)."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def query_string_without_page(request: HttpRequest) -> str:
    """The list's filters, for pagination links that keep them."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()
