"""area_summary on a small hand-built registry, with hand-counted figures."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from fupin.accounts.actors import SYSTEM
from fupin.areas.models import AreaPopulation
from fupin.core.testing import make_household, make_user, member_data
from fupin.registry import services
from fupin.registry.choices import HouseholdType, MonitoringType, Relation
from fupin.registry.figures import KEYS, area_summary

TOWN_1, TOWN_2 = "500236001", "500236117"
V1 = "500236001001"


@pytest.fixture
def registry(db):
    """Fengjie, two townships:
    H1 lifted (2019), 3 people, town 1       H2 poor, 2 people, town 1, lifted 2020-11-30
    H3 ordinary edge, 1 person, town 1       H4 lifted unstable, 4 people, town 2
    H5 ordinary, 2 people, town 2, one died 2020-06-01
    """
    from fupin.core.testing import village_codes
    v2 = village_codes(1, TOWN_2)[0]
    kids = [member_data("李一", Relation.SPOUSE), member_data("李二", Relation.SON,
                                                               birth=dt.date(2005, 3, 1))]
    make_household(V1, household_type=HouseholdType.LIFTED, exit_year=2019,
                   members=[member_data("李大")] + kids)
    h2 = make_household(V1, household_type=HouseholdType.POOR,
                        members=[member_data("王大"), member_data("王二", Relation.SPOUSE)])
    make_household(V1, monitoring_type=MonitoringType.EDGE, members=[member_data("赵大")])
    make_household(v2, household_type=HouseholdType.LIFTED, exit_year=2018,
                   monitoring_type=MonitoringType.UNSTABLE,
                   members=[member_data("孙大"), member_data("孙二", Relation.SPOUSE),
                            member_data("孙三", Relation.SON), member_data("孙四", Relation.DAUGHTER)])
    h5 = make_household(v2, members=[member_data("周大"), member_data("周二", Relation.FATHER)])
    services.change_status(actor=SYSTEM, household=h2, effective=dt.date(2020, 11, 30),
                           reason="脱贫", household_type=HouseholdType.LIFTED, exit_year=2020)
    father = h5.members.get(name="周二")
    services.record_member_event(actor=SYSTEM, member=father, kind="death", date=dt.date(2020, 6, 1))
    AreaPopulation.objects.create(area_id="500236", year=2020, rural_population=1000)
    return {"h2": h2, "h5": h5}


def test_current_figures(registry, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        s = area_summary("500236")
    assert set(KEYS) <= set(s) and {"rural_population", "incidence"} <= set(s)
    assert (s["households"], s["people"]) == (5, 11)
    assert (s["registered_households"], s["registered_people"]) == (3, 9)
    assert (s["lifted_households"], s["lifted_people"]) == (3, 9)
    assert (s["poor_households"], s["poor_people"]) == (0, 0)
    assert (s["monitored_households"], s["monitored_people"]) == (2, 5)
    assert (s["unstable_households"], s["unstable_people"]) == (1, 4)
    assert (s["edge_households"], s["edge_people"]) == (1, 1)
    assert (s["sudden_households"], s["sudden_people"]) == (0, 0)
    assert (s["ordinary_households"], s["ordinary_people"]) == (2, 2)
    assert s["rural_population"] == 1000
    assert s["incidence"] == 0


def test_as_of_before_and_after_status_change(registry):
    before = area_summary("500236", dt.date(2020, 5, 31))
    # H2 still poor; H5's father still alive
    assert (before["poor_households"], before["poor_people"]) == (1, 2)
    assert (before["lifted_households"], before["lifted_people"]) == (2, 7)
    assert (before["households"], before["people"]) == (5, 12)
    assert before["incidence"] == pytest.approx(2 / 1000)
    middle = area_summary("500236", dt.date(2020, 7, 1))
    assert (middle["people"], middle["poor_people"]) == (11, 2)
    after = area_summary("500236", dt.date(2020, 12, 1))
    assert (after["poor_households"], after["lifted_households"]) == (0, 3)
    assert after["people"] == 11 and after["incidence"] == 0
    # Before any household was identified there is nothing.
    assert area_summary("500236", dt.date(2018, 12, 31))["households"] == 0


def test_township_and_village_prefixes(registry):
    t1 = area_summary(TOWN_1)
    assert (t1["households"], t1["people"], t1["lifted_people"], t1["edge_people"]) == (3, 6, 5, 1)
    assert t1["rural_population"] is None and t1["incidence"] is None
    t2 = area_summary(TOWN_2)
    assert (t2["households"], t2["people"], t2["unstable_households"]) == (2, 5, 1)
    assert area_summary(V1)["households"] == 3
    # A province-level prefix sums the counties' populations.
    assert area_summary("50")["rural_population"] == 1000


def test_user_scope(registry):
    staff = make_user("township_staff", TOWN_1)
    assert area_summary(TOWN_1, user=staff)["households"] == 3
    assert area_summary(V1, user=staff)["households"] == 3
    with pytest.raises(PermissionDenied):
        area_summary("500236", user=staff)
    with pytest.raises(PermissionDenied):
        area_summary(TOWN_2, user=staff)


def test_summary_command_json(registry, capsys):
    import json

    make_user("township_staff", TOWN_1, username="staff1")
    call_command("summary", "--area", "500236", "--as-of", "2020-05-31", "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["poor_people"] == 2 and data["as_of"] == "2020-05-31"
    call_command("summary", "--area", TOWN_1)
    assert "建档立卡户" in capsys.readouterr().out
    from django.core.management.base import CommandError
    with pytest.raises(CommandError, match="不在"):
        call_command("summary", "--area", "500236", "--user", "staff1")
