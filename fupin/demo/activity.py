"""Work in progress for the demo: the first sweep's warnings, a helper with households,
visits, a plan, a problem and an identification case — all made through the apps' own
services, acting as the demo users, so every page has something real to show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fupin.accounts.models import User
from fupin.core.jobs import Progress
from fupin.registry.models import Household


def seed_activity(codes: list[str], progress: Progress | None = None) -> dict[str, Any]:
    from fupin.assistance.models import Helper
    from fupin.assistance.services.helpers import assign_helper, create_helper
    from fupin.assistance.services.plans import add_measure, create_plan, suggest_measures
    from fupin.assistance.services.visits import record_visit
    from fupin.cases.services import open_identification
    from fupin.monitoring.models import Warning
    from fupin.monitoring.services import run_sweep
    from fupin.rectification.services import create_problem

    out: dict[str, Any] = {}
    if progress:
        progress.start(len(codes) + 1, "监测排查")
    for code in codes:  # one set-based sweep per county
        sweep = run_sweep(area=code, source="演示数据首次排查")
        out[f"sweep_{code}"] = sweep.pk
        if progress:
            progress.advance(1, f"排查 {code}")
    # Helpers for every registered and monitored household, and their visits (set-based).
    from fupin.demo.field import seed_field
    out["field"] = seed_field(codes)
    cadre = User.objects.get(username="village_cadre")
    helper_user = User.objects.get(username="helper")
    village = cadre.scope_codes[0]
    today = timezone.localdate()
    households = list(Household.objects.filter(area_id=village).exclude(monitoring_type="")
                      .order_by("household_no")[:3])
    households += list(Household.objects.filter(area_id=village, household_type="poor")
                       .exclude(pk__in=[h.pk for h in households]).order_by("household_no")[:2])
    helper = Helper.objects.filter(user=helper_user).first() or create_helper(
        actor=cadre, data={"name": "帮扶责任人（演示）", "area": village, "user": helper_user,
                           "position": "驻村工作队员"})
    for hh in households:
        assign_helper(actor=cadre, household=hh, helper=helper, started_on=today.replace(day=1),
                      reason="演示数据结对")
    for i, hh in enumerate(households[:2]):  # the rest stay overdue for a visit this month
        record_visit(actor=helper_user, household=hh, visited_on=today - dt.timedelta(days=i),
                     channel="home", findings="入户了解收入和就医情况，家中生活正常")
    if households:
        hh = households[0]
        plan = create_plan(actor=cadre, household=hh, year=today.year, summary="演示：一户一策")
        for s in suggest_measures(hh)[:2]:
            add_measure(actor=cadre, plan=plan, data={"category": s.category, "title": s.title,
                                                      "responsible_text": "镇人民政府"})
        create_problem(actor=cadre, source="visit", category="housing", household=hh,
                       description="厨房墙体开裂，需复核住房安全等级",
                       deadline=today + dt.timedelta(days=20), owner_name="村建设专干")
    warning = (Warning.objects.filter(area_id=village, status="open", household__monitoring_type="")
               .exclude(household__cases__isnull=False).order_by("pk").first())
    if warning is not None:
        open_identification(actor=cadre, household=warning.household, channel="warning",
                            lead=f"监测预警：{warning.explanation}", warning_id=warning.pk)
    out["warnings_open"] = Warning.objects.filter(status="open").count()
    if progress:
        progress.advance(1, "帮扶与案件")
    # Dashboard snapshots for the last 12 month ends, as the nightly refresh would leave them.
    from fupin.reports import aggregates
    days = [*aggregates.month_ends(today, 12), today]
    for code in codes:
        aggregates.refresh_county(code, days)
    return out
