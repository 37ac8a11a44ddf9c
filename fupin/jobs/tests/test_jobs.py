"""Jobs: posts, pay, spells, workshops, training, 雨露计划, insurance; money into incomes
through registry income flows; job loss raises a lead; summary, CLI, API, pages."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from fupin.core.testing import VILLAGE_A, make_household, make_user, member_data, village_codes
from fupin.jobs import services
from fupin.jobs.models import PostPay
from fupin.monitoring.models import RiskEvent
from fupin.registry.models import Income, IncomeFlow

pytestmark = pytest.mark.django_db


@pytest.fixture
def cadre():
    return make_user("village_cadre", VILLAGE_A)


@pytest.fixture
def hh():
    return make_household(VILLAGE_A, household_type="lifted",
                          members=[member_data(), member_data(name="李四", relation="spouse")])


def _post(cadre, **kw):
    args: dict[str, Any] = dict(actor=cadre, area_code=VILLAGE_A, name="村保洁员", kind="cleaning",
                monthly_pay="600", funded_by="衔接资金", starts_on=dt.date(2021, 1, 1))
    args.update(kw)
    return services.create_post(**args)


def test_hire_pay_exit_rules_and_income(cadre, hh):
    post = _post(cadre)
    member = hh.members.all()[0]
    with pytest.raises(ValidationError, match="不在岗位开设期内"):
        services.hire(actor=cadre, post=post, member=member, hired_on=dt.date(2020, 5, 1))
    row = services.hire(actor=cadre, post=post, member=member, hired_on=dt.date(2021, 3, 16))
    with pytest.raises(ValidationError, match="已满员"):
        services.hire(actor=cadre, post=post, member=hh.members.order_by("-id")[0], hired_on=dt.date(2021, 4, 1))
    with pytest.raises(ValidationError, match="早于上岗日期"):
        services.record_pay(actor=cadre, hire_row=row, month="2021-02", amount="600",
                            paid_on=dt.date(2021, 3, 5))
    result = services.pay_posts(actor=cadre, area_code=VILLAGE_A, month="2021-03",
                                paid_on=dt.date(2021, 4, 5))
    assert result["pays"] == 1 and Decimal(result["total"]) == Decimal("309.68")  # 16 of 31 days
    assert services.pay_posts(actor=cadre, area_code=VILLAGE_A, month="2021-03")["pays"] == 0
    services.record_pay(actor=cadre, hire_row=row, month="2021-04", amount="600",
                        paid_on=dt.date(2021, 5, 5))
    income = Income.objects.get(household=hh, year=2021)
    assert income.wage_income == Decimal("909.68")
    assert IncomeFlow.objects.filter(household=hh, source="jobs.post_pay").count() == 2
    services.exit_post(actor=cadre, hire_row=row, on=dt.date(2021, 6, 30), reason="外出务工")
    with pytest.raises(ValidationError, match="晚于离岗日期"):
        services.record_pay(actor=cadre, hire_row=row, month="2021-08", amount="600",
                            paid_on=dt.date(2021, 9, 5))
    # exit with no new work: a job-loss lead
    assert RiskEvent.objects.filter(household=hh, kind="job_loss").count() == 1
    assert PostPay.objects.count() == 2


def test_temporary_post_needs_end_date(cadre):
    with pytest.raises(ValidationError) as exc:
        _post(cadre, temporary=True, kind="epidemic")
    assert "ends_on" in exc.value.message_dict
    assert _post(cadre, temporary=True, kind="epidemic", ends_on=dt.date(2020, 6, 30),
                 starts_on=dt.date(2020, 2, 1)).temporary


def test_spells_overlap_income_and_job_loss(cadre, hh):
    member = hh.members.all()[0]
    spell = services.add_spell(actor=cadre, member=member, place="out", employer="宁波某电子厂",
                               destination="浙江宁波", started_on=dt.date(2021, 3, 1),
                               monthly_income="4000", organised=True, partner="山东省")
    with pytest.raises(ValidationError, match="重叠"):
        services.add_spell(actor=cadre, member=member, place="county", employer="县城工地",
                           started_on=dt.date(2021, 6, 1), monthly_income="3000")
    with pytest.raises(ValidationError) as exc:
        services.add_spell(actor=cadre, member=member, place="moon", employer="",
                           started_on=dt.date(2021, 6, 1), monthly_income="-1")
    assert {"place", "employer", "monthly_income"} <= set(exc.value.message_dict)
    services.end_spell(actor=cadre, spell=spell, on=dt.date(2021, 8, 15), reason="工厂停产")
    assert Income.objects.get(household=hh, year=2021).wage_income == 6 * 4000
    assert RiskEvent.objects.filter(household=hh, kind="job_loss").count() == 1
    # a new spell the next day: ending it again with work continuing raises no lead
    second = services.add_spell(actor=cadre, member=member, place="county", employer="县城工地",
                                started_on=dt.date(2021, 8, 16), ended_on=dt.date(2021, 9, 30),
                                monthly_income="3000")
    assert second.pk
    other = services.add_spell(actor=cadre, member=hh.members.order_by("-id")[0], place="province",
                               employer="重庆某公司", started_on=dt.date(2021, 1, 1),
                               monthly_income="3500")
    services.end_spell(actor=cadre, spell=other, on=dt.date(2021, 12, 31), reason="合同到期")
    assert RiskEvent.objects.filter(household=hh, kind="job_loss").count() == 2


def test_workshop_yulu_insurance_flows(cadre, hh):
    member = hh.members.all()[0]
    shop = services.create_workshop(actor=cadre, area_code=VILLAGE_A, name="竹编扶贫车间",
                                    kind="workshop", operator="某合作社",
                                    recognised_on=dt.date(2020, 5, 1))
    with pytest.raises(ValidationError, match="早于车间认定日期"):
        services.employ(actor=cadre, workshop=shop, member=member,
                        started_on=dt.date(2020, 1, 1), monthly_wage="1800")
    services.employ(actor=cadre, workshop=shop, member=member, started_on=dt.date(2020, 6, 1),
                    monthly_wage="1800")
    assert services.pay_workshop_month(actor=cadre, workshop=shop, month="2020-07")["flows"] == 1
    assert services.pay_workshop_month(actor=cadre, workshop=shop, month="2020-07")["flows"] == 0
    student = services.add_yulu(actor=cadre, member=hh.members.order_by("-id")[0], school="县职教中心",
                                stage="secondary", year=2020, subsidy="3000")
    services.pay_yulu(actor=cadre, student=student, paid_on=dt.date(2020, 10, 1))
    ordinary = make_household(VILLAGE_A)
    with pytest.raises(ValidationError, match="不是建档立卡户"):
        services.add_yulu(actor=cadre, member=ordinary.members.all()[0], school="x",
                          stage="secondary", year=2020, subsidy="3000")
    policy = services.create_policy(actor=cadre, area_code=VILLAGE_A, name="返贫保",
                                    kind="lifted", insurer="人保财险",
                                    starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2020, 12, 31),
                                    premium="100")
    assert services.enroll_covered(actor=cadre, policy=policy) == 1
    assert services.enroll_covered(actor=cadre, policy=policy) == 0
    cover = policy.covers.get()
    with pytest.raises(ValidationError, match="不在保险期"):
        services.add_claim(actor=cadre, cover=cover, cause="大病", amount="5000",
                           occurred_on=dt.date(2021, 2, 1))
    claim = services.add_claim(actor=cadre, cover=cover, cause="大病自付费用高", amount="5000",
                               occurred_on=dt.date(2020, 9, 1))
    services.pay_claim(actor=cadre, claim=claim, paid_on=dt.date(2020, 11, 1))
    income = Income.objects.get(household=hh, year=2020)
    assert income.wage_income == 1800 and income.transfer_income == 8000


def test_summary_cli_and_outside_area(cadre, hh):
    member = hh.members.all()[0]
    services.add_spell(actor=cadre, member=member, place="out", employer="某厂",
                       started_on=dt.date(2020, 3, 1), monthly_income="4000")
    services.add_spell(actor=cadre, member=hh.members.order_by("-id")[0], place="county", employer="某工地",
                       started_on=dt.date(2020, 3, 1), monthly_income="3000")
    post = _post(cadre, starts_on=dt.date(2020, 1, 1), positions=2)
    services.hire(actor=cadre, post=post, member=hh.members.order_by("-id")[0], hired_on=dt.date(2020, 4, 1))
    course = services.create_course(actor=cadre, area_code=VILLAGE_A, name="电工培训",
                                    kind="skills", starts_on=dt.date(2020, 5, 1),
                                    ends_on=dt.date(2020, 5, 20))
    services.enroll(actor=cadre, course=course, members=[member])
    figures = services.summary(VILLAGE_A[:6], 2020)
    assert figures["transferred_people"] == 2 and figures["out_of_county_people"] == 1
    assert figures["welfare_posts"] == 2 and figures["welfare_post_people"] == 1
    assert figures["trained_people"] == 1
    out = StringIO()
    call_command("jobs", "summary", "--area", VILLAGE_A[:6], "--year", "2020", "--json",
                 stdout=out)
    data = json.loads(out.getvalue())
    for key in ("transferred_people", "out_of_county_people", "welfare_posts",
                "welfare_post_people", "workshops", "workshop_people", "trained_people"):
        assert key in data
    other = [c for c in village_codes(400) if not c.startswith(VILLAGE_A[:9])][0]
    far = make_household(other, household_type="lifted")
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.add_spell(actor=cadre, member=far.members.all()[0], place="out", employer="x",
                           started_on=dt.date(2020, 1, 1), monthly_income="1")


def test_api_and_pages(cadre, hh):
    client = Client()
    client.force_login(cadre)
    member = hh.members.all()[0]
    payload = {"member": member.pk, "place": "out", "employer": "某厂",
               "started_on": "2021-01-01", "monthly_income": "4000"}
    assert client.post("/api/jobs-spells/", payload, content_type="application/json").status_code == 201
    resp = client.post("/api/jobs-spells/", {**payload, "started_on": "2021-05-01"},
                       content_type="application/json")
    assert resp.status_code == 400 and "重叠" in resp.json()["started_on"][0]
    resp = client.post("/api/jobs-spells/", {**payload, "monthly_income": "x"},
                       content_type="application/json")
    assert resp.status_code == 400 and "monthly_income" in resp.json()
    other = [c for c in village_codes(400) if not c.startswith(VILLAGE_A[:9])][0]
    stranger = Client()
    stranger.force_login(make_user("village_cadre", other))
    post = _post(cadre)
    assert stranger.get(f"/employment/posts/{post.pk}/hire/").status_code == 404
    assert stranger.post(f"/api/jobs-posts/{post.pk}/hire/", {"member": member.pk},
                         content_type="application/json").status_code == 404
    resp = client.post(f"/employment/posts/{post.pk}/hire/",
                       {"resident_id": member.resident_id, "hired_on": "2020-01-01"})
    assert "不在岗位开设期内" in resp.content.decode()
    for url in ("/employment/posts/", "/employment/spells/", "/employment/workshops/",
                "/employment/courses/", "/employment/yulu/", "/employment/insurance/",
                "/employment/posts/add/", "/employment/spells/add/",
                "/employment/posts/?export=xlsx", f"/registry/households/{hh.pk}/"):
        assert client.get(url).status_code == 200, url
    page = client.get(f"/registry/households/{hh.pk}/").content.decode()
    assert "就业帮扶" in page and "某厂" in page and "扶贫小额信贷" in page
