"""Issue 12, point 2: rules scoped like settings. A county admin switches a rule that
applies everywhere on or off for its own county only (closing only its county's warnings),
edits its county's own rules, and never another county's; rules that apply everywhere are
changed by a province-level admin."""

import datetime as dt

import pytest

from fupin.core.testing import VILLAGE_A, make_household, make_user, village_codes
from fupin.monitoring.models import Rule, RuleAreaSwitch, Warning
from fupin.monitoring.services import create_rule, run_sweep
from fupin.monitoring.tests.helpers import income

pytestmark = pytest.mark.django_db


def _poor(area):
    hh = make_household(area)
    income(hh, 2020, 3000)
    return hh


@pytest.fixture
def two_counties(db):
    other_village = village_codes(1, "500101")[0]
    own, other = _poor(VILLAGE_A), _poor(other_village)
    run_sweep(as_of=dt.date.today())
    assert Warning.objects.filter(rule__code="INCOME_BELOW_LINE", status="open").count() == 2
    return own, other, other_village


def test_county_admin_cannot_change_an_everywhere_rule(client, two_counties):
    admin = make_user("county_admin", "500236")
    client.force_login(admin)
    resp = client.patch("/api/monitoring/rules/INCOME_BELOW_LINE/", {"active": False},
                        content_type="application/json")
    assert resp.status_code == 403
    assert "省级管理员" in resp.json()["detail"]
    assert Rule.objects.get(code="INCOME_BELOW_LINE").active
    assert Warning.objects.filter(rule__code="INCOME_BELOW_LINE", status="open").count() == 2
    rule = Rule.objects.get(code="INCOME_BELOW_LINE")
    assert client.get(f"/monitoring/rules/{rule.pk}/edit/").status_code == 403


def test_county_switch_closes_only_its_own_warnings_and_sweeps_respect_it(client, two_counties):
    own, other, other_village = two_counties
    admin = make_user("county_admin", "500236")
    client.force_login(admin)
    resp = client.post("/api/monitoring/rules/INCOME_BELOW_LINE/area/",
                       {"area_code": "500236", "active": False, "note": "本县另有规定"},
                       content_type="application/json")
    assert resp.status_code == 200, resp.content
    live = Warning.objects.filter(rule__code="INCOME_BELOW_LINE", status="open")
    assert list(live.values_list("household_id", flat=True)) == [other.pk]
    run_sweep(as_of=dt.date.today())
    assert list(live.values_list("household_id", flat=True)) == [other.pk]
    # Never another county's.
    resp = client.post("/api/monitoring/rules/INCOME_BELOW_LINE/area/",
                       {"area_code": other_village[:6], "active": False},
                       content_type="application/json")
    assert resp.status_code == 400 and "不在您的管辖范围内" in str(resp.json())
    assert live.filter(household=other).exists()
    # Back on: the next sweep opens the warning again.
    client.post("/api/monitoring/rules/INCOME_BELOW_LINE/area/",
                {"area_code": "500236", "active": True}, content_type="application/json")
    run_sweep(as_of=dt.date.today())
    assert live.count() == 2
    assert RuleAreaSwitch.objects.get(area_code="500236").active


def test_county_rules_apply_in_their_county_and_are_edited_there(client, two_counties):
    own, other, other_village = two_counties
    admin = make_user("county_admin", "500236")
    rule = create_rule(actor=admin, code="BIG_ONES", name="人口多", condition="members >= 1")
    assert rule.area_code == "500236"
    run_sweep(as_of=dt.date.today())
    hits = Warning.objects.filter(rule=rule, status="open")
    assert list(hits.values_list("household_id", flat=True)) == [own.pk]
    other_admin = make_user("county_admin", other_village[:6])
    client.force_login(other_admin)
    resp = client.patch("/api/monitoring/rules/BIG_ONES/", {"active": False},
                        content_type="application/json")
    assert resp.status_code == 403
    client.force_login(admin)
    resp = client.patch("/api/monitoring/rules/BIG_ONES/", {"active": False},
                        content_type="application/json")
    assert resp.status_code == 200


def test_province_admin_changes_everywhere_rules(client, two_counties):
    province = make_user("county_admin", "50")
    client.force_login(province)
    resp = client.patch("/api/monitoring/rules/INCOME_BELOW_LINE/", {"severity": "low"},
                        content_type="application/json")
    assert resp.status_code == 200
    resp = client.post("/api/monitoring/rules/", {"code": "EVERYWHERE", "name": "全域",
                                                   "condition": "members >= 9"},
                       content_type="application/json")
    assert resp.status_code == 201 and resp.json()["area_code"] == ""
    county = make_user("county_admin", "500236")
    client.force_login(county)
    resp = client.post("/api/monitoring/rules/", {"code": "MINE", "name": "本县",
                                                   "condition": "members >= 9", "area_code": ""},
                       content_type="application/json")
    assert resp.status_code == 201 and resp.json()["area_code"] == "500236"
