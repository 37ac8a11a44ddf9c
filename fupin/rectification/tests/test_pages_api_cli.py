import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.core.testing import VILLAGE_A, make_household
from fupin.rectification import services
from fupin.rectification.tables import FIVE_LISTS


@pytest.fixture
def problems(village_cadre, township_staff):
    out = []
    for i in range(3):
        h = make_household()
        p = services.create_problem(actor=village_cadre, source="sweep", category="water",
                                    description=f"饮水问题{i}", household=h, found_on=dt.date(2026, 10, 1),
                                    deadline=dt.date(2026, 10, 20), owner_name="王村长", responsible_unit="村委")
        out.append(p)
    services.transition(actor=village_cadre, problem=out[0], action="rectify", effect="接通自来水")
    services.transition(actor=township_staff, problem=out[0], action="verify", note="核实")
    return out


def _sheet(resp):
    wb = openpyxl.load_workbook(io.BytesIO(resp.content))
    rows = list(wb.active.iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_five_lists_are_exports_of_the_same_records(client, county_admin, problems):
    client.force_login(county_admin)
    headers = {}
    numbers = {}
    for kind in FIVE_LISTS:
        resp = client.get(reverse("rectification:five_list", args=[kind]) + "?export=xlsx")
        assert resp.status_code == 200
        head, rows = _sheet(resp)
        headers[kind] = head
        numbers[kind] = sorted(r[0] for r in rows)
        assert client.get(reverse("rectification:five_list", args=[kind])).status_code == 200
    assert len({tuple(h) for h in headers.values()}) == 5  # different columns
    assert all(n == numbers["problem"] for n in numbers.values())  # same records
    assert sorted(p.number for p in problems) == numbers["problem"]
    assert "整改成效" in headers["effect"] and "整改时限" in headers["task"] and "责任人" in headers["responsibility"]
    _, effect_rows = _sheet(client.get(reverse("rectification:five_list", args=["effect"]) + "?export=xlsx"))
    assert any("接通自来水" in (r[3] or "") for r in effect_rows)
    assert client.get(reverse("rectification:five_list", args=["nope"])).status_code == 404


def test_page_refuses_self_verification_in_chinese(client, village_cadre, problems):
    p = problems[1]
    client.force_login(village_cadre)
    client.post(reverse("rectification:problem_action", args=[p.pk, "rectify"]), {"effect": "已整改"})
    resp = client.post(reverse("rectification:problem_action", args=[p.pk, "verify"]), follow=True)
    assert resp.status_code == 200
    assert "整改人以外" in resp.content.decode()
    p.refresh_from_db()
    assert p.state == "rectified"
    assert client.get(reverse("rectification:problem_detail", args=[p.pk])).status_code == 200


def test_api_state_machine_and_errors(client, village_cadre, township_staff, problems):
    p = problems[2]
    client.force_login(village_cadre)
    url = f"/api/rectification/problems/{p.pk}/act/"
    r = client.post(url, {"action": "close"}, content_type="application/json")
    assert r.status_code == 400 and "不能销号" in r.content.decode()
    assert client.post(url, {"action": "rectify", "effect": "ok"}, content_type="application/json").status_code == 200
    r = client.post(url, {"action": "verify"}, content_type="application/json")
    assert r.status_code == 400 and "整改人以外" in r.content.decode()
    client.force_login(township_staff)
    assert client.post(url, {"action": "verify"}, content_type="application/json").json()["state"] == "verified"
    r = client.post("/api/rectification/problems/", {"source": "visit", "category": "other", "description": "x",
                                                     "area": VILLAGE_A}, content_type="application/json")
    assert r.status_code == 201, r.content


def test_inspector_spotcheck_pages(client, inspector):
    for _ in range(4):
        make_household(household_type="poor")
    client.force_login(inspector)
    r = client.post(reverse("rectification:spotcheck_add"), {"area": "500236", "month": "2026-11-05",
                                                              "kind": "household", "size": 3, "seed": 9})
    assert r.status_code == 302
    detail = client.get(r["Location"])
    assert detail.status_code == 200 and "种子 9" in detail.content.decode()
    from fupin.rectification.models import SpotCheckItem
    item = SpotCheckItem.objects.all()[0]
    r = client.post(reverse("rectification:spotcheck_record", args=[item.pk]),
                    {"result": "problem", "category": "income", "note": "收入与台账不符"}, follow=True)
    item.refresh_from_db()
    assert item.problem and item.problem.category == "income"


def test_cli_list_escalate_sample(problems, capsys):
    out = io.StringIO()
    call_command("rectification", "list", "--area", "500236", "--list", "task", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["count"] == 3 and data["list"] == "任务清单" and "整改时限" in data["rows"][0]
    out = io.StringIO()
    call_command("rectification", "escalate", "--date", "2026-11-01", stdout=out)
    assert "升级至乡镇 2 条" in out.getvalue()
    for _ in range(3):
        make_household(household_type="poor")
    a, b = io.StringIO(), io.StringIO()
    call_command("rectification", "sample", "--area", "500236", "--month", "2026-11", "--size", "2",
                 "--seed", "5", "--json", stdout=a)
    call_command("rectification", "sample", "--area", "500236", "--month", "2026-11", "--size", "2",
                 "--seed", "5", "--json", stdout=b)
    assert json.loads(a.getvalue())["ids"] == json.loads(b.getvalue())["ids"]


def test_edit_page_changes_deadline_and_refuses_inspector(client, village_cadre, inspector, problems):
    p = problems[1]
    client.force_login(village_cadre)
    url = reverse("rectification:problem_edit", args=[p.pk])
    page = client.get(url)
    assert page.status_code == 200
    # The form's version (optimistic locking, issue 12) goes back with the save.
    lock = {"_edit_snapshot": page.context["form"].initial["_edit_snapshot"]}
    r = client.post(url, {"category": "water", "responsible_unit": "水务所", "owner_name": "李四",
                          "deadline": "2026-09-01", "plan": "x", **lock})
    assert r.status_code == 200 and "不能早于发现日期" in r.content.decode()
    r = client.post(url, {"category": "water", "responsible_unit": "水务所", "owner_name": "李四",
                          "deadline": "2026-12-01", "plan": "打井", **lock})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.responsible_unit == "水务所" and str(p.deadline) == "2026-12-01"
    client.force_login(inspector)
    assert client.post(url, {"category": "water", "deadline": "2026-12-02"}).status_code == 403


def test_evidence_upload_checked(client, village_cadre, problems):
    from django.core.files.uploadedfile import SimpleUploadedFile
    p = problems[1]
    client.force_login(village_cadre)
    url = reverse("rectification:problem_evidence", args=[p.pk])
    r = client.post(url, {"ev-file": SimpleUploadedFile("整改报告.pdf", b"%PDF-1.4 test"), "ev-note": "报告"},
                    follow=True)
    assert "佐证材料已上传" in r.content.decode()
    ev = p.evidence.get()
    assert ev.content_type == "application/pdf" and len(ev.sha256) == 64
    r = client.post(url, {"ev-file": SimpleUploadedFile("x.html", b"<script>")}, follow=True)
    assert "类型不允许" in r.content.decode()
    assert client.get(reverse("rectification:evidence_file", args=[ev.pk])).status_code == 200
