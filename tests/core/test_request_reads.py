"""The reads of every request as fixed statements (core.request_reads): the same session,
the same user, the same refusals as Django's database sessions and ModelBackend."""

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.models import Notification, User
from core.notifications import latest_for, notification_mark_read, notify, unread_count
from core.request_reads import SessionStore, UserBackend

pytestmark = pytest.mark.django_db


def test_the_portal_uses_them():
    assert settings.SESSION_ENGINE == "core.request_reads"
    assert settings.AUTHENTICATION_BACKENDS == ["core.request_reads.UserBackend"]


def test_a_stored_session_reads_back_as_django_reads_it():
    stored = SessionStore()
    stored["answer"] = {"text": "订单 ✓", "n": 42}
    stored.create()
    key = stored.session_key
    with CaptureQueriesContext(connection) as captured:
        ours = SessionStore(key).load()
    assert ours == DjangoSessionStore(key).load() == {"answer": {"text": "订单 ✓", "n": 42}}
    assert len(captured) == 1


def test_an_expired_or_unknown_session_is_empty_and_forgets_its_key():
    stored = SessionStore()
    stored["x"] = 1
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    expired = SessionStore(stored.session_key)
    assert expired.load() == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None
    assert SessionStore(None).load() == {}


def test_a_session_expiring_later_is_still_read():
    stored = SessionStore()
    stored["x"] = 1
    stored.create()
    Session.objects.filter(session_key=stored.session_key).update(
        expire_date=timezone.now() + dt.timedelta(seconds=30)
    )
    assert SessionStore(stored.session_key).load() == {"x": 1}


def test_the_user_has_every_field_the_orm_reads(make_user):
    user = make_user("sales_rep", first_name="张", last_name="三", phone="13800138000")
    user.language = "en"
    user.last_login = timezone.now()
    user.save()
    ours = UserBackend().get_user(str(user.pk))
    theirs = ModelBackend().get_user(str(user.pk))
    assert isinstance(ours, User)
    for field in User._meta.concrete_fields:
        assert getattr(ours, field.attname) == getattr(theirs, field.attname), field.name
    assert ours.last_login.tzinfo is not None
    assert ours._state.adding is False and ours._state.db == "default"


def test_inactive_unknown_and_malformed_users_are_refused(make_user):
    user = make_user("sales_rep", is_active=False)
    backend = UserBackend()
    assert backend.get_user(user.pk) is None
    assert backend.get_user(user.pk + 1000) is None
    assert backend.get_user("not-a-number") is None
    assert backend.get_user(None) is None


def test_a_signed_in_page_runs_on_them(client, make_user):
    rep = make_user("sales_rep")
    client.force_login(rep)
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["user"] == rep
    User.objects.filter(pk=rep.pk).update(is_active=False)
    assert client.get("/").status_code == 302  # signed out: to the log-in page


def test_the_unread_count_follows_reading(make_user):
    rep = make_user("sales_rep")
    first, _second = notify(subject="a", users=[rep], email=False) + notify(
        subject="b", users=[rep], email=False
    )
    assert unread_count(rep) == 2
    notification_mark_read(notification=first)
    assert unread_count(rep) == 1
    Notification.objects.update(read_at=timezone.now())
    assert unread_count(rep) == 0


def test_the_latest_messages_are_the_querysets_newest_five(make_user):
    rep = make_user("sales_rep")
    other = make_user("sales_rep")
    for n in range(7):
        notify(subject=f"第{n}条", link="/inbox/", topic="t", users=[rep, other], email=False)
    Notification.objects.filter(recipient=rep, subject="第6条").update(read_at=timezone.now())
    # two sent in the same instant: the newer id first, as the model's ordering says
    Notification.objects.filter(recipient=rep, subject__in=["第4条", "第5条"]).update(
        created_at=timezone.now() + dt.timedelta(hours=1)
    )
    latest = latest_for(rep, 5)
    expected = list(Notification.objects.filter(recipient=rep)[:5])
    assert [n.pk for n in latest] == [n.pk for n in expected]
    for got, want in zip(latest, expected, strict=True):
        for name in ("subject", "link", "topic", "created_at", "read_at", "recipient_id"):
            assert getattr(got, name) == getattr(want, name)
        assert got.is_read == want.is_read
    assert latest[0].subject == "第5条" and latest_for(rep, 2)[1].subject == "第4条"
