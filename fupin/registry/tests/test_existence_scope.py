"""Issue 12, point 5: existence answers that do not cross scope. A person or household
registered in another county is reported as "registered outside your area" — never with its
household number or village — by the API, the ledger dry run and the risk-event upload."""

import pytest
from django.conf import settings as django_settings

from fupin.areas.models import Area
from fupin.core.privacy import OUTSIDE_SCOPE
from fupin.core.testing import VILLAGE_A, make_household, make_user, member_data, village_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def elsewhere(db):
    village = village_codes(1, "500101")[0]
    hh = make_household(village, household_no="WZ500101SECRET")
    person = hh.members.get()
    return hh, person, village


def _leaks(text: str, hh, village: str) -> list[str]:
    name = Area.objects.get(code=village).name
    return [s for s in (hh.household_no, village, village[:9], name) if s in text]


def test_api_household_and_member_creation(client, elsewhere):
    hh, person, village = elsewhere
    cadre = make_user("village_cadre", VILLAGE_A)
    own = make_household(VILLAGE_A)
    client.force_login(cadre)
    resp = client.post("/api/households/", {
        "household_no": "NEW0001", "area": VILLAGE_A, "household_type": "ordinary",
        "members": [{**member_data(), "resident_id": person.resident_id}]},
        content_type="application/json")
    assert resp.status_code == 400
    text = resp.content.decode()
    assert OUTSIDE_SCOPE in text and _leaks(text, hh, village) == []
    resp = client.post("/api/members/", {**member_data("李四", "son"), "household": own.pk,
                                         "resident_id": person.resident_id},
                       content_type="application/json")
    assert resp.status_code == 400
    text = resp.content.decode()
    assert OUTSIDE_SCOPE in text and _leaks(text, hh, village) == []
    resp = client.post("/api/households/", {
        "household_no": hh.household_no, "area": VILLAGE_A, "household_type": "ordinary",
        "members": [member_data()]}, content_type="application/json")
    assert resp.status_code == 400
    text = resp.content.decode().replace(hh.household_no, "", 1)  # the number it was given
    assert OUTSIDE_SCOPE in text and _leaks(text, hh, village) == []


def test_inside_scope_the_household_is_named(client):
    cadre = make_user("village_cadre", VILLAGE_A)
    other = make_household(VILLAGE_A, household_no="MYVILLAGE01")
    person = other.members.get()
    own = make_household(VILLAGE_A)
    client.force_login(cadre)
    resp = client.post("/api/members/", {**member_data("李四", "son"), "household": own.pk,
                                         "resident_id": person.resident_id},
                       content_type="application/json")
    assert resp.status_code == 400 and "MYVILLAGE01" in resp.content.decode()


def test_ledger_dry_run(elsewhere, tmp_path, settings):
    from fupin.ledgers.services.importer import import_ledger
    from fupin.ledgers.tests.builders import household, write_csv

    settings.VAR_DIR = tmp_path
    hh, person, village = elsewhere
    cadre = make_user("village_cadre", VILLAGE_A)
    rows = household("OWNLEDGER01", VILLAGE_A, n=2)
    rows[1]["身份证号"] = person.resident_id
    rows += household(hh.household_no, VILLAGE_A, n=1)
    batch = import_ledger(write_csv(tmp_path / "l.csv", rows), user=cadre, dry_run=True)
    reasons = " ".join(batch.rows.filter(rejected=True).values_list("reasons", flat=True))
    assert OUTSIDE_SCOPE in reasons
    assert _leaks(reasons.replace(hh.household_no, "", 1), hh, village) == []


def test_risk_event_upload(elsewhere):
    from fupin.monitoring.services import upload_events

    hh, person, village = elsewhere
    admin = make_user("county_admin", "500236")
    content = ("身份证号,事件类别,日期,金额\n" f"{person.resident_id},大额医疗支出（自付）,2024-01-05,30000\n"
               ).encode()
    result = upload_events(actor=admin, filename="events.csv", content=content)
    assert result["accepted"] == 0
    text = str(result["rejected"])
    assert OUTSIDE_SCOPE in text and _leaks(text, hh, village) == []
    assert django_settings.LANGUAGE_CODE == "zh-hans"

