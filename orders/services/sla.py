"""The SLA breach scan (Celery beat, every minute): flag each order whose running step
is past due, and tell the step's role and its lead, once per order and step."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.notifications import absolute_url, notify
from core.working_calendar import to_local

from ..clocks import step_roles
from ..models import Order, SlaBreach, Step


def sla_scan(*, now: dt.datetime | None = None) -> int:
    """Flag new breaches; returns how many. Safe to run late, twice or in parallel: the
    unique (order, step) row decides who notifies."""
    now = now or timezone.now()
    flagged = Order.objects.breached(now)
    flagged = flagged.exclude(
        Exists(SlaBreach.objects.filter(order=OuterRef("pk"), step=OuterRef("next_step")))
    ).select_related("division")
    count = 0
    for order in flagged.iterator(chunk_size=200):
        if _breach_record(order):
            count += 1
    return count


@transaction.atomic
def _breach_record(order: Order) -> bool:
    assert order.next_due_at is not None
    breach, created = SlaBreach.objects.get_or_create(
        order=order, step=order.next_step, defaults={"due_at": order.next_due_at}
    )
    if not created:
        return False
    step_label = Step(order.next_step).label
    link = reverse("orders:order-detail", args=[order.pk])
    audit_record(
        obj=order,
        action="sla_breached",
        data={"step": order.next_step, "due_at": order.next_due_at.isoformat()},
    )
    due_text = f"{to_local(due):%Y-%m-%d %H:%M}" if (due := order.next_due_at) else ""
    notify(
        subject=lambda: (
            _("SLA breached: %(step)s of order %(number)s")
            % {"step": step_label, "number": order.number}
        ),
        body=lambda: (
            _(
                "The step %(step)s of order %(number)s was due at %(due)s and is not done.\n"
                "Open the order: %(url)s"
            )
            % {
                "step": step_label,
                "number": order.number,
                "due": due_text,
                "url": absolute_url(link),
            }
        ),
        # the inbox links within the portal; the e-mail body carries the absolute URL
        link=link,
        topic="orders.sla_breach",
        roles=step_roles(order.next_step),
        division=order.division,
    )
    return True
