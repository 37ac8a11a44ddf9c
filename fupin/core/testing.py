"""Test helpers shared by every app: users per role, households, and scope assertions.

Typical use in a test module::

    from fupin.core.testing import make_household, make_user
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from fupin.accounts.actors import SYSTEM
from fupin.accounts.models import AreaScope, Role, User
from fupin.registry import resident_id as rid
from fupin.registry import services
from fupin.registry.choices import HouseholdType, Relation
from fupin.registry.models import Household

# Real villages of Fengjie (500236) in the bundled division file.
VILLAGE_A = "500236001001"  # 永安街道 … first community
TOWNSHIP_A = "500236001"
_seq = itertools.count(1)


def village_codes(n: int = 2, township: str | None = None) -> list[str]:
    from fupin.areas.models import Area
    qs = Area.objects.filter(level="village")
    if township:
        qs = qs.filter(code__startswith=township)
    return list(qs.order_by("code").values_list("code", flat=True)[:n])


def make_user(role: str = Role.VILLAGE_CADRE, *areas: str, username: str | None = None,
              password: str = "pass-1234-word", **extra: Any) -> User:
    username = username or f"{role}{next(_seq)}"
    user = User.objects.create_user(username=username, password=password, role=role, **extra)
    for code in areas:
        AreaScope.objects.create(user=user, area_id=code)
    return user


def next_resident_id(area6: str = "500236", birth: dt.date = dt.date(1970, 5, 1),
                     sex: str | None = None) -> str:
    """A fresh valid number with the given birth date; uniqueness comes from the sequence
    digits and, past 1,000 numbers, from varying the area digits (never the birth date)."""
    seq = next(_seq)
    n = seq % 1000
    if sex == "M" and n % 2 == 0:
        n = (n + 1) % 1000
    if sex == "F" and n % 2 == 1:
        n = (n + 1) % 1000
    if seq >= 1000:
        area6 = area6[:4] + f"{(int(area6[4:]) + seq // 1000) % 100:02d}"
    return rid.make(area6, birth, n)


def member_data(name: str = "张三", relation: str = Relation.HEAD,
                birth: dt.date = dt.date(1970, 5, 1), **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name, "resident_id": next_resident_id(birth=birth), "relation_to_head": relation,
        "labour": "ordinary", "schooling": "none", "education": "junior",
    }
    data.update(extra)
    return data


def make_household(area: str = VILLAGE_A, *, members: list[dict[str, Any]] | None = None,
                   actor: Any = SYSTEM, **fields: Any) -> Household:
    data: dict[str, Any] = {
        "household_no": fields.pop("household_no", f"H{area}{next(_seq):05d}"),
        "area": area,
        "household_type": fields.pop("household_type", HouseholdType.ORDINARY),
    }
    if data["household_type"] != HouseholdType.ORDINARY:
        data.setdefault("main_cause", "01")
    if data["household_type"] == HouseholdType.LIFTED:
        data.setdefault("exit_year", 2019)
    data.update(fields)
    members = members if members is not None else [member_data()]
    # a test builds the state it needs, as the baseline import loads history
    return services.create_household(actor=actor, data=data, members=members, history=True,
                                     effective=fields.get("identified_on") or dt.date(2019, 1, 1))


# ---------------------------------------------------------------- commits in tests

_capturing = [0]  # inside captureOnCommitCallbacks: leave the callbacks to it


def _only_test_blocks(conn: Any) -> bool:
    return bool(not _capturing[0] and conn.in_atomic_block and conn.atomic_blocks
                and all(getattr(b, "_from_testcase", False) for b in conn.atomic_blocks))


def _run(callbacks: list[Any]) -> None:
    import logging
    for _sids, func, robust in callbacks:
        if robust:
            try:
                func()
            except Exception as exc:  # as Django does for robust callbacks
                logging.getLogger("django.db.backends").error(
                    "Error calling %s in on_commit() (%s).", func.__qualname__, exc, exc_info=True)
        else:
            func()


def commit_at_service_boundary(monkeypatch: Any) -> None:
    """Make `transaction.on_commit` behave in a test-case transaction as it does in
    production: a callback runs when the outermost transaction *of the code under test*
    ends (the test's own wrapping transaction stands for the database), or at once when
    there is none. Callbacks of a rolled-back block are dropped by Django as usual."""
    from django.db import transaction
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.db.transaction import Atomic

    original_exit = Atomic.__exit__
    original_on_commit = BaseDatabaseWrapper.on_commit

    def exit_(self: Atomic, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        original_exit(self, exc_type, exc_value, traceback)
        conn = transaction.get_connection(self.using)
        if (exc_type is None and not getattr(self, "_from_testcase", False)
                and _only_test_blocks(conn) and conn.run_on_commit and not conn.needs_rollback):
            pending, conn.run_on_commit = conn.run_on_commit, []
            _run(pending)

    def on_commit(self: BaseDatabaseWrapper, func: Any, robust: bool = False) -> None:
        if _only_test_blocks(self):
            _run([(set(), func, robust)])
        else:
            original_on_commit(self, func, robust)

    import contextlib

    from django.test import TestCase

    original_capture = TestCase.captureOnCommitCallbacks.__func__  # type: ignore[attr-defined]

    @contextlib.contextmanager
    def capture(cls: Any, *, using: str = "default", execute: bool = False) -> Any:
        _capturing[0] += 1
        try:
            with original_capture(cls, using=using, execute=execute) as callbacks:
                yield callbacks
        finally:
            _capturing[0] -= 1

    monkeypatch.setattr(Atomic, "__exit__", exit_)
    monkeypatch.setattr(BaseDatabaseWrapper, "on_commit", on_commit)
    monkeypatch.setattr(TestCase, "captureOnCommitCallbacks", classmethod(capture))


# ---------------------------------------------------------------- reference data

# Data migrations whose rows a transactional test's flush deletes, in migration order:
# (module, function, a model label whose emptiness means "flushed").
_REFERENCE_SEEDS = (
    ("fupin.areas.migrations.0002_load_bundled_divisions", "load", "areas.Area"),
    ("fupin.monitoring.migrations.0002_defaults", "create_defaults", "monitoring.Rule"),
    ("fupin.monitoring.migrations.0004_mech_lines_decisions", "forward", "monitoring.Rule"),
    ("fupin.credit.migrations.0002_policy_periods", "seed", "credit.Policy"),
)


def restore_reference_data() -> None:
    """Put back the rows the data migrations created (division codes, default rules and
    lines, loan policy periods) after a transactional test flushed them, so a test does not
    depend on whether a flushing test ran before it on the same worker."""
    import importlib

    from django.apps import apps

    empty = {label: not apps.get_model(label).objects.exists()
             for _m, _f, label in _REFERENCE_SEEDS}
    for module, func, label in _REFERENCE_SEEDS:
        if empty[label]:
            getattr(importlib.import_module(module), func)(apps, None)
