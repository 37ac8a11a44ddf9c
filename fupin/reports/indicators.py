"""Area indicators as of a date, computed set-based.

Each indicator *family* is one grouped query per day returning counts per village code;
townships, counties and provinces are sums of their villages by code prefix, so the levels
add up exactly. Rates (incidence, shares) are derived from the summed counts, never summed.

Other apps declare families (`fupin.core.plugins.IndicatorFamily`) in their plugin;
`load_families` adds them when reports start.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection

from fupin.areas.models import Area, AreaPopulation
from fupin.registry.choices import HouseholdType, MonitoringType
from fupin.registry.models import Household, HouseholdStatus, Member

Figures = dict[str, int]
VillageFigures = dict[str, Figures]
Family = Callable[[str, "list[dt.date]", "list[str] | None"], "dict[dt.date, VillageFigures]"]

TYPES = {HouseholdType.ORDINARY: "ordinary", HouseholdType.LIFTED: "lifted",
         HouseholdType.POOR: "poor"}
MON_TYPES = {MonitoringType.UNSTABLE: "unstable", MonitoringType.EDGE: "edge",
             MonitoringType.SUDDEN: "sudden"}

# key -> Chinese label; order is the display order.
LABELS: dict[str, str] = {
    "hh_total": "农户数", "pp_total": "人口数",
    "hh_ordinary": "一般农户户数", "pp_ordinary": "一般农户人数",
    "hh_lifted": "脱贫户户数", "pp_lifted": "脱贫人口",
    "hh_poor": "未脱贫户户数", "pp_poor": "未脱贫人口",
    "hh_registered": "建档立卡户数", "pp_registered": "建档立卡人口",
    "hh_monitored": "监测户数", "pp_monitored": "监测人口",
    # MECHANISM §5.3: after elimination the record is kept and the household stays counted
    "hh_mon_at_risk": "风险未消除户数", "pp_mon_at_risk": "风险未消除人数",
    "hh_mon_eliminated": "风险已消除户数", "pp_mon_eliminated": "风险已消除人数",
    "hh_mon_unstable": "脱贫不稳定户户数", "pp_mon_unstable": "脱贫不稳定户人数",
    "hh_mon_edge": "边缘易致贫户户数", "pp_mon_edge": "边缘易致贫户人数",
    "hh_mon_sudden": "突发严重困难户户数", "pp_mon_sudden": "突发严重困难户人数",
}
COUNT_KEYS = list(LABELS)

# Derived rates: key -> (label, unit, numerator, denominator); denominator "population" is
# the rural registered population (AreaPopulation).
RATES: dict[str, tuple[str, str, str, str]] = {
    "incidence": ("贫困发生率", "%", "pp_poor", "population"),
    "poor_share": ("未脱贫人口占建档立卡人口比例", "%", "pp_poor", "pp_registered"),
    "monitored_share": ("监测人口占建档立卡人口比例", "%", "pp_monitored", "pp_registered"),
    "monitored_hh_share": ("监测户占农户比例", "%", "hh_monitored", "hh_total"),
}
RATE_LABELS = {k: v[0] for k, v in RATES.items()}

# Derived figures that are not ratios (e.g. a median read from a summed histogram):
# key -> (label, unit, fn(figures) -> value).
DERIVED: dict[str, tuple[str, str, Callable[[Figures], float | None]]] = {}
# Count keys added by later apps' families (shown after the registry's on pages).
FAMILY_KEYS: list[str] = []


# Histogram values shown as small tables: key -> (title, fn() -> {bucket: label}).
BREAKDOWNS: dict[str, tuple[str, Callable[[], dict[str, str]]]] = {}


def register_breakdown(key: str, title: str, names: Callable[[], dict[str, str]]) -> None:
    BREAKDOWNS[key] = (title, names)


def breakdowns(figs: dict[str, Any]) -> list[dict[str, Any]]:
    """[{title, rows: [(label, n)]}] for the histogram values present in `figs`."""
    out = []
    for key, (title, names) in BREAKDOWNS.items():
        hist = figs.get(key)
        if hist:
            labels = names()
            rows = sorted(((labels.get(b, b), n) for b, n in hist.items()), key=lambda r: -r[1])
            out.append({"key": key, "title": title, "rows": rows})
    return out


def register_derived(key: str, label: str, unit: str,
                     fn: Callable[[Figures], float | None]) -> None:
    DERIVED[key] = (label, unit, fn)
    RATE_LABELS[key] = label


def _fold(rows: Iterable[Any], kind: str, out: dict[dt.date, VillageFigures]) -> None:
    """Fold (day, village, household_type, monitoring_type, risk_eliminated, n) rows into
    count keys."""
    for day, code, household_type, monitoring_type, eliminated, n in rows:
        if not isinstance(day, dt.date):  # SQLite returns the text it was given
            day = dt.date.fromisoformat(str(day)[:10])
        figs = out.setdefault(day, {}).setdefault(code, {})
        n = int(n)
        htype = TYPES.get(household_type)
        figs[f"{kind}_total"] = figs.get(f"{kind}_total", 0) + n
        if htype:
            figs[f"{kind}_{htype}"] = figs.get(f"{kind}_{htype}", 0) + n
            if htype in ("lifted", "poor"):
                figs[f"{kind}_registered"] = figs.get(f"{kind}_registered", 0) + n
        mtype = MON_TYPES.get(monitoring_type)
        if mtype:
            figs[f"{kind}_monitored"] = figs.get(f"{kind}_monitored", 0) + n
            figs[f"{kind}_mon_{mtype}"] = figs.get(f"{kind}_mon_{mtype}", 0) + n
            split = f"{kind}_mon_eliminated" if eliminated else f"{kind}_mon_at_risk"
            figs[split] = figs.get(split, 0) + n


def _days_cte(days: list[dt.date]) -> tuple[str, list[str]]:
    cast = "CAST(%s AS date)" if connection.vendor == "postgresql" else "%s"
    values = ", ".join(f"({cast})" for _ in days)
    return f"WITH days (d) AS (VALUES {values})", [d.isoformat() for d in days]


def _area_cond(prefix: str, villages: list[str] | None) -> tuple[str, list[str]]:
    if villages is not None:
        if not villages:
            return "1 = 0", []
        return f"h.area_code IN ({', '.join(['%s'] * len(villages))})", list(villages)
    if not prefix.isdigit() and prefix:
        raise ValueError(f"area code {prefix!r} must be digits")
    return "h.area_code LIKE %s", [prefix + "%"]


def registry_family(prefix: str, days: list[dt.date],
                    villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    """Households and people by type and monitoring type, from the status period in force on
    each day: two grouped queries for all the days together (each row is read once and
    matched against the small table of days)."""
    status = HouseholdStatus._meta.db_table
    household = Household._meta.db_table
    member = Member._meta.db_table
    cte, day_params = _days_cte(days)
    cond, area_params = _area_cond(prefix, villages)
    in_force = "s.valid_from <= days.d AND (s.valid_to IS NULL OR s.valid_to > days.d)"
    group = "GROUP BY days.d, h.area_code, s.household_type, s.monitoring_type, s.risk_eliminated"
    households_sql = (
        f"{cte} SELECT days.d, h.area_code, s.household_type, s.monitoring_type, "
        f"s.risk_eliminated, COUNT(*) "
        f"FROM {status} s JOIN {household} h ON h.id = s.household_id "
        f"JOIN days ON {in_force} WHERE {cond} {group}")
    people_sql = (
        f"{cte} SELECT days.d, h.area_code, s.household_type, s.monitoring_type, "
        f"s.risk_eliminated, COUNT(*) "
        f"FROM {member} m JOIN {household} h ON h.id = m.household_id "
        f"JOIN {status} s ON s.household_id = h.id "
        f"JOIN days ON {in_force} "
        f"AND (m.joined_on IS NULL OR m.joined_on <= days.d) "
        f"AND (m.left_on IS NULL OR m.left_on > days.d) WHERE {cond} {group}")
    out: dict[dt.date, VillageFigures] = {d: {} for d in days}
    with connection.cursor() as cursor:
        cursor.execute(households_sql, day_params + area_params)
        _fold(cursor.fetchall(), "hh", out)
        cursor.execute(people_sql, day_params + area_params)
        _fold(cursor.fetchall(), "pp", out)
    return out


FAMILIES: dict[str, Family] = {"registry": registry_family}


# Family name -> (title, its count keys), for grouping figures on pages.
FAMILY_GROUPS: dict[str, tuple[str, list[str]]] = {}


def register_family(name: str, fn: Family, labels: dict[str, str], title: str = "") -> None:
    FAMILIES[name] = fn
    FAMILY_GROUPS[name] = (title or name, list(labels))
    LABELS.update(labels)
    for k in labels:
        if k not in COUNT_KEYS:
            COUNT_KEYS.append(k)
            FAMILY_KEYS.append(k)


def load_families() -> list[str]:
    """Add the indicator families every installed app declares (idempotent)."""
    from fupin.core.plugins import indicator_families

    done = []
    for fam in indicator_families():
        register_family(fam.key, fam.compute, dict(fam.labels), fam.title)
        for key, rate in fam.rates.items():
            RATES[key] = rate
            RATE_LABELS[key] = rate[0]
        for key, (label, unit, fn) in fam.derived.items():
            register_derived(key, label, unit, fn)
        for key, (title, names) in fam.breakdowns.items():
            register_breakdown(key, title, names)
        if fam.overdue:
            from .bulletin import OVERDUE_SOURCES

            OVERDUE_SOURCES[fam.overdue[0]] = fam.overdue[1]
        done.append(fam.key)
    return done


def add_into(target: dict[str, Any], figs: dict[str, Any]) -> None:
    """Sum counts; merge-sum histogram values ({bucket: count})."""
    for k, v in figs.items():
        if isinstance(v, dict):
            hist = target.setdefault(k, {})
            for b, n in v.items():
                hist[b] = hist.get(b, 0) + n
        else:
            target[k] = target.get(k, 0) + v


def village_figures_days(prefix: str, days: list[dt.date],
                         villages: list[str] | None = None) -> dict[dt.date, VillageFigures]:
    """Counts per village under `prefix` (or for the given villages) on each day, live."""
    out: dict[dt.date, VillageFigures] = {d: defaultdict(dict) for d in days}
    for fn in FAMILIES.values():
        for day, per_village in fn(prefix, days, villages).items():
            for code, figs in per_village.items():
                out[day][code].update(figs)
    return {d: dict(v) for d, v in out.items()}


def village_figures(prefix: str, day: dt.date, villages: list[str] | None = None) -> VillageFigures:
    """Counts per village under `prefix` (or for the given villages) as of `day`, live."""
    return village_figures_days(prefix, [day], villages)[day]


def rollup(figures: VillageFigures, length: int) -> VillageFigures:
    """Sum village counts to the areas whose code is the first `length` characters."""
    out: VillageFigures = {}
    for code, figs in figures.items():
        add_into(out.setdefault(code[:length], {}), figs)
    return out


def total(figures: VillageFigures, prefix: str) -> Figures:
    return rollup({c: f for c, f in figures.items() if c.startswith(prefix)}, len(prefix)).get(prefix, {})


def complete(figs: Figures) -> Figures:
    """Every count key (0 when absent), plus any histogram values."""
    out: dict[str, Any] = {k: int(figs.get(k, 0)) for k in COUNT_KEYS}
    out.update({k: v for k, v in figs.items() if isinstance(v, dict)})
    return out


def populations(codes: Iterable[str], year: int) -> dict[str, tuple[int, int]]:
    """code -> (rural registered population, year of the figure): latest year <= `year`.

    An area without a figure of its own (a township whose villages have figures) gets the sum
    of the areas below it at the highest level that has figures, each at its latest year
    <= `year` (the year shown is the latest of them), so township and village incidence is
    never "no data" when the villages are known."""
    codes = list(codes)
    out: dict[str, tuple[int, int]] = {}
    rows = (AreaPopulation.objects.filter(area_id__in=codes, year__lte=year)
            .order_by("area_id", "year").values_list("area_id", "year", "rural_population"))
    for code, y, n in rows:
        out[code] = (int(n), int(y))
    missing = [c for c in codes if c not in out and c]
    if not missing:
        return out
    from django.db.models import Q
    below = Q(pk__in=[])
    for c in missing:
        below |= Q(area__code__startswith=c)
    latest: dict[str, tuple[int, int]] = {}
    for code, y, n in (AreaPopulation.objects.filter(below, year__lte=year)
                       .order_by("area_id", "year").values_list("area_id", "year",
                                                                "rural_population")):
        latest[code] = (int(n), int(y))
    for c in missing:
        under = {k: v for k, v in latest.items() if k.startswith(c) and len(k) > len(c)}
        if not under:
            continue
        depth = min(len(k) for k in under)
        level = {k: v for k, v in under.items() if len(k) == depth}
        # only a complete sum is a population: every area of that level must have its figure
        areas = Area.objects.filter(code__startswith=c).extra(
            where=["LENGTH(code) = %s"], params=[depth]).count()
        if areas and len(level) < areas:
            continue
        out[c] = (sum(n for n, _y in level.values()), max(y for _n, y in level.values()))
    return out


def rates(figs: Figures, population: int | None) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for key, (_label, _unit, num, den) in RATES.items():
        d = population if den == "population" else figs.get(den, 0)
        out[key] = round(figs.get(num, 0) * 100.0 / d, 4) if d else None
    for key, (_label, _unit, fn) in DERIVED.items():
        out[key] = fn(figs)
    return out


def child_length(code: str) -> int:
    return {2: 4, 4: 6, 6: 9, 9: 12}.get(len(code), 12)


def area_indicators(code: str, day: dt.date, figures: VillageFigures | None = None,
                    *, children: bool = True) -> dict[str, Any]:
    """The figures of area `code` as of `day` and of its children, with rates."""
    if figures is None:
        figures = village_figures(code, day)
    area = Area.objects.filter(code=code).first()
    kids_len = child_length(code)
    kid_figs = ({k: v for k, v in rollup(figures, kids_len).items() if len(k) == kids_len}
                if children and len(code) < 12 else {})
    kid_areas = {a.code: a.name for a in Area.objects.filter(parent_id=code)} if kid_figs or children else {}
    codes = [code, *kid_areas]
    pops = populations(codes, day.year)
    own = complete(total(figures, code))
    pop = pops.get(code)
    result: dict[str, Any] = {
        "area": code, "name": area.name if area else code, "as_of": day.isoformat(),
        "figures": own, "population": pop[0] if pop else None,
        "population_year": pop[1] if pop else None, "rates": rates(own, pop[0] if pop else None),
        "children": [],
    }
    if children and len(code) < 12:
        for kid in sorted(set(kid_areas) | set(kid_figs)):
            figs = complete(kid_figs.get(kid, {}))
            kpop = pops.get(kid)
            result["children"].append({
                "area": kid, "name": kid_areas.get(kid, kid), "figures": figs,
                "population": kpop[0] if kpop else None,
                "rates": rates(figs, kpop[0] if kpop else None)})
    return result
