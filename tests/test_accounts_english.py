"""The account pages are Chinese first, and English through the language switch."""


def test_account_pages_in_english(client, people):
    client.force_login(people["security_admin"])
    chinese = client.get("/accounts/").content.decode()
    assert "账户管理" in chinese and "新建账户" in chinese
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/"})
    english = client.get("/accounts/").content.decode()
    assert "New account" in english and "新建账户" not in english
    detail = client.get(f"/accounts/{people['clerk_a'].pk}/").content.decode()
    assert "Deactivate account" in detail and "Reset password" in detail
