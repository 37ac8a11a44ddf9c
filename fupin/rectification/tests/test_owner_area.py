"""Issue 12, point 14: a problem's owner must work inside the problem's area."""

import pytest
from django.core.exceptions import ValidationError

from fupin.core.testing import VILLAGE_A, make_household, make_user
from fupin.rectification import services

pytestmark = pytest.mark.django_db


def test_owner_of_another_county_refused_by_api(client):
    admin = make_user("county_admin", "500236")
    household = make_household(VILLAGE_A)
    stranger = make_user("village_cadre", "500101001001", username="stranger")
    local = make_user("village_cadre", VILLAGE_A, username="local")
    client.force_login(admin)
    body = {"source": "visit", "category": "income", "description": "收入不稳",
            "household": household.pk, "owner": stranger.pk}
    resp = client.post("/api/rectification/problems/", body, content_type="application/json")
    assert resp.status_code == 400
    assert "不在问题所在区划" in str(resp.json()["owner"])
    resp = client.post("/api/rectification/problems/", {**body, "owner": local.pk},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content


def test_owner_change_checked_too():
    admin = make_user("county_admin", "500236")
    household = make_household(VILLAGE_A)
    township = make_user("township_staff", VILLAGE_A[:9])
    problem = services.create_problem(actor=admin, source="visit", category="income",
                                      description="收入不稳", household=household, owner=township)
    with pytest.raises(ValidationError) as exc:
        services.update_problem(actor=admin, problem=problem,
                                owner=make_user("township_staff", "500101001"))
    assert "owner" in exc.value.message_dict
    other_village = make_user("village_cadre", VILLAGE_A[:9] + "002")
    with pytest.raises(ValidationError):
        services.update_problem(actor=admin, problem=problem, owner=other_village)


def test_page_form_refuses_an_outside_owner(client):
    admin = make_user("county_admin", "500236")
    make_user("village_cadre", "500101001001", username="stranger")
    household = make_household(VILLAGE_A)
    client.force_login(admin)
    resp = client.post("/rectification/problems/add/", {
        "source": "visit", "category": "income", "description": "收入不稳",
        "household_no": household.household_no, "found_on": "2024-01-02",
        "owner_username": "stranger"})
    assert resp.status_code == 200
    assert "不在问题所在区划" in resp.content.decode()
