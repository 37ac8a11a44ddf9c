"""`{% household_assistance household as a %}`: helper, plan, last visits and problems of a
household, read through the user's scope (used by `assistance/_household_panel.html`)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from fupin.accounts.scope import can_write_area
from fupin.core.privacy import shown_phone
from fupin.rectification.models import Problem

from ..models import Assignment, FlaggedSupervision, Plan, Visit
from ..services import can_act_on_household

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
        "can_act": can_act_on_household(user, household) if user else False,
        "can_assign": bool(user and can_write_area(user, household.area_id)),
    }
