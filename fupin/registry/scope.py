"""The registry's pages and API in the scope test matrix (fupin/core/scope_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import World, register, register_builder

from . import services


def build(world: World) -> World:
    household = world["household"]
    income = services.set_income(actor=SYSTEM, household=household, year=2023,
                                 components={"wage_income": "8000"})
    assessment = services.record_assessment(actor=SYSTEM, household=household, kind="housing",
                                            assessed_on=dt.date(2024, 1, 1), housing_grade="B")
    return {"member": household.members.first(), "income": income, "assessment": assessment}


register_builder("registry", build)


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
