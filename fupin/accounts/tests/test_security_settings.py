"""Issue 12, points 12 and 13: lock-out keyed on user name + address, tokens refused while
locked, password rules and the password change page, sessions, HSTS/CSP/secure cookies when
DEBUG is off, the API schema and docs behind login."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from fupin.core.testing import make_user

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"
ROOT = Path(__file__).resolve().parents[3]


def _fail(client, username, ip, times=5):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=ip)


def test_a_stranger_elsewhere_cannot_lock_the_user_out(client):
    make_user("village_cadre", "500236001001", username="cadre")
    _fail(client, "cadre", "203.0.113.9")
    # Whitespace and case variants count as the same name from that address: still locked.
    for variant in (" cadre", "CADRE ", "cadre"):
        resp = client.post(LOGIN, {"username": variant, "password": "pass-1234-word"},
                           REMOTE_ADDR="203.0.113.9")
        assert resp.status_code in (403, 429), variant
    # The real user in the village office logs in.
    resp = client.post(LOGIN, {"username": "cadre", "password": "pass-1234-word"},
                       REMOTE_ADDR="10.1.2.3")
    assert resp.status_code == 302


def test_forwarded_for_header_cannot_dodge_the_count(client):
    make_user("village_cadre", "500236001001", username="cadre")
    for n in range(5):
        client.post(LOGIN, {"username": "cadre", "password": "wrong"}, REMOTE_ADDR="203.0.113.9",
                    HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    resp = client.post(LOGIN, {"username": "cadre", "password": "pass-1234-word"},
                       REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.77")
    assert resp.status_code in (403, 429)


def test_api_token_refused_while_the_account_is_locked(client):
    user = make_user("village_cadre", "500236001001", username="cadre")
    token = Token.objects.create(user=user)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/households/", **auth).status_code == 200
    _fail(client, "cadre", "203.0.113.9")
    resp = client.get("/api/households/", **auth)
    assert resp.status_code == 401
    assert "锁定" in resp.json()["detail"]


@pytest.mark.parametrize("weak", ["2020202020", "00000000a", "password123", "12345678901"])
def test_weak_passwords_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_test_and_demo_passwords_pass_the_validators():
    from fupin.demo.users import PASSWORD

    validate_password("pass-1234-word")
    validate_password(PASSWORD)


def test_password_change_page_linked_from_the_menu(client):
    user = make_user("village_cadre", "500236001001", username="cadre")
    client.force_login(user)
    home = client.get("/registry/households/").content.decode()
    assert 'href="/accounts/password/"' in home
    page = client.get("/accounts/password/")
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    resp = client.post("/accounts/password/", {"old_password": "pass-1234-word",
                                                "new_password1": "2020202020",
                                                "new_password2": "2020202020"})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "is-invalid" in body
    user.refresh_from_db()
    assert user.check_password("pass-1234-word")
    resp = client.post("/accounts/password/", {"old_password": "pass-1234-word",
                                                "new_password1": "Qiao-liang-7421",
                                                "new_password2": "Qiao-liang-7421"})
    assert resp.status_code == 302 and resp.url == "/accounts/password/done/"
    user.refresh_from_db()
    assert user.check_password("Qiao-liang-7421")
    assert client.get("/accounts/password/done/").status_code == 200


def test_schema_and_docs_need_login(client):
    assert client.get("/api/schema/").status_code in (401, 403)
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs.url.startswith("/accounts/login/")
    client.force_login(make_user("inspector", "500236", username="insp"))
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def _production_settings(**extra_env):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DEBUG", "FUPIN_TESTING", "SECURE_COOKIES", "SECURE_HSTS_SECONDS")}
    env.update({"SECRET_KEY": "x" * 50, "PYTHONPATH": str(ROOT),
                "DJANGO_SETTINGS_MODULE": "fupin.settings", **extra_env})
    code = ("import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
            " for k in ['SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_HSTS_SECONDS',"
            " 'FUPIN_CSP', 'SESSION_COOKIE_AGE', 'DEBUG']}))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=ROOT)
    return json.loads(out.stdout)


def test_production_defaults_are_strict():
    prod = _production_settings()
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SECURE_HSTS_SECONDS"] >= 180 * 24 * 3600
    assert prod["FUPIN_CSP"] is True
    assert prod["SESSION_COOKIE_AGE"] <= 8 * 3600


def test_csp_header_and_no_inline_scripts(client, settings):
    settings.FUPIN_CSP = True
    resp = client.get(LOGIN)
    csp = resp["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    # Every template's scripts come from files: no inline <script> or javascript: URLs.
    offenders = []
    for path in (ROOT / "fupin").rglob("templates/**/*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text) \
                or "javascript:" in text or re.search(r"\son[a-z]+=\"", text):
            offenders.append(str(path))
    assert offenders == []
