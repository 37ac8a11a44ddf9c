"""API (400 field errors, nothing half-written) and pages (Chinese messages, PDF notice)."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_household, make_user, village_codes
from fupin.projects.choices import State
from fupin.projects.models import Allocation, FundSource, Payment, Project
from fupin.projects.testing import MEETING, make_project


@pytest.fixture
def api(db):
    return APIClient()


@pytest.fixture
def admin(db):
    return make_user("county_admin", "500236")


def test_api_propose_and_bad_input(api):
    cadre = make_user("village_cadre", VILLAGE_A)
    api.force_authenticate(cadre)
    body = {"area": VILLAGE_A, "name": "村道硬化", "category": "infrastructure",
            "planned_funds": "abc", **MEETING, "meeting_agreed": "40"}
    resp = api.post("/api/projects/", body, format="json")
    assert resp.status_code == 400
    assert "不是数字" in resp.json()["planned_funds"][0]
    assert "多于参会人数" in resp.json()["meeting_agreed"][0]
    assert not Project.objects.exists()
    body.update(planned_funds="200000", meeting_agreed="25")
    resp = api.post("/api/projects/", body, format="json")
    assert resp.status_code == 201, resp.json()
    pk = resp.json()["id"]
    short = api.post(f"/api/projects/{pk}/act/", {"action": "village_notice", "version": 1,
                                                   "values": {"start": str(dt.date.today()), "days": 5}},
                     format="json")
    assert short.status_code == 400 and "不少于 10 天" in short.json()["end"][0]
    ok = api.post(f"/api/projects/{pk}/act/", {"action": "village_notice", "version": 1,
                                                "values": {"start": str(dt.date.today())}}, format="json")
    assert ok.status_code == 200 and ok.json()["state"] == "village_notice"
    notice = ok.json()["notices"][0]["id"]
    obj = api.post(f"/api/projects/{pk}/objection/", {"notice": notice, "raised_on": str(dt.date.today()),
                                                      "content": "受益户名单有误"}, format="json")
    assert obj.status_code == 201
    # the proposer is a village cadre: township review is refused (role), 403
    assert api.post(f"/api/projects/{pk}/act/", {"action": "township_review", "version": 2},
                    format="json").status_code in (400, 403)
    outside = api.post("/api/projects/", {**body, "area": "500101001001"}, format="json")
    assert outside.status_code == 403


def test_api_funds_allocation_payment(api, admin):
    p = make_project(VILLAGE_A, until=State.PLANNED, start=dt.date(2020, 1, 10), year=2020)
    api.force_authenticate(admin)
    bad = api.post("/api/project-funds/", {"area": "500236", "kind": "central", "name": "n",
                                           "year": "20x0", "amount": "-1"}, format="json")
    assert bad.status_code == 400 and {"year", "amount"} <= set(bad.json())
    src = api.post("/api/project-funds/", {"area": "500236", "kind": "integrated",
                                           "name": "整合资金", "year": "2020", "amount": "1000"},
                   format="json").json()
    assert api.get("/api/project-funds/").json()["count"] == 1
    over = api.post(f"/api/projects/{p.pk}/allocate/", {"source": src["id"], "amount": "1000.01"},
                    format="json")
    assert over.status_code == 400 and "结余" in over.json()["amount"][0]
    assert api.post(f"/api/projects/{p.pk}/allocate/", {"source": src["id"], "amount": "600",
                                                         "allocated_on": "2020-03-01"},
                    format="json").status_code == 201
    alloc = Allocation.objects.get()
    over = api.post(f"/api/projects/{p.pk}/pay/", {"allocation": alloc.pk, "amount": "700",
                                                   "paid_on": "2020-04-01"}, format="json")
    assert over.status_code == 400 and "超过安排结余" in over.json()["amount"][0]
    assert not Payment.objects.exists()
    assert api.post(f"/api/projects/{p.pk}/pay/", {"allocation": alloc.pk, "amount": "600",
                                                   "paid_on": "2020-04-01"},
                    format="json").status_code == 201
    s = api.get("/api/projects-summary/", {"area": "500236", "year": 2020}).json()
    assert s["funds_yuan"] == 1000 and s["funds_paid_yuan"] == 600 and s["paid_share"] == 1.0
    assert api.get("/api/projects-summary/", {"area": "500101", "year": 2020}).status_code == 400
    cadre = make_user("village_cadre", VILLAGE_A)
    api.force_authenticate(cadre)
    assert api.get("/api/project-funds/").json()["count"] == 0  # county money: not a village's
    assert api.post("/api/project-funds/", {"area": "500236", "kind": "central", "name": "m",
                                            "year": "2020", "amount": "1"},
                    format="json").status_code == 403
    assert FundSource.objects.count() == 1


def test_api_beneficiaries_links_payouts_sales(api, admin):
    p = make_project(VILLAGE_A, until=State.IMPLEMENTING, start=dt.date(2020, 1, 10), year=2020)
    hh = make_household(VILLAGE_A, household_type="lifted")
    other = make_household(village_codes(1, township="500236002")[0])
    api.force_authenticate(admin)
    bad = api.post(f"/api/projects/{p.pk}/beneficiaries/",
                   {"households": [hh.household_no, other.household_no]}, format="json")
    assert bad.status_code == 400 and "不在项目区划" in bad.json()["households"][0]
    assert p.beneficiaries.count() == 0
    assert api.post(f"/api/projects/{p.pk}/beneficiaries/", {"households": [hh.household_no]},
                    format="json").status_code == 201
    link = api.post("/api/benefit-links/", {"household_no": hh.household_no, "mode": "equity_dividend",
                                            "started_on": "2020-02-01", "project": p.code},
                    format="json")
    assert link.status_code == 201, link.json()
    lid = link.json()["id"]
    bad = api.post(f"/api/benefit-links/{lid}/payout/", {"paid_on": "2020-12-01", "amount": "-3"},
                   format="json")
    assert bad.status_code == 400 and "amount" in bad.json()
    assert api.post(f"/api/benefit-links/{lid}/payout/", {"paid_on": "2020-12-01", "amount": "300"},
                    format="json").status_code == 201
    assert api.get("/api/benefit-payouts/").json()["count"] == 1
    sale = api.post("/api/consumption-sales/", {"seller_kind": "household", "household_no": hh.household_no,
                                                "channel": "ecommerce", "product": "蜂蜜",
                                                "amount": "x", "sold_on": "2020-05-01"}, format="json")
    assert sale.status_code == 400 and "amount" in sale.json()


def test_pages(client, admin):
    p = make_project(VILLAGE_A, until=State.VILLAGE_NOTICE, start=dt.date.today() - dt.timedelta(days=2))
    client.force_login(admin)
    assert client.get("/projects/").status_code == 200
    page = client.get("/projects/library/")
    assert page.status_code == 200 and p.code in page.content.decode()
    assert client.get("/projects/library/?export=xlsx").status_code == 200
    assert client.get("/projects/library/?export=library")["Content-Type"].startswith("application/vnd")
    detail = client.get(p.get_absolute_url()).content.decode()
    assert "公示期未满" in detail and "村级公示" in detail
    # the notice PDF carries the project, never personal data
    notice = p.notices.get()
    pdf = client.get(f"/projects/notices/{notice.pk}/pdf/")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    html = client.get(f"/projects/notices/{notice.pk}/").content.decode()
    assert p.name in html
    # a refused action shows the reason in Chinese, 400, nothing changed
    resp = client.post(f"/projects/library/{p.pk}/act/", {"action": "township_review", "version": p.version})
    assert resp.status_code == 400 and "公示期未满" in resp.content.decode()
    p.refresh_from_db()
    assert p.state == State.VILLAGE_NOTICE
    for url in ("/projects/funds/", "/projects/payments/", "/projects/links/", "/projects/payouts/",
                "/projects/assets/", "/projects/sales/", "/projects/funds/add/", "/projects/links/add/",
                "/projects/sales/add/", "/projects/library/add/", "/projects/template/library/",
                "/projects/template/payouts/"):
        assert client.get(url).status_code == 200, url
    form = client.post("/projects/funds/add/", {"area": "500236", "kind": "central", "name": "x",
                                                "year": "2020", "amount": "-8"})
    assert form.status_code == 200 and "不能为负数" in form.content.decode()


def test_notice_has_no_personal_data(client, admin):
    hh = make_household(VILLAGE_A, household_type="poor", phone="13800138000")
    p = make_project(VILLAGE_A, until=State.VILLAGE_NOTICE, start=dt.date.today())
    from fupin.projects.services import benefits
    benefits.add_beneficiaries(actor=admin, project=p, household_nos=[hh.household_no])
    client.force_login(admin)
    from fupin.projects.views import _notice_context
    text = str(_notice_context(p.notices.get()))
    member = hh.members.first()
    assert member is not None
    for secret in (hh.phone, member.resident_id, hh.head_name, hh.household_no):
        assert secret not in text


def test_inspector_reads_but_cannot_write(client, db):
    p = make_project(VILLAGE_A, until=State.VILLAGE_PROPOSED)
    inspector = make_user("inspector", "500236")
    client.force_login(inspector)
    assert client.get(p.get_absolute_url()).status_code == 200
    assert client.post(f"/projects/library/{p.pk}/act/", {"action": "village_notice",
                                                          "version": 1}).status_code == 403
    township = make_user("township_staff", TOWNSHIP_A)
    client.force_login(township)
    assert client.get("/projects/library/add/").status_code == 200


def test_helper_sees_only_assigned_households_links(client, admin):
    from fupin.assistance.services.helpers import assign_helper, create_helper
    from fupin.projects.models import BenefitLink, Payout
    from fupin.projects.services import benefits

    mine, other = make_household(VILLAGE_A), make_household(VILLAGE_A)
    helper_user = make_user("helper", VILLAGE_A)
    helper = create_helper(actor=admin, data={"name": "帮扶人", "area": VILLAGE_A, "user": helper_user,
                                              "position": "驻村队员"})
    assign_helper(actor=admin, household=mine, helper=helper, started_on=dt.date(2020, 1, 1),
                  reason="结对")
    for hh in (mine, other):
        link = benefits.create_link(actor=admin, household_no=hh.household_no, mode="wage",
                                    started_on="2020-01-01", partner_kind="enterprise",
                                    partner_name="企业")
        benefits.add_payout(actor=admin, link=link, paid_on="2020-06-01", amount="100")
    seen = BenefitLink.objects.visible_to(helper_user)
    assert list(seen.values_list("household_id", flat=True)) == [mine.pk]
    assert Payout.objects.visible_to(helper_user).count() == 1
