import pytest
from django.core import mail

from core.models import Notification, SmsMessage
from core.notifications import notify, unread_count
from core.sms import sms_send

pytestmark = pytest.mark.django_db


def test_message_to_a_role_reaches_only_that_roles_members_of_the_division(
    make_user, division, other_division, django_capture_on_commit_callbacks
):
    rep_here = make_user("sales_rep", username="rep_gq")
    rep_elsewhere = make_user("sales_rep", username="rep_dq", divisions=[other_division])
    make_user("warehouse", username="wh_gq")
    with django_capture_on_commit_callbacks(execute=True):
        notify(subject="新订单", body="请处理", roles=["sales_rep"], division=division)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["rep_gq"]
    assert unread_count(rep_here) == 1
    assert unread_count(rep_elsewhere) == 0
    assert [m.to for m in mail.outbox] == [["rep_gq@example.test"]]
    assert mail.outbox[0].subject == "新订单"


def test_head_office_role_members_get_messages_of_every_division(make_user, other_division):
    finance = make_user("hq_finance", username="hq", divisions=[])
    notify(subject="对账", roles=["hq_finance"], division=other_division, email=False)
    assert unread_count(finance) == 1


def test_a_user_named_twice_gets_one_message(make_user, division):
    rep = make_user("sales_rep")
    notify(subject="x", users=[rep], roles=["sales_rep"], division=division, email=False)
    assert Notification.objects.filter(recipient=rep).count() == 1


def test_inbox_shows_unread_count_and_marks_read(client, make_user):
    rep = make_user("sales_rep")
    [message] = notify(subject="请确认销售订单", users=[rep], link="/inbox/", email=False)
    client.force_login(rep)
    page = client.get("/")
    assert b'data-testid="unread-count">1<' in page.content
    response = client.post(f"/inbox/{message.pk}/open/")
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.read_at is not None
    assert b"unread-count" not in client.get("/").content


def test_a_user_cannot_open_someone_elses_message(client, make_user):
    owner = make_user("sales_rep", username="owner")
    [message] = notify(subject="私人", users=[owner], email=False)
    client.force_login(make_user("sales_rep", username="intruder"))
    assert client.post(f"/inbox/{message.pk}/open/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_default_sms_gateway_stores_the_message():
    sms_send(phone="13800138000", text="您的退款已受理")
    stored = SmsMessage.objects.get()
    assert (stored.phone, stored.text, stored.backend) == (
        "13800138000",
        "您的退款已受理",
        "OutboxSmsBackend",
    )
    assert stored.sent_at is not None


def test_email_copy_carries_an_absolute_link(
    make_user, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://ecomops.example.internal/"
    rep = make_user("sales_rep")
    with django_capture_on_commit_callbacks(execute=True):
        [message] = notify(subject="请处理", body="订单待识别", users=[rep], link="/orders/7/")
    assert message.link == "/orders/7/"
    assert mail.outbox[0].body == "订单待识别\n\nhttps://ecomops.example.internal/orders/7/"
