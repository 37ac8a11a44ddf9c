"""The per-process rule context (compiled rules, setting names, every-year lines, active
rosters) is rebuilt as soon as any of them changes, and costs one query when none did."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fupin.monitoring.models import Roster, Rule, SettingKey
from fupin.monitoring.services.sweep import rule_context

pytestmark = pytest.mark.django_db
DAY = dt.date(2021, 3, 31)


def test_unchanged_context_is_one_query():
    first = rule_context()
    with CaptureQueriesContext(connection) as q:
        again = rule_context()
    assert again is first and len(q.captured_queries) == 1


def test_rule_switched_off_leaves_the_cached_rules():
    codes = {cr.rule.code for cr in rule_context().rules()}
    rule = Rule.objects.filter(active=True, code__in=codes).order_by("code").first()
    assert rule is not None
    rule.active = False
    rule.save()
    assert rule.code not in {cr.rule.code for cr in rule_context().rules()}


def test_roster_activation_and_withdrawal_change_the_kinds():
    assert "school" not in rule_context().roster_kinds(DAY)
    roster = Roster.objects.create(kind="school", name="教育名册", area_code="50",
                                   as_of=dt.date(2021, 3, 1))
    assert "school" in rule_context().roster_kinds(DAY)
    assert "school" not in rule_context().roster_kinds(dt.date(2021, 2, 1))
    roster.active = False
    roster.save()
    assert "school" not in rule_context().roster_kinds(DAY)


def test_every_year_flag_changes_the_lines():
    key = SettingKey.objects.order_by("key").first()
    assert key is not None
    before = key.key in rule_context().exact
    key.every_year = not key.every_year
    key.save()
    assert (key.key in rule_context().exact) is not before
