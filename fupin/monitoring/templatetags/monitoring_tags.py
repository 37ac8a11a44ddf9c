"""Template tags for the household panel that other apps include."""

from __future__ import annotations

from typing import Any

from django import template

from fupin.accounts import policy
from fupin.accounts.scope import can_write_area

from ..models import RiskEvent, Warning

register = template.Library()


@register.simple_tag(takes_context=True)
def household_monitoring(context: dict[str, Any], household: Any) -> dict[str, Any]:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    if household is None or not policy.can(user, "monitoring.view"):
        return {"warnings": [], "events": [], "can_write": False}
    warnings = (Warning.objects.visible_to(user).filter(household=household)
                .select_related("rule", "rule_version").order_by("status", "-opened_at")[:30])
    events = RiskEvent.objects.visible_to(user).filter(household=household).order_by("-date")[:30]
    return {"warnings": list(warnings), "events": list(events),
            "can_write": can_write_area(user, household.area_id)}
