"""Field work pages: my work, the offline app (shell, manifest, service worker, data and
sync endpoints), the public self-application page and the township's inbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from fupin.accounts import policy
from fupin.areas.models import Area, AreaLevel
from fupin.core.generic import apply_errors, get_scoped_object
from fupin.core.privacy import shown_phone, shown_resident_id

from . import services
from .choices import AppState, Happened
from .forms import AcceptForm, ApplyForm, DeclineForm, LinkForm, PublicApplyForm, StatusForm
from .models import SelfApplication

STATIC = Path(__file__).resolve().parent / "static" / "field"


def client_ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")


# ---------------------------------------------------------------- my work


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not policy.can(user, "field.village_work"):  # a helper: the assigned households
        households: list[Any] = list(services.helper_households(user))
        counts = {s: sum(1 for h in households if h.visit_state == s) for s in ("overdue", "due", "done")}
        return render(request, "field/my_work_helper.html", {
            "households": households, "counts": counts, "today": timezone.localdate(),
            "title": "我的工作"})
    return render(request, "field/my_work_cadre.html", {**services.cadre_work(user), "title": "我的工作"})


# ---------------------------------------------------------------- offline app


@login_required
def offline(request: HttpRequest) -> HttpResponse:
    from fupin.assistance.choices import VisitChannel
    from fupin.monitoring.models import EventKind

    return render(request, "field/offline.html", {
        "title": "离线走访", "channels": VisitChannel.choices, "event_kinds": EventKind.choices,
        "today": timezone.localdate()})


def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "扶贫 · 走访", "short_name": "走访", "lang": "zh-CN", "start_url": reverse("field:offline"),
        "scope": "/", "display": "standalone", "background_color": "#ffffff", "theme_color": "#8b1a1a",
        "icons": [{"src": reverse("field:icon"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


def icon(request: HttpRequest) -> HttpResponse:
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 96"><rect width="96" height="96" rx="18" '
           'fill="#8b1a1a"/><text x="48" y="64" font-size="48" text-anchor="middle" fill="#fff">访</text></svg>')
    return HttpResponse(svg, content_type="image/svg+xml")


@never_cache
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the site root so its scope is the whole site."""
    from django.templatetags.static import static

    body = (STATIC / "sw.js").read_text(encoding="utf-8")
    shell = [reverse("field:offline"), static("vendor/bootstrap/bootstrap.min.css"),
             static("vendor/bootstrap/bootstrap.bundle.min.js"), static("fupin/fupin.css"),
             static("vendor/bootstrap-icons/bootstrap-icons.min.css"), static("django_htmx/htmx-2.min.js"),
             static("assistance/evidence.js"), static("field/offline.js"), static("field/field.css"),
             reverse("field:icon")]
    body = body.replace("__SHELL__", json.dumps(shell)).replace(
        "__DATA__", json.dumps(reverse("field:api_households")))
    resp = HttpResponse(body, content_type="application/javascript")
    resp["Service-Worker-Allowed"] = "/"
    return resp


@login_required
@require_GET
def api_households(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"households": services.offline_households(request.user),
                         "fetched_at": timezone.now().isoformat()})


@login_required
@require_POST
def api_sync(request: HttpRequest) -> JsonResponse:
    """POST {"items": [{uuid, kind, household, version, recorded_at, data, confirm?}]} ->
    {"results": [{uuid, status: accepted|duplicate|conflict|refused, reason, ...}]}."""
    try:
        payload = json.loads(request.body or b"{}")
        items = payload.get("items")
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValueError
    except (ValueError, AttributeError):
        return JsonResponse({"items": ["请求格式应为 {\"items\": [...]}"]}, status=400)
    results = services.sync_items(actor=request.user, items=items)  # type: ignore[arg-type]
    return JsonResponse({"results": [r.as_dict() for r in results]})


# ---------------------------------------------------------------- self-application (public)


def villages_json(request: HttpRequest) -> JsonResponse:
    """Public: the children of an area (counties at the top), to pick a village."""
    parent = request.GET.get("parent", "").strip()
    if parent:
        if not parent.isdigit() or len(parent) > 12:
            return JsonResponse({"parent": ["区划代码无效"]}, status=400)
        rows = Area.objects.filter(parent_id=parent)
    else:
        rows = Area.objects.filter(level=AreaLevel.COUNTY)
    return JsonResponse({"areas": [{"code": a.code, "name": a.name, "level": a.level}
                                   for a in rows.order_by("code")[:1000]]})


@never_cache
def apply(request: HttpRequest) -> HttpResponse:
    form: Any = PublicApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.submit_application(data=form.cleaned_data, ip=client_ip(request),
                                              photo=form.cleaned_data.get("photo"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session["field_receipt"] = app.receipt_no
            return redirect("field:apply_done")
    challenge = services.make_challenge()
    data = form.data.copy() if form.is_bound else None
    if data is not None:  # a fresh question every time the form is shown
        data["challenge"], data["answer"] = challenge.token, ""
        form.data = data
    else:
        form.initial["challenge"] = challenge.token
    return render(request, "field/apply.html", {"form": form, "question": challenge.question,
                                                "title": "农户自主申报", "public": True})


def apply_done(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get("field_receipt")
    if not receipt:
        return redirect("field:apply")
    return render(request, "field/apply_done.html", {"receipt": receipt, "title": "申报已提交", "public": True})


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.GET or None)
    result = None
    if form.is_bound and form.is_valid():
        try:
            services.check_status_rate(client_ip(request))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            result = services.public_status(form.cleaned_data["receipt_no"])
            if result is None:
                form.add_error("receipt_no", "未找到该回执号，请核对后再查")
    return render(request, "field/status.html", {"form": form, "result": result, "title": "申报进度查询",
                                                 "public": True})


# ---------------------------------------------------------------- township inbox, 代填


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "open")
    qs = SelfApplication.objects.visible_to(request.user).select_related("area", "case")
    if state == "open":
        qs = qs.filter(state__in=[AppState.RECEIVED, AppState.ACCEPTED])
    elif state in AppState.values:
        qs = qs.filter(state=state)
    today = timezone.localdate()
    rows = list(qs.order_by("accept_due", "pk")[:300])
    overdue = SelfApplication.objects.visible_to(request.user).filter(
        state=AppState.RECEIVED, accept_due__lt=today).count()
    return render(request, "field/inbox.html", {"rows": rows, "state": state, "today": today,
                                                "overdue": overdue, "states": AppState.choices,
                                                "title": "自主申报受理"})


@login_required
def application(request: HttpRequest, pk: int) -> HttpResponse:
    app = get_scoped_object(SelfApplication, request.user, pk=pk)
    user: Any = request.user
    forms_: dict[str, Any] = {"accept_form": AcceptForm(), "decline_form": DeclineForm(), "link_form": LinkForm()}
    if request.method == "POST":
        action = request.POST.get("action")
        form_cls = {"accept": AcceptForm, "decline": DeclineForm, "link": LinkForm}.get(action or "")
        if form_cls is None:
            raise Http404("未知操作")
        form = form_cls(request.POST)
        forms_[f"{action}_form"] = form
        if form.is_valid():
            try:
                d = form.cleaned_data
                if action == "accept":
                    services.accept_application(actor=user, application=app, household_no=d["household_no"])
                elif action == "decline":
                    services.decline_application(actor=user, application=app, reason=d["reason"])
                else:
                    services.link_household(actor=user, application=app, household_no=d["household_no"])
            except ValidationError as exc:
                apply_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "已办理")
                return redirect(app.get_absolute_url())
    app.refresh_from_db()
    return render(request, "field/application.html", {
        **forms_, "app": app, "today": timezone.localdate(), "title": f"自主申报 {app.receipt_no}",
        "resident_id": shown_resident_id(user, app.resident_id), "phone": shown_phone(user, app.phone),
        "is_township": policy.can(user, "field.accept_application")})


@login_required
def proxy_apply(request: HttpRequest) -> HttpResponse:
    """代填: a cadre files an application on a household's behalf (no challenge)."""
    user: Any = request.user
    form: Any = ApplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = services.submit_application(data=form.cleaned_data, actor=user,
                                              photo=form.cleaned_data.get("photo"))
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error("village", str(exc))
        else:
            messages.success(request, f"已代填申报，回执号 {app.receipt_no}（请告知农户）")
            return redirect(app.get_absolute_url())
    villages = Area.objects.filter(level=AreaLevel.VILLAGE).filter(
        Q(pk__in=[]) if not user.scope_codes and not user.is_superuser else Q())
    if not user.is_superuser:
        from fupin.core.scope import scope_q
        villages = villages.filter(scope_q(user, "code"))
    return render(request, "field/proxy_apply.html", {
        "form": form, "villages": villages.order_by("code")[:500], "title": "代填申报",
        "happened": Happened.choices})
