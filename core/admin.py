from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .append_only import ReadOnlyAdmin
from .models import AuditRecord, Division, SmsMessage, SpecialDay, User, Warehouse


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (_("Portal"), {"fields": ("divisions", "phone", "language")}),
    )
    filter_horizontal = ("groups", "user_permissions", "divisions")
    list_display = ("username", "first_name", "last_name", "email", "is_active", "is_staff")
    list_filter = ("groups", "divisions", "is_active", "is_staff")


@admin.register(Division)
class DivisionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_active")
    search_fields = ("code", "name")


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "division", "kind", "is_active")
    list_filter = ("division", "kind", "is_active")
    search_fields = ("code", "name")


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "source")
    list_filter = ("kind", "source")
    date_hierarchy = "date"
    search_fields = ("name",)
    # Newest first: the list opens on the coming days, where an admin adds an exception
    # (oldest first it opened on 2020 and the new entry was out of sight).
    ordering = ("-date",)

    def save_model(self, request: HttpRequest, obj: SpecialDay, form: Any, change: bool) -> None:
        from .audit import audit_record

        if change:
            obj.source = SpecialDay.Source.MANUAL
        super().save_model(request, obj, form, change)
        audit_record(
            obj=obj,
            action="special_day_changed" if change else "special_day_added",
            by=request.user,
            data={"date": obj.date.isoformat(), "kind": obj.kind, "name": obj.name},
        )

    def delete_model(self, request: HttpRequest, obj: SpecialDay) -> None:
        from .audit import audit_record

        audit_record(
            obj=obj,
            action="special_day_deleted",
            by=request.user,
            data={"date": obj.date.isoformat(), "kind": obj.kind},
        )
        super().delete_model(request, obj)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "object_type", "object_id", "action", "from_state", "to_state")
    list_filter = ("object_type", "action")
    search_fields = ("object_id", "object_repr", "note", "actor__username")
    date_hierarchy = "at"


@admin.register(SmsMessage)
class SmsMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "masked_phone", "text", "backend", "sent_at")
    search_fields = ("phone", "text")

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: SmsMessage) -> str:
        return obj.phone[:3] + "****" + obj.phone[-4:] if len(obj.phone) >= 7 else obj.phone
