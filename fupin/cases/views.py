"""Pages of the cases app. Thin: every change goes through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fupin.accounts import policy
from fupin.accounts.actors import actor_of
from fupin.accounts.scope import area_in_scope
from fupin.areas.models import Area, AreaLevel
from fupin.core.generic import ObjectListView, ServiceFormView, apply_errors
from fupin.core.privacy import log_access
from fupin.registry.models import Household

from . import services
from .choices import CaseStatus, Channel
from .criteria import elimination_criteria
from .deadlines import escalated_q, local_day, settings_for
from .filters import CaseFilterSet, LeadFilterSet
from .forms import (
    AnswerForm,
    ObjectionForm,
    OpenEliminationForm,
    OpenIdentificationForm,
    OverrideForm,
    RollbackForm,
    SettingsForm,
    StepActionForm,
)
from .models import Attachment, Case, Lead, Objection
from .notice import build_notice, render_notice_pdf
from .tables import CaseTable, LeadTable
from .workflow import ALL_STEPS, steps_of


def _cases(user: Any) -> QuerySet[Case]:
    return Case.objects.visible_to(user).select_related("household", "household__area")


class CaseListView(ObjectListView):
    model = Case
    filterset_class = CaseFilterSet
    table_class = CaseTable
    title = "识别纳入与风险消除"
    template_name = "cases/case_list.html"
    add_url_name = "cases:case_add"
    export_filename = "识别消除案件"

    def get_queryset(self) -> QuerySet[Any]:
        return _cases(self.request.user)


class LeadListView(ObjectListView):
    """Risk leads (线索) with the day found and the identification deadline (§5.1)."""

    model = Lead
    filterset_class = LeadFilterSet
    table_class = LeadTable
    title = "风险线索"
    export_filename = "风险线索"

    def get_queryset(self) -> QuerySet[Any]:
        return Lead.objects.visible_to(self.request.user).select_related(
            "household", "household__area", "case")


class OverdueInboxView(ObjectListView):
    """Overdue cases escalated to the user's level: township sees its township's cases
    escalated to it; county sees those escalated to the county; a village its own."""

    model = Case
    filterset_class = CaseFilterSet
    table_class = CaseTable
    title = "逾期督办"
    template_name = "cases/case_list.html"
    export_filename = "逾期督办"

    def level(self) -> str:
        user = self.request.user
        asked = self.request.GET.get("level", "")
        if asked in ("village", "township", "county"):
            return asked
        if policy.can(user, "cases.overdue_county"):
            return "county"
        if policy.can(user, "cases.overdue_township"):
            return "township"
        return "village"

    def get_title(self) -> str:
        return {"county": "逾期督办（县级）", "township": "逾期督办（乡镇）",
                "village": "逾期督办（本村）"}[self.level()]

    def get_queryset(self) -> QuerySet[Any]:
        # computed live from the deadlines, so it always agrees with the case list
        today = local_day()
        qs = _cases(self.request.user).filter(status=CaseStatus.OPEN).filter(
            Q(step_due__lt=today) | Q(due_date__lt=today))
        level = self.level()
        if level in ("county", "township"):
            return qs.filter(escalated_q(today, level))
        return qs


class OpenIdentificationView(ServiceFormView):
    form_class = OpenIdentificationForm
    title = "登记识别线索（识别纳入立案）"
    success_message = "已立案，进入村级研判"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        get = self.request.GET
        if get.get("household", "").isdigit():
            hh = Household.objects.visible_to(self.request.user).filter(
                pk=int(get["household"])).first()
            if hh is not None:
                initial["household"] = hh.household_no
        if get.get("warning", "").isdigit():
            initial["warning"] = int(get["warning"])
            initial["channel"] = Channel.WARNING
        if get.get("channel") in Channel.values:
            initial["channel"] = get["channel"]
        if get.get("lead"):
            initial["lead"] = get["lead"][:2000]
        if get.get("lead_id", "").isdigit():
            lead = Lead.objects.visible_to(self.request.user).filter(pk=int(get["lead_id"])).first()
            if lead is not None:
                initial.update(lead_id=lead.pk, household=lead.household.household_no,
                               channel=lead.channel, found_on=lead.found_on,
                               lead=initial.get("lead") or lead.description)
        return initial

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.open_identification(
            actor=actor_of(self.request), household=d["household"], channel=d["channel"],
            lead=d["lead"], warning_id=d.get("warning"), help_first=d.get("help_first", False),
            monitoring_type=d.get("monitoring_type", ""), main_risk=d.get("main_risk", ""),
            other_risks=d.get("other_risks") or [], lead_id=d.get("lead_id"),
            found_on=d.get("found_on"))


class OpenEliminationView(OpenIdentificationView):
    form_class = OpenEliminationForm  # type: ignore[assignment]
    title = "拟风险消除（风险消除立案）"
    success_message = "已立案，进入入户核实"

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return services.open_elimination(actor=actor_of(self.request), household=d["household"],
                                         mode=d["mode"], lead=d.get("lead", ""))


def _detail_context(request: HttpRequest, case: Case, form: Any = None) -> dict[str, Any]:
    user = request.user
    step = ALL_STEPS.get(case.step)
    reasons = services.blockers(user, case)
    if form is None and step is not None and not reasons:
        form = StepActionForm(step=step, case=case, initial={"step": case.step,
                                                             "version": case.version})
    today = local_day()
    criteria = case.criteria
    cfg = settings_for(case.household.area_id)
    if case.kind == "elimination" and case.is_open:
        criteria = [c.as_dict() for c in elimination_criteria(
            case.household, today, risks=list(case.previous_risk_types or []),
            stable_months=cfg.elim_stable_months)]
    unmet_now = any(not c.get("ok") for c in criteria or [])
    done = {s.step for s in case.steps.all()}
    return {
        "case": case, "title": f"{case.get_kind_display()}案件 #{case.pk}",
        "steps": case.steps.select_related("actor").prefetch_related("attachments"),
        "plan": [(s, s.code in done, s.code == case.step) for s in steps_of(case.kind)],
        "step": step, "form": form, "blockers": reasons, "today": today,
        "overdue": case.is_overdue_on(today), "criteria": criteria,
        "objections": case.objections.all(), "objection_form": ObjectionForm(initial={"raised_on": today}),
        "answer_form": AnswerForm(), "rollback_form": RollbackForm(),
        "override_form": OverrideForm(initial={"version": case.version}),
        "can_override": case.kind == "elimination" and case.is_open and unmet_now
        and not case.override_reason
        and policy.can(user, "cases.override_criteria", area_code=case.household.area_id),
        "can_notice_act": bool(step and step.notice and case.notice_start and not reasons),
        "can_rollback": case.kind == "elimination" and case.status == "approved"
        and policy.can(user, "cases.rollback"),
        "settings": cfg,
    }


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_cases(request.user), pk=pk)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


@login_required
@require_POST
def case_act(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_cases(request.user), pk=pk)
    step = ALL_STEPS.get(request.POST.get("step", ""))
    if step is None:
        messages.error(request, "该案件已被他人办理或已办结，请查看最新进展")
        return redirect(case)
    form = StepActionForm(request.POST, request.FILES, step=step, case=case)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.act(actor=actor_of(request), case=case, step=d["step"], action=d["action"],
                         version=d["version"], comment=d.get("comment", ""),
                         data=form.service_data(), attachments=d.get("attachments") or [])
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"“{step.label}”已办理")
            return redirect(case)
    case.refresh_from_db()
    ctx = _detail_context(request, case, form)
    ctx["form"] = form
    return render(request, "cases/case_detail.html", ctx, status=400)


def _post_service(request: HttpRequest, case: Case, fn: Any, ok: str) -> HttpResponse:
    try:
        fn()
    except (ValidationError, PermissionDenied) as exc:
        text = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text)
    else:
        messages.success(request, ok)
    return redirect(case)


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_cases(request.user), pk=pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写异议提出日期和内容")
        return redirect(case)
    d = form.cleaned_data
    return _post_service(request, case, lambda: services.record_objection(
        actor=actor_of(request), case=case, content=d["content"], raised_by=d["raised_by"],
        raised_on=d["raised_on"]), "异议已登记")


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(Objection.objects.visible_to(request.user), pk=pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写核实答复")
        return redirect(objection.case)
    d = form.cleaned_data
    return _post_service(request, objection.case, lambda: services.answer_objection(
        actor=actor_of(request), objection=objection, answer=d["answer"], upheld=d["upheld"]),
        "异议已答复")


@login_required
@require_POST
def case_override(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_cases(request.user), pk=pk)
    form = OverrideForm(request.POST)
    d = form.cleaned_data if form.is_valid() else {}
    return _post_service(request, case, lambda: services.override_criteria(
        actor=actor_of(request), case=case, reason=d.get("reason", ""), version=d.get("version")),
        "已批准：条件未满足仍继续办理（理由已记录）")


@login_required
@require_POST
def case_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(_cases(request.user), pk=pk)
    form = RollbackForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _post_service(request, case, lambda: services.rollback_elimination(
        actor=actor_of(request), case=case, reason=reason), "已回退为监测对象")


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    att = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    log_access(request.user, "download", "cases.Attachment", att.pk, att.case.household.area_id)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name,
                        content_type=att.content_type)


def _village(request: HttpRequest, code: str) -> Area:
    village = Area.objects.filter(code=code, level=AreaLevel.VILLAGE).first()
    if village is None or not area_in_scope(request.user, code):
        raise Http404("村(社区)不存在，或不在您的管辖范围内")
    return village


def _notice_day(request: HttpRequest) -> Any:
    import datetime as dt
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return local_day()


@login_required
def notice_page(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    ctx = build_notice(village, _notice_day(request))
    ctx["pdf_url"] = reverse("cases:notice_pdf", args=[code]) + (
        f"?date={request.GET['date']}" if request.GET.get("date") else "")
    return render(request, "cases/notice.html", ctx)


@login_required
def notice_pdf(request: HttpRequest, code: str) -> HttpResponse:
    village = _village(request, code)
    day = _notice_day(request)
    pdf = render_notice_pdf(village, day)
    resp = HttpResponse(pdf, content_type="application/pdf")
    from urllib.parse import quote
    resp["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(f'公示_{village.name}_{day:%Y%m%d}.pdf')}"
    return resp


class SettingsView(ServiceFormView):
    form_class = SettingsForm
    title = "识别与消除时限设置"
    success_message = "时限设置已保存"
    template_name = "cases/settings_form.html"

    def county(self) -> str:
        user = self.request.user
        policy.require(user, "cases.settings_edit", message="时限设置须由县级管理员修改")
        code = self.request.GET.get("county") or next(
            (c[:6] for c in getattr(user, "scope_codes", ()) if len(c) >= 6), "")
        if not code or not area_in_scope(user, code):
            raise Http404("请指定您管辖的区县")
        return code[:6]

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = settings_for(self.county())
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["county"] = self.county()
        return ctx

    def perform(self, form: Any) -> Any:
        values = {k: form.cleaned_data[k] for k in SettingsForm.Meta.fields}
        services.save_settings(actor=actor_of(self.request), county_code=self.county(), values=values,
                               step_days=form.step_days())
        return reverse("cases:settings") + f"?county={self.county()}"
