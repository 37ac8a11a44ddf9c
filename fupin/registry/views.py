"""Registry pages: household list, detail with history, and the forms that call services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponseBase
from django.urls import reverse
from django.utils.safestring import mark_safe

from fupin.accounts.actors import actor_of
from fupin.accounts.scope import can_write_area
from fupin.areas.filters import area_tree
from fupin.core.generic import ObjectDetailView, ObjectListView, ServiceFormView, get_scoped_object
from fupin.core.locking import OptimisticLockMixin
from fupin.core.privacy import (
    log_access,
    sees_personal,
    shown_account,
    shown_birth,
    shown_phone,
    shown_resident_id,
)

from . import services
from .filters import HouseholdFilterSet
from .forms import (
    AssessmentForm,
    HouseholdCreateForm,
    HouseholdForm,
    IncomeForm,
    MemberForm,
    MemberLeaveForm,
)
from .history import household_history
from .models import Household, Member, MemberEvent
from .panels import panels as household_panels
from .tables import HouseholdTable


def active_member_count() -> Coalesce:
    """Correlated subquery: active members of the outer household (evaluated per page row)."""
    counts = (Member.objects.filter(household_id=OuterRef("pk"), status="active")
              .order_by().values("household_id").annotate(n=Count("*")).values("n"))
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def household_url(household: Household | int) -> str:
    pk = household if isinstance(household, int) else household.pk
    return reverse("registry:household_detail", kwargs={"pk": pk})


class HouseholdListView(ObjectListView):
    model = Household
    filterset_class = HouseholdFilterSet
    table_class = HouseholdTable
    template_name = "registry/household_list.html"
    title = "农户名册"
    add_url_name = "registry:household_add"
    export_filename = "农户名册"

    def get_queryset(self) -> QuerySet[Household]:
        return (super().get_queryset().select_related("area")
                .annotate(member_count=active_member_count()))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["area_tree"] = area_tree(self.request.user)
        ctx["current_area"] = self.request.GET.get("area", "")
        params = self.request.GET.copy()
        for key in ("area", "page", "export"):
            params.pop(key, None)
        ctx["query_without_area"] = params.urlencode()
        ctx["area_tree_html"] = area_tree_html(ctx["area_tree"], ctx["current_area"],
                                               ctx["query_without_area"])
        return ctx


def area_tree_html(tree: list[Any], current: str, query: str) -> str:
    """The area picker (counties > townships > villages as nested <details>), built in
    Python: a county admin's two thousand village links cost a second in the template
    language and a few milliseconds here."""
    from html import escape as esc  # plain str -> str: Django's lazy-aware escape costs 4x

    base = "?" + esc(query) + ("&amp;" if query else "") + "area="

    def link(node: Any, cls: str = "") -> str:
        bold = " fw-bold text-danger" if current == node.code else ""
        return (f'<a href="{base}{esc(str(node.code))}" class="{cls}{bold}">'
                f"{esc(str(node.name))}</a>")

    out: list[str] = []
    for county in tree:
        is_open = current[:6] == county.code or len(tree) == 1
        out.append(f'<details {"open" if is_open else ""}><summary class="small">{link(county)}</summary>')
        for town in county.children:
            out.append(f'<details class="ms-3" {"open" if current[:9] == town.code else ""}>'
                       f'<summary class="small">{link(town)}</summary><ul class="list-unstyled ms-3 mb-1">')
            out.extend(f"<li>{link(v, 'small')}</li>" for v in town.children)
            out.append("</ul></details>")
        out.append("</details>")
    return mark_safe("".join(out))  # every value above is escaped


class HouseholdDetailView(ObjectDetailView):
    model = Household
    template_name = "registry/household_detail.html"

    def get_queryset(self) -> QuerySet[Household]:
        return super().get_queryset().select_related("area")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        hh: Household = self.object
        user = self.request.user
        members = list(hh.members.order_by("status", "id"))
        for m in members:
            m.shown_resident_id = shown_resident_id(user, m.resident_id)  # type: ignore[attr-defined]
            m.shown_phone = shown_phone(user, m.phone)  # type: ignore[attr-defined]
            m.shown_birth = shown_birth(user, m.birth_date)  # type: ignore[attr-defined]
        events = list(MemberEvent.objects.filter(member__household=hh)
                      .select_related("member", "related_household").order_by("-date", "-id"))
        for e in events:  # a birth's date is a birth date: the year only for masked roles
            e.shown_date = (shown_birth(user, e.date)  # type: ignore[attr-defined]
                            if e.kind == "birth" else f"{e.date:%Y-%m-%d}")
        ctx.update({
            "members": members,
            "active_count": sum(1 for m in members if m.status == "active"),
            "sees_health": sees_personal(user),
            "shown_phone": shown_phone(user, hh.phone),
            "shown_account": shown_account(user, hh.bank_account),
            "incomes": list(hh.incomes.order_by("-year")),
            "assessments": list(hh.assessments.all()),
            "statuses": list(hh.statuses.order_by("-valid_from", "-id")),
            "events": events,
            "history": household_history(hh, user),
            "can_write": can_write_area(user, hh.area_id),
            "area_path": " / ".join(a.name for a in hh.area.ancestors()
                                    if a.level in ("county", "township")),
            "panels": household_panels(),
        })
        if sees_personal(user):
            log_access(user, "view", "registry.Household", hh.pk, hh.area_id,
                       detail="查看农户详情（未脱敏）")
        return ctx


# ---------------------------------------------------------------- forms

class RegistryFormView(ServiceFormView):
    """A form on one household (or member) the user may change: 404 outside scope, 403 for
    read-only roles; the object is loaded before anything else happens."""

    target_model: type[Household] | type[Member] = Household

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.target = self.load_target()
        area = self.target.area_id if self.target is not None else None
        if area is not None and not can_write_area(request.user, area):
            raise PermissionDenied("您的角色只能查看，不能修改建档立卡数据")
        if area is None and not getattr(request.user, "is_writer", False):
            raise PermissionDenied("您的角色只能查看，不能修改建档立卡数据")
        return super().dispatch(request, *args, **kwargs)

    def load_target(self) -> Any:
        return get_scoped_object(self.target_model, self.request.user, pk=self.kwargs["pk"])

    @property
    def household(self) -> Household:
        t = self.target
        return t.household if isinstance(t, Member) else t

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        if self.target is not None:
            ctx["household"] = self.household
            ctx["back_url"] = household_url(self.household)
        return ctx


class HouseholdCreateView(RegistryFormView):
    form_class = HouseholdCreateForm
    title = "新建农户（含户主）"
    success_message = "农户已建档"
    template_name = "registry/form.html"

    def load_target(self) -> None:
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def perform(self, form: HouseholdCreateForm) -> str:
        try:
            hh = services.create_household(actor=actor_of(self.request), data=form.service_data(),
                                           members=[form.head_data()])
        except ValidationError as exc:
            raise ValidationError({form.service_field(k): v
                                   for k, v in exc.message_dict.items()}) from None
        return household_url(hh)


class HouseholdEditView(OptimisticLockMixin, RegistryFormView):
    form_class = HouseholdForm

    def get_lock_object(self) -> Household:
        return self.target
    template_name = "registry/form.html"
    success_message = "农户信息已保存"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user, "household": self.target}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"修改农户 {self.target.household_no}"
        if self.request.method == "GET":  # the form shows phone and bank account in full
            log_access(self.request.user, "view", "registry.Household", self.target.pk,
                       self.target.area_id, detail="打开农户修改页（未脱敏）")
        return ctx

    def perform(self, form: HouseholdForm) -> str:
        changes = form.changes()
        if changes:
            services.update_household(actor=self.request.user, household=self.target,
                                      changes=changes)
        else:
            self.success_message = "没有修改"
        return household_url(self.target)


class MemberAddView(RegistryFormView):
    form_class = MemberForm
    template_name = "registry/form.html"
    success_message = "成员已添加"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"添加成员 · 户 {self.target.household_no}"
        return ctx

    def perform(self, form: MemberForm) -> str:
        data = form.service_data()
        event = form.cleaned_data.get("event") or "moved_in"
        services.add_member(actor=actor_of(self.request), household=self.target, data=data,
                            event=event, date=data.get("joined_on"))
        return household_url(self.target)


class MemberEditView(OptimisticLockMixin, RegistryFormView):
    target_model = Member

    def get_lock_object(self) -> Member:
        return self.target
    form_class = MemberForm
    template_name = "registry/form.html"
    success_message = "成员信息已保存"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "member": self.target}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"修改成员 {self.target.name} · 户 {self.household.household_no}"
        if self.request.method == "GET":  # the form shows the resident ID, phone, health
            log_access(self.request.user, "view", "registry.Member", self.target.pk,
                       self.household.area_id, detail="打开成员修改页（未脱敏）")
        return ctx

    def perform(self, form: MemberForm) -> str:
        changes = form.changes()
        if changes:
            services.update_member(actor=self.request.user, member=self.target, changes=changes)
        else:
            self.success_message = "没有修改"
        return household_url(self.household)


class MemberLeaveView(RegistryFormView):
    target_model = Member
    form_class = MemberLeaveForm
    template_name = "registry/form.html"
    success_message = "成员离户已登记"

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"成员离户 · {self.target.name}（户 {self.household.household_no}）"
        return ctx

    def perform(self, form: MemberLeaveForm) -> str:
        d = form.cleaned_data
        services.record_member_event(actor=actor_of(self.request), member=self.target, kind=d["kind"],
                                     date=d["date"], note=d.get("note", ""),
                                     to_household=d.get("to_household_no"))
        return household_url(self.household)


class IncomeView(RegistryFormView):
    form_class = IncomeForm
    template_name = "registry/form.html"
    success_message = "收入已保存"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"登记年度收入 · 户 {self.target.household_no}"
        ctx["help"] = "同一年度再次登记将覆盖原数；家庭纯收入和人均纯收入由系统计算。"
        return ctx

    def perform(self, form: IncomeForm) -> str:
        d = form.cleaned_data
        services.set_income(actor=actor_of(self.request), household=self.target, year=d["year"],
                            components=form.components(),
                            members_counted=d.get("members_counted"), source=d.get("source", ""))
        return household_url(self.target)


class AssessmentView(RegistryFormView):
    form_class = AssessmentForm
    template_name = "registry/form.html"
    success_message = "评估已登记"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        ctx["title"] = f"住房/饮水安全评估 · 户 {self.target.household_no}"
        return ctx

    def perform(self, form: AssessmentForm) -> str:
        d = form.cleaned_data
        services.record_assessment(actor=actor_of(self.request), household=self.target,
                                   kind=d["kind"], assessed_on=d["assessed_on"],
                                   **form.service_fields())
        return household_url(self.target)
