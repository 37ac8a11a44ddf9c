"""Monitoring's entries in the scope test matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import exempt_write, register, register_builder, register_write


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

# Writes, aimed at the target village's warning, household and area.
_village = lambda w: w["household"].area_id  # noqa: E731
_rule = lambda w: w["warning"].rule  # noqa: E731
for _action, _payload in (("assign", lambda w: {"user": ""}), ("dismiss", lambda w: {"reason": "误报，已核实"}),
                          ("reopen", lambda w: {})):
    register_write(f"monitoring warning {_action}", f"monitoring:warning_{_action}",
                   (lambda a: lambda w: reverse(f"monitoring:warning_{a}", args=[w["warning"].pk]))(_action),
                   payload=_payload, watch=("warning",), control=_action == "dismiss")
register_write("monitoring sweep start", "monitoring:sweep_start",
               lambda w: reverse("monitoring:sweep_start"), creates=True,
               payload=lambda w: {"area_code": _village(w)})
register_write("monitoring rule area switch", "monitoring:rule_area",
               lambda w: reverse("monitoring:rule_area", args=[_rule(w).pk]), creates=True,
               payload=lambda w: {"area_code": _village(w), "active": "0", "note": "停用"})
register_write("monitoring rule add (county rule)", "monitoring:rule_add",
               lambda w: reverse("monitoring:rule_add"), creates=True,
               payload=lambda w: {"code": "SCOPE_W", "name": "越权规则", "condition": _rule(w).condition,
                                  "severity": "medium", "active": "on",
                                  "area_code": _village(w)[:6]})
register_write("monitoring rule edit (province rule)", "monitoring:rule_edit",
               lambda w: reverse("monitoring:rule_edit", args=[_rule(w).pk]),
               payload=lambda w: {"name": "改名", "condition": "age > 200", "severity": "medium"})
register_write("monitoring setting add", "monitoring:setting_add",
               lambda w: reverse("monitoring:setting_add"), creates=True,
               payload=lambda w: {"key": _setting_key(), "area_code": _village(w)[:6],
                                  "year_from": 2024, "value": "1"})
register_write("monitoring event add", "monitoring:event_add",
               lambda w: reverse("monitoring:event_add") + f"?household={w['household'].pk}",
               payload=lambda w: {"household": w["household"].pk, "kind": "disaster",
                                  "date": "2026-01-02", "amount": "100", "note": ""},
               tables=("monitoring.RiskEvent",), control=True)
register_write("monitoring event upload", "monitoring:event_upload",
               lambda w: reverse("monitoring:event_upload"), creates=True, multipart=True,
               payload=lambda w: {"file": _csv("events.csv", "户编号,事件类别,发生日期,金额\n"
                                               f"{w['household'].household_no},disaster,2026-01-02,100\n")})
register_write("monitoring roster upload", "monitoring:roster_upload",
               lambda w: reverse("monitoring:roster_upload"), creates=True, multipart=True,
               payload=lambda w: {"kind": "insurance", "name": "名册", "area_code": _village(w),
                                  "as_of": "2026-01-01", "department": "医保局",
                                  "file": _csv("roster.csv", "身份证号,姓名\n"
                                               f"{w['household'].members.all()[0].resident_id},越权\n")})
exempt_write("monitoring:settingkey_add",
             "the catalogue of parameter names is province-wide configuration (county admins "
             "only); it holds no area's data")

register_write("monitoring api rule create", "monitoring-rule-list", lambda w: "/api/monitoring/rules/",
               creates=True, payload=lambda w: {"code": "SCOPE_W", "name": "越权规则",
                                                "condition": _rule(w).condition,
                                                "severity": "medium", "area_code": _village(w)[:6]})
for _method in ("PUT", "PATCH"):
    register_write(f"monitoring api rule {_method}", "monitoring-rule-detail",
                   lambda w: f"/api/monitoring/rules/{_rule(w).code}/", method=_method,
                   payload=lambda w: {"name": "改名", "code": _rule(w).code, "condition": "age > 200",
                                      "severity": "medium"})
register_write("monitoring api rule area", "monitoring-rule-area",
               lambda w: f"/api/monitoring/rules/{_rule(w).code}/area/", creates=True,
               payload=lambda w: {"area_code": _village(w), "active": False})
register_write("monitoring api setting", "monitoring-setting-list", lambda w: "/api/monitoring/settings/",
               creates=True, payload=lambda w: {"key": _setting_key(), "area_code": _village(w)[:6],
                                                "year_from": 2024, "value": "1"})
register_write("monitoring api event", "monitoring-event-list", lambda w: "/api/monitoring/events/",
               creates=True, payload=lambda w: {"household": w["household"].pk, "kind": "disaster",
                                                "date": "2026-01-02", "amount": "100"},
               tables=("monitoring.RiskEvent",), control=True)
register_write("monitoring api event delete", "monitoring-event-detail",
               lambda w: f"/api/monitoring/events/{w['risk_event'].pk}/", method="DELETE",
               watch=("risk_event",))
for _action in ("assign", "dismiss"):
    register_write(f"monitoring api warning {_action}", f"monitoring-warning-{_action}",
                   (lambda a: lambda w: f"/api/monitoring/warnings/{w['warning'].pk}/{a}/")(_action),
                   payload=lambda w: {"reason": "误报，已核实", "user": ""}, watch=("warning",))
register_write("monitoring api sweep start", "monitoring-sweep-start", lambda w: "/api/monitoring/sweeps/start/",
               creates=True, payload=lambda w: {"area_code": _village(w)})


def _setting_key() -> Any:
    from .models import SettingKey
    key = SettingKey.objects.order_by("pk").first()
    return key.pk if key else ""


def _csv(name: str, text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
