"""Area pages and API in the scope test matrix: another township's village is invisible."""

from __future__ import annotations

from django.urls import reverse

from fupin.core.scope_matrix import World, register


def _code(w: World) -> str:
    return str(w["household"].area_id)


register("area tree", "list", lambda w: reverse("areas:tree"), _code)
register("area detail", "detail", lambda w: reverse("areas:area_detail", args=[_code(w)]))
register("api areas", "api_list", lambda w: "/api/areas/", lambda w: f'"{_code(w)}"')
register("api areas by level", "api_list", lambda w: "/api/areas/?level=village",
         lambda w: f'"{_code(w)}"')
register("api area", "api_detail", lambda w: f"/api/areas/{_code(w)}/")
