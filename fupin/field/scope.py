"""Scope matrix entries of field (see fupin/core/scope_matrix.py)."""

from __future__ import annotations

from django.urls import reverse

from fupin.core.scope_matrix import World, exempt_write, register, register_builder, register_write


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


# Writes: the offline sync, the proxy application and the township's handling of one.
def _sync(w: World) -> dict[str, object]:
    import uuid
    return {"items": [{"uuid": str(uuid.uuid4()), "kind": "risk_event", "household": w["household"].pk,
                       "recorded_at": "2026-12-01T10:00:00+08:00",
                       "data": {"kind": "disaster", "date": "2026-12-01", "amount": "100"}}]}


# The sync answers 200 with a result per item; an item on another area's household is "refused".
register_write("field offline sync", "field:api_sync", lambda w: reverse("field:api_sync"),
               payload=_sync, creates=True, refused_with=(200,), as_json=True,
               tables=("monitoring.RiskEvent",), control=True)
register_write("field proxy application", "field:proxy_apply", lambda w: reverse("field:proxy_apply"),
               creates=True, payload=lambda w: {"name": "越权代填", "resident_id": w["application"].resident_id,
                                                "phone": "13900000001", "village": w["household"].area_id,
                                                "happened": "illness", "description": "越权"},
               tables=("field.SelfApplication",))
for _action, _payload in (("accept", lambda w: {"action": "accept", "household_no": w["household"].household_no}),
                          ("decline", lambda w: {"action": "decline", "reason": "越权"}),
                          ("link", lambda w: {"action": "link", "household_no": w["household"].household_no})):
    register_write(f"field application {_action}", "field:application",
                   lambda w: reverse("field:application", args=[w["application"].pk]),
                   payload=_payload, watch=("application",), control=_action == "decline",
                   control_role="township_staff")
exempt_write("field:apply", "the public self-application form: anyone may file one for their own "
             "village (rate-limited, with a challenge); no signed-in scope applies")
