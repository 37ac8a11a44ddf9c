"""Monitoring pages: warnings inbox, sweeps, rules, settings, risk events, rosters.

Every queryset goes through `visible_to(user)`; a line department (data_provider) sees
only its roster uploads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fupin.accounts import policy
from fupin.accounts.actors import actor_of
from fupin.accounts.models import Role, User
from fupin.accounts.scope import can_write_area
from fupin.core.generic import ObjectDetailView, ObjectListView, ServiceFormView, apply_errors
from fupin.core.jobs import start_job
from fupin.core.locking import OptimisticLockMixin
from fupin.registry.models import Household

from . import services
from .filters import WarningFilter
from .forms import (
    DismissForm,
    EventForm,
    EventUploadForm,
    RosterForm,
    RuleEditForm,
    RuleForm,
    SettingForm,
    SettingKeyForm,
    SweepForm,
)
from .jobs import SWEEP_JOB
from .lines import describe_missing, missing_lines
from .models import Roster, Rule, Setting, SettingKey, Sweep, Warning, WarningStatus
from .services.explain import fmt
from .services.features import FEATURES, household_features, labels
from .services.roster import can_upload, upload_roster
from .services.rules import can_edit_rule, is_rule_admin, require_rule_edit
from .tables import RosterTable, RuleTable, SettingTable, SweepTable, WarningTable


def deny_data_provider(user: Any) -> None:
    if user.is_authenticated and not policy.can(user, "monitoring.view"):
        raise PermissionDenied("行业部门账号只能上传部门名册")


class MonitoringMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            deny_data_provider(request.user)
        return super().dispatch(request, *args, **kwargs)


def case_add_url(warning: Warning) -> str:
    """Link to open an identification case, only if the cases app serves it."""
    try:
        base = reverse("cases:case_add")
    except NoReverseMatch:
        return ""
    return f"{base}?household={warning.household_id}&warning={warning.pk}&channel=warning"


# ---------------------------------------------------------------- warnings

class WarningListView(MonitoringMixin, ObjectListView):
    model = Warning
    filterset_class = WarningFilter
    table_class = WarningTable
    title = "预警"
    template_name = "monitoring/warning_list.html"

    def get_queryset(self) -> QuerySet[Warning]:
        return Warning.objects.visible_to(self.request.user).select_related(
            "household", "rule", "rule_version", "assigned_to")

    def get_filterset_kwargs(self, filterset_class: Any) -> dict[str, Any]:
        """The inbox opens on the open warnings; `?status=` (empty) shows every status."""
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = kwargs.get("data")
        if data is None or ("status" not in data and "stage" not in data):
            data = data.copy() if data is not None else QueryDict(mutable=True)
            data["stage"] = "new"
            kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        fs = ctx.get("filter")
        qs = fs.qs if fs is not None and fs.is_valid() else self.get_queryset().none()
        ctx["by_rule"] = list(qs.order_by().values("rule__code", "rule__name").annotate(
            n=Count("id")).order_by("-n")[:30])
        ctx["by_village"] = list(qs.order_by().values(area_code=F("area_id")).annotate(
            n=Count("id")).order_by("-n")[:30])
        ctx["can_sweep"] = self.request.user.is_writer
        ctx["stages"] = _stage_counts(self.get_queryset())
        ctx["missing_lines"] = describe_missing(missing_lines(_user_area(self.request.user)))
        return ctx


def _user_area(user: Any) -> str:
    from fupin.accounts.scope import scope_prefixes
    prefixes = list(scope_prefixes(user)) if not getattr(user, "is_superuser", False) else [""]
    return prefixes[0] if len(prefixes) == 1 else ""


def _stage_counts(qs: QuerySet[Warning]) -> list[tuple[str, str, int]]:
    """The inbox's three trays: new, in an identification procedure, decided."""
    in_procedure = Q(household__cases__status="open", household__cases__kind="identification")
    open_ = qs.filter(status=WarningStatus.OPEN)
    busy = open_.filter(in_procedure).values("pk").distinct().count()
    return [("new", "新预警（未立案）", open_.count() - busy), ("in_procedure", "识别办理中", busy),
            ("decided", "已认定", qs.filter(status=WarningStatus.DECIDED).count())]


class WarningDetailView(MonitoringMixin, ObjectDetailView):
    model = Warning
    template_name = "monitoring/warning_detail.html"

    def get_queryset(self) -> QuerySet[Warning]:
        return Warning.objects.visible_to(self.request.user).select_related(
            "household", "rule", "rule_version", "last_version", "assigned_to", "dismissed_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        w: Warning = self.object
        names = labels()
        ctx["value_rows"] = [(names.get(k, k), k, fmt(k, v)) for k, v in w.values.items()]
        ctx["case_url"] = case_add_url(w)
        ctx["can_act"] = can_write_area(self.request.user, w.area_code)
        ctx["dismiss_form"] = DismissForm()
        ctx["assignees"] = User.objects.filter(is_active=True).filter(
            Q(is_superuser=True) | Q(scopes__area__code__in=[
                w.area_code[:n] for n in (2, 4, 6, 9, 12)])).exclude(
            role__in=[r for r in Role if r not in policy.roles_for("monitoring.view")]).distinct().order_by("username")[:200]
        ctx["history"] = Warning.objects.visible_to(self.request.user).filter(
            household_id=w.household_id, rule_id=w.rule_id).exclude(pk=w.pk)[:20]
        return ctx


def _warning_for_action(request: HttpRequest, pk: int) -> Warning:
    deny_data_provider(request.user)
    return get_object_or_404(Warning.objects.visible_to(request.user), pk=pk)


@login_required
@require_POST
def warning_assign(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning_for_action(request, pk)
    uid = request.POST.get("user") or ""
    user = User.objects.filter(pk=uid).first() if uid.isdigit() else None
    try:
        services.assign(actor=actor_of(request), warning=warning, user=user)
        messages.success(request, f"已指派给 {user}" if user else "已取消指派")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(warning.get_absolute_url())


@login_required
@require_POST
def warning_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning_for_action(request, pk)
    try:
        services.dismiss(actor=actor_of(request), warning=warning, reason=request.POST.get("reason", ""))
        messages.success(request, "已排除，理由已记录")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(warning.get_absolute_url())


@login_required
@require_POST
def warning_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    warning = _warning_for_action(request, pk)
    try:
        services.reopen(actor=actor_of(request), warning=warning)
        messages.success(request, "已恢复为预警中")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(warning.get_absolute_url())


# ---------------------------------------------------------------- sweeps

class SweepListView(MonitoringMixin, ObjectListView):
    model = Sweep
    table_class = SweepTable
    title = "排查记录"
    filterset_class = None
    filterset_fields = ["kind", "area_code"]
    template_name = "monitoring/sweep_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        codes = getattr(self.request.user, "scope_codes", ())
        ctx["form"] = SweepForm(initial={"area_code": codes[0] if codes else ""})
        ctx["can_sweep"] = self.request.user.is_writer
        return ctx


class SweepDetailView(MonitoringMixin, ObjectDetailView):
    model = Sweep
    template_name = "monitoring/sweep_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        names = dict(Rule.objects.values_list("code", "name"))
        ctx["rows"] = [(code, names.get(code, code), s) for code, s in
                       sorted(self.object.per_rule.items())]
        return ctx


@login_required
@require_POST
def sweep_start(request: HttpRequest) -> HttpResponse:
    deny_data_provider(request.user)
    form = SweepForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("monitoring:sweep_list")
    area = (form.cleaned_data["area_code"] or "").strip()
    if not request.user.is_superuser and (not area or not can_write_area(request.user, area)):
        messages.error(request, f"区划 {area or '全部'} 不在您可排查的范围内")
        return redirect("monitoring:sweep_list")
    as_of = form.cleaned_data.get("as_of")
    job = start_job(SWEEP_JOB, f"排查 {area or '全部'}", user=request.user, area_code=area,
                    params={"area": area, "as_of": as_of.isoformat() if as_of else "",
                            "user_id": request.user.pk})
    return redirect("job_detail", pk=job.pk)


# ---------------------------------------------------------------- rules

class RuleListView(MonitoringMixin, ObjectListView):
    model = Rule
    table_class = RuleTable
    filterset_class = None
    filterset_fields = ["kind", "severity", "active"]
    title = "监测规则"
    template_name = "monitoring/rule_list.html"

    def get_queryset(self) -> QuerySet[Rule]:
        return Rule.objects.select_related("current_version").all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["is_admin"] = is_rule_admin(self.request.user)
        ctx["features"] = [(n, label) for n, (label, kind) in FEATURES.items() if kind == "num"]
        ctx["setting_keys"] = SettingKey.objects.all()
        ctx["missing_lines"] = describe_missing(missing_lines(_user_area(self.request.user)))
        return ctx


class RuleDetailView(MonitoringMixin, ObjectDetailView):
    model = Rule
    template_name = "monitoring/rule_detail.html"

    def get_queryset(self) -> QuerySet[Rule]:
        return Rule.objects.all()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["versions"] = self.object.versions.select_related("created_by").all()
        ctx["open_count"] = Warning.objects.visible_to(self.request.user).filter(
            rule=self.object, status=WarningStatus.OPEN).count()
        ctx["is_admin"] = can_edit_rule(self.request.user, self.object)
        # A county admin switches an everywhere-rule on or off for its own areas only.
        from .models import RuleAreaSwitch
        codes: tuple[str, ...] = getattr(self.request.user, "scope_codes", ())
        ctx["can_switch"] = (not self.object.area_code and is_rule_admin(self.request.user)
                             and bool(codes))
        ctx["switches"] = RuleAreaSwitch.objects.visible_to(self.request.user).filter(
            rule=self.object)
        ctx["switch_areas"] = [c for c in codes if len(c) in (6, 9, 12)]
        return ctx


@login_required
@require_POST
def rule_area_switch(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(Rule, pk=pk)
    try:
        services.set_rule_active_in_area(actor=actor_of(request), rule=rule,
                                         area_code=request.POST.get("area_code", ""),
                                         active=request.POST.get("active") == "1",
                                         note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已保存：" + ("本辖区启用" if request.POST.get("active") == "1"
                                             else "本辖区停用，辖区内该规则的预警已解除"))
    return redirect(rule.get_absolute_url())


class RuleAddView(MonitoringMixin, ServiceFormView):
    form_class: Any = RuleForm
    title = "新增监测规则"
    success_message = "规则已保存（第 1 版）"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not is_rule_admin(request.user):
            raise PermissionDenied("只有县级管理员可以修改监测规则")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form: Any) -> Any:
        return services.create_rule(actor=actor_of(self.request), **form.cleaned_data)


class RuleEditView(OptimisticLockMixin, RuleAddView):
    form_class = RuleEditForm
    title = "修改监测规则（保存为新版本）"
    success_message = "已保存为新版本；已有预警保留触发时的版本"

    def get_rule(self) -> Rule:
        return get_object_or_404(Rule, pk=self.kwargs["pk"])

    def get_lock_object(self) -> Rule:
        return self.get_rule()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not can_edit_rule(request.user, self.get_rule()):
            require_rule_edit(request.user, self.get_rule())
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        r = self.get_rule()
        return {"code": r.code, "name": r.name, "condition": r.condition, "severity": r.severity,
                "explanation": r.explanation, "description": r.description, "active": r.active}

    def perform(self, form: Any) -> Any:
        data = dict(form.cleaned_data)
        data.pop("code", None)
        note = data.pop("note", "")
        return services.update_rule(actor=self.request.user, rule=self.get_rule(),
                                    changes=data, note=note)


# ---------------------------------------------------------------- settings

class SettingListView(MonitoringMixin, ObjectListView):
    model = Setting
    table_class = SettingTable
    filterset_class = None
    filterset_fields = ["key", "area_code"]
    title = "监测参数"
    template_name = "monitoring/setting_list.html"

    def get_queryset(self) -> QuerySet[Setting]:
        return Setting.objects.visible_to(self.request.user).select_related("key", "updated_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["is_admin"] = is_rule_admin(self.request.user)
        ctx["history"] = Setting.history.filter(  # type: ignore[attr-defined]
            id__in=self.get_queryset().values("id")).select_related("history_user")[:50]
        ctx["missing_lines"] = describe_missing(missing_lines(_user_area(self.request.user)))
        return ctx


class SettingAddView(RuleAddView):
    form_class = SettingForm
    title = "设置监测参数"
    success_message = "参数已保存（修改记录已保留）"

    def get_initial(self) -> dict[str, Any]:
        codes = getattr(self.request.user, "scope_codes", ())
        return {"area_code": codes[0] if codes else "", "key": self.request.GET.get("key")}

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        services.set_setting(actor=actor_of(self.request), key=d["key"].key, value=d["value"],
                             area_code=d["area_code"], year_from=d["year_from"],
                             source_doc=d["source_doc"], verified=d.get("verified"))
        return reverse("monitoring:setting_list")


class SettingKeyAddView(RuleAddView):
    form_class = SettingKeyForm
    title = "新增参数项"
    success_message = "参数项已新增，可在规则条件中使用"

    def perform(self, form: Any) -> Any:
        services.add_setting_key(actor=actor_of(self.request), **form.cleaned_data)
        return reverse("monitoring:setting_list")


# ---------------------------------------------------------------- risk events

class EventAddView(MonitoringMixin, ServiceFormView):
    form_class = EventForm
    title = "登记风险事件"
    success_message = "风险事件已登记，已即时复核该户的预警"

    def get_household(self) -> Household:
        pk = self.request.GET.get("household") or self.request.POST.get("household") or ""
        if not str(pk).isdigit():
            raise PermissionDenied("缺少户（?household=）")
        return get_object_or_404(Household.objects.visible_to(self.request.user), pk=pk)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        h = self.get_household()
        ctx["title"] = f"登记风险事件：{h.household_no} {h.head_name}"
        return ctx

    def perform(self, form: Any) -> Any:
        h = self.get_household()
        d = form.cleaned_data
        services.add_event(actor=actor_of(self.request), household=h, kind=d["kind"], date=d["date"],
                           amount=d["amount"] or 0, note=d["note"])
        nxt = self.request.GET.get("next", "")
        if nxt and url_has_allowed_host_and_scheme(nxt, {self.request.get_host()}):
            return nxt
        try:  # back to the registry's household page when it exists
            return reverse("registry:household_detail", args=[h.pk])
        except NoReverseMatch:
            return reverse("monitoring:household_panel", args=[h.pk])


@login_required
def household_panel(request: HttpRequest, pk: int) -> HttpResponse:
    """The household's events, warnings and features (the panel the household page includes)."""
    deny_data_provider(request.user)
    household = get_object_or_404(Household.objects.visible_to(request.user), pk=pk)
    feats = household_features(timezone.localdate(), [household.pk])
    names = labels()
    return render(request, "monitoring/household.html", {
        "household": household,
        "features": [(names.get(k, k), v) for k, v in (feats[0].items() if feats else [])
                     if k not in ("household_id",)],
    })


@login_required
def event_upload(request: HttpRequest) -> HttpResponse:
    """Department upload of risk events (csv/xlsx), matched by resident ID or household no."""
    user = actor_of(request)
    if not (getattr(user, "is_writer", False) or can_upload(user)):
        raise PermissionDenied("您的角色不能上传风险事件")
    form = EventUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            if f.size > 50 * 1024 * 1024:
                raise ValidationError({"file": "文件不能超过 50 MB"})
            result = services.upload_events(actor=user, filename=f.name, content=f.read(),
                                            source_detail=form.cleaned_data["source_detail"])
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(request, "monitoring/event_upload.html", {"form": form, "result": result,
                                                            "title": "上传风险事件"})


# ---------------------------------------------------------------- rosters

class RosterMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not policy.can(request.user, "monitoring.roster_view"):
            raise PermissionDenied("您的角色不能查看部门名册")
        return super().dispatch(request, *args, **kwargs)


def rosters_for(user: Any) -> QuerySet[Roster]:
    qs = Roster.objects.visible_to(user)
    if not policy.can(user, "monitoring.roster_view_all"):
        qs = qs.filter(uploaded_by=user)
    return qs


class RosterListView(RosterMixin, ObjectListView):
    model = Roster
    table_class = RosterTable
    filterset_class = None
    filterset_fields = ["kind", "active"]
    title = "部门筛查名册"
    template_name = "monitoring/roster_list.html"

    def get_queryset(self) -> QuerySet[Roster]:
        return rosters_for(self.request.user)


class RosterDetailView(RosterMixin, ObjectDetailView):
    model = Roster
    template_name = "monitoring/roster_detail.html"

    def get_queryset(self) -> QuerySet[Roster]:
        return rosters_for(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["sees_warnings"] = policy.can(self.request.user, "monitoring.view")
        return ctx


class RosterUploadView(RosterMixin, ServiceFormView):
    form_class = RosterForm
    title = "上传部门名册"
    success_message = "名册已上传并完成比对"

    def get_initial(self) -> dict[str, Any]:
        codes = getattr(self.request.user, "scope_codes", ())
        return {"area_code": codes[0] if codes else ""}

    def perform(self, form: Any) -> Any:
        d = form.cleaned_data
        f = d["file"]
        if f.size > 50 * 1024 * 1024:
            raise ValidationError({"file": "文件不能超过 50 MB"})
        return upload_roster(actor=actor_of(self.request), kind=d["kind"], name=d["name"],
                             area_code=d["area_code"], as_of=d["as_of"], filename=f.name,
                             content=f.read(), department=d["department"])

