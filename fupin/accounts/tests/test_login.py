"""Login form and lock-out after repeated failures (django-axes, per user name)."""

import pytest
from django.conf import settings

from fupin.core.testing import make_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def test_login_form_is_chinese_and_works(client):
    make_user("village_cadre", "500236001001", username="cadre")
    resp = client.get(LOGIN)
    assert "登录扶贫系统" in resp.content.decode()
    resp = client.post(LOGIN, {"username": "cadre", "password": "pass-1234-word"})
    assert resp.status_code == 302
    assert client.get("/registry/households/").status_code == 200


def test_wrong_password_says_so_in_chinese(client):
    make_user("village_cadre", "500236001001", username="cadre")
    resp = client.post(LOGIN, {"username": "cadre", "password": "wrong"})
    assert resp.status_code == 200
    assert "用户名或密码不正确" in resp.content.decode()


def test_five_failures_lock_the_user_out(client):
    assert settings.AXES_FAILURE_LIMIT == 5
    make_user("village_cadre", "500236001001", username="cadre")
    make_user("village_cadre", "500236001001", username="neighbour")
    for _ in range(4):
        resp = client.post(LOGIN, {"username": "cadre", "password": "wrong"})
        assert resp.status_code == 200 and "用户名或密码不正确" in resp.content.decode()
    resp = client.post(LOGIN, {"username": "cadre", "password": "wrong"})
    body = resp.content.decode()
    assert resp.status_code in (403, 429)
    assert "登录失败次数过多" in body and "锁定" in body
    # Even the right password is refused now.
    resp = client.post(LOGIN, {"username": "cadre", "password": "pass-1234-word"})
    assert resp.status_code in (403, 429) and "已被暂时锁定" in resp.content.decode()
    assert "_auth_user_id" not in client.session
    # Per user name: a colleague in the same office (same address) still logs in.
    resp = client.post(LOGIN, {"username": "neighbour", "password": "pass-1234-word"})
    assert resp.status_code == 302


def test_success_resets_the_counter(client):
    make_user("village_cadre", "500236001001", username="cadre")
    for _ in range(4):
        client.post(LOGIN, {"username": "cadre", "password": "wrong"})
    assert client.post(LOGIN, {"username": "cadre", "password": "pass-1234-word"}).status_code == 302
    client.logout()
    for _ in range(4):
        resp = client.post(LOGIN, {"username": "cadre", "password": "wrong"})
        assert resp.status_code == 200
