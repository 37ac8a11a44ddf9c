"""Helpers for tests and the scope matrix: a project walked through the procedure by the
system actor (exempt from maker ≠ checker), with dates in the past."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fupin.accounts.actors import SystemActor

from .choices import STATE_ORDER, State
from .models import Project

MEETING = {"meeting_date": "2020-01-05", "meeting_attendees": "30", "meeting_agreed": "28",
           "meeting_minutes": "党支部提议、村两委商议、党员大会审议、村民代表会议决议，决议已公开。"}
STEPS = ["village_notice", "township_review", "township_notice", "sector_appraise",
         "county_approve", "county_notice", "enter_library", "plan", "fund", "start",
         "complete", "accept", "site_notice", "hand_over"]


def walk(project: Project, until: str, *, start: dt.date, actor: Any = None,
         year: int | None = None) -> Project:
    """Move `project` through the states up to `until` (a State), 11 days per notice."""
    from .services import funds, library

    actor = actor or SystemActor("test")
    day = start
    for action in STEPS:
        if STATE_ORDER[project.state] >= STATE_ORDER[until]:
            break
        data: dict[str, Any] = {}
        if action.endswith("notice"):
            data = {"start": day.isoformat(), "days": 10}
        if action == "plan":
            data = {"year": year or day.year}
        if action == "fund" and not project.allocations.exists():
            from .models import FundSource
            source, _ = FundSource.objects.get_or_create(
                area_id=project.county_code, kind="integrated", name="测试整合资金",
                year=project.plan_year or start.year, defaults={"amount": 10_000_000})
            funds.allocate(actor=actor, project=project, source=source,
                           amount=project.planned_funds or 1000, on=day)
        if action == "hand_over":
            data = {"assets": [{"name": f"{project.name}资产", "kind": "operating",
                                "owner": "村集体经济组织", "value": "1000",
                                "maintainer": "村委会"}]}
        project = library.act(actor=actor, project=project, action=action, data=data, on=day)
        day += dt.timedelta(days=11 if action.endswith("notice") else 1)
    return project


def make_project(area: str, *, until: str = State.VILLAGE_PROPOSED, category: str = "industry",
                 start: dt.date = dt.date(2020, 1, 10), name: str = "", code: str = "",
                 funds: str = "100000", year: int | None = None, actor: Any = None) -> Project:
    from .services import library

    actor = actor or SystemActor("test")
    data = {"name": name or f"测试项目{area[-3:]}", "category": category, "planned_funds": funds,
            "expected_households": "10", "expected_people": "30", "code": code, **MEETING}
    project = library.propose(actor=actor, area_code=area, data=data, on=start)
    return walk(project, until, start=start, actor=actor, year=year)
