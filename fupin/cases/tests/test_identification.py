import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.cases import services
from fupin.cases.choices import Action, CaseStatus, Channel
from fupin.cases.models import Attachment
from fupin.cases.workflow import IDENTIFICATION_STEPS
from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.monitoring.testing import make_warning
from fupin.registry.models import Household

from .helpers import Team, advance, at, open_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    return Team(VILLAGE_A)


def test_full_identification_marks_household_monitored(team):
    household = make_household(VILLAGE_A)
    case = open_id(team, household, now=at(2026, 3, 1), help_first=True)
    assert case.step == "village_review" and case.help_first
    assert case.due_date == dt.date(2026, 3, 16)
    case = advance(team, case)
    assert case.status == CaseStatus.APPROVED and case.step == "done"
    household.refresh_from_db()
    assert household.monitoring_type == "edge"
    assert household.risk_types == ["illness", "schooling"]
    status = household.statuses.get(valid_to__isnull=True)
    assert status.monitoring_type == "edge" and "识别纳入" in status.reason
    # every step is in the timeline with actor, time and comment
    actions = list(case.steps.values_list("step", "action"))
    assert actions[0] == ("village_review", Action.OPEN)
    assert [s.code for s in IDENTIFICATION_STEPS] == [
        s for s, a in actions[1:] if a in (Action.SUBMIT, Action.APPROVE)]
    assert all(s.actor_id for s in case.steps.all())
    assert Attachment.objects.filter(case=case).count() == 2
    att = Attachment.objects.filter(case=case).get(step_code="undertaking")
    assert len(att.sha256) == 64 and str(att.file.name).startswith("cases/")
    assert case.history.count() > 5


@pytest.mark.parametrize("step", [s.code for s in IDENTIFICATION_STEPS if s.can_reject])
def test_rejection_at_each_step_leaves_household_as_it_was(team, step):
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until=step)
    assert case.step == step
    fields = [f.name for f in Household._meta.concrete_fields if f.name != "updated_at"]
    before = list(Household.objects.filter(pk=household.pk).values(*fields))
    actor = team.for_step(step)
    with pytest.raises(ValidationError) as err:
        services.act(actor=actor, case=case, step=step, action=Action.REJECT, version=case.version)
    assert "理由" in str(err.value)
    case = services.act(actor=actor, case=case, step=step, action=Action.REJECT,
                        version=case.version, comment="经核实不符合条件")
    assert case.status == CaseStatus.REJECTED and "不予通过" in case.result_reason
    after = list(Household.objects.filter(pk=household.pk).values(*fields))
    assert before == after
    assert household.statuses.count() == 1
    # the household may be identified again later
    assert open_id(team, household).pk != case.pk


def test_lead_from_warning_and_no_duplicate_case(team):
    household = make_household(VILLAGE_A)
    with pytest.raises(ValidationError) as err:
        open_id(team, household, channel=Channel.WARNING)
    assert "预警" in str(err.value)
    with pytest.raises(ValidationError) as err:
        open_id(team, household, channel=Channel.WARNING, warning_id=999999)
    assert "不存在" in str(err.value)
    wid = make_warning(household).pk
    case = open_id(team, household, channel=Channel.WARNING, warning_id=wid)
    assert case.source_warning_id == wid
    assert case.source_warning is not None and case.source_warning.household == household
    with pytest.raises(ValidationError) as err:
        open_id(team, household)
    assert "办理中" in str(err.value)


def test_edge_type_needs_ordinary_household(team):
    household = make_household(VILLAGE_A, household_type="lifted")
    case = advance(team, open_id(team, household), until="county_approval")
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.county, case=case, step="county_approval",
                     action=Action.APPROVE, version=case.version,
                     data={"monitoring_type": "edge", "main_risk": "illness"})
    assert "一般农户" in str(err.value)
    case = services.act(actor=team.county, case=case, step="county_approval",
                        action=Action.APPROVE, version=case.version,
                        data={"monitoring_type": "unstable", "main_risk": "disaster"})
    household.refresh_from_db()
    assert household.monitoring_type == "unstable"


def test_county_admin_who_reviewed_may_not_approve(team):
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until="township_review")
    # a county admin may do the township review, but then not the county approval
    case = services.act(actor=team.county, case=case, step="township_review",
                        action=Action.APPROVE, version=case.version, comment="审核同意")
    assert services.blockers(team.county, case)
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.county, case=case, step="county_approval", action=Action.APPROVE,
                     version=case.version, data={"monitoring_type": "edge", "main_risk": "illness"})
    assert "不能再审核“县级审定”" in str(err.value)
    case = services.act(actor=team.county2, case=case, step="county_approval",
                        action=Action.APPROVE, version=case.version,
                        data={"monitoring_type": "edge", "main_risk": "illness"})
    assert case.step == "announcement"


def test_maker_checker_on_approval_step(team):
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until="notice")
    # the county admin posts and closes the notice? No: a village step. Use a superuser.
    boss = make_user("county_admin", "500236", is_superuser=True)
    case = services.act(actor=boss, case=case, step="notice", action=Action.START_NOTICE,
                        version=case.version, data={"days": 5}, now=at(2026, 4, 1))
    case = services.act(actor=boss, case=case, step="notice", action=Action.SUBMIT,
                        version=case.version, now=at(2026, 4, 7))
    with pytest.raises(ValidationError) as err:
        services.act(actor=boss, case=case, step="township_review", action=Action.APPROVE,
                     version=case.version, now=at(2026, 4, 7))
    assert "审核人与提交人须为不同的人" in str(err.value)
    with pytest.raises(ValidationError):
        services.act(actor=boss, case=case, step="township_review", action=Action.REJECT,
                     comment="x", version=case.version, now=at(2026, 4, 7))
    assert services.blockers(boss, case)
    case = services.act(actor=team.township, case=case, step="township_review",
                        action=Action.APPROVE, version=case.version, now=at(2026, 4, 7))
    assert case.step == "county_approval"


def test_role_and_scope_are_enforced(team):
    household = make_household(VILLAGE_A)
    case = open_id(team, household)
    with pytest.raises(PermissionDenied) as err:
        services.act(actor=team.county, case=case, step="village_review",
                     action=Action.SUBMIT, version=case.version)
    assert "村干部" in str(err.value)
    outsider = make_user("village_cadre", "500236001002")
    with pytest.raises(PermissionDenied) as err:
        services.act(actor=outsider, case=case, step="village_review",
                     action=Action.SUBMIT, version=case.version)
    assert "管辖范围" in str(err.value)
    inspector = make_user("inspector", "500236")
    with pytest.raises(PermissionDenied):
        services.act(actor=inspector, case=case, step="village_review",
                     action=Action.SUBMIT, version=case.version)
    with pytest.raises(PermissionDenied):
        services.open_identification(actor=outsider, household=household, channel="cadre",
                                     lead="x")


def test_stale_version_is_told_the_case_moved_on(team):
    household = make_household(VILLAGE_A)
    case = open_id(team, household)
    seen = case.version
    services.act(actor=team.village, case=case, step="village_review", action=Action.SUBMIT,
                 version=seen)
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village2, case=case, step="village_review",
                     action=Action.SUBMIT, version=seen)
    assert "已被他人办理" in str(err.value) and "入户核查" in str(err.value)
    # same step, stale version (another action on the step happened in between)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.act(actor=team.village2, case=case, step="home_visit", action=Action.SUBMIT,
                     version=seen, data={"verifiers": "甲,乙"})


def test_notice_rules(team):
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until="notice")
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="notice", action=Action.SUBMIT,
                     version=case.version, now=at(2026, 3, 10))
    assert "尚未张贴公示" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="notice", action=Action.START_NOTICE,
                     version=case.version, data={"days": 4}, now=at(2026, 3, 10))
    assert "5–30" in str(err.value)
    case = services.act(actor=team.village, case=case, step="notice", action=Action.START_NOTICE,
                        version=case.version, data={"days": 5}, now=at(2026, 3, 10))
    assert case.notice_end == dt.date(2026, 3, 14)
    objection = services.record_objection(actor=team.village, case=case, content="他家有车",
                                          raised_by="村民甲", raised_on=dt.date(2026, 3, 11))
    with pytest.raises(ValidationError) as err:  # still within the period
        services.act(actor=team.village, case=case, step="notice", action=Action.SUBMIT,
                     version=case.version, now=at(2026, 3, 14, 23, 59))
    assert "期满后" in str(err.value)
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="notice", action=Action.SUBMIT,
                     version=case.version, now=at(2026, 3, 15, 0, 1))
    assert "未答复" in str(err.value)
    services.answer_objection(actor=team.village, objection=objection,
                              answer="经核实车辆已于去年报废", upheld=False)
    case = services.act(actor=team.village, case=case, step="notice", action=Action.SUBMIT,
                        version=case.version, now=at(2026, 3, 15, 0, 1))
    assert case.step == "township_review"


def test_attachment_required_and_checked(team):
    household = make_household(VILLAGE_A)
    case = advance(team, open_id(team, household), until="undertaking")
    with pytest.raises(ValidationError) as err:
        services.act(actor=team.village, case=case, step="undertaking", action=Action.SUBMIT,
                     version=case.version)
    assert "承诺授权查询书" in str(err.value)
