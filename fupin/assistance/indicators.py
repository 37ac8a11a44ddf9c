"""Assistance (fupin.assistance): visit compliance and household-plan coverage per village.

| key | as of day D |
|---|---|
| visit_due 上一周期应走访户数 | households that must be visited (monitored, not lifted, lifted: the visit kind of the assistance app) |
| visit_ok 上一周期按期走访户数 | of those, visited within their last ENDED visit period before D (per the applicable assistance rule) |
| visit_pending 本期待走访户数 | of those, not yet visited in the current (running) period, the last ended one visited: due, not late |
| visit_overdue 逾期未走访户数 | of those, whose last ended period passed without a visit and not visited since |
| plan_target 应制定一户一策户数 | households not lifted or monitored on D (status period in force) |
| plan_covered 已制定一户一策户数 | of those, with a plan for D's year made by D |
| measure_covered 已落实帮扶措施户数 | of those, whose plan for D's year has at least one measure |

Rates: visit compliance = visit_ok ÷ visit_due — only ENDED periods count: a household
whose month is still running is "due", never a failure; plan coverage = plan_covered ÷ plan_target;
measure coverage = measure_covered ÷ plan_target. The visit kind and period come from the
assistance app's own SQL expressions (`visit_kind_expr`, `due_since_expr`), which read the
household's current classification, so visit compliance for past days uses today's kinds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q

from fupin.core.plugins import IndicatorFamily, VillageFigures

LABELS = {"visit_due": "上一周期应走访户数", "visit_ok": "上一周期按期走访户数",
          "visit_pending": "本期待走访户数", "visit_overdue": "逾期未走访户数",
          "plan_target": "应制定一户一策户数", "plan_covered": "已制定一户一策户数",
          "measure_covered": "已落实帮扶措施户数"}



def family(prefix: str, days: list[dt.date],
           villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    from fupin.assistance.models import Measure, Plan, Visit  # type: ignore[attr-defined]
    from fupin.assistance.services.rules import (  # type: ignore[import-not-found]
        due_since_expr,
        prev_since_expr,
        visit_kind_expr,
    )
    from fupin.registry.models import Household, HouseholdStatus

    area = (Q(area__code__in=villages) if villages is not None
            else Q(area__code__startswith=prefix))
    out: dict[dt.date, VillageFigures] = {}
    for day in days:
        per: dict[str, dict[str, Any]] = {}
        ended = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=OuterRef("prev_since"),
                                     visited_on__lt=OuterRef("due_since"))
        current = Visit.objects.filter(household=OuterRef("pk"), visited_on__gte=OuterRef("due_since"),
                                       visited_on__lte=day)
        visits = (Household.objects.filter(area).annotate(visit_kind=visit_kind_expr())
                  .filter(visit_kind__isnull=False)
                  .annotate(due_since=due_since_expr(day), prev_since=prev_since_expr(day),
                            ok=Exists(ended), now_ok=Exists(current))
                  .values(code=F("area"))
                  .annotate(due=Count("pk"), done=Count("pk", filter=Q(ok=True)),
                            pending=Count("pk", filter=Q(ok=True, now_ok=False)),
                            late=Count("pk", filter=Q(ok=False, now_ok=False)))
                  .order_by())
        for vrow in visits:
            figs = per.setdefault(vrow["code"], {})
            figs["visit_due"], figs["visit_ok"] = int(vrow["due"]), int(vrow["done"])
            figs["visit_pending"], figs["visit_overdue"] = int(vrow["pending"]), int(vrow["late"])
        in_force = HouseholdStatus.objects.filter(
            household=OuterRef("pk"), valid_from__lte=day).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=day)).filter(
            Q(household_type="poor") | ~Q(monitoring_type=""))
        plan = Plan.objects.filter(household=OuterRef("pk"), year=day.year, created_at__date__lte=day)
        measure = Measure.objects.filter(plan__household=OuterRef("pk"), plan__year=day.year,
                                         plan__created_at__date__lte=day)
        plans = (Household.objects.filter(area).filter(Exists(in_force))
                 .annotate(has_plan=Exists(plan), has_measure=Exists(measure))
                 .values(code=F("area"))
                 .annotate(target=Count("pk"), covered=Count("pk", filter=Q(has_plan=True)),
                           measured=Count("pk", filter=Q(has_measure=True)))
                 .order_by())
        for prow in plans:
            row: Any = prow
            figs = per.setdefault(row["code"], {})
            figs["plan_target"] = int(row["target"])
            figs["plan_covered"] = int(row["covered"])
            figs["measure_covered"] = int(row["measured"])
        out[day] = per  # type: ignore[assignment]
    return out


def overdue_visits_by_helper(area_code: str, day: dt.date) -> list[tuple[str, str, int]]:
    """Households whose last ended visit period passed without a visit (and none since) on
    `day`, by helper. Households merely due this period are not listed: they are not late."""
    from fupin.assistance.services.overdue import (  # type: ignore[import-not-found]
        OVERDUE_Q,
        overdue_by_helper,
        with_visit_status,
    )
    from fupin.registry.models import Household

    qs = with_visit_status(Household.objects.in_area(area_code), day).filter(OVERDUE_Q)
    return [(r["helper_name"] or "（未分配帮扶责任人）", "逾期未走访户（上一周期未走访）", int(r["n"]))
            for r in overdue_by_helper(qs)]


FAMILY = IndicatorFamily(
    key="assistance", title="帮扶", compute=family, labels=LABELS,
    rates={"visit_compliance": ("走访按期率（已结束周期）", "%", "visit_ok", "visit_due"),
           "plan_coverage": ("一户一策覆盖率", "%", "plan_covered", "plan_target"),
           "measure_coverage": ("帮扶措施覆盖率", "%", "measure_covered", "plan_target")},
    overdue=("帮扶走访", overdue_visits_by_helper),
    refresh_on=("assistance.Visit", "assistance.Plan", "assistance.Measure"),
)
