"""Issue 12, point 11: the thirteen inputs that answered 500 now answer 400 with a Chinese
message (and write nothing). The nested API fields they reach are described by input
serializers, so schemathesis (test_api_fuzz_all) explores them too."""

import datetime as dt
import json

import pytest

from fupin.core.testing import VILLAGE_A, make_household, make_user

pytestmark = pytest.mark.django_db

PROBLEM = {"category": "income", "description": "收入不稳定"}
TODAY = dt.date.today().isoformat()


def visit(**extra):
    return {"visited_on": TODAY, "channel": "home", "findings": "走访", **extra}


PROBES = [
    ("ranking year", "get", "/reports/ranking/?year=abc", None),
    ("ranking quarter", "get", "/reports/ranking/?quarter=x", None),
    ("dashboard as_of", "get", "/reports/dashboard/?as_of=0001-01-01", None),
    ("visit income without year", "visit", None, visit(updates={"income": {"wage_income": 1000}})),
    ("visit income year abc", "visit", None,
     visit(updates={"income": {"year": "abc", "wage_income": 1000}})),
    ("visit updates as a list", "visit", None, visit(updates=[1, 2])),
    ("visit member abc", "visit", None,
     visit(updates={"members": [{"member": "abc", "labour": "ordinary"}]})),
    ("visit problem unknown key", "visit", None, visit(problems=[{**PROBLEM, "foo": 1}])),
    ("visit problem source", "visit", None, visit(problems=[{**PROBLEM, "source": "sweep"}])),
    ("visit problem description 5", "visit", None,
     visit(problems=[{"category": "income", "description": 5}])),
    # The original 500 was a text deadline compared with a date. Now parsed, a deadline before
    # the visit is a 400 (below: the quoted "2027-01-01", a valid deadline, is recorded).
    ("visit problem deadline", "visit", None,
     visit(problems=[{**PROBLEM, "deadline": "2020-01-01"}])),
    ("plan measures abc", "plan", None, {"year": 2025, "summary": "计划", "measures": "abc"}),
    ("case act NUL verifier", "act", None, None),
]


@pytest.fixture
def world(db):
    admin = make_user("county_admin", "500236", username="probe_admin")
    household = make_household(VILLAGE_A)
    return admin, household


def _case_at_home_visit(household):
    from fupin.cases.tests.helpers import Team, advance, open_id

    team = Team(VILLAGE_A)
    case = open_id(team, household)
    case = advance(team, case, until="home_visit")
    assert case.step == "home_visit"
    return team, case


@pytest.mark.parametrize("name,kind,url,body", PROBES, ids=[p[0] for p in PROBES])
def test_probe_answers_400(client, world, name, kind, url, body):
    from fupin.assistance.models import Plan, Visit
    from fupin.rectification.models import Problem

    admin, household = world
    client.force_login(admin)
    visits, plans, problems = Visit.objects.count(), Plan.objects.count(), Problem.objects.count()
    if kind == "get":
        resp = client.get(url)
    elif kind == "visit":
        resp = client.post("/api/assistance/visits/", {"household": household.pk, **body},
                           content_type="application/json")
    elif kind == "plan":
        resp = client.post("/api/assistance/plans/", {"household": household.pk, **body},
                           content_type="application/json")
    else:
        team, case = _case_at_home_visit(household)
        client.force_login(team.village)
        resp = client.post(f"/api/cases/{case.pk}/act/", {
            "step": "home_visit", "action": "submit", "version": case.version,
            "values": {"verifiers": ["a\u0000", "b"]}}, content_type="application/json")
    assert resp.status_code == 400, (resp.status_code, resp.content[:500])
    text = json.dumps(resp.json(), ensure_ascii=False) if kind != "get" else resp.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text[:300]  # a Chinese message
    assert (Visit.objects.count(), Plan.objects.count(), Problem.objects.count()) == (
        visits, plans, problems)


def test_a_valid_visit_with_nested_fields_still_works(client, world):
    admin, household = world
    member = household.members.get()
    client.force_login(admin)
    resp = client.post("/api/assistance/visits/", {"household": household.pk, **visit(
        updates={"income": {"year": 2024, "wage_income": 30000},
                 "members": [{"member": member.pk, "labour": "ordinary"}],
                 "housing_grade": "A", "water_safe": True},
        problems=[{**PROBLEM, "deadline": "2027-01-01"}])}, content_type="application/json")
    assert resp.status_code == 201, resp.content[:500]
    from fupin.rectification.models import Problem
    assert Problem.objects.get().deadline == dt.date(2027, 1, 1)
    resp = client.post("/api/assistance/plans/", {
        "household": household.pk, "year": 2025, "summary": "计划",
        "measures": [{"category": "industry", "title": "发展养殖"}]},
        content_type="application/json")
    assert resp.status_code == 201, resp.content[:500]
    assert len(resp.json()["measures"]) == 1


def test_schema_describes_the_nested_fields(client, world):
    admin, _ = world
    client.force_login(admin)
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    names = set(schema)
    for needed in ("VisitUpdatesRequest", "VisitIncomeUpdateRequest", "VisitMemberUpdateRequest",
                   "VisitProblemRequest", "PlanMeasureInputRequest", "CaseActValuesRequest"):
        assert needed in names, sorted(names)
