import datetime as dt
import io
import json

from django.core.management import call_command
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from fupin.assistance import services
from fupin.assistance.models import Visit
from fupin.core.testing import make_household


def test_helper_role_sees_only_assigned_everywhere(client, county_admin, helper, helper_user):
    mine = make_household(household_type="poor")
    other = make_household(household_type="poor")
    services.assign_helper(actor=county_admin, household=mine, helper=helper)
    for h in (mine, other):
        Visit.objects.create(household=h, visited_on=dt.date(2025, 1, 1), channel="home", findings="x")
    client.force_login(helper_user)
    for url in (reverse("assistance:visit_list"), reverse("assistance:overdue_visits"),
                "/api/assistance/visits/", "/api/assistance/overdue/"):
        body = client.get(url).content.decode()
        assert mine.household_no in body, url
        assert other.household_no not in body, url
    assert client.get(reverse("assistance:visit_add", args=[other.pk])).status_code == 404
    assert client.get(reverse("assistance:visit_add", args=[mine.pk])).status_code == 200


def test_helper_records_visit_through_page(client, county_admin, helper, helper_user):
    h = make_household(household_type="poor")
    services.assign_helper(actor=county_admin, household=h, helper=helper)
    client.force_login(helper_user)
    member = h.members.get()
    r = client.post(reverse("assistance:visit_add", args=[h.pk]), {
        "visited_on": timezone.localdate().isoformat(), "channel": "phone", "findings": "电话了解近况",
        "income_year": "2025", "wage_income": "8000", f"m{member.pk}_labour": "weak",
        "problem_category": "medical", "problem_description": "慢病未签约"})
    assert r.status_code == 302, r.content.decode()[:2000]
    visit = Visit.objects.get()
    assert visit.helper == helper and visit.updates["income"]["year"] == 2025
    assert visit.problems.get().category == "medical"
    member.refresh_from_db()
    assert member.labour == "weak"
    # invalid: income without year -> Chinese field error, no 500
    r = client.post(reverse("assistance:visit_add", args=[h.pk]), {
        "visited_on": timezone.localdate().isoformat(), "channel": "home", "findings": "x", "wage_income": "1"})
    assert r.status_code == 200 and "须选择收入年度" in r.content.decode()


def test_assign_page_limit_message(client, county_admin, helper):
    helper.max_households = 1
    helper.save()
    a, b = make_household(), make_household()
    client.force_login(county_admin)
    assert client.post(reverse("assistance:assign", args=[a.pk]), {"helper": helper.pk,
                                                                    "started_on": "2026-01-01"}).status_code == 302
    r = client.post(reverse("assistance:assign", args=[b.pk]), {"helper": helper.pk, "started_on": "2026-01-01"})
    assert r.status_code == 200 and "达到每人最多 1 户的上限" in r.content.decode()


def test_plan_page_suggests_and_creates(client, county_admin):
    h = make_household(household_type="poor", main_cause="03")
    client.force_login(county_admin)
    url = reverse("assistance:plan_add", args=[h.pk])
    body = client.get(url).content.decode()
    assert "雨露计划" in body
    r = client.post(url, {"year": 2026, "summary": "教育帮扶为主", "suggested": ["0", "1"]})
    assert r.status_code == 302
    assert h.plans.get().measures.count() == 2
    assert client.get(r["Location"]).status_code == 200


def test_township_page_and_panel(client, county_admin, township_staff, helper):
    h = make_household(household_type="lifted", monitoring_type="edge")
    services.assign_helper(actor=county_admin, household=h, helper=helper)
    client.force_login(township_staff)
    body = client.get(reverse("assistance:township", args=[h.area_id[:9]])).content.decode()
    assert h.household_no in body and helper.name in body and "逾期" in body
    assert client.get(reverse("assistance:township", args=["500101001"])).status_code == 404
    request = RequestFactory().get("/")
    request.user = township_staff
    html = Template('{% include "assistance/_household_panel.html" %}').render(
        Context({"household": h, "request": request, "user": township_staff}))
    assert helper.name in html and "未制定" in html and "从未走访" in html


def test_cli_overdue_json(county_admin, helper):
    h = make_household(household_type="poor")
    services.assign_helper(actor=county_admin, household=h, helper=helper)
    out = io.StringIO()
    call_command("assistance", "overdue", "--area", h.area_id[:6], "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["count"] == 1 and data["households"][0]["helper_name"] == helper.name


def test_pages_render_for_roles(client, county_admin, inspector, helper):
    for user in (county_admin, inspector):
        client.force_login(user)
        for name in ("helper_list", "unit_list", "plan_list", "visit_list", "overdue_visits", "flag_list",
                     "helper_add", "unit_add", "flag_add", "township_pick"):
            assert client.get(reverse(f"assistance:{name}")).status_code == 200, name
        assert client.get(reverse("assistance:overdue_visits") + "?export=xlsx").status_code == 200


def test_rule_page_county_admin_only(client, county_admin, village_cadre, helper):
    from fupin.assistance.models import AssistanceRule
    client.force_login(village_cadre)
    r = client.post(reverse("assistance:rule_edit"), {"area_code": "500236", "max_households_per_helper": 3,
                                                      "visit_months_monitored": 1, "visit_months_poor": 1,
                                                      "visit_months_lifted": 3})
    assert r.status_code == 403
    client.force_login(county_admin)
    r = client.post(reverse("assistance:rule_edit"), {"area_code": "500236", "max_households_per_helper": 3,
                                                      "visit_months_monitored": 1, "visit_months_poor": 2,
                                                      "visit_months_lifted": 6})
    assert r.status_code == 302
    assert AssistanceRule.objects.get(area_code="500236").visit_months_lifted == 6
    assert services.helper_limit(helper) == 3
    r = client.post(reverse("assistance:rule_edit"), {"area_code": "", "max_households_per_helper": 9,
                                                      "visit_months_monitored": 1, "visit_months_poor": 1,
                                                      "visit_months_lifted": 3})
    assert r.status_code == 403
    body = client.get(reverse("assistance:rule_list")).content.decode()
    assert "500236" in body


def test_assign_form_lists_county_level_helpers(client, county_admin, household):
    county_helper = services.create_helper(actor=county_admin, data={"name": "县直干部", "area": "500236"})
    client.force_login(county_admin)
    assert "县直干部" in client.get(reverse("assistance:assign", args=[household.pk])).content.decode()
    assert county_helper.pk
