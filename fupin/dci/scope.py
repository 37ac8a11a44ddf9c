"""The DCI partner pages in the scope test matrix. The DCI API itself is authenticated by
partner tokens, not sessions; its own scope matrix is fupin/dci/tests/test_partner_scope.py."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, exempt_write, register, register_builder, register_write


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


# Writes of the partner pages (session users), aimed at the target village's partner and area.
register_write("dci partner add", "dci:partner_add", lambda w: reverse("dci:partner_add"), creates=True,
               payload=lambda w: {"name": "越权对接方", "area_code": w["household"].area_id,
                                  "active": "on"}, tables=("dci.Partner",))
register_write("dci partner update", "dci:partner_detail",
               lambda w: reverse("dci:partner_detail", args=[w["dci_partner"].pk]),
               payload=lambda w: {"name": w["dci_partner"].name, "area_code": w["household"].area_id[:6],
                                  "active": "on"}, watch=("dci_partner",))
register_write("dci partner rotate token", "dci:partner_detail",
               lambda w: reverse("dci:partner_detail", args=[w["dci_partner"].pk]),
               payload=lambda w: {"rotate": "1"}, watch=("dci_partner",))
# The DCI API is called with partner tokens, not sessions: each partner is scoped to an area
# (`Principal(area_code=partner.area_id)`), its reads are filtered through visible_to and
# checked per query type in fupin/dci/tests/test_partner_scope.py; these POSTs write only the
# calling partner's own transactions and subscriptions.
for _route in ("search", "sync_search", "subscribe", "unsubscribe", "txn_status", "sync_txn_status"):
    exempt_write(f"dci:{_route}", "DCI partner endpoint: token auth, partner-scoped "
                 "(fupin/dci/tests/test_partner_scope.py); writes the partner's own records only")
