from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_user_logs_in_and_sees_their_home_page(page, login):
    call_command("seed_demo", stdout=StringIO())
    login("warehouse", "ecomops-demo")
    page.wait_for_selector("[data-testid=home-title]")
    assert "欢迎" in page.inner_text("[data-testid=home-title]")
    assert "仓库管理员" in page.inner_text("main")
    page.click("text=退出")
    page.wait_for_url("**/login/")
    assert page.locator("#id_username").is_visible()


def test_admin_finds_their_own_login_in_the_audit_log(page, login):
    call_command("seed_demo", stdout=StringIO())
    login("admin", "ecomops-demo")
    page.wait_for_selector("[data-testid=home-title]")
    page.click("nav >> text=审计日志")
    page.wait_for_url("**/audit/")
    table = page.inner_text("[data-testid=audit-table]")
    assert "logged_in" not in table  # codes are not shown
    page.check("#id_logins")  # sign-ins are hidden unless asked for
    page.click("[data-testid=audit-filters] button[type=submit]")
    page.wait_for_url("**/audit/?*")
    table = page.inner_text("[data-testid=audit-table]")
    assert "登录" in table and "admin" in table


def test_wrong_password_is_refused(page, login, make_user):
    make_user("warehouse", username="warehouse")
    login("warehouse", "wrong-password")
    assert "用户名或密码不正确" in page.inner_text("main")
