from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from .audit import audit_record
from .client_address import client_address
from .middleware import chosen_language
from .throttling import login_failed, login_is_locked, login_succeeded


class ThrottledAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Your user name and password did not match. Please try again."),
        "locked": _(
            "Too many failed log-in attempts. This account is locked for a while; try again "
            "later or ask an administrator."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        address = client_address(self.request)
        if login_is_locked(username=username, address=address):
            raise ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            login_failed(username=username, address=address)
            raise
        login_succeeded(username=username)
        return cleaned


class PortalLoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        chosen = chosen_language(self.request)
        if chosen and chosen != getattr(user, "language", ""):
            # the language picked on the log-in page becomes the user's own
            user.language = chosen
            user.save(update_fields=["language"])
        audit_record(obj=user, action="logged_in", by=user)
        return response
