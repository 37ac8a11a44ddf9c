"""The projects app's URLs in the scope test matrix (reads and writes).

Fund sources are county-level rows (a village cadre sees none), so their list is checked by
the app's own tests (`test_api.py`), not here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder, register_write


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
# Writes, aimed at the target village's project, objection, link, asset and households.
_v = lambda w: w["household"].area_id  # noqa: E731
_proj = lambda name: lambda w: reverse(f"projects:{name}", args=[w["project"].pk])  # noqa: E731
_api = lambda tail: lambda w: f"/api/projects/{w['project'].pk}/{tail}/"  # noqa: E731
_act = lambda w: {"action": "submit", "version": w["project"].version, "comment": "越权"}  # noqa: E731
_objection = lambda w: {"notice": w["project_notice"].pk, "raised_on": "2020-02-01",  # noqa: E731
                        "content": "越权异议"}
_answer = lambda w: {"objection": w["project_objection"].pk,  # noqa: E731
                     "answered_on": "2020-02-02", "answer": "越权答复"}
_allocate = lambda w: {"source": w["project"].allocations.get().source_id, "amount": "1",  # noqa: E731
                       "allocated_on": "2020-03-01"}
_pay = lambda w: {"allocation": w["project"].allocations.get().pk, "amount": "1",  # noqa: E731
                  "paid_on": "2020-12-05", "voucher": "越权凭证"}
_benef = lambda w: {"household_nos": w["overdue_household"].household_no}  # noqa: E731
_payout = lambda w: {"paid_on": "2020-12-21", "amount": "1", "note": "越权发放"}  # noqa: E731
for name, route, url, payload, watch, tables in [
    ("project act", "projects:project_act", _proj("project_act"), _act, ("project",), ()),
    ("project objection add", "projects:objection_add", _proj("objection_add"), _objection, (),
     ("projects.Objection",)),
    ("project allocate", "projects:allocation_add", _proj("allocation_add"), _allocate, (),
     ("projects.Allocation",)),
    ("project pay", "projects:payment_add", _proj("payment_add"), _pay, (), ("projects.Payment",)),
    ("project beneficiaries add", "projects:beneficiary_add", _proj("beneficiary_add"), _benef, (),
     ("projects.Beneficiary",)),
    ("project objection answer", "projects:objection_answer",
     lambda w: reverse("projects:objection_answer", args=[pk("project_objection")(w)]), _answer,
     ("project_objection",), ()),
    ("benefit payout add", "projects:link_detail",
     lambda w: reverse("projects:link_detail", args=[pk("benefit_link")(w)]), _payout, (),
     ("projects.Payout",)),
    ("asset income add", "projects:asset_detail",
     lambda w: reverse("projects:asset_detail", args=[pk("project_asset")(w)]),
     lambda w: {"year": "2021", "amount": "100"}, ("project_asset",), ()),
    ("project api act", "project-act", _api("act"), _act, ("project",), ()),
    ("project api objection", "project-objection", _api("objection"), _objection, (),
     ("projects.Objection",)),
    ("project api answer", "project-answer", _api("answer"), _answer, ("project_objection",), ()),
    ("project api allocate", "project-allocate", _api("allocate"), _allocate, (),
     ("projects.Allocation",)),
    ("project api pay", "project-pay", _api("pay"), _pay, (), ("projects.Payment",)),
    ("project api beneficiaries", "project-beneficiaries", _api("beneficiaries"),
     lambda w: {"households": [w["overdue_household"].household_no]}, (), ("projects.Beneficiary",)),
    ("benefit link api payout", "benefit-link-payout",
     lambda w: f"/api/benefit-links/{w['benefit_link'].pk}/payout/", _payout, (), ("projects.Payout",)),
]:
    register_write(name, route, url, payload=payload, watch=watch, tables=tables,
                   control=name in ("project pay", "project api beneficiaries"))

_propose = lambda w: {"area": _v(w), "name": "越权项目", "category": "industry",  # noqa: E731
                      "planned_funds": "1000", "expected_households": "1", "expected_people": "1",
                      "content": "越权", "meeting_date": "2021-01-05", "meeting_attendees": "20",
                      "meeting_agreed": "18", "meeting_minutes": "党支部提议、村两委商议、党员大会审议、村民代表会议决议"}
_source = lambda w: {"area": _v(w)[:6], "kind": "central", "name": "越权资金", "year": "2021",  # noqa: E731
                     "amount": "1000"}
_link = lambda w: {"household_no": w["household"].household_no, "mode": "land_rent",  # noqa: E731
                   "started_on": "2021-03-01", "amount_per_year": "100",
                   "partner_kind": "cooperative", "partner_name": "越权合作社"}
_sale = lambda w: {"seller_kind": "household", "household_no": w["household"].household_no,  # noqa: E731
                   "channel": "ecommerce", "product": "越权产品", "amount": "100",
                   "sold_on": "2021-10-01"}
for name, route, url, payload, tables in [
    ("project add", "projects:project_add", lambda w: reverse("projects:project_add"), _propose,
     ("projects.Project",)),
    ("fund source add", "projects:source_add", lambda w: reverse("projects:source_add"), _source,
     ("projects.FundSource",)),
    ("benefit link add", "projects:link_add", lambda w: reverse("projects:link_add"), _link,
     ("projects.BenefitLink",)),
    ("consumption sale add", "projects:sale_add", lambda w: reverse("projects:sale_add"), _sale,
     ("projects.Sale",)),
    ("project api propose", "project-list", lambda w: "/api/projects/", _propose, ("projects.Project",)),
    ("fund source api add", "project-fund-list", lambda w: "/api/project-funds/", _source,
     ("projects.FundSource",)),
    ("benefit link api add", "benefit-link-list", lambda w: "/api/benefit-links/", _link,
     ("projects.BenefitLink",)),
    ("consumption sale api add", "consumption-sale-list", lambda w: "/api/consumption-sales/", _sale,
     ("projects.Sale",)),
]:
    register_write(name, route, url, payload=payload, creates=True, tables=tables,
                   control=name in ("project add", "benefit link api add"))


def _library_file(w: World) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    text = ("区划代码,项目名称,项目类别,计划资金\n"
            f"{_v(w)},越权导入项目,industry,1000\n")
    return {"kind": "library", "file": SimpleUploadedFile("越权.csv", text.encode("utf-8"))}


# The import runs as a job in the uploader's name; the job row is the uploader's own.
register_write("project import", "projects:import", lambda w: reverse("projects:import"),
               creates=True, payload=_library_file, tables=("projects.Project",),
               own_rows=("core.Job",))
