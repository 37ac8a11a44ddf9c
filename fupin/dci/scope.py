"""The DCI partner pages in the scope test matrix. The DCI API itself is authenticated by
partner tokens, not sessions; its own scope matrix is fupin/dci/tests/test_partner_scope.py."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder


def _build(world: World) -> dict[str, Any]:
    from fupin.accounts.actors import SystemActor
    from fupin.dci.services import add_partner

    household = world["household"]
    partner, _token = add_partner(actor=SystemActor("scope matrix"),
                                  name=f"对接方{household.household_no}",
                                  area_code=household.area_id)
    return {"dci_partner": partner}


register_builder("dci", _build)
register("dci partner list", "list", lambda w: reverse("dci:partner_list"),
         lambda w: w["dci_partner"].name)
register("dci partner detail", "detail",
         lambda w: reverse("dci:partner_detail", args=[w["dci_partner"].pk]))
