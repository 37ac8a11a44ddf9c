"""Jobs pages: thin views over fupin.core.generic and the jobs services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from fupin.accounts.actors import Actor
from fupin.core.generic import ObjectListView, ServiceFormView, get_scoped_object
from fupin.core.privacy import shown_resident_id
from fupin.registry import resident_id as rid
from fupin.registry.models import Household, Member

from . import forms, services
from .filters import AreaFilterSet, PostFilterSet, SpellFilterSet
from .models import (
    Claim,
    Course,
    Cover,
    InsurancePolicy,
    PostHire,
    WelfarePost,
    Workshop,
    WorkshopJob,
    WorkSpell,
    YuluStudent,
)
from .tables import (
    CourseTable,
    InsuranceTable,
    PostTable,
    SpellTable,
    WorkshopTable,
    YuluTable,
)


def actor_of(request: Any) -> Actor:
    """The signed-in user as the acting person (views require a login)."""
    return cast(Actor, request.user)



def find_member(user: Any, raw: str, field: str = "resident_id") -> Member:
    number = rid.normalize(raw)
    member = (Member.objects.visible_to(user).filter(resident_id=number, status="active")
              .select_related("household").first())
    if member is None:
        raise ValidationError({field: [f"身份证号 {number} 不是您管辖范围内的在册成员"]})
    return member


def _filterset(model: type[Model], field: str = "area__code") -> type[AreaFilterSet]:
    meta = type("Meta", (), {"model": model, "fields": ["area"]})
    return type(f"{model.__name__}AreaFilterSet", (AreaFilterSet,),
                {"Meta": meta, "area_field": field})


class PostListView(ObjectListView):
    model = WelfarePost
    filterset_class = PostFilterSet
    table_class = PostTable
    title = "公益性岗位"
    add_url_name = "employment:post_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area")


class SpellListView(ObjectListView):
    model = WorkSpell
    filterset_class = SpellFilterSet
    table_class = SpellTable
    title = "务工就业"
    add_url_name = "employment:spell_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("household", "member")


class WorkshopListView(ObjectListView):
    model = Workshop
    filterset_class = _filterset(Workshop)
    table_class = WorkshopTable
    title = "扶贫车间与企业"
    add_url_name = "employment:workshop_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area")


class CourseListView(ObjectListView):
    model = Course
    filterset_class = _filterset(Course)
    table_class = CourseTable
    title = "技能培训"
    add_url_name = "employment:course_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area")


class YuluListView(ObjectListView):
    model = YuluStudent
    filterset_class = _filterset(YuluStudent)
    table_class = YuluTable
    title = "雨露计划"
    add_url_name = "employment:yulu_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("household", "member")


class InsuranceListView(ObjectListView):
    model = InsurancePolicy
    filterset_class = _filterset(InsurancePolicy)
    table_class = InsuranceTable
    title = "防贫保险"
    add_url_name = "employment:insurance_add"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area")


# -- details ----------------------------------------------------------------------------------


def _detail(request: HttpRequest, obj: Any, title: str, rows: list[tuple[str, Any]],
            related_title: str, headers: list[str], related: list[list[Any]],
            actions: list[tuple[str, str]]) -> HttpResponse:
    return render(request, "jobs/detail.html", {
        "object": obj, "title": title, "rows": rows, "related_title": related_title,
        "headers": headers, "related": related, "actions": actions})


def _rid(request: HttpRequest, value: str) -> str:
    return shown_resident_id(request.user, value)


@login_required
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = get_scoped_object(WelfarePost, request.user, pk=pk)
    hires = post.hires.select_related("member", "household").prefetch_related("pays")
    related = [[h.member.name, _rid(request, h.member.resident_id), h.household.household_no,
                h.hired_on, h.exited_on or "在岗", h.exit_reason,
                sum((p.amount for p in h.pays.all()), 0), h.pk] for h in hires]
    return _detail(request, post, f"公益性岗位：{post.name}", [
        ("村(社区)", post.area), ("类别", post.get_kind_display()), ("月工资", post.monthly_pay),
        ("岗位数", post.positions), ("资金来源", post.funded_by),
        ("临时性", "是" if post.temporary else "否"),
        ("开设/撤销", f"{post.starts_on} / {post.ends_on or '—'}")],
        "上岗人员", ["姓名", "身份证号", "户编号", "上岗", "离岗", "原因", "累计工资", "聘用号"], related,
        [("employment:hire", "聘用上岗"), ("employment:pay_month", "按月发放本村岗位工资")])


@login_required
def workshop_detail(request: HttpRequest, pk: int) -> HttpResponse:
    shop = get_scoped_object(Workshop, request.user, pk=pk)
    jobs = shop.jobs.select_related("member", "household")
    related = [[j.member.name, _rid(request, j.member.resident_id), j.household.household_no,
                j.started_on, j.ended_on or "在职", j.monthly_wage, j.pk] for j in jobs]
    return _detail(request, shop, f"{shop.get_kind_display()}：{shop.name}", [
        ("所在地", shop.area), ("经营主体", shop.operator), ("认定日期", shop.recognised_on)],
        "吸纳就业", ["姓名", "身份证号", "户编号", "入职", "离职", "月工资", "编号"], related,
        [("employment:employ", "登记就业"), ("employment:workshop_pay", "发放当月工资（计入收入）")])


@login_required
def spell_detail(request: HttpRequest, pk: int) -> HttpResponse:
    spell = get_scoped_object(WorkSpell, request.user, pk=pk)
    return _detail(request, spell, f"务工就业 {spell.member.name}", [
        ("户", spell.household.household_no), ("地域", spell.get_place_display()),
        ("地点", spell.destination), ("用工单位", spell.employer),
        ("期间", f"{spell.started_on} – {spell.ended_on or '至今'}"),
        ("月收入", spell.monthly_income), ("有组织输出", "是" if spell.organised else "否"),
        ("劳务协作地", spell.partner or "—"), ("结束原因", spell.end_reason or "—")],
        "", [], [], [] if spell.ended_on else [("employment:spell_end", "结束务工")])


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_scoped_object(Course, request.user, pk=pk)
    trainees = course.trainees.select_related("member", "household")
    related = [[t.member.name, _rid(request, t.member.resident_id), t.household.household_no,
                "是" if t.completed else "否"] for t in trainees]
    return _detail(request, course, f"培训：{course.name}", [
        ("类别", course.get_kind_display()), ("机构", course.provider),
        ("期间", f"{course.starts_on} – {course.ends_on}"), ("课时", course.hours)],
        "学员", ["姓名", "身份证号", "户编号", "结业"], related,
        [("employment:enroll", "登记学员")])


@login_required
def insurance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    policy = get_scoped_object(InsurancePolicy, request.user, pk=pk)
    covers = Cover.objects.visible_to(request.user).filter(policy=policy)
    claims = [[c.cover.household.household_no, c.cause, c.occurred_on, c.amount,
               c.paid_on or "未赔付", c.pk]
              for c in Claim.objects.visible_to(request.user).filter(cover__policy=policy)
              .select_related("cover__household")]
    return _detail(request, policy, f"{policy.get_kind_display()}：{policy.name}", [
        ("区划", policy.area), ("承保公司", policy.insurer),
        ("保险期", f"{policy.starts_on} – {policy.ends_on}"), ("每户保费", policy.premium),
        ("参保户（您可见）", covers.count())],
        "理赔", ["户编号", "出险原因", "出险日期", "金额", "赔付", "理赔号"], claims,
        [("employment:insurance_enroll", "按户类型参保"), ("employment:claim_add", "登记理赔")])


# -- forms -----------------------------------------------------------------------------------


class AddView(ServiceFormView):
    """A create form whose service takes the area code and the form's fields."""

    service: Any = None

    def perform(self, form: Any) -> Any:
        return type(self).service(actor=actor_of(self.request), **form.cleaned_data)


class PostAddView(AddView):
    form_class = forms.PostForm
    title = "新建公益性岗位"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        return services.create_post(actor=actor_of(self.request), area_code=d.pop("area"), **d)


class WorkshopAddView(AddView):
    form_class = forms.WorkshopForm
    title = "认定扶贫车间/企业"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        return services.create_workshop(actor=actor_of(self.request), area_code=d.pop("area"), **d)


class CourseAddView(AddView):
    form_class = forms.CourseForm
    title = "新建培训班"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        return services.create_course(actor=actor_of(self.request), area_code=d.pop("area"), **d)


class InsuranceAddView(AddView):
    form_class = forms.InsuranceForm
    title = "新建防贫保险"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        return services.create_policy(actor=actor_of(self.request), area_code=d.pop("area"), **d)


class SpellAddView(ServiceFormView):
    form_class = forms.SpellForm
    title = "登记务工就业"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        member = find_member(self.request.user, d.pop("resident_id"))
        return services.add_spell(actor=actor_of(self.request), member=member, **d)


class YuluAddView(ServiceFormView):
    form_class = forms.YuluForm
    title = "登记雨露计划学生"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        member = find_member(self.request.user, d.pop("resident_id"))
        services.add_yulu(actor=actor_of(self.request), member=member, **d)
        return "/employment/yulu/"


class ObjectActionView(ServiceFormView):
    """A form acting on one scoped object (404 outside the user's scope)."""

    model: type[Model]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            self.object = get_scoped_object(self.model, request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"{self.title}：{self.object}"
        return ctx


class HireView(ObjectActionView):
    model = WelfarePost
    form_class = forms.HireForm
    title = "聘用上岗"

    def perform(self, form: Any) -> Any:
        member = find_member(self.request.user, form.cleaned_data["resident_id"])
        services.hire(actor=actor_of(self.request), post=self.object, member=member,
                      hired_on=form.cleaned_data["hired_on"])
        return self.object


class PayMonthView(ObjectActionView):
    model = WelfarePost
    form_class = forms.PayMonthForm
    title = "按月发放岗位工资"

    def perform(self, form: Any) -> Any:
        result = services.pay_posts(actor=actor_of(self.request), area_code=self.object.area_id,
                                    month=form.cleaned_data["month"])
        self.success_message = f"已发放 {result['pays']} 人，合计 {result['total']} 元"
        return self.object


class ExitView(ObjectActionView):
    model = PostHire
    form_class = forms.ExitForm
    title = "离岗"

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        services.exit_post(actor=actor_of(self.request), hire_row=self.object, on=d["exited_on"],
                           reason=d["exit_reason"])
        return self.object.post


class PayView(ObjectActionView):
    model = PostHire
    form_class = forms.PayForm
    title = "发放岗位工资"

    def perform(self, form: Any) -> Any:
        services.record_pay(actor=actor_of(self.request), hire_row=self.object, **form.cleaned_data)
        return self.object.post


class EmployView(ObjectActionView):
    model = Workshop
    form_class = forms.EmployForm
    title = "登记车间就业"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        member = find_member(self.request.user, d.pop("resident_id"))
        services.employ(actor=actor_of(self.request), workshop=self.object, member=member, **d)
        return self.object


class WorkshopPayView(ObjectActionView):
    model = Workshop
    form_class = forms.PayMonthForm
    title = "发放车间工资"

    def perform(self, form: Any) -> Any:
        result = services.pay_workshop_month(actor=actor_of(self.request), workshop=self.object,
                                             month=form.cleaned_data["month"])
        self.success_message = f"已计入 {result['employees']} 人的工资性收入"
        return self.object


class EndJobView(ObjectActionView):
    model = WorkshopJob
    form_class = forms.EndSpellForm
    title = "车间离职"

    def perform(self, form: Any) -> Any:
        services.end_workshop_job(actor=actor_of(self.request), job=self.object,
                                  on=form.cleaned_data["ended_on"])
        return self.object.workshop


class SpellEndView(ObjectActionView):
    model = WorkSpell
    form_class = forms.EndSpellForm
    title = "结束务工"

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.end_spell(actor=actor_of(self.request), spell=self.object, on=d["ended_on"],
                                  reason=d["end_reason"])


class EnrollView(ObjectActionView):
    model = Course
    form_class = forms.EnrollForm
    title = "登记学员"

    def perform(self, form: Any) -> Any:
        numbers = [line for line in form.cleaned_data["resident_ids"].split() if line.strip()]
        members = [find_member(self.request.user, n, "resident_ids") for n in numbers]
        services.enroll(actor=actor_of(self.request), course=self.object, members=members)
        return self.object


class InsuranceEnrollView(ObjectActionView):
    model = InsurancePolicy
    form_class = forms.forms.Form
    title = "按户类型参保"

    def perform(self, form: Any) -> Any:
        n = services.enroll_covered(actor=actor_of(self.request), policy=self.object)
        self.success_message = f"新增参保 {n} 户"
        return self.object


class ClaimAddView(ObjectActionView):
    model = InsurancePolicy
    form_class = forms.ClaimForm
    title = "登记理赔"

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        household = Household.objects.visible_to(self.request.user).filter(
            household_no=d.pop("household_no").strip()).first()
        cover = Cover.objects.filter(policy=self.object, household=household).first()
        if cover is None:
            raise ValidationError({"household_no": ["该户未参加本保险，或不在您的管辖范围内"]})
        services.add_claim(actor=actor_of(self.request), cover=cover, **d)
        return self.object


class YuluPayView(ObjectActionView):
    model = YuluStudent
    form_class = forms.PaidForm
    title = "发放雨露计划补助"

    def perform(self, form: Any) -> Any:
        services.pay_yulu(actor=actor_of(self.request), student=self.object,
                          paid_on=form.cleaned_data["paid_on"])
        return "/employment/yulu/"


class ClaimPayView(ObjectActionView):
    model = Claim
    form_class = forms.PaidForm
    title = "理赔赔付"

    def perform(self, form: Any) -> Any:
        services.pay_claim(actor=actor_of(self.request), claim=self.object,
                           paid_on=form.cleaned_data["paid_on"])
        return self.object.cover.policy
