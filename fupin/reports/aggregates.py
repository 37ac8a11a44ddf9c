"""Pre-aggregated village figures (AreaFigure) so county pages read ~400 rows, not 1M.

`ensure(prefix, day)` computes the missing (county, day) snapshots once; the refresh job
(`fupin report refresh`) recomputes them; the `household_changed` listener recomputes the
touched villages for every stored day after the transaction commits.
"""

from __future__ import annotations

import calendar
import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django_tasks import task

from fupin.areas.models import Area
from fupin.registry import bulk as registry_bulk
from fupin.registry.signals import household_changed

from . import indicators
from .models import AreaFigure, AreaFigureRun


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def month_ends(day: dt.date, months: int = 12) -> list[dt.date]:
    """The last `months` month ends strictly before `day`'s month, oldest first."""
    out = []
    y, m = day.year, day.month
    for _ in range(months):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(month_end(y, m))
    return sorted(out)


def counties_under(prefix: str) -> list[str]:
    if len(prefix) >= 6:
        return [prefix[:6]]
    return list(Area.objects.filter(level="county", code__startswith=prefix)
                .order_by("code").values_list("code", flat=True))


def _store(figures: indicators.VillageFigures, day: dt.date, villages: Iterable[str] | None,
           county: str) -> None:
    qs = AreaFigure.objects.filter(day=day)
    qs = qs.filter(village_code__in=list(villages)) if villages is not None else qs.filter(
        village_code__startswith=county)
    qs.delete()
    AreaFigure.objects.bulk_create(
        [AreaFigure(village_code=code, day=day, values=figs) for code, figs in figures.items()
         if len(code) >= 6], batch_size=2000)  # villages, and township or county rows


@transaction.atomic
def refresh_county(county: str, days: list[dt.date]) -> float:
    """Recompute every village of `county` for `days` (one pass per family); seconds taken."""
    started = time.perf_counter()
    per_day = indicators.village_figures_days(county, days)
    for day in days:
        _store(per_day[day], day, None, county)
    seconds = time.perf_counter() - started
    for day in days:
        AreaFigureRun.objects.update_or_create(
            county_code=county, day=day,
            defaults={"seconds": seconds / len(days), "families": families_signature()})
    return seconds


def families_signature() -> str:
    """Which indicator families a snapshot holds: when an app lands, older snapshots lack
    its figures and are recomputed on first use."""
    return ",".join(sorted(indicators.FAMILIES))


@transaction.atomic
def refresh_villages(villages: list[str], days: Iterable[dt.date] | None = None) -> None:
    """Recompute the given villages for every stored day of their counties."""
    if not villages:
        return
    counties = sorted({v[:6] for v in villages})
    if days is None:
        days = AreaFigureRun.objects.filter(county_code__in=counties).values_list("day", flat=True)
    day_list = sorted(set(days))
    if not day_list:
        return
    per_day = indicators.village_figures_days("", day_list, villages)
    for day in day_list:
        _store(per_day[day], day, villages, counties[0])


def missing(prefix: str, days: dt.date | list[dt.date]) -> dict[str, list[dt.date]]:
    """county -> the days whose snapshots are absent or older than the installed families."""
    wanted = [days] if isinstance(days, dt.date) else list(days)
    counties = counties_under(prefix)
    have: dict[str, set[dt.date]] = {c: set() for c in counties}
    for county, day in AreaFigureRun.objects.filter(
            county_code__in=counties, day__in=wanted, families=families_signature()
    ).values_list("county_code", "day"):
        have[county].add(day)
    out = {c: sorted(set(wanted) - have[c]) for c in counties}
    return {c: d for c, d in out.items() if d}


def ensure(prefix: str, days: dt.date | list[dt.date]) -> None:
    """Compute the snapshots of `days` missing for the counties under `prefix` (jobs and
    commands only: pages never build snapshots inside a request, see `reports.freshness`)."""
    for county, days_missing in missing(prefix, days).items():
        refresh_county(county, days_missing)


def stored(prefix: str, day: dt.date, build: bool = True) -> indicators.VillageFigures:
    """Village figures under `prefix` as of `day` from the snapshot table; missing snapshots
    are computed first when `build` (jobs, commands), and read as they are otherwise (pages)."""
    if build:
        ensure(prefix, day)
    rows = AreaFigure.objects.filter(day=day, village_code__startswith=prefix).values_list(
        "village_code", "values")
    return {code: values for code, values in rows}


def stored_many(prefix: str, days: list[dt.date],
                build: bool = True) -> dict[dt.date, indicators.VillageFigures]:
    if build:
        ensure(prefix, days)
    out: dict[dt.date, indicators.VillageFigures] = {d: {} for d in days}
    rows = AreaFigure.objects.filter(day__in=days, village_code__startswith=prefix).values_list(
        "day", "village_code", "values")
    for day, code, values in rows:
        out[day][code] = values
    return out


def series(prefix: str, days: list[dt.date],
           build: bool = True) -> dict[dt.date, indicators.Figures]:
    """Totals of `prefix` per day, summed from the village snapshots."""
    if build:
        ensure(prefix, days)
    out: dict[dt.date, indicators.Figures] = {d: {} for d in days}
    rows = AreaFigure.objects.filter(day__in=days, village_code__startswith=prefix).values_list(
        "day", "values")
    for day, values in rows:
        indicators.add_into(out[day], values)
    return out


@receiver(household_changed, dispatch_uid="reports_refresh_villages")
def on_household_changed(sender: object, household_ids: list[int], reason: str = "",
                         **kwargs: object) -> None:
    """Recompute the touched villages once the registry transaction commits."""
    schedule_refresh(registry_bulk.villages_of(household_ids))


def _village_of(instance: Any) -> str:
    """The village of a saved row: its area code, or its household's (directly, through a
    case or a plan)."""
    code = getattr(instance, "area_code", "")
    if code:
        return str(code)
    for path in ("household", "case.household", "plan.household"):
        obj = instance
        for attr in path.split("."):
            obj = getattr(obj, attr, None)
        if obj is not None:
            return str(getattr(obj, "area_id", "") or "")
    return ""


def _row_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    village = _village_of(instance)
    if village:
        schedule_refresh([village])


def connect_refresh_signals() -> None:
    """Rows that change family figures without touching a household refresh their village."""
    from django.apps import apps
    from django.db.models.signals import post_save

    from fupin.core.plugins import indicator_families

    for fam in indicator_families():
        for label in fam.refresh_on:
            model = apps.get_model(label)
            post_save.connect(_row_saved, sender=model, dispatch_uid=f"reports_saved_{label}")


def schedule_refresh(villages: list[str]) -> None:
    """After the current transaction commits, refresh these villages' stored snapshots."""
    if not villages or not AreaFigureRun.objects.filter(
            county_code__in={v[:6] for v in villages}).exists():
        return
    transaction.on_commit(lambda: refresh_villages_task.enqueue(villages))


@task()
def refresh_villages_task(villages: list[str]) -> None:
    """Background refresh (the task queue) so that a registry save never waits for it."""
    refresh_villages(villages)
