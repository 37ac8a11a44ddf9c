"""Beneficiaries, benefit links, payouts into household incomes (through the registry)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fupin.core.testing import VILLAGE_A, make_household, make_user, village_codes
from fupin.projects.choices import State
from fupin.projects.models import Beneficiary, BenefitLink, Payout
from fupin.projects.services import benefits
from fupin.projects.testing import make_project
from fupin.registry.models import Income, IncomeFlow


@pytest.fixture
def cadre(db):
    return make_user("village_cadre", VILLAGE_A)


@pytest.fixture
def project(db):
    return make_project(VILLAGE_A, until=State.IMPLEMENTING, start=dt.date(2020, 1, 10), year=2020)


def test_beneficiaries_must_live_in_the_project_area(cadre, project):
    inside = make_household(VILLAGE_A, household_type="poor")
    other_village = village_codes(1, township="500236002")[0]
    outside = make_household(other_village)
    with pytest.raises(ValidationError) as exc:
        benefits.add_beneficiaries(actor=cadre, project=project,
                                   household_nos=[inside.household_no, outside.household_no, "NOPE"])
    msgs = exc.value.message_dict["households"]
    assert any("不在项目区划" in m for m in msgs) and any("NOPE 不存在" in m for m in msgs)
    assert not Beneficiary.objects.exists()  # nothing half-written
    made = benefits.add_beneficiaries(actor=cadre, project=project, household_nos=[inside.household_no])
    assert made[0].kind == "registered" and made[0].people == 1
    with pytest.raises(ValidationError, match="已是本项目受益户"):
        benefits.add_beneficiaries(actor=cadre, project=project, household_nos=[inside.household_no])


def test_payout_flows_into_the_household_income(cadre, project):
    hh = make_household(VILLAGE_A, household_type="lifted")
    link = benefits.create_link(actor=cadre, household_no=hh.household_no, mode="asset_dividend",
                                started_on="2020-03-01", project=project, amount_per_year="600")
    assert link.industry and link.partner_kind == "project"
    wage = benefits.create_link(actor=cadre, household_no=hh.household_no, mode="wage",
                                started_on="2020-03-01", partner_kind="cooperative",
                                partner_name="茶叶专业合作社")
    before = Income.objects.filter(household=hh, year=2020).first()
    base_prop = before.property_income if before else Decimal(0)
    base_wage = before.wage_income if before else Decimal(0)
    benefits.add_payout(actor=cadre, link=link, paid_on="2020-12-20", amount="600")
    benefits.add_payout(actor=cadre, link=wage, paid_on="2020-11-30", amount="2400.50")
    income = Income.objects.get(household=hh, year=2020)
    assert income.property_income == base_prop + Decimal("600")
    assert income.wage_income == base_wage + Decimal("2400.50")
    flows = IncomeFlow.objects.filter(household=hh, source="projects.payout")
    assert sorted(f.ref for f in flows) == sorted(f"payout:{p.pk}" for p in Payout.objects.all())
    with pytest.raises(ValidationError, match="已登记"):
        benefits.add_payout(actor=cadre, link=link, paid_on="2020-12-20", amount="1")
    with pytest.raises(ValidationError, match="早于联结开始日期"):
        benefits.add_payout(actor=cadre, link=link, paid_on="2020-01-01", amount="1")
    with pytest.raises(ValidationError, match="不能为负数"):
        benefits.add_payout(actor=cadre, link=link, paid_on="2020-12-21", amount="-1")


def test_link_outside_project_area_and_bad_mode_refused(cadre, project):
    other_village = village_codes(1, township="500236002")[0]
    outside = make_household(other_village)
    admin = make_user("county_admin", "500236")
    with pytest.raises(ValidationError) as exc:
        benefits.create_link(actor=admin, household_no=outside.household_no, mode="x",
                             started_on="2020-03-01", project=project)
    assert {"household", "mode"} <= set(exc.value.message_dict)
    assert not BenefitLink.objects.exists()


def test_sales_and_asset_income(cadre):
    hh = make_household(VILLAGE_A)
    sale = benefits.record_sale(actor=cadre, seller_kind="household", household_no=hh.household_no,
                                channel="unit_purchase", product="土鸡蛋", amount="1350", sold_on="2020-05-01")
    assert sale.area_id == VILLAGE_A and sale.seller_name == hh.head_name
    with pytest.raises(ValidationError) as exc:
        benefits.record_sale(actor=cadre, seller_kind="cooperative", area_code=VILLAGE_A,
                             channel="tv", product="", amount="-3", sold_on="2999-01-01")
    assert {"channel", "product", "amount", "sold_on", "seller_name"} <= set(exc.value.message_dict)
    p = make_project(VILLAGE_A, until=State.ASSET_HANDED_OVER, start=dt.date(2020, 1, 10), year=2020)
    asset = p.assets.get()
    row = benefits.record_asset_income(actor=cadre, asset=asset, year=2020, amount="12000")
    assert row.amount == 12000
    with pytest.raises(ValidationError, match="移交年度"):
        benefits.record_asset_income(actor=cadre, asset=asset, year=2019, amount="1")
