"""Issue 11: the mechanism as policy says (MECHANISM.md §1–§5), one test per point, with the
exact probes of the issue."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from rest_framework.test import APIClient

from fupin.accounts.actors import SYSTEM
from fupin.cases import services
from fupin.cases.choices import Action, CaseStatus, Channel, LeadStatus
from fupin.cases.criteria import elimination_criteria, income_criterion, rigid_criterion
from fupin.cases.leads import raise_lead
from fupin.cases.workflow import IDENTIFICATION_STEPS, identification_days
from fupin.core.testing import VILLAGE_A, make_household, member_data
from fupin.monitoring.models import RiskEvent, Warning, WarningStatus
from fupin.registry import services as registry
from fupin.registry.figures import area_summary
from fupin.registry.models import Income

from .helpers import Team, advance, at, make_stable, open_id, set_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return Team(VILLAGE_A)


# 1. status changes only through a procedure ------------------------------------------------

def test_patch_of_monitoring_type_is_400_with_the_field_named(village_cadre):
    household = make_household(VILLAGE_A)
    api = APIClient()
    api.force_authenticate(village_cadre)
    resp = api.patch(f"/api/households/{household.pk}/", {"monitoring_type": "edge"}, format="json")
    assert resp.status_code == 400, resp.content
    assert "monitoring_type" in resp.json() and "识别纳入" in resp.json()["monitoring_type"][0]
    resp = api.patch(f"/api/households/{household.pk}/", {"household_type": "lifted",
                                                          "exit_year": 2019, "main_cause": "01"},
                     format="json")
    assert resp.status_code == 400 and "household_type" in resp.json()
    household.refresh_from_db()
    assert (household.monitoring_type, household.household_type) == ("", "ordinary")
    assert household.statuses.count() == 1
    # the record fields are read-only in the API; an ordinary edit still works
    resp = api.patch(f"/api/households/{household.pk}/", {"risk_eliminated": True,
                                                          "address": "二组 5 号"}, format="json")
    assert resp.status_code == 200
    household.refresh_from_db()
    assert household.address == "二组 5 号" and not household.risk_eliminated
    # creating a monitored or registered household directly is refused too
    resp = api.post("/api/households/", {
        "household_no": "NEWMON1", "area": VILLAGE_A, "monitoring_type": "sudden",
        "members": [{k: v for k, v in member_data("孙七").items()}]}, format="json")
    assert resp.status_code == 400 and "monitoring_type" in resp.json()


# 2. elimination keeps the record ------------------------------------------------------------

def test_elimination_keeps_the_record_and_the_household_in_the_statistics(team):
    household = make_household(VILLAGE_A, members=[member_data("周一"),
                                                   member_data("周二", relation="spouse")])
    advance(team, open_id(team, household, now=at(2025, 6, 2)), start=at(2025, 6, 2))
    make_stable(household)
    before = area_summary(VILLAGE_A)
    assert (before["monitored_households"], before["at_risk_households"],
            before["eliminated_households"]) == (1, 1, 0)
    case = advance(team, services.open_elimination(actor=team.village, household=household,
                                                   mode="assisted", now=at(2026, 3, 1)),
                   start=at(2026, 3, 2))
    assert case.status == CaseStatus.APPROVED
    household.refresh_from_db()
    assert household.monitoring_type == "edge" and household.risk_eliminated
    assert household.risk_eliminated_case == case.pk and household.risk_identified_on
    after = area_summary(VILLAGE_A)
    assert (after["monitored_households"], after["monitored_people"]) == (1, 2)
    assert (after["at_risk_households"], after["eliminated_households"],
            after["eliminated_people"]) == (0, 1, 2)
    # it stays on the visit schedule: assistance sees a monitored household
    from fupin.registry.models import Household
    assert Household.objects.monitored().filter(pk=household.pk).exists()
    assert not Household.objects.at_risk().filter(pk=household.pk).exists()
    out = StringIO()
    call_command("summary", "--area", VILLAGE_A, stdout=out)
    assert "风险已消除" in out.getvalue() and "风险未消除" in out.getvalue()


# 3. elimination criteria: current-year income, after identification, spending, risk -----------

def test_2020_income_is_refused_in_2026(household):
    set_lines(2026)
    income = registry.set_income(actor=SYSTEM, household=household, year=2020,
                                 components={"wage_income": Decimal("20000")}, members_counted=1)
    assert income.per_capita > 6000
    result = income_criterion(household, dt.date(2026, 12, 1))
    assert not result.ok
    assert "2020 年" in result.detail and "过时" in result.detail


def test_income_before_identification_does_not_count(household):
    set_lines(2026)
    registry.set_income(actor=SYSTEM, household=household, year=2025,
                        components={"wage_income": Decimal("9000")}, members_counted=1)
    result = income_criterion(household, dt.date(2026, 3, 1), since_day=dt.date(2026, 1, 10))
    assert not result.ok and "识别（2026-01-10）之前" in result.detail
    # identified mid-2025: July–December counts, six months
    assert income_criterion(household, dt.date(2026, 3, 1), since_day=dt.date(2025, 7, 1)).ok
    assert not income_criterion(household, dt.date(2026, 3, 1), stable_months=7,
                                since_day=dt.date(2025, 7, 1)).ok


def test_rigid_spending_and_the_identifying_risk_must_be_solved(household):
    """A 突发严重困难户 with ¥80,000 medical costs against ¥20,000 income does not pass."""
    set_lines(2026)
    registry.set_income(actor=SYSTEM, household=household, year=2025,
                        components={"wage_income": Decimal("20000")}, members_counted=1)
    RiskEvent.objects.create(household=household, area_id=household.area_id, kind="medical",
                             date=dt.date(2026, 1, 20), amount=Decimal("80000"))
    rigid = rigid_criterion(household, dt.date(2026, 2, 10))
    assert not rigid.ok and "合计 80000.00 元" in rigid.detail and "20000.00 元" in rigid.detail
    criteria = {c.code: c for c in elimination_criteria(household, dt.date(2026, 2, 10),
                                                       risks=["illness"])}
    assert not criteria["risk_illness"].ok
    assert not criteria["food_clothing"].ok and "未核实" in criteria["food_clothing"].detail


def test_school_ages_home_teaching_exemption_and_unknown(household):
    on = dt.date(2026, 3, 1)
    kid: dict[str, Any] = {"relation": "son", "birth": dt.date(2016, 5, 1)}
    home = make_household(VILLAGE_A, members=[member_data("甲"), member_data(
        "乙", schooling="home_taught", disabled=True, disability_grade="1", **kid)])
    exempt = make_household(VILLAGE_A, members=[member_data("丙"), member_data(
        "丁", schooling="none", disabled=True, disability_grade="1", school_exempt=True, **kid)])
    blank = make_household(VILLAGE_A, members=[member_data("戊"), member_data(
        "己", schooling="", **kid)])
    dropout = make_household(VILLAGE_A, members=[member_data("庚"), member_data(
        "辛", schooling="none", disabled=True, disability_grade="2", **kid)])

    def education(h):
        return next(c for c in elimination_criteria(h, on, risks=[]) if c.code == "education")
    assert education(home).ok and "送教上门 1 人" in education(home).detail
    assert education(exempt).ok and "免学缓学 1 人" in education(exempt).detail
    assert not education(blank).ok and "未登记" in education(blank).detail
    assert not education(dropout).ok and "失学辍学" in education(dropout).detail
    # ages come from the settings
    from fupin.monitoring.services import set_setting
    set_setting(actor=SYSTEM, key="school_age_max", value="8", area_code=VILLAGE_A[:6])
    assert education(dropout).ok


def test_village_steps_blocked_until_an_approver_overrides(team):
    household = make_household(VILLAGE_A)
    advance(team, open_id(team, household, now=at(2025, 6, 2)), start=at(2025, 6, 2))
    set_lines(2026)
    case = services.open_elimination(actor=team.village, household=household, mode="natural",
                                     now=at(2026, 3, 1))
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="elim_visit", action=Action.SUBMIT,
                     version=case.version, data={"verifiers": "李四,王五"}, now=at(2026, 3, 2))
    assert "风险消除条件未全部满足" in str(err.value)
    case = services.override_criteria(actor=team.county, case=case, version=case.version,
                                      reason="房屋已于上月完成加固，鉴定报告待出具")
    case = services.act(actor=team.village, case=case, step="elim_visit", action=Action.SUBMIT,
                        version=case.version, data={"verifiers": "李四,王五"}, now=at(2026, 3, 2))
    assert case.step == "elim_appraisal" and "鉴定报告" in case.override_reason


# 4. clocks ----------------------------------------------------------------------------------

def test_step_limits_summing_to_30_are_refused(county_admin):
    assert identification_days() <= 15 == sum(s.default_days for s in IDENTIFICATION_STEPS)
    thirty = {"village_review": 2, "home_visit": 3, "undertaking": 2, "data_check": 5,
              "appraisal": 3, "notice": 7, "township_review": 3, "county_approval": 3,
              "announcement": 2}
    assert sum(thirty.values()) == 30
    with pytest.raises(ValidationError) as err:
        services.save_settings(actor=county_admin, county_code="500236", values={},
                               step_days=thirty)
    assert "合计 30 天，超过总时限 15 天" in str(err.value)
    services.save_settings(actor=county_admin, county_code="500236",
                           values={"identification_total_days": 30}, step_days=thirty)


def test_back_dated_notice_is_refused(team):
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household, now=at(2026, 3, 1)), until="notice",
                   start=at(2026, 3, 1, 11))
    for start in ("2026-02-28", "2026-03-04"):  # before the case; after today
        with pytest.raises(ValidationError) as err:
            services.act(actor=team.village2, case=case, step="notice",
                         action=Action.START_NOTICE, version=case.version,
                         data={"start": start, "days": 5}, now=at(2026, 3, 2))
        assert "start" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village2, case=case, step="notice", action=Action.START_NOTICE,
                     version=case.version, data={"start": "2026-02-28", "days": 5},
                     now=at(2026, 3, 2))
    assert "早于立案日期 2026-03-01，不能倒签" in str(err.value)


def test_lead_clock_runs_from_the_day_found_and_the_decision_closes_it(team, village_cadre):
    household = make_household(VILLAGE_A)
    lead = raise_lead(actor=village_cadre, household=household, channel=Channel.SELF_REPORT,
                      found_on=dt.date(2026, 2, 20), description="农户自主申报：因病支出大")
    assert lead.deadline == dt.date(2026, 3, 7) and lead.status == LeadStatus.NEW
    assert raise_lead(actor=SYSTEM, household=household, channel=Channel.SELF_REPORT,
                      description="重复申报") == lead  # one live lead per channel
    with pytest.raises(ValidationError):
        raise_lead(actor=SYSTEM, household=household, channel=Channel.CADRE,
                   found_on=dt.date(2099, 1, 1), description="未来")
    case = open_id(team, household, now=at(2026, 3, 1), lead_id=lead.pk,
                   channel=Channel.SELF_REPORT)
    assert case.found_on == dt.date(2026, 2, 20) and case.due_date == dt.date(2026, 3, 7)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.IN_PROCEDURE and lead.case_id == case.pk
    services.act(actor=team.village, case=case, step="village_review", action=Action.REJECT,
                 version=case.version, comment="收入稳定", now=at(2026, 3, 2))
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NOT_INCLUDED and lead.decided_on == dt.date(2026, 3, 2)


def test_overdue_inbox_is_live_without_the_nightly_job(client, team):
    household = make_household(VILLAGE_A)
    case = open_id(team, household, now=at(2026, 1, 5))
    assert not case.overdue  # nothing has run
    client.force_login(team.village)
    body = client.get("/cases/overdue/?level=village").content.decode()
    assert household.household_no in body


# 5. types by policy --------------------------------------------------------------------------

@pytest.mark.parametrize("household_type, ok", [("lifted", True), ("poor", False),
                                                 ("ordinary", False)])
def test_unstable_only_for_lifted_households(team, household_type, ok):
    household = make_household(VILLAGE_A, household_type=household_type)
    if ok:
        open_id(team, household, monitoring_type="unstable")
        return
    with pytest.raises(ValidationError) as err:
        open_id(team, household, monitoring_type="unstable")
    assert "脱贫户" in err.value.message_dict["monitoring_type"][0]


# 6. lines by year and area --------------------------------------------------------------------

def test_a_year_without_a_line_is_loud_and_rules_do_not_fire(household):
    registry.set_income(actor=SYSTEM, household=household, year=2024,
                        components={"wage_income": Decimal("3000")}, members_counted=1)
    out = StringIO()
    call_command("monitor", "sweep", "--area", VILLAGE_A[:6], "--as-of", "2025-06-30", "--json",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert {"area": VILLAGE_A[:6], "year": 2024, "key": "poverty_line"} in data["missing_lines"]
    assert {"area": VILLAGE_A[:6], "year": 2025, "key": "monitoring_line"} in data["missing_lines"]
    assert not Warning.objects.filter(household=household, rule__code="INCOME_BELOW_LINE").exists()
    # 2020 and 2021 lines are bundled: 6,000 each, never carried into 2024
    from fupin.monitoring.lines import line_value
    assert line_value("monitoring_line", VILLAGE_A, 2021) == 6000
    assert line_value("monitoring_line", VILLAGE_A, 2024) is None
    from fupin.monitoring.services import set_setting
    with pytest.raises(ValidationError) as err:
        set_setting(actor=SYSTEM, key="poverty_line", value="4500", year_from=2024)
    assert "source_doc" in err.value.message_dict
    set_setting(actor=SYSTEM, key="poverty_line", value="4500", year_from=2024, source_doc="省文件")
    call_command("monitor", "sweep", "--area", VILLAGE_A[:6], "--as-of", "2025-06-30", "--json",
                 stdout=StringIO())
    assert Warning.objects.filter(household=household, rule__code="INCOME_BELOW_LINE").exists()


# 8. rigid spending rule: school costs count, ordinary households without income are covered ---

def test_rigid_spending_rule_for_an_ordinary_household_without_income():
    from fupin.monitoring.services import evaluate
    household = make_household(VILLAGE_A, members=[member_data("吴一"),
                                                   member_data("吴二", relation="spouse")])
    for kind, amount in (("education", "4000"), ("medical", "3000")):
        RiskEvent.objects.create(household=household, area_id=household.area_id, kind=kind,
                                 date=dt.date(2021, 5, 1), amount=Decimal(amount))
    evaluate(dt.date(2021, 6, 30))  # no income: 2 people × 2021 line 6,000 = 12,000; 50 % = 6,000
    w = Warning.objects.get(household=household, rule__code="MEDICAL_BURDEN")
    assert Decimal(str(w.values["rigid_cost_12m"])) == Decimal("7000")
    assert "教育支出 4,000 元" in w.explanation
    assert not Income.objects.filter(household=household).exists()


# 9. a warning is closed by the decision of its case ---------------------------------------------

def test_warning_decided_by_its_case_and_inbox_trays(client, team):
    from fupin.monitoring.services import evaluate
    household = make_household(VILLAGE_A, household_type="lifted")
    registry.set_income(actor=SYSTEM, household=household, year=2020,
                        components={"wage_income": Decimal("3000")}, members_counted=1)
    evaluate(dt.date(2020, 9, 1))
    warning = Warning.objects.get(household=household, rule__code="INCOME_BELOW_LINE")
    client.force_login(team.village)
    trays = {code: n for code, _label, n in client.get("/monitoring/warnings/").context["stages"]}
    assert trays == {"new": 1, "in_procedure": 0, "decided": 0}
    case = open_id(team, household, warning_id=warning.pk, channel=Channel.WARNING,
                   now=at(2026, 3, 1))
    trays = {code: n for code, _label, n in client.get("/monitoring/warnings/").context["stages"]}
    assert trays == {"new": 0, "in_procedure": 1, "decided": 0}
    STEP = {"county_approval": {"monitoring_type": "unstable", "main_risk": "illness"}}
    from . import helpers
    old = dict(helpers.STEP_DATA)
    helpers.STEP_DATA.update(STEP)
    try:
        advance(team, case, start=at(2026, 3, 1, 11))
    finally:
        helpers.STEP_DATA.clear()
        helpers.STEP_DATA.update(old)
    warning.refresh_from_db()
    assert warning.status == WarningStatus.DECIDED and warning.decision == "included"
    assert warning.decided_case_id == case.pk
    # a later sweep refreshes the decided warning instead of opening a new one
    evaluate(dt.date(2020, 9, 2))
    assert Warning.objects.filter(household=household, rule__code="INCOME_BELOW_LINE").count() == 1
    resp = client.get("/monitoring/warnings/?stage=decided")
    assert household.household_no in resp.content.decode()
    assert "纳入监测" in client.get(f"/monitoring/warnings/{warning.pk}/").content.decode()


def test_lead_list_page_shows_found_day_and_deadline(client, village_cadre):
    household = make_household(VILLAGE_A)
    raise_lead(actor=village_cadre, household=household, channel=Channel.DEPARTMENT,
               found_on=dt.date(2026, 1, 2), description="民政部门比对：低保边缘")
    client.force_login(village_cadre)
    body = client.get("/cases/leads/?status=new").content.decode()
    assert household.household_no in body and "2026-01-17" in body


def test_open_identification_page_from_a_lead(client, village_cadre):
    household = make_household(VILLAGE_A)
    lead = raise_lead(actor=village_cadre, household=household, channel=Channel.SELF_REPORT,
                      found_on=dt.date(2026, 11, 25), description="农户申请：突发重病")
    client.force_login(village_cadre)
    page = client.get(f"/cases/add/?lead_id={lead.pk}")
    assert page.context["form"].initial["found_on"] == dt.date(2026, 11, 25)
    resp = client.post("/cases/add/", {"household": household.household_no, "channel": "self_report",
                                       "lead_id": lead.pk, "lead": "农户申请：突发重病"})
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    from fupin.cases.models import Case
    case = Case.objects.get(household=household)
    assert case.found_on == dt.date(2026, 11, 25) and case.source_lead_id == lead.pk
    assert case.due_date == dt.date(2026, 12, 10)
