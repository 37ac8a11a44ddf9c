import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fupin.assistance import services
from fupin.assistance.models import Assignment, AssistanceRule
from fupin.core.testing import VILLAGE_A, make_household
from fupin.registry.models import Household, Income


def test_limit_default_five_with_chinese_message(county_admin, helper):
    households = [make_household() for _ in range(6)]
    for h in households[:5]:
        services.assign_helper(actor=county_admin, household=h, helper=helper)
    with pytest.raises(ValidationError) as exc:
        services.assign_helper(actor=county_admin, household=households[5], helper=helper)
    assert "达到每人最多 5 户的上限" in str(exc.value)


def test_limit_is_configurable_per_area_and_per_helper(county_admin, helper):
    AssistanceRule.objects.create(area_code="500236", max_households_per_helper=2)
    hs = [make_household() for _ in range(3)]
    services.assign_helper(actor=county_admin, household=hs[0], helper=helper)
    services.assign_helper(actor=county_admin, household=hs[1], helper=helper)
    with pytest.raises(ValidationError, match="最多 2 户"):
        services.assign_helper(actor=county_admin, household=hs[2], helper=helper)
    helper.max_households = 3
    helper.save()
    services.assign_helper(actor=county_admin, household=hs[2], helper=helper)


def test_assignment_history_is_append_only(county_admin, helper, unit, household):
    other = services.create_helper(actor=county_admin, data={"name": "王二", "area": VILLAGE_A, "unit": unit})
    first = services.assign_helper(actor=county_admin, household=household, helper=helper,
                                   started_on=dt.date(2020, 1, 1))
    second = services.assign_helper(actor=county_admin, household=household, helper=other,
                                    started_on=dt.date(2021, 3, 1), reason="工作调动")
    rows = list(Assignment.objects.filter(household=household).order_by("started_on"))
    assert [r.pk for r in rows] == [first.pk, second.pk]
    assert rows[0].ended_on == dt.date(2021, 3, 1) and rows[0].helper == helper
    assert rows[1].ended_on is None and rows[1].helper == other
    with pytest.raises(ValidationError, match="已是户"):
        services.assign_helper(actor=county_admin, household=household, helper=other)
    with pytest.raises(ValidationError, match="早于现结对开始日期"):
        services.assign_helper(actor=county_admin, household=household, helper=helper,
                               started_on=dt.date(2021, 1, 1))
    assert first.history.count() >= 2


def test_inspector_cannot_assign(inspector, helper, household):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.assign_helper(actor=inspector, household=household, helper=helper)


def test_helper_sees_only_assigned_households(county_admin, helper, helper_user):
    mine, other = make_household(), make_household()
    services.assign_helper(actor=county_admin, household=mine, helper=helper)
    assert list(Household.objects.visible_to(helper_user)) == [mine]
    # related rows follow (member, income) through the same hook
    from fupin.registry.models import Member
    assert set(Member.objects.visible_to(helper_user).values_list("household_id", flat=True)) == {mine.pk}
    # after reassignment away, nothing
    other_helper = services.create_helper(actor=county_admin, data={"name": "赵", "area": VILLAGE_A})
    services.assign_helper(actor=county_admin, household=mine, helper=other_helper)
    assert not Household.objects.visible_to(helper_user).exists()
    assert other.pk not in Household.objects.visible_to(helper_user).values_list("pk", flat=True)
    assert Income.objects.visible_to(helper_user).count() == 0
    # other roles are unaffected
    assert Household.objects.visible_to(county_admin).count() == 2


def test_flagged_supervision(county_admin, household):
    f = services.flag(actor=county_admin, area=VILLAGE_A, household=household, leader_name="县长",
                      leader_title="县长")
    assert f.area_id == VILLAGE_A
    with pytest.raises(ValidationError, match="已在挂牌督战中"):
        services.flag(actor=county_admin, area=VILLAGE_A, household=household, leader_name="县长")
    services.unflag(actor=county_admin, flagged=f)
    with pytest.raises(ValidationError, match="不是村"):
        services.flag(actor=county_admin, area="500236001", leader_name="县长")


def test_update_helper_and_end_pairing(county_admin, helper, unit, household):
    services.assign_helper(actor=county_admin, household=household, helper=helper)
    with pytest.raises(ValidationError, match="请先为这些户更换帮扶责任人"):
        services.update_helper(actor=county_admin, helper=helper, changes={"active": False})
    services.update_helper(actor=county_admin, helper=helper, changes={"position": "驻村第一书记"})
    pairing = services.pair_unit(actor=county_admin, unit=unit, village=VILLAGE_A, started_on=dt.date(2026, 1, 1))
    services.end_pairing(actor=county_admin, pairing=pairing, ended_on=dt.date(2026, 6, 30))
    with pytest.raises(ValidationError, match="已结束"):
        services.end_pairing(actor=county_admin, pairing=pairing)
