import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.models import Notification, SpecialDay
from core.services import calendar_next_year_check

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_by_default(client):
    response = client.get("/login/")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_login_then_home_shows_the_users_roles(client, make_user):
    make_user("sales_rep", username="rep")
    response = client.post(
        "/login/", {"username": "rep", "password": "pass-for-tests"}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "电商销售代表" in page
    assert 'data-testid="home-title"' in page


def test_user_can_switch_to_english_and_it_sticks(client, make_user):
    user = make_user("sales_rep")
    client.force_login(user)
    response = client.post("/language/", {"language": "en", "next": "/inbox/"})
    assert response["Location"] == "/inbox/"
    user.refresh_from_db()
    assert user.language == "en"
    assert "Inbox" in client.get("/").content.decode()


def test_language_switch_ignores_foreign_redirects(client, make_user):
    client.force_login(make_user("sales_rep"))
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def _official_next_year() -> None:
    year = timezone.localdate().year + 1
    SpecialDay.objects.create(
        date=dt.date(year, 1, 1),
        kind=SpecialDay.Kind.HOLIDAY,
        name="元旦",
        source=SpecialDay.Source.OFFICIAL,
    )


def test_admin_home_warns_when_next_year_has_no_official_calendar(client, make_user):
    client.force_login(make_user("admin"))
    assert 'data-testid="calendar-warning"' in client.get("/").content.decode()
    _official_next_year()
    assert 'data-testid="calendar-warning"' not in client.get("/").content.decode()


def test_other_roles_see_no_calendar_warning(client, make_user):
    client.force_login(make_user("sales_rep"))
    assert 'data-testid="calendar-warning"' not in client.get("/").content.decode()


def test_calendar_check_notifies_admins_once(make_user):
    admin = make_user("admin")
    assert calendar_next_year_check() is True
    assert calendar_next_year_check() is True
    assert Notification.objects.filter(recipient=admin).count() == 1
    _official_next_year()
    assert calendar_next_year_check() is False


def test_calendar_page_lists_special_days_for_admins(client, make_user):
    client.force_login(make_user("admin"))
    page = client.get("/calendar/", {"year": 2026}).content.decode()
    assert "2026-10-01" in page and "2026-09-20" in page
    client.force_login(make_user("warehouse", username="wh"))
    assert client.get("/calendar/").status_code == 403


def test_home_query_count_does_not_grow_with_messages(client, make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = make_user("sales_rep")
    client.force_login(user)

    def queries_for_home() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    Notification.objects.create(recipient=user, subject="first")
    few = queries_for_home()
    for number in range(30):
        Notification.objects.create(recipient=user, subject=f"m{number}")
    assert queries_for_home() == few
    assert few <= 25


def test_browser_language_does_not_override_chinese(client, make_user):
    client.force_login(make_user("sales_rep"))
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "消息" in page and "Inbox" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "year", ["99999999999999999999", "0", "-5", "1999", "2101", "abc", "２０２６"]
)
def test_the_calendar_survives_any_year_in_the_address(client: Any, year: str) -> None:
    from core.models import User

    admin = User.objects.create_superuser("cal-admin", password="x")
    client.force_login(admin)

    response = client.get(f"/calendar/?year={year}")

    assert response.status_code == 200
    assert response.context["year"] == timezone.localdate().year
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


@pytest.mark.django_db
def test_the_calendar_opens_a_year_in_range(client: Any) -> None:
    from core.models import User

    client.force_login(User.objects.create_superuser("cal-admin", password="x"))

    response = client.get("/calendar/?year=2100")

    assert response.status_code == 200
    assert (response.context["year"], response.context["next_year"]) == (2100, None)


@pytest.mark.django_db
def test_the_admin_list_of_special_days_opens_on_the_newest(client: Any) -> None:
    from core.models import User

    client.force_login(User.objects.create_superuser("cal-admin", password="x"))

    response = client.get("/admin/core/specialday/")

    days = [day.date for day in response.context["cl"].result_list]
    assert response.status_code == 200 and days == sorted(days, reverse=True)
    assert days[0] == SpecialDay.objects.latest("date").date
