from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.generic import TemplateView

from fupin.accounts.scope import area_in_scope
from fupin.areas.models import Area, AreaLevel
from fupin.core.generic import xlsx_response
from fupin.core.privacy import log_access
from fupin.rectification.models import UNRESOLVED_STATES, Problem, ProblemState
from fupin.registry.models import Household

from .. import services
from ..choices import VisitKind
from ..models import Plan
from ..tables import OverdueTable


class OverdueView(LoginRequiredMixin, TemplateView):
    """Overdue households (their last ended visit period passed without a visit), or with
    ?state=due the households due this period (not late yet), by helper and village."""

    template_name = "assistance/overdue.html"

    def state(self) -> str:
        return "due" if self.request.GET.get("state") == "due" else "overdue"

    def title(self) -> str:
        return "本期待走访" if self.state() == "due" else "逾期未走访"

    def rows(self) -> Any:
        helper = self.request.GET.get("helper") or None
        fn = services.due_households if self.state() == "due" else services.overdue_households
        return fn(self.request.user, area=self.request.GET.get("area", "").strip(),
                  helper=int(helper) if helper and helper.isdigit() else None)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.GET.get("export") == "xlsx":
            qs = self.rows()
            log_access(request.user, "export", "assistance.overdue", "", detail=request.GET.urlencode()[:300])
            return xlsx_response(f"{self.title()}_{timezone.localdate():%Y%m%d}.xlsx",
                                 ["户编号", "户主", "村(社区)", "类别", "本周期起", "最近走访", "帮扶责任人"],
                                 ([h.household_no, h.head_name, h.area.name, str(VisitKind(h.visit_kind).label),
                                   f"{h.due_since:%Y-%m-%d}", f"{h.last_visit:%Y-%m-%d}" if h.last_visit else "从未走访",
                                   h.helper_name or "未结对"] for h in qs), self.title())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        ctx = super().get_context_data(**kwargs)
        qs = self.rows()
        table = OverdueTable(qs[:500])
        ctx.update(title=self.title(), state=self.state(), table=table, total=qs.count(), today=services.local_today(),
                   by_helper=services.overdue_by_helper(qs), by_village=services.overdue_by_village(qs),
                   query_string=self.request.GET.urlencode(), area=self.request.GET.get("area", ""))
        return ctx


@login_required
def township_pick(request: HttpRequest) -> HttpResponse:
    codes = request.user.scope_codes  # type: ignore[union-attr]
    township = Area.objects.filter(level=AreaLevel.TOWNSHIP)
    if not request.user.is_superuser:  # type: ignore[union-attr]
        from fupin.accounts.scope import scope_q
        township = township.filter(scope_q(request.user, "code") | _parents_q(codes))
    choices = list(township.order_by("code")[:300])
    if len(choices) == 1:
        return redirect("assistance:township", code=choices[0].code)
    return render(request, "assistance/township_pick.html", {"townships": choices})


def _parents_q(codes: tuple[str, ...]) -> Any:
    from django.db.models import Q
    q = Q(pk__in=[])
    for c in codes:
        if len(c) > 9:
            q |= Q(code=c[:9])
    return q


@login_required
def township_overview(request: HttpRequest, code: str) -> HttpResponse:
    """Every monitored household of a township with helper, plan, last visit, overdue flag;
    and every problem not yet verified (open, rectifying, awaiting verification) with its
    owner and deadline."""
    area = Area.objects.filter(code=code, level=AreaLevel.TOWNSHIP).first()
    if area is None or not (area_in_scope(request.user, code) or any(
            c.startswith(code) for c in request.user.scope_codes)):  # type: ignore[union-attr]
        raise Http404("乡镇不存在或不在您的管辖范围内")
    day = services.local_today()
    plans = Plan.objects.filter(household=OuterRef("pk"), year=day.year)
    qs = services.with_visit_status(Household.objects.visible_to(request.user).in_area(code).monitored(), day)
    households = list(qs.annotate(plan_id=Subquery(plans.values("pk")[:1])).select_related("area")
                      .order_by("area_id", "household_no")[:2000])
    for h in households:
        h.overdue = h.visit_state == "overdue"  # type: ignore[attr-defined]
        h.visit_due_now = h.visit_state == "due"  # type: ignore[attr-defined]
    problems = (Problem.objects.visible_to(request.user).in_area(code)
                .filter(state__in=[*UNRESOLVED_STATES, ProblemState.RECTIFIED])
                .select_related("household", "area", "owner").order_by("deadline", "pk"))
    return render(request, "assistance/township.html", {
        "area": area, "households": households, "problems": problems, "today": day,
        "overdue_count": sum(1 for h in households if getattr(h, "overdue", False))})
