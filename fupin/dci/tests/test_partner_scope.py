"""The DCI API's own scope matrix: for each query type and record type, a partner scoped to
a township finds its own households and never another township's, not even their count."""

from __future__ import annotations

import pytest

from fupin.core.models import AccessLog

from .helpers import PATHS, check_response, header, post, search_item, search_message

pytestmark = pytest.mark.django_db


def queries(registry, own: bool):
    h = registry["own"] if own else registry["foreign"]
    m = h.members.order_by("pk").first()
    return [
        ("idtype-value", {"type": "UIN", "value": m.resident_id}),
        ("idtype-value", {"type": "HOUSEHOLD_ID", "value": h.household_no}),
        ("expression", {"type": "expression", "value": {"expression": {"query": {
            "location": {"$eq": h.area_id}}}}}),
        ("predicate", [{"expression1": {"attribute_name": "location", "operator": "eq",
                                        "attribute_value": h.area_id}}]),
        ("predicate", [{"expression1": {"attribute_name": "HOUSEHOLD_ID", "operator": "eq",
                                        "attribute_value": h.household_no}},
                       {"expression1": {"attribute_name": "age", "operator": "ge",
                                        "attribute_value": "0"}}]),
    ]


@pytest.mark.parametrize("entity", ["Group", "Member"])
@pytest.mark.parametrize("i", range(5))
def test_partner_sees_own_township_only(client, registry, partner, entity, i):
    for own in (True, False):
        qtype, query = queries(registry, own)[i]
        body = {"header": header("search", partner.sender_id),
                "message": search_message(search_item(qtype, query, response_entity=entity))}
        out = check_response(PATHS["sync_search"], post(client, PATHS["sync_search"], body, partner.token))
        item = out["message"]["search_response"][0]
        assert item["status"] == "succ", item
        if own:
            assert item["pagination"]["total_count"] >= 1
        else:
            assert item["pagination"]["total_count"] == 0
            assert item["data"]["reg_records"] == []
    assert not AccessLog.objects.filter(detail__contains="DCI-B-1").exists()
