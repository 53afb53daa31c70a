"""History and audit log read as words in the reader's language and Beijing time; the
audit search finds actions by their displayed names; sign-ins do not drown the rest."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from core.audit import audit_record
from core.audit_labels import action_label, details, state_label
from core.models import AuditRecord

pytestmark = pytest.mark.django_db


def test_codes_become_words_and_utc_moments_beijing_time() -> None:
    with translation.override("en"):
        assert action_label("identified") == "customer identified"
        assert state_label("orders.order", "on_hold") == "On hold (no stock)"
        assert state_label("fulfilment.deliverynote", "reserved") == "Stock reserved"
        texts = details({"due_at": "2026-11-26T02:15:00+00:00", "field": "buyer_id_number"})
    assert "due at: 2026-11-26 10:15" in texts
    assert "field: buyer's ID number" in texts
    with translation.override("zh-hans"):
        assert str(action_label("identified")) != "customer identified"


@pytest.fixture
def admin_client(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("admin", language="en", username="auditor"))
    return client


def test_audit_log_search_by_displayed_name_and_sign_ins_hidden(
    admin_client: Any, make_user: Any, division: Any
) -> None:
    user = make_user("sales_rep")
    for _ in range(30):
        audit_record(obj=user, action="logged_in", by=user)
    audit_record(
        obj=division, action="identified", by=user, from_state="received", to_state="identified"
    )
    page = admin_client.get("/audit/")
    text = page.content.decode()
    assert "customer identified" in text
    assert "signed in" not in text  # 30 sign-ins hidden by default
    found = admin_client.get("/audit/", {"q": "customer identified"}).context["records"]
    assert [r.action for r in found] == ["identified"]
    with_logins = admin_client.get("/audit/", {"logins": "on"}).context["paginator"].count
    assert with_logins == AuditRecord.objects.count()
    assert admin_client.get("/audit/", {"object_type": "core.division"}).status_code == 200


def test_a_notification_reads_in_its_recipients_language(make_user: Any) -> None:
    from django.utils.translation import gettext as _

    from core.notifications import notify

    english = make_user("warehouse", language="en", username="en_user")
    chinese = make_user("warehouse", language="zh-hans", username="zh_user")
    notify(subject=lambda: _("Inbox"), body=lambda: _("Home"), users=[english, chinese])
    assert english.notifications.get().subject == "Inbox"
    message = chinese.notifications.get()
    assert message.subject != "Inbox" and message.body != "Home"
