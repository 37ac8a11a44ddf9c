import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.rectification import sampling, services
from fupin.rectification.models import Escalation, Problem, ProblemEvent


@pytest.fixture
def problem(village_cadre, household):
    return services.create_problem(actor=village_cadre, source="sweep", category="housing",
                                   description="危房未改造", household=household,
                                   found_on=dt.date(2026, 10, 1), deadline=dt.date(2026, 10, 31),
                                   owner=village_cadre, responsible_unit="村委")


def test_full_life_cycle_verifier_not_rectifier(village_cadre, township_staff, problem):
    with pytest.raises(ValidationError, match="须填写整改措施"):
        services.transition(actor=village_cadre, problem=problem, action="start")
    services.transition(actor=village_cadre, problem=problem, action="start", plan="申请危改资金")
    with pytest.raises(ValidationError, match="不能核验通过"):
        services.transition(actor=township_staff, problem=problem, action="verify")
    services.transition(actor=village_cadre, problem=problem, action="rectify", effect="已改造为 A 级")
    with pytest.raises(ValidationError, match="整改人以外"):
        services.transition(actor=village_cadre, problem=problem, action="verify")
    services.transition(actor=township_staff, problem=problem, action="verify", note="现场核实")
    p = services.transition(actor=township_staff, problem=problem, action="close")
    assert p.state == "closed" and p.verified_by == township_staff and p.rectified_by == village_cadre
    with pytest.raises(ValidationError, match="写明原因"):
        services.transition(actor=township_staff, problem=p, action="reopen")
    p = services.transition(actor=township_staff, problem=p, action="reopen", note="群众反映仍漏雨")
    assert p.state == "open" and p.reopen_count == 1 and p.rectified_by is None
    assert list(ProblemEvent.objects.filter(problem=p).values_list("action", flat=True)) == [
        "create", "start", "rectify", "verify", "close", "reopen"]
    assert p.history.count() >= 5


def test_inspector_verifies_but_cannot_rectify(inspector, village_cadre, problem):
    with pytest.raises(PermissionDenied):
        services.transition(actor=inspector, problem=problem, action="rectify", effect="x")
    services.transition(actor=village_cadre, problem=problem, action="rectify", effect="done")
    services.transition(actor=inspector, problem=problem, action="verify")


def test_out_of_scope_user_cannot_report(db, household):
    stranger = make_user("village_cadre", "500101001001")
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.create_problem(actor=stranger, source="sweep", category="water", description="x",
                                household=household)


def test_escalation_township_then_county(problem, village_cadre):
    fresh = services.create_problem(actor=village_cadre, source="sweep", category="water",
                                    description="y", area=VILLAGE_A, found_on=dt.date(2026, 10, 1),
                                    deadline=dt.date(2026, 12, 31))
    assert services.escalate_overdue(day=dt.date(2026, 11, 2)) == {"township": 1, "county": 0}
    problem.refresh_from_db()
    assert problem.escalation == Escalation.TOWNSHIP
    assert services.escalate_overdue(day=dt.date(2026, 11, 5)) == {"township": 0, "county": 0}
    assert services.escalate_overdue(day=dt.date(2026, 11, 8)) == {"township": 0, "county": 1}
    problem.refresh_from_db()
    fresh.refresh_from_db()
    assert problem.escalation == Escalation.COUNTY and fresh.escalation == Escalation.NONE
    assert ProblemEvent.objects.filter(problem=problem, action="escalate").count() == 2


def test_sample_is_reproducible(inspector, village_cadre):
    for _ in range(12):
        make_household(household_type="poor")
    a = sampling.draw(actor=inspector, area_code="500236", month=dt.date(2026, 11, 15), kind="household",
                      size=5, seed=42)
    b = sampling.draw(actor=inspector, area_code="500236", month=dt.date(2026, 11, 1), kind="household",
                      size=5, seed=42)
    c = sampling.draw(actor=inspector, area_code="500236", month=dt.date(2026, 12, 1), kind="household",
                      size=5, seed=42)
    ids = [list(s.items.values_list("household_id", flat=True)) for s in (a, b, c)]
    assert ids[0] == ids[1] and len(set(ids[0])) == 5
    assert ids[0] != ids[2]
    item = a.items.all()[0]
    item = sampling.record_result(actor=inspector, item=item, result="problem", note="帮扶人未上门",
                                  category="other")
    assert item.problem is not None
    assert item.problem.source == "inspection" and item.problem.household_id == item.household_id
    with pytest.raises(ValidationError, match="写明情况"):
        sampling.record_result(actor=inspector, item=a.items.all()[1], result="problem")
    with pytest.raises(PermissionDenied):
        sampling.draw(actor=village_cadre, area_code=VILLAGE_A, month=dt.date(2026, 11, 1),
                      kind="household", size=1)
    assert Problem.objects.count() == 1


def test_escalation_job(problem):
    from fupin.core.jobs import run_inline
    job = run_inline("rectification.escalate", "升级", params={"area": "500236"}, show_progress=False)
    assert job.status == "done" and job.result["township"] == 1


def test_sample_includes_non_registered_and_skips_recent_rounds(inspector):
    """MECHANISM §5.7: ≥ 5 non-registered households per village sampled (漏评 can be found);
    households drawn in the last rounds are not drawn again."""
    registered = [make_household(household_type="poor").pk for _ in range(6)]
    ordinary = [make_household().pk for _ in range(8)]
    first = sampling.draw(actor=inspector, area_code="500236", month=dt.date(2026, 10, 1),
                          kind="household", size=3, seed=7)
    drawn = set(first.items.values_list("household_id", flat=True))
    assert len(drawn & set(registered)) == 3 and len(drawn & set(ordinary)) == 5
    assert first.size == 8
    second = sampling.draw(actor=inspector, area_code="500236", month=dt.date(2026, 11, 1),
                           kind="household", size=3, seed=7)
    again = set(second.items.values_list("household_id", flat=True))
    assert not again & drawn  # nothing from the previous round
    assert len(again & set(ordinary)) == 3  # the 3 ordinary ones left
    with pytest.raises(ValidationError, match="近几轮已抽过"):
        sampling.draw(actor=inspector, area_code="500236", month=dt.date(2026, 12, 1),
                      kind="household", size=3, seed=7)
    third = sampling.draw(actor=inspector, area_code="500236", month=dt.date(2026, 12, 1),
                          kind="household", size=3, seed=7, exclude_rounds=0)
    assert third.items.count() == 8
