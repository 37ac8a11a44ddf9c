"""Scope matrix entries of rectification (see fupin/core/scope_matrix.py)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import World, register, register_builder

from .tables import FIVE_LISTS


def build(world: World) -> World:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import services
    from .models import SpotCheck, SpotCheckItem

    h = world["household"]
    problem = services.create_problem(actor=SYSTEM, source="sweep", category="housing",
                                      description=f"问题{h.household_no}", household=h,
                                      found_on=dt.date(2026, 1, 2), deadline=dt.date(2026, 2, 1))
    check = SpotCheck.objects.create(area=h.area, month=dt.date(2026, 1, 1), kind="household", seed=7, size=1,
                                     note=f"抽查{h.household_no}")
    item = SpotCheckItem.objects.create(spotcheck=check, position=1, household=h)
    pdf = SimpleUploadedFile(f"佐证{h.household_no}.pdf", b"%PDF-1.4 scope matrix")
    evidence = services.add_evidence(actor=SYSTEM, problem=problem, upload=pdf)
    return {"problem": problem, "spotcheck": check, "spotcheck_item": item, "evidence": evidence}


register_builder("rectification", build)

def _five_list_url(kind: str, world: World) -> str:
    return reverse("rectification:five_list", args=[kind])


_no = lambda w: w["household"].household_no  # noqa: E731

register("problem list", "list", lambda w: reverse("rectification:problem_list"), _no)
for _kind in FIVE_LISTS:
    register(f"five list {_kind}", "list", partial(_five_list_url, _kind), lambda w: w["problem"].number)
register("problem evidence file", "detail",
         lambda w: reverse("rectification:evidence_file", args=[w["evidence"].pk]))
register("problem detail", "detail", lambda w: reverse("rectification:problem_detail", args=[w["problem"].pk]))
register("spotcheck list", "list", lambda w: reverse("rectification:spotcheck_list"),
         lambda w: w["spotcheck"].note)
register("spotcheck detail", "detail",
         lambda w: reverse("rectification:spotcheck_detail", args=[w["spotcheck"].pk]))
register("api problems", "api_list", lambda w: "/api/rectification/problems/", _no)
register("api problem detail", "api_detail", lambda w: f"/api/rectification/problems/{w['problem'].pk}/")
register("api spotchecks", "api_list", lambda w: "/api/rectification/spotchecks/",
         lambda w: f"\"household\":{w['household'].pk},")
register("api spotcheck detail", "api_detail", lambda w: f"/api/rectification/spotchecks/{w['spotcheck'].pk}/")
register("api spotcheck item detail", "api_detail",
         lambda w: f"/api/rectification/spotcheck-items/{w['spotcheck_item'].pk}/")
