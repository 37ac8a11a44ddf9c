"""The one permission policy: the table, `can`/`require`, the system actor, no `None`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from fupin.accounts import policy
from fupin.accounts.actors import SYSTEM, SystemActor, history_user, is_system
from fupin.accounts.models import Role, User

CA, TS, VC = "county_admin", "township_staff", "village_cadre"
HE, DP, IN = "helper", "data_provider", "inspector"
ROLES = (CA, TS, VC, HE, DP, IN)

# What each role may do, written out independently of policy.RIGHTS: a change to the table
# must change this too, on purpose.
EXPECTED: dict[str, set[str]] = {
    "registry.write": {CA, TS, VC},
    "personal.view": {CA, TS, VC},
    "ledgers.baseline_import": {CA},
    "monitoring.view": {CA, TS, VC, HE, IN},
    "monitoring.rules_edit": {CA},
    "monitoring.roster_upload": {DP, CA, TS},
    "monitoring.roster_view": {DP, CA, TS, IN},
    "monitoring.roster_view_all": {CA, TS, VC, HE, IN},
    "rectification.report": {CA, TS, VC, IN},
    "rectification.report_assigned": {HE},
    "rectification.check": {CA, TS, VC, IN},
    "rectification.spotcheck": {IN, CA, TS},
    "cases.open_lead": {VC, TS, CA},
    "cases.step_village": {VC},
    "cases.step_township": {TS, CA},
    "cases.step_county": {CA},
    "cases.override_criteria": {TS, CA},
    "cases.rollback": {CA},
    "cases.settings_edit": {CA},
    "cases.overdue_county": {CA, IN},
    "cases.overdue_township": {TS},
    "assistance.rules_edit": {CA},
    "assistance.act_assigned": {HE},
    "assistance.helper_account": {HE},
    "field.village_work": {CA, TS, VC, DP, IN},
    "field.accept_application": {TS, CA},
    "credit.review_village": {VC, TS, CA},
    "credit.review_township": {TS, CA},
    "credit.review_county": {CA},
    "credit.review_bank": {CA},
    "credit.review_extension": {TS, CA},
    "credit.review_write_off": {CA},
    "projects.decide_township": {CA, TS},
    "projects.decide_county": {CA},
    "dci.manage": {CA},
    "reports.view_area": {CA, TS, VC, DP, IN},
    "reports.edit": {CA},
}

FUPIN = Path(__file__).resolve().parents[2]
SOURCES = [p for p in FUPIN.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts
           and p.name != "policy.py"]


def user(role: str, *scopes: str, superuser: bool = False, active: bool = True) -> User:
    """An unsaved user with its scopes cached: the policy needs no database."""
    u = User(username=f"u-{role}", role=role, is_superuser=superuser, is_active=active)
    u._scope_codes = tuple(scopes)
    return u


# ---------------------------------------------------------------- the table

def test_table_is_exactly_the_expected_matrix():
    assert set(policy.RIGHTS) == set(EXPECTED)
    for action, roles in EXPECTED.items():
        assert set(policy.roles_for(action)) == roles, action
    assert set(ROLES) == {str(r) for r in Role}


@pytest.mark.parametrize("action", sorted(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_right(action, role):
    assert policy.can(user(role), action) is (role in EXPECTED[action])
    assert policy.role_may(role, action) is (role in EXPECTED[action])


def _named_actions() -> set[str]:
    """Action names code hands to the policy: policy calls, step/transition tables."""
    call = re.compile(r"\b(?:can|require|restrict|roles_for|role_may|require_right)\("
                      r"[^\"\n]*\"([a-z_]+\.[a-z_]+)\"")
    table = re.compile(r"(?:STEP_ACTIONS|_RIGHT|^VILLAGE|^TOWNSHIP|^COUNTY)\b.*?\"([a-z_]+\.[a-z_]+)\"",
                       re.M)
    names: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        names.update(call.findall(text))
        if "policy" in text or "RIGHTS" in text:
            names.update(table.findall(text))
    return names


def test_every_action_named_in_code_is_in_the_table():
    named = _named_actions()
    assert len(named) > 25  # the scan finds the calls (a broken regex would pass vacuously)
    assert named - set(policy.RIGHTS) == set()


def test_every_action_in_the_table_is_used():
    text = "\n".join(p.read_text(encoding="utf-8") for p in SOURCES)
    unused = {a for a in policy.RIGHTS if f'"{a}"' not in text}
    assert unused == set()


def test_steps_and_review_tables_name_known_actions():
    from fupin.cases.workflow import ALL_STEPS
    from fupin.credit.services import STEP_ACTIONS
    from fupin.projects.services.library import TRANSITIONS

    for step in ALL_STEPS.values():
        assert step.action in policy.RIGHTS, step.code
    assert set(STEP_ACTIONS.values()) <= set(policy.RIGHTS)
    assert {t.right for t in TRANSITIONS if t.right} <= set(policy.RIGHTS)


def test_unknown_action_is_an_error_not_a_no():
    with pytest.raises(KeyError, match="unknown action"):
        policy.can(user(CA), "cases.approve_evrything")


# ---------------------------------------------------------------- area and users

def test_can_in_and_out_of_area():
    county = user(CA, "500236")
    assert policy.can(county, "cases.settings_edit", area_code="500236")
    assert policy.can(county, "cases.settings_edit", area_code="500236001001")
    assert not policy.can(county, "cases.settings_edit", area_code="500235")
    village = user(VC, "500236001001")
    assert policy.can(village, "cases.step_village", area_code="500236001001")
    assert not policy.can(village, "cases.step_village", area_code="500236001002")
    # the right without the area is not enough, nor the area without the right
    assert not policy.can(village, "cases.rollback", area_code="500236001001")


def test_can_on_an_object_uses_its_area():
    class Row:
        area_id = "500236001001"

    class Child:
        household = Row()

    assert policy.can(user(VC, "500236001"), "rectification.check", obj=Row())
    assert policy.can(user(VC, "500236001"), "rectification.check", obj=Child())
    assert not policy.can(user(VC, "500236002"), "rectification.check", obj=Row())


def test_superuser_inactive_and_anonymous():
    from django.contrib.auth.models import AnonymousUser

    assert policy.can(user(IN, superuser=True), "reports.edit", area_code="110000")
    assert not policy.can(user(CA, "500236", active=False), "reports.edit", area_code="500236")
    assert not policy.can(AnonymousUser(), "monitoring.view")


def test_require_names_the_action_and_the_roles():
    with pytest.raises(PermissionDenied) as exc:
        policy.require(user(VC, "500236001001"), "cases.rollback")
    assert str(exc.value) == "“风险消除回退”须由县级管理员办理，您的角色是村干部/驻村工作队"
    with pytest.raises(PermissionDenied, match="500235 不在您的管辖范围内"):
        policy.require(user(CA, "500236"), "reports.edit", area_code="500235")
    with pytest.raises(PermissionDenied, match="^只有县级"):
        policy.require(user(TS, "500236001"), "reports.edit", message="只有县级管理员可以修改")
    policy.require(user(CA, "500236"), "reports.edit", area_code="500236001")  # no raise


def test_system_actor_may_everything_and_none_nothing():
    for action in policy.RIGHTS:
        assert policy.can(SYSTEM, action, area_code="110000")
        assert policy.can(SystemActor("nightly"), action)
        assert not policy.can(None, action)
    with pytest.raises(PermissionDenied, match="SystemActor"):
        policy.require(None, "reports.edit")
    assert is_system(SYSTEM) and not is_system(None)


# ---------------------------------------------------------------- services and history

@pytest.mark.django_db
def test_system_actor_is_recorded_as_the_system_in_history(county_admin):
    from fupin.core.testing import VILLAGE_A, make_household
    from fupin.registry import services

    household = make_household(VILLAGE_A, actor=SystemActor("test import"))
    assert household.history.earliest().history_user is None
    services.update_household(actor=county_admin, household=household, changes={"phone": "13800000000"})
    assert household.history.latest().history_user == county_admin
    assert history_user(SYSTEM) is None and history_user(county_admin) == county_admin


@pytest.mark.django_db
def test_a_service_called_with_none_refuses(household):
    from fupin.cases import services as cases
    from fupin.registry import services as registry

    before = household.history.count()
    with pytest.raises(TypeError, match="actor is required"):
        registry.update_household(actor=None, household=household, changes={"phone": "13800000001"})  # type: ignore[arg-type]  # mypy refuses it too
    with pytest.raises(PermissionDenied):
        cases.open_identification(actor=None, household=household, channel="cadre", lead="x")  # type: ignore[arg-type]
    household.refresh_from_db()
    assert household.phone != "13800000001" and household.history.count() == before


# ---------------------------------------------------------------- no role literals

ROLE_CHECK = re.compile(
    r"\"(?:county_admin|township_staff|village_cadre|data_provider)\""  # role values
    r"|\.role\s*(?:==|!=|in\b|not\s+in\b)"  # user.role == ... / in (...)
    r"|getattr\([^)]*[\"']role[\"'][^)]*\)\s*(?:==|!=|in\b|not\s+in\b)"
    r"|\bRole\.[A-Z_]+\s*(?:==|!=|in\b)"
    r"|\bin\s*\(\s*Role\."
    r"|_ROLES\s*=")


def _checked_sources() -> list[Path]:
    out = []
    for path in SOURCES:
        rel = path.relative_to(FUPIN).parts
        if len(rel) >= 2 and (rel[1] in ("services", "views", "api", "templatetags")
                              or rel[1] in ("services.py", "views.py", "api.py")):
            out.append(path)
    return out


def test_no_role_checks_outside_the_policy():
    files = _checked_sources()
    assert len(files) > 40  # the scan sees the apps' services, views and API
    found = [f"{p.relative_to(FUPIN)}:{n}: {line.strip()}"
             for p in files for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if ROLE_CHECK.search(line)]
    assert found == []


def test_the_role_scan_catches_a_check():
    assert ROLE_CHECK.search('if getattr(user, "role", "") == "county_admin":')
    assert ROLE_CHECK.search("if user.role in (Role.TOWNSHIP_STAFF, Role.COUNTY_ADMIN):")
    assert not ROLE_CHECK.search('policy.require(actor, "cases.rollback")')


@pytest.mark.django_db
def test_restrict_is_the_right_then_the_scope(household, county_admin):
    from fupin.core.testing import VILLAGE_A, make_user
    from fupin.registry.models import Household

    everyone = Household.objects.all()
    assert list(policy.restrict(everyone, county_admin, "reports.view_area")) == list(
        everyone.visible_to(county_admin))
    assert household in policy.restrict(everyone, county_admin, "reports.view_area")
    helper = make_user("helper", VILLAGE_A)
    assert not policy.restrict(everyone, helper, "reports.view_area").exists()
    from fupin.areas.models import Area

    county = Area.objects.filter(level="county").exclude(code="500236").values_list("code", flat=True).first()
    other = make_user("county_admin", *([county] if county else []))
    assert household not in policy.restrict(everyone, other, "reports.edit")
