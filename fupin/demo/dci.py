"""Demo set-up of the DCI Social Registry API: one partner with a known token, so the API
answers right after `make demo` (the demo build calls `create_demo_partner(codes)` and prints
the returned lines). Re-running resets the partner to these values."""

from __future__ import annotations

from fupin.accounts.actors import SystemActor
from fupin.dci import protocol, services
from fupin.dci.models import Partner

DEMO_PARTNER = "演示对接方（县医保局）"
DEMO_SENDER_ID = "demo-nhsa"
DEMO_TOKEN = "demo-dci-token-0123456789"  # demo only; real partners get a random token


def create_demo_partner(codes: list[str] | tuple[str, ...]) -> list[str]:
    """Create (or reset) the demo partner on the first demo county; returns the lines to print."""
    area = str(codes[0])
    partner = Partner.objects.filter(name=DEMO_PARTNER).first()
    if partner is None:
        partner, _token = services.add_partner(
            actor=SystemActor("fupin demo"), name=DEMO_PARTNER, area_code=area,
            grants=["resident_id"], sender_id=DEMO_SENDER_ID, token=DEMO_TOKEN)
    else:
        partner.area_id, partner.grants, partner.active, partner.public_key = (
            area, ["resident_id"], True, "")
        partner.token_hash, partner.token_hint = protocol.hash_token(DEMO_TOKEN), DEMO_TOKEN[:6]
        partner.save()
    return [
        "DCI 社会登记接口（/api/dci/registry/sync/search，详见 docs/dci.md）：",
        f"  对接方 {DEMO_PARTNER}，sender_id {DEMO_SENDER_ID}，范围 {area}，授权 身份证号",
        f"  令牌 {DEMO_TOKEN}",
    ]
