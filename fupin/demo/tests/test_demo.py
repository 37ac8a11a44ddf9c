"""The demo generator: exact totals, valid IDs, one head, determinism, replacement."""

import datetime as dt
import time

import pytest
from django.core.management import call_command
from django.db.models import Count, Q

from fupin.accounts.models import User
from fupin.demo.build import build
from fupin.demo.figures import COUNTIES, plan
from fupin.demo.users import PASSWORD, create_demo_users
from fupin.registry import resident_id as rid
from fupin.registry.choices import HouseholdType, MonitoringType
from fupin.registry.figures import area_summary
from fupin.registry.models import Household, HouseholdStatus, Income, Member

TODAY = dt.date(2026, 1, 15)
XIUSHAN = "500241"


def _expected(cp):
    def total(keep):
        gs = [g for g in cp.groups if keep(g)]
        return sum(g.households for g in gs), sum(g.people for g in gs)
    return {
        "": total(lambda g: True),
        "registered_": total(lambda g: g.household_type != HouseholdType.ORDINARY),
        "lifted_": total(lambda g: g.household_type == HouseholdType.LIFTED),
        "poor_": total(lambda g: g.household_type == HouseholdType.POOR),
        "monitored_": total(lambda g: g.monitoring_type != ""),
        "unstable_": total(lambda g: g.monitoring_type == MonitoringType.UNSTABLE),
        "edge_": total(lambda g: g.monitoring_type == MonitoringType.EDGE),
        "sudden_": total(lambda g: g.monitoring_type == MonitoringType.SUDDEN),
    }


def _snapshot(code):
    return list(Member.objects.filter(household__area__code__startswith=code)
                .order_by("household__household_no", "relation_to_head", "resident_id")
                .values_list("household__household_no", "name", "resident_id", "education",
                             "household__household_type", "household__monitoring_type"))


@pytest.mark.django_db
def test_small_build_hits_requested_totals():
    build([XIUSHAN], seed=7, scale=600, today=TODAY)
    cp = plan([XIUSHAN], 600)[0]
    s = area_summary(XIUSHAN)
    for prefix, (households, people) in _expected(cp).items():
        assert (s[f"{prefix}households"], s[f"{prefix}people"]) == (households, people), prefix
    assert s["rural_population"] == cp.rural_population
    assert s["incidence"] == pytest.approx(s["poor_people"] / cp.rural_population)


@pytest.mark.django_db
def test_resident_ids_heads_statuses_incomes():
    build([XIUSHAN], seed=7, scale=600, today=TODAY)
    ids = list(Member.objects.values_list("resident_id", "sex", "birth_date"))
    assert len({i for i, _, _ in ids}) == len(ids)
    for number, sex, birth in ids:
        parsed = rid.parse(number, today=TODAY)
        assert number.startswith(XIUSHAN) and parsed.sex == sex and parsed.birth_date == birth
    heads = Household.objects.annotate(
        n=Count("members", filter=Q(members__relation_to_head="head")))
    assert set(heads.values_list("n", flat=True)) == {1}
    head = Member.objects.filter(relation_to_head="head").select_related("household")[0]
    assert head.household.head_name == head.name and head.name_pinyin and head.name_initials
    # One open status per household, agreeing with the household's own columns.
    assert HouseholdStatus.objects.filter(valid_to__isnull=True).count() == Household.objects.count()
    for h in Household.objects.all()[:200]:
        st = h.statuses.get(valid_to__isnull=True)
        assert (st.household_type, st.monitoring_type, st.exit_year) == (
            h.household_type, h.monitoring_type, h.exit_year)
        assert (h.household_type == HouseholdType.ORDINARY) == (h.main_cause == "")
    # Two income years per household, counted over its members.
    assert Income.objects.count() == 2 * Household.objects.count()
    inc = Income.objects.select_related("household")[0]
    assert inc.members_counted == inc.household.members.count()
    # School-age children are nearly all in school.
    kids = Member.objects.filter(birth_date__lte=dt.date(2020, 1, 15),
                                 birth_date__gt=dt.date(2010, 1, 15))
    assert kids.exclude(schooling="none").count() >= 0.95 * kids.count()


@pytest.mark.django_db
def test_deterministic_and_rerun_replaces():
    build([XIUSHAN], seed=11, scale=300, today=TODAY)
    first = _snapshot(XIUSHAN)
    households = Household.objects.count()
    build([XIUSHAN], seed=11, scale=300, today=TODAY)  # replaces, same seed: same data
    assert Household.objects.count() == households
    assert _snapshot(XIUSHAN) == first
    build([XIUSHAN], seed=12, scale=300, today=TODAY)
    assert _snapshot(XIUSHAN) != first


@pytest.mark.django_db
def test_rerun_keeps_user_entered_households():
    from fupin.core.testing import make_household, village_codes
    mine = make_household(village_codes(1, XIUSHAN)[0])
    build([XIUSHAN], seed=1, scale=200, today=TODAY)
    build([XIUSHAN], seed=1, scale=200, today=TODAY)
    assert Household.objects.filter(pk=mine.pk).exists()
    # Id sequences were moved past the generated rows (PostgreSQL COPY with explicit ids).
    assert make_household(village_codes(1, XIUSHAN)[0]).pk > mine.pk


@pytest.mark.django_db
def test_demo_users_and_command(capsys):
    call_command("demo", "--counties", XIUSHAN, "--scale", "150", "--no-serve")
    out = capsys.readouterr().out
    assert "county_admin" in out and PASSWORD in out
    logins = {lo.username: lo for lo in create_demo_users([XIUSHAN])}
    assert set(logins) == {"admin", "county_admin", "township_staff", "village_cadre", "helper",
                           "data_provider", "inspector"}
    cadre = User.objects.get(username="village_cadre")
    assert cadre.check_password(PASSWORD)
    village = cadre.scope_codes[0]
    assert len(village) == 12 and Household.objects.filter(area_id=village).exists()
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.slow
@pytest.mark.django_db
def test_full_xiushan_matches_published_figures():
    started = time.monotonic()
    build([XIUSHAN], seed=2020)
    s = area_summary(XIUSHAN)
    assert (s["registered_households"], s["registered_people"]) == (16_984, 71_296)
    assert (s["lifted_households"], s["lifted_people"]) == (16_648, 69_922)
    assert (s["poor_households"], s["poor_people"]) == (336, 1_374)
    assert s["rural_population"] == COUNTIES[XIUSHAN].rural_population == 429_000
    assert round(s["incidence"], 4) == 0.0032
    # The registry is the 2020 one: as of the end of 2020 it shows the same figures ...
    end_2020 = area_summary(XIUSHAN, dt.date(2020, 12, 31))
    assert {k: v for k, v in end_2020.items() if k != "as_of"} == {
        k: v for k, v in s.items() if k != "as_of"}
    # ... and a year earlier fewer lifted, more poor (exits of 2020 not yet made).
    end_2019 = area_summary(XIUSHAN, dt.date(2019, 12, 31))
    assert end_2019["lifted_households"] < 16_648 and end_2019["poor_households"] > 336
    assert time.monotonic() - started < 120
