
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.accounts.actors import SYSTEM
from fupin.cases import services
from fupin.cases.choices import Action, CaseStatus, Channel
from fupin.cases.eligibility import income_criterion
from fupin.cases.workflow import ELIMINATION_STEPS
from fupin.core.testing import VILLAGE_A, make_household, member_data
from fupin.registry import services as registry
from fupin.registry.models import Income

from .helpers import Team, advance, at, make_stable, open_id, set_lines

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def lines(db):
    set_lines(2024, 2025, 2026)


@pytest.fixture
def team(db):
    return Team(VILLAGE_A)


def monitored(team, **kw):
    household = make_household(VILLAGE_A, **kw)
    advance(team, open_id(team, household, now=at(2025, 6, 2)), start=at(2025, 6, 2))
    household.refresh_from_db()
    assert household.monitoring_type == "edge"
    return household


def test_full_elimination_and_rollback_and_reflag(team):
    household = monitored(team)
    make_stable(household)
    case = services.open_elimination(actor=team.village, household=household, mode="assisted",
                                     now=at(2026, 3, 1))
    assert all(c["ok"] for c in case.criteria), case.criteria
    case = advance(team, case, start=at(2026, 3, 2))
    assert case.status == CaseStatus.APPROVED
    household.refresh_from_db()
    # the record is kept (MECHANISM §5.3): still a monitored household, risk eliminated
    assert household.monitoring_type == "edge" and household.risk_eliminated
    assert household.risk_eliminated_on == case.decided_on == dt.date(2026, 3, 8)
    assert household.risk_eliminated_case == case.pk
    assert household.risk_identified_on is not None and household.risk_identified_case
    assert household.risk_types == ["illness", "schooling"]
    statuses = list(household.statuses.order_by("valid_from").values_list(
        "monitoring_type", "risk_eliminated"))
    assert statuses == [("", False), ("edge", False), ("edge", True)]
    assert "风险消除（帮扶消除" in household.statuses.get(valid_to__isnull=True).reason
    # rollback (风险消除回退)
    with pytest.raises(ValidationError):
        services.rollback_elimination(actor=team.county, case=case, reason="")
    case = services.rollback_elimination(actor=team.county, case=case, reason="复核发现收入不稳",
                                         now=at(2026, 3, 20))
    household.refresh_from_db()
    assert household.monitoring_type == "edge" and case.status == CaseStatus.ROLLED_BACK
    assert not household.risk_eliminated and household.risk_eliminated_on is None
    assert case.steps.filter(action=Action.ROLLBACK).exists()
    # eliminate again, then re-flag (风险再标注) opens a new identification linked to it
    again = advance(team, services.open_elimination(actor=team.village, household=household,
                                                    mode="natural", now=at(2026, 4, 1)),
                    start=at(2026, 4, 2))
    household.refresh_from_db()
    assert household.risk_eliminated
    reflag = open_id(team, household, channel=Channel.REFLAG, now=at(2026, 4, 20))
    assert reflag.reflag_of_id == again.pk
    assert household.cases.count() == 4  # nothing is deleted


@pytest.mark.parametrize("step", [s.code for s in ELIMINATION_STEPS])
def test_elimination_rejection_keeps_household_monitored(team, step):
    household = monitored(team)
    make_stable(household)
    case = services.open_elimination(actor=team.village, household=household, mode="assisted",
                                     now=at(2026, 3, 1))
    case = advance(team, case, until=step, start=at(2026, 3, 2))
    case = services.act(actor=team.for_step(step), case=case, step=step, action=Action.REJECT,
                        version=case.version, comment="帮扶措施未落实到位")
    household.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and household.monitoring_type == "edge"


def test_no_labour_household_is_refused(team):
    household = monitored(team, members=[member_data("赵老汉", labour="lost"),
                                         member_data("钱婆", relation="spouse", labour="none")])
    make_stable(household)
    with pytest.raises(ValidationError) as err:
        services.open_elimination(actor=team.village, household=household, mode="assisted")
    assert "无劳动能力户，不得标注风险消除" in str(err.value)


def test_unmet_criteria_block_acceptance(team):
    household = monitored(team)
    registry.set_income(actor=SYSTEM, household=household, year=2025,
                        components={"wage_income": Decimal("5000")}, members_counted=1)
    case = services.open_elimination(actor=team.village, household=household, mode="natural",
                                     now=at(2026, 3, 1))
    assert not next(c for c in case.criteria if c["code"] == "income")["ok"]
    # failing criteria block the village steps: no visit, appraisal or notice
    with pytest.raises(ValidationError) as err:
        advance(team, case, until="township_acceptance", start=at(2026, 3, 2))
    text = str(err.value)
    assert "未超过 2026 年监测线 6000 元" in text and "未做住房安全鉴定" in text
    case.refresh_from_db()
    assert case.step == "elim_visit"
    # an approver may let it go on only with a written reason, kept and shown
    with pytest.raises(ValidationError):
        services.override_criteria(actor=team.township, case=case, reason="短", version=case.version)
    with pytest.raises(PermissionDenied):  # the village may not approve it
        services.override_criteria(actor=team.village, case=case, reason="x" * 12,
                                   version=case.version)
    case = services.override_criteria(actor=team.township, case=case, version=case.version,
                                      reason="户主已签订长期务工合同，收入下月起稳定超线")
    case = advance(team, case, until="county_confirmation", start=at(2026, 3, 2))
    assert case.step == "county_confirmation" and case.override_reason.startswith("户主")
    assert case.steps.filter(action=Action.OVERRIDE).exists()


def _income(household, start, end, per_capita):
    income = registry.set_income(actor=SYSTEM, household=household, year=start.year,
                                 components={"wage_income": Decimal(per_capita)}, members_counted=1)
    Income.objects.filter(pk=income.pk).update(window_start=start, window_end=end)


@pytest.mark.parametrize("end,ok", [(dt.date(2025, 6, 30), True), (dt.date(2025, 6, 29), False)])
def test_six_months_boundary(household, end, ok):
    # half a year at 3,100 per person = 6,200 a year: above the 6,000 line
    days = (end - dt.date(2025, 1, 1)).days + 1
    per_capita = (Decimal("6200") * days / 365).quantize(Decimal("0.01"))
    _income(household, dt.date(2025, 1, 1), end, per_capita)
    result = income_criterion(household, dt.date(2025, 8, 1))
    assert result.ok is ok, result.detail


def test_income_at_the_line_is_not_above(household):
    _income(household, dt.date(2025, 1, 1), dt.date(2025, 12, 31), "6000")
    assert not income_criterion(household, dt.date(2026, 2, 1)).ok
    assert income_criterion(household, dt.date(2026, 2, 1), line=Decimal("5999.99")).ok


def test_income_stability_spans_joined_windows(household):
    _income(household, dt.date(2024, 7, 1), dt.date(2024, 12, 31), "3500")
    registry.set_income(actor=SYSTEM, household=household, year=2025,
                        components={"wage_income": Decimal("1000")}, members_counted=1)
    Income.objects.filter(household=household, year=2025).update(
        window_start=dt.date(2025, 1, 1), window_end=dt.date(2025, 3, 31))
    # latest quarter is 1,000 ≈ 4,055 a year: below the line
    assert not income_criterion(household, dt.date(2025, 5, 1)).ok


def test_elimination_notice_is_five_to_seven_days_and_upheld_objection_blocks(team):
    household = monitored(team)
    make_stable(household)
    case = services.open_elimination(actor=team.village, household=household, mode="assisted",
                                     now=at(2026, 3, 1))
    case = advance(team, case, until="elim_notice", start=at(2026, 3, 2))
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="elim_notice",
                     action=Action.START_NOTICE, version=case.version, data={"days": 8},
                     now=at(2026, 3, 3))
    assert "5–7" in str(err.value)
    case = services.act(actor=team.village, case=case, step="elim_notice",
                        action=Action.START_NOTICE, version=case.version, data={"days": 7},
                        now=at(2026, 3, 3))
    objection = services.record_objection(actor=team.village, case=case, content="仍在住院",
                                          raised_on=dt.date(2026, 3, 4))
    services.answer_objection(actor=team.village, objection=objection, answer="核实属实",
                              upheld=True)
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="elim_notice", action=Action.SUBMIT,
                     version=case.version, now=at(2026, 3, 11))
    assert "异议经核实成立" in str(err.value)


def test_rollback_only_by_county_admin(team):
    from django.core.exceptions import PermissionDenied
    household = monitored(team)
    make_stable(household)
    case = advance(team, services.open_elimination(actor=team.village, household=household,
                                                   mode="natural", now=at(2026, 3, 1)),
                   start=at(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        services.rollback_elimination(actor=team.township, case=case, reason="复核")
