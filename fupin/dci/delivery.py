"""Posting callbacks to partners (on-search, on-subscribe, on-unsubscribe, txn/on-status,
notify), signed with Fupin's key, retried, every attempt recorded in the delivery log."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone

from fupin.registry.models import Member

from . import protocol, records, services
from .models import ChangeEvent, Delivery, DeliveryStatus, Partner, Subscription
from .query import Compiler, QueryError, base_queryset

NOTIFY_PAGE = 500  # records per notify message
MAX_ATTEMPTS = 8


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def post(uri: str, data: bytes, timeout: float | None = None) -> int:
    req = urllib.request.Request(uri, data=data, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout or _setting("DCI_CALLBACK_TIMEOUT", 10)) as resp:
        return int(resp.status)


def _envelope(d: Delivery) -> bytes:
    if d.payload is not None:
        return json.dumps(d.payload, ensure_ascii=False).encode()
    return notify_envelope(d)


def send(d: Delivery, *, tries: int | None = None) -> bool:
    """Post one delivery, retrying in place with backoff; record each attempt."""
    tries = tries if tries is not None else int(_setting("DCI_INLINE_RETRIES", 3))
    backoff = float(_setting("DCI_RETRY_BACKOFF", 0.5))
    body = _envelope(d)
    for attempt in range(max(tries, 1)):
        d.attempts += 1
        try:
            status = post(d.uri, body)
            d.http_status, d.last_error = status, ""
            ok = 200 <= status < 300
        except urllib.error.HTTPError as exc:
            d.http_status, d.last_error, ok = exc.code, f"HTTP {exc.code}", False
        except (OSError, ValueError) as exc:
            d.http_status, d.last_error, ok = None, f"{type(exc).__name__}: {exc}"[:300], False
        if ok:
            d.status, d.delivered_at, d.next_attempt_at = DeliveryStatus.DELIVERED, timezone.now(), None
            d.save()
            if d.action == "notify":
                services.disclose(d.partner, action="notify", entity=_entity(d), count=d.records,
                                  first=d.message_id, txn=d.message_id)
            return True
        if attempt + 1 < tries:
            time.sleep(backoff * (2 ** attempt))
    d.status = DeliveryStatus.FAILED if d.attempts >= MAX_ATTEMPTS else DeliveryStatus.PENDING
    d.next_attempt_at = timezone.now() + dt.timedelta(minutes=2 ** min(d.attempts, 10))
    d.save()
    return False


def _entity(d: Delivery) -> str:
    return d.subscription.notify_record_type if d.subscription_id and d.subscription else "Group"


def callback(partner: Partner, txn: Any, action: str, uri: str, body: dict[str, Any]) -> Delivery:
    d = Delivery.objects.create(partner=partner, transaction=txn, action=action, uri=uri,
                                message_id=body["header"]["message_id"], payload=body)
    send(d)
    return d


def retry_due(now: dt.datetime | None = None) -> tuple[int, int]:
    """Retry pending deliveries whose time has come: (delivered, still failing)."""
    now = now or timezone.now()
    ok = bad = 0
    for d in (Delivery.objects.select_related("partner", "subscription")
              .filter(status=DeliveryStatus.PENDING)
              .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
              .order_by("created_at")[:1000]):
        if send(d, tries=1):
            ok += 1
        else:
            bad += 1
    return ok, bad


# -- notify ------------------------------------------------------------------------------


def notify_envelope(d: Delivery) -> bytes:
    """The notify message for a delivery, built from the registry as it is now."""
    sub = d.subscription
    assert sub is not None
    partner = d.partner
    if d.event_type == "DELETE":
        recs = [records.deleted_group(no) for no, _area in d.deleted.values()]
    elif sub.notify_record_type == "Member":
        recs = records.member_records(d.household_ids, partner.grants)
    else:
        recs = records.group_records(d.household_ids, partner.grants)
    stamp = protocol.now_ts()
    events = [{
        "reference_id": f"{sub.reference_id}-{i + 1}"[:99], "timestamp": stamp,
        "data": {"version": protocol.VERSION, "reg_type": protocol.REG_TYPE,
                 "reg_event_type": sub.requested_event_type,
                 "reg_record_type": sub.notify_record_type, "reg_records": rec},
        "locale": "zho"} for i, rec in enumerate(recs)]
    message = {"transaction_id": d.message_id, "notify_event": events}
    header = protocol.callback_header("notify", partner, status="succ", total=len(events),
                                      completed=len(events), message_id=d.message_id)
    d.records = len(events)
    return protocol.signed_bytes(header, message)


def _matches(sub: Subscription, etype: str, ids: list[int], event: ChangeEvent) -> list[int]:
    """Ids (household ids, or member ids for Member subscriptions) of this event that the
    subscription's filter and its partner's scope let through — in the database."""
    partner = sub.partner
    if etype == "DELETE":
        wanted = None
        if sub.filter_type == "idtype-value" and str(sub.filter.get("type", "")).upper().endswith(
                "HOUSEHOLD_ID"):
            wanted = str(sub.filter.get("value"))
        return [int(k) for k, (no, area) in event.deleted.items()
                if area.startswith(partner.area_id) and (wanted is None or no == wanted)]
    entity = sub.notify_record_type
    comp = Compiler(entity, uin_allowed=partner.granted("resident_id"))
    try:
        if sub.filter_type == "idtype-value":
            q = comp.idtype_value(sub.filter)
        elif sub.filter_type == "expression":
            q, _c = comp.expression(sub.filter)
        else:
            q = comp.predicate(sub.filter)
    except QueryError:
        return []
    from .query import annotate
    out: list[int] = []
    step = 50000 if connection.vendor == "postgresql" else 5000
    for i in range(0, len(ids), step):
        chunk = ids[i:i + step]
        qs: Any
        if entity == "Member":
            qs = Member.objects.visible_to(services.principal(partner))
            if etype in ("LINK", "UNLINK"):
                member_ids = [event.members[str(h)] for h in chunk if str(h) in event.members]
                qs = qs.filter(in_ids("pk", member_ids))
            else:
                qs = qs.filter(in_ids("household_id", chunk), status="active")
        else:
            qs = base_queryset(entity, services.principal(partner)).filter(in_ids("pk", chunk))
        qs = annotate(qs, entity, comp.needs).filter(q)
        out.extend(qs.order_by("pk").values_list("pk", flat=True))
    return out


def in_ids(field: str, ids: list[int]) -> Q:
    """`field IN ids` for long id lists: on PostgreSQL one array parameter unnested in the
    server (not tens of thousands of literals to send and parse)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__in": RawSQL("SELECT unnest(%s::bigint[])", (list(ids),))})
    return Q(**{f"{field}__in": ids})


def process_event(event: ChangeEvent, progress: Any = None) -> dict[str, int]:
    """Fan one change event out to the active subscriptions; returns counts."""
    subs = list(Subscription.objects.select_related("partner")
                .filter(active=True, partner__active=True))
    now = timezone.now()
    created: list[Delivery] = []
    for etype, raw_ids in event.events.items():
        ids = [int(i) for i in raw_ids]
        if etype == "UPDATE" and event.reason not in _service_reasons():
            from .events import created_by_import
            fresh = created_by_import(ids)
            if fresh:
                ids = [i for i in ids if i not in fresh]
                created += _fan_out(subs, "REGISTER", sorted(fresh), event, now)
        created += _fan_out(subs, etype, ids, event, now)
    total = len(created)
    if progress is not None:
        progress.start(total, "发送事件通知")
    delivered = failed = 0
    workers = int(_setting("DCI_NOTIFY_WORKERS", 4))
    if workers > 1 and total > 1 and not connection.in_atomic_block:
        # Build and post several messages at once (database, encoding and network waits
        # overlap); each worker thread uses, then closes, its own database connection.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_send_in_thread, created)
            for ok in results:
                delivered, failed = delivered + ok, failed + (not ok)
                if progress is not None:
                    progress.advance()
    else:  # inside a transaction (tests, callers' atomic blocks): rows are only visible here
        for d in created:
            if send(d):
                delivered += 1
            else:
                failed += 1
            if progress is not None:
                progress.advance()
    ChangeEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now())
    return {"deliveries": total, "delivered": delivered, "failed": failed,
            "records": sum(d.records for d in created)}


def _send_in_thread(d: Delivery) -> bool:
    try:
        return send(d)
    finally:
        connections.close_all()  # this thread's connections only


def _service_reasons() -> set[str]:
    from .events import SERVICE_REASONS
    return SERVICE_REASONS


def _fan_out(subs: Iterable[Subscription], etype: str, ids: list[int], event: ChangeEvent,
             now: dt.datetime) -> list[Delivery]:
    out: list[Delivery] = []
    for sub in subs:
        if sub.reg_event_type != etype or not ids:
            continue
        end = (sub.frequency or {}).get("end_time")
        end_at = protocol.parse_ts(end) if end else None
        if end_at is not None and end_at < now:
            continue
        matched = _matches(sub, etype, ids, event)
        for i in range(0, len(matched), NOTIFY_PAGE):
            page = matched[i:i + NOTIFY_PAGE]
            out.append(Delivery(
                partner=sub.partner, subscription=sub, event=event, action="notify",
                uri=sub.notify_uri, message_id=protocol.new_id(), event_type=etype,
                household_ids=page if etype != "DELETE" else [],
                deleted={str(k): event.deleted[str(k)] for k in page} if etype == "DELETE" else {},
                records=len(page)))
    if out:
        Delivery.objects.bulk_create(out)
    return out
