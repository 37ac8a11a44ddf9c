"""The scope matrix again, as a user of role `helper`: two households in the SAME village,
the helper assigned to one; every household-bound page and endpoint of assistance and
rectification shows only that one (lists) or 404s on the other (details)."""

import importlib

import pytest

from fupin.accounts.actors import SYSTEM
from fupin.assistance.models import Helper
from fupin.core import scope_matrix
from fupin.core.testing import VILLAGE_A, make_household, make_user

importlib.import_module("fupin.assistance.scope")
importlib.import_module("fupin.rectification.scope")

HOUSEHOLD_BOUND = {
    "flag list", "plan list", "plan detail", "visit list", "visit detail", "visit add form", "problem list",
    "problem detail", "api assignments", "api plans", "api plan detail", "api measures",
    "api measure detail", "api visits", "api visit detail", "api problems", "api problem detail",
} | {f"five list {k}" for k in ("problem", "rectification", "task", "responsibility", "effect")}
ENTRIES = [e for e in scope_matrix.ENTRIES if e.name in HOUSEHOLD_BOUND]


@pytest.fixture
def worlds(db):
    own: dict = {"household": make_household(VILLAGE_A, household_no="MINE0001")}
    other: dict = {"household": make_household(VILLAGE_A, household_no="THEIRS0001")}
    for name in ("assistance", "rectification"):
        own.update(scope_matrix.BUILDERS[name](own))
        other.update(scope_matrix.BUILDERS[name](other))
    user = make_user("helper", VILLAGE_A)
    Helper.objects.filter(pk=own["helper"].pk).update(user=user)
    return own, other, user


def test_entries_selected():
    assert len(ENTRIES) == len(HOUSEHOLD_BOUND)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.name)
def test_helper_sees_only_assigned_household(client, worlds, entry):
    own, other, user = worlds
    client.force_login(user)
    if entry.kind in ("list", "api_list"):
        resp = client.get(entry.url(own))
        assert resp.status_code == 200, resp.content[:300]
        body = resp.content.decode()
        assert entry.marker(own) in body, f"{entry.name}: own row missing"
        assert entry.marker(other) not in body, f"{entry.name}: shows a household not assigned to the helper"
    else:
        assert client.get(entry.url(own)).status_code == 200, entry.name
        assert client.get(entry.url(other)).status_code == 404, f"{entry.name}: LEAKS"


def test_village_level_problem_visible_to_helper(worlds):
    from fupin.rectification import services
    from fupin.rectification.models import Problem
    own, other, user = worlds
    village_problem = services.create_problem(actor=SYSTEM, source="sweep", category="water",
                                              description="全村饮水管网老化", area=VILLAGE_A)
    visible = set(Problem.objects.visible_to(user).values_list("pk", flat=True))
    assert village_problem.pk in visible and own["problem"].pk in visible and other["problem"].pk not in visible
