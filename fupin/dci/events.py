"""Registry changes → DCI subscription events (REGISTER, UPDATE, DELETE, LINK, UNLINK).

The registry sends `household_changed(household_ids, reason)` from its services (and the
ledger import after its commit). The event type comes from the reason:

==================  ==================================================================
reason              event
==================  ==================================================================
create_household    REGISTER
delete_household    DELETE (number and area kept from the household's history row)
add_member          LINK
member_event        UNLINK for a household whose latest member event is a leaving one
                    (death, moving / marrying out), LINK for one that gained the person
anything else       UPDATE (update_household, update_member, set_income,
                    record_assessment, ledger imports — a household a ledger import
                    created, having a single history row, is REGISTER)
==================  ==================================================================

The receiver only records a `ChangeEvent` row in the same transaction (so a rolled-back
change raises nothing) and queues the `dci_notify` job after commit; the job matches the
changed households to each active subscription (its filter and its partner's area scope,
in the database) and posts `notify` messages with retries (`delivery`).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.dispatch import Signal, receiver

from fupin.registry.choices import LEAVING_EVENTS
from fupin.registry.models import Household, MemberEvent
from fupin.registry.signals import household_changed

from .models import ChangeEvent, Subscription

# Finer signal for other listeners: sent (inside the registry transaction) with
# events={event type: [household ids]} once a change is classified.
registry_event = Signal()

REASON_EVENTS = {"create_household": "REGISTER", "delete_household": "DELETE",
                 "add_member": "LINK"}
SERVICE_REASONS = {"create_household", "update_household", "delete_household", "add_member",
                   "update_member", "member_event", "set_income", "record_assessment"}


def classify(household_ids: list[int], reason: str) -> tuple[dict[str, list[int]],
                                                           dict[str, list[str]],
                                                           dict[str, int]]:
    """(event type -> ids, deleted id -> [household_no, area code], household id -> member id
    for LINK / UNLINK)."""
    ids = sorted(set(household_ids))
    deleted: dict[str, list[str]] = {}
    members: dict[str, int] = {}
    if reason in REASON_EVENTS:
        etype = REASON_EVENTS[reason]
        if etype == "DELETE":
            for row in (Household.history.filter(id__in=ids).order_by("id", "-history_id")
                        .values("id", "household_no", "area_id")):
                deleted.setdefault(str(row["id"]), [row["household_no"], row["area_id"]])
        if etype == "LINK":
            for ev in (MemberEvent.objects.filter(member__household_id__in=ids)
                       .order_by("member__household_id", "-id")
                       .values("member__household_id", "member_id")):
                members.setdefault(str(ev["member__household_id"]), ev["member_id"])
        return {etype: ids}, deleted, members
    if reason == "member_event":
        events: dict[str, list[int]] = {}
        latest: dict[int, tuple[str, int]] = {}
        for ev in (MemberEvent.objects.filter(member__household_id__in=ids)
                   .order_by("member__household_id", "-id")
                   .values("member__household_id", "kind", "member_id")):
            latest.setdefault(ev["member__household_id"], (ev["kind"], ev["member_id"]))
        for hid in ids:
            kind, member_id = latest.get(hid, ("", 0))
            etype = "UNLINK" if kind in LEAVING_EVENTS else "LINK" if kind else "UPDATE"
            events.setdefault(etype, []).append(hid)
            if member_id:
                members[str(hid)] = member_id
        return events, deleted, members
    return {"UPDATE": ids}, deleted, members


@receiver(household_changed, dispatch_uid="dci_subscription_events")
def on_household_changed(sender: Any, household_ids: list[int], reason: str = "",
                         **kwargs: Any) -> None:
    if not household_ids or not Subscription.objects.filter(active=True).exists():
        return
    events, deleted, members = classify(list(household_ids), reason)
    registry_event.send(sender=ChangeEvent, events=events)
    event = ChangeEvent.objects.create(reason=reason[:200], events=events, deleted=deleted,
                                       members=members)
    from fupin.core.jobs import start_job
    start_job("dci_notify", f"DCI 事件通知（{reason or '登记变更'}）",
              params={"event_id": event.pk})


def created_by_import(ids: list[int]) -> set[int]:
    """Households among `ids` whose history has a single row (created, never changed since):
    a ledger import created them. One grouped query."""
    if not ids:
        return set()
    table = Household.history.model._meta.db_table
    found: set[int] = set()
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f"SELECT id FROM {table} WHERE id = ANY(%s) GROUP BY id "
                        "HAVING COUNT(*) = 1 AND MIN(history_type) = '+'", [ids])
            found.update(r[0] for r in cur.fetchall())
            return found
        for i in range(0, len(ids), 5000):
            chunk = ids[i:i + 5000]
            marks = ",".join(["%s"] * len(chunk))
            cur.execute(f"SELECT id FROM {table} WHERE id IN ({marks}) GROUP BY id "
                        "HAVING COUNT(*) = 1 AND MIN(history_type) = '+'", chunk)
            found.update(r[0] for r in cur.fetchall())
    return found
