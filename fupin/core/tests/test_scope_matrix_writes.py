"""Writes in the scope matrix (issue 10, part 8).

Every write route (page POST, API POST/PUT/PATCH/DELETE) is registered by its app
(`register_write` in `fupin/<app>/scope.py`) or exempted with a reason. Each entry is aimed at
the objects of one village of township A (the "target world", built once for the module) and
sent by three outsiders: the cadre of a neighbouring village, a staff member of township B
and the admin of another county. Each must be refused (403/404; for an entry whose payload
names the target, a field error 400 or a re-rendered form 200) without naming the target in
the answer, and must leave every table's row count and every target object as it was.
A sample of entries is sent once more by the target village's own cadre: it must change
what it names, which proves the payloads are valid and the check catches a leak.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models, transaction
from django.test import Client
from django.urls import resolve

from fupin.core import scope_matrix
from fupin.core.scope_matrix import World, WriteEntry
from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_household, make_user, member_data

scope_matrix.load_all()

NEIGHBOUR_VILLAGE = "500236001002"  # same township as VILLAGE_A
TOWNSHIP_B = "500236002"  # same county, another township
OTHER_COUNTY = "500101"
OUTSIDERS = {"other village cadre": ("village_cadre", NEIGHBOUR_VILLAGE),
             "other township staff": ("township_staff", TOWNSHIP_B),
             "other county admin": ("county_admin", OTHER_COUNTY)}
INSIDERS = {"village_cadre": VILLAGE_A, "township_staff": TOWNSHIP_A, "county_admin": VILLAGE_A[:6]}
TARGET_HEAD = "靶户户主"  # a name no other row carries: its presence in an answer is a leak
# Rows every request may add, whatever it is: sessions, read/export logs.
NOISE_TABLES = {"django_session", "core_accesslog"}


def _tables() -> list[str]:
    names = set(connection.introspection.table_names())
    return sorted({m._meta.db_table for m in apps.get_models()} & names - NOISE_TABLES)


def row_counts() -> dict[str, int]:
    """Row counts of every table, one query."""
    tables = _tables()
    qn = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {qn(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))


def _instances(world: World) -> Iterator[tuple[str, models.Model]]:
    for key, value in world.items():
        if isinstance(value, models.Model) and value.pk is not None:
            yield key, value


def snapshot(world: World, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Every field of the world's objects (or of `keys`), read fresh from the database."""
    out: dict[str, Any] = {}
    for key, obj in _instances(world):
        if keys is None or key in keys:
            out[key] = type(obj)._base_manager.filter(pk=obj.pk).values().first()
    return out


@pytest.fixture(scope="module")
def target(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The target world, built once and rolled back at the end of the module; each test runs
    in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        household = make_household(VILLAGE_A, household_no="TARGET0001",
                                   members=[member_data(name=TARGET_HEAD)])
        world: World = {"household": household}
        for build in scope_matrix.BUILDERS.values():
            world.update(build(world))
        world["users"] = {who: make_user(role, area) for who, (role, area) in OUTSIDERS.items()}
        world["insiders"] = {role: make_user(role, area) for role, area in INSIDERS.items()}
        yield world
        transaction.set_rollback(True)


def send(client: Client, entry: WriteEntry, world: World) -> Any:
    data = entry.payload(world) if entry.payload else {}
    url = entry.url(world)
    method = getattr(client, entry.method.lower())
    if (entry.is_api and not entry.multipart) or entry.as_json:
        return method(url, data=json.dumps(data), content_type="application/json")
    if entry.method == "POST":
        return client.post(url, data)
    return method(url, data)


def _secrets(world: World, entry: WriteEntry) -> list[str]:
    """What an outsider must not read in the answer (unless the request itself carried it)."""
    sent = json.dumps(entry.payload(world), ensure_ascii=False, default=str) if entry.payload else ""
    household = world["household"]
    head = household.members.get(name=TARGET_HEAD)
    return [s for s in (household.household_no, TARGET_HEAD, head.resident_id) if s not in sent]


def test_write_entries_resolve_to_their_route(db: None, target: World) -> None:
    wrong = []
    for entry in scope_matrix.WRITES:
        match = resolve(entry.url(target).split("?")[0])
        if match.view_name != entry.route:
            wrong.append(f"{entry.name}: {entry.url(target)} is {match.view_name}, not {entry.route}")
    assert not wrong, "\n".join(wrong)


def test_every_write_route_is_in_the_matrix_or_exempt() -> None:
    registered = {f"{e.route} {e.method}" for e in scope_matrix.WRITES}
    missing = sorted(f"{key}  ({pattern})" for key, pattern in scope_matrix.write_routes().items()
                     if key not in registered and not scope_matrix.is_exempt(key))
    assert not missing, "write routes neither in the scope matrix nor exempt:\n" + "\n".join(missing)


def test_registered_writes_exist() -> None:
    routes = scope_matrix.write_routes()
    stale = [f"{e.name}: {e.route} {e.method}" for e in scope_matrix.WRITES
             if f"{e.route} {e.method}" not in routes]
    assert not stale, "registered writes that no view accepts:\n" + "\n".join(stale)


def check_refused(client: Client, entry: WriteEntry, world: World, who: str) -> None:
    """As `who`, the write is refused, names nothing of the target, and changes no row."""
    client.force_login(world["users"][who])
    counts, objects = row_counts(), snapshot(world)
    resp = send(client, entry, world)
    allowed = {403, 404, *entry.refused_with} | ({400} if entry.creates else set())
    if entry.creates and not entry.is_api:
        # the page's form shown again with the field error, or a redirect with the error as a
        # message (or to the sender's own job, which refuses the rows): rows are checked below
        allowed |= {200, 302}
    assert resp.status_code in allowed, f"{entry.name} as {who}: {resp.status_code} {resp.content[:300]!r}"
    body = resp.content.decode(errors="replace")
    leaked = [s for s in _secrets(world, entry) if s in body]
    assert not leaked, f"{entry.name} as {who}: the answer names the target: {leaked}"
    after = row_counts()
    own = {apps.get_model(label)._meta.db_table for label in entry.own_rows}
    changed = {t: (counts[t], after[t]) for t in counts if counts[t] != after[t] and t not in own}
    assert not changed, f"{entry.name} as {who}: rows changed {changed}"
    assert snapshot(world) == objects, f"{entry.name} as {who}: a target object changed"


@pytest.mark.parametrize("who", sorted(OUTSIDERS))
@pytest.mark.parametrize("entry", scope_matrix.WRITES, ids=lambda e: e.name)
def test_outsider_write_is_refused_and_changes_nothing(db: None, client: Client, target: World,
                                                       entry: WriteEntry, who: str) -> None:
    check_refused(client, entry, target, who)


LEAK_PROBES = ["page income_set (control)", "api income", "monitoring event add",
               "problem add", "api visit"]


@pytest.mark.parametrize("name", LEAK_PROBES)
def test_the_check_catches_a_leak(db: None, client: Client, target: World, name: str,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """With the area scope broken (every user sees and may change every area), the same check
    fails: the matrix is not blind."""
    from django.db.models import Q

    from fupin.core import scope
    monkeypatch.setattr(scope, "scope_q", lambda user, field="area_code": Q())
    monkeypatch.setattr(scope, "area_in_scope", lambda user, code: True)
    entry = next(e for e in scope_matrix.WRITES if e.name == name)
    with pytest.raises(AssertionError, match="as other county admin: "):
        check_refused(client, entry, target, "other county admin")


def test_the_row_check_alone_catches_a_leak(db: None, client: Client, target: World,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A page create may answer 200/302 (form error, message): then only the row count can
    tell a refusal from a leak, and it does."""
    from django.db.models import Q

    from fupin.core import scope
    monkeypatch.setattr(scope, "scope_q", lambda user, field="area_code": Q())
    monkeypatch.setattr(scope, "area_in_scope", lambda user, code: True)
    entry = next(e for e in scope_matrix.WRITES if e.name == "problem add")
    with pytest.raises(AssertionError, match="rows changed"):
        check_refused(client, entry, target, "other township staff")


def _errors(body: str) -> str:
    """The error lines of a page (form errors, messages), or the start of an API answer."""
    found = re.findall(r'class="[^"]*(?:invalid-feedback|errorlist|alert-danger)[^"]*"[^>]*>(.*?)</', body, re.S)
    return "; ".join(f.strip() for f in found) or body[:500]


CONTROLS = [e for e in scope_matrix.WRITES if e.control]


def test_controls_cover_every_app() -> None:
    assert len(CONTROLS) >= 10, "too few positive controls"


@pytest.mark.parametrize("entry", CONTROLS, ids=lambda e: e.name)
def test_own_village_write_changes_state(db: None, client: Client, target: World,
                                         entry: WriteEntry) -> None:
    """The positive control: the check above is not blind (a valid payload, a visible change)."""
    client.force_login(target["insiders"][entry.control_role])
    counts, objects = row_counts(), snapshot(target, entry.watch)
    resp = send(client, entry, target)
    ok = resp.status_code in (200, 201, 202, 204) if entry.is_api or entry.as_json else resp.status_code == 302
    assert ok, f"{entry.name}: {resp.status_code} {_errors(resp.content.decode(errors='replace'))}"
    after = row_counts()
    grown = [label for label in entry.tables
             if after[apps.get_model(label)._meta.db_table] != counts[apps.get_model(label)._meta.db_table]]
    moved = [k for k in entry.watch if snapshot(target, (k,)) != {k: objects[k]}]
    assert grown or moved, f"{entry.name}: the own village's write changed nothing it names"
