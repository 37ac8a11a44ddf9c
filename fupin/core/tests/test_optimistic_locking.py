"""Issue 12, point 8: optimistic locking on edit forms. Two people open the same form; the
first saves; the second's save is refused, naming who changed what, and nothing of the first's
change is lost. Checked on the household and member forms of the registry, the problem form
of rectification and the rule form of monitoring."""

import pytest

from fupin.core.locking import LOCK_FIELD
from fupin.core.testing import VILLAGE_A, make_household, make_user

pytestmark = pytest.mark.django_db


def form_data(resp) -> dict:
    """The POST a browser would send for the form as rendered."""
    form = resp.context["form"]
    data: dict = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if getattr(field, "disabled", False):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    assert data.get(LOCK_FIELD), "the form carries no version"
    return data


@pytest.fixture
def two_cadres(db):
    return make_user("village_cadre", VILLAGE_A, username="first"), \
        make_user("village_cadre", VILLAGE_A, username="second")


def _race(client, first, second, url, field, value_a, value_b):
    client.force_login(first)
    a = form_data(client.get(url))
    client.force_login(second)
    b = form_data(client.get(url))
    client.force_login(first)
    resp = client.post(url, {**a, field: value_a})
    assert resp.status_code == 302, resp.context["form"].errors if resp.context else resp
    client.force_login(second)
    resp = client.post(url, {**b, field: value_b})
    assert resp.status_code == 200
    body = resp.content.decode()
    assert "在您打开本页之后" in body and value_a in body and "没有保存" in body
    return resp


def test_household_form(client, two_cadres):
    first, second = two_cadres
    hh = make_household(VILLAGE_A, address="老地址 1 号")
    url = f"/registry/households/{hh.pk}/edit/"
    resp = _race(client, first, second, url, "address", "新地址 8 号", "另一个地址 9 号")
    assert "first" in resp.content.decode()  # who changed it
    hh.refresh_from_db()
    assert hh.address == "新地址 8 号"  # the first's change is not reverted
    # Having seen it, the second may save on purpose: the form now carries the new version.
    again = form_data(resp)
    assert client.post(url, {**again, "address": "另一个地址 9 号"}).status_code == 302
    hh.refresh_from_db()
    assert hh.address == "另一个地址 9 号"


def test_member_form(client, two_cadres):
    first, second = two_cadres
    member = make_household(VILLAGE_A).members.get()
    _race(client, first, second, f"/registry/members/{member.pk}/edit/", "ethnicity", "回族", "苗族")
    member.refresh_from_db()
    assert member.ethnicity == "回族"


def test_problem_form(client, two_cadres):
    from fupin.rectification import services

    first, second = two_cadres
    hh = make_household(VILLAGE_A)
    problem = services.create_problem(actor=first, source="visit", category="income",
                                      description="收入不稳", household=hh)
    _race(client, first, second, f"/rectification/problems/{problem.pk}/edit/",
          "responsible_unit", "镇农业服务中心", "县人社局")
    problem.refresh_from_db()
    assert problem.responsible_unit == "镇农业服务中心"


def test_rule_form(client):
    from fupin.monitoring.services import create_rule

    a = make_user("county_admin", "500236", username="first")
    b = make_user("county_admin", "500236", username="second")
    rule = create_rule(actor=a, code="LOCKED", name="锁定测试", condition="members > 9")
    _race(client, a, b, f"/monitoring/rules/{rule.pk}/edit/", "name", "第一人的名称", "第二人的名称")
    rule.refresh_from_db()
    assert rule.name == "第一人的名称"


def test_forged_version_refused(client, two_cadres):
    first, _ = two_cadres
    hh = make_household(VILLAGE_A, address="甲")
    url = f"/registry/households/{hh.pk}/edit/"
    client.force_login(first)
    data = form_data(client.get(url))
    data[LOCK_FIELD] = "forged"
    resp = client.post(url, {**data, "address": "乙"})
    assert resp.status_code == 200 and "版本信息缺失或已失效" in resp.content.decode()
    hh.refresh_from_db()
    assert hh.address == "甲"
