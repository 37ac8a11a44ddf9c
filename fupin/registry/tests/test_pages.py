"""Registry pages: list filters and search, detail, forms through services, scope and roles."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from fupin.core.models import AccessLog
from fupin.core.testing import VILLAGE_A, make_household, make_user, member_data, village_codes
from fupin.registry import services
from fupin.registry.choices import HouseholdType, MemberStatus, Relation
from fupin.registry.models import Household, Income, Member

pytestmark = pytest.mark.django_db
LIST = "/registry/households/"


@pytest.fixture
def cadre_client(client, village_cadre):
    client.force_login(village_cadre)
    return client


@pytest.fixture
def families(village_cadre):
    wang = make_household(actor=village_cadre, household_no="FJ0001",
                          household_type=HouseholdType.POOR, main_cause="01",
                          members=[member_data("王小明"), member_data("李芳", Relation.SPOUSE)])
    zhang = make_household(actor=village_cadre, household_no="FJ0002", housing_grade="C",
                           members=[member_data("张三丰")])
    liu = make_household(actor=village_cadre, household_no="XX0003", water_safe=False,
                         monitoring_type="edge", members=[member_data("刘备")])
    return wang, zhang, liu


def rows(resp):
    return [r.record.household_no for r in resp.context["table"].page.object_list]


def test_list_shows_scope_only_and_counts_members(cadre_client, families):
    other = village_codes(400)[-1]
    make_household(other, household_no="FAR0001")
    resp = cadre_client.get(LIST)
    assert resp.status_code == 200
    assert rows(resp) == ["FJ0001", "FJ0002", "XX0003"]
    assert resp.context["table"].page.object_list[0].record.member_count == 2
    assert "王小明" in resp.content.decode()


@pytest.mark.parametrize("q, expected", [
    ("FJ", ["FJ0001", "FJ0002"]),          # household number prefix
    ("wxm", ["FJ0001"]),                   # head initials
    ("WX", ["FJ0001"]),                    # initials, upper case, prefix
    ("lf", ["FJ0001"]),                    # a member's initials
    ("李芳", ["FJ0001"]),                  # a member's name
    ("张三", ["FJ0002"]),                  # head name prefix
    ("zzz", []),
])
def test_search(cadre_client, families, q, expected):
    assert rows(cadre_client.get(LIST, {"q": q})) == expected


def test_search_by_resident_id_exact_and_prefix(cadre_client, families):
    wang = families[0]
    spouse = wang.members.get(relation_to_head=Relation.SPOUSE)
    assert rows(cadre_client.get(LIST, {"q": spouse.resident_id})) == ["FJ0001"]
    assert rows(cadre_client.get(LIST, {"q": spouse.resident_id[:17]})) == ["FJ0001"]


@pytest.mark.parametrize("params, expected", [
    ({"household_type": "poor"}, ["FJ0001"]),
    ({"main_cause": "01"}, ["FJ0001"]),
    ({"housing_grade": "C"}, ["FJ0002"]),
    ({"water_safe": "false"}, ["XX0003"]),
    ({"water_safe": "unknown"}, ["FJ0001", "FJ0002"]),
    ({"monitoring_type": "edge"}, ["XX0003"]),
    ({"monitoring_type": "none"}, ["FJ0001", "FJ0002"]),
    ({"welfare_status": "dibao"}, []),
    ({"area": VILLAGE_A[:9]}, ["FJ0001", "FJ0002", "XX0003"]),
    ({"area": "500101"}, []),
])
def test_filters(cadre_client, families, params, expected):
    assert rows(cadre_client.get(LIST, params)) == expected


def test_bad_area_filter_is_a_message_not_an_error(cadre_client, families):
    resp = cadre_client.get(LIST, {"area": "abc"})
    assert resp.status_code == 200
    assert "区划代码应为" in resp.content.decode()
    assert rows(resp) == []


@pytest.mark.parametrize("query", ["page=abc", "page=99999", "page=-1", "sort=bogus",
                                   "per_page=-1", "per_page=0", "q=%00", "area=%00",
                                   "q=" + "x" * 200, "water_safe=maybe"])
def test_odd_list_parameters_are_never_a_server_error(cadre_client, families, query):
    resp = cadre_client.get(f"{LIST}?{query}")
    assert resp.status_code == 200


def test_page_size_is_bounded(cadre_client, families):
    resp = cadre_client.get(LIST, {"per_page": "100000"})
    assert resp.context["table"].paginator.per_page == 500


def test_area_tree_limited_to_scope(cadre_client, families):
    resp = cadre_client.get(LIST)
    tree = resp.context["area_tree"]
    assert [n.code for n in tree] == ["500236"]
    assert [t.code for t in tree[0].children] == [VILLAGE_A[:9]]
    assert [v.code for v in tree[0].children[0].children] == [VILLAGE_A]


def test_list_query_count_does_not_grow_with_rows(cadre_client, families):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        cadre_client.get(LIST)
    for i in range(10):
        make_household(household_no=f"ZZ{i:04d}", members=[member_data(), member_data(
            "李四", Relation.SPOUSE)])
    with CaptureQueriesContext(connection) as many:
        resp = cadre_client.get(LIST)
    assert len(rows(resp)) == 13
    assert len(many) == len(few)
    page_counts = [q["sql"] for q in many.captured_queries if q["sql"].upper().startswith("SELECT COUNT(*)")]
    assert len(page_counts) == 1 and "JOIN" not in page_counts[0].upper(), page_counts


def export_rows(client, **params):
    import io

    from openpyxl import load_workbook
    resp = client.get(LIST, {"export": "xlsx", **params})
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.content)).active
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_export_scoped_filtered_and_masked(client, inspector, village_cadre, families):
    make_household(village_codes(400)[-1], household_no="FAR0001")
    services.update_household(actor=village_cadre, household=families[0],
                              changes={"phone": "13812345678"})
    client.force_login(inspector)
    values = export_rows(client)
    assert values[0][:2] == ["户编号", "户主"] and "联系电话" in values[0]
    assert [r[0] for r in values[1:]] == ["FJ0001", "FJ0002", "XX0003"]
    phone_col = values[0].index("联系电话")
    assert values[1][phone_col] == "138****5678"
    assert values[1][values[0].index("户类型")] == "未脱贫户"
    assert [r[0] for r in export_rows(client, q="wxm")[1:]] == ["FJ0001"]
    client.force_login(village_cadre)
    assert export_rows(client)[1][phone_col] == "13812345678"
    assert AccessLog.objects.filter(action="export").count() == 3


def test_detail_masks_ids_for_inspector_and_logs_unmasked_view(client, inspector, village_cadre,
                                                               families):
    wang = families[0]
    rid_full = wang.members.first().resident_id
    client.force_login(inspector)
    body = client.get(reverse("registry:household_detail", args=[wang.pk])).content.decode()
    assert rid_full not in body and rid_full[:6] in body
    assert "修改农户" not in body and "健康<" not in body  # health is personal data too
    client.force_login(village_cadre)
    body = client.get(reverse("registry:household_detail", args=[wang.pk])).content.decode()
    assert rid_full in body and "修改农户" in body and "健康<" in body
    assert AccessLog.objects.filter(user=village_cadre, object_id=str(wang.pk)).exists()
    assert not AccessLog.objects.filter(user=inspector).exists()


def test_detail_outside_scope_is_404(cadre_client):
    far = make_household(village_codes(400)[-1])
    resp = cadre_client.get(reverse("registry:household_detail", args=[far.pk]))
    assert resp.status_code == 404 and "不在您的管辖范围内" in resp.content.decode()
    assert cadre_client.get(reverse("registry:household_edit", args=[far.pk])).status_code == 404
    m = far.members.get()
    assert cadre_client.get(reverse("registry:member_edit", args=[m.pk])).status_code == 404


def test_inspector_is_read_only(client, inspector, families):
    wang = families[0]
    client.force_login(inspector)
    for url in (reverse("registry:household_add"), reverse("registry:household_edit", args=[wang.pk]),
                reverse("registry:member_add", args=[wang.pk]),
                reverse("registry:income_set", args=[wang.pk]),
                reverse("registry:member_edit", args=[wang.members.first().pk])):
        resp = client.get(url)
        assert resp.status_code == 403, url
        assert "只能查看" in resp.content.decode()
        assert client.post(url, {"name": "x"}).status_code == 403, url
    assert Household.objects.get(pk=wang.pk).household_no == "FJ0001"


def household_post(**extra):
    data = {
        "household_no": "NEW0001", "area": VILLAGE_A, "household_type": "ordinary",
        "welfare_status": "general", "monitoring_type": "", "head_name": "赵六",
        "head_resident_id": member_data()["resident_id"], "head_months_worked": "0",
        "head_medical_insurance": "on",
    }
    data.update(extra)
    return data


def test_create_household_with_head(cadre_client):
    resp = cadre_client.post(reverse("registry:household_add"), household_post())
    hh = Household.objects.get(household_no="NEW0001")
    assert resp.status_code == 302 and resp.url == reverse("registry:household_detail", args=[hh.pk])
    assert hh.head_name == "赵六" and hh.head_initials == "zl"
    assert hh.members.get().relation_to_head == Relation.HEAD


@pytest.mark.parametrize("extra, field, message", [
    ({"head_resident_id": "500236197005011234"}, "head_resident_id", "身份证"),
    ({"phone": "12345"}, "phone", "11 位手机号"),
    ({"area": "500101001001"}, "area", "选择一个有效的选项"),
    ({"head_disabled": "on"}, "head_disability_grade", "残疾等级"),
])
def test_create_household_bad_input(cadre_client, extra, field, message):
    resp = cadre_client.post(reverse("registry:household_add"), household_post(**extra))
    assert resp.status_code == 200
    errors = resp.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert "保存失败" in resp.content.decode()
    assert not Household.objects.filter(household_no="NEW0001").exists()
    assert not Member.objects.filter(name="赵六").exists()


def test_duplicate_resident_id_on_page(cadre_client, families):
    taken = families[1].members.first().resident_id
    resp = cadre_client.post(reverse("registry:household_add"),
                             household_post(head_resident_id=taken))
    assert "已登记在户 FJ0002" in " ".join(resp.context["form"].errors["head_resident_id"])
    assert not Household.objects.filter(household_no="NEW0001").exists()


def test_second_head_refused_on_member_add(cadre_client, families):
    wang = families[0]
    resp = cadre_client.post(reverse("registry:member_add", args=[wang.pk]), {
        "name": "王二", "resident_id": member_data()["resident_id"], "relation_to_head": "head",
        "months_worked": 0, "event": "moved_in"})
    assert "已有户主" in " ".join(resp.context["form"].errors["relation_to_head"])
    assert wang.members.count() == 2


def test_edit_member_records_history(cadre_client, village_cadre, families):
    wang = families[0]
    spouse = wang.members.get(relation_to_head=Relation.SPOUSE)
    form = cadre_client.get(reverse("registry:member_edit", args=[spouse.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and v is not False}
    data.update({"name": "李芳芳", "chronic_illness": "on"})
    resp = cadre_client.post(reverse("registry:member_edit", args=[spouse.pk]), data)
    assert resp.status_code == 302, resp.context["form"].errors
    spouse.refresh_from_db()
    assert spouse.name == "李芳芳" and spouse.chronic_illness and spouse.name_initials == "lff"
    body = cadre_client.get(resp.url).content.decode()
    assert "姓名：" in body and "李芳</span> → " in body and "李芳芳" in body
    assert "长期慢性病：" in body


def test_edit_household_cannot_change_type_or_monitoring_status(client, township_staff):
    """MECHANISM §5: the household type and monitoring status change only by procedure; the
    edit form shows them disabled and ignores posted values; other fields still save."""
    client.force_login(township_staff)
    hh = make_household(actor=township_staff)
    resp = client.get(reverse("registry:household_edit", args=[hh.pk]))
    form = resp.context["form"]
    assert all(form.fields[f].disabled for f in ("household_type", "monitoring_type", "risk_types"))
    data = {k: v for k, v in form.initial.items() if v is not None and v is not False and v != []}
    data.update(household_type="lifted", exit_year="2019", main_cause="02",
                monitoring_type="edge", address="新地址 1 号")
    resp = client.post(reverse("registry:household_edit", args=[hh.pk]), data)
    assert resp.status_code == 302
    hh.refresh_from_db()
    assert (hh.household_type, hh.monitoring_type, hh.address) == ("ordinary", "", "新地址 1 号")
    assert hh.statuses.count() == 1
    from django.core.exceptions import ValidationError

    from fupin.registry import services
    try:
        services.update_household(actor=township_staff, household=hh,
                                  changes={"monitoring_type": "edge", "household_type": "lifted"})
    except ValidationError as exc:
        assert set(exc.message_dict) == {"monitoring_type", "household_type"}
        assert "识别纳入" in exc.message_dict["monitoring_type"][0]
    else:
        raise AssertionError("a direct change of the monitoring type must be refused")


def test_income_negative_and_valid(cadre_client, families):
    wang = families[0]
    url = reverse("registry:income_set", args=[wang.pk])
    base = {"year": 2023, "wage_income": "10000", "business_income": "2000",
            "property_income": "0", "transfer_income": "1000", "business_cost": "1000"}
    resp = cadre_client.post(url, {**base, "wage_income": "-5"})
    assert "不能为负数" in " ".join(resp.context["form"].errors["wage_income"])
    assert not Income.objects.exists()
    resp = cadre_client.post(url, base)
    assert resp.status_code == 302
    income = Income.objects.get(household=wang)
    assert str(income.net) == "12000.00" and str(income.per_capita) == "6000.00"
    body = cadre_client.get(resp.url).content.decode()
    assert "6000.00" in body


def test_income_future_year_refused(cadre_client, families):
    url = reverse("registry:income_set", args=[families[0].pk])
    resp = cadre_client.post(url, {"year": dt.date.today().year + 1, "wage_income": "1",
                                   "business_income": "0", "property_income": "0",
                                   "transfer_income": "0", "business_cost": "0"})
    assert "收入年度" in " ".join(resp.context["form"].errors["year"])


def test_assessment_sets_housing_grade(cadre_client, families):
    zhang = families[1]
    url = reverse("registry:assessment_add", args=[zhang.pk])
    resp = cadre_client.post(url, {"kind": "housing", "assessed_on": "2024-03-01"})
    assert "等级" in " ".join(resp.context["form"].errors["housing_grade"])
    resp = cadre_client.post(url, {"kind": "housing", "assessed_on": "2024-03-01",
                                   "housing_grade": "D", "assessor": "县住建委"})
    assert resp.status_code == 302
    zhang.refresh_from_db()
    assert zhang.housing_grade == "D"


def test_member_leaves_to_another_household(cadre_client, families):
    wang, zhang, _ = families
    spouse = wang.members.get(relation_to_head=Relation.SPOUSE)
    url = reverse("registry:member_leave", args=[spouse.pk])
    resp = cadre_client.post(url, {"kind": "moved_out", "date": "2024-01-01",
                                   "to_household_no": "NOPE"})
    assert "不存在" in " ".join(resp.context["form"].errors["to_household_no"])
    resp = cadre_client.post(url, {"kind": "married_out", "date": "2024-01-01",
                                   "to_household_no": "FJ0002"})
    assert resp.status_code == 302
    spouse.refresh_from_db()
    assert spouse.status == MemberStatus.MARRIED_OUT
    assert zhang.members.filter(resident_id=spouse.resident_id, status="active").exists()


def test_head_cannot_leave_before_new_head(cadre_client, families):
    head = families[0].members.get(relation_to_head=Relation.HEAD)
    resp = cadre_client.post(reverse("registry:member_leave", args=[head.pk]),
                             {"kind": "death", "date": "2024-01-01"})
    assert "新的户主" in " ".join(resp.context["form"].errors["kind"])


def test_household_history_lists_service_changes(village_cadre, families):
    from fupin.registry.history import household_history
    wang = families[0]
    services.update_household(actor=village_cadre, household=wang, changes={"group": "三组"})
    entries = household_history(wang, make_user("inspector", "500236"))
    assert entries[0].action == "修改" and entries[0].subject == "农户"
    assert [(c.label, c.old, c.new) for c in entries[0].changes] == [("组", "（空）", "三组")]
    spouse = wang.members.get(relation_to_head=Relation.SPOUSE)
    services.update_member(actor=village_cadre, member=spouse, changes={"chronic_illness": True})
    masked = household_history(wang, make_user("inspector", "500236"))[0]
    assert [(c.label, c.old, c.new) for c in masked.changes] == [("长期慢性病", "***", "***")]
    shown = household_history(wang, village_cadre)[0]
    assert [(c.label, c.old, c.new) for c in shown.changes] == [("长期慢性病", "否", "是")]
    assert entries[0].who == village_cadre.username
    assert {e.subject for e in entries} >= {"农户", "成员 王小明", "成员 李芳"}


def test_list_count_is_bounded(cadre_client, families, monkeypatch):
    """The page count stops at COUNT_CAP (no full COUNT over a million households) and
    says "more than" when it does."""
    from fupin.core.generic import BoundedPaginator

    url = reverse("registry:household_list")
    exact = cadre_client.get(url).content.decode()
    assert f"共 {len(families)} 户" in exact
    monkeypatch.setattr(BoundedPaginator, "COUNT_CAP", 1)
    capped = cadre_client.get(url, {"per_page": 1}).content.decode()
    if connection.vendor == "postgresql":  # past the cap PostgreSQL gives the planner's estimate
        assert "户（估计数；可翻阅前 1 户，请用筛选缩小范围）" in capped
    else:
        assert "超过 1 户（请用筛选缩小范围）" in capped
