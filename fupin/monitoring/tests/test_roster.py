"""Department screening: rosters staged and matched by resident ID, set-based."""

import datetime as dt

import pytest
from django.urls import reverse

from fupin.core.testing import make_user
from fupin.monitoring.models import Roster, Warning
from fupin.monitoring.services.roster import upload_roster
from fupin.registry import resident_id as rid

from .helpers import child, household_with, live_codes, warning

pytestmark = pytest.mark.django_db
OUTSIDER = rid.make("110101", dt.date(2000, 1, 1), 123)


def csv_of(*ids: str, header: str = "身份证号,姓名") -> bytes:
    return ("\n".join([header, *[f"{i},某人" for i in ids]]) + "\n").encode("utf-8")


def ids_of(h):
    return {m.relation_to_head: m.resident_id for m in h.members.all()}


def test_school_roster_missing_child():
    h = household_with(child(dt.date(2012, 3, 1), schooling="primary"))
    provider = make_user("data_provider", "500236")
    roster = upload_roster(actor=provider, kind="school", name="奉节县2020秋季在校生名册",
                           area_code="500236", as_of=dt.date.today(), filename="a.csv",
                           content=csv_of(OUTSIDER, "not-an-id"))
    assert roster.rows_read == 2 and roster.rows_rejected == 1 and roster.rows_accepted == 1
    assert roster.rejected[0]["line"] == 3
    w = warning(h, "ROSTER_SCHOOL_MISSING")
    assert "《奉节县2020秋季在校生名册》" in w.explanation and w.source.startswith("部门名册")
    # the next roster lists the child: the warning closes
    kid = ids_of(h)["son"]
    upload_roster(actor=provider, kind="school", name="补报名册", area_code="500236",
                  as_of=dt.date.today(), filename="b.csv", content=csv_of(kid))
    assert "ROSTER_SCHOOL_MISSING" not in live_codes(h)
    assert Roster.objects.filter(active=True, kind="school").count() == 1


def test_insurance_death_welfare_disability():
    h = household_with(child(dt.date(2012, 3, 1)))
    ids = ids_of(h)
    admin = make_user("county_admin", "500236")
    upload_roster(actor=admin, kind="insurance", name="医保参保名册", area_code="500236",
                  as_of=dt.date.today(), filename="i.csv", content=csv_of(ids["head"]))
    upload_roster(actor=admin, kind="death", name="死亡登记", area_code="500236",
                  as_of=dt.date.today(), filename="d.csv",
                  content=csv_of(ids["head"], header="身份证号,死亡日期").replace(
                      "某人".encode(), b"2020-05-01"))
    upload_roster(actor=admin, kind="dibao", name="低保名册", area_code="500236",
                  as_of=dt.date.today(), filename="l.csv", content=csv_of(ids["son"]))
    upload_roster(actor=admin, kind="disability", name="残疾人证名册", area_code="500236",
                  as_of=dt.date.today(), filename="c.csv", content=csv_of(ids["son"]))
    codes = live_codes(h)
    assert {"ROSTER_UNINSURED", "ROSTER_DECEASED_LISTED", "ROSTER_WELFARE_MISMATCH",
            "ROSTER_DISABILITY_UNRECORDED"} <= codes
    assert "本户登记为一般户" in warning(h, "ROSTER_WELFARE_MISMATCH").explanation
    assert warning(h, "ROSTER_DECEASED_LISTED").rule.kind == "quality"


def test_roster_outside_scope_and_bad_file():
    from django.core.exceptions import ValidationError
    provider = make_user("data_provider", "500236")
    with pytest.raises(ValidationError):
        upload_roster(actor=provider, kind="school", name="x", area_code="500101",
                      as_of=dt.date.today(), filename="a.csv", content=csv_of())
    with pytest.raises(ValidationError):
        upload_roster(actor=provider, kind="school", name="x", area_code="500236",
                      as_of=dt.date.today(), filename="a.csv", content=b"name\nx\n")
    with pytest.raises(ValidationError):
        upload_roster(actor=provider, kind="school", name="x", area_code="500236",
                      as_of=dt.date.today(), filename="a.xlsx", content=b"garbage")


def test_provider_uploads_through_the_page_and_sees_only_own(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    h = household_with(child(dt.date(2012, 3, 1)))
    provider = make_user("data_provider", "500236")
    client.force_login(provider)
    resp = client.post(reverse("monitoring:roster_upload"), {
        "kind": "school", "name": "教育名册", "area_code": "500236",
        "as_of": dt.date.today().isoformat(),
        "file": SimpleUploadedFile("s.csv", csv_of(OUTSIDER))})
    assert resp.status_code == 302
    roster = Roster.objects.get()
    body = client.get(roster.get_absolute_url()).content.decode()
    assert "有效 1" in body and "新增预警" not in body
    assert Warning.objects.filter(household=h, rule__code="ROSTER_SCHOOL_MISSING").exists()
    other = make_user("data_provider", "500236")
    client.force_login(other)
    assert client.get(roster.get_absolute_url()).status_code == 404


def test_department_event_upload(client, household):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fupin.monitoring.models import RiskEvent

    from .helpers import income
    income(household, 2020, 6000)
    rid_ = household.members.get().resident_id
    today = dt.date.today().isoformat()
    content = (f"身份证号,事件类别,日期,金额,说明\n{rid_},大额医疗支出（自付）,{today},3500,住院\n"
               f"{OUTSIDER},medical,{today},100,\n{rid_},火灾,{today},1,\n").encode()
    provider = make_user("data_provider", "500236")
    client.force_login(provider)
    resp = client.post(reverse("monitoring:event_upload"), {
        "file": SimpleUploadedFile("med.csv", content), "source_detail": "县医保局"})
    body = resp.content.decode()
    assert resp.status_code == 200 and "导入 1" in body and "找不到对应的在册户" in body
    assert "事件类别“火灾”无效" in body
    assert RiskEvent.objects.get().source == "upload"
    assert "MEDICAL_BURDEN" in live_codes(household)
