"""Report pages. Every page resolves its area through `resolve_area`, which refuses (404)
an area outside the user's scope; figures come from the village snapshots."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import actor_of
from fupin.accounts.scope import area_in_scope
from fupin.areas.models import Area
from fupin.core.jobs import start_job
from fupin.core.models import Job
from fupin.core.privacy import log_access

from . import aggregates, assessment, catalogue, charts, freshness, indicators, mpi, ranking
from .exports import download, workbook_bytes
from .models import Direction, Normalisation, Scorecard, ScorecardItem

LEVEL_NAMES = {2: "省", 4: "市", 6: "区县", 9: "乡镇(街道)", 12: "村(社区)"}


def default_area_code(user: Any) -> str:
    codes = getattr(user, "scope_codes", ())
    if codes:
        return codes[0]
    if getattr(user, "is_superuser", False):
        first = Area.objects.filter(level="county").order_by("code").first()
        if first:
            return first.code
    raise Http404("您没有任何管辖区划")


def resolve_area(request: HttpRequest, code: str | None = None) -> Area:
    if not policy.can(request.user, "reports.view_area"):
        # Aggregates of an area would show households the helper is not assigned to.
        raise PermissionDenied("帮扶责任人只能查看所联系的农户，不能查看区域汇总报表")
    code = (code or request.GET.get("area") or request.POST.get("area") or
            default_area_code(request.user)).strip()
    area = Area.objects.filter(code=code).first()
    if area is None or not area_in_scope(request.user, area.code):
        raise Http404(f"区划 {code} 不存在或不在您的管辖范围内")
    return area


def parse_day(text: str | None, default: dt.date | None = None) -> dt.date:
    today = timezone.localdate()
    if not text:
        return default or today
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise Http404(f"日期“{text}”格式应为 YYYY-MM-DD") from None
    if not MIN_DAY <= day <= MAX_DAY:
        raise BadRequest(f"日期 {text} 超出范围：应在 {MIN_DAY:%Y-%m-%d} 至 {MAX_DAY:%Y-%m-%d} 之间")
    return day


MIN_DAY, MAX_DAY = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def int_param(request: HttpRequest, name: str, default: int, low: int, high: int,
              label: str) -> int:
    """An integer query parameter within bounds; anything else is a 400 saying so."""
    raw = (request.GET.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"{label}“{raw[:20]}”应为 {low}–{high} 的整数") from None
    if not low <= value <= high:
        raise BadRequest(f"{label}“{raw[:20]}”应为 {low}–{high} 的整数")
    return value


def breadcrumb(user: Any, area: Area) -> list[tuple[str, str, bool]]:
    out = []
    for a in [*area.ancestors(), area]:
        out.append((a.name, a.code, area_in_scope(user, a.code)))
    return out


def household_list_url(code: str) -> str:
    try:
        return reverse("registry:household_list") + f"?area={code}"
    except NoReverseMatch:
        return ""


# ---------------------------------------------------------------- dashboard


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    area = resolve_area(request)
    day = parse_day(request.GET.get("as_of"))
    code = area.code
    days = [*aggregates.month_ends(day, 12), day]
    refreshing = freshness.refresh_in_background(request.user, code, days)
    figures = aggregates.stored(code, day, build=False)
    result = indicators.area_indicators(code, day, figures)
    children = result["children"]
    if request.GET.get("export") == "xlsx":
        log_access(request.user, "export", "reports.dashboard", code, code)
        headers = ["区划代码", "名称", *indicators.LABELS.values(), *indicators.RATE_LABELS.values()]
        rows = [[c["area"], c["name"], *[c["figures"][k] for k in indicators.LABELS],
                 *[c["rates"][k] for k in indicators.RATES]] for c in
                [*children, {**result, "name": f"{result['name']}（合计）"}]]
        body = workbook_bytes([("分区域指标", headers, rows)],
                              f"{area.name} 指标（截至 {day:%Y-%m-%d}）")
        return download(f"指标_{code}_{day:%Y%m%d}.xlsx", body)
    trend = aggregates.series(code, days, build=False)
    urls = {c["area"]: f"{reverse('reports:dashboard')}?area={c['area']}&as_of={day}" for c in children}
    grand: dict[str, list[dict[str, Any]]] = {}
    if len(code) < 9:
        villages = indicators.rollup(figures, 12)
        names = dict(Area.objects.filter(code__startswith=code, level="village")
                     .values_list("code", "name"))
        for v, figs in villages.items():
            if len(v) != 12:  # figures recorded on a township itself
                continue
            grand.setdefault(v[:9], []).append({"area": v, "name": names.get(v, v),
                                                "figures": figs})
            urls[v] = f"{reverse('reports:dashboard')}?area={v}&as_of={day}"
    registry_keys = ["hh_registered", "pp_registered", "hh_lifted", "pp_lifted", "hh_poor",
                     "pp_poor", "hh_monitored", "pp_monitored", "hh_mon_at_risk",
                     "pp_mon_at_risk", "hh_mon_eliminated", "pp_mon_eliminated",
                     "hh_mon_unstable", "hh_mon_edge", "hh_mon_sudden", "hh_total"]
    groups = [("建档立卡与监测对象", registry_keys), *indicators.FAMILY_GROUPS.values()]
    tile_groups = [(title, [(indicators.LABELS[k], result["figures"][k], k) for k in keys])
                   for title, keys in groups]
    ctx = {
        "area": area, "day": day, "result": result, "tile_groups": tile_groups,
        "rates": [(indicators.RATE_LABELS[k], v, k) for k, v in result["rates"].items()],
        "children": children, "child_level": LEVEL_NAMES.get(indicators.child_length(code), ""),
        "crumbs": breadcrumb(request.user, area), "urls": urls,
        "household_url": household_list_url(code),
        "breakdowns": indicators.breakdowns(result["figures"]),
        "charts": {"trend": charts.trend(trend), "bars": charts.bars(children),
                   "composition": charts.composition(result["figures"]),
                   "treemap": charts.treemap(children, grand, urls)},
        "is_village": len(code) == 12, "refreshing": refreshing,
        "missing_lines": _missing_lines(code, day),
    }
    return render(request, "reports/dashboard.html", ctx)


def _missing_lines(code: str, day: Any) -> list[str]:
    """Income lines the area needs for `day` and lacks (MECHANISM §2), shown loudly."""
    try:
        from fupin.monitoring.lines import describe_missing, missing_lines
    except ImportError:
        return []
    return describe_missing(missing_lines(code, day))


@login_required
def indicators_json(request: HttpRequest) -> HttpResponse:
    """The indicators of an area as JSON; above county level it runs as a background job."""
    area = resolve_area(request)
    day = parse_day(request.GET.get("as_of"))
    if len(area.code) < 6:
        job = start_job("reports.indicators", f"{area.name} 指标（截至 {day}）", user=request.user,
                        area_code=area.code, params={"area": area.code, "as_of": day.isoformat()})
        return redirect("job_detail", job.pk)
    if aggregates.missing(area.code, [day]):
        if len(area.code) >= 9:  # a township or village is cheap to read live (no write)
            return JsonResponse(indicators.area_indicators(area.code, day),
                                json_dumps_params={"ensure_ascii": False})
        refreshing = freshness.refresh_in_background(request.user, area.code, [day])
        assert refreshing is not None
        return JsonResponse({"status": "refreshing", "message": "指标快照正在后台生成，请稍后再取",
                             "job": reverse("job_detail", args=[refreshing.pk])}, status=202)
    return JsonResponse(indicators.area_indicators(area.code, day,
                                                   aggregates.stored(area.code, day, build=False)),
                        json_dumps_params={"ensure_ascii": False})


@login_required
def indicators_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk, kind="reports.indicators")
    return JsonResponse(job.result, json_dumps_params={"ensure_ascii": False})


# ---------------------------------------------------------------- bulletin


@login_required
def bulletin(request: HttpRequest) -> HttpResponse:
    area = resolve_area(request)
    today = timezone.localdate()
    prev = aggregates.month_ends(today, 1)[0]
    month = request.POST.get("month") or request.GET.get("month") or f"{prev:%Y-%m}"
    if request.method == "POST":
        from .bulletin import parse_month
        try:
            parse_month(month)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect(f"{reverse('reports:bulletin')}?area={area.code}")
        job = start_job("reports.bulletin", f"{area.name}{month} 月度通报", user=request.user,
                        area_code=area.code, params={"area": area.code, "month": month})
        return redirect("job_detail", job.pk)
    jobs = Job.objects.visible_to(request.user).filter(kind="reports.bulletin",
                                                       area_code__startswith=area.code)[:20]
    return render(request, "reports/bulletin.html", {"area": area, "month": month, "jobs": jobs,
                                                     "crumbs": breadcrumb(request.user, area)})


def _bulletin_job(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk, kind="reports.bulletin")
    if not area_in_scope(request.user, job.area_code):
        raise Http404("不在管辖范围内")
    return job


@login_required
def bulletin_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = _bulletin_job(request, pk)
    return render(request, "reports/bulletin_result.html", {"job": job})


@login_required
def bulletin_file(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    job = _bulletin_job(request, pk)
    path = job.result.get(fmt) if fmt in ("pdf", "xlsx") else None
    if not path or not Path(path).exists():
        raise Http404("文件不存在")
    log_access(request.user, "export", "reports.bulletin", job.pk, job.area_code)
    return FileResponse(open(path, "rb"), as_attachment=True,
                        filename=f"月度通报_{job.params.get('area')}_{job.params.get('month')}.{fmt}")


# ---------------------------------------------------------------- ranking


def _scorecards(user: Any, area: Area) -> Any:
    return Scorecard.objects.filter(area_code__in=[area.code[:n] for n in (2, 4, 6, 9, 12)
                                                   if n <= len(area.code)])


@login_required
def ranking_view(request: HttpRequest) -> HttpResponse:
    area = resolve_area(request)
    today = timezone.localdate()
    year = int_param(request, "year", today.year, MIN_DAY.year, MAX_DAY.year, "年度")
    quarter = int_param(request, "quarter", (today.month - 1) // 3 + 1, 1, 4, "季度")
    day = min(ranking.quarter_end(year, quarter), today)
    cards = list(_scorecards(request.user, area))
    card = None
    if request.GET.get("scorecard"):
        card = next((c for c in cards if str(c.pk) == request.GET["scorecard"]), None)
        if card is None:
            raise Http404("评分表不存在")
    elif cards:
        card = next((c for c in cards if c.active), None)
    level = request.GET.get("level") or (card.level if card else
                                         ("township" if len(area.code) < 9 else "village"))
    refreshing = freshness.refresh_in_background(request.user, area.code, [day])
    rows = ranking.rank_children(area.code, day, level, card, build=False)
    if request.GET.get("export") == "xlsx":
        log_access(request.user, "export", "reports.ranking", area.code, area.code)
        headers, data = ranking.rows_for_export(rows)
        body = workbook_bytes([("排名", headers, data)],
                              f"{area.name}{year}年第{quarter}季度排名（截至 {day}）")
        return download(f"季度排名_{area.code}_{year}Q{quarter}.xlsx", body)
    return render(request, "reports/ranking.html", {
        "area": area, "year": year, "quarter": quarter, "day": day, "rows": rows, "cards": cards,
        "card": card, "level": level, "items": ranking.items_of(card),
        "can_edit": policy.can(request.user, "reports.edit", area_code=area.code[:6]),
        "crumbs": breadcrumb(request.user, area), "query": request.GET.urlencode(),
        "refreshing": refreshing,
    })


def _require_county_admin(user: Any, code: str) -> None:
    policy.require(user, "reports.edit", area_code=code, message="只有县级管理员可以修改评分表和考核目标")


@login_required
def scorecard_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create or edit a scorecard: name, level, and indicator/weight/direction/normalisation rows."""
    if pk:
        card = get_object_or_404(Scorecard.objects.visible_to(request.user), pk=pk)
        area = resolve_area(request, card.area_code)
    else:
        card = None
        area = resolve_area(request)
    _require_county_admin(request.user, area.code[:6])
    choices = catalogue.choices()
    errors: list[str] = []
    if request.method == "POST":
        name = request.POST.get("name", "").strip() or "评分表"
        level = request.POST.get("level", "township")
        rows = []
        for i in range(int(request.POST.get("rows", "0") or 0)):
            ind = request.POST.get(f"indicator_{i}", "")
            if not ind:
                continue
            try:
                weight = Decimal(request.POST.get(f"weight_{i}", "0"))
            except InvalidOperation:
                errors.append(f"第 {i + 1} 行权重不是数字")
                continue
            if ind not in dict(choices):
                errors.append(f"第 {i + 1} 行指标“{ind}”不存在")
            if weight < 0:
                errors.append(f"第 {i + 1} 行权重不能为负")
            rows.append((ind, weight, request.POST.get(f"direction_{i}", Direction.LOWER),
                         request.POST.get(f"normalisation_{i}", Normalisation.MINMAX)))
        if len({r[0] for r in rows}) != len(rows):
            errors.append("同一指标不能重复")
        if rows and sum(r[1] for r in rows) <= 0:
            errors.append("权重合计应大于 0")
        if not rows:
            errors.append("至少需要一个评分项")
        if not errors:
            from . import services
            card = services.save_scorecard(user=actor_of(request), card=card, area_code=area.code[:6],
                                           name=name, level=level, items=rows)
            messages.success(request, f"评分表“{card.name}”已保存")
            return redirect(f"{reverse('reports:ranking')}?area={area.code}&scorecard={card.pk}")
    items = list(card.items.all()) if card else [
        ScorecardItem(indicator=i.indicator, weight=Decimal(str(i.weight)), direction=i.direction,
                      normalisation=i.normalisation) for i in ranking.DEFAULT_ITEMS]
    while len(items) < 8:
        items.append(ScorecardItem(indicator="", weight=Decimal(0)))
    return render(request, "reports/scorecard_form.html", {
        "area": area, "card": card, "items": items, "choices": choices, "errors": errors,
        "directions": Direction.choices, "normalisations": Normalisation.choices})


# ---------------------------------------------------------------- assessment


@login_required
def assessment_view(request: HttpRequest) -> HttpResponse:
    area = resolve_area(request)
    year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    if request.method == "POST":
        code = request.POST.get("target_area", "").strip()
        target_area = resolve_area(request, code)
        _require_county_admin(request.user, target_area.code[:6] if len(target_area.code) >= 6 else target_area.code)
        from . import services
        try:
            services.set_target(user=actor_of(request), area_code=target_area.code, year=year,
                                indicator=request.POST.get("indicator", ""),
                                target=request.POST.get("target", ""),
                                direction=request.POST.get("direction", Direction.LOWER),
                                weight=request.POST.get("weight", "10"))
            messages.success(request, "考核目标已保存")
        except ValueError as exc:
            messages.error(request, str(exc))
        return redirect(f"{reverse('reports:assessment')}?area={area.code}&year={year}")
    refreshing = freshness.refresh_in_background(request.user, area.code,
                                                 [assessment.assessment_day(year)])
    rows = assessment.assess(area.code, year, build=False)
    if request.GET.get("export") == "xlsx":
        log_access(request.user, "export", "reports.assessment", area.code, area.code)
        tot = [[t["area"], t["name"], t["points"], t["full"], t["met"], t["targets"]]
               for t in assessment.totals(rows)]
        body = workbook_bytes([
            ("考核明细", assessment.EXPORT_HEADERS, assessment.export_rows(rows)),
            ("考核汇总", ["区划代码", "名称", "得分", "满分", "完成目标数", "目标数"], tot)],
            f"{area.name}{year}年度考核")
        return download(f"年度考核_{area.code}_{year}.xlsx", body)
    kids = Area.objects.filter(parent=area).order_by("code")
    return render(request, "reports/assessment.html", {
        "area": area, "year": year, "rows": rows, "totals": assessment.totals(rows),
        "day": assessment.assessment_day(year), "choices": catalogue.choices(),
        "refreshing": refreshing,
        "directions": Direction.choices, "targets_areas": [area, *kids],
        "can_edit": policy.can(request.user, "reports.edit", area_code=area.code),
        "crumbs": breadcrumb(request.user, area), "query": request.GET.urlencode()})


# ---------------------------------------------------------------- MPI


MPI_INLINE_HOUSEHOLDS = 20_000  # above this the page runs the computation as a job


def _mpi_params(request: HttpRequest) -> dict[str, Any]:
    try:
        income_line = Decimal(request.GET.get("income_line") or "4000")
        min_years = int(request.GET.get("min_years") or 6)
        k = float(request.GET.get("k") or (1 / 3))
        weights = [float(request.GET.get(f"w_{s.key}") or s.weight)
                   for s in mpi.default_spec(income_line, min_years)]
    except (InvalidOperation, ValueError):
        raise Http404("参数格式不正确") from None
    if not 0 < k <= 1:
        raise Http404("k 应在 0 与 1 之间")
    if any(w < 0 for w in weights) or sum(weights) <= 0:
        raise Http404("权重应为非负数且合计大于 0")
    return {"k": k, "weights": weights, "income_line": str(income_line), "min_years": min_years,
            "registered_only": request.GET.get("registered_only") == "1"}


def _mpi_response(request: HttpRequest, area: Area, result: dict[str, Any],
                  job: Job | None = None) -> HttpResponse:
    names = dict(Area.objects.filter(code__in=[p["code"] for p in result["parts"]])
                 .values_list("code", "name"))
    parts = [{**p, "name": names.get(p["code"], p["code"])} for p in result["parts"]]
    day = dt.date.fromisoformat(result["as_of"])
    if request.GET.get("export") == "xlsx":
        log_access(request.user, "export", "reports.mpi", area.code, area.code)
        sheets = [
            ("指标", ["维度", "指标", "剥夺标准", "权重", "未删减剥夺率", "删减后剥夺率", "贡献率"],
             [[r["dimension"], r["label"], r["cutoff"], r["weight"], r["uncensored"],
               r["censored"], r["contribution"]] for r in result["indicators"]]),
            ("分区域分解", ["区划代码", "名称", "人口", "人口占比", "H", "A", "M0", "对M0贡献率"],
             [[p["code"], p["name"], p["n"], p["population_share"], p["H"], p["A"], p["M0"],
               p["contribution"]] for p in parts]),
        ]
        t = result["total"]
        title = (f"{area.name} 多维贫困（截至 {day}，k={result['k']:.4f}）：H={t['H']:.4f}，"
                 f"A={t['A']:.4f}，M0={t['M0']:.4f}")
        return download(f"多维贫困_{area.code}_{day:%Y%m%d}.xlsx", workbook_bytes(sheets, title))
    spec = mpi.default_spec(Decimal(result["income_line"]), result["min_years"])
    weights = [r["weight"] for r in result["indicators"]]
    return render(request, "reports/mpi.html", {
        "area": area, "day": day, "r": result, "total": result["total"] if result["households"] else None,
        "parts": parts, "spec_weights": list(zip(spec, weights, strict=True)), "job": job,
        "crumbs": breadcrumb(request.user, area), "query": request.GET.urlencode()})


@login_required
def mpi_view(request: HttpRequest) -> HttpResponse:
    area = resolve_area(request)
    day = parse_day(request.GET.get("as_of"))
    params = _mpi_params(request)
    from fupin.registry.models import Household
    if Household.objects.in_area(area.code).count() > MPI_INLINE_HOUSEHOLDS:
        job = start_job("reports.mpi", f"{area.name} 多维贫困（截至 {day}）", user=request.user,
                        area_code=area.code,
                        params={"area": area.code, "as_of": day.isoformat(), **params})
        return redirect("job_detail", job.pk)
    result = mpi.compute(area.code, day, k=params["k"], weights=params["weights"],
                         income_line=Decimal(params["income_line"]),
                         min_years=params["min_years"], registered_only=params["registered_only"])
    return _mpi_response(request, area, result)


@login_required
def mpi_result(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(Job.objects.visible_to(request.user), pk=pk, kind="reports.mpi",
                            status="done")
    area = resolve_area(request, job.area_code)
    return _mpi_response(request, area, job.result, job)
