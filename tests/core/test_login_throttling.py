import pytest
from django.core.cache import cache

from core.models import AuditRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def attempt(client, password):
    return client.post("/login/", {"username": "rep", "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    make_user("sales_rep", username="rep")
    for _ in range(5):
        assert "用户名或密码不正确" in attempt(client, "wrong").content.decode()
    response = attempt(client, "pass-for-tests")
    assert response.status_code == 200
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_successful_login_resets_the_counter_and_is_audited(client, make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    user = make_user("sales_rep", username="rep")
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "pass-for-tests").status_code == 302
    client.logout()
    attempt(client, "wrong")
    attempt(client, "wrong")
    assert attempt(client, "pass-for-tests").status_code == 302
    assert AuditRecord.objects.filter(action="logged_in", actor=user).count() == 2
