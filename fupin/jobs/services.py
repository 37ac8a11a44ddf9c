"""Jobs business actions: the only code that writes posts, hires, pay, workshops, spells,
training, 雨露计划 and insurance. Money paid to a household goes to its income of the year
through `fupin.registry.income_flows.record_flows` only (idempotent by source and ref)."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fupin.accounts.actors import Actor, history_user
from fupin.core.scope import area_in_scope, can_write_area
from fupin.credit.leads import Lead, raise_monitoring_leads
from fupin.credit.services import money, month_start
from fupin.registry.choices import HouseholdType, MemberStatus
from fupin.registry.income_flows import Flow, record_flows
from fupin.registry.models import Household, Member

from .models import (
    Claim,
    Course,
    Cover,
    InsuranceKind,
    InsurancePolicy,
    Place,
    PostHire,
    PostPay,
    Trainee,
    WelfarePost,
    Workshop,
    WorkshopJob,
    WorkSpell,
    YuluStudent,
)


def today() -> dt.date:
    return timezone.localdate()


def month_end(first: dt.date) -> dt.date:
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _require(actor: Actor, area_code: str, what: str = "该户") -> None:
    if not can_write_area(actor, area_code):
        if area_in_scope(actor, area_code):
            raise PermissionDenied("您的角色只能查看，不能录入就业帮扶数据")
        raise ValidationError({"household": [f"{what}（区划 {area_code}）不在您的管辖范围内"]})


def _stamp(obj: Any, actor: Actor) -> Any:
    obj._history_user = history_user(actor)
    obj.save()
    return obj


def _member(member: Member | None) -> Member:
    if member is None:
        raise ValidationError({"member": ["请选择家庭成员"]})
    if member.status != MemberStatus.ACTIVE:
        raise ValidationError({"member": [f"{member.name} 不是在册成员"]})
    return member


def _not_future(day: dt.date | None, name: str, label: str) -> None:
    if day is not None and day > today():
        raise ValidationError({name: [f"{label} {day:%Y-%m-%d} 晚于今天"]})


def _area(code: str) -> Any:
    from fupin.areas.models import Area

    area = Area.objects.filter(code=str(code).strip()).first()
    if area is None:
        raise ValidationError({"area": [f"区划“{code}”不存在"]})
    return area


# -- job loss ------------------------------------------------------------------------------


def still_working(member_ids: Sequence[int], after: dt.date) -> set[int]:
    """Members who have work on or after `after`: an open or later spell, post or workshop."""
    alive = Q(ended_on__isnull=True) | Q(ended_on__gt=after)
    out = set(WorkSpell.objects.filter(alive, member_id__in=member_ids)
              .values_list("member_id", flat=True))
    out |= set(PostHire.objects.filter(Q(exited_on__isnull=True) | Q(exited_on__gt=after),
                                       member_id__in=member_ids).values_list("member_id", flat=True))
    out |= set(WorkshopJob.objects.filter(alive, member_id__in=member_ids)
               .values_list("member_id", flat=True))
    return out


def job_loss_leads(*, actor: Actor, ended: Sequence[tuple[Member, dt.date, str]]) -> int:
    """A job ended with no new work: a monitoring lead (务工就业中断) for the household."""
    working = still_working([m.pk for m, _d, _w in ended], min((d for _m, d, _w in ended),
                                                               default=today()))
    leads = [Lead(household_no=m.household.household_no, kind="job_loss", day=min(d, today()),
                  amount=Decimal(0), note=f"{m.name} {what}于 {d:%Y-%m-%d} 结束，没有新的就业")
             for m, d, what in ended if m.pk not in working]
    if not leads:
        return 0
    return int(raise_monitoring_leads(actor=actor, leads=leads, source="就业中断")["accepted"])


# -- public-welfare posts -------------------------------------------------------------------


@transaction.atomic
def create_post(*, actor: Actor, area_code: str, name: str, kind: str, monthly_pay: Any,
                funded_by: str, starts_on: dt.date, positions: int = 1, temporary: bool = False,
                ends_on: dt.date | None = None) -> WelfarePost:
    area = _area(area_code)
    _require(actor, area.code, "该村")
    errors: dict[str, list[str]] = {}
    pay = money(monthly_pay, "monthly_pay", errors, "月工资")
    if not str(name or "").strip():
        errors.setdefault("name", []).append("请填写岗位名称")
    if not str(funded_by or "").strip():
        errors.setdefault("funded_by", []).append("请填写资金来源")
    if not 1 <= int(positions) <= 1000:
        errors.setdefault("positions", []).append("岗位数应在 1–1000 之间")
    if ends_on and ends_on < starts_on:
        errors.setdefault("ends_on", []).append("撤销日期早于开设日期")
    if temporary and not ends_on:
        errors.setdefault("ends_on", []).append("临时性岗位须填写撤销日期")
    if errors:
        raise ValidationError(errors)
    return _stamp(WelfarePost(area=area, name=str(name).strip()[:100], kind=kind, monthly_pay=pay,
                              funded_by=str(funded_by).strip()[:100], positions=positions,
                              temporary=temporary, starts_on=starts_on, ends_on=ends_on), actor)


@transaction.atomic
def hire(*, actor: Actor, post: WelfarePost, member: Member | None,
         hired_on: dt.date) -> PostHire:
    _require(actor, post.area_id, "该岗位")
    member = _member(member)
    _require(actor, member.household.area_id)
    _not_future(hired_on, "hired_on", "上岗日期")
    if hired_on < post.starts_on or (post.ends_on and hired_on > post.ends_on):
        raise ValidationError({"hired_on": [f"上岗日期 {hired_on:%Y-%m-%d} 不在岗位开设期内"
                                            f"（{post.starts_on:%Y-%m-%d}–{post.ends_on or '今'}）"]})
    open_hires = PostHire.objects.filter(post=post, exited_on__isnull=True).count()
    if open_hires >= post.positions:
        raise ValidationError({"post": [f"岗位 {post.name} 共 {post.positions} 个，已满员"]})
    if PostHire.objects.filter(member=member).filter(
            Q(exited_on__isnull=True) | Q(exited_on__gte=hired_on)).exists():
        raise ValidationError({"member": [f"{member.name} 已在公益性岗位上岗（同一时间只能一个岗位）"]})
    return _stamp(PostHire(post=post, member=member, household=member.household,
                           hired_on=hired_on), actor)


@transaction.atomic
def exit_post(*, actor: Actor, hire_row: PostHire, on: dt.date, reason: str) -> PostHire:
    _require(actor, hire_row.post.area_id, "该岗位")
    if hire_row.exited_on:
        raise ValidationError({"__all__": [f"已于 {hire_row.exited_on} 离岗"]})
    _not_future(on, "exited_on", "离岗日期")
    if on < hire_row.hired_on:
        raise ValidationError({"exited_on": [f"离岗日期 {on:%Y-%m-%d} 早于上岗日期 {hire_row.hired_on:%Y-%m-%d}"]})
    if PostPay.objects.filter(hire=hire_row, month__gt=on).exists():
        raise ValidationError({"exited_on": ["离岗日期之后已有工资发放记录"]})
    if not str(reason or "").strip():
        raise ValidationError({"exit_reason": ["请填写离岗原因"]})
    hire_row.exited_on, hire_row.exit_reason = on, str(reason).strip()[:200]
    _stamp(hire_row, actor)
    job_loss_leads(actor=actor, ended=[(hire_row.member, on, f"公益性岗位“{hire_row.post.name}”")])
    return hire_row


@transaction.atomic
def pay_posts(*, actor: Actor, area_code: str, month: Any,
              paid_on: dt.date | None = None) -> dict[str, Any]:
    """Each month's pay of every post holder of the area at the post's monthly pay (pro rata
    for a partial month), recorded once, and added to the households' wage incomes."""
    first = month_start(month)
    last = month_end(first)
    if first > today():
        raise ValidationError({"month": [f"{first:%Y-%m} 尚未到来"]})
    area = _area(area_code)
    _require(actor, area.code, "该区划")
    day = paid_on or min(today(), last)
    hires = list(PostHire.objects.visible_to(actor).filter(
        post__area__code__startswith=area.code, hired_on__lte=last)
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=first))
        .exclude(pays__month=first).select_related("post"))
    days = (last - first).days + 1
    pays = []
    for h in hires:
        start, end = max(h.hired_on, first), min(h.exited_on or last, last)
        share = Decimal((end - start).days + 1) / days
        pays.append(PostPay(hire=h, month=first, paid_on=day,
                            amount=(h.post.monthly_pay * share).quantize(Decimal("0.01"))))
    return _record_pays(actor, pays)


def _record_pays(actor: Actor, pays: list[PostPay]) -> dict[str, Any]:
    from simple_history.utils import bulk_create_with_history

    created = bulk_create_with_history(pays, PostPay, batch_size=2000,
                                       default_user=history_user(actor))
    saved = list(PostPay.objects.filter(hire__in=[p.hire for p in pays],
                                        month__in={p.month for p in pays})
                 .select_related("hire"))
    flows = [Flow(household_id=p.hire.household_id, year=p.month.year, component="wage_income",
                  amount=p.amount, occurred_on=p.paid_on, source="jobs.post_pay",
                  ref=f"postpay:{p.pk}", note=f"公益性岗位工资 {p.month:%Y-%m}") for p in saved]
    result = record_flows(actor=actor, flows=flows) if flows else None
    return {"pays": len(created), "total": str(sum((p.amount for p in pays), Decimal(0))),
            "flows": result.recorded if result else 0}


@transaction.atomic
def record_pay(*, actor: Actor, hire_row: PostHire, month: Any, amount: Any,
               paid_on: dt.date) -> PostPay:
    """One month's pay of one post holder (refused before hiring and after exit)."""
    _require(actor, hire_row.post.area_id, "该岗位")
    first = month_start(month)
    errors: dict[str, list[str]] = {}
    value = money(amount, "amount", errors, "工资")
    if first < hire_row.hired_on.replace(day=1):
        errors.setdefault("month", []).append(
            f"{first:%Y-%m} 早于上岗日期 {hire_row.hired_on:%Y-%m-%d}，不能发放工资")
    if hire_row.exited_on and first > hire_row.exited_on:
        errors.setdefault("month", []).append(
            f"{first:%Y-%m} 晚于离岗日期 {hire_row.exited_on:%Y-%m-%d}，不能发放工资")
    if first > today() or paid_on > today():
        errors.setdefault("paid_on", []).append("月份或发放日期晚于今天")
    if PostPay.objects.filter(hire=hire_row, month=first).exists():
        errors.setdefault("month", []).append(f"{first:%Y-%m} 的工资已发放")
    if errors:
        raise ValidationError(errors)
    _record_pays(actor, [PostPay(hire=hire_row, month=first, amount=value, paid_on=paid_on)])
    pay: PostPay = PostPay.objects.get(hire=hire_row, month=first)
    return pay


# -- workshops -------------------------------------------------------------------------------


@transaction.atomic
def create_workshop(*, actor: Actor, area_code: str, name: str, kind: str, operator: str,
                    recognised_on: dt.date) -> Workshop:
    area = _area(area_code)
    _require(actor, area.code, "该区划")
    if not str(name or "").strip():
        raise ValidationError({"name": ["请填写名称"]})
    _not_future(recognised_on, "recognised_on", "认定日期")
    return _stamp(Workshop(area=area, name=str(name).strip()[:120], kind=kind,
                           operator=str(operator)[:120], recognised_on=recognised_on), actor)


@transaction.atomic
def employ(*, actor: Actor, workshop: Workshop, member: Member | None, started_on: dt.date,
           monthly_wage: Any) -> WorkshopJob:
    _require(actor, workshop.area_id, "该车间")
    member = _member(member)
    errors: dict[str, list[str]] = {}
    wage = money(monthly_wage, "monthly_wage", errors, "月工资")
    if started_on < workshop.recognised_on:
        errors.setdefault("started_on", []).append(
            f"入职日期 {started_on:%Y-%m-%d} 早于车间认定日期 {workshop.recognised_on:%Y-%m-%d}")
    if started_on > today():
        errors.setdefault("started_on", []).append("入职日期晚于今天")
    if WorkshopJob.objects.filter(workshop=workshop, member=member, ended_on__isnull=True).exists():
        errors.setdefault("member", []).append(f"{member.name} 已在本车间就业")
    if errors:
        raise ValidationError(errors)
    return _stamp(WorkshopJob(workshop=workshop, member=member, household=member.household,
                              started_on=started_on, monthly_wage=wage), actor)


@transaction.atomic
def end_workshop_job(*, actor: Actor, job: WorkshopJob, on: dt.date) -> WorkshopJob:
    _require(actor, job.workshop.area_id, "该车间")
    if job.ended_on:
        raise ValidationError({"__all__": ["已离职"]})
    if on < job.started_on or on > today():
        raise ValidationError({"ended_on": [f"离职日期 {on:%Y-%m-%d} 应在入职日期与今天之间"]})
    job.ended_on = on
    _stamp(job, actor)
    job_loss_leads(actor=actor, ended=[(job.member, on, f"车间“{job.workshop.name}”就业")])
    return job


@transaction.atomic
def pay_workshop_month(*, actor: Actor, workshop: Workshop, month: Any) -> dict[str, Any]:
    """The month's wages of everyone the workshop employed that month, into incomes."""
    _require(actor, workshop.area_id, "该车间")
    first = month_start(month)
    last = month_end(first)
    if first > today():
        raise ValidationError({"month": [f"{first:%Y-%m} 尚未到来"]})
    jobs = WorkshopJob.objects.filter(workshop=workshop, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    flows = [Flow(household_id=j.household_id, year=first.year, component="wage_income",
                  amount=j.monthly_wage, occurred_on=min(last, today()),
                  source="jobs.workshop_wage", ref=f"wsjob:{j.pk}:{first:%Y%m}",
                  note=f"{workshop.name} 工资 {first:%Y-%m}") for j in jobs]
    result = record_flows(actor=actor, flows=flows) if flows else None
    return {"employees": len(flows), "flows": result.recorded if result else 0}


# -- migrant work spells ---------------------------------------------------------------------


@transaction.atomic
def add_spell(*, actor: Actor, member: Member | None, place: str, employer: str,
              started_on: dt.date, monthly_income: Any, ended_on: dt.date | None = None,
              destination: str = "", organised: bool = False, partner: str = "") -> WorkSpell:
    member = _member(member)
    household = member.household
    _require(actor, household.area_id)
    errors: dict[str, list[str]] = {}
    income = money(monthly_income, "monthly_income", errors, "月收入", positive=False)
    if place not in Place.values:
        errors.setdefault("place", []).append(f"务工地域“{place}”无效，应为县内、县外省内或省外")
    if not str(employer or "").strip():
        errors.setdefault("employer", []).append("请填写用工单位")
    if started_on > today():
        errors.setdefault("started_on", []).append("开始日期晚于今天")
    if ended_on and ended_on < started_on:
        errors.setdefault("ended_on", []).append("结束日期早于开始日期")
    if ended_on and ended_on > today():
        errors.setdefault("ended_on", []).append("结束日期晚于今天")
    end = ended_on or dt.date(9999, 12, 31)
    clash = WorkSpell.objects.filter(member=member, started_on__lte=end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=started_on)).first()
    if clash:
        errors.setdefault("started_on", []).append(
            f"与已有务工记录重叠：{clash.employer} {clash.started_on:%Y-%m-%d}–"
            f"{clash.ended_on or '至今'}")
    if errors:
        raise ValidationError(errors)
    spell = _stamp(WorkSpell(area_id=household.area_id, member=member, household=household,
                             place=place, destination=str(destination)[:100],
                             employer=str(employer).strip()[:120], started_on=started_on,
                             ended_on=ended_on, monthly_income=income, organised=organised,
                             partner=str(partner)[:60]), actor)
    if ended_on:
        record_spell_incomes(actor=actor, spells=[spell])
    return spell


def months_in_year(start: dt.date, end: dt.date, year: int) -> int:
    """Whole or part months of [start, end] falling in `year` (a started month counts)."""
    a, b = max(start, dt.date(year, 1, 1)), min(end, dt.date(year, 12, 31))
    if b < a:
        return 0
    return (b.year - a.year) * 12 + b.month - a.month + 1


def record_spell_incomes(*, actor: Actor, spells: Sequence[WorkSpell],
                         through: dt.date | None = None) -> int:
    """Wages of spells into the wage income of each year they cover (ended years only for
    open spells), once per spell and year."""
    flows = []
    limit = through or today()
    for s in spells:
        end = s.ended_on or dt.date(limit.year - 1, 12, 31)
        for year in range(s.started_on.year, end.year + 1):
            n = months_in_year(s.started_on, end, year)
            if n and s.monthly_income:
                flows.append(Flow(household_id=s.household_id, year=year,
                                  component="wage_income", amount=s.monthly_income * n,
                                  occurred_on=min(end, dt.date(year, 12, 31)),
                                  source="jobs.spell", ref=f"spell:{s.pk}:{year}",
                                  note=f"务工收入 {s.employer} {n} 个月"))
    return record_flows(actor=actor, flows=flows).recorded if flows else 0


@transaction.atomic
def end_spell(*, actor: Actor, spell: WorkSpell, on: dt.date, reason: str) -> WorkSpell:
    _require(actor, spell.area_id)
    if spell.ended_on:
        raise ValidationError({"__all__": [f"该务工记录已于 {spell.ended_on} 结束"]})
    if on < spell.started_on or on > today():
        raise ValidationError({"ended_on": [f"结束日期 {on:%Y-%m-%d} 应在开始日期 "
                                            f"{spell.started_on:%Y-%m-%d} 与今天之间"]})
    spell.ended_on, spell.end_reason = on, str(reason or "")[:200]
    _stamp(spell, actor)
    record_spell_incomes(actor=actor, spells=[spell])
    job_loss_leads(actor=actor, ended=[(spell.member, on, f"在“{spell.employer}”务工")])
    return spell


# -- training and 雨露计划 -------------------------------------------------------------------


@transaction.atomic
def create_course(*, actor: Actor, area_code: str, name: str, kind: str, starts_on: dt.date,
                  ends_on: dt.date, provider: str = "", hours: int = 0) -> Course:
    area = _area(area_code)
    _require(actor, area.code, "该区划")
    if not str(name or "").strip():
        raise ValidationError({"name": ["请填写培训名称"]})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": ["结业日期早于开班日期"]})
    return _stamp(Course(area=area, name=str(name).strip()[:120], kind=kind, starts_on=starts_on,
                         ends_on=ends_on, provider=str(provider)[:120], hours=hours), actor)


@transaction.atomic
def enroll(*, actor: Actor, course: Course, members: Sequence[Member]) -> int:
    errors = []
    for m in members:
        if not can_write_area(actor, m.household.area_id):
            errors.append(f"{m.name}（{m.household.area_id}）不在您的管辖范围内")
        if m.status != MemberStatus.ACTIVE:
            errors.append(f"{m.name} 不是在册成员")
    taken = set(Trainee.objects.filter(course=course, member__in=members)
                .values_list("member_id", flat=True))
    errors += [f"{m.name} 已在本培训班" for m in members if m.pk in taken]
    if errors:
        raise ValidationError({"members": errors[:20]})
    from simple_history.utils import bulk_create_with_history

    rows = [Trainee(course=course, member=m, household=m.household) for m in members]
    return len(bulk_create_with_history(rows, Trainee, default_user=history_user(actor)))


@transaction.atomic
def add_yulu(*, actor: Actor, member: Member | None, school: str, stage: str, year: int,
             subsidy: Any) -> YuluStudent:
    member = _member(member)
    household = member.household
    _require(actor, household.area_id)
    errors: dict[str, list[str]] = {}
    value = money(subsidy, "subsidy", errors, "补助金额")
    if household.household_type not in (HouseholdType.POOR, HouseholdType.LIFTED) \
            and not household.monitoring_type:
        errors.setdefault("member", []).append(
            f"户 {household.household_no} 不是建档立卡户或监测对象，不能享受雨露计划")
    if not 2014 <= int(year) <= today().year:
        errors.setdefault("year", []).append(f"年度 {year} 应在 2014–{today().year} 之间")
    if not str(school or "").strip():
        errors.setdefault("school", []).append("请填写学校")
    if YuluStudent.objects.filter(member=member, year=year).exists():
        errors.setdefault("year", []).append(f"{member.name} {year} 年已登记雨露计划")
    if errors:
        raise ValidationError(errors)
    return _stamp(YuluStudent(area_id=household.area_id, member=member, household=household,
                              school=str(school).strip()[:120], stage=stage, year=year,
                              subsidy=value), actor)


@transaction.atomic
def pay_yulu(*, actor: Actor, student: YuluStudent, paid_on: dt.date) -> YuluStudent:
    _require(actor, student.area_id)
    if student.paid_on:
        raise ValidationError({"__all__": [f"已于 {student.paid_on} 发放"]})
    _not_future(paid_on, "paid_on", "发放日期")
    student.paid_on = paid_on
    _stamp(student, actor)
    record_flows(actor=actor, flows=[Flow(
        household_id=student.household_id, year=paid_on.year, component="transfer_income",
        amount=student.subsidy, occurred_on=paid_on, source="jobs.yulu",
        ref=f"yulu:{student.pk}", note=f"雨露计划补助 {student.year}")])
    return student


# -- anti-poverty insurance ------------------------------------------------------------------


@transaction.atomic
def create_policy(*, actor: Actor, area_code: str, name: str, kind: str, insurer: str,
                  starts_on: dt.date, ends_on: dt.date, premium: Any) -> InsurancePolicy:
    area = _area(area_code)
    _require(actor, area.code, "该区划")
    errors: dict[str, list[str]] = {}
    value = money(premium, "premium", errors, "保费", positive=False)
    if kind not in InsuranceKind.values:
        errors.setdefault("kind", []).append("类别应为防贫保或返贫保")
    if ends_on <= starts_on:
        errors.setdefault("ends_on", []).append("保险止期应晚于起期")
    if not str(name or "").strip():
        errors.setdefault("name", []).append("请填写保险名称")
    if errors:
        raise ValidationError(errors)
    return _stamp(InsurancePolicy(area=area, name=str(name).strip()[:120], kind=kind,
                                  insurer=str(insurer)[:120], starts_on=starts_on,
                                  ends_on=ends_on, premium=value), actor)


@transaction.atomic
def enroll_covered(*, actor: Actor, policy: InsurancePolicy) -> int:
    """Cover every household of the policy's area it is for (set-based): 防贫保 the edge and
    other monitored ordinary households, 返贫保 the lifted households."""
    _require(actor, policy.area_id, "该区划")
    households = Household.objects.filter(area__code__startswith=policy.area_id)
    if policy.kind == InsuranceKind.EDGE:
        households = households.filter(household_type=HouseholdType.ORDINARY).exclude(
            monitoring_type="")
    else:
        households = households.filter(household_type=HouseholdType.LIFTED)
    households = households.exclude(insurance_covers__policy=policy)
    ids = list(households.values_list("pk", flat=True))
    Cover.objects.bulk_create([Cover(policy=policy, household_id=i) for i in ids],
                              batch_size=5000)
    return len(ids)


@transaction.atomic
def add_claim(*, actor: Actor, cover: Cover, cause: str, amount: Any,
              occurred_on: dt.date) -> Claim:
    _require(actor, cover.household.area_id)
    errors: dict[str, list[str]] = {}
    value = money(amount, "amount", errors, "理赔金额")
    policy = cover.policy
    if not policy.starts_on <= occurred_on <= policy.ends_on:
        errors.setdefault("occurred_on", []).append(
            f"出险日期 {occurred_on:%Y-%m-%d} 不在保险期 {policy.starts_on:%Y-%m-%d}–"
            f"{policy.ends_on:%Y-%m-%d} 内")
    if occurred_on > today():
        errors.setdefault("occurred_on", []).append("出险日期晚于今天")
    if not str(cause or "").strip():
        errors.setdefault("cause", []).append("请填写出险原因")
    if errors:
        raise ValidationError(errors)
    return _stamp(Claim(cover=cover, cause=str(cause).strip()[:200], amount=value,
                        occurred_on=occurred_on), actor)


@transaction.atomic
def pay_claim(*, actor: Actor, claim: Claim, paid_on: dt.date) -> Claim:
    _require(actor, claim.cover.household.area_id)
    if claim.paid_on:
        raise ValidationError({"__all__": [f"已于 {claim.paid_on} 赔付"]})
    if paid_on < claim.occurred_on or paid_on > today():
        raise ValidationError({"paid_on": [f"赔付日期 {paid_on:%Y-%m-%d} 应在出险日期与今天之间"]})
    claim.paid_on = paid_on
    _stamp(claim, actor)
    record_flows(actor=actor, flows=[Flow(
        household_id=claim.cover.household_id, year=paid_on.year, component="transfer_income",
        amount=claim.amount, occurred_on=paid_on, source="jobs.claim", ref=f"claim:{claim.pk}",
        note=f"{claim.cover.policy.name} 理赔：{claim.cause}"[:200])])
    return claim


# -- summary ---------------------------------------------------------------------------------


def summary(area_code: str, year: int, *, user: Any = None) -> dict[str, Any]:
    """The area's job figures of `year`: people counted once each, whatever their records."""
    code = str(area_code).strip()
    if user is not None and not area_in_scope(user, code):
        raise PermissionDenied(f"区划 {code} 不在您的管辖范围内")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    live = Q(started_on__lte=end) & (Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    spells = WorkSpell.objects.filter(live, area__code__startswith=code).aggregate(
        transferred=Count("member", distinct=True),
        out=Count("member", distinct=True, filter=Q(place__in=[Place.PROVINCE, Place.OUT])),
        out_province=Count("member", distinct=True, filter=Q(place=Place.OUT)),
        organised=Count("member", distinct=True, filter=Q(organised=True)),
        cooperation=Count("member", distinct=True, filter=~Q(partner="")))
    posts_q = Q(area__code__startswith=code, starts_on__lte=end) & (
        Q(ends_on__isnull=True) | Q(ends_on__gte=start))
    posts = WelfarePost.objects.filter(posts_q).aggregate(
        n=Sum("positions"), temp=Sum("positions", filter=Q(temporary=True)))
    hires = PostHire.objects.filter(post__area__code__startswith=code, hired_on__lte=end).filter(
        Q(exited_on__isnull=True) | Q(exited_on__gte=start))
    pay = PostPay.objects.filter(hire__post__area__code__startswith=code, month__year=year).aggregate(
        s=Sum("amount"))["s"] or Decimal(0)
    shops = Workshop.objects.filter(area__code__startswith=code, recognised_on__lte=end).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=start))
    shop_people = WorkshopJob.objects.filter(live, workshop__in=shops).aggregate(
        n=Count("member", distinct=True))["n"]
    trained = Trainee.objects.filter(course__area__code__startswith=code[:6],
                                     household__area__code__startswith=code,
                                     course__starts_on__year=year).aggregate(
        n=Count("member", distinct=True))["n"]
    yulu = YuluStudent.objects.filter(area__code__startswith=code, year=year).aggregate(
        n=Count("id"), s=Sum("subsidy", filter=Q(paid_on__isnull=False)))
    claims = Claim.objects.filter(cover__household__area__code__startswith=code,
                                  paid_on__year=year).aggregate(n=Count("id"), s=Sum("amount"))
    insured = Cover.objects.filter(household__area__code__startswith=code,
                                   policy__starts_on__lte=end, policy__ends_on__gte=start
                                   ).aggregate(n=Count("household", distinct=True))["n"]
    return {
        "area": code, "year": year,
        "transferred_people": spells["transferred"], "out_of_county_people": spells["out"],
        "out_of_province_people": spells["out_province"],
        "organised_people": spells["organised"], "cooperation_people": spells["cooperation"],
        "welfare_posts": int(posts["n"] or 0), "temporary_posts": int(posts["temp"] or 0),
        "welfare_post_people": hires.aggregate(n=Count("member", distinct=True))["n"],
        "welfare_post_pay_yuan": float(pay),
        "workshops": shops.count(), "workshop_people": shop_people,
        "trained_people": trained, "yulu_students": yulu["n"],
        "yulu_paid_yuan": float(yulu["s"] or 0), "insured_households": insured,
        "claims_paid": claims["n"], "claims_paid_yuan": float(claims["s"] or 0),
    }
