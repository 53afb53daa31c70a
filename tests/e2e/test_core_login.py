import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demo_user_logs_in_and_sees_their_home_page(page, login, make_user):
    make_user("warehouse", username="warehouse", first_name="王仓管")
    login("warehouse")
    page.wait_for_selector("[data-testid=home-title]")
    assert "欢迎，王仓管" in page.inner_text("[data-testid=home-title]")
    assert "仓库管理员" in page.inner_text("main")
    page.click("text=退出")
    page.wait_for_url("**/login/")
    assert page.locator("#id_username").is_visible()


def test_wrong_password_is_refused(page, login, make_user):
    make_user("warehouse", username="warehouse")
    login("warehouse", "wrong-password")
    assert "用户名或密码不正确" in page.inner_text("main")
