"""Risk leads (线索) and their clocks: the service other apps call.

A lead comes from a monitoring warning, a household's self-application, a department's
data match or a cadre's report (MECHANISM.md §5.1 "DISCOVERED"). It has the day it was
found and a deadline: identification must be finished within the county's total days
(default 15) counted from that day. Opening an identification case from a lead starts the
case's clock on the lead's day, not on the day the case is opened; the decision of the
case (included / not included) closes the lead and the warnings behind it.

    from fupin.cases.leads import raise_lead
    lead = raise_lead(actor=user, household=hh, channel="self_report",
                      found_on=day, description="农户申请：……")
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fupin.accounts.actors import Actor, check_actor, history_user, is_system
from fupin.accounts.scope import area_in_scope
from fupin.registry.models import Household

from .choices import Channel, LeadStatus
from .models import Case, Lead

LEAD_CHANNELS = (Channel.WARNING, Channel.SELF_REPORT, Channel.DEPARTMENT, Channel.CADRE,
                 Channel.OTHER)


def lead_deadline(area_code: str, found_on: dt.date) -> dt.date:
    from .deadlines import settings_for
    return found_on + dt.timedelta(days=settings_for(area_code).identification_total_days)


@transaction.atomic
def raise_lead(*, actor: Actor, household: Household, channel: str, found_on: dt.date | None = None,
               description: str, warning: Any = None, source: str = "") -> Lead:
    """Record a lead for a household (or return the live one it already has from the same
    channel, so repeated imports or sweeps do not pile up leads). Imports and sweeps pass a
    SystemActor."""
    check_actor(actor)
    if not is_system(actor) and not area_in_scope(actor, household.area_id):
        raise PermissionDenied(f"农户 {household.household_no} 不在您的管辖范围内")
    today = timezone.localdate()
    found_on = found_on or today
    errors: dict[str, list[str]] = {}
    if channel not in LEAD_CHANNELS:
        errors["channel"] = [f"线索来源“{channel}”无效"]
    if not str(description or "").strip():
        errors["description"] = ["请写明线索内容（发现了什么风险）"]
    if found_on > today:
        errors["found_on"] = [f"发现日期 {found_on:%Y-%m-%d} 晚于今天"]
    if errors:
        raise ValidationError(errors)
    existing = Lead.objects.live().filter(household=household, channel=channel).first()
    if existing is not None:
        return existing
    lead = Lead(household=household, channel=channel, found_on=found_on,
                deadline=lead_deadline(household.area_id, found_on),
                description=str(description).strip(), warning=warning, source=source[:200],
                created_by=history_user(actor))
    if household.monitoring_type and not household.risk_eliminated:
        lead.status = LeadStatus.CLOSED
        lead.note = "该户已是监测对象（风险未消除），线索转入帮扶跟踪"
    if history_user(actor) is not None:
        lead._history_user = actor  # type: ignore[attr-defined]
    lead.save()
    return lead


def found_day(*, lead: Lead | None, warning: Any, given: dt.date | None,
              today: dt.date | None = None) -> dt.date:
    """The day the identification clock starts: the lead's, the warning's, the given day,
    else today."""
    if lead is not None:
        return lead.found_on
    if warning is not None:
        return min(timezone.localdate(warning.opened_at), today or timezone.localdate())
    return given or today or timezone.localdate()


def attach(case: Case, lead: Lead) -> None:
    lead.status = LeadStatus.IN_PROCEDURE
    lead.case = case
    lead.save(update_fields=["status", "case"])


def decide(case: Case, *, included: bool, day: dt.date) -> dict[str, int]:
    """Close the case's leads and its household's live warnings with the decision."""
    from fupin.monitoring.models import Warning, WarningDecision, WarningStatus
    status = LeadStatus.INCLUDED if included else LeadStatus.NOT_INCLUDED
    note = f"{'识别纳入监测' if included else '不予纳入'}（案件 #{case.pk}）"
    leads = Lead.objects.filter(household=case.household, status__in=[
        LeadStatus.NEW, LeadStatus.IN_PROCEDURE]).update(
        status=status, case=case, decided_on=day, note=note)
    warnings = Warning.objects.filter(household=case.household, status=WarningStatus.OPEN).update(
        status=WarningStatus.DECIDED, decided_case=case, decided_on=day,
        decision=WarningDecision.INCLUDED if included else WarningDecision.NOT_INCLUDED,
        close_note=note[:200], updated_at=timezone.now())
    return {"leads": leads, "warnings": warnings}


def raise_leads_bulk(descriptions: dict[int, str], *, channel: str, source: str = "",
                     found_on: dt.date | None = None) -> int:
    """Leads for many households at once (an import, a department match): one per household
    that has no live lead of this channel yet; set-based (a few queries, one insert)."""
    from simple_history.utils import bulk_create_with_history

    from .deadlines import settings_for
    if channel not in LEAD_CHANNELS:
        raise ValidationError({"channel": [f"线索来源“{channel}”无效"]})
    day = found_on or timezone.localdate()
    ids = set(descriptions)
    live = set(Lead.objects.live().filter(household_id__in=ids, channel=channel)
               .values_list("household_id", flat=True))
    rows = list(Household.objects.filter(pk__in=ids - live).values_list("pk", "area_id"))
    totals: dict[str, int] = {}
    leads = []
    for pk, area in rows:
        county = area[:6]
        if county not in totals:
            totals[county] = settings_for(county).identification_total_days
        leads.append(Lead(household_id=pk, channel=channel, found_on=day,
                          deadline=day + dt.timedelta(days=totals[county]),
                          description=descriptions[pk], source=source[:200]))
    bulk_create_with_history(leads, Lead, batch_size=2000)
    return len(leads)
