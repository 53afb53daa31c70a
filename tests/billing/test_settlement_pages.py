"""The settlement pages: the list scoped to the user's divisions, opening a period,
computing through the Celery task with its progress endpoint, signing and withdrawing,
the exports, and the home panel of a settlement waiting for the user's signature."""

# ruff: noqa: F811 - the fixtures are imported from test_settlement

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import Settlement, SettlementSignature
from billing.panels_settlement import settlement_panel
from billing.services.settlement import (
    period_of,
    settlement_compute_start,
    settlement_open,
    settlement_sign,
    settlement_withdraw,
)
from core.models import AuditRecord
from tests.billing.test_settlement import (  # noqa: F401 - fixtures
    ROLES,
    carrier,
    computed_settlement,
    moment,
    periods,
    ship,
)
from tests.fulfilment.conftest import confirmed, stock  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def signers(make_user: Any) -> dict[str, Any]:
    return {
        role: make_user(role, username=role, first_name=role.upper(), language="en")
        for role in ROLES
    }


def _messages(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_the_list_needs_the_permission(client: Any, make_user: Any) -> None:
    client.force_login(make_user("warehouse"))
    assert client.get(reverse("billing:settlement-list")).status_code == 403


def test_the_list_shows_the_users_divisions_with_their_signatures(
    client: Any, division: Any, other_division: Any, signers: dict[str, Any], make_user: Any
) -> None:
    ours = computed_settlement(division, timezone.localdate())
    theirs = settlement_open(division=other_division, day=timezone.localdate())
    settlement_sign(settlement=ours, by=signers["sales_lead"], role="sales_lead")
    client.force_login(signers["division_finance"])
    response = client.get(reverse("billing:settlement-list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="settlement-{ours.pk}"' in page
    assert f'data-testid="settlement-{theirs.pk}"' not in page
    assert "✓ E-commerce sales team lead" in page and "· Division finance" in page
    # head office sees every division
    client.force_login(signers["hq_finance"])
    page = client.get(reverse("billing:settlement-list")).content.decode()
    assert f'data-testid="settlement-{theirs.pk}"' in page


def test_the_list_runs_a_fixed_number_of_queries(
    client: Any, division: Any, signers: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    today = timezone.localdate()
    for months in range(4):
        settlement = settlement_open(
            division=division, day=today.replace(day=1).replace(month=1 + months)
        )
        settlement_compute_start(settlement=settlement)
    client.force_login(signers["hq_finance"])
    client.get(reverse("billing:settlement-list"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("billing:settlement-list")).status_code == 200


def test_the_lists_pages_filter_and_signatures_are_kept_statements(
    client: Any, division: Any, signers: dict[str, Any], monkeypatch: Any
) -> None:
    """Each page of the list (status filter kept) shows its settlements' live signatures —
    a withdrawn one is "not signed" —, read by statements kept per process."""
    from billing.views.settlement import SettlementListView, _live_roles, _settlement_list
    from core.queries import _compile, _Statement

    monkeypatch.setattr(SettlementListView, "paginate_by", 2)
    today = timezone.localdate()
    months = [computed_settlement(division, today.replace(day=1, month=m)) for m in (1, 2, 3)]
    oldest = months[0]
    settlement_sign(settlement=oldest, by=signers["sales_lead"], role="sales_lead")
    settlement_sign(settlement=oldest, by=signers["hq_finance"], role="hq_finance")
    settlement_withdraw(settlement=oldest, by=signers["hq_finance"])
    client.force_login(signers["division_finance"])
    first = client.get(reverse("billing:settlement-list"), {"status": "computed"})
    second = client.get(reverse("billing:settlement-list"), {"status": "computed", "page": 2})
    assert [s.pk for s in first.context["settlements"]] == [months[2].pk, months[1].pk]
    assert [s.pk for s in second.context["settlements"]] == [oldest.pk]
    assert [signed for _r, _l, signed in second.context["settlements"][0].role_rows] == [
        True,
        False,
        False,
    ]
    assert "status=computed&amp;page=2" in first.content.decode()
    locked = client.get(reverse("billing:settlement-list"), {"status": "locked"})
    assert list(locked.context["settlements"]) == []
    for scope in (None, (division.pk,)):
        for status in (None, "computed"):
            assert isinstance(_compile(_settlement_list, (scope, status)), _Statement)
    assert isinstance(_compile(_live_roles, ((1, 2, 0),)), _Statement)


def test_a_settlement_of_another_division_is_not_found(
    client: Any, other_division: Any, signers: dict[str, Any]
) -> None:
    theirs = settlement_open(division=other_division, day=timezone.localdate())
    client.force_login(signers["division_finance"])
    for name in ("settlement-detail", "settlement-progress", "settlement-xlsx", "settlement-pdf"):
        assert client.get(reverse(f"billing:{name}", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("billing:settlement-compute", args=[theirs.pk]))
    assert response.status_code == 404


def test_opening_the_current_period_from_the_list(
    client: Any, division: Any, signers: dict[str, Any]
) -> None:
    client.force_login(signers["division_finance"])
    response = client.post(
        reverse("billing:settlement-open"),
        {"division": division.pk, "day": timezone.localdate().isoformat()},
    )
    settlement = Settlement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:settlement-detail", args=[settlement.pk])
    assert (settlement.first_day, settlement.last_day) == period_of(timezone.localdate())


def test_compute_queues_the_task_which_computes_and_the_page_shows_the_figures(
    client: Any,
    ship: Any,
    division: Any,
    signers: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    previous = periods()["previous"]
    ship(at=moment(previous[0]), quantity=2, unit_price="100.00", freight="10.00")
    settlement = settlement_open(division=division, day=previous[0])
    client.force_login(signers["division_finance"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("billing:settlement-compute", args=[settlement.pk]))
    assert len(callbacks) == 1
    assert response.status_code == 302
    settlement.refresh_from_db()
    assert settlement.status == Settlement.Status.COMPUTED and settlement.progress == 100
    assert settlement.net_due == 210
    page = client.get(reverse("billing:settlement-detail", args=[settlement.pk]))
    html = page.content.decode()
    assert 'data-testid="net-due"><strong>210.00</strong>' in html
    assert 'data-testid="sign-division_finance"' in html
    assert 'data-testid="sign-sales_lead"' not in html  # not a role of this user
    progress = client.get(reverse("billing:settlement-progress", args=[settlement.pk])).json()
    assert progress == {"status": "computed", "progress": 100}


def test_the_page_shows_a_progress_bar_polling_while_computing(
    client: Any, division: Any, signers: dict[str, Any]
) -> None:
    settlement = settlement_open(division=division, day=timezone.localdate())
    settlement_compute_start(settlement=settlement)
    Settlement.objects.filter(pk=settlement.pk).update(progress=42)
    client.force_login(signers["division_finance"])
    html = client.get(reverse("billing:settlement-detail", args=[settlement.pk])).content.decode()
    url = reverse("billing:settlement-progress", args=[settlement.pk])
    assert f'value="42" data-settlement-progress="{url}"' in html
    assert "billing/settlement.js" in html
    assert '<meta http-equiv="refresh"' in html  # inside <noscript>
    assert client.get(url).json() == {"status": "computing", "progress": 42}


def test_the_sales_lead_may_not_compute(
    client: Any, division: Any, signers: dict[str, Any]
) -> None:
    settlement = settlement_open(division=division, day=timezone.localdate())
    client.force_login(signers["sales_lead"])
    response = client.post(reverse("billing:settlement-compute", args=[settlement.pk]), follow=True)
    assert "Your role does not allow this action." in _messages(response)
    assert Settlement.objects.get(pk=settlement.pk).status == Settlement.Status.OPEN


def test_three_sign_through_the_page_and_the_period_shows_locked(
    client: Any, division: Any, signers: dict[str, Any]
) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    url = reverse("billing:settlement-sign", args=[settlement.pk])
    for role in ROLES:
        client.force_login(signers[role])
        response = client.post(url, {"role": role}, follow=True)
    assert "Signed. All three have signed: the period" in _messages(response)[0]
    html = response.content.decode()
    assert 'data-testid="settlement-locked"' in html
    assert 'data-testid="withdraw"' not in html and 'data-testid="compute"' not in html
    assert Settlement.objects.get(pk=settlement.pk).status == Settlement.Status.LOCKED
    assert AuditRecord.objects.filter(action="signed").count() == 3


def test_signing_a_role_the_user_lacks_is_refused_with_a_message(
    client: Any, division: Any, signers: dict[str, Any]
) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    client.force_login(signers["sales_lead"])
    response = client.post(
        reverse("billing:settlement-sign", args=[settlement.pk]),
        {"role": "hq_finance"},
        follow=True,
    )
    assert _messages(response) == ["You do not hold the role Head-office finance."]
    assert not SettlementSignature.objects.exists()


def test_withdraw_through_the_page(client: Any, division: Any, signers: dict[str, Any]) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    settlement_sign(settlement=settlement, by=signers["hq_finance"], role="hq_finance")
    client.force_login(signers["hq_finance"])
    html = client.get(reverse("billing:settlement-detail", args=[settlement.pk])).content.decode()
    assert 'data-testid="withdraw"' in html and 'data-testid="compute"' not in html
    response = client.post(
        reverse("billing:settlement-withdraw", args=[settlement.pk]), follow=True
    )
    assert _messages(response) == ["Your signature as Head-office finance is withdrawn."]
    assert not SettlementSignature.objects.filter(withdrawn_at__isnull=True).exists()


def test_the_exports_download(client: Any, division: Any, signers: dict[str, Any]) -> None:
    settlement = computed_settlement(division, timezone.localdate())
    client.force_login(signers["sales_lead"])
    xlsx = client.get(reverse("billing:settlement-xlsx", args=[settlement.pk]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f"JS-GQ-{settlement.last_day:%Y%m}.xlsx" in xlsx["Content-Disposition"]
    pdf = client.get(reverse("billing:settlement-pdf", args=[settlement.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_the_home_panel_lists_settlements_waiting_for_the_users_signature(
    division: Any, signers: dict[str, Any], make_user: Any
) -> None:
    settlement_open(division=division, day=timezone.localdate())  # not computed: nothing
    assert settlement_panel(signers["sales_lead"]) is None
    settlement = computed_settlement(division, timezone.localdate())
    panel = settlement_panel(signers["sales_lead"])
    assert panel is not None and panel.context["settlements"] == [settlement]
    assert settlement_panel(make_user("warehouse")) is None
    settlement_sign(settlement=settlement, by=signers["sales_lead"], role="sales_lead")
    assert settlement_panel(signers["sales_lead"]) is None  # signed
    assert settlement_panel(signers["hq_finance"]) is not None  # still to sign


def test_the_home_panels_read_is_kept_and_costs_nothing_without_a_signing_role(
    division: Any, other_division: Any, signers: dict[str, Any], make_user: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from billing.panels_settlement import _to_sign
    from core.access import user_access_load
    from core.queries import _compile, _Statement

    for scope in (None, (division.pk,), (division.pk, other_division.pk)):
        for roles in (("sales_lead",), ("division_finance", "hq_finance")):
            assert isinstance(_compile(_to_sign, (scope, 1, roles)), _Statement)
    settlement = computed_settlement(division, timezone.localdate())
    warehouse, finance = make_user("warehouse"), signers["division_finance"]
    for user in (warehouse, finance):
        user_access_load(user)  # as the middleware does for each request
    with CaptureQueriesContext(connection) as read:
        assert settlement_panel(warehouse) is None
    assert len(read) == 0
    with CaptureQueriesContext(connection) as read:
        panel = settlement_panel(finance)
    assert panel is not None and panel.context["settlements"] == [settlement]
    assert panel.context["settlements"][0].division.code == division.code
    assert len(read) == 1  # the settlements with their divisions, one statement
