"""The projects app's URLs in the scope test matrix (reads and writes).

Fund sources are county-level rows (a village cadre sees none), so their list is checked by
the app's own tests (`test_api.py`), not here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder


def _build(world: World) -> dict[str, Any]:
    from fupin.accounts.actors import SystemActor
    from fupin.projects.choices import State
    from fupin.projects.services import benefits, library
    from fupin.projects.testing import make_project

    household = world["household"]
    system = SystemActor("scope matrix")
    project = make_project(household.area_id, until=State.ASSET_HANDED_OVER,
                           name=f"项目{household.household_no}", code=f"P-{household.household_no}",
                           start=dt.date(2020, 1, 10), year=2020)
    benefits.add_beneficiaries(actor=system, project=project,
                               household_nos=[household.household_no])
    from fupin.projects.services import funds
    funds.pay(actor=system, allocation=project.allocations.get(), amount="500",
              paid_on="2020-12-01", voucher=f"凭证{household.household_no}")
    notice = project.notices.order_by("id").first()
    assert notice is not None
    objection = library.raise_objection(actor=system, notice=notice, content="异议测试",
                                        raised_on=notice.start)
    link = benefits.create_link(actor=system, household_no=household.household_no,
                                mode="land_rent", started_on="2020-03-01", project=project,
                                amount_per_year="800")
    payout = benefits.add_payout(actor=system, link=link, paid_on="2020-12-20", amount="800",
                                 note=f"发放{household.household_no}")
    sale = benefits.record_sale(actor=system, seller_kind="household", channel="ecommerce",
                                product=f"产品{household.household_no}", amount="500",
                                sold_on="2020-10-01", household_no=household.household_no)
    return {"project": project, "project_notice": notice, "project_objection": objection,
            "benefit_link": link, "benefit_payout": payout, "consumption_sale": sale,
            "project_asset": project.assets.first()}


register_builder("projects", _build)

pk = lambda key: (lambda w: w[key].pk)  # noqa: E731
code = lambda w: w["project"].code  # noqa: E731
hh = lambda w: w["household"].household_no  # noqa: E731

register("project list", "list", lambda w: reverse("projects:project_list"), code)
register("project detail", "detail", lambda w: reverse("projects:project_detail", args=[pk("project")(w)]))
register("project notice", "detail", lambda w: reverse("projects:notice", args=[pk("project_notice")(w)]))
register("project notice pdf", "detail",
         lambda w: reverse("projects:notice_pdf", args=[pk("project_notice")(w)]))
register("project payment list", "list", lambda w: reverse("projects:payment_list"),
         lambda w: f"凭证{w['household'].household_no}")
register("benefit link list", "list", lambda w: reverse("projects:link_list"), hh)
register("benefit link detail", "detail",
         lambda w: reverse("projects:link_detail", args=[pk("benefit_link")(w)]))
register("benefit payout list", "list", lambda w: reverse("projects:payout_list"),
         lambda w: f"发放{w['household'].household_no}")
register("project asset list", "list", lambda w: reverse("projects:asset_list"),
         lambda w: f"项目{w['household'].household_no}资产")
register("project asset detail", "detail",
         lambda w: reverse("projects:asset_detail", args=[pk("project_asset")(w)]))
register("consumption sale list", "list", lambda w: reverse("projects:sale_list"),
         lambda w: f"产品{w['household'].household_no}")
register("project api list", "api_list", lambda w: "/api/projects/", code)
register("project api detail", "api_detail", lambda w: f"/api/projects/{w['project'].pk}/")
register("project beneficiary api list", "api_list", lambda w: "/api/project-beneficiaries/", hh)
register("project allocation api list", "api_list", lambda w: "/api/project-allocations/", code)
register("project payment api list", "api_list", lambda w: "/api/project-payments/", code)
register("benefit link api list", "api_list", lambda w: "/api/benefit-links/", hh)
register("benefit link api detail", "api_detail",
         lambda w: f"/api/benefit-links/{w['benefit_link'].pk}/")
register("benefit payout api list", "api_list", lambda w: "/api/benefit-payouts/", hh)
register("project asset api list", "api_list", lambda w: "/api/project-assets/",
         lambda w: f"项目{w['household'].household_no}资产")
register("consumption sale api list", "api_list", lambda w: "/api/consumption-sales/",
         lambda w: f"产品{w['household'].household_no}")
# Writes: a POST on another village's object is 404, on one's own it is handled (400 here,
# the empty form being refused).
for name, url in [
    ("project act", lambda w: reverse("projects:project_act", args=[pk("project")(w)])),
    ("project objection add", lambda w: reverse("projects:objection_add", args=[pk("project")(w)])),
    ("project allocate", lambda w: reverse("projects:allocation_add", args=[pk("project")(w)])),
    ("project pay", lambda w: reverse("projects:payment_add", args=[pk("project")(w)])),
    ("project beneficiaries add", lambda w: reverse("projects:beneficiary_add", args=[pk("project")(w)])),
    ("project objection answer",
     lambda w: reverse("projects:objection_answer", args=[pk("project_objection")(w)])),
    ("benefit payout add", lambda w: reverse("projects:link_detail", args=[pk("benefit_link")(w)])),
    ("asset income add", lambda w: reverse("projects:asset_detail", args=[pk("project_asset")(w)])),
    ("project api act", lambda w: f"/api/projects/{w['project'].pk}/act/"),
    ("project api objection", lambda w: f"/api/projects/{w['project'].pk}/objection/"),
    ("project api answer", lambda w: f"/api/projects/{w['project'].pk}/answer/"),
    ("project api allocate", lambda w: f"/api/projects/{w['project'].pk}/allocate/"),
    ("project api pay", lambda w: f"/api/projects/{w['project'].pk}/pay/"),
    ("project api beneficiaries", lambda w: f"/api/projects/{w['project'].pk}/beneficiaries/"),
    ("benefit link api payout", lambda w: f"/api/benefit-links/{w['benefit_link'].pk}/payout/"),
]:
    register(name, "write", url)
