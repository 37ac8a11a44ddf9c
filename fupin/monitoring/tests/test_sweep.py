"""Sweeps: one live warning per household and rule, refresh, automatic closing, versions,
statistics, settings resolution by area and year, the commands."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command

from fupin.accounts.actors import SYSTEM
from fupin.core.testing import VILLAGE_A, make_household, make_user, member_data, village_codes
from fupin.monitoring.models import Rule, Sweep, Warning
from fupin.monitoring.services import (
    add_setting_key,
    create_rule,
    dismiss,
    run_sweep,
    set_setting,
    update_rule,
)
from fupin.registry import services as registry

from .helpers import child, household_with, income, live_codes, warning

pytestmark = pytest.mark.django_db


def test_repeat_sweep_refreshes_and_closes(household):
    income(household, 2020, 3000)
    first = warning(household, "INCOME_BELOW_LINE")
    s1 = run_sweep(as_of=dt.date(2021, 3, 1))
    assert s1.per_rule["INCOME_BELOW_LINE"]["refreshed"] == 1
    assert Warning.objects.filter(household=household, rule__code="INCOME_BELOW_LINE").count() == 1
    w = warning(household, "INCOME_BELOW_LINE")
    assert w.pk == first.pk and w.last_seen == dt.date(2021, 3, 1)
    # income rises: the warning is closed automatically with the date
    registry.set_income(actor=SYSTEM, household=household, year=2020,
                        components={"wage_income": "9000"}, members_counted=1)
    w.refresh_from_db()
    assert w.status == "closed" and w.closed_on == dt.date.today()
    assert "自动解除" in w.close_note
    s2 = run_sweep(as_of=dt.date.today())
    assert s2.per_rule["INCOME_BELOW_LINE"]["opened"] == 0
    assert Sweep.objects.count() == 2


def test_warning_keeps_the_version_that_fired_it(county_admin, household):
    income(household, 2020, 3000)
    rule = Rule.objects.get(code="INCOME_BELOW_LINE")
    province = make_user("county_admin", "50")  # rules for everywhere: province level
    update_rule(actor=province, rule=rule, changes={"severity": "medium"}, note="调整级别")
    rule.refresh_from_db()
    assert rule.current_version is not None and rule.current_version.number == 2
    run_sweep()
    w = warning(household, "INCOME_BELOW_LINE")
    assert w.rule_version.number == 1
    assert w.last_version is not None and w.last_version.number == 2
    assert w.severity == "medium"
    # a new household fires under version 2
    other = make_household()
    income(other, 2020, 1000)
    assert warning(other, "INCOME_BELOW_LINE").rule_version.number == 2


def test_dismissed_warning_is_kept_and_not_reopened(county_admin, household):
    income(household, 2020, 3000)
    w = warning(household, "INCOME_BELOW_LINE")
    dismiss(actor=county_admin, warning=w, reason="已核实为在外务工收入漏报")
    run_sweep()
    w.refresh_from_db()
    assert w.status == "dismissed" and w.dismissed_reason.startswith("已核实")
    assert Warning.objects.filter(household=household, rule__code="INCOME_BELOW_LINE").count() == 1


def test_more_specific_area_setting_wins(county_admin):
    villages = village_codes(2, township=VILLAGE_A[:9])
    a = make_household(villages[0])
    b = make_household(villages[1])
    income(a, 2020, 4500)
    income(b, 2020, 4500)
    assert "INCOME_BELOW_LINE" not in live_codes(a)
    set_setting(actor=county_admin, key="poverty_line", value="4600", area_code="500236",
                year_from=2020, source_doc="县文件")
    set_setting(actor=county_admin, key="poverty_line", value="4400", area_code=villages[1],
                year_from=2020, source_doc="村试点文件")
    run_sweep(area="500236")
    assert "INCOME_BELOW_LINE" in live_codes(a)  # county line 4,600
    assert "INCOME_BELOW_LINE" not in live_codes(b)  # village line 4,400 overrides
    assert warning(a, "INCOME_BELOW_LINE").explanation.endswith("贫困线 4,600 元")


def test_school_band_of_each_village(county_admin):
    """A sweep aggregates the members without their village when every village has the same
    school age band, and per village when one differs: the same warnings either way."""
    villages = village_codes(2, township=VILLAGE_A[:9])
    as_of = dt.date(2021, 3, 31)
    a = household_with(child(dt.date(2004, 6, 1), schooling="none"), area=villages[0])  # 16
    b = household_with(child(dt.date(2004, 6, 1), schooling="none"), area=villages[1])  # 16
    young = household_with(child(dt.date(2012, 6, 1), schooling="none"), area=villages[0])
    run_sweep(as_of=as_of)
    assert "DROPOUT" not in live_codes(a) | live_codes(b)
    assert "DROPOUT" in live_codes(young)
    set_setting(actor=county_admin, key="school_age_max", value="17", area_code=villages[1],
                source_doc="村试点文件")
    sweep = run_sweep(as_of=as_of)
    assert "DROPOUT" not in live_codes(a)
    assert "DROPOUT" in live_codes(b) and "DROPOUT" in live_codes(young)
    assert "6–17 周岁" in warning(b, "DROPOUT").explanation
    assert "6–15 周岁" in warning(young, "DROPOUT").explanation
    assert sweep.per_rule["DROPOUT"] == {"hits": 2, "opened": 1, "refreshed": 1, "closed": 0}


def test_line_taken_by_income_year(county_admin, household):
    set_setting(actor=county_admin, key="monitoring_line", value="6600", area_code="500236",
                year_from=2022, source_doc="县文件")
    set_setting(actor=county_admin, key="poverty_line", value="4000", area_code="500236",
                year_from=2022, source_doc="县文件")
    income(household, 2021, 6300)
    assert "INCOME_NEAR_LINE" not in live_codes(household)  # 2021 line 6,000
    income(household, 2022, 6300)
    assert "INCOME_NEAR_LINE" in live_codes(household)  # 2022 line 6,600


def test_county_admin_adds_a_rule_with_its_own_line(county_admin, household):
    add_setting_key(actor=county_admin, key="elderly_alone_age", name="独居老人年龄")
    set_setting(actor=county_admin, key="elderly_alone_age", value="1", area_code="500236")
    create_rule(actor=county_admin, code="ELDERLY_ALONE", name="独居老人",
                condition="members = elderly_alone_age and elderly_count >= 1",
                explanation="全家 {members} 人，60 岁以上 {elderly_count} 人")
    old = make_household(members=[member_data("王五", birth=dt.date(1950, 3, 1))])
    run_sweep()
    assert "ELDERLY_ALONE" not in live_codes(household)  # head born 1970: 56
    assert warning(old, "ELDERLY_ALONE").explanation == "全家 1 人，60 岁以上 1 人"


def test_sweep_statistics_and_commands(household):
    income(household, 2020, 3000)
    out = StringIO()
    call_command("monitor", "sweep", "--area", "500236", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["households"] == 1 and data["per_rule"]["INCOME_BELOW_LINE"]["refreshed"] == 1
    out = StringIO()
    call_command("monitor", "warnings", "--area", "500236", "--status", "open", "--json",
                 stdout=out)
    rows = json.loads(out.getvalue())
    row = next(r for r in rows if r["rule"] == "INCOME_BELOW_LINE")
    assert row["household_no"] == household.household_no
    assert {"household_no", "area_code", "rule", "rule_version", "severity", "status",
            "opened_at", "values"} <= set(row)
    assert row["rule_version"] == 1 and row["values"]["poverty_line"] in (4000, "4000", 4000.0)


def test_bulk_recheck_is_the_instant_recheck_in_one_pass(monkeypatch):
    """A bulk change (above INSTANT_MAX) is re-checked in one pass over a temporary table
    of the ids, or by the whole sweep when it touches most of the registry: the same
    warnings open and close as on the instant path."""
    from fupin.monitoring.services import sweep

    households = [make_household() for _ in range(4)]
    others = [make_household() for _ in range(2)]
    for h in households[:3] + others:
        income(h, 2020, 3000)
    ids = [h.pk for h in households]

    def state():
        return sorted(Warning.objects.filter(status="open").values_list("household_id", "rule__code"))

    Warning.objects.all().delete()
    instant = sweep.recheck(ids)
    expected = state()
    assert {hid for hid, _ in expected} == {h.pk for h in households[:3]}  # not the others
    Warning.objects.all().delete()
    monkeypatch.setattr(sweep, "INSTANT_MAX", 1)
    monkeypatch.setattr(sweep, "SWEEP_SHARE", 0.9)  # 4 of 6 households: below
    calls = []
    real = sweep.evaluate

    def spy(*a, **kw):
        calls.append(kw)
        return real(*a, **kw)

    monkeypatch.setattr(sweep, "evaluate", spy)
    bulk = sweep.recheck(ids)
    assert state() == expected and bulk.opened == instant.opened
    assert len(calls) == 1 and calls[0]["ids_table"].startswith("monitoring_ids_")
    # an income that rises (written behind the services' back: no instant re-check)
    # closes the warning on the bulk path too
    from fupin.registry.models import Income
    Income.objects.filter(household=households[0]).update(wage_income=90000)
    sweep.recheck(ids)
    assert {hid for hid, _ in state()} == {h.pk for h in households[1:3]}
    # most of the registry: the whole sweep (which also sees the other households)
    monkeypatch.setattr(sweep, "SWEEP_SHARE", 0.5)
    calls.clear()
    sweep.recheck(ids)
    assert "ids_table" not in calls[0] and calls[0].get("household_ids") is None
    assert {hid for hid, _ in state()} == {h.pk for h in households[1:3] + others}
