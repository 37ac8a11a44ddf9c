"""The registry's pages and API in the scope test matrix (fupin/core/scope_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import World, register, register_builder, register_write

from . import services


def build(world: World) -> World:
    household = world["household"]
    income = services.set_income(actor=SYSTEM, household=household, year=2023,
                                 components={"wage_income": "8000"})
    assessment = services.record_assessment(actor=SYSTEM, household=household, kind="housing",
                                            assessed_on=dt.date(2024, 1, 1), housing_grade="B")
    return {"member": household.members.first(), "income": income, "assessment": assessment}


register_builder("registry", build)


def next_resident_id() -> str:
    from fupin.core.testing import next_resident_id as fresh
    return fresh()


def _no(w: World) -> str:
    return str(w["household"].household_no)


# Pages. The search and area filters match both villages' rows: scope must still cut.
register("household list", "list", lambda w: reverse("registry:household_list"), _no)
register("household list search zs", "list",
         lambda w: reverse("registry:household_list") + "?q=zs", _no)
register("household list search 张三", "list",
         lambda w: reverse("registry:household_list") + "?q=张三", _no)
register("household list area 50", "list",
         lambda w: reverse("registry:household_list") + "?area=50", _no)
def _page(url_name: str, key: str) -> Callable[[World], str]:
    return lambda w: reverse(f"registry:{url_name}", args=[w[key].pk])


for name in ("household_detail", "household_edit", "member_add", "income_set", "assessment_add"):
    register(f"page {name}", "detail", _page(name, "household"))
for name in ("member_edit", "member_leave"):
    register(f"page {name}", "detail", _page(name, "member"))

# API.
register("api households", "api_list", lambda w: "/api/households/", _no)
register("api households search", "api_list", lambda w: "/api/households/?q=zs", _no)
register("api households area 50", "api_list", lambda w: "/api/households/?area=50", _no)
register("api members", "api_list", lambda w: "/api/members/", _no)
register("api members search", "api_list", lambda w: "/api/members/?q=zs", _no)
register("api incomes", "api_list", lambda w: "/api/incomes/?year=2023", _no)
register("api assessments", "api_list", lambda w: "/api/assessments/", _no)
register("api household", "api_detail", lambda w: f"/api/households/{w['household'].pk}/")
register("api member", "api_detail", lambda w: f"/api/members/{w['member'].pk}/")
register("api income", "api_detail", lambda w: f"/api/incomes/{w['income'].pk}/")
register("api assessment", "api_detail", lambda w: f"/api/assessments/{w['assessment'].pk}/")

_INCOME = {"year": 2024, "wage_income": "9000", "business_income": "0", "property_income": "0",
           "transfer_income": "0", "business_cost": "0"}

# Writes: pages and API aimed at the target village's household / member.
register_write("page household add", "registry:household_add",
               lambda w: reverse("registry:household_add"), creates=True,
               payload=lambda w: {"household_no": "NEWHH0001", "area": w["household"].area_id,
                                  "household_type": "ordinary", "welfare_status": "general",
                                  "head_months_worked": "0", "head_name": "新户主",
                                  "head_resident_id": next_resident_id()},
               tables=("registry.Household",))
for _name, _key, _payload in (
        ("household_edit", "household", lambda w: {"address": "改写的地址"}),
        ("member_add", "household", lambda w: {"name": "新成员", "resident_id": next_resident_id()}),
        ("income_set", "household", lambda w: _INCOME),
        ("assessment_add", "household",
         lambda w: {"kind": "housing", "assessed_on": "2024-05-01", "housing_grade": "A"}),
        ("member_edit", "member", lambda w: {"name": "改名"}),
        ("member_leave", "member", lambda w: {"kind": "died", "date": "2024-06-01"})):
    register_write(f"page {_name}", f"registry:{_name}", _page(_name, _key), payload=_payload)
register_write("page income_set (control)", "registry:income_set", _page("income_set", "household"),
               payload=lambda w: _INCOME, tables=("registry.Income",), control=True)

register_write("api household create", "household-list", lambda w: "/api/households/", creates=True,
               payload=lambda w: {"household_no": "NEWHH0002", "area": w["household"].area_id,
                                  "household_type": "ordinary",
                                  "members": [{"name": "新户主", "resident_id": next_resident_id(),
                                               "relation_to_head": "head"}]},
               tables=("registry.Household",), control=True)
for _method in ("PUT", "PATCH"):
    register_write(f"api household {_method}", "household-detail",
                   lambda w: f"/api/households/{w['household'].pk}/", method=_method,
                   payload=lambda w: {"address": "改写的地址"})
    register_write(f"api member {_method}", "member-detail",
                   lambda w: f"/api/members/{w['member'].pk}/", method=_method,
                   payload=lambda w: {"name": "改名"})
register_write("api member add", "member-list", lambda w: "/api/members/", creates=True,
               payload=lambda w: {"household": w["household"].pk, "name": "新成员",
                                  "resident_id": next_resident_id(), "relation_to_head": "son"},
               tables=("registry.Member",), control=True)
register_write("api member leave", "member-leave", lambda w: f"/api/members/{w['member'].pk}/leave/",
               payload=lambda w: {"kind": "died", "date": "2024-06-01"}, watch=("member",))
register_write("api income", "income-list", lambda w: "/api/incomes/", creates=True,
               payload=lambda w: {"household": w["household"].pk, "year": 2024, "wage_income": "9000"},
               tables=("registry.Income",), control=True)
register_write("api assessment", "assessment-list", lambda w: "/api/assessments/", creates=True,
               payload=lambda w: {"household": w["household"].pk, "kind": "housing",
                                  "assessed_on": "2024-05-01", "housing_grade": "A"},
               tables=("registry.Assessment",))
