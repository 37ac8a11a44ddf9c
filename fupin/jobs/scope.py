"""The jobs app's URLs (app label employment) in the scope test matrix: lists, details and
writes, pages and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from fupin.core.scope_matrix import World, register, register_builder, register_write


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
    from fupin.jobs.models import Claim, Cover
    yulu = services.add_yulu(actor=system, member=member, school=f"职校{no}", stage="secondary",
                             year=2021, subsidy="1500")
    cover = Cover.objects.create(policy=policy, household=household)
    claim = Claim.objects.create(cover=cover, cause=f"出险{no}", occurred_on=dt.date(2021, 6, 1),
                                 amount="500")
    return {"post": post, "hire": hire, "spell": spell, "workshop": shop, "workshop_job": job,
            "course": course, "insurance": policy, "yulu": yulu, "insurance_cover": cover,
            "insurance_claim": claim}


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

# Writes, aimed at the target village's posts, hires, workshops, courses, policies and people.
_v = lambda w: w["household"].area_id  # noqa: E731
_rid = lambda w: w["household"].members.all()[0].resident_id  # noqa: E731
_obj = lambda name, key: lambda w: reverse(f"employment:{name}", args=[w[key].pk])  # noqa: E731
for _name, _payload, _tables in (
        ("post_add", lambda w: {"area": _v(w), "name": "越权岗位", "kind": "cleaning",
                                "monthly_pay": "500", "funded_by": "x", "positions": 1,
                                "starts_on": "2021-01-01"}, ("employment.WelfarePost",)),
        ("spell_add", lambda w: {"resident_id": _rid(w), "place": "out", "employer": "越权厂",
                                 "started_on": "2021-05-01", "monthly_income": "3000"},
         ("employment.WorkSpell",)),
        ("workshop_add", lambda w: {"area": _v(w), "name": "越权车间", "kind": "workshop",
                                    "recognised_on": "2021-01-01"}, ("employment.Workshop",)),
        ("course_add", lambda w: {"area": _v(w), "name": "越权培训", "kind": "skills",
                                  "starts_on": "2021-01-01", "ends_on": "2021-01-05", "hours": 8},
         ("employment.Course",)),
        ("yulu_add", lambda w: {"resident_id": _rid(w), "school": "越权职校", "stage": "secondary",
                                "year": 2022, "subsidy": "1500"}, ("employment.YuluStudent",)),
        ("insurance_add", lambda w: {"area": _v(w), "name": "越权保险", "kind": "edge", "insurer": "x",
                                     "starts_on": "2021-01-01", "ends_on": "2021-12-31",
                                     "premium": "10"}, ("employment.InsurancePolicy",))):
    register_write(f"employment {_name}", f"employment:{_name}",
                   (lambda n: lambda w: reverse(f"employment:{n}"))(_name), creates=True,
                   payload=_payload, tables=_tables, control=_name == "workshop_add")
for _name, _key, _payload, _watch in (
        ("hire", "post", lambda w: {"resident_id": _rid(w), "hired_on": "2021-06-01"}, ("post",)),
        ("pay_month", "post", lambda w: {"month": "2021-06", "paid_on": "2021-06-30"}, ("post",)),
        ("hire_exit", "hire", lambda w: {"exited_on": "2021-07-01", "exit_reason": "越权"}, ("hire",)),
        ("hire_pay", "hire", lambda w: {"month": "2021-06", "amount": "500", "paid_on": "2021-06-30"},
         ("hire",)),
        ("spell_end", "spell", lambda w: {"ended_on": "2021-01-01", "end_reason": "越权"}, ("spell",)),
        ("employ", "workshop", lambda w: {"resident_id": _rid(w), "started_on": "2021-06-01",
                                          "monthly_wage": "2000"}, ("workshop",)),
        ("workshop_pay", "workshop", lambda w: {"month": "2021-06", "paid_on": "2021-06-30"},
         ("workshop",)),
        ("workshop_job_end", "workshop_job", lambda w: {"ended_on": "2021-07-01"}, ("workshop_job",)),
        ("enroll", "course", lambda w: {"resident_ids": _rid(w)}, ("course",)),
        ("yulu_pay", "yulu", lambda w: {"paid_on": "2022-01-05"}, ("yulu",)),
        ("insurance_enroll", "insurance", lambda w: {}, ("insurance",)),
        ("claim_add", "insurance", lambda w: {"household_no": w["household"].household_no,
                                              "cause": "越权", "amount": "100",
                                              "occurred_on": "2021-06-01"}, ("insurance",)),
        ("claim_pay", "insurance_claim", lambda w: {"paid_on": "2021-07-01"}, ("insurance_claim",))):
    register_write(f"employment {_name}", f"employment:{_name}", _obj(_name, _key), payload=_payload,
                   watch=_watch, control=_name == "yulu_pay")

register_write("jobs api spell add", "jobs-spell-list", lambda w: "/api/jobs-spells/", creates=True,
               payload=lambda w: {"resident_id": _rid(w), "member": w["household"].members.all()[0].pk,
                                  "place": "out", "employer": "越权厂", "started_on": "2021-05-01",
                                  "monthly_income": "3000"}, tables=("employment.WorkSpell",))
register_write("jobs api spell end", "jobs-spell-end", lambda w: f"/api/jobs-spells/{w['spell'].pk}/end/",
               payload=lambda w: {"ended_on": "2021-01-01"}, watch=("spell",))
register_write("jobs api post hire", "jobs-post-hire", lambda w: f"/api/jobs-posts/{w['post'].pk}/hire/",
               payload=lambda w: {"resident_id": _rid(w), "hired_on": "2021-06-01"}, watch=("post",))
register_write("jobs api hire exit", "jobs-hire-exit", lambda w: f"/api/jobs-hires/{w['hire'].pk}/exit/",
               payload=lambda w: {"exited_on": "2021-07-01", "exit_reason": "越权"}, watch=("hire",))
register_write("jobs api hire pay", "jobs-hire-pay", lambda w: f"/api/jobs-hires/{w['hire'].pk}/pay/",
               payload=lambda w: {"month": "2021-06", "amount": "500", "paid_on": "2021-06-30"},
               watch=("hire",))
