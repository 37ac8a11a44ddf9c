"""The project library's procedure (MECHANISM §5.6): states, notices, objections, maker ≠ checker."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_user
from fupin.projects.choices import State
from fupin.projects.models import Asset, ProjectEvent
from fupin.projects.services import library
from fupin.projects.testing import MEETING, make_project

D0 = dt.date(2020, 1, 10)


def _propose(actor, **extra):
    data = {"name": "蔬菜基地", "category": "industry", "planned_funds": "300000",
            "expected_households": "20", "expected_people": "60", **MEETING, **extra}
    return library.propose(actor=actor, area_code=VILLAGE_A, data=data, on=D0)


@pytest.fixture
def people(db):
    return {"cadre": make_user("village_cadre", VILLAGE_A),
            "township": make_user("township_staff", TOWNSHIP_A),
            "township2": make_user("township_staff", TOWNSHIP_A),
            "county": make_user("county_admin", "500236"),
            "county2": make_user("county_admin", "500236")}


def test_full_procedure_by_distinct_people(people):
    p = _propose(people["cadre"])
    assert p.state == State.VILLAGE_PROPOSED and p.code.startswith("500236-2020-")
    day = D0
    def act(who, action, **data):
        nonlocal p, day
        p = library.act(actor=people[who], project=p, action=action, data=data, on=day)
        return p
    act("cadre", "village_notice", start=str(day), days=10)
    day += dt.timedelta(days=11)
    act("township", "township_review")
    act("township", "township_notice", start=str(day), end=str(day + dt.timedelta(days=12)))
    day += dt.timedelta(days=13)
    act("county", "sector_appraise")
    act("county2", "county_approve")
    act("county2", "county_notice", start=str(day))
    day += dt.timedelta(days=11)
    act("county2", "enter_library")
    assert p.state == State.IN_LIBRARY and p.library_year == 2020 and p.entered_library_on == day
    act("county", "plan", year=2020)
    from fupin.projects.models import FundSource
    from fupin.projects.services import funds
    src = funds.add_source(actor=people["county"], county_code="500236", kind="central",
                           name="中央财政衔接资金", year=2020, amount="1000000")
    funds.allocate(actor=people["county"], project=p, source=src, amount="300000", on=day)
    act("county", "fund")
    act("township", "start")
    act("township", "complete")
    with pytest.raises(PermissionDenied, match="审核与经办分离"):
        act("township", "accept")  # the one who reported completion may not accept
    act("township2", "accept")
    act("cadre", "site_notice", start=str(day))
    day += dt.timedelta(days=11)
    act("township2", "hand_over", assets=[{"name": "蔬菜大棚", "kind": "operating",
                                           "owner": "村股份经济合作联合社", "value": "280000",
                                           "maintainer": "村集体经济组织"}])
    assert p.state == State.ASSET_HANDED_OVER and p.handed_over_on == day
    assert Asset.objects.get(project=p).value == 280000
    assert FundSource.objects.get(pk=src.pk).allocated == 300000
    assert list(ProjectEvent.objects.filter(project=p).values_list("action", flat=True))[:3] == [
        "propose", "village_notice", "township_review"]


def test_proposer_cannot_review_or_appraise(people):
    boss = people["county"]  # a county admin proposing a county-level project
    p = library.propose(actor=boss, area_code="500236", data={
        "name": "全县产业路", "category": "infrastructure", "planned_funds": "1", **MEETING}, on=D0)
    p = library.act(actor=boss, project=p, action="village_notice", data={"start": str(D0)}, on=D0)
    later = D0 + dt.timedelta(days=11)
    with pytest.raises(PermissionDenied, match="审核与经办分离"):
        library.act(actor=boss, project=p, action="township_review", on=later)
    p = library.act(actor=people["county2"], project=p, action="township_review", on=later)
    p = library.act(actor=people["county2"], project=p, action="township_notice",
                    data={"start": str(later)}, on=later)
    later += dt.timedelta(days=11)
    p = library.act(actor=people["county2"], project=p, action="sector_appraise", on=later)
    with pytest.raises(PermissionDenied, match="行业部门论证"):  # appraiser may not approve
        library.act(actor=people["county2"], project=p, action="county_approve", on=later)
    with pytest.raises(PermissionDenied):  # nor the proposer
        library.act(actor=boss, project=p, action="county_approve", on=later)


def test_village_cadre_cannot_do_county_steps(people):
    p = make_project(VILLAGE_A, until=State.COUNTY_SECTOR_APPRAISED, start=D0)
    with pytest.raises(PermissionDenied, match="县级管理员"):
        library.act(actor=people["cadre"], project=p, action="county_approve", on=D0 + dt.timedelta(days=60))


def test_notice_shorter_than_ten_days_is_refused(people):
    p = _propose(people["cadre"])
    with pytest.raises(ValidationError) as exc:
        library.act(actor=people["cadre"], project=p, action="village_notice",
                    data={"start": "2020-01-10", "end": "2020-01-19"}, on=D0)
    assert "不少于 10 天" in exc.value.message_dict["end"][0]
    p.refresh_from_db()
    assert p.state == State.VILLAGE_PROPOSED and not p.notices.exists()


def test_cannot_move_on_before_notice_ends_or_with_open_objection(people):
    p = _propose(people["cadre"])
    p = library.act(actor=people["cadre"], project=p, action="village_notice",
                    data={"start": str(D0)}, on=D0)
    notice = p.notices.get()
    with pytest.raises(ValidationError, match="公示期未满"):
        library.act(actor=people["township"], project=p, action="township_review", on=D0 + dt.timedelta(days=5))
    obj = library.raise_objection(actor=people["cadre"], notice=notice, content="选址占用耕地",
                                  raised_on=D0 + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="尚未答复"):
        library.act(actor=people["township"], project=p, action="township_review", on=D0 + dt.timedelta(days=11))
    with pytest.raises(ValidationError, match="公示期内答复"):  # too late to answer
        library.answer_objection(actor=people["cadre"], objection=obj, answer="已核实",
                                 answered_on=D0 + dt.timedelta(days=11))
    # re-notice, and this time answer within the period
    p = library.act(actor=people["cadre"], project=p, action="renotice",
                    data={"start": str(D0 + dt.timedelta(days=12))}, on=D0 + dt.timedelta(days=12))
    new = library.current_notice(p, "village")
    assert new is not None
    assert new.pk != notice.pk
    obj2 = library.raise_objection(actor=people["cadre"], notice=new, content="占地补偿？",
                                   raised_on=D0 + dt.timedelta(days=13))
    library.answer_objection(actor=people["cadre"], objection=obj2, answer="按政策补偿，已公开",
                             answered_on=D0 + dt.timedelta(days=14))
    p = library.act(actor=people["township"], project=p, action="township_review",
                    on=D0 + dt.timedelta(days=23))
    assert p.state == State.TOWNSHIP_REVIEWED


def test_upheld_objection_blocks_and_return_goes_back(people):
    p = _propose(people["cadre"])
    p = library.act(actor=people["cadre"], project=p, action="village_notice", data={"start": str(D0)}, on=D0)
    obj = library.raise_objection(actor=people["cadre"], notice=p.notices.get(), content="受益户不实",
                                  raised_on=D0)
    library.answer_objection(actor=people["cadre"], objection=obj, answer="属实，调整", upheld=True,
                             answered_on=D0 + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="异议.*成立"):
        library.act(actor=people["township"], project=p, action="township_review", on=D0 + dt.timedelta(days=11))
    with pytest.raises(ValidationError, match="原因"):
        library.act(actor=people["cadre"], project=p, action="return", comment="", on=D0)
    p = library.act(actor=people["cadre"], project=p, action="return", comment="调整受益户名单", on=D0)
    assert p.state == State.VILLAGE_PROPOSED


def test_meeting_record_is_required(people):
    with pytest.raises(ValidationError) as exc:
        _propose(people["cadre"], meeting_agreed="10", meeting_attendees="30", meeting_minutes="")
    assert set(exc.value.message_dict) >= {"meeting_agreed", "meeting_minutes"}
    with pytest.raises(ValidationError) as exc:
        _propose(people["cadre"], planned_funds="-5", category="x")
    assert "不能为负数" in exc.value.message_dict["planned_funds"][0]
    assert "category" in exc.value.message_dict


def test_proposal_outside_scope_is_refused(people):
    with pytest.raises(PermissionDenied):
        library.propose(actor=people["cadre"], area_code="500236002001",
                        data={"name": "x", "category": "industry", "planned_funds": "1", **MEETING})


def test_removal_needs_reason_and_filing(people):
    p = make_project(VILLAGE_A, until=State.IN_LIBRARY, start=D0)
    when = D0 + dt.timedelta(days=60)
    with pytest.raises(ValidationError) as exc:
        library.act(actor=people["county"], project=p, action="remove", data={"reason": "不"}, on=when)
    assert "reason" in exc.value.message_dict
    p = library.act(actor=people["county"], project=p, action="remove",
                    data={"reason": "群众意愿变化，项目不再实施", "filing": "县扶贫办备〔2020〕3号"}, on=when)
    assert p.state == State.REMOVED and p.removed_on == when and p.removed_filing


def test_stale_version_is_refused(people):
    p = _propose(people["cadre"])
    with pytest.raises(ValidationError, match="版本"):
        library.act(actor=people["cadre"], project=p, action="village_notice", version=p.version + 1,
                    data={"start": str(D0)}, on=D0)


def test_wrong_action_for_state(people):
    p = _propose(people["cadre"])
    with pytest.raises(ValidationError, match="不能办理"):
        library.act(actor=people["county"], project=p, action="enter_library", on=D0)
