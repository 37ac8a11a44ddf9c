"""The bulk service's reads: the registry state an import is checked and committed
against (fetched once), and the villages of a set of households."""

from __future__ import annotations

import pytest

from fupin.core.testing import VILLAGE_A, make_household, member_data, village_codes
from fupin.registry import bulk


@pytest.mark.django_db
def test_state_holds_the_households_and_every_active_member_that_matters() -> None:
    other = village_codes(2)[1]
    a = make_household(VILLAGE_A, members=[member_data("张三"), member_data("李四", "spouse")])
    b = make_household(other, members=[member_data("王五")])
    make_household(other, members=[member_data("赵六")])  # not in the file
    ids = {m.resident_id: m.pk for m in [*a.members.all(), *b.members.all()]}
    wanted = next(r for r, _ in ids.items() if r in {m.resident_id for m in b.members.all()})
    state = bulk.current_state([a.household_no, "NOT-THERE"], [wanted])
    assert state.households.get_column("household_no").to_list() == [a.household_no]
    # a's two members (its household is in the file) and b's member (by resident ID)
    assert sorted(state.members.get_column("cur_id").to_list()) == sorted(ids.values())
    found = state.members_by_resident_id(state.members.get_column("resident_id").head(0))
    assert found.height == 0


@pytest.mark.django_db
def test_villages_of_households() -> None:
    other = village_codes(2)[1]
    hh = [make_household(VILLAGE_A), make_household(VILLAGE_A), make_household(other)]
    assert bulk.villages_of([h.pk for h in hh]) == sorted({VILLAGE_A, other})
    assert bulk.villages_of([]) == []
