"""The reports' per-village indicators agree with `fupin.registry.figures.area_summary`
(the `fupin summary` command) at every level and date."""

from __future__ import annotations

import datetime as dt

import pytest

from fupin.core.testing import TOWNSHIP_A
from fupin.registry.figures import area_summary
from fupin.reports import indicators

from .conftest import CHANGE_DAY, lift_h1

# area_summary key -> reports key
MAPPING = {
    "households": "hh_total", "people": "pp_total",
    "registered_households": "hh_registered", "registered_people": "pp_registered",
    "lifted_households": "hh_lifted", "lifted_people": "pp_lifted",
    "poor_households": "hh_poor", "poor_people": "pp_poor",
    "ordinary_households": "hh_ordinary", "ordinary_people": "pp_ordinary",
    "monitored_households": "hh_monitored", "monitored_people": "pp_monitored",
    "unstable_households": "hh_mon_unstable", "unstable_people": "pp_mon_unstable",
    "edge_households": "hh_mon_edge", "edge_people": "pp_mon_edge",
    "sudden_households": "hh_mon_sudden", "sudden_people": "pp_mon_sudden",
}


@pytest.mark.parametrize("day", [dt.date(2026, 2, 28), CHANGE_DAY, dt.date(2026, 6, 30)])
def test_same_figures_as_area_summary(small_registry, day):
    lift_h1(small_registry)
    for code in ("500236", TOWNSHIP_A, small_registry["a1"], small_registry["b1"]):
        ours = indicators.area_indicators(code, day, children=False)["figures"]
        theirs = area_summary(code, day)
        for their_key, our_key in MAPPING.items():
            assert ours[our_key] == theirs[their_key], (code, day, our_key)
