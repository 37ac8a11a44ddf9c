import datetime as dt

import pytest
from django.core.management import call_command

from fupin.cases import services
from fupin.cases.choices import Action, Escalation
from fupin.cases.deadlines import escalate
from fupin.cases.models import Case
from fupin.core.testing import VILLAGE_A, make_household

from .helpers import Team, at, open_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return Team(VILLAGE_A)


def test_home_visit_deadline_crosses_midnight_in_shanghai(team):
    household = make_household(VILLAGE_A)
    case = open_id(team, household, now=at(2026, 1, 10, 23, 30))  # 15:30 UTC on the 10th
    # 23:50 Shanghai on the 10th is the 10th; the visit step starts then: 1 day -> the 11th
    case = services.act(actor=team.village, case=case, step="village_review",
                        action=Action.SUBMIT, version=case.version, now=at(2026, 1, 10, 23, 50))
    assert case.step == "home_visit" and case.step_due == dt.date(2026, 1, 11)
    # 23:59 on the 11th in Shanghai (15:59 UTC): not overdue yet
    escalate(now=at(2026, 1, 11, 23, 59))
    case.refresh_from_db()
    assert not case.overdue
    # 00:01 on the 12th in Shanghai is still the 11th in UTC: overdue
    moment = at(2026, 1, 12, 0, 1)
    assert moment.astimezone(dt.UTC).date() == dt.date(2026, 1, 11)
    assert case.is_overdue_on(dt.date(2026, 1, 12)) and not case.is_overdue_on(dt.date(2026, 1, 11))
    result = escalate(now=moment)
    case.refresh_from_db()
    assert case.overdue and case.overdue_since == dt.date(2026, 1, 12)
    assert result["marked_overdue"] == 1
    assert case.escalation == Escalation.TOWNSHIP  # default: after 1 day overdue
    escalate(now=at(2026, 1, 14, 0, 1))
    case.refresh_from_db()
    assert case.escalation == Escalation.COUNTY  # default: after 3 days overdue
    # the step is done late: recorded as overdue, the case is no longer overdue
    case = services.act(actor=team.village, case=case, step="home_visit", action=Action.SUBMIT,
                        version=case.version, data={"verifiers": "甲,乙"},
                        now=at(2026, 1, 16, 9))
    last = case.steps.order_by("-seq").first()
    assert last.was_overdue
    assert not case.overdue and case.escalation == ""


def test_whole_identification_limit_runs_from_the_lead_and_county_settings(team, county_admin):
    household = make_household(VILLAGE_A)
    services.save_settings(actor=county_admin, county_code="500236",
                           values={"identification_total_days": 16, "township_escalation_days": 1,
                                   "county_escalation_days": 1},
                           step_days={"village_review": 2})
    # the lead was found on 20 January; the case is opened on 1 February: 16 days from the 20th
    case = open_id(team, household, now=at(2026, 2, 1, 8), found_on=dt.date(2026, 1, 20))
    assert case.found_on == dt.date(2026, 1, 20)
    assert case.due_date == dt.date(2026, 2, 5) and case.step_due == dt.date(2026, 2, 3)
    escalate(now=at(2026, 2, 3, 23))
    assert not Case.objects.get(pk=case.pk).overdue
    call_command("cases", "escalate", "--now", "2026-02-04T00:30:00+08:00")
    case.refresh_from_db()
    assert case.overdue and case.escalation == Escalation.COUNTY


def test_settings_only_by_county_admin(township_staff):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.save_settings(actor=township_staff, county_code="500236", values={})
