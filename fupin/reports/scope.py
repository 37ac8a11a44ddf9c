"""Report pages in the scope matrix: a village cadre's pages never show another village."""

from __future__ import annotations

from django.urls import reverse

from fupin.core.scope_matrix import register


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
