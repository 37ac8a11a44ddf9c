"""Scope matrix entries of field (see fupin/core/scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder


def build(world: World) -> World:
    from fupin.core.testing import next_resident_id

    from .models import SelfApplication

    h = world["household"]
    app = SelfApplication.objects.create(
        area_id=h.area_id, receipt_no=f"SQ{h.household_no[-12:]}", name=f"申请{h.household_no}",
        resident_id=next_resident_id(), phone="13900000000", happened="illness",
        description="生病住院", found_on="2026-12-01", accept_due="2026-12-03")
    return {"application": app}


register_builder("field", build)

_app = lambda w: w["application"].name  # noqa: E731

register("field inbox", "list", lambda w: reverse("field:inbox") + "?state=", _app)
register("field application", "detail", lambda w: reverse("field:application", args=[w["application"].pk]))
register("field my work", "list", lambda w: reverse("field:my_work"), lambda w: w["household"].household_no)
register("field offline households", "list", lambda w: reverse("field:api_households"),
         lambda w: w["household"].household_no)
