"""A large bulk commit refreshes the planner's figures for the registry tables before the
re-check runs (autovacuum may be off or a minute away); a small one leaves them be."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from fupin.registry import bulk
from fupin.registry.models import Member
from fupin.registry.tests.test_single_vs_bulk import _members, bulk_path

HOUSEHOLD: dict[str, Any] = {
    "household_type": "lifted", "exit_year": 2019, "main_cause": "01", "phone": "",
    "welfare_status": "general", "monitoring_type": "",
    "members": [{"name": "张三", "relation_to_head": "head", "disabled": False, "disability_grade": "",
                 "months_worked": 6, "chronic_illness": False},
                {"name": "李四", "relation_to_head": "spouse", "disabled": False, "disability_grade": "",
                 "months_worked": 0, "chronic_illness": True}],
}


def _reltuples(table: str) -> float:
    with connection.cursor() as cur:
        cur.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cur.fetchone()[0])


@pytest.mark.django_db
def test_large_commit_analyzes_the_registry_tables(monkeypatch: pytest.MonkeyPatch,
                                                   django_capture_on_commit_callbacks: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    monkeypatch.setattr(bulk, "ANALYZE_AFTER", 1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert bulk_path("STAT-0001", HOUSEHOLD, _members(HOUSEHOLD)) == []
    assert bulk.refresh_statistics in callbacks
    # ANALYZE inside the test's transaction counts the rows it inserted.
    assert _reltuples("registry_member") == Member.objects.count() >= 2


@pytest.mark.django_db
def test_small_commit_leaves_statistics_to_autovacuum(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert bulk_path("STAT-0002", HOUSEHOLD, _members(HOUSEHOLD)) == []
    assert callbacks, "the re-check is still sent"
    assert bulk.refresh_statistics not in callbacks
