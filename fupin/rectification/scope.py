"""Scope matrix entries of rectification (see fupin/core/scope_matrix.py)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import World, register, register_builder, register_write

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


# Writes, aimed at the target village's problem, spot check and area.
def _pdf(name: str) -> object:
    from django.core.files.uploadedfile import SimpleUploadedFile
    return SimpleUploadedFile(name, b"%PDF-1.4 scope matrix", content_type="application/pdf")


_problem_url = lambda name, *extra: (  # noqa: E731
    lambda w: reverse(f"rectification:{name}", args=[w["problem"].pk, *extra]))
_new_problem = lambda w: {"source": "sweep", "category": "housing",  # noqa: E731
                          "household_no": w["household"].household_no,
                          "description": "越权登记", "found_on": "2026-01-03"}
register_write("problem add", "rectification:problem_add", lambda w: reverse("rectification:problem_add"),
               creates=True, payload=_new_problem, tables=("rectification.Problem",), control=True)
register_write("problem edit", "rectification:problem_edit", _problem_url("problem_edit"),
               payload=lambda w: {**_new_problem(w), "description": "改写"}, watch=("problem",))
register_write("problem action", "rectification:problem_action", _problem_url("problem_action", "start"),
               payload=lambda w: {"note": "越权"}, watch=("problem",))
register_write("problem evidence", "rectification:problem_evidence", _problem_url("problem_evidence"),
               payload=lambda w: {"ev-file": _pdf("越权.pdf"), "ev-note": ""},
               tables=("rectification.Evidence",), control=True)
register_write("spotcheck add", "rectification:spotcheck_add", lambda w: reverse("rectification:spotcheck_add"),
               creates=True, payload=lambda w: {"area": w["household"].area_id, "month": "2026-02-01",
                                                "kind": "household", "size": 1, "seed": 3})
register_write("spotcheck record", "rectification:spotcheck_record",
               lambda w: reverse("rectification:spotcheck_record", args=[w["spotcheck_item"].pk]),
               payload=lambda w: {"result": "problem", "note": "越权"}, watch=("spotcheck_item",))
register_write("api problem create", "rectification-problem-list", lambda w: "/api/rectification/problems/",
               creates=True, payload=lambda w: {"source": "sweep", "category": "housing",
                                                "household": w["household"].pk,
                                                "description": "越权登记", "found_on": "2026-01-03"},
               tables=("rectification.Problem",), control=True)
register_write("api problem act", "rectification-problem-act",
               lambda w: f"/api/rectification/problems/{w['problem'].pk}/act/",
               payload=lambda w: {"action": "start", "note": "越权"}, watch=("problem",))
register_write("api spotcheck create", "rectification-spotcheck-list", lambda w: "/api/rectification/spotchecks/",
               creates=True, payload=lambda w: {"area": w["household"].area_id, "month": "2026-02-01",
                                                "kind": "household", "size": 1, "seed": 3})
register_write("api spotcheck item record", "rectification-spotcheckitem-record",
               lambda w: f"/api/rectification/spotcheck-items/{w['spotcheck_item'].pk}/record/",
               payload=lambda w: {"result": "problem", "note": "越权"}, watch=("spotcheck_item",))
