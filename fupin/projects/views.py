"""Pages of the projects app. Thin: every change goes through the services."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.views.decorators.http import require_POST

from fupin.core.generic import ObjectListView, ServiceFormView, apply_errors, xlsx_response
from fupin.core.models import Job

from . import filters, forms, tables
from .choices import NoticeLevel, State
from .indicators import LABELS, RATES, STATE_BUCKETS
from .models import (
    Allocation,
    Asset,
    BenefitLink,
    ConsumptionSale,
    FundSource,
    Notice,
    Objection,
    Payment,
    Payout,
    Project,
)
from .services import benefits, funds, library
from .services.common import me
from .services.excel import EXPORT_HEADERS, KINDS, export_library, template_bytes
from .services.summary import summary


def _writer(request: HttpRequest) -> None:
    if not getattr(request.user, "is_writer", False):
        raise PermissionDenied("您没有修改数据的权限")


def _errors(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for msgs in exc.message_dict.values() for m in msgs]
    return list(exc.messages)


def pct(value: float | None) -> str:
    """A fraction as a percentage: 0.334 -> "33.4 %"; None -> "—"."""
    return "—" if value is None else f"{round(value * 100, 2):g} %"


# -- overview ------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = forms.SummaryForm(request.GET or None)
    default_area = (user.scope_codes or ("",))[0] if not user.is_superuser else ""
    data: dict[str, Any] | None = None
    error = ""
    area = default_area
    if form.is_valid() or not request.GET:
        cd = form.cleaned_data if request.GET else {}
        area = (cd.get("area") or default_area or "").strip()
        if not area:
            from fupin.areas.models import Area
            area = Area.objects.filter(level="county").order_by("code").values_list(
                "code", flat=True).first() or ""
        from fupin.accounts.scope import area_in_scope
        if area and not area_in_scope(user, area):
            error = f"区划 {area} 不在您的管辖范围内"
        elif area:
            try:
                data = summary(area, cd.get("year"), cd.get("as_of"))
            except ValidationError as exc:
                error = "；".join(_errors(exc))
    rates = [(label, pct(data[key])) for key, label in (
        ("completion_rate", "本年项目完工率"), ("start_rate", "本年项目开工率"),
        ("continuing_rate", "续建项目完工率"), ("paid_share", "资金拨付率"),
        ("industry_coverage", "产业覆盖率（建档立卡户）"),
        ("poor_village_coverage", "产业覆盖率（贫困村）"))] if data else []
    from .choices import FundKind, SaleChannel
    return render(request, "projects/overview.html", {
        "form": form, "data": data, "error": error, "area": area, "rates": rates,
        "states": [(STATE_BUCKETS.get(k, k), v) for k, v in (data or {}).get("states", {}).items()],
        "sources": [(dict(FundKind.choices).get(k, k), v)
                    for k, v in (data or {}).get("funds_by_source", {}).items()],
        "channels": [(dict(SaleChannel.choices).get(k, k), v)
                     for k, v in (data or {}).get("sales_by_channel", {}).items()],
        "labels": LABELS, "rate_labels": RATES})


# -- projects ------------------------------------------------------------------------------


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = filters.ProjectFilterSet
    table_class = tables.ProjectTable
    title = "项目库"
    add_url_name = "projects:project_add"
    export_filename = "项目库"
    template_name = "projects/project_list.html"

    def get_queryset(self) -> QuerySet[Any]:
        return Project.objects.visible_to(self.request.user).select_related("area")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "library":
            fs = self.get_filterset(self.get_filterset_class())
            qs = fs.qs if fs.is_valid() else self.get_queryset().none()
            return xlsx_response(f"项目库_{dt.date.today():%Y%m%d}.xlsx", EXPORT_HEADERS,
                                 export_library(qs.order_by("code").iterator()), "项目库")
        return super().get(request, *args, **kwargs)


class ProposeView(ServiceFormView):
    form_class = forms.ProposeForm
    title = "项目申报（村级申报，四议两公开）"
    success_message = "已申报，请发布村级公示"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            _writer(request)
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        user: Any = self.request.user
        return {"area": (user.scope_codes or ("",))[0]}

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        area = d.pop("area")
        return library.propose(actor=me(self.request), area_code=area, data=d)


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).select_related("area"),
                             pk=pk)


@login_required
def project_detail(request: HttpRequest, pk: int, *, act_form: Any = None,
                   errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    project = _project(request, pk)
    day = dt.date.today()
    notices = list(project.notices.prefetch_related("objections").order_by("start", "id"))
    actions = [{"action": t.action, "label": t.label, "notice": t.notice,
                "problems": (library.notice_problems(library.current_notice(project, t.after_notice), day)
                             if t.after_notice else [])}
               for t in library.transitions_from(project.state)]
    if project.state in library.RETURNABLE:
        actions.append({"action": "return", "label": "退回修改", "notice": "", "problems": []})
    allocations = list(project.allocations.select_related("source"))
    sources = FundSource.objects.visible_to(request.user).filter(
        area_id=project.county_code, year=project.plan_year or day.year) if project.plan_year else []
    return render(request, "projects/project_detail.html", {
        "project": project, "notices": notices, "actions": actions,
        "events": project.events.all(), "allocations": allocations,
        "payments": Payment.objects.filter(allocation__project=project).select_related(
            "allocation__source"),
        "beneficiaries": project.beneficiaries.select_related("household")[:200],
        "links": project.links.select_related("household")[:200],
        "assets": project.assets.all(),
        "act_form": act_form or forms.ActForm(initial={"version": project.version}),
        "objection_form": forms.ObjectionForm(initial={"raised_on": day}),
        "answer_form": forms.AnswerForm(initial={"answered_on": day}),
        "allocation_form": forms.AllocationForm(sources=sources),
        "payment_form": forms.PaymentForm(allocations=allocations, initial={"paid_on": day}),
        "beneficiary_form": forms.BeneficiaryForm(),
        "errors": errors or [], "can_write": getattr(request.user, "is_writer", False),
        "in_notice": project.state in (State.VILLAGE_NOTICE, State.TOWNSHIP_NOTICE,
                                       State.COUNTY_NOTICE, State.SITE_NOTICE),
    }, status=status)


def _after(request: HttpRequest, pk: int, fn: Any, ok: str) -> HttpResponse:
    """Run a service call; on a refusal show the project page again with the reasons."""
    try:
        fn()
    except ValidationError as exc:
        return project_detail(request, pk, errors=_errors(exc), status=400)
    messages.success(request, ok)
    return redirect("projects:project_detail", pk=pk)


@login_required
@require_POST
def project_act(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    project = _project(request, pk)
    form = forms.ActForm(request.POST)
    if not form.is_valid():
        return project_detail(request, pk, act_form=form, errors=["请检查填写内容"], status=400)
    d = form.cleaned_data
    try:
        library.act(actor=me(request), project=project, action=d["action"],
                    version=d["version"], comment=d.get("comment", ""), data=form.service_data())
    except ValidationError as exc:
        apply_errors(form, exc)
        return project_detail(request, pk, act_form=form, errors=_errors(exc), status=400)
    messages.success(request, f"已办理：{library.ACTION_LABELS.get(d['action'], d['action'])}")
    return redirect("projects:project_detail", pk=pk)


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    project = _project(request, pk)
    form = forms.ObjectionForm(request.POST)
    if not form.is_valid():
        return project_detail(request, pk, errors=["请填写异议日期和内容"], status=400)
    notice = get_object_or_404(Notice, pk=form.cleaned_data["notice"], project=project)
    return _after(request, pk, lambda: library.raise_objection(
        actor=me(request), notice=notice, content=form.cleaned_data["content"],
        raised_on=_day(form.cleaned_data["raised_on"])), "已登记异议")


def _day(text: str) -> dt.date:
    from .services.common import a_date
    return a_date(text, "date")


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    # (cast: django-stubs confuses this model with cases.Objection, same class name)
    objection = cast(Objection, get_object_or_404(Objection.objects.visible_to(request.user), pk=pk))
    form = forms.AnswerForm(request.POST)
    project_pk = objection.notice.project_id
    if not form.is_valid():
        return project_detail(request, project_pk, errors=["请填写答复日期和内容"], status=400)
    d = form.cleaned_data
    return _after(request, project_pk, lambda: library.answer_objection(
        actor=me(request), objection=objection, answer=d["answer"], upheld=d["upheld"],
        answered_on=_day(d["answered_on"])), "已答复异议")


@login_required
@require_POST
def allocation_add(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    project = _project(request, pk)
    sources = FundSource.objects.visible_to(request.user).filter(area_id=project.county_code)
    form = forms.AllocationForm(request.POST, sources=sources)
    if not form.is_valid():
        return project_detail(request, pk, errors=["请选择资金来源并填写金额"], status=400)
    d = form.cleaned_data
    source = get_object_or_404(sources, pk=d["source"])
    return _after(request, pk, lambda: funds.allocate(
        actor=me(request), project=project, source=source, amount=d["amount"],
        on=d.get("allocated_on") or None), "已安排资金")


@login_required
@require_POST
def payment_add(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    project = _project(request, pk)
    allocations = project.allocations.select_related("source")
    form = forms.PaymentForm(request.POST, allocations=allocations)
    if not form.is_valid():
        return project_detail(request, pk, errors=["请选择资金安排并填写金额和日期"], status=400)
    d = form.cleaned_data
    allocation = get_object_or_404(Allocation, pk=d["allocation"], project=project)
    return _after(request, pk, lambda: funds.pay(
        actor=me(request), allocation=allocation, amount=d["amount"], paid_on=d["paid_on"],
        voucher=d.get("voucher", "")), "已登记拨付")


@login_required
@require_POST
def beneficiary_add(request: HttpRequest, pk: int) -> HttpResponse:
    _writer(request)
    project = _project(request, pk)
    form = forms.BeneficiaryForm(request.POST)
    if not form.is_valid():
        return project_detail(request, pk, errors=["请填写受益户户编号"], status=400)
    return _after(request, pk, lambda: benefits.add_beneficiaries(
        actor=me(request), project=project, household_nos=form.numbers()), "已登记受益户")


# -- notices ---------------------------------------------------------------------------------


def _notice_context(notice: Notice) -> dict[str, Any]:
    """Only public fields: the project, its area, money and the period; no personal data."""
    p = notice.project
    def label(d: dt.date) -> str:
        return f"{d.year}年{d.month}月{d.day}日"
    titles = {NoticeLevel.VILLAGE: "扶贫项目村级公示", NoticeLevel.TOWNSHIP: "扶贫项目乡镇公示",
              NoticeLevel.COUNTY: "扶贫项目县级公告", NoticeLevel.SITE: "扶贫项目竣工公示"}
    allocated = sum((a.amount for a in p.allocations.all()), start=0)
    return {"title": titles.get(NoticeLevel(notice.level), "扶贫项目公示"),
            "area_name": p.area.full_name() if hasattr(p.area, "full_name") else p.area.name,
            "rows": [("项目编号", p.code), ("项目名称", p.name), ("项目类别", p.get_category_display()),
                     ("建设地点", p.area.name), ("建设内容", p.content or "—"),
                     ("计划资金", f"{p.planned_funds} 元"),
                     *([("已安排资金", f"{allocated} 元")] if allocated else []),
                     ("预计受益", f"{p.expected_households} 户 {p.expected_people} 人"),
                     *([("完工日期", str(p.completed_on))] if notice.level == NoticeLevel.SITE
                       and p.completed_on else [])],
            "period": f"{label(notice.start)}至{label(notice.end)}", "days": notice.days,
            "place": notice.place, "issued": label(notice.start)}


@login_required
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related(
        "project__area"), pk=pk)
    return render(request, "projects/notice.html", {"notice": notice, **_notice_context(notice)})


@login_required
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice.objects.visible_to(request.user).select_related(
        "project__area"), pk=pk)
    from weasyprint import HTML

    with translation.override("zh-hans"):
        html = render_to_string("projects/notice_document.html", _notice_context(notice))
    pdf = HTML(string=html).write_pdf()
    resp = HttpResponse(pdf, content_type="application/pdf")
    resp["Content-Disposition"] = f'inline; filename="notice_{notice.pk}.pdf"'
    return resp


# -- funds -----------------------------------------------------------------------------------


class FundSourceListView(ObjectListView):
    model = FundSource
    filterset_class = filters.FundSourceFilterSet
    table_class = tables.FundSourceTable
    title = "资金来源"
    add_url_name = "projects:source_add"

    def get_queryset(self) -> QuerySet[Any]:
        return FundSource.objects.visible_to(self.request.user).select_related("area")


class FundSourceAddView(ServiceFormView):
    form_class = forms.FundSourceForm
    title = "登记资金来源"

    def get_initial(self) -> dict[str, Any]:
        user: Any = self.request.user
        return {"area": ((user.scope_codes or ("",))[0])[:6], "year": dt.date.today().year}

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        funds.add_source(actor=me(self.request), county_code=d["area"], kind=d["kind"],
                         name=d["name"], year=d["year"], amount=d["amount"])
        return f"{reverse_lazy('projects:source_list')}?year={d['year']}"


def reverse_lazy(name: str) -> str:
    from django.urls import reverse
    return reverse(name)


class PaymentListView(ObjectListView):
    model = Payment
    filterset_class = filters.PaymentFilterSet
    table_class = tables.PaymentTable
    title = "资金拨付"

    def get_queryset(self) -> QuerySet[Any]:
        return Payment.objects.visible_to(self.request.user).select_related(
            "allocation__project", "allocation__source")


# -- benefit links, payouts, assets, sales -----------------------------------------------------


class LinkListView(ObjectListView):
    model = BenefitLink
    filterset_class = filters.BenefitLinkFilterSet
    table_class = tables.BenefitLinkTable
    title = "利益联结"
    add_url_name = "projects:link_add"

    def get_queryset(self) -> QuerySet[Any]:
        return BenefitLink.objects.visible_to(self.request.user).select_related("household", "area")


class LinkAddView(ServiceFormView):
    form_class = forms.LinkForm
    title = "登记利益联结"

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        project = None
        if d.get("project"):
            project = Project.objects.visible_to(self.request.user).filter(code=d["project"]).first()
            if project is None:
                raise ValidationError({"project": [f"项目编号“{d['project']}”不存在或不在您的管辖范围内"]})
        household = _household(self.request, d["household_no"])
        return benefits.create_link(
            actor=me(self.request), household_no=household.household_no, mode=d["mode"],
            started_on=d["started_on"], project=project, partner_kind=d.get("partner_kind", ""),
            partner_name=d.get("partner_name", ""), amount_per_year=d.get("amount_per_year") or 0)


def _household(request: HttpRequest, no: str) -> Any:
    from fupin.registry.models import Household
    h = Household.objects.visible_to(request.user).filter(household_no=no.strip()).first()
    if h is None:
        raise ValidationError({"household_no": [f"户编号 {no} 不存在，或不在您的管辖范围内"]})
    return h


@login_required
def link_detail(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(BenefitLink.objects.visible_to(request.user).select_related(
        "household", "project", "area"), pk=pk)
    form = forms.PayoutForm(request.POST or None, initial={"paid_on": dt.date.today()})
    status = 200
    if request.method == "POST":
        _writer(request)
        if form.is_valid():
            d = form.cleaned_data
            try:
                benefits.add_payout(actor=me(request), link=link, paid_on=d["paid_on"],
                                    amount=d["amount"], note=d.get("note", ""))
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, "已登记发放，计入该户当年收入")
                return redirect("projects:link_detail", pk=pk)
        else:
            status = 400
    return render(request, "projects/link_detail.html", {
        "link": link, "payouts": link.payouts.all()[:500], "form": form}, status=status)


class PayoutListView(ObjectListView):
    model = Payout
    filterset_class = filters.PayoutFilterSet
    table_class = tables.PayoutTable
    title = "联结收益发放"

    def get_queryset(self) -> QuerySet[Any]:
        return Payout.objects.visible_to(self.request.user).select_related("link__household")


class AssetListView(ObjectListView):
    model = Asset
    filterset_class = filters.AssetFilterSet
    table_class = tables.AssetTable
    title = "项目资产"

    def get_queryset(self) -> QuerySet[Any]:
        return Asset.objects.visible_to(self.request.user).select_related("project", "area")


@login_required
def asset_detail(request: HttpRequest, pk: int) -> HttpResponse:
    asset = get_object_or_404(Asset.objects.visible_to(request.user).select_related("project"),
                              pk=pk)
    form = forms.AssetIncomeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        _writer(request)
        if form.is_valid():
            try:
                benefits.record_asset_income(actor=me(request), asset=asset,
                                             year=form.cleaned_data["year"],
                                             amount=form.cleaned_data["amount"])
            except ValidationError as exc:
                apply_errors(form, exc)
                status = 400
            else:
                messages.success(request, "已登记资产收益")
                return redirect("projects:asset_detail", pk=pk)
        else:
            status = 400
    return render(request, "projects/asset_detail.html",
                  {"asset": asset, "incomes": asset.incomes.all(), "form": form}, status=status)


class SaleListView(ObjectListView):
    model = ConsumptionSale
    filterset_class = filters.SaleFilterSet
    table_class = tables.SaleTable
    title = "消费帮扶"
    add_url_name = "projects:sale_add"

    def get_queryset(self) -> QuerySet[Any]:
        return ConsumptionSale.objects.visible_to(self.request.user).select_related("area")


class SaleAddView(ServiceFormView):
    form_class = forms.SaleForm
    title = "登记消费帮扶销售"

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        if d["seller_kind"] == "household":
            _household(self.request, d.get("household_no", ""))
        benefits.record_sale(actor=me(self.request), area_code=d.get("area", ""),
                             seller_kind=d["seller_kind"], channel=d["channel"],
                             product=d["product"], amount=d["amount"], sold_on=d["sold_on"],
                             household_no=d.get("household_no", ""),
                             seller_name=d.get("seller_name", ""))
        return reverse_lazy("projects:sale_list")


# -- import ----------------------------------------------------------------------------------


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    _writer(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from fupin.core.jobs import start_job

        upload = form.cleaned_data["file"]
        folder = Path(settings.VAR_DIR) / "projects" / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with open(target, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        user: Any = request.user
        kind = form.cleaned_data["kind"]
        job = start_job("projects_import", f"导入{KINDS[kind][0]} {upload.name}", user=user,
                        area_code=(user.scope_codes or ("",))[0],
                        params={"kind": kind, "path": str(target), "file_name": upload.name,
                                "user_id": user.pk, "dry_run": form.cleaned_data["dry_run"]})
        return redirect("job_detail", pk=job.pk)
    return render(request, "projects/import.html", {"form": form, "kinds": KINDS},
                  status=400 if request.method == "POST" else 200)


@login_required
def import_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user).filter(kind="projects_import"),
                            pk=pk)
    return render(request, "projects/import_result.html", {"job": job, "r": job.result or {}})


@login_required
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user).filter(kind="projects_import"),
                            pk=pk)
    path = (job.result or {}).get("report")
    if not path or not Path(path).exists():
        raise Http404("没有未通过的行")
    return FileResponse(open(path, "rb"), as_attachment=True,
                        filename=f"未通过的行_{job.pk}.xlsx")


@login_required
def template_view(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("没有这种模板")
    from urllib.parse import quote

    from fupin.core.generic import XLSX

    resp = HttpResponse(template_bytes(kind), content_type=XLSX)
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(KINDS[kind][0] + '导入模板.xlsx')}"
    return resp
