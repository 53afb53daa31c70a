from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import redirect
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from .actions import form_error_from, query_string_without_page
from .crypto import mask, mask_phone
from .dashboard import panels_for
from .exceptions import DomainError
from .forms import AuditSearchForm, CleanTextForm, LanguageForm
from .models import SmsMessage, SpecialDay, User
from .notifications import notification_mark_all_read, notification_mark_read
from .pagination import CappedPaginator
from .scoping import scope_to_user_divisions
from .selectors import (
    audit_search,
    notification_get_for_user,
    notification_list_for_user,
    special_days_of_year,
)
from .working_calendar import year_has_official_schedule


class PermissionGateMixin(PermissionRequiredMixin):
    """A page for the holders of `permission_required` ("app.codename"): the codename the
    services check, the menu entry and the buttons ask — one source (403 for others, the
    log-in page for visitors)."""


class HomeView(LoginRequiredMixin, TemplateView):
    template_name = "core/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["panels"] = panels_for(self.request.user)
        return context


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "core/notification_list.html"
    paginate_by = 25
    context_object_name = "notifications"

    def get_queryset(self) -> Any:
        return notification_list_for_user(user=self.request.user)


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one message read and follow its link (POST only)."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        notification = notification_get_for_user(user=request.user, pk=pk)
        notification_mark_read(notification=notification)
        target = notification.link
        if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return HttpResponseRedirect(target)
        return redirect("core:inbox")


class NotificationReadAllView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        count = notification_mark_all_read(user=request.user)
        messages.success(request, _("%(count)d messages marked as read.") % {"count": count})
        return redirect("core:inbox")


class LanguageSwitchView(View):
    """Switch the language: stored on the user when signed in; before signing in (the
    log-in page) kept in the language cookie and stored on the user at log-in."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = LanguageForm(request.POST)
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "/"
        response = HttpResponseRedirect(target)
        if form.is_valid():
            language = form.cleaned_data["language"]
            if request.user.is_authenticated:
                user = cast(User, request.user)
                user.language = language
                user.save(update_fields=["language"])
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE or 365 * 24 * 3600,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response


class AuditRecordListView(PermissionGateMixin, ListView):
    permission_required = "core.view_auditrecord"
    template_name = "core/auditrecord_list.html"
    paginate_by = 50
    context_object_name = "records"

    def get_queryset(self) -> Any:
        self.form = AuditSearchForm(self.request.GET or None)
        if self.form.is_bound and self.form.is_valid():
            return audit_search(filters=self.form.cleaned_data)
        return audit_search(filters={})

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = self.form
        context["query_string"] = query_string_without_page(self.request)
        return context


class SmsMessageListView(PermissionGateMixin, ListView):
    """The SMS gateway's outbox (SPEC: viewable in the portal): newest first, phones
    masked, filtered by the document the message is about (e.g. a return's number)."""

    permission_required = "core.view_smsmessage"
    template_name = "core/smsmessage_list.html"
    paginate_by = 50
    paginator_class = CappedPaginator
    context_object_name = "messages_sent"

    def get_queryset(self) -> Any:
        self.reference = self.request.GET.get("reference", "").strip()[:40]
        sent = scope_to_user_divisions(
            SmsMessage.objects.order_by("-created_at", "-pk"), user=self.request.user
        )
        return sent.filter(reference=self.reference) if self.reference else sent

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for sms in context["messages_sent"]:
            sms.masked_phone = masked_phone(sms.phone)
        context.update(
            reference=self.reference, query_string=query_string_without_page(self.request)
        )
        return context


def masked_phone(value: str) -> str:
    """138****5678 (as the order pages mask a mobile number)."""
    return mask_phone(value) if len(value) == 11 else mask(value, visible_start=3)


class SpecialDayListView(PermissionGateMixin, ListView):
    permission_required = "core.view_specialday"
    template_name = "core/specialday_list.html"
    context_object_name = "days"

    # The years a working calendar is kept for; an address outside them (or not a year)
    # opens the current year with a note instead of failing.
    FIRST_YEAR, LAST_YEAR = 2000, 2100
    _year: int | None = None

    def get_year(self) -> int:
        if self._year is not None:
            return self._year
        text = self.request.GET.get("year", "")
        year = timezone.localdate().year
        if text:
            try:
                asked = int(text) if text.isascii() and len(text) <= 6 else None
            except ValueError:
                asked = None
            if asked is not None and self.FIRST_YEAR <= asked <= self.LAST_YEAR:
                year = asked
            else:
                messages.warning(
                    self.request,
                    _("The working calendar covers the years %(first)d to %(last)d.")
                    % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR},
                )
        self._year = year
        return year

    def get_queryset(self) -> Any:
        return special_days_of_year(year=self.get_year())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        context.update(
            year=year,
            previous_year=year - 1 if year > self.FIRST_YEAR else None,
            next_year=year + 1 if year < self.LAST_YEAR else None,
            has_official=year_has_official_schedule(year),
            next_year_has_official=year_has_official_schedule(timezone.localdate().year + 1),
            kinds=SpecialDay.Kind,
            months=_year_months(year, list(context["days"])),
            can_edit=self.request.user.has_perm("core.change_specialday"),
            set_form=kwargs.get("set_form") or SpecialDayForm(initial={"kind": "holiday"}),
            remove_form=kwargs.get("remove_form") or SpecialDayRemoveForm(),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Add, change (action=set) or remove (action=remove) an exception; a refusal shows
        the page again with the input kept and the error at its field."""
        from .calendar_admin import special_day_remove, special_day_set

        if not request.user.has_perm("core.change_specialday"):
            messages.error(request, _("Only an administrator may change the working calendar."))
            return redirect("core:calendar")
        removing = request.POST.get("action") == "remove"
        form: forms.Form = (
            SpecialDayRemoveForm(request.POST) if removing else SpecialDayForm(request.POST)
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                if removing:
                    special_day_remove(date=data["date"], by=request.user, reason=data["reason"])
                    messages.success(
                        request,
                        _("%(date)s follows the weekly pattern again.") % {"date": data["date"]},
                    )
                else:
                    special_day_set(
                        date=data["date"],
                        kind=data["kind"],
                        by=request.user,
                        name=data["name"],
                        note=data["note"],
                    )
                    messages.success(request, _("%(date)s saved.") % {"date": data["date"]})
                return redirect(f"{reverse('core:calendar')}?year={data['date'].year}")
            except DomainError as error:
                form_error_from(form, error)
        entered = getattr(form, "cleaned_data", {}).get("date")
        self._year = entered.year if entered and 2000 <= entered.year <= 2100 else None
        self.object_list = self.get_queryset()
        context = self.get_context_data(
            **({"remove_form": form} if removing else {"set_form": form})
        )
        return self.render_to_response(context, status=422)


class SpecialDayForm(CleanTextForm):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=SpecialDay.Kind.choices)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100, required=False)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class SpecialDayRemoveForm(CleanTextForm):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


def _year_months(year: int, days: list[SpecialDay]) -> list[dict[str, Any]]:
    """Twelve month grids (weeks from Monday), each cell with its kind of day."""
    import calendar as pycalendar

    special = {day.date: day for day in days}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
            cells: list[dict[str, Any] | None] = []
            for date in week:
                if date.month != month:
                    cells.append(None)
                    continue
                row = special.get(date)
                kind = row.kind if row else ("sunday" if date.weekday() == 6 else "working")
                cells.append({"date": date, "kind": kind, "day": row})
            weeks.append(cells)
        months.append({"month": month, "weeks": weeks})
    return months


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the portal's error page without a request context (context processors
    query the database, which may be what failed); translations and static files only."""
    return HttpResponseServerError(loader.get_template("500.html").render())
