"""The offline queue's sync: idempotent by UUID, conflicts and refusals with reasons."""

import datetime as dt
import json
import uuid

from django.utils import timezone

from fupin.assistance.models import Visit
from fupin.field import services
from fupin.field.models import SyncItem


def _item(h, **extra):
    base = {"uuid": str(uuid.uuid4()), "kind": "visit", "household": h.pk,
            "version": services.household_version(h), "recorded_at": timezone.now().isoformat(),
            "data": {"visited_on": timezone.localdate().isoformat(), "channel": "home", "findings": "入户了解"}}
    base.update(extra)
    return base


def test_sync_is_idempotent_by_uuid(client, helper_user, assigned):
    h = assigned["households"][0]
    item = _item(h)
    client.force_login(helper_user)
    for _ in range(3):  # a retried sync (lost response) never doubles the visit
        resp = client.post("/field/api/sync/", json.dumps({"items": [item]}), content_type="application/json")
        assert resp.status_code == 200
    assert Visit.objects.filter(household=h).count() == 1
    assert Visit.objects.get().helper == assigned["helper"] and SyncItem.objects.get().visit_id
    assert resp.json()["results"][0]["status"] == "duplicate"
    visit = Visit.objects.get()
    assert visit.recorded_at is not None and visit.created_by == helper_user


def test_conflict_when_household_changed_then_confirmed(helper_user, assigned):
    h = assigned["households"][0]
    item = _item(h, version="2020-01-01T00:00:00+00:00")
    [res] = services.sync_items(actor=helper_user, items=[item])
    assert res.status == "conflict" and "已被他人修改" in res.reason and res.server
    assert not Visit.objects.exists() and not SyncItem.objects.exists()
    [res] = services.sync_items(actor=helper_user, items=[{**item, "confirm": True}])
    assert res.status == "accepted" and Visit.objects.count() == 1


def test_refused_items_come_back_with_reasons(helper_user, assigned):
    from fupin.core.testing import make_household

    h = assigned["households"][0]
    other = make_household(household_type="poor")  # same village, not assigned to this helper
    bad = _item(h, data={"visited_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
                         "channel": "home", "findings": ""})
    results = services.sync_items(actor=helper_user, items=[
        bad, _item(other), {"uuid": "nope", "kind": "visit"}, _item(h, kind="party")])
    assert [r.status for r in results] == ["refused"] * 4
    assert "晚于今天" in results[0].reason and "请填写走访情况" in results[0].reason
    assert "不在您的管辖范围" in results[1].reason
    assert "UUID" in results[2].reason
    assert not Visit.objects.exists()


def test_risk_event_from_helper(helper_user, assigned):
    from fupin.monitoring.models import RiskEvent

    h = assigned["households"][1]
    item = _item(h, kind="risk_event", data={"kind": "medical", "date": timezone.localdate().isoformat(),
                                              "amount": "8000", "note": "住院"})
    [res] = services.sync_items(actor=helper_user, items=[item])
    assert res.status == "accepted", res.reason
    event = RiskEvent.objects.get()
    assert event.household == h and "手机离线上报" in event.source_detail


def test_bad_payload_400(client, helper_user):
    client.force_login(helper_user)
    resp = client.post("/field/api/sync/", "not json", content_type="application/json")
    assert resp.status_code == 400 and "items" in resp.json()


def test_households_for_phone(client, helper_user, assigned):
    client.force_login(helper_user)
    data = client.get("/field/api/households/").json()
    assert {h["id"] for h in data["households"]} == {h.pk for h in assigned["households"]}
    assert data["households"][0]["members"] and data["households"][0]["version"]


def test_service_worker_and_manifest_at_root(client):
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("application/javascript")
    assert sw["Service-Worker-Allowed"] == "/" and "/field/offline/" in sw.content.decode()
    manifest = client.get("/manifest.webmanifest").json()
    assert manifest["scope"] == "/" and manifest["start_url"] == "/field/offline/"


def test_my_work_helper_landing(client, helper_user, assigned):
    client.force_login(helper_user)
    resp = client.get("/", follow=True)
    assert resp.redirect_chain[-1][0] == "/field/my-work/"
    page = resp.content.decode()
    assert "逾期未走访" in page and assigned["households"][0].head_name in page and "记走访" in page
