"""The one table of figures the demo counties are built to.

Every number says where it comes from: "published" numbers are the seeds' own
(/work/shared/data/seed_figures.md); "chosen" numbers fill gaps the seeds leave and are
listed in docs/demo.md as chosen, not published. At the default scale the generated
registry reproduces these exactly; `scaled()` multiplies them for benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fupin.registry.choices import HouseholdType, MonitoringType


@dataclass(frozen=True)
class Fig:
    households: int
    people: int
    source: str


@dataclass(frozen=True)
class County:
    code: str
    name: str
    lifted: Fig            # all lifted households, monitored ones included
    poor: Fig              # not yet lifted (未脱贫)
    unstable: Fig          # lifted and monitored as 脱贫不稳定户 (part of `lifted`)
    sudden_lifted: Fig     # lifted and monitored as 突发严重困难户 (part of `lifted`)
    edge: Fig              # ordinary households monitored as 边缘易致贫户
    sudden_ordinary: Fig   # ordinary households monitored as 突发严重困难户
    ordinary: Fig          # ordinary households not monitored (the ones a sweep looks at)
    rural_population: int
    rural_population_source: str
    poor_villages: int
    poor_villages_source: str
    ethnic: tuple[tuple[str, float], ...] = field(default=(("汉族", 1.0),))


P = "published"
C = "chosen"

COUNTIES: dict[str, County] = {c.code: c for c in (
    County(
        "500236", "奉节县",
        lifted=Fig(34_983, 133_653, f"{P}: lifted cumulative 34,983 / 133,653"),
        poor=Fig(1_013, 3_046, f"{P}: not yet lifted 1,013 / 3,046"),
        unstable=Fig(603, 2_206, f"{P}: 脱贫监测户 603 / 2,206"),
        sudden_lifted=Fig(24, 86, f"{C}: a few sudden-hardship lifted households"),
        edge=Fig(569, 1_721, f"{P}: 边缘户 569 / 1,721"),
        sudden_ordinary=Fig(31, 97, f"{C}: a few sudden-hardship ordinary households"),
        ordinary=Fig(3_000, 9_900, f"{C}: sample of ordinary households for sweeps"),
        rural_population=846_000,
        rural_population_source=f"{P} (implied): 3,046 / 0.36% ≈ 846k",
        poor_villages=135, poor_villages_source=f"{P}: 135 poor villages",
        ethnic=(("汉族", 0.97), ("土家族", 0.03)),
    ),
    County(
        "500152", "潼南区",
        lifted=Fig(15_326, 53_010, f"{P}: lifted 15,326 / 53,010"),
        poor=Fig(169, 477, f"{P} (derived): registered 15,495 / 53,487 minus lifted"),
        unstable=Fig(310, 1_010, f"{C}: about 2% of registered households"),
        sudden_lifted=Fig(12, 40, f"{C}: a few"),
        edge=Fig(280, 860, f"{C}: about 2% of registered households"),
        sudden_ordinary=Fig(15, 46, f"{C}: a few"),
        ordinary=Fig(3_000, 9_300, f"{C}: sample of ordinary households for sweeps"),
        rural_population=795_000,
        rural_population_source=f"{P} (implied): 477 / 0.06% ≈ 795k",
        poor_villages=50, poor_villages_source=f"{P}: 50 poor villages",
    ),
    County(
        "500241", "秀山土家族苗族自治县",
        lifted=Fig(16_648, 69_922, f"{P}: lifted 16,648 / 69,922"),
        poor=Fig(336, 1_374, f"{P}: not yet lifted 336 / 1,374 (registered 16,984 / 71,296)"),
        unstable=Fig(380, 1_590, f"{C}: about 2% of registered households"),
        sudden_lifted=Fig(14, 58, f"{C}: a few"),
        edge=Fig(350, 1_260, f"{C}: about 2% of registered households"),
        sudden_ordinary=Fig(18, 66, f"{C}: a few"),
        ordinary=Fig(3_000, 11_400, f"{C}: sample of ordinary households for sweeps"),
        rural_population=429_000,
        rural_population_source=f"{P} (implied): 1,374 / 0.32% ≈ 429k",
        poor_villages=24, poor_villages_source=f"{P}: 24 key villages",
        ethnic=(("土家族", 0.5), ("汉族", 0.38), ("苗族", 0.12)),
    ),
    County(
        "500101", "万州区",
        lifted=Fig(30_381, 105_426, f"{C}: registered total not published"),
        poor=Fig(819, 1_974, f"{P}: not yet lifted 819 / 1,974"),
        unstable=Fig(632, 2_150, f"{P} households 632; people {C}"),
        sudden_lifted=Fig(25, 84, f"{C}: a few"),
        edge=Fig(1_052, 3_330, f"{P} households 1,052; people {C}"),
        sudden_ordinary=Fig(35, 108, f"{C}: a few"),
        ordinary=Fig(3_000, 9_600, f"{C}: sample of ordinary households for sweeps"),
        rural_population=1_020_000,
        rural_population_source=f"{C}: not published",
        poor_villages=140, poor_villages_source=f"{P}: 140 poor villages",
        ethnic=(("汉族", 0.98), ("土家族", 0.02)),
    ),
    County(
        "500112", "渝北区",
        lifted=Fig(10_340, 33_150, f"{C}: not published"),
        poor=Fig(60, 150, f"{C}: not published"),
        unstable=Fig(170, 540, f"{C}: not published"),
        sudden_lifted=Fig(8, 26, f"{C}: a few"),
        edge=Fig(210, 650, f"{C}: not published"),
        sudden_ordinary=Fig(12, 37, f"{C}: a few"),
        ordinary=Fig(3_000, 9_000, f"{C}: sample of ordinary households for sweeps"),
        rural_population=520_000,
        rural_population_source=f"{C}: not published",
        poor_villages=10, poor_villages_source=f"{C}: not published",
    ),
)}
SEED_COUNTIES = tuple(COUNTIES)
POPULATION_YEARS = (2019, 2020)  # the 2020 figure is used for both years (chosen)


@dataclass(frozen=True)
class Group:
    """A disjoint group of households generated alike; the plan's unit."""

    key: str
    household_type: str
    monitoring_type: str
    households: int
    people: int


def groups(county: County) -> list[Group]:
    """The county's disjoint household groups; lifted ones sum to the published total."""
    L, U, S = county.lifted, county.unstable, county.sudden_lifted
    plain_h = L.households - U.households - S.households
    plain_p = L.people - U.people - S.people
    lifted, poor, ordinary = HouseholdType.LIFTED, HouseholdType.POOR, HouseholdType.ORDINARY
    return [
        Group("lifted", lifted, "", plain_h, plain_p),
        Group("unstable", lifted, MonitoringType.UNSTABLE, U.households, U.people),
        Group("sudden_lifted", lifted, MonitoringType.SUDDEN, S.households, S.people),
        Group("poor", poor, "", county.poor.households, county.poor.people),
        Group("edge", ordinary, MonitoringType.EDGE, county.edge.households, county.edge.people),
        Group("sudden_ordinary", ordinary, MonitoringType.SUDDEN,
              county.sudden_ordinary.households, county.sudden_ordinary.people),
        Group("ordinary", ordinary, "", county.ordinary.households, county.ordinary.people),
    ]


def default_households(codes: list[str]) -> int:
    return sum(g.households for c in codes for g in groups(COUNTIES[c]))


@dataclass(frozen=True)
class CountyPlan:
    county: County
    groups: list[Group]
    rural_population: int
    poor_villages: int


def plan(codes: list[str], scale: int | None = None) -> list[CountyPlan]:
    """Targets per county; `scale` = total households across `codes` (None: published)."""
    factor = 1.0 if scale is None else scale / default_households(codes)
    out = []
    for code in codes:
        county = COUNTIES[code]
        gs = groups(county)
        if scale is not None:
            gs = [_scale_group(g, factor) for g in gs]
        villages = county.poor_villages if factor >= 1 else round(county.poor_villages * factor)
        out.append(CountyPlan(county, gs, max(1, round(county.rural_population * factor)),
                              villages))
    return out


def _scale_group(g: Group, factor: float) -> Group:
    h = round(g.households * factor)
    if h == 0:
        return Group(g.key, g.household_type, g.monitoring_type, 0, 0)
    p = min(max(h, round(g.people * factor)), h * 8)
    return Group(g.key, g.household_type, g.monitoring_type, h, p)


def figures_markdown() -> str:
    """The table for docs/demo.md."""
    lines = ["| county | figure | households | people | source |", "|---|---|---|---|---|"]
    for c in COUNTIES.values():
        for label, fig in (("lifted", c.lifted), ("not lifted", c.poor),
                           ("unstable (lifted, monitored)", c.unstable),
                           ("sudden hardship, lifted", c.sudden_lifted), ("edge", c.edge),
                           ("sudden hardship, ordinary", c.sudden_ordinary),
                           ("ordinary (not monitored)", c.ordinary)):
            lines.append(f"| {c.code} {c.name} | {label} | {fig.households:,} | {fig.people:,} | "
                         f"{fig.source} |")
        lines.append(f"| {c.code} {c.name} | rural population | | {c.rural_population:,} | "
                     f"{c.rural_population_source} |")
        lines.append(f"| {c.code} {c.name} | poor villages | {c.poor_villages} | | "
                     f"{c.poor_villages_source} |")
    return "\n".join(lines)
