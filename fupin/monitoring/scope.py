"""Monitoring's entries in the scope test matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import register, register_builder


def _build(world: dict[str, Any]) -> dict[str, Any]:
    from .models import Warning
    from .services import add_event
    household = world["household"]
    event = add_event(actor=SYSTEM, household=household, kind="disaster",
                      date=dt.date.today() - dt.timedelta(days=3), amount="1200")
    warning = Warning.objects.get(household=household, rule__code="DISASTER_OR_ACCIDENT",
                                  status="open")
    return {"risk_event": event, "warning": warning}


register_builder("monitoring", _build)
register("monitoring warning list", "list",  # every tray: the cases builder opens a case
         lambda w: reverse("monitoring:warning_list") + "?status=",
         lambda w: w["household"].household_no)
register("monitoring warning detail", "detail",
         lambda w: reverse("monitoring:warning_detail", args=[w["warning"].pk]))
register("monitoring household panel", "detail",
         lambda w: reverse("monitoring:household_panel", args=[w["household"].pk]))
register("monitoring event form", "detail",
         lambda w: reverse("monitoring:event_add") + f"?household={w['household'].pk}")
register("monitoring api warnings", "api_list", lambda w: "/api/monitoring/warnings/",
         lambda w: w["household"].household_no)
register("monitoring api warning", "api_detail",
         lambda w: f"/api/monitoring/warnings/{w['warning'].pk}/")
register("monitoring api events", "api_list", lambda w: "/api/monitoring/events/",
         lambda w: w["household"].household_no)
register("monitoring api event", "api_detail",
         lambda w: f"/api/monitoring/events/{w['risk_event'].pk}/")
