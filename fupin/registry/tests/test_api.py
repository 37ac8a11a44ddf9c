"""REST API: scope, filters shared with the pages, writes through services, 400 not 500."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from fupin.core.testing import VILLAGE_A, make_household, make_user, member_data, village_codes
from fupin.registry.choices import HouseholdType, MemberStatus, Relation
from fupin.registry.models import Household, Income, Member

pytestmark = pytest.mark.django_db


def api_for(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def api(village_cadre):
    return api_for(village_cadre)


@pytest.fixture
def families(village_cadre):
    wang = make_household(actor=village_cadre, household_no="FJ0001",
                          household_type=HouseholdType.POOR, main_cause="01", phone="13800001111",
                          members=[member_data("王小明"), member_data("李芳", Relation.SPOUSE)])
    zhang = make_household(actor=village_cadre, household_no="FJ0002", housing_grade="C",
                           members=[member_data("张三丰")])
    return wang, zhang


@pytest.fixture
def far_household(db):
    return make_household(village_codes(400)[-1], household_no="FAR0001")


def nos(resp):
    assert resp.status_code == 200, resp.content
    return [r["household_no"] for r in resp.json()["results"]]


def test_unauthenticated_is_refused(client, families):
    assert APIClient().get("/api/households/").status_code in (401, 403)


def test_list_is_scoped_and_filters_match_pages(api, families, far_household):
    assert nos(api.get("/api/households/")) == ["FJ0001", "FJ0002"]
    assert nos(api.get("/api/households/", {"q": "zsf"})) == ["FJ0002"]
    assert nos(api.get("/api/households/", {"q": "lf"})) == ["FJ0001"]
    assert nos(api.get("/api/households/", {"household_type": "poor"})) == ["FJ0001"]
    assert nos(api.get("/api/households/", {"housing_grade": "C"})) == ["FJ0002"]
    assert nos(api.get("/api/households/", {"area": "500236"})) == ["FJ0001", "FJ0002"]
    row = api.get("/api/households/").json()["results"][0]
    assert row["member_count"] == 2 and row["area_name"] and row["phone"] == "13800001111"
    assert api.get(f"/api/households/{far_household.pk}/").status_code == 404


def test_bad_filter_is_400(api, families):
    resp = api.get("/api/households/", {"area": "50A"})
    assert resp.status_code == 400 and "区划代码" in resp.json()["area"][0]
    assert api.get("/api/households/", {"household_type": "rich"}).status_code == 400


def test_inspector_sees_masked_and_cannot_write(families):
    inspector = make_user("inspector", "500236")
    api = api_for(inspector)
    row = api.get("/api/households/FJ0001/".replace("FJ0001", str(families[0].pk))).json()
    assert row["phone"] == "138****1111"
    member = api.get("/api/members/", {"q": "wxm"}).json()["results"][0]
    real = Member.objects.get(name="王小明").resident_id
    assert member["resident_id"] != real and "*" in member["resident_id"]
    assert member["chronic_illness"] is None and member["health_labels"] is None
    resp = api.patch(f"/api/households/{families[0].pk}/", {"group": "一组"}, format="json")
    assert resp.status_code == 403 and "只能查看" in resp.json()["detail"]
    assert Household.objects.get(pk=families[0].pk).group == ""


def new_household(**extra):
    data = {"household_no": "API0001", "area": VILLAGE_A, "household_type": "ordinary",
            "members": [member_data("赵六"), member_data("钱七", Relation.SPOUSE)]}
    data.update(extra)
    return data


def test_create_household_with_members(api):
    resp = api.post("/api/households/", new_household(), format="json")
    assert resp.status_code == 201, resp.json()
    hh = Household.objects.get(household_no="API0001")
    assert resp.json()["id"] == hh.pk and hh.head_name == "赵六" and hh.members.count() == 2


@pytest.mark.parametrize("extra, field, message", [
    ({"members": [member_data("赵六", resident_id="500236197005011234")]},
     "members[1].resident_id", "身份证"),
    ({"members": [member_data("赵六"), member_data("钱七")]}, "members", "户主"),
    ({"members": []}, "members", "至少"),
    ({"area": "500236999999"}, "area", "不存在"),
    ({"area": "500236001"}, "area", "不是村"),
    ({"area": "500101001001"}, "area", "管辖范围"),
    ({"household_type": "lifted"}, "exit_year", "脱贫年度"),
    ({"phone": "123"}, "phone", "手机号"),
    ({"other_causes": ["01", "02", "03"], "main_cause": "04"}, "other_causes", "最多"),
])
def test_create_household_bad_input_is_400_and_nothing_written(api, extra, field, message):
    resp = api.post("/api/households/", new_household(**extra), format="json")
    assert resp.status_code == 400, resp.content
    body = resp.json()
    assert field in body and message in " ".join(body[field]), body
    assert not Household.objects.filter(household_no="API0001").exists()
    assert not Member.objects.filter(name="赵六").exists()


def test_move_household_outside_scope_is_400(families):
    staff = make_user("township_staff", VILLAGE_A[:9])
    api = api_for(staff)
    other_town = village_codes(400)[-1]
    resp = api.patch(f"/api/households/{families[0].pk}/", {"area": other_town}, format="json")
    assert resp.status_code == 400 and "管辖范围" in resp.json()["area"][0]
    inside = village_codes(2, VILLAGE_A[:9])[1]
    resp = api.patch(f"/api/households/{families[0].pk}/", {"area": inside}, format="json")
    assert resp.status_code == 200 and resp.json()["area"] == inside


def test_member_add_second_head_and_bad_id(api, families):
    wang = families[0]
    resp = api.post("/api/members/", {**member_data("王二"), "household": wang.pk}, format="json")
    assert resp.status_code == 400 and "已有户主" in resp.json()["relation_to_head"][0]
    resp = api.post("/api/members/", {**member_data("王二", Relation.SON, resident_id="123"),
                                      "household": wang.pk}, format="json")
    assert resp.status_code == 400 and "resident_id" in resp.json()
    resp = api.post("/api/members/", {**member_data("王二", Relation.SON), "household": wang.pk,
                                      "event": "birth"}, format="json")
    assert resp.status_code == 201, resp.json()
    assert wang.members.count() == 3


def test_member_add_to_household_outside_scope(api, far_household):
    resp = api.post("/api/members/", {**member_data("王二", Relation.SON),
                                      "household": far_household.pk}, format="json")
    assert resp.status_code == 400 and "household" in resp.json()
    assert far_household.members.count() == 1


def test_member_patch_and_two_heads(api, families):
    spouse = families[0].members.get(relation_to_head=Relation.SPOUSE)
    resp = api.patch(f"/api/members/{spouse.pk}/", {"relation_to_head": "head"}, format="json")
    assert resp.status_code == 400 and "户主" in resp.json()["relation_to_head"][0]
    resp = api.patch(f"/api/members/{spouse.pk}/", {"name": "李芳芳"}, format="json")
    assert resp.status_code == 200 and resp.json()["name_initials"] == "lff"


def test_member_leave(api, families):
    wang, zhang = families
    spouse = wang.members.get(relation_to_head=Relation.SPOUSE)
    resp = api.post(f"/api/members/{spouse.pk}/leave/", {"kind": "birth", "date": "2024-01-01"},
                    format="json")
    assert resp.status_code == 400 and "kind" in resp.json()
    resp = api.post(f"/api/members/{spouse.pk}/leave/",
                    {"kind": "married_out", "date": "2024-01-01", "to_household_no": "FJ0002"},
                    format="json")
    assert resp.status_code == 201, resp.json()
    spouse.refresh_from_db()
    assert spouse.status == MemberStatus.MARRIED_OUT
    assert zhang.members.filter(status="active").count() == 2


def test_income_negative_is_400_and_valid_computes(api, families):
    wang = families[0]
    base = {"household": wang.pk, "year": 2023, "wage_income": "9000.00",
            "transfer_income": "1000.00"}
    resp = api.post("/api/incomes/", {**base, "wage_income": "-1"}, format="json")
    assert resp.status_code == 400 and "工资性收入不能为负数" in resp.json()["wage_income"][0]
    assert not Income.objects.exists()
    resp = api.post("/api/incomes/", {**base, "year": 1999}, format="json")
    assert resp.status_code == 400 and "2000" in resp.json()["year"][0]
    resp = api.post("/api/incomes/", base, format="json")
    assert resp.status_code == 201, resp.json()
    assert resp.json()["net"] == "10000.00" and resp.json()["per_capita"] == "5000.00"
    assert api.get("/api/incomes/", {"year": 2023}).json()["count"] == 1


def test_assessment(api, families):
    zhang = families[1]
    resp = api.post("/api/assessments/", {"household": zhang.pk, "kind": "water",
                                          "assessed_on": "2024-05-01"}, format="json")
    assert resp.status_code == 400 and "water_safe" in resp.json()
    resp = api.post("/api/assessments/", {"household": zhang.pk, "kind": "water",
                                          "assessed_on": "2024-05-01", "water_safe": False},
                    format="json")
    assert resp.status_code == 201
    zhang.refresh_from_db()
    assert zhang.water_safe is False


def test_areas_are_scoped(api):
    codes = [a["code"] for a in api.get("/api/areas/", {"page_size": 1000}).json()["results"]]
    assert VILLAGE_A in codes and "500236" in codes and VILLAGE_A[:9] in codes
    assert all(c == VILLAGE_A or len(c) < 12 for c in codes)
    assert api.get(f"/api/areas/{village_codes(400)[-1]}/").status_code == 404
    assert api.get(f"/api/areas/{VILLAGE_A}/").json()["level"] == "village"


def test_household_update_refuses_members(api, families):
    resp = api.patch(f"/api/households/{families[0].pk}/", {"members": [member_data("X")]},
                     format="json")
    assert resp.status_code == 400 and "/api/members/" in resp.json()["members"][0]


def test_docs_page(api, client, village_cadre):
    client.force_login(village_cadre)
    assert client.get("/api/docs/").status_code == 200


def test_schema_generates(api):
    resp = api.get("/api/schema/")
    assert resp.status_code == 200
    assert b"/api/households/" in resp.content and b"/api/members/{id}/leave/" in resp.content
