"""The cases app's URLs in the scope test matrix."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.accounts.actors import SYSTEM
from fupin.core.scope_matrix import World, register, register_builder


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
    return {"case": case, "case_attachment": attachment}


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
