"""Scope matrix entries of assistance (see fupin/core/scope_matrix.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import World, register, register_builder, register_write


def build(world: World) -> World:
    from django.core.files.base import ContentFile

    from fupin.core.testing import make_household

    from . import services
    from .models import Visit, VisitPhoto

    h = world["household"]
    no = h.household_no
    unit = services.create_unit(actor=SYSTEM, name=f"单位{no}", level="county", area_code=h.area_id)
    helper = services.create_helper(actor=SYSTEM, data={"name": f"帮扶{no}", "area": h.area_id, "unit": unit})
    services.assign_helper(actor=SYSTEM, household=h, helper=helper, started_on=dt.date(2026, 1, 1))
    plan = services.create_plan(actor=SYSTEM, household=h, year=2026,
                                measures=[{"category": "industry", "title": f"措施{no}"}])
    visit = Visit.objects.create(household=h, helper=helper, visited_on=dt.date(2026, 1, 5), channel="home",
                                 findings=f"走访{no}")
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    photo = VisitPhoto(visit=visit, content_type="image/png", size=len(png), sha256="0" * 64)
    photo.file.save(f"{no}.png", ContentFile(png))
    visit.signature.save(f"sig{no}.png", ContentFile(png))
    poor = make_household(h.area_id, household_no=f"{no}P", household_type="poor")
    flagged = services.flag(actor=SYSTEM, area=h.area_id, household=h, leader_name=f"领导{no}")
    return {"unit": unit, "helper": helper, "plan": plan, "measure": plan.measures.get(), "visit": visit,
            "overdue_household": poor, "flag": flagged, "visit_photo": photo}


register_builder("assistance", build)

_no = lambda w: w["household"].household_no  # noqa: E731
_helper = lambda w: w["helper"].name  # noqa: E731

register("helper list", "list", lambda w: reverse("assistance:helper_list"), _helper)
register("helper detail", "detail", lambda w: reverse("assistance:helper_detail", args=[w["helper"].pk]))
register("unit list", "list", lambda w: reverse("assistance:unit_list"), lambda w: w["unit"].name)
register("unit detail", "detail", lambda w: reverse("assistance:unit_detail", args=[w["unit"].pk]))
register("plan list", "list", lambda w: reverse("assistance:plan_list"), _no)
register("plan detail", "detail", lambda w: reverse("assistance:plan_detail", args=[w["plan"].pk]))
register("plan add form", "detail", lambda w: reverse("assistance:plan_add", args=[w["overdue_household"].pk]))
register("visit list", "list", lambda w: reverse("assistance:visit_list"), _no)
register("visit detail", "detail", lambda w: reverse("assistance:visit_detail", args=[w["visit"].pk]))
register("visit photo file", "detail",
         lambda w: reverse("assistance:visit_photo", args=[w["visit_photo"].pk]))
register("visit evidence file", "detail",
         lambda w: reverse("assistance:visit_evidence", args=[w["visit"].pk, "signature"]))
register("visit add form", "detail", lambda w: reverse("assistance:visit_add", args=[w["household"].pk]))
register("assign form", "detail", lambda w: reverse("assistance:assign", args=[w["household"].pk]))
register("overdue visits", "list", lambda w: reverse("assistance:overdue_visits"),
         lambda w: w["overdue_household"].household_no)
register("flag list", "list", lambda w: reverse("assistance:flag_list"), _no)
register("township overview", "detail", lambda w: reverse("assistance:township", args=[w["household"].area_id[:9]]))
register("api helpers", "api_list", lambda w: "/api/assistance/helpers/", _helper)
register("api helper detail", "api_detail", lambda w: f"/api/assistance/helpers/{w['helper'].pk}/")
register("api units", "api_list", lambda w: "/api/assistance/units/", lambda w: w["unit"].name)
register("api assignments", "api_list", lambda w: "/api/assistance/assignments/", _no)
register("api plans", "api_list", lambda w: "/api/assistance/plans/", _no)
register("api plan detail", "api_detail", lambda w: f"/api/assistance/plans/{w['plan'].pk}/")
register("api measures", "api_list", lambda w: "/api/assistance/measures/", lambda w: w["measure"].title)
register("api measure detail", "api_detail", lambda w: f"/api/assistance/measures/{w['measure'].pk}/")
register("api visits", "api_list", lambda w: "/api/assistance/visits/", _no)
register("api visit detail", "api_detail", lambda w: f"/api/assistance/visits/{w['visit'].pk}/")
register("api overdue", "api_list", lambda w: "/api/assistance/overdue/",
         lambda w: w["overdue_household"].household_no)

# Writes, aimed at the target village's household, plan, unit and area.
_v = lambda w: w["household"].area_id  # noqa: E731
_hh_url = lambda name: lambda w: reverse(f"assistance:{name}", args=[w["household"].pk])  # noqa: E731
register_write("helper add", "assistance:helper_add", lambda w: reverse("assistance:helper_add"),
               creates=True, payload=lambda w: {"name": "越权帮扶人", "area": _v(w)},
               tables=("assistance.Helper",))
register_write("unit add", "assistance:unit_add", lambda w: reverse("assistance:unit_add"), creates=True,
               payload=lambda w: {"name": "越权单位", "level": "county", "area_code": _v(w)},
               tables=("assistance.AssistingUnit",))
register_write("unit pair", "assistance:unit_pair",
               lambda w: reverse("assistance:unit_pair", args=[w["unit"].pk]),
               payload=lambda w: {"village": _v(w), "started_on": "2026-01-01"},
               tables=("assistance.UnitPairing",), control=True)
register_write("assign", "assistance:assign", _hh_url("assign"),
               payload=lambda w: {"helper": w["helper"].pk, "started_on": "2026-02-01", "reason": "x"})
register_write("plan add", "assistance:plan_add", _hh_url("plan_add"),
               payload=lambda w: {"year": 2027, "summary": "越权"}, tables=("assistance.Plan",),
               control=True)
register_write("visit add", "assistance:visit_add", _hh_url("visit_add"),
               payload=lambda w: {"visited_on": "2026-02-01", "channel": "home", "findings": "越权"},
               tables=("assistance.Visit",), control=True)
register_write("rule edit", "assistance:rule_edit", lambda w: reverse("assistance:rule_edit"),
               creates=True, payload=lambda w: {"area_code": _v(w), "max_households_per_helper": 9,
                                                "visit_months_monitored": 1, "visit_months_poor": 1,
                                                "visit_months_lifted": 3})
register_write("flag add", "assistance:flag_add", lambda w: reverse("assistance:flag_add"), creates=True,
               payload=lambda w: {"area": _v(w), "household_no": w["overdue_household"].household_no,
                                  "leader_name": "越权领导", "started_on": "2026-02-01"})
register_write("measure add", "assistance:measure_add",
               lambda w: reverse("assistance:measure_add", args=[w["plan"].pk]),
               payload=lambda w: {"category": "industry", "title": "越权措施", "status": "planned"},
               tables=("assistance.Measure",), control=True)
register_write("measure edit", "assistance:measure_edit",
               lambda w: reverse("assistance:measure_edit", args=[w["measure"].pk]),
               payload=lambda w: {"category": "industry", "title": "改写措施", "status": "planned"},
               watch=("measure",))
register_write("api assignment", "assistance-assignment-list", lambda w: "/api/assistance/assignments/",
               creates=True, payload=lambda w: {"household": w["overdue_household"].pk, "helper": w["helper"].pk,
                                                "started_on": "2026-02-01"})
register_write("api plan", "assistance-plan-list", lambda w: "/api/assistance/plans/", creates=True,
               payload=lambda w: {"household": w["household"].pk, "year": 2027, "summary": "越权",
                                  "measures": []}, tables=("assistance.Plan",), control=True)
register_write("api measure", "assistance-measure-list", lambda w: "/api/assistance/measures/",
               creates=True, payload=lambda w: {"plan": w["plan"].pk, "category": "industry",
                                                "title": "越权措施"})
for _method in ("PUT", "PATCH"):
    register_write(f"api measure {_method}", "assistance-measure-detail",
                   lambda w: f"/api/assistance/measures/{w['measure'].pk}/", method=_method,
                   payload=lambda w: {"plan": w["plan"].pk, "category": "industry", "title": "改写"},
                   watch=("measure",))
register_write("api visit", "assistance-visit-list", lambda w: "/api/assistance/visits/", creates=True,
               payload=lambda w: {"household": w["household"].pk, "visited_on": "2026-02-01",
                                  "channel": "home", "findings": "越权"},
               tables=("assistance.Visit",), control=True)
