"""The province cockpit and the personal API tokens in a real browser: a province officer
compares the cities; a clerk makes a token (shown once), sees it listed and revokes it.
Nothing is requested from outside and the CSP holds (the ``session`` fixture)."""

import pytest

from ballast.accounts.models import ApiToken
from tests.test_province_cockpit import hand_built, province_officer  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_province_officer_compares_the_cities(session, hand_built, province_officer):  # noqa: F811
    s = session()
    page = s.login("sheng")
    # the province officer lands on the province cockpit
    assert "/province/" in page.url
    page.goto("/province/?as_of=2023-02-28")
    text = page.inner_text("main")
    for city in ("扬州市", "镇江市", "盐城市"):
        assert city in text
    assert "全省" in text
    s.shot("province-cockpit")


def test_a_clerk_makes_lists_and_revokes_a_token(session, people):
    s = session()
    page = s.login("clerk_a")
    page.click("a[href='/accounts/tokens/']")
    page.wait_for_load_state("load")
    page.fill("input[name=name]", "月报上传脚本")
    page.click("form button[type=submit]:not(.link)")
    page.wait_for_load_state("load")
    token = ApiToken.objects.get(user=people["clerk_a"], name="月报上传脚本")
    assert token.prefix in page.inner_text("main")
    s.shot("api-tokens")
    page.on("dialog", lambda dialog: dialog.accept())  # 吊销后该令牌立即失效，确定吗？
    page.click("form[action$='/revoke/'] button")
    page.wait_for_load_state("load")
    token.refresh_from_db()
    assert token.revoked_at is not None
