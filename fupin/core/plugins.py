"""How a Fupin app plugs in: one `plugin.py` per app, collected here.

Each domain app has `fupin/<app>/plugin.py` defining ``PLUGIN = AppPlugin(...)``: its layer,
URL prefix, menu entries, API routes, household-page panels, report indicator families,
scope-matrix module, job result pages and nightly commands. Nothing outside the app names it:
settings discover the apps (`discover_apps`), and the URLs, API router, menu, household
page, reports, scope test matrix and `fupin nightly` read what the installed apps declare.

`plugin.py` must stay import-light (it is imported while settings load, before Django is
set up): it may import this module and `gettext_lazy`, and names everything else by dotted
path, resolved when used.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.functional import Promise

Label = str | Promise  # lazy labels are translated when rendered
Figures = dict[str, Any]  # key -> count (or histogram {bucket: count})
VillageFigures = dict[str, Figures]  # village code -> figures

# The layers, lowest first. An app may import apps of lower layers only (import-linter
# contracts in pyproject.toml hold this); reports and demo sit on top.
LAYER_CORE = 0
LAYER_AREAS = 10
LAYER_ACCOUNTS = 20
LAYER_REGISTRY = 30
LAYER_DOMAIN = 50  # monitoring, ledgers, rectification
LAYER_PROCEDURES = 60  # cases, assistance
LAYER_PROGRAMMES = 70  # projects, credit, jobs, field work, dci
LAYER_REPORTS = 90
LAYER_DEMO = 100


@dataclass(frozen=True)
class MenuItem:
    label: Label
    url_name: str
    roles: tuple[str, ...] = ()  # empty: every signed-in role
    action: str = ""  # reserved for a policy action; empty: roles decide
    deny_roles: tuple[str, ...] = ()  # set from the app's plugin: roles it is closed to


@dataclass(frozen=True)
class MenuGroup:
    """A top-level menu group. Apps may add items to a group another app declared by using
    the same `key` (the first declaration's label and order win)."""

    key: str
    label: Label
    order: int
    items: tuple[MenuItem, ...] = ()


@dataclass(frozen=True)
class IndicatorFamily:
    """A family of report indicators computed by one app, per village and day.

    Defined in the app's `indicators.py` and named in its plugin by dotted path.
    `compute(prefix, days, villages) -> {day: {village code: {key: n}}}` is one grouped
    query per day; reports sum villages up to any level. `rates`: key -> (label, unit,
    numerator key, denominator key). `derived`: key -> (label, unit, fn(figures) -> value).
    `breakdowns`: histogram key -> (title, fn() -> {bucket: label}). `overdue`: (bulletin
    section title, fn(prefix, day) -> rows of who is overdue).
    """

    key: str
    title: str
    compute: Callable[..., Any]
    labels: Mapping[str, str]
    rates: Mapping[str, tuple[str, str, str, str]] = field(default_factory=dict)
    derived: Mapping[str, tuple[str, str, Callable[..., Any]]] = field(default_factory=dict)
    breakdowns: Mapping[str, tuple[str, Callable[[], dict[str, str]]]] = field(
        default_factory=dict)
    overdue: tuple[str, Callable[..., Any]] | None = None
    # Models ("app.Model") whose saves change these figures without touching a household:
    # reports refresh the village snapshot of the saved row (its household's village).
    refresh_on: Sequence[str] = ()


@dataclass(frozen=True)
class AppPlugin:
    """What one app adds to Fupin. Dotted paths are resolved lazily."""

    label: str  # the Django app label, e.g. "cases"
    layer: int
    module: str = ""  # the app's package; default fupin.<label>
    url_prefix: str | None = None  # e.g. "cases/" mounts <module>.urls there
    menu: Sequence[MenuGroup] = ()
    api: str | None = None  # dotted path of register(router)
    household_panels: Sequence[str] = ()  # include templates for the household page
    indicator_families: Sequence[str] = ()  # dotted paths of IndicatorFamily objects
    scope: str | None = None  # module registering scope-matrix entries (imported by tests)
    jobs: str | None = None  # module defining @job_function kinds (imported at start-up)
    job_results: Mapping[str, str] = field(default_factory=dict)  # kind -> dotted fn(job)->url
    nightly: Sequence[tuple[str, ...]] = ()  # `fupin` commands run by `fupin nightly`, in order
    # Landing pages: (role or "*", priority, URL name); the home page sends a user to the
    # highest-priority page that exists for their role.
    home: Sequence[tuple[str, int, str]] = ()
    # Roles the whole app (its pages and API routes) is closed to, e.g. ("helper",).
    deny_roles: tuple[str, ...] = ()

    @property
    def package(self) -> str:
        return self.module or f"fupin.{self.label}"


def resolve(dotted: str) -> Any:
    """The object at "package.module.attr"."""
    module, _, attr = dotted.rpartition(".")
    return getattr(importlib.import_module(module), attr)


# -- discovery (settings time) ------------------------------------------------------------


def discover_apps(package: str = "fupin") -> list[str]:
    """The dotted names of the apps of `package` that have a plugin.py, ordered by layer.

    Called from settings to build INSTALLED_APPS, so adding an app is adding its folder.
    """
    root = Path(importlib.import_module(package).__file__ or "").parent
    found: list[tuple[int, str, str]] = []
    for info in pkgutil.iter_modules([str(root)]):
        if info.ispkg and (root / info.name / "plugin.py").exists():
            plugin = importlib.import_module(f"{package}.{info.name}.plugin").PLUGIN
            found.append((plugin.layer, plugin.label, plugin.package))
    return [name for _layer, _label, name in sorted(found)]


# -- collection (run time) ----------------------------------------------------------------


def installed_plugins() -> list[AppPlugin]:
    """The plugins of the installed apps, in INSTALLED_APPS order (cached per app set)."""
    from django.apps import apps

    return list(_plugins_for(tuple(cfg.name for cfg in apps.get_app_configs())))


@cache
def _plugins_for(app_names: tuple[str, ...]) -> tuple[AppPlugin, ...]:
    out = []
    for name in app_names:
        try:
            module = importlib.import_module(f"{name}.plugin")
        except ModuleNotFoundError as exc:
            if exc.name != f"{name}.plugin":
                raise
            continue
        out.append(module.PLUGIN)
    return tuple(out)


def menu_groups() -> list[tuple[Label, list[MenuItem]]]:
    """The main menu: groups by order, each with its items from every app."""
    groups: dict[str, tuple[int, Label, list[MenuItem]]] = {}
    for plugin in installed_plugins():
        for group in plugin.menu:
            if group.key not in groups:
                groups[group.key] = (group.order, group.label, [])
            groups[group.key][2].extend(
                replace(i, deny_roles=plugin.deny_roles) if plugin.deny_roles else i
                for i in group.items)
    return [(label, items) for _order, label, items in
            sorted(groups.values(), key=lambda g: g[0])]


def household_panels() -> list[str]:
    return [t for plugin in installed_plugins() for t in plugin.household_panels]


def indicator_families() -> list[IndicatorFamily]:
    return [resolve(f) for plugin in installed_plugins() for f in plugin.indicator_families]


def job_result_url(kind: str) -> Callable[[Any], str] | None:
    for plugin in installed_plugins():
        if kind in plugin.job_results:
            fn: Callable[[Any], str] = resolve(plugin.job_results[kind])
            return fn
    return None


def nightly_commands() -> Iterator[tuple[str, tuple[str, ...]]]:
    """(app label, argv) for every nightly command, lower layers first."""
    for plugin in installed_plugins():
        for argv in plugin.nightly:
            yield plugin.label, argv


def load_jobs() -> None:
    """Import every app's job module so their job kinds are registered."""
    for plugin in installed_plugins():
        if plugin.jobs:
            importlib.import_module(plugin.jobs)


def home_pages(role: str) -> list[str]:
    """URL names of the landing pages for `role`, best first."""
    pages = [(prio, name) for plugin in installed_plugins() for r, prio, name in plugin.home
             if r in ("*", role)]
    return [name for _prio, name in sorted(pages, key=lambda p: -p[0])]


def scope_modules() -> list[str]:
    return [p.scope for p in installed_plugins() if p.scope]
