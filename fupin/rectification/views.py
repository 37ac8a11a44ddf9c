"""Thin views over rectification services; every queryset through visible_to."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from fupin.accounts.actors import actor_of
from fupin.accounts.models import User
from fupin.core.generic import ObjectListView, ServiceFormView, get_scoped_object, xlsx_response
from fupin.core.locking import OptimisticLockMixin
from fupin.core.privacy import log_access
from fupin.registry.models import Household

from . import sampling, services
from .filters import ProblemFilter, SpotCheckFilter
from .forms import (
    ActionForm,
    CheckResultForm,
    EvidenceForm,
    ProblemEditForm,
    ProblemForm,
    SpotCheckForm,
)
from .models import Evidence, Problem, SpotCheck, SpotCheckItem
from .tables import FIVE_LISTS, ProblemTable, SpotCheckTable, list_kwargs


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


class ProblemListView(ObjectListView):
    """One view for the five lists: `kind` picks the columns of the same records."""

    model = Problem
    filterset_class = ProblemFilter
    table_class = ProblemTable
    template_name = "rectification/problem_list.html"
    add_url_name = "rectification:problem_add"

    @property
    def kind(self) -> str:
        kind = self.kwargs.get("kind", "problem")
        if kind not in FIVE_LISTS:
            raise Http404("没有这个清单")
        return kind

    def get_title(self) -> str:
        return FIVE_LISTS[self.kind][0]

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area", "household", "found_by", "rectified_by",
                                                     "verified_by")

    def get_table_kwargs(self) -> dict[str, Any]:
        return list_kwargs(self.kind)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["lists"] = [(k, v[0]) for k, v in FIVE_LISTS.items()]
        ctx["kind"] = self.kind
        return ctx

    def export_xlsx(self) -> HttpResponse:
        filterset = self.get_filterset(self.get_filterset_class())
        qs = filterset.qs if filterset.is_valid() else self.get_queryset().none()
        table = ProblemTable(qs, **list_kwargs(self.kind))
        columns = list(table.columns)
        log_access(self.request.user, "export", "rectification.Problem", self.kind,
                   detail=self.request.GET.urlencode()[:300])
        rows = ([str(row.get_cell_value(c.name) or "") for c in columns] for row in table.rows)
        name = self.get_title()
        return xlsx_response(f"{name}_{timezone.localdate():%Y%m%d}.xlsx", [str(c.header) for c in columns],
                             rows, name)


@login_required
def problem_detail(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_scoped_object(Problem, request.user, pk=pk)
    actions = [(a, label) for a, (sources, _, label) in services.TRANSITIONS.items() if problem.state in sources]
    return render(request, "rectification/problem_detail.html", {
        "problem": problem, "events": problem.events.select_related("actor"),
        "evidence": problem.evidence.all(), "actions": actions, "form": ActionForm(),
        "evidence_form": EvidenceForm(prefix="ev"), "today": timezone.localdate()})


@login_required
@require_POST
def problem_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    problem = get_scoped_object(Problem, request.user, pk=pk)
    form = ActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "输入有误：" + form.errors.as_text())
        return redirect(problem)
    d = form.cleaned_data
    try:
        services.transition(actor=actor_of(request), problem=problem, action=action, note=d["note"],
                            plan=d["plan"], effect=d["effect"], deadline=d["deadline"])
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or "没有权限")
    else:
        messages.success(request, "已保存")
    return redirect(problem)


@login_required
@require_POST
def problem_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_scoped_object(Problem, request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES, prefix="ev")
    if form.is_valid():
        try:
            services.add_evidence(actor=actor_of(request), problem=problem, upload=form.cleaned_data["file"],
                                  note=form.cleaned_data["note"])
            messages.success(request, "佐证材料已上传")
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
    else:
        messages.error(request, "请选择要上传的文件")
    return redirect(problem)


@login_required
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    ev = get_scoped_object(Evidence, request.user, pk=pk)
    log_access(request.user, "download", "rectification.Evidence", ev.pk, ev.problem.area_id)
    return FileResponse(ev.file.open("rb"), content_type=ev.content_type, as_attachment=True, filename=ev.name)


class ProblemCreateView(ServiceFormView):
    form_class = ProblemForm
    title = "登记问题"

    def get_initial(self) -> dict[str, Any]:
        initial = super().get_initial()
        household = self.request.GET.get("household")
        if household and household.isdigit():
            h = Household.objects.visible_to(self.request.user).filter(pk=household).first()
            if h:
                initial["household_no"] = h.household_no
        return initial

    def perform(self, form: Any) -> Any:
        d = dict(form.cleaned_data)
        no = d.pop("household_no")
        username = d.pop("owner_username")
        household = None
        if no:
            household = Household.objects.visible_to(self.request.user).filter(household_no=no).first()
            if household is None:
                raise ValidationError({"household_no": f"户编号 {no} 不存在或不在您的管辖范围内"})
        owner = None
        if username:
            owner = User.objects.filter(username=username).first()
            if owner is None:
                raise ValidationError({"owner_username": f"账号“{username}”不存在"})
        return services.create_problem(actor=actor_of(self.request), household=household, owner=owner, **d)


class ProblemEditView(OptimisticLockMixin, ServiceFormView):
    form_class = ProblemEditForm
    title = "调整责任与时限"

    def get_lock_object(self) -> Problem:
        return self.problem()

    def problem(self) -> Problem:
        return get_scoped_object(Problem, self.request.user, pk=self.kwargs["pk"])

    def get_initial(self) -> dict[str, Any]:
        p = self.problem()
        return {f: getattr(p, f) for f in ("category", "responsible_unit", "owner_name", "deadline", "plan")}

    def perform(self, form: Any) -> Any:
        return services.update_problem(actor=self.request.user, problem=self.problem(), **form.cleaned_data)


class SpotCheckListView(ObjectListView):
    model = SpotCheck
    filterset_class = SpotCheckFilter
    table_class = SpotCheckTable
    title = "随机抽查"
    add_url_name = "rectification:spotcheck_add"
    template_name = "rectification/spotcheck_list.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("area", "inspector").annotate(
            checked=Count("items", filter=~Q(items__result="pending")),
            problems=Count("items", filter=Q(items__result="problem"))).order_by("-month", "-id")


class SpotCheckCreateView(ServiceFormView):
    form_class = SpotCheckForm
    title = "抽取随机样本"

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        return sampling.draw(actor=actor_of(self.request), area_code=d["area"].strip(), month=d["month"],
                             kind=d["kind"], size=d["size"], seed=d["seed"], note=d["note"])


@login_required
def spotcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    check = get_scoped_object(SpotCheck, request.user, pk=pk)
    items = check.items.select_related("household__area", "helper", "problem")
    return render(request, "rectification/spotcheck_detail.html", {
        "check": check, "items": items, "form": CheckResultForm()})


@login_required
@require_POST
def spotcheck_record(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_scoped_object(SpotCheckItem, request.user, pk=pk)
    form = CheckResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, "输入有误：" + form.errors.as_text())
        return redirect(item.spotcheck)
    try:
        sampling.record_result(actor=actor_of(request), item=item, **form.cleaned_data)
        messages.success(request, f"第 {item.position} 项已记录")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect(item.spotcheck)
