"""Cross-cutting models: organisation, users, working calendar, audit, notifications."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .append_only import AppendOnlyModel


class Division(models.Model):
    """A business division (事业部), e.g. GQ 工起事业部."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("division")
        verbose_name_plural = _("divisions")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Warehouse(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("Main warehouse")
        CENTRAL = "central", _("Central warehouse")

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, related_name="warehouses", verbose_name=_("division")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        constraints = [
            models.UniqueConstraint(
                fields=["division", "kind"],
                condition=models.Q(is_active=True),
                name="one_active_warehouse_per_division_and_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class User(AbstractUser):
    """A portal user; belongs to one or more divisions and to role groups."""

    divisions = models.ManyToManyField(
        Division, blank=True, related_name="members", verbose_name=_("divisions")
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class SpecialDay(models.Model):
    """An exception to the weekly pattern: a statutory holiday or a make-up working day."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Statutory holiday")
        WORKDAY = "workday", _("Make-up working day")
        SHUTDOWN = "shutdown", _("Company shutdown")

    NON_WORKING = (Kind.HOLIDAY, Kind.SHUTDOWN)

    class Source(models.TextChoices):
        OFFICIAL = "official", _("Official schedule")
        MANUAL = "manual", _("Added by an administrator")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.MANUAL
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("special day")
        verbose_name_plural = _("special days")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"


class AuditRecord(AppendOnlyModel):
    """One append-only row per state change, price change, master-data change or reveal."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Indexed through Meta (plain indexes; no pattern-ops copies on PostgreSQL): every state
    # change of every document writes a row here, and each index costs every row an insert.
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64)
    from_state = models.CharField(_("from state"), max_length=32, blank=True)
    to_state = models.CharField(_("to state"), max_length=32, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        indexes = [
            # a document's history (object_type alone: this index's first column)
            models.Index(fields=["object_type", "object_id", "at"]),
            # the audit log's filters
            models.Index(fields=["object_id"], name="audit_object_id_idx"),
            models.Index(fields=["action"], name="audit_action_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.object_type}#{self.object_id} {self.action}"


class Notification(models.Model):
    """An in-app message (the policy's OA message) to one user, and the state of its
    e-mail copy (sent by a Celery task after commit; the row never depends on it)."""

    class EmailState(models.TextChoices):
        NONE = "", _("no e-mail")
        QUEUED = "queued", _("e-mail queued")
        SENT = "sent", _("e-mail sent")
        FAILED = "failed", _("e-mail failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    topic = models.CharField(_("topic"), max_length=64, blank=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_state = models.CharField(
        _("e-mail"), max_length=8, choices=EmailState.choices, blank=True, default=""
    )
    email_sent_at = models.DateTimeField(_("e-mail sent at"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("e-mail attempts"), default=0)
    email_error = models.CharField(_("last e-mail error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SmsMessage(models.Model):
    """An outgoing SMS as stored by the default outbox gateway."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    phone = models.CharField(_("phone"), max_length=20)
    text = models.TextField(_("text"))
    backend = models.CharField(_("gateway"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reference = models.CharField(_("about"), max_length=40, blank=True, db_index=True)
    # the division whose business the message is about: the outbox page shows a user only
    # their divisions' messages (a message of no division only to those who see all)
    division = models.ForeignKey(
        "core.Division", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("SMS message")
        verbose_name_plural = _("SMS messages")
        indexes = [
            # the outbox page (newest first, the id as the tie-break), of the user's
            # divisions or of all: a page and the capped count read the index
            models.Index(fields=["division", "created_at", "id"], name="sms_division_list_idx"),
            models.Index(fields=["created_at", "id"], name="sms_list_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.phone}: {self.text[:30]}"


class DocumentSequence(models.Model):
    """A gap-free counter per series and scope (e.g. `SO-GQ-2026`), incremented under a
    row lock that holds until the caller's transaction ends (core.numbering)."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")

    def __str__(self) -> str:
        return f"{self.key}: {self.last_value}"
