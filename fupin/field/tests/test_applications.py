"""Self-application: public page, challenge, rate limits, receipt, township acceptance
within 2 days and hand-over opening the identification case, 代填."""

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fupin.core.testing import VILLAGE_A, make_household, member_data, next_resident_id
from fupin.field import services
from fupin.field.models import SelfApplication


def _answer(token):
    d = signing.loads(token, salt=services.CHALLENGE_SALT)
    return d["a"] + d["b"]


def _data(**extra):
    c = services.make_challenge()
    data = {"name": "王小二", "resident_id": next_resident_id(), "phone": "13912345678", "village": VILLAGE_A,
            "happened": "illness", "description": "父亲住院花了三万元", "challenge": c.token,
            "answer": _answer(c.token)}
    data.update(extra)
    return data


def test_public_page_submits_and_status_shows_three_words(client, db):
    page = client.get("/apply/")
    assert page.status_code == 200
    token = page.context["form"].initial["challenge"]
    data = _data(challenge=token, answer=_answer(token))
    resp = client.post("/apply/", data, follow=True)
    app = SelfApplication.objects.get()
    assert app.receipt_no in resp.content.decode()
    assert app.found_on == timezone.localdate() and app.accept_due == app.found_on + dt.timedelta(days=2)
    status = client.get("/apply/status/", {"receipt_no": app.receipt_no}).content.decode()
    assert "已收到" in status
    assert "未找到该回执号" in client.get("/apply/status/", {"receipt_no": "SQ000"}).content.decode()


def test_bad_input_refused_with_messages(client, db):
    data = _data(resident_id="500236197005010000", village="500236999999", phone="123", answer="99")
    resp = client.post("/apply/", data)
    errors = resp.context["form"].errors
    assert "校验位" in str(errors["resident_id"]) or "身份证" in str(errors["resident_id"])
    assert "answer" in errors
    with pytest.raises(ValidationError) as exc:
        services.submit_application(data=_data(village="500236999999", phone="123"))
    assert "不存在" in str(exc.value.message_dict["village"]) and "phone" in exc.value.message_dict
    assert not SelfApplication.objects.exists()


def test_challenge_is_single_use(db):
    data = _data()
    services.submit_application(data=data)
    with pytest.raises(ValidationError) as exc:
        services.submit_application(data=data)
    assert "已用过" in str(exc.value)


def test_rate_limits_per_ip_and_per_id(db):
    rid = next_resident_id()
    for _ in range(3):
        services.submit_application(data=_data(resident_id=rid), ip="10.0.0.1")
    with pytest.raises(ValidationError) as exc:
        services.submit_application(data=_data(resident_id=rid), ip="10.0.0.2")
    assert "该身份证号今天已提交多次" in str(exc.value)
    for _ in range(2):
        services.submit_application(data=_data(), ip="10.0.0.1")
    with pytest.raises(ValidationError) as exc:
        services.submit_application(data=_data(), ip="10.0.0.1")
    assert "提交过于频繁" in str(exc.value)


def test_same_answer_whether_registered_or_not(client, db):
    hh = make_household(members=[member_data("张三")])
    registered = hh.members.get().resident_id
    a = services.submit_application(data=_data(resident_id=registered, name="张三"))
    b = services.submit_application(data=_data())
    assert services.public_status(a.receipt_no) == services.public_status(b.receipt_no) == "已收到"


def test_township_accepts_and_case_opens(db, township_staff, village_cadre):
    from fupin.cases.models import Case

    hh = make_household(members=[member_data("张三")])
    app = services.submit_application(data=_data(resident_id=hh.members.get().resident_id, name="张三"))
    with pytest.raises(PermissionDenied):
        services.accept_application(actor=village_cadre, application=app)
    services.accept_application(actor=township_staff, application=app)
    app.refresh_from_db()
    case = Case.objects.get(household=hh)
    assert app.state == "case_opened" and app.case == case and case.channel == "self_report"
    assert app.receipt_no in case.lead and case.main_risk == "illness"
    assert services.public_status(app.receipt_no) == "核查中"


def test_unregistered_goes_to_village_which_links_household(db, township_staff, village_cadre):
    app = services.submit_application(data=_data())
    services.accept_application(actor=township_staff, application=app)
    app.refresh_from_db()
    assert app.state == "accepted" and app.case is None
    work = services.cadre_work(village_cadre)
    assert app in work["leads"]
    with pytest.raises(ValidationError):
        services.link_household(actor=village_cadre, application=app, household_no="")
    hh = make_household()
    services.link_household(actor=village_cadre, application=app, household_no=hh.household_no)
    app.refresh_from_db()
    assert app.state == "case_opened" and app.case is not None and app.case.household == hh


def test_acceptance_deadline_shown_overdue(client, db, township_staff):
    app = services.submit_application(data=_data())
    SelfApplication.objects.filter(pk=app.pk).update(found_on=timezone.localdate() - dt.timedelta(days=5),
                                                     accept_due=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(township_staff)
    page = client.get("/field/applications/").content.decode()
    assert "超过 2 天未受理 1 件" in page and "已逾期" in page


def test_cadre_files_on_behalf(client, db, village_cadre):
    client.force_login(village_cadre)
    data = _data()
    data.pop("challenge"), data.pop("answer")
    resp = client.post("/field/applications/add/", data, follow=True)
    app = SelfApplication.objects.get()
    assert app.filed_by == village_cadre and "代填" in resp.content.decode()
    other = _data(village="500236001002")
    with pytest.raises(PermissionDenied):
        services.submit_application(data=other, actor=village_cadre)


def test_area_picker_json(client, db):
    counties = client.get("/apply/areas/").json()["areas"]
    assert any(a["code"] == "500236" for a in counties)
    villages = client.get("/apply/areas/", {"parent": "500236001"}).json()["areas"]
    assert VILLAGE_A in [a["code"] for a in villages]
    assert client.get("/apply/areas/", {"parent": "x"}).status_code == 400
