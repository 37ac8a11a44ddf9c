"""New ids for bulk inserts on PostgreSQL: drawn from the table's own sequence in one
statement, returned as a range when the draw was contiguous and listed when another
writer's draws came in between."""

from __future__ import annotations

import pytest
from django.db import connection

from fupin.registry.bulk.frames import draw_ids
from fupin.registry.models import Member

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="sequences are PostgreSQL's")]


def _next() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Member._meta.db_table])
        return int(cur.fetchone()[0])


def test_a_contiguous_draw_comes_back_as_its_range() -> None:
    before = _next()
    ids = draw_ids(Member._meta.db_table, 1000)
    assert ids.name == "id" and ids.len() == 1000
    assert ids.to_list() == list(range(before + 1, before + 1001))
    assert _next() == before + 1001  # the sequence moved past them: nobody else gets them


def test_a_draw_with_gaps_lists_the_ids_drawn() -> None:
    with connection.cursor() as cur:  # as if another writer took every other value
        cur.execute(f"ALTER SEQUENCE {Member._meta.db_table}_id_seq INCREMENT BY 2")
    before = _next()
    ids = draw_ids(Member._meta.db_table, 5).to_list()
    assert ids == [before + 2 * k for k in range(1, 6)]
