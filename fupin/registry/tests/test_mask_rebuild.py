"""Issue 12, point 1: masks that cannot be undone.

The resident ID mask hides the 8 birth-date digits. As each role that sees masked IDs
(inspector, helper, data provider) this test reads everything it can — API lists and
details, the household page and list, history, the ledger export — collects every date in
any format, and tries to rebuild each member's ID from its visible digits plus each date;
it also tries ID-prefix searches. None is rebuilt. As a county admin (unmasked) the same
procedure rebuilds every ID, so the test can fail."""

import datetime as dt
import io
import re

import pytest
from openpyxl import load_workbook

from fupin.assistance import services as assistance
from fupin.core.testing import VILLAGE_A, make_household, make_user, member_data
from fupin.registry import resident_id as rid
from fupin.registry import services
from fupin.registry.models import Member

pytestmark = pytest.mark.django_db

DATE_PATTERNS = [
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), None),
    (re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)"), None),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日"), None),
    (re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"), None),
]


def dates_in(text: str) -> set[str]:
    found = set()
    for pattern, _ in DATE_PATTERNS:
        for y, m, d in pattern.findall(text):
            try:
                found.add(dt.date(int(y), int(m), int(d)).strftime("%Y%m%d"))
            except ValueError:
                continue
    return found


def check_ok(number: str) -> bool:
    return rid.check_char(number[:17]) == number[17]


def rebuilt(members: list[Member], text: str) -> list[str]:
    """IDs rebuilt from the visible 6 + 4 digits and any date found in the text."""
    dates = dates_in(text)
    out = []
    for m in members:
        if m.resident_id in text:
            out.append(m.resident_id)
            continue
        head, tail = m.resident_id[:6], m.resident_id[-4:]
        if rid.mask(m.resident_id) not in text and head not in text:
            continue
        for d in dates:
            candidate = head + d + tail
            if candidate == m.resident_id and check_ok(candidate):
                out.append(candidate)
                break
    return out


@pytest.fixture
def world(db, county_admin):
    hh = make_household(VILLAGE_A, members=[
        member_data("王大", birth=dt.date(1961, 3, 17)),
        member_data("王二", relation="spouse", birth=dt.date(1964, 11, 2)),
        member_data("王三", relation="son", birth=dt.date(1990, 7, 29), schooling="none")])
    baby_id = rid.make("500236", dt.date(2024, 2, 9), 455)
    services.add_member(actor=county_admin, household=hh, event="birth", date=dt.date(2024, 2, 9),
                        data={"name": "王小", "resident_id": baby_id, "relation_to_head": "granddaughter"})
    m = hh.members.get(name="王三")
    services.update_member(actor=county_admin, member=m, changes={"joined_on": dt.date(1990, 7, 29)})
    unit = assistance.create_unit(actor=county_admin, name="县农业农村委", level="county",
                                  area_code="500236")
    helper_user = make_user("helper", VILLAGE_A, username="helper1")
    helper = assistance.create_helper(actor=county_admin, data={
        "name": "李帮扶", "phone": "13800001111", "area": VILLAGE_A, "unit": unit, "user": helper_user})
    assistance.assign_helper(actor=county_admin, household=hh, helper=helper)
    return hh, list(hh.members.all())


def everything_readable(client, hh, members) -> str:
    parts = []
    for url in ["/api/members/?page_size=1000", "/api/households/?page_size=1000",
                f"/api/households/{hh.pk}/", f"/registry/households/{hh.pk}/",
                "/registry/households/", f"/api/members/?household={hh.pk}"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
        parts.append(resp.content.decode())
    for m in members:
        resp = client.get(f"/api/members/{m.pk}/")
        assert resp.status_code == 200
        parts.append(resp.content.decode())
    # Registry list export and the ledger export.
    for body in (client.get("/registry/households/?export=xlsx").content,
                 _ledger_export(client)):
        wb = load_workbook(io.BytesIO(body), read_only=True)
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                parts.append(" ".join("" if v is None else str(v) for v in row))
    return "\n".join(parts)


def _ledger_export(client) -> bytes:
    from django.test import TestCase

    from fupin.core.models import Job

    with TestCase.captureOnCommitCallbacks(execute=True):
        resp = client.post("/ledgers/export/", {"area": VILLAGE_A})
    assert resp.status_code == 302, resp.content[:500]
    job = Job.objects.filter(kind="ledger_export").latest("pk")
    assert job.status == "done", job.error
    resp = client.get(f"/ledgers/export/{job.pk}/download/")
    assert resp.status_code == 200
    return b"".join(resp.streaming_content)


@pytest.mark.parametrize("role", ["inspector", "helper", "data_provider"])
def test_no_id_can_be_rebuilt_by_a_masked_role(client, world, role):
    hh, members = world
    from fupin.accounts.models import User
    user = (User.objects.get(username="helper1") if role == "helper"
            else make_user(role, "500236"))
    client.force_login(user)
    text = everything_readable(client, hh, members)
    assert rid.mask(members[0].resident_id) in text  # the masked IDs are there
    assert rebuilt(members, text) == []
    # The birth year is shown instead of the date.
    assert "1961" in text and "1961-03-17" not in text
    # ID-prefix searches (area digits + birth digits) find nothing.
    for m in members:
        for prefix in (m.resident_id[:10], m.resident_id[:14], m.resident_id[:17]):
            api = client.get(f"/api/members/?q={prefix}").json()
            assert api["count"] == 0, prefix
            page = client.get(f"/registry/households/?q={prefix}").content.decode()
            assert hh.household_no not in page, prefix
        # The whole number (which the user must already know) still finds the person.
        assert client.get(f"/api/members/?q={m.resident_id}").json()["count"] == 1


def test_an_unmasked_role_rebuilds_all_so_the_test_can_fail(client, world, county_admin):
    hh, members = world
    client.force_login(county_admin)
    text = everything_readable(client, hh, members)
    assert sorted(rebuilt(members, text)) == sorted(m.resident_id for m in members)
