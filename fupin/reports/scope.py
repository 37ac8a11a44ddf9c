"""Report pages in the scope matrix: a village cadre's pages never show another village."""

from __future__ import annotations

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder, register_write


def _village(w: dict) -> str:
    return str(w["household"].area_id)


# The dashboard of one's own village opens; another village's is refused (404).
register("reports dashboard", "detail", lambda w: f"{reverse('reports:dashboard')}?area={_village(w)}")
register("reports indicators json", "detail",
         lambda w: f"{reverse('reports:indicators')}?area={_village(w)}")
register("reports dashboard export", "detail",
         lambda w: f"{reverse('reports:dashboard')}?area={_village(w)}&export=xlsx")
register("reports mpi", "detail", lambda w: f"{reverse('reports:mpi')}?area={_village(w)}")
register("reports mpi export", "detail",
         lambda w: f"{reverse('reports:mpi')}?area={_village(w)}&export=xlsx")
register("reports ranking", "detail", lambda w: f"{reverse('reports:ranking')}?area={_village(w)}")
register("reports assessment", "detail",
         lambda w: f"{reverse('reports:assessment')}?area={_village(w)}")
register("reports bulletin", "detail", lambda w: f"{reverse('reports:bulletin')}?area={_village(w)}")



def _build(world: World) -> World:
    from .models import Scorecard
    card = Scorecard.objects.create(area_code=world["household"].area_id[:6],
                                    name=f"评分表{world['household'].household_no}", level="township")
    return {"scorecard": card}


register_builder("reports", _build)
_scorecard_rows = lambda w: {"name": "越权评分表", "level": "township", "rows": "1",  # noqa: E731
                             "indicator_0": _indicator(), "weight_0": "1"}
# Bulletins run as a job in the sender's name (the job row is the sender's own).
register_write("reports bulletin", "reports:bulletin", lambda w: reverse("reports:bulletin"),
               creates=True, payload=lambda w: {"area": _village(w), "month": "2026-01"},
               own_rows=("core.Job",))
register_write("reports scorecard add", "reports:scorecard_add",
               lambda w: f"{reverse('reports:scorecard_add')}?area={_village(w)[:6]}", creates=True,
               payload=_scorecard_rows, tables=("reports.Scorecard",))
register_write("reports scorecard edit", "reports:scorecard_edit",
               lambda w: reverse("reports:scorecard_edit", args=[w["scorecard"].pk]),
               payload=_scorecard_rows, watch=("scorecard",))
register_write("reports assessment target", "reports:assessment",
               lambda w: f"{reverse('reports:assessment')}?area={_village(w)[:6]}", creates=True,
               payload=lambda w: {"target_area": _village(w), "year": 2026,
                                  "indicator": _indicator(), "target": "1"},
               tables=("reports.AssessmentTarget",))


def _indicator() -> str:
    from . import catalogue
    return str(catalogue.choices()[0][0])
