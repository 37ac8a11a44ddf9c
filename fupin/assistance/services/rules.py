"""Configurable rules: households per helper and visit frequency, by area (longest prefix)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, CharField, DateField, F, Q, Value, When
from django.db.models.expressions import Combinable

from fupin.accounts import policy
from fupin.accounts.actors import Actor, check_actor
from fupin.areas.models import Area
from fupin.registry.choices import HouseholdType

from ..choices import VisitKind
from ..models import AssistanceRule, Helper

KIND_FIELD = {VisitKind.MONITORED: "visit_months_monitored", VisitKind.POOR: "visit_months_poor",
              VisitKind.LIFTED: "visit_months_lifted"}


def rules_by_specificity() -> list[AssistanceRule]:
    rules = sorted(AssistanceRule.objects.all(), key=lambda r: -len(r.area_code))
    if not any(r.area_code == "" for r in rules):
        rules.append(AssistanceRule(area_code=""))  # built-in defaults
    return rules


def rule_for(area_code: str) -> AssistanceRule:
    for rule in rules_by_specificity():
        if area_code.startswith(rule.area_code):
            return rule
    return AssistanceRule(area_code="")


def helper_limit(helper: Helper) -> int:
    if helper.max_households:
        return int(helper.max_households)
    return int(rule_for(helper.area_id).max_households_per_helper)


def visit_kind_expr() -> Case:
    """SQL: the household's visit kind (monitored beats poor beats lifted), NULL otherwise."""
    return Case(
        When(~Q(monitoring_type=""), then=Value(VisitKind.MONITORED.value)),
        When(household_type=HouseholdType.POOR, then=Value(VisitKind.POOR.value)),
        When(household_type=HouseholdType.LIFTED, then=Value(VisitKind.LIFTED.value)),
        default=Value(None), output_field=CharField())


def period_start(day: dt.date, months: int) -> dt.date:
    """First day of the calendar period of `months` months that contains `day`
    (monthly: the month; 3: the quarter; 12: the year)."""
    index = day.year * 12 + day.month - 1
    start = index - index % months
    return dt.date(start // 12, start % 12 + 1, 1)


def due_since_expr(day: dt.date, kind_field: str = "visit_kind") -> Combinable:
    """SQL: per household, the start of the current visit period under the applicable rule."""
    whens = []
    for rule in rules_by_specificity():
        area_q = Q(area__code__startswith=rule.area_code) if rule.area_code else Q()
        for kind, field in KIND_FIELD.items():
            whens.append(When(area_q & Q(**{kind_field: kind.value}),
                              then=Value(period_start(day, int(getattr(rule, field))))))
    return Case(*whens, default=Value(None), output_field=DateField())


def previous_period_start(day: dt.date, months: int) -> dt.date:
    """First day of the period before the one containing `day` (the last ended period)."""
    return period_start(period_start(day, months) - dt.timedelta(days=1), months)


def prev_since_expr(day: dt.date, kind_field: str = "visit_kind") -> Combinable:
    """SQL: per household, the start of the last ENDED visit period (the one before the
    current) under the applicable rule. Its end is `due_since_expr(day)` (exclusive)."""
    whens = []
    for rule in rules_by_specificity():
        area_q = Q(area__code__startswith=rule.area_code) if rule.area_code else Q()
        for kind, field in KIND_FIELD.items():
            whens.append(When(area_q & Q(**{kind_field: kind.value}),
                              then=Value(previous_period_start(day, int(getattr(rule, field))))))
    return Case(*whens, default=Value(None), output_field=DateField())


RULE_FIELDS = ("max_households_per_helper", "visit_months_monitored", "visit_months_poor",
               "visit_months_lifted")


@transaction.atomic
def set_rule(*, actor: Actor, area_code: str, **values: Any) -> AssistanceRule:
    """Create or change the rule of an area (county admins; the default "" needs a superuser)."""
    area_code = (area_code or "").strip()
    check_actor(actor)
    allowed = getattr(actor, "is_superuser", False) or bool(
        area_code and policy.can(actor, "assistance.rules_edit", area_code=area_code))
    if not allowed:
        raise PermissionDenied("只有县级管理员可以调整本县的帮扶规则；全部区划的默认值由系统管理员调整")
    if area_code and not Area.objects.filter(code=area_code).exists():
        raise ValidationError({"area_code": f"区划代码“{area_code}”不存在"})
    rule = AssistanceRule.objects.filter(area_code=area_code).first() or AssistanceRule(area_code=area_code)
    for k in RULE_FIELDS:
        if values.get(k) is not None:
            setattr(rule, k, values[k])
    rule.full_clean()
    if actor is not None and getattr(actor, "pk", None):
        rule._history_user = actor  # type: ignore[attr-defined, union-attr]
    rule.save()
    return rule


def months_for(area_code: str, kind: str) -> int:
    return int(getattr(rule_for(area_code), KIND_FIELD[VisitKind(kind)]))


__all__ = ["F", "due_since_expr", "prev_since_expr", "previous_period_start", "helper_limit", "months_for", "period_start", "rule_for", "set_rule",
           "visit_kind_expr"]
