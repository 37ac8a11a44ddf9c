"""Alkire-Foster against the paper's worked example, and its properties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.accounts.actors import SYSTEM
from fupin.reports.mpi import alkire_foster, decompose, registry_matrix

# Alkire & Foster (2011), J. Public Economics 95, section 4 example: four people, four
# dimensions, achievement matrix y and deprivation cut-offs z = (13, 12, 3, 1).
# The first two columns are income and years of schooling; the last two are ordinal/binary
# achievements (the third an index, the fourth an access indicator, 1 = has access).
Y = [
    [13.1, 14, 4, 1],
    [15.2, 7, 5, 0],
    [12.5, 10, 1, 0],
    [20.0, 11, 3, 1],
]
Z = [13, 12, 3, 1]


def deprivation_matrix(y: Sequence[Sequence[float]], z: Sequence[float]) -> list[list[int]]:
    return [[int(v < cut) for v, cut in zip(row, z, strict=True)] for row in y]


def test_worked_example_k2():
    g0 = deprivation_matrix(Y, Z)
    assert g0 == [[0, 0, 0, 0], [0, 1, 0, 1], [1, 1, 1, 1], [0, 1, 0, 0]]  # c = (0, 2, 4, 1)
    r = alkire_foster(g0, [1, 1, 1, 1], k=2)  # poor if deprived in >= 2 of 4 dimensions
    assert r.poor == [False, True, True, False]
    assert pytest.approx(1 / 2) == r.H
    assert pytest.approx(3 / 4) == r.A      # (2/4 + 4/4) / 2
    assert pytest.approx(3 / 8) == r.M0     # 6 deprivations of the poor / 16
    assert r.uncensored == pytest.approx([1 / 4, 3 / 4, 1 / 4, 2 / 4])
    assert r.censored == pytest.approx([1 / 4, 2 / 4, 1 / 4, 2 / 4])
    assert r.contributions == pytest.approx([1 / 6, 1 / 3, 1 / 6, 1 / 3])


def test_worked_example_union_and_intersection():
    g0 = deprivation_matrix(Y, Z)
    union = alkire_foster(g0, [1, 1, 1, 1], k=1)
    assert pytest.approx(3 / 4) == union.H
    assert pytest.approx(7 / 16) == union.M0
    inter = alkire_foster(g0, [1, 1, 1, 1], k=4)
    assert pytest.approx(1 / 4) == inter.H and pytest.approx(1.0) == inter.A
    assert pytest.approx(1 / 4) == inter.M0


def test_numpy_free_lists_and_sample_weights():
    g0 = deprivation_matrix(Y, Z)
    # duplicating person 3 equals weighting it by 2
    dup = alkire_foster(g0 + [g0[2]], [1, 1, 1, 1], 2)
    weighted = alkire_foster(g0, [1, 1, 1, 1], 2, [1, 1, 2, 1])
    assert pytest.approx(weighted.M0) == dup.M0 and pytest.approx(weighted.H) == dup.H


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        alkire_foster([[0, 2]], [1, 1], 0.5)
    with pytest.raises(ValueError):
        alkire_foster([[0, 1]], [1], 0.5)


matrices = st.integers(1, 6).flatmap(lambda d: st.tuples(
    st.lists(st.lists(st.integers(0, 1), min_size=d, max_size=d), min_size=1, max_size=25),
    st.lists(st.integers(1, 5), min_size=d, max_size=d)))


@settings(max_examples=150, deadline=None)
@given(matrices, st.floats(0.05, 1.0))
def test_m0_is_h_times_a(data, k):
    g0, w = data
    r = alkire_foster(g0, w, k * sum(w))
    assert pytest.approx(r.H * r.A, abs=1e-12) == r.M0
    assert 0 <= r.M0 <= r.H <= 1
    if r.M0:
        assert sum(r.contributions) == pytest.approx(1.0)
    for c, u in zip(r.censored, r.uncensored, strict=True):
        assert c <= u + 1e-12


@settings(max_examples=100, deadline=None)
@given(matrices, st.floats(0.05, 1.0), st.data())
def test_decomposition_adds_up(data, k, draw):
    g0, w = data
    groups = draw.draw(st.lists(st.sampled_from(["t1", "t2", "t3"]), min_size=len(g0),
                                max_size=len(g0)))
    sizes = draw.draw(st.lists(st.integers(1, 6), min_size=len(g0), max_size=len(g0)))
    total = alkire_foster(g0, w, k * sum(w), sizes)
    parts = decompose(g0, w, k * sum(w), groups, sizes)
    assert sum(p["population_share"] for p in parts.values()) == pytest.approx(1.0)
    assert sum(p["population_share"] * p["M0"] for p in parts.values()) == pytest.approx(total.M0)
    if total.M0:
        assert sum(p["contribution"] for p in parts.values()) == pytest.approx(1.0)


@settings(max_examples=100, deadline=None)
@given(matrices, st.floats(0.05, 1.0), st.data())
def test_monotone_in_deprivations(data, k, draw):
    g0, w = data
    i = draw.draw(st.integers(0, len(g0) - 1))
    j = draw.draw(st.integers(0, len(w) - 1))
    before = alkire_foster(g0, w, k * sum(w))
    more = [list(row) for row in g0]
    more[i][j] = 1
    after = alkire_foster(more, w, k * sum(w))
    assert after.M0 >= before.M0 - 1e-12
    assert after.H >= before.H - 1e-12


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_union_and_intersection(data):
    g0, w = data
    d = len(w)
    union = alkire_foster(g0, w, min(w))
    assert union.poor == [any(row) for row in g0]
    inter = alkire_foster(g0, w, sum(w))
    assert inter.poor == [all(row) for row in g0]
    assert inter.A in (0.0, pytest.approx(1.0))
    # with unit weights, k=1 is the union and k=d the intersection
    assert alkire_foster(g0, [1] * d, 1).poor == [any(row) for row in g0]
    assert alkire_foster(g0, [1] * d, d).poor == [all(row) for row in g0]


def test_exact_fraction_example():
    g0 = deprivation_matrix(Y, Z)
    r = alkire_foster(g0, [1, 1, 1, 1], 2)
    assert Fraction(r.M0).limit_denominator(100) == Fraction(3, 8)


def test_registry_matrix(small_registry):
    from fupin.registry import services
    h1 = small_registry["households"]["h1"]
    services.update_household(actor=SYSTEM, household=h1, changes={"housing_grade": "D",
                                                                  "water_safe": False})
    services.set_income(actor=SYSTEM, household=h1, year=2025,
                        components={"wage_income": "3000", "transfer_income": "3000"})
    m = registry_matrix("500236", dt.date(2026, 2, 1))
    assert m.household_count == 6 and sum(m.people) == 17
    keys = m.keys
    deprived = [i for i, row in enumerate(m.rows) if row[keys.index("unsafe_house")]]
    assert len(deprived) == 1
    r1 = m.rows[deprived[0]]
    assert m.people[deprived[0]] == 3 and m.households[deprived[0]] == 1
    assert m.villages[deprived[0]] == small_registry["a1"]
    assert r1[keys.index("unsafe_water")] == 1
    assert r1[keys.index("low_income")] == 1  # 6000 / 3 = 2000 < 4000
    # every member was born in 1970 or 1995 with junior schooling: no education deprivation
    assert all(row[keys.index("schooling_years")] == 0 for row in m.rows)


def test_compute_matches_hand_count(small_registry):
    from fupin.registry import services
    from fupin.reports.mpi import compute
    h1 = small_registry["households"]["h1"]
    services.update_household(actor=SYSTEM, household=h1, changes={"housing_grade": "D",
                                                                  "water_safe": False})
    # h1 (3 people) is deprived in house and water: 1/8 + 1/8 = 1/4 < 1/3, not poor
    r = compute("500236", dt.date(2026, 2, 1), k=1 / 3)
    assert r["total"]["H"] == 0
    # with k = 1/4 h1 is poor: H = 3/17, A = 1/4, M0 = 3/68
    r = compute("500236", dt.date(2026, 2, 1), k=0.25)
    assert r["total"]["H"] == pytest.approx(3 / 17)
    assert r["total"]["A"] == pytest.approx(1 / 4)
    assert r["total"]["M0"] == pytest.approx(3 / 68)
    assert r["parts_sum"] == pytest.approx(r["total"]["M0"])
    town = {p["code"]: p for p in r["parts"]}["500236001"]
    assert town["M0"] == pytest.approx(3 * 0.25 / 12)  # township A has 12 people
    assert town["population_share"] == pytest.approx(12 / 17)
