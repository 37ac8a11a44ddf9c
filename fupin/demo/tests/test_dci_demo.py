import json

import pytest

from fupin.core.testing import VILLAGE_A, make_household
from fupin.demo.dci import DEMO_SENDER_ID, DEMO_TOKEN, create_demo_partner

pytestmark = pytest.mark.django_db


def test_demo_partner_answers_a_sync_search(client):
    make_household(VILLAGE_A, household_no="DEMO-DCI-1")
    lines = create_demo_partner(["500236"])
    assert DEMO_TOKEN in lines[-1]
    create_demo_partner(["500236"])  # re-run: same partner, same token
    from fupin.dci.protocol import now_ts
    body = {"header": {"version": "1.0.0", "message_id": "m1", "message_ts": now_ts(),
                       "action": "search", "sender_id": DEMO_SENDER_ID, "total_count": 1},
            "message": {"transaction_id": "t1", "search_request": [{
                "reference_id": "r1", "timestamp": now_ts(), "search_criteria": {
                    "query_type": "idtype-value",
                    "query": {"type": "HOUSEHOLD_ID", "value": "DEMO-DCI-1"}}}]}}
    resp = client.post("/api/dci/registry/sync/search", data=json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {DEMO_TOKEN}")
    item = resp.json()["message"]["search_response"][0]
    assert item["data"]["reg_records"][0]["group_identifier"][0]["identifier_value"] == "DEMO-DCI-1"
