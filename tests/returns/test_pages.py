"""The returns pages: each page as each role of the flow in both languages, the state ×
role table of buttons and refusals, every step through its page (Post/Redirect/Get,
message, audit row), division scoping, the evidence view, the list's filters, paging and
query count, long texts."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from PIL import Image

from core.models import AuditRecord, SmsMessage
from returns.models import Refund, ReturnRequest
from returns.services import (
    RequestInput,
    refund_approve,
    refund_review,
    return_accept,
    return_feedback,
    return_inspect,
    return_invoice_record,
    return_request_submit,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "sales_rep",
    "parts_support",
    "logistics_lead",
    "warehouse_receiver",
    "division_finance",
    "hq_finance",
    "sales_head",
    "ecom_leader",
)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 10, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def submit(order: Any, *, kind: str = "return", units: int = 1, evidence: Any = ()) -> Any:
    line = order.lines.order_by("position").first()
    request, _created = return_request_submit(
        order=order,
        data=RequestInput(
            kind=kind, reason=3, reason_text="外壳破损", lines={line.pk: units}, evidence=evidence
        ),
    )
    return request


def bring(state: str, order: Any, people: dict[str, Any], *, kind: str = "return") -> Any:
    """A return of one unit brought to `state` through the services."""
    request = submit(order, kind=kind)
    if state == "requested":
        return request
    request = return_accept(
        request=request, by=people["sales_rep"], kind=kind, return_freight="12.00"
    )
    if state == "accepted":
        return request
    return_feedback(request=request, by=people["parts_support"], part="parts")
    request = return_feedback(request=request, by=people["logistics_lead"], part="warehouse")
    if state == "awaiting_goods":
        return request
    if state == "refused":
        return return_inspect(
            request=request, by=people["warehouse_receiver"], accepted=False, note="包装缺失"
        )
    request = return_inspect(request=request, by=people["warehouse_receiver"], accepted=True)
    if state == "received":
        return request
    refund = Refund.objects.get(request=request)
    refund_approve(refund=refund, by=people["sales_head"])
    request = return_invoice_record(
        request=request, by=people["division_finance"], handling="credited"
    )
    if state == "review":
        return request
    refund_review(refund=refund, by=people["division_finance"])
    return request  # "pay"


# --- each page as each role, both languages ---------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_list_and_detail_open_for_every_role_of_the_flow_in_chinese(
    role: str, delivered: Any, people: dict[str, Any]
) -> None:
    request = bring("accepted", delivered(), people)
    client = client_for(people[role])
    listing = client.get("/returns/")
    assert listing.status_code == 200
    assert request.number in listing.content.decode()
    page = client.get(f"/returns/{request.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert request.number in text and "退/换货申请" in text
    assert "138****5678" in text and "13812345678" not in text


@pytest.mark.parametrize("role", ROLES)
def test_detail_reads_english_for_an_english_user(
    role: str, delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    request = bring("accepted", delivered(), people)
    user = make_user(role, language="en", username=f"{role}_en")
    client = client_for(user)
    text = client.get(f"/returns/{request.pk}/").content.decode()
    assert "Return request" in text and "Ship back to" in text
    assert "Return and refund" in text
    listing = client.get("/returns/").content.decode()
    assert "Returns and exchanges" in listing and "Needs me" in listing
    assert "Latest messages" in client.get("/").content.decode()


def test_the_request_form_reads_chinese_and_english(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    order = delivered()
    chinese = client_for(people["sales_rep"]).get(f"/returns/new/?order={order.pk}")
    assert (
        "发起退/换货" in chinese.content.decode() and "②商品错发/漏发" in chinese.content.decode()
    )
    english = make_user("sales_rep", language="en", username="rep_en")
    page = client_for(english).get(f"/returns/new/?order={order.pk}").content.decode()
    assert "Start a return" in page and "② Wrong or missing item" in page


def test_pages_need_the_view_permission(delivered: Any, people: dict[str, Any], make_user: Any):
    request = bring("requested", delivered(), people)
    outsider = client_for(make_user("product_group"))
    assert outsider.get("/returns/").status_code == 403
    assert outsider.get(f"/returns/{request.pk}/").status_code == 403
    anonymous = Client().get(f"/returns/{request.pk}/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


# --- the state × role table -------------------------------------------------------------------
BUTTONS = (
    "accept",
    "reject",
    "feedback-parts",
    "feedback-warehouse",
    "inspect",
    "resolve",
    "invoice",
    "replacement",
    "approve",
    "review",
    "pay",
)
TABLE = {
    "requested": {"sales_rep": {"accept", "reject"}},
    "accepted": {
        "parts_support": {"feedback-parts"},
        "logistics_lead": {"feedback-warehouse"},
        "sales_head": {"approve"},
    },
    "awaiting_goods": {"warehouse_receiver": {"inspect"}, "sales_head": {"approve"}},
    "refused": {"sales_rep": {"resolve"}, "sales_head": {"approve"}},
    "received": {"division_finance": {"invoice"}, "sales_head": {"approve"}},
    "review": {"division_finance": {"review"}},
    "pay": {"hq_finance": {"pay"}},
}


@pytest.mark.parametrize("state", list(TABLE))
def test_each_role_sees_exactly_the_buttons_of_its_step(
    state: str, delivered: Any, people: dict[str, Any]
) -> None:
    request = bring(state, delivered(), people)
    assert request.status == {"review": "received", "pay": "received"}.get(state, state)
    for role in ROLES:
        text = client_for(people[role]).get(f"/returns/{request.pk}/").content.decode()
        shown = {b for b in BUTTONS if f'data-testid="action-{b}"' in text}
        assert shown == TABLE[state].get(role, set()), (state, role)
        assert ('data-testid="nothing-to-do"' in text) == (not shown)


def test_an_exchange_shows_parts_support_the_replacement(
    delivered: Any, people: dict[str, Any]
) -> None:
    request = bring("received", delivered(), people, kind="exchange")
    text = client_for(people["parts_support"]).get(f"/returns/{request.pk}/").content.decode()
    assert 'data-testid="action-replacement"' in text
    rep = client_for(people["sales_rep"]).get(f"/returns/{request.pk}/").content.decode()
    assert 'data-testid="action-replacement"' not in rep


ACTIONS = {
    # action: (state it needs, url, data, roles holding the permission)
    "accept": ("requested", "accept/", {"kind": "return"}, {"sales_rep"}),
    "reject": ("requested", "reject/", {"note": "不符合退换货标准"}, {"sales_rep"}),
    "feedback-parts": ("accepted", "feedback/", {"part": "parts"}, {"parts_support"}),
    "feedback-warehouse": ("accepted", "feedback/", {"part": "warehouse"}, {"logistics_lead"}),
    "inspect": ("awaiting_goods", "inspect/", {"outcome": "accept"}, {"warehouse_receiver"}),
    "resolve": (
        "refused",
        "resolve/",
        {
            "outcome": "accept",
            "rep_name": "张三",
            "warehouse_name": "李四",
            "customer_name": "王五",
            "agreement": "同意收货",
        },
        {"sales_rep"},
    ),
    "invoice": ("received", "invoice/", {"handling": "credited"}, {"division_finance"}),
    "approve": ("accepted", "refund/approve/", {}, {"sales_head", "ecom_leader"}),
    "review": ("review", "refund/review/", {}, {"division_finance"}),
    "pay": ("pay", "refund/pay/", {"reference": "BANK-9"}, {"hq_finance"}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_a_post_by_a_role_without_the_permission_changes_nothing(
    action: str, delivered: Any, people: dict[str, Any]
) -> None:
    state, url, data, holders = ACTIONS[action]
    request = bring(state, delivered(), people)
    refund = Refund.objects.filter(request=request).first()
    before = (request.status, refund.status if refund else None, AuditRecord.objects.count())
    for role in set(ROLES) - holders:
        response = client_for(people[role]).post(f"/returns/{request.pk}/{url}", data)
        assert response.status_code == 302 and response["Location"] == f"/returns/{request.pk}/"
        request.refresh_from_db()
        if refund:
            refund.refresh_from_db()
        after = (request.status, refund.status if refund else None, AuditRecord.objects.count())
        assert after == before, (action, role)
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            "您的角色无权执行此操作。"
        ], (action, role)


def test_a_get_of_an_action_is_refused(delivered: Any, people: dict[str, Any]) -> None:
    request = bring("requested", delivered(), people)
    response = client_for(people["sales_rep"]).get(f"/returns/{request.pk}/accept/")
    assert response.status_code == 405


# --- approvals: who sees the button -----------------------------------------------------------
def test_above_the_threshold_both_approvers_see_the_button_until_they_approve(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=2, unit_price="6000.00")
    request = bring("accepted", order, people)
    refund = Refund.objects.get(request=request)
    assert refund.required_roles == ["sales_head", "ecom_leader"]
    head, leader = client_for(people["sales_head"]), client_for(people["ecom_leader"])
    url = f"/returns/{request.pk}/"
    assert 'data-testid="action-approve"' in head.get(url).content.decode()
    assert 'data-testid="action-approve"' in leader.get(url).content.decode()
    response = head.post(f"{url}refund/approve/", {"note": "同意"})
    assert response.status_code == 302
    assert 'data-testid="action-approve"' not in head.get(url).content.decode()
    assert 'data-testid="action-approve"' in leader.get(url).content.decode()
    text = leader.get(url).content.decode()
    assert "电商领导" in text  # still waiting for the e-commerce leader
    refund.refresh_from_db()
    assert refund.status == "awaiting_approval"
    leader.post(f"{url}refund/approve/", {})
    refund.refresh_from_db()
    assert refund.status == "approved"


def test_the_requester_of_a_refund_sees_no_approve_button(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    both = make_user("sales_rep", "sales_head", username="rep_and_head")
    request = submit(delivered())
    return_accept(request=request, by=both, kind="return")
    text = client_for(both).get(f"/returns/{request.pk}/").content.decode()
    assert 'data-testid="action-approve"' not in text
    response = client_for(both).post(f"/returns/{request.pk}/refund/approve/", {})
    assert response.status_code == 302
    assert not Refund.objects.get(request=request).approvals.exists()


# --- every step through its page --------------------------------------------------------------
def posted(client: Client, url: str, data: dict[str, Any]) -> list[str]:
    """POST, follow the redirect to the return's page (Post/Redirect/Get) and return the
    messages that page shows."""
    response = client.post(url, data, follow=True)
    pk = url.split("/")[2]
    assert response.redirect_chain == [(f"/returns/{pk}/", 302)], response.content[:300]
    assert response.status_code == 200
    return [str(m) for m in response.context["messages"]]


def test_the_whole_return_through_the_pages(
    delivered: Any,
    people: dict[str, Any],
    make_user: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    english = {role: make_user(role, language="en", username=f"{role}_en") for role in ROLES}
    order = delivered(quantity=2, unit_price="100.00")
    request = submit(order)
    base = f"/returns/{request.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        messages = posted(
            client_for(english["sales_rep"]),
            base + "accept/",
            {"kind": "return", "refund_amount": "90.00", "return_freight": "12.00"},
        )
    assert messages == [f"Return {request.number} accepted as Return and refund."]
    refund = Refund.objects.get(request=request)
    assert refund.amount == Decimal("102.00") and refund.return_freight == Decimal("12.00")
    assert posted(client_for(english["parts_support"]), base + "feedback/", {"part": "parts"}) == [
        "Your part of the feedback is recorded."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        messages = posted(
            client_for(english["logistics_lead"]),
            base + "feedback/",
            {"part": "warehouse", "note": "退回总仓"},
        )
    request.refresh_from_db()
    assert request.status == "awaiting_goods"
    assert messages == [f"Feedback complete: return order {request.return_order_number} written."]
    with django_capture_on_commit_callbacks(execute=True):
        posted(client_for(english["warehouse_receiver"]), base + "inspect/", {"outcome": "accept"})
    request.refresh_from_db()
    assert request.status == "received"
    messages = posted(
        client_for(english["division_finance"]), base + "invoice/", {"handling": "credited"}
    )
    credit = request.credit_notes.get()
    assert messages == [f"Credit note {credit.number} issued for return {request.number}."]
    with django_capture_on_commit_callbacks(execute=True):
        messages = posted(client_for(english["sales_head"]), base + "refund/approve/", {})
    assert messages == [f"Refund {refund.number} approved; division finance reviews it next."]
    messages = posted(
        client_for(english["division_finance"]),
        base + "refund/review/",
        {"return_freight": "8.00", "note": "运费按票据"},
    )
    refund.refresh_from_db()
    assert refund.status == "reviewed" and refund.amount == Decimal("98.00")
    assert messages == [
        f"Refund {refund.number} of 98.00 CNY reviewed; head-office finance pays it."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        messages = posted(
            client_for(english["hq_finance"]), base + "refund/pay/", {"reference": "BANK-1"}
        )
    assert messages == [f"Refund {refund.number} paid (BANK-1)."]
    request.refresh_from_db()
    assert request.status == "closed"
    actions = list(
        AuditRecord.objects.filter(object_type="returns.returnrequest", object_id=str(request.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "requested",
        "accepted",
        "feedback_parts",
        "feedback_warehouse",
        "return_order",
        "received",
        "invoice_credited",
        "closed",
    ]
    refund_actions = list(
        AuditRecord.objects.filter(object_type="returns.refund", object_id=str(refund.pk))
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert refund_actions == ["refund_requested", "approval", "approved", "reviewed", "paid"]
    page = client_for(english["sales_rep"]).get(base).content.decode()
    assert "feedback completed by the warehouse lead" in page
    assert "red-letter credit note issued" in page and "refund paid" in page
    finance = client_for(english["division_finance"]).get(base).content.decode()
    assert f"/billing/invoices/{credit.pk}/" in finance
    sms = SmsMessage.objects.filter(reference=request.number)
    assert sms.count() == 6  # accepted, return order, received, approved, paid, complete
    assert page.count("138****5678") >= 6 and "13812345678" not in page


def test_reject_needs_a_reason_and_then_closes_the_request(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    rep = client_for(make_user("sales_rep", language="en", username="rep_en"))
    request = submit(delivered())
    messages = posted(rep, f"/returns/{request.pk}/reject/", {"note": " "})
    assert messages == ["This field is required."]
    request.refresh_from_db()
    assert request.status == "requested"
    messages = posted(rep, f"/returns/{request.pk}/reject/", {"note": "已超出退货标准"})
    request.refresh_from_db()
    assert request.status == "rejected" and request.decision_note == "已超出退货标准"
    assert messages == [f"Return {request.number} rejected; the customer is told why."]


def test_refusal_at_inspection_and_the_three_way_resolution(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    request = bring("awaiting_goods", delivered(), people)
    receiver = client_for(make_user("warehouse_receiver", language="en", username="recv_en"))
    messages = posted(receiver, f"/returns/{request.pk}/inspect/", {"outcome": "refuse"})
    assert messages == ["Say why the goods are refused."]
    posted(receiver, f"/returns/{request.pk}/inspect/", {"outcome": "refuse", "note": "缺配件"})
    request.refresh_from_db()
    assert request.status == "refused" and request.inspection_note == "缺配件"
    rep = client_for(people["sales_rep"])
    posted(
        rep,
        f"/returns/{request.pk}/resolve/",
        {
            "outcome": "send_back",
            "rep_name": "张三",
            "warehouse_name": "李四",
            "customer_name": "王五",
            "agreement": "退回客户",
        },
    )
    request.refresh_from_db()
    assert request.status == "closed"
    assert Refund.objects.get(request=request).status == "cancelled"
    text = rep.get(f"/returns/{request.pk}/").content.decode()
    assert 'data-testid="return-resolution"' in text and "退回客户" in text


def test_exchange_replacement_through_the_page(
    delivered: Any, people: dict[str, Any], stock: Any, product: Any
) -> None:
    stock(product, 3)
    request = bring("received", delivered(), people, kind="exchange")
    posted(
        client_for(people["division_finance"]),
        f"/returns/{request.pk}/invoice/",
        {"handling": "credited", "note": "发票 No.12345678"},
    )
    posted(client_for(people["parts_support"]), f"/returns/{request.pk}/replacement/", {})
    request.refresh_from_db()
    assert request.replacement_note is not None and request.status == "closed"
    text = client_for(people["parts_support"]).get(f"/returns/{request.pk}/").content.decode()
    assert f"/fulfilment/notes/{request.replacement_note.pk}/" in text


def test_a_service_refusal_becomes_a_message(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    request = submit(delivered(unit_price="100.00"))
    rep = client_for(make_user("sales_rep", language="en", username="rep_en"))
    messages = posted(
        rep, f"/returns/{request.pk}/accept/", {"kind": "return", "refund_amount": "150.00"}
    )
    assert messages == [
        "The refund cannot exceed the goods paid for (100.00) plus the return freight (0.00)."
    ]
    request.refresh_from_db()
    assert request.status == "requested" and not Refund.objects.exists()


# --- division scoping and the evidence --------------------------------------------------------
def test_a_user_of_another_division_gets_404(
    delivered: Any, people: dict[str, Any], make_user: Any, other_division: Any
) -> None:
    request = submit(delivered(), evidence=[])
    stranger = client_for(make_user("sales_rep", divisions=[other_division]))
    assert stranger.get(f"/returns/{request.pk}/").status_code == 404
    assert stranger.post(f"/returns/{request.pk}/reject/", {"note": "x"}).status_code == 404
    assert request.number not in stranger.get("/returns/").content.decode()
    request.refresh_from_db()
    assert request.status == "requested"


def test_evidence_is_streamed_with_its_type_to_permitted_users_only(
    delivered: Any, people: dict[str, Any], make_user: Any, other_division: Any
) -> None:
    from returns.evidence import evidence_read

    photo = evidence_read(name="破损照片.png", content=png_bytes())
    request = submit(delivered(), evidence=[photo])
    evidence = request.evidence.get()
    url = f"/returns/{request.pk}/evidence/{evidence.pk}/"
    response = client_for(people["sales_rep"]).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == photo.content
    page = client_for(people["sales_rep"]).get(f"/returns/{request.pk}/").content.decode()
    assert f'<img src="{url}"' in page
    # finance lacks the evidence permission; another division may not see the order
    assert client_for(people["division_finance"]).get(url).status_code == 404
    finance_page = client_for(people["division_finance"]).get(f"/returns/{request.pk}/")
    assert url not in finance_page.content.decode()
    stranger = make_user("sales_rep", divisions=[other_division])
    assert client_for(stranger).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    other = submit(delivered())
    assert (
        client_for(people["sales_rep"])
        .get(f"/returns/{other.pk}/evidence/{evidence.pk}/")
        .status_code
        == 404
    )


# --- the list: filters, paging, query count, long texts ---------------------------------------
def test_the_list_filters_and_searches(delivered: Any, people: dict[str, Any]) -> None:
    requested = submit(delivered())
    accepted = bring("accepted", delivered(), people)
    exchange = submit(delivered(), kind="exchange")
    rep = client_for(people["sales_rep"])

    def numbers(query: str) -> set[str]:
        text = rep.get(f"/returns/?{query}").content.decode()
        return {r.number for r in (requested, accepted, exchange) if r.number in text}

    assert numbers("") == {requested.number, accepted.number, exchange.number}
    assert numbers("status=accepted") == {accepted.number}
    assert numbers("kind=exchange") == {exchange.number}
    assert numbers("reason=3") == {requested.number, accepted.number, exchange.number}
    assert numbers("reason=1") == set()
    assert numbers(f"q={accepted.order.number}") == {accepted.number}
    assert numbers(f"q={exchange.order.platform_order_no}") == {exchange.number}
    assert numbers(f"q={requested.number}") == {requested.number}
    assert numbers("mine=on") == {requested.number, exchange.number}  # the rep's queue
    head = client_for(people["sales_head"]).get("/returns/?mine=on").content.decode()
    assert accepted.number in head and requested.number not in head


def test_the_search_finds_return_and_return_order_numbers(
    delivered: Any, people: dict[str, Any]
) -> None:
    awaiting = bring("awaiting_goods", delivered(), people)
    other = submit(delivered())
    rep = client_for(people["sales_rep"])

    def numbers(query: str) -> set[str]:
        text = rep.get(f"/returns/?{query}").content.decode()
        return {r.number for r in (awaiting, other) if r.number in text}

    assert numbers(f"q={awaiting.return_order_number}") == {awaiting.number}
    assert numbers(f"q={awaiting.number.lower()}") == {awaiting.number}
    assert numbers(f"q={other.number[-6:]}") == {other.number}  # a part of a number
    assert numbers(f"q={other.order.number.lower()}") == {other.number}
    assert numbers("q=RR") == set()  # under 3 characters a text must be a whole number


def test_needs_me_leaves_out_a_refund_the_approver_approved_under_another_role(
    delivered: Any, people: dict[str, Any], make_user: Any
) -> None:
    head_and_leader = make_user("sales_head", "ecom_leader", username="head_and_leader")
    request = bring("accepted", delivered(quantity=1, unit_price="6000.00"), people)
    refund = Refund.objects.get(request=request)
    assert refund.required_roles == ["sales_head", "ecom_leader"]

    def queue(user: Any) -> str:
        return client_for(user).get("/returns/?mine=on").content.decode()

    assert request.number in queue(head_and_leader)
    refund_approve(refund=refund, by=head_and_leader)  # as the head of sales
    assert request.number not in queue(head_and_leader)  # the leader's part is someone else's
    assert request.number in queue(people["ecom_leader"])
    assert request.number not in queue(people["sales_head"])
    home = client_for(head_and_leader).get("/").content.decode()
    assert request.number not in home


def test_paging_keeps_the_filters_and_newest_comes_first(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=30)
    created = [submit(order) for _ in range(27)]
    rep = client_for(people["sales_rep"])
    first = rep.get("/returns/?status=requested").content.decode()
    assert "status=requested&amp;page=2" in first
    assert first.index(created[-1].number) < first.index(created[-2].number)
    second = rep.get("/returns/?status=requested&page=2").content.decode()
    assert created[0].number in second and created[-1].number not in second


def test_list_queries_do_not_grow_with_rows(
    delivered: Any, people: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    rep = client_for(people["sales_rep"])
    order = delivered(quantity=20)
    for _ in range(2):
        submit(order)
    rep.get("/returns/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        rep.get("/returns/")
    for _ in range(15):
        submit(order)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = rep.get("/returns/")
    assert response.content.decode().count('href="/returns/') >= 17


def test_long_texts_render(delivered: Any, people: dict[str, Any]) -> None:
    order = delivered()
    line = order.lines.get()
    words = "很长的描述" * 100
    request, _ = return_request_submit(
        order=order,
        data=RequestInput(kind="return", reason=5, reason_text=words, lines={line.pk: 1}),
    )
    return_reject(request, people, "拒" * 500)
    text = client_for(people["sales_rep"]).get(f"/returns/{request.pk}/").content.decode()
    assert words in text and "拒" * 500 in text
    assert client_for(people["sales_rep"]).get("/returns/").status_code == 200


def test_a_resolution_at_its_column_limits_renders(delivered: Any, people: dict[str, Any]) -> None:
    from returns.services import return_resolve

    request = bring("refused", delivered(), people)
    names = {
        "rep_name": "张" * 100,
        "warehouse_name": "<b>" + "仓" * 97,
        "customer_name": "'\\\"" + "客" * 96,
    }
    agreement = "协" * 1000
    return_resolve(
        request=request, by=people["sales_rep"], outcome="accept", agreement=agreement, **names
    )
    for role in ("sales_rep", "division_finance", "hq_finance"):
        response = client_for(people[role]).get(f"/returns/{request.pk}/")
        text = response.content.decode()
        assert response.status_code == 200
        assert agreement in text and "张" * 100 in text and "&lt;b&gt;" in text
    assert client_for(people["sales_rep"]).get("/returns/").status_code == 200


def return_reject(request: Any, people: dict[str, Any], note: str) -> None:
    from returns.services import return_reject as reject

    reject(request=request, by=people["sales_rep"], note=note)


# --- the order page and the rep's form --------------------------------------------------------
def test_the_order_page_lists_returns_and_offers_to_start_one(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered()
    rep = client_for(people["sales_rep"])
    text = rep.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="start-return"' in text and f"/returns/new/?order={order.pk}" in text
    request = submit(order)
    text = rep.get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="order-returns"' in text and request.number in text
    finance = client_for(people["division_finance"]).get(f"/orders/{order.pk}/").content.decode()
    assert request.number in finance and 'data-testid="start-return"' not in finance


def test_no_start_link_after_the_window(delivered: Any, people: dict[str, Any]) -> None:
    import datetime as dt

    from django.utils import timezone

    order = delivered(received_at=timezone.now() - dt.timedelta(days=8))
    text = client_for(people["sales_rep"]).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="start-return"' not in text


def test_the_rep_keys_in_a_request_with_evidence(delivered: Any, people: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = delivered(quantity=2)
    line = order.lines.get()
    rep = client_for(people["sales_rep"])
    form = rep.get(f"/returns/new/?order={order.pk}")
    assert form.status_code == 200 and f'name="line_{line.pk}"' in form.content.decode()
    response = rep.post(
        f"/returns/new/?order={order.pk}",
        {
            "kind": "exchange",
            "reason": "2",
            "reason_text": "发错型号",
            f"line_{line.pk}": "2",
            "evidence": [SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png")],
        },
    )
    request = ReturnRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/returns/{request.pk}/"
    assert request.created_by == people["sales_rep"] and request.source == "portal"
    assert request.requested_kind == "exchange" and request.lines.get().quantity == 2
    assert request.evidence.get().content_type == "image/png"


def test_the_request_form_keeps_the_input_and_names_the_field(
    delivered: Any, make_user: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = delivered(quantity=2)
    line = order.lines.get()
    rep = client_for(make_user("sales_rep", language="en", username="rep_en"))
    too_many = rep.post(
        f"/returns/new/?order={order.pk}",
        {"kind": "return", "reason": "3", "reason_text": "碎了", f"line_{line.pk}": "3"},
    )
    assert too_many.status_code == 422
    text = too_many.content.decode()
    assert "At most 2 can still be returned" in text and 'value="3"' in text and "碎了" in text
    fake = rep.post(
        f"/returns/new/?order={order.pk}",
        {
            "kind": "return",
            "reason": "3",
            f"line_{line.pk}": "1",
            "evidence": [SimpleUploadedFile("a.png", b"not a picture", content_type="image/png")],
        },
    )
    assert fake.status_code == 422
    assert "is not a JPEG, PNG or WebP photo or a PDF document" in fake.content.decode()
    other = rep.post(
        f"/returns/new/?order={order.pk}",
        {"kind": "return", "reason": "5", f"line_{line.pk}": "1"},
    )
    assert "Reason ⑤ (other) needs the customer&#x27;s words." in other.content.decode()
    assert not ReturnRequest.objects.exists()


def test_the_request_form_is_the_reps(delivered: Any, people: dict[str, Any]) -> None:
    order = delivered()
    response = client_for(people["division_finance"]).get(f"/returns/new/?order={order.pk}")
    assert response.status_code == 403
    assert client_for(people["sales_rep"]).get("/returns/new/?order=999999").status_code == 404


# --- home panels and menu ---------------------------------------------------------------------
def test_home_panels_show_each_role_its_queue(delivered: Any, people: dict[str, Any]) -> None:
    requested = submit(delivered())
    accepted = bring("accepted", delivered(), people)
    expected = bring("awaiting_goods", delivered(), people)
    received = bring("received", delivered(), people)
    review = bring("review", delivered(), people)
    pay = bring("pay", delivered(), people)

    def home(role: str) -> str:
        return client_for(people[role]).get("/").content.decode()

    rep = home("sales_rep")
    assert 'data-testid="panel-returns-review"' in rep and requested.number in rep
    parts = home("parts_support")
    assert accepted.number in parts and requested.number not in parts
    assert accepted.number in home("logistics_lead")
    receiver = home("warehouse_receiver")
    assert expected.number in receiver and "GQ-MAIN" in receiver
    finance = home("division_finance")
    assert received.number in finance and review.number in finance
    assert pay.number in home("hq_finance")
    head = home("sales_head")
    assert accepted.number in head and pay.number not in head
    assert accepted.number not in home("ecom_leader")  # below the threshold


def test_home_panel_rows_cost_no_statement_each(delivered: Any, people: dict[str, Any]) -> None:
    """The panels read what their rows show (PANEL_FIELDS, the state machines' fields
    included): one waiting return or four, the same statements; the rows' extras — the
    return window, the refund's amount — still shown."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = submit(delivered())
    review = bring("review", delivered(), people)
    rep, finance = client_for(people["sales_rep"]), client_for(people["division_finance"])
    rep.get("/")
    finance.get("/")
    with CaptureQueriesContext(connection) as rep_one, CaptureQueriesContext(connection):
        rep.get("/")
    with CaptureQueriesContext(connection) as finance_one:
        finance.get("/")
    more = [submit(delivered()) for _ in range(3)]
    more_review = [bring("review", delivered(), people) for _ in range(2)]
    with CaptureQueriesContext(connection) as rep_four:
        rep_html = rep.get("/").content.decode()
    with CaptureQueriesContext(connection) as finance_three:
        finance_html = finance.get("/").content.decode()

    assert len(rep_four) == len(rep_one) and len(finance_three) == len(finance_one)
    for request in (first, *more):
        assert request.number in rep_html
    from django.utils import timezone

    from returns.selectors import window_end_of

    end = window_end_of(first.order)
    assert end is not None and timezone.localtime(end).strftime("%m-%d %H:%M") in rep_html
    for request in (review, *more_review):
        assert request.number in finance_html
        assert str(Refund.objects.get(request=request).amount) in finance_html


def test_home_panel_groups_are_kept_statements(
    delivered: Any, people: dict[str, Any], division: Any, other_division: Any
) -> None:
    """Each panel group's count and rows are statements compiled once per process
    (core.queries: kept for every scope), with the ORM's rows and counts."""
    from core.queries import _COUNT, Fixed, _compile, _Count, _Statement, compiled, compiled_count
    from returns import dashboard

    submit(delivered())
    bring("accepted", delivered(), people)
    expected = bring("awaiting_goods", delivered(), people)
    bring("received", delivered(), people)
    bring("review", delivered(), people)
    bring("pay", delivered(), people)
    for name in dashboard.GROUPS:
        extra = (expected.warehouse_id,) if name == "expected" else ()
        for scope in (None, (division.pk,), (division.pk, other_division.pk), ()):
            values = (scope, name, *extra)
            kept = (scope, Fixed(name), *extra)
            if scope != ():
                assert isinstance(_compile(dashboard._group_rows, kept), _Statement), name
                assert isinstance(_compile(dashboard._group_requests, kept, _COUNT), _Count)
            rows = dashboard._group_rows(*values)
            assert [r.pk for r in compiled(dashboard._group_rows, *kept)] == [r.pk for r in rows]
            assert compiled_count(dashboard._group_requests, *kept) == (
                dashboard._group_requests(*values).count()
            )
    warehouses = compiled(dashboard._expected_warehouses, (division.pk,))
    assert warehouses == [(expected.warehouse_id, "GQ-MAIN", expected.warehouse.name)]
    assert compiled(dashboard._expected_warehouses, (other_division.pk,)) == []


def test_menu_entries_follow_the_permissions(people: dict[str, Any], make_user: Any) -> None:
    rep = client_for(people["sales_rep"]).get("/").content.decode()
    assert 'href="/returns/"' in rep and 'href="/sms/"' in rep
    finance = client_for(people["division_finance"]).get("/").content.decode()
    assert 'href="/returns/"' in finance and 'href="/sms/"' not in finance
    outsider = client_for(make_user("product_group")).get("/").content.decode()
    assert 'href="/returns/"' not in outsider


# --- the SMS outbox page ----------------------------------------------------------------------
def test_sms_outbox_lists_masked_messages_filtered_by_reference(
    people: dict[str, Any], make_user: Any, division: Any, other_division: Any
) -> None:
    from core.sms import sms_send

    sms_send(phone="13812345678", text="第一条", reference="RR-GQ-1", division=division)
    sms_send(phone="13900001111", text="第二条", reference="RR-GQ-2", division=division)
    sms_send(phone="13700002222", text="别的事业部", reference="RR-XX-1", division=other_division)
    sms_send(phone="13600003333", text="无事业部", reference="")
    rep = client_for(people["sales_rep"])
    text = rep.get("/sms/").content.decode()
    assert "138****5678" in text and "13812345678" not in text
    assert text.index("第二条") < text.index("第一条")
    assert "别的事业部" not in text and "无事业部" not in text  # only the rep's division
    head = client_for(people["sales_head"]).get("/sms/").content.decode()
    assert "别的事业部" in head and "无事业部" in head  # head office sees all
    filtered = rep.get("/sms/?reference=RR-GQ-1").content.decode()
    assert "第一条" in filtered and "第二条" not in filtered
    assert client_for(people["division_finance"]).get("/sms/").status_code == 403
    admin = make_user("admin", language="en", username="admin_en")
    assert "SMS outbox" in client_for(admin).get("/sms/").content.decode()


def test_no_start_link_once_everything_is_on_a_return(
    delivered: Any, people: dict[str, Any]
) -> None:
    order = delivered(quantity=1)
    submit(order)
    text = client_for(people["sales_rep"]).get(f"/orders/{order.pk}/").content.decode()
    assert 'data-testid="order-returns"' in text and 'data-testid="start-return"' not in text


def test_history_reads_in_chinese(delivered: Any, people: dict[str, Any]) -> None:
    request = bring("awaiting_goods", delivered(), people)
    text = client_for(people["sales_rep"]).get(f"/returns/{request.pk}/").content.decode()
    for words in (
        "退/换货申请已提交",
        "申请已受理",
        "备件支持已完成反馈",
        "退货单已生成",
        "退款已申请",
    ):
        assert words in text
    assert "feedback_parts" not in text


@pytest.mark.parametrize("role", ROLES)
def test_nonsense_filters_never_fail(role: str, people: dict[str, Any]) -> None:
    client = client_for(people[role])
    for url in (
        "/returns/?status=nonsense&kind=<script>&reason=9&mine=maybe&page=last",
        "/returns/?q=" + "%00" * 3 + "退" * 300,
        "/returns/?page=99999",
        "/sms/?reference=" + "x" * 500,
        "/returns/new/?order=abc",
        "/returns/123456/evidence/1/",
    ):
        assert client.get(url).status_code in (200, 400, 403, 404), url
