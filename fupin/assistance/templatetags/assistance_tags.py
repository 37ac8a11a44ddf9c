"""`{% household_assistance household as a %}`: helper, plan, last visits and problems of a
household, read through the user's scope (used by `assistance/_household_panel.html`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from fupin.accounts.scope import can_write_area
from fupin.core.privacy import shown_phone
from fupin.rectification.models import Problem

from ..models import Assignment, FlaggedSupervision, Plan, Visit
from ..services import can_act_on_household, visit_state_of

register = template.Library()


@register.simple_tag(takes_context=True)
def household_assistance(context: dict[str, Any], household: Any) -> dict[str, Any]:
    user = context["request"].user if "request" in context else None
    year = timezone.localdate().year
    assignment = (Assignment.objects.visible_to(user).filter(household_id=household.pk, ended_on__isnull=True)
                  .select_related("helper__unit").first())
    plan = Plan.objects.visible_to(user).filter(household_id=household.pk, year=year).first()
    return {
        "year": year, "assignment": assignment, "plan": plan,
        "helper_phone": shown_phone(user, assignment.helper.phone) if assignment else "",
        "measures": list(plan.measures.all()) if plan else [],
        "visits": list(Visit.objects.visible_to(user).filter(household_id=household.pk)
                       .select_related("helper")[:3]),
        "problems": list(Problem.objects.visible_to(user).filter(household_id=household.pk)
                         .order_by("-found_on")[:10]),
        "flag": FlaggedSupervision.objects.visible_to(user).filter(
            household_id=household.pk, ended_on__isnull=True).first(),
        "visit_state": visit_state_of(household),
        "can_act": can_act_on_household(user, household) if user else False,
        "can_assign": bool(user and can_write_area(user, household.area_id)),
    }


def _field_label(model: Any, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _choice_label(model: Any, name: str, value: Any) -> str:
    try:
        choices = dict(model._meta.get_field(name).flatchoices)
    except FieldDoesNotExist:
        return str(value)
    return str(choices.get(value, value))


@register.filter
def risk_labels(codes: Any) -> str:
    """["illness", "job"] -> "因病、因务工就业不稳"."""
    from fupin.registry.choices import RiskType

    labels = dict(RiskType.choices)
    return "、".join(str(labels.get(c, c)) for c in codes or [])


@register.filter
def visit_update_lines(updates: Any) -> list[str]:
    """A visit's recorded updates as lines people read (Chinese labels, no codes or dicts)."""
    from fupin.registry.models import Income, Member

    if not isinstance(updates, dict):
        return []
    lines: list[str] = []
    income = updates.get("income")
    if isinstance(income, dict):
        parts = [f"{_field_label(Income, k)} {v} 元" for k, v in income.items()
                 if k not in ("year", "per_capita")]
        tail = f"，人均纯收入 {income['per_capita']} 元" if income.get("per_capita") else ""
        lines.append(f"{income.get('year', '')} 年收入：" + "，".join(parts) + tail)
    if updates.get("housing_grade"):
        lines.append(f"住房安全等级：{updates['housing_grade']}")
    if "water_safe" in updates:
        lines.append("饮水安全：" + ("安全" if updates["water_safe"] else "不安全"))
    for m in updates.get("members") or []:
        parts = [f"{_field_label(Member, k)}：{_choice_label(Member, k, v)}"
                 for k, v in m.items() if k not in ("member", "name")]
        lines.append(f"成员 {m.get('name', m.get('member'))}：" + "，".join(parts))
    return lines
