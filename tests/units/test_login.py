def test_login_page_speaks_chinese(client, db):
    response = client.get("/accounts/login/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in body
    assert "模范机关创建管理平台" in body


def test_login_page_switches_to_english(client, db):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in body
    assert "Model agency platform" in body


def test_wrong_password_is_refused_with_a_message(client, secretary):
    response = client.post("/accounts/login/", {"username": "secretary", "password": "wrong"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_correct_password_lands_on_home(client, secretary):
    response = client.post(
        "/accounts/login/", {"username": "secretary", "password": "Test-pass-2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_password_change_requires_a_strong_password(client, secretary):
    client.force_login(secretary)
    response = client.post(
        "/accounts/password/",
        {
            "old_password": "Test-pass-2026",
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_an_english_browser_still_gets_chinese_first(client, db):
    body = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in body
