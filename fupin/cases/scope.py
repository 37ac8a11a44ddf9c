"""The cases app's URLs in the scope test matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import World, register, register_builder, register_write


def _build(world: World) -> dict[str, Any]:
    from fupin.cases import services
    from fupin.cases.choices import Action
    from fupin.cases.deadlines import escalate
    from fupin.core.testing import make_user

    household = world["household"]
    cadre = make_user("village_cadre", household.area_id)
    long_ago = dt.datetime(2025, 1, 6, 10, tzinfo=dt.UTC)
    case = services.open_identification(actor=cadre, household=household, channel="cadre",
                                         lead=f"线索 {household.household_no}", now=long_ago)
    services.act(actor=cadre, case=case, step="village_review", action=Action.SUBMIT,
                 version=case.version, now=long_ago)
    escalate()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fupin.cases.attachments import store
    attachment = store(case=case, step=None, step_code=case.step, actor=cadre, max_mb=10,
                       upload=SimpleUploadedFile("核查表.pdf", b"%PDF-1.4 scope matrix"))
    from fupin.cases.leads import raise_lead
    raise_lead(actor=SYSTEM, household=household, channel="self_report",
               description=f"自主申报 {household.household_no}")
    from fupin.cases.models import Objection
    objection = Objection.objects.create(case=case, step_code=case.step, raised_on=long_ago.date(),
                                         content=f"异议 {household.household_no}")
    return {"case": case, "case_attachment": attachment, "case_objection": objection}


register_builder("cases", _build)
register("case list", "list", lambda w: reverse("cases:case_list"),
         lambda w: w["household"].household_no)
register("case overdue inbox", "list", lambda w: reverse("cases:overdue") + "?level=village",
         lambda w: w["household"].household_no)
register("lead list", "list", lambda w: reverse("cases:lead_list"),
         lambda w: w["household"].household_no)
register("case detail", "detail", lambda w: reverse("cases:case_detail", args=[w["case"].pk]))
register("case notice", "detail", lambda w: reverse("cases:notice", args=[w["household"].area_id]))
register("case api list", "api_list", lambda w: "/api/cases/",
         lambda w: w["household"].household_no)
register("case api detail", "api_detail", lambda w: f"/api/cases/{w['case'].pk}/")
register("case step api list", "api_list", lambda w: "/api/case-steps/",
         lambda w: w["household"].household_no)
register("case step api detail", "api_detail",
         lambda w: f"/api/case-steps/{w['case'].steps.first().pk}/")
register("case attachment", "detail", lambda w: w["case_attachment"].get_absolute_url())

# Writes, aimed at the target village's case, objection and households.
_case_url = lambda name: lambda w: reverse(f"cases:{name}", args=[w["case"].pk])  # noqa: E731
_other_hh = lambda w: w["overdue_household"]  # noqa: E731  (no open case yet)
register_write("case add", "cases:case_add", lambda w: reverse("cases:case_add"), creates=True,
               payload=lambda w: {"household": _other_hh(w).household_no, "channel": "cadre",
                                  "lead": "越权立案"}, tables=("cases.Case",))
register_write("elimination add", "cases:elimination_add", lambda w: reverse("cases:elimination_add"),
               creates=True, payload=lambda w: {"household": _other_hh(w).household_no,
                                                "mode": "natural", "lead": "越权"},
               tables=("cases.Case",))
register_write("case settings", "cases:settings",
               lambda w: reverse("cases:settings") + f"?county={w['household'].area_id[:6]}",
               payload=lambda w: {"village_review_days": 3})
register_write("case act", "cases:case_act", _case_url("case_act"),
               payload=lambda w: {"step": w["case"].step, "version": w["case"].version,
                                  "action": "submit", "comment": "越权"}, watch=("case",))
register_write("case objection add", "cases:objection_add", _case_url("objection_add"),
               payload=lambda w: {"raised_on": "2026-01-02", "content": "越权异议"},
               tables=("cases.Objection",))
register_write("case rollback", "cases:case_rollback", _case_url("case_rollback"),
               payload=lambda w: {"reason": "越权回退"}, watch=("case",))
register_write("case override", "cases:case_override", _case_url("case_override"),
               payload=lambda w: {"reason": "越权", "version": w["case"].version}, watch=("case",))
register_write("case objection answer", "cases:objection_answer",
               lambda w: reverse("cases:objection_answer", args=[w["case_objection"].pk]),
               payload=lambda w: {"answer": "越权答复", "upheld": "0"}, watch=("case_objection",))
register_write("case api open", "case-list", lambda w: "/api/cases/", creates=True,
               payload=lambda w: {"household": _other_hh(w).pk, "channel": "cadre", "lead": "越权"},
               tables=("cases.Case",), control=True)
register_write("case api act", "case-act", lambda w: f"/api/cases/{w['case'].pk}/act/",
               payload=lambda w: {"step": w["case"].step, "version": w["case"].version,
                                  "action": "submit", "comment": "越权"}, watch=("case",))
