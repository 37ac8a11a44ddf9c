"""The one call from credit and jobs into monitoring: raise a lead (a risk event that the
monitoring rules re-check at once) for households whose loan fell overdue or whose member
lost work. Kept in this one small function on purpose: monitoring's lead machinery is being
reworked, and only this function needs to follow it."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fupin.accounts.actors import Actor


@dataclass(frozen=True)
class Lead:
    household_no: str
    kind: str  # monitoring EventKind value: "job_loss", "business", "other", …
    day: dt.date
    amount: Decimal
    note: str


def raise_monitoring_leads(*, actor: Actor, leads: list[Lead], source: str) -> dict[str, Any]:
    """Record the leads as monitoring risk events through monitoring's own (set-based) upload
    service, which writes them with history and re-checks the households together."""
    if not leads:
        return {"read": 0, "accepted": 0, "rejected": [], "opened": 0, "closed": 0}
    from fupin.monitoring.services.events import upload_events

    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(["户编号", "事件类别", "日期", "金额", "说明"])
    for lead in leads:
        out.writerow([lead.household_no, lead.kind, lead.day.isoformat(), f"{lead.amount:.2f}",
                      lead.note[:300]])
    return upload_events(actor=actor, filename=f"{source[:40]}.csv",
                         content=buf.getvalue().encode("utf-8"), source_detail=source[:200])
