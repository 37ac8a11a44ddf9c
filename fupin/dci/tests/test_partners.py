"""Partners: the command, the management page, the token, and the partner's area scope."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_user
from fupin.dci.models import Partner

from .helpers import PATHS, check_response, header, post, search_item, search_message

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("dci", *args, stdout=out)
    return out.getvalue()


def test_cli_add_prints_the_token_last_and_it_works(client, registry, tmp_path):
    key = Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    (tmp_path / "k.pem").write_bytes(key)
    out = run("partner", "add", "省医保局", "--area", TOWNSHIP_A, "--grant", "resident_id,health",
              "--public-key", str(tmp_path / "k.pem"))
    token = out.strip().splitlines()[-1]
    p = Partner.objects.get(name="省医保局")
    assert p.grants == ["health", "resident_id"] and p.public_key.startswith("-----BEGIN")
    assert token not in json.dumps([p.token_hash, p.token_hint])  # stored hashed only
    p.public_key = ""
    p.save()
    body = {"header": header("search", p.sender_id),
            "message": search_message(search_item("idtype-value", {"type": "HOUSEHOLD_ID", "value": "DCI-A-1"}))}
    resp = post(client, PATHS["sync_search"], body, token)
    assert check_response(PATHS["sync_search"], resp)["header"]["status"] == "succ"
    new = run("partner", "rotate", "省医保局").strip().splitlines()[-1]
    assert post(client, PATHS["sync_search"], body, token).status_code == 401
    body["header"]["message_id"] += "x"
    assert post(client, PATHS["sync_search"], body, new).status_code == 200


@pytest.mark.parametrize("args,message", [
    (["X", "--area", "999999"], "不存在"),
    (["X", "--area", TOWNSHIP_A, "--grant", "salary"], "未知的授权字段"),
    (["X", "--area", TOWNSHIP_A, "--public-key", "/nonexistent.pem"], "不存在"),
])
def test_cli_refuses_bad_input_in_chinese(db, args, message):
    with pytest.raises(CommandError, match=message):
        run("partner", "add", *args)


def test_cli_refuses_a_user_outside_the_area(db, other_village):
    make_user("county_admin", other_village, username="other_admin")
    with pytest.raises(CommandError, match="管辖范围"):
        run("partner", "add", "X", "--area", TOWNSHIP_A, "--user", "other_admin")


def test_page_lists_adds_and_edits_for_county_admin(client, county_admin, other_village):
    county_admin.scopes.all().delete()
    county_admin.scopes.create(area_id=TOWNSHIP_A)
    county_admin._scope_codes = None
    client.force_login(county_admin)
    resp = client.post("/api/dci/partners/add/", {"name": "保险公司", "area_code": TOWNSHIP_A,
                                                   "grants": ["phone"], "active": "on"})
    assert resp.status_code == 302
    page = client.get("/api/dci/partners/").content.decode()
    assert "保险公司" in page and "只显示这一次" in page
    p = Partner.objects.get(name="保险公司")
    assert p.created_by == county_admin and p.grants == ["phone"]
    resp = client.post(f"/api/dci/partners/{p.pk}/", {"name": "保险公司", "area_code": other_village,
                                                      "active": "on"})
    assert resp.status_code == 200 and "不在您的管辖范围内" in resp.content.decode()
    resp = client.post(f"/api/dci/partners/{p.pk}/", {"name": "保险公司", "area_code": VILLAGE_A,
                                                      "grants": ["health"]})
    assert resp.status_code == 302
    p.refresh_from_db()
    assert (p.area_id, p.grants, p.active) == (VILLAGE_A, ["health"], False)


def test_only_admins_change_partners(client, village_cadre, partner):
    client.force_login(village_cadre)
    assert client.get("/api/dci/partners/add/").status_code == 403
    p = Partner.objects.create(name="村级对接", sender_id="v", area_id=VILLAGE_A, token_hash="0" * 64)
    assert client.get(f"/api/dci/partners/{p.pk}/").status_code == 200
    assert client.post(f"/api/dci/partners/{p.pk}/", {"rotate": "1"}).status_code == 403
    assert client.get(f"/api/dci/partners/{partner.pk}/").status_code == 404  # township partner


def test_public_key_is_served(client):
    resp = client.get("/api/dci/public-key.pem")
    assert resp.status_code == 200 and resp.content.startswith(b"-----BEGIN PUBLIC KEY-----")
