"""Time limits, overdue marks and escalation (township, then county).

Day boundaries are Asia/Shanghai: a step entered at 23:30 local time on the 10th with a
3-day limit is due on the 13th and overdue from 00:00 local time on the 14th, whatever the
UTC date. `escalate` marks every case set-based (a few UPDATEs per county setting row).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .choices import CaseKind, CaseStatus, Escalation
from .models import Case, CaseSettings


def local_day(moment: dt.datetime | None = None) -> dt.date:
    """The Asia/Shanghai calendar day of `moment` (now when None)."""
    return timezone.localdate(moment or timezone.now())


def settings_for(area_code: str) -> CaseSettings:
    """The county's settings, or unsaved defaults when the county has not set any."""
    county = str(area_code)[:6]
    found = CaseSettings.objects.filter(county_code=county).first()
    return found or CaseSettings(county_code=county)


def step_due(cfg: CaseSettings, step_code: str, started: dt.datetime) -> dt.date:
    return local_day(started) + dt.timedelta(days=cfg.days_for(step_code))


def procedure_due(cfg: CaseSettings, kind: str, opened: dt.datetime,
                  found_on: dt.date | None = None) -> dt.date | None:
    """Identification is due `identification_total_days` after the lead was found
    (MECHANISM §5.1), not after the case was opened."""
    if kind == CaseKind.IDENTIFICATION:
        start = found_on or local_day(opened)
        return start + dt.timedelta(days=cfg.identification_total_days)
    return None


def deadline_state(case: Case, today: dt.date, cfg: CaseSettings | None = None) -> tuple[bool, str]:
    """(overdue, escalation level) of one case on `today`: the rule `escalate` applies in SQL."""
    if case.status != CaseStatus.OPEN:
        return False, Escalation.NONE
    cfg = cfg or settings_for(case.household.area_id)
    deadlines = [d for d in (case.step_due, case.due_date) if d]
    if not deadlines or min(deadlines) >= today:
        return False, Escalation.NONE
    earliest = min(deadlines)
    if earliest <= today - dt.timedelta(days=cfg.county_escalation_days):
        return True, Escalation.COUNTY
    if earliest <= today - dt.timedelta(days=cfg.township_escalation_days):
        return True, Escalation.TOWNSHIP
    return True, Escalation.NONE


def _past(day: dt.date) -> Q:
    """Open cases with a deadline before `day`."""
    return Q(step_due__lt=day) | Q(due_date__lt=day)


def escalated_q(today: dt.date, level: str) -> Q:
    """Open cases that have reached `level` ("township" or "county") of escalation on
    `today`, computed live from the deadlines and each county's settings (the same rule the
    nightly `escalate` writes down)."""
    configured = list(CaseSettings.objects.all())
    out = Q(pk__in=[])
    rest = Q()
    for cfg in [*configured, CaseSettings(county_code="")]:
        days = cfg.county_escalation_days if level == "county" else cfg.township_escalation_days
        where = (Q(household__area__code__startswith=cfg.county_code) if cfg.county_code
                 else rest)
        out |= where & _past(today - dt.timedelta(days=days - 1))
        if cfg.county_code:
            rest &= ~Q(household__area__code__startswith=cfg.county_code)
    return out


@transaction.atomic
def escalate(now: dt.datetime | None = None) -> dict[str, Any]:
    """Mark overdue cases and escalate them, set-based. Returns counts for the job/CLI."""
    today = local_day(now)
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    cleared = open_cases.filter(overdue=True).exclude(_past(today)).update(
        overdue=False, overdue_since=None, escalation=Escalation.NONE)
    marked = open_cases.filter(overdue=False).filter(_past(today)).update(
        overdue=True, overdue_since=today)
    to_township = to_county = 0
    configured = list(CaseSettings.objects.all())
    groups: list[tuple[Q, CaseSettings]] = [
        (Q(household__area__code__startswith=c.county_code), c) for c in configured]
    rest = Q()
    for c in configured:
        rest &= ~Q(household__area__code__startswith=c.county_code)
    groups.append((rest, CaseSettings(county_code="")))
    for where, cfg in groups:
        scoped = open_cases.filter(where)
        county_day = today - dt.timedelta(days=cfg.county_escalation_days - 1)
        township_day = today - dt.timedelta(days=cfg.township_escalation_days - 1)
        to_county += Case.objects.filter(pk__in=scoped.filter(_past(county_day)).exclude(
            escalation=Escalation.COUNTY).values("pk")).update(escalation=Escalation.COUNTY)
        to_township += Case.objects.filter(pk__in=scoped.filter(_past(township_day)).filter(
            escalation=Escalation.NONE).values("pk")).update(escalation=Escalation.TOWNSHIP)
    return {"date": today.isoformat(), "marked_overdue": marked, "cleared": cleared,
            "escalated_township": to_township, "escalated_county": to_county,
            "overdue_open": open_cases.filter(overdue=True).count()}
