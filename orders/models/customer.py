from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField, mask, mask_phone
from core.models import Division

LOOKUP_FIELDS = ("name_normalised", "org_code_core", "id_number_index", "phone_index")


class CustomerQuerySet(models.QuerySet["Customer"]):
    def active(self) -> CustomerQuerySet:
        return self.filter(merged_into__isnull=True)


class Customer(models.Model):
    """The customer master (SPEC §2): corporate buyers (单位) and individuals (个人).

    ID and phone numbers are encrypted; `*_index` columns hold their blind indexes for
    exact look-up. A customer merged into another stays as a row (`merged_into`) so
    its history remains readable.
    """

    class Kind(models.TextChoices):
        CORPORATE = "corporate", _("Corporate")
        INDIVIDUAL = "individual", _("Individual")

    number = models.CharField(_("customer number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="customers", verbose_name=_("division")
    )
    name = models.CharField(_("name"), max_length=200)
    name_normalised = models.CharField(
        _("normalised name"), max_length=200, db_index=True, editable=False
    )
    org_code = models.CharField(_("organisation code"), max_length=18, blank=True)
    org_code_core = models.CharField(
        _("organisation code (9 characters)"),
        max_length=9,
        blank=True,
        db_index=True,
        editable=False,
    )
    contact_name = models.CharField(_("responsible person"), max_length=100, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    district = models.CharField(_("district"), max_length=64, blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_customers",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("merge_customer", "Can merge duplicate customers"),
            ("reveal_id_number", "Can reveal full ID numbers"),
            ("reveal_phone", "Can reveal full buyer and customer phone numbers"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["org_code_core"],
                condition=Q(merged_into__isnull=True) & ~Q(org_code_core=""),
                name="one_active_customer_per_org_code",
            ),
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=Q(merged_into__isnull=True) & ~Q(id_number_index=""),
                name="one_active_customer_per_id_number",
            ),
            models.CheckConstraint(
                condition=Q(kind="individual") | Q(id_number_index=""),
                name="only_individuals_have_id_numbers",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The look-up columns are pure functions of the row; deriving them here means
        # no code path can store a customer whose indexes disagree with its data.
        self.refresh_lookup_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *LOOKUP_FIELDS}
        super().save(*args, **kwargs)

    def refresh_lookup_fields(self) -> None:
        from ..matching import id_number_index, normalise_name, phone_index
        from ..validators import organisation_code_core

        self.name_normalised = normalise_name(self.name, corporate=self.is_corporate)[:200]
        self.org_code_core = organisation_code_core(self.org_code) if self.org_code else ""
        self.id_number_index = id_number_index(self.id_number) if self.id_number else ""
        self.phone_index = phone_index(self.phone) if self.phone else ""

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None

    @property
    def is_corporate(self) -> bool:
        return self.kind == self.Kind.CORPORATE

    @property
    def id_number_masked(self) -> str:
        return mask(self.id_number)

    @property
    def phone_masked(self) -> str:
        return (
            mask_phone(self.phone) if len(self.phone) == 11 else mask(self.phone, visible_start=3)
        )

    @property
    def address(self) -> str:
        return "".join(part for part in (self.province, self.city, self.district, self.street))
