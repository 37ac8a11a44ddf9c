"""The jobs app's URLs (app label employment) in the scope test matrix: lists and details,
pages and API. Write URLs look objects up the same scoped way (404 outside the scope),
checked in fupin/jobs/tests/test_jobs.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder


def _build(world: World) -> dict[str, Any]:
    from fupin.accounts.actors import SystemActor
    from fupin.jobs import services

    household = world["household"]
    member = household.members.all()[0]
    system = SystemActor("scope matrix")
    no = household.household_no
    post = services.create_post(actor=system, area_code=household.area_id, name=f"保洁{no}",
                                kind="cleaning", monthly_pay="500", funded_by="衔接资金",
                                starts_on=dt.date(2021, 1, 1))
    hire = services.hire(actor=system, post=post, member=member, hired_on=dt.date(2021, 2, 1))
    spell = services.add_spell(actor=system, member=member, place="out", employer=f"厂{no}",
                               started_on=dt.date(2019, 1, 1), ended_on=dt.date(2020, 12, 31),
                               monthly_income="3000")
    shop = services.create_workshop(actor=system, area_code=household.area_id,
                                    name=f"车间{no}", kind="workshop", operator="",
                                    recognised_on=dt.date(2019, 1, 1))
    job = services.employ(actor=system, workshop=shop, member=member,
                          started_on=dt.date(2021, 3, 1), monthly_wage="2000")
    course = services.create_course(actor=system, area_code=household.area_id,
                                    name=f"培训{no}", kind="skills", starts_on=dt.date(2021, 3, 1),
                                    ends_on=dt.date(2021, 3, 10))
    services.enroll(actor=system, course=course, members=[member])
    policy = services.create_policy(actor=system, area_code=household.area_id,
                                    name=f"防贫保{no}", kind="edge", insurer="人保",
                                    starts_on=dt.date(2021, 1, 1), ends_on=dt.date(2021, 12, 31),
                                    premium="100")
    return {"post": post, "hire": hire, "spell": spell, "workshop": shop, "workshop_job": job,
            "course": course, "insurance": policy}


register_builder("employment", _build)
_no = "household_no"
register("post list", "list", lambda w: reverse("employment:post_list"),
         lambda w: f"保洁{w['household'].household_no}")
register("post detail", "detail", lambda w: w["post"].get_absolute_url())
register("post hire form", "detail", lambda w: reverse("employment:hire", args=[w["post"].pk]))
register("post pay-month form", "detail",
         lambda w: reverse("employment:pay_month", args=[w["post"].pk]))
register("hire exit form", "detail",
         lambda w: reverse("employment:hire_exit", args=[w["hire"].pk]))
register("hire pay form", "detail", lambda w: reverse("employment:hire_pay", args=[w["hire"].pk]))
register("spell list", "list", lambda w: reverse("employment:spell_list"),
         lambda w: w["household"].household_no)
register("spell detail", "detail", lambda w: w["spell"].get_absolute_url())
register("workshop list", "list", lambda w: reverse("employment:workshop_list"),
         lambda w: f"车间{w['household'].household_no}")
register("workshop detail", "detail", lambda w: w["workshop"].get_absolute_url())
register("workshop employ form", "detail",
         lambda w: reverse("employment:employ", args=[w["workshop"].pk]))
register("workshop pay form", "detail",
         lambda w: reverse("employment:workshop_pay", args=[w["workshop"].pk]))
register("workshop job end form", "detail",
         lambda w: reverse("employment:workshop_job_end", args=[w["workshop_job"].pk]))
register("course list", "list", lambda w: reverse("employment:course_list"),
         lambda w: f"培训{w['household'].household_no}")
register("course detail", "detail", lambda w: w["course"].get_absolute_url())
register("course enroll form", "detail",
         lambda w: reverse("employment:enroll", args=[w["course"].pk]))
register("insurance list", "list", lambda w: reverse("employment:insurance_list"),
         lambda w: f"防贫保{w['household'].household_no}")
register("insurance detail", "detail", lambda w: w["insurance"].get_absolute_url())
register("insurance claim form", "detail",
         lambda w: reverse("employment:claim_add", args=[w["insurance"].pk]))
register("jobs api spells", "api_list", lambda w: "/api/jobs-spells/",
         lambda w: w["household"].household_no)
register("jobs api spell", "api_detail", lambda w: f"/api/jobs-spells/{w['spell'].pk}/")
register("jobs api posts", "api_list", lambda w: "/api/jobs-posts/",
         lambda w: f"保洁{w['household'].household_no}")
register("jobs api post", "api_detail", lambda w: f"/api/jobs-posts/{w['post'].pk}/")
register("jobs api hires", "api_list", lambda w: "/api/jobs-hires/",
         lambda w: w["household"].household_no)
register("jobs api hire", "api_detail", lambda w: f"/api/jobs-hires/{w['hire'].pk}/")
register("jobs api workshops", "api_list", lambda w: "/api/jobs-workshops/",
         lambda w: f"车间{w['household'].household_no}")
register("jobs api workshop jobs", "api_list", lambda w: "/api/jobs-workshop-jobs/",
         lambda w: w["household"].household_no)
register("jobs api trainees", "api_list", lambda w: "/api/jobs-trainees/",
         lambda w: w["household"].household_no)
register("jobs api insurance", "api_list", lambda w: "/api/jobs-insurance/",
         lambda w: f"防贫保{w['household'].household_no}")
