import json

import pytest
from django.core.management import call_command

from fupin.cases.choices import Action, CaseStatus
from fupin.cases.models import Case
from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.monitoring.testing import make_warning

from .helpers import Team, advance, open_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return Team(VILLAGE_A)


def test_add_page_prefills_from_warning_link(client, team):
    household = make_household(VILLAGE_A)
    wid = make_warning(household).pk
    client.force_login(team.village)
    page = client.get(f"/cases/add/?household={household.pk}&warning={wid}&channel=warning")
    body = page.content.decode()
    assert page.status_code == 200
    assert household.household_no in body and f'value="{wid}"' in body
    resp = client.post("/cases/add/", {"household": household.household_no, "channel": "warning",
                                       "warning": str(wid), "lead": "收入骤降预警", "help_first": "on"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    case = Case.objects.get(household=household)
    assert case.source_warning_id == wid and case.help_first
    listing = client.get("/cases/").content.decode()
    assert household.household_no in listing and "先行帮扶" in listing


def test_add_page_refuses_other_village_household(client, team):
    other = make_household("500236001002")
    client.force_login(team.village)
    resp = client.post("/cases/add/", {"household": other.household_no, "channel": "cadre",
                                       "lead": "x"})
    assert resp.status_code == 200 and "不在您的管辖范围内" in resp.content.decode()


def test_detail_page_acts_and_reports_stale_form(client, team):
    household = make_household(VILLAGE_A)
    case = open_id(team, household)
    client.force_login(team.village)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "村级研判" in detail and 'name="version"' in detail
    form = {"step": "village_review", "version": case.version, "action": "submit",
            "comment": "研判属实"}
    assert client.post(f"/cases/{case.pk}/act/", form).status_code == 302
    # a second cadre submits the same (now stale) form
    client.force_login(team.village2)
    resp = client.post(f"/cases/{case.pk}/act/", form)
    assert resp.status_code == 400
    assert "已被他人办理" in resp.content.decode()
    # the county admin sees the case but no form for a village step
    client.force_login(team.county)
    detail = client.get(f"/cases/{case.pk}/").content.decode()
    assert "入户核查" in detail and 'id="step-form"' not in detail
    assert "须由村干部" in detail


def test_overdue_inbox_levels(client, team):
    from fupin.cases.deadlines import escalate

    from .helpers import at
    household = make_household(VILLAGE_A)
    open_id(team, household, now=at(2025, 1, 1))
    escalate()
    client.force_login(team.township)
    assert household.household_no in client.get("/cases/overdue/").content.decode()
    client.force_login(team.county)
    body = client.get("/cases/overdue/").content.decode()
    assert household.household_no in body and "逾期督办（县级）" in body
    assert "table-danger" in client.get("/cases/").content.decode()


def test_settings_page_for_county_admin(client, team):
    client.force_login(team.county)
    page = client.get("/cases/settings/")
    assert page.status_code == 200 and "入户核查" in page.content.decode()
    data = {"identification_total_days": 15, "notice_min_days": 5, "elim_notice_min_days": 5,
            "elim_notice_max_days": 7, "township_escalation_days": 2,
            "county_escalation_days": 4, "max_attachment_mb": 10}
    from fupin.cases.workflow import ALL_STEPS
    data.update({f"step_{c}": s.default_days for c, s in ALL_STEPS.items()})
    data["step_home_visit"] = 4
    refused = client.post("/cases/settings/", data)  # 18 days of steps against 15 in all
    assert refused.status_code == 200 and "超过总时限 15 天" in refused.content.decode()
    data["identification_total_days"] = 18
    assert client.post("/cases/settings/", data).status_code == 302
    from fupin.cases.deadlines import settings_for
    assert settings_for(VILLAGE_A).days_for("home_visit") == 4
    client.force_login(team.township)
    assert client.get("/cases/settings/").status_code == 403


def test_api_open_act_and_errors(client, team):
    household = make_household(VILLAGE_A)
    client.force_login(team.village)
    bad = client.post("/api/cases/", {"household": 999999, "lead": "x"},
                      content_type="application/json")
    assert bad.status_code == 400 and "household" in bad.json()
    missing = client.post("/api/cases/", {"household": household.pk, "lead": ""},
                          content_type="application/json")
    assert missing.status_code == 400 and "lead" in missing.json()
    resp = client.post("/api/cases/", {"household": household.pk, "lead": "干部排查发现",
                                       "channel": "cadre"}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    case = resp.json()
    url = f"/api/cases/{case['id']}/act/"
    garbage = client.post(url, {"step": "nope", "action": "x"}, content_type="application/json")
    assert garbage.status_code == 400 and {"step", "action", "version"} <= set(garbage.json())
    ok = client.post(url, {"step": "village_review", "action": "submit",
                           "version": case["version"]}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["step"] == "home_visit"
    stale = client.post(url, {"step": "village_review", "action": "submit",
                              "version": case["version"]}, content_type="application/json")
    assert stale.status_code == 400 and "已被他人办理" in stale.json()["non_field_errors"][0]
    one = client.post(url, {"step": "home_visit", "action": "submit",
                            "version": ok.json()["version"], "values": {"verifiers": "张三"}},
                      content_type="application/json")
    assert one.status_code == 400 and "verifiers" in one.json()
    for values in ({"verifiers": 5}, {"verifiers": [1, 2]}, {"monitoring_type": ["x"]},
                   {"days": {"a": 1}}, {"unknown": "x"}, {"other_risks": "illness"}):
        odd = client.post(url, {"step": "home_visit", "action": "submit",
                                "version": ok.json()["version"], "values": values},
                          content_type="application/json")
        assert odd.status_code == 400, (values, odd.content)
    # wrong role: 403 with the reason
    client.force_login(team.county)
    denied = client.post(url, {"step": "home_visit", "action": "submit",
                               "version": ok.json()["version"]}, content_type="application/json")
    assert denied.status_code == 403 and "村干部" in denied.json()["detail"]
    # out of scope: 404
    client.force_login(make_user("village_cadre", "500236001002"))
    assert client.post(url, {}, content_type="application/json").status_code == 404
    # steps API
    client.force_login(team.village)
    steps = client.get(f"/api/case-steps/?case={case['id']}").json()
    assert [s["step"] for s in steps["results"]] == ["village_review", "village_review"]


def test_api_multipart_upload(client, team):
    from .helpers import pdf_file
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until="undertaking")
    client.force_login(team.village)
    resp = client.post(f"/api/cases/{case.pk}/act/", {
        "step": "undertaking", "action": "submit", "version": case.version,
        "attachments": [pdf_file()]})
    assert resp.status_code == 200, resp.content
    assert resp.json()["steps"][-1]["attachments"][0]["sha256"]


def test_cli_list_json(team, capsys):
    household = make_household(VILLAGE_A)
    advance(team, open_id(team, household))
    other = make_household(VILLAGE_A)
    open_id(team, other)
    call_command("cases", "list", "--area", VILLAGE_A[:9], "--json")
    rows = json.loads(capsys.readouterr().out)
    assert {r["household_no"] for r in rows} == {household.household_no, other.household_no}
    call_command("cases", "list", "--area", VILLAGE_A, "--status", "open", "--json")
    rows = json.loads(capsys.readouterr().out)
    assert [r["household_no"] for r in rows] == [other.household_no]
    assert rows[0]["step_label"] == "村级研判"
    call_command("cases", "list", "--area", "500101")
    assert "共 0 件" in capsys.readouterr().out
    call_command("cases", "escalate")
    assert "marked_overdue" in capsys.readouterr().out


def test_reject_via_page_requires_reason(client, team):
    household = make_household(VILLAGE_A)
    case = open_id(team, household)
    client.force_login(team.village)
    resp = client.post(f"/cases/{case.pk}/act/", {"step": "village_review", "action": "reject",
                                                  "version": case.version})
    assert resp.status_code == 400 and "不予通过须写明理由" in resp.content.decode()
    resp = client.post(f"/cases/{case.pk}/act/", {"step": "village_review", "action": "reject",
                                                  "version": case.version, "comment": "收入稳定"})
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED
    assert Action.REJECT in case.steps.values_list("action", flat=True)
