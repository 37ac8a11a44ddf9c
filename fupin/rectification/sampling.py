"""Random checks (抽查): a reproducible sample (same seed + area + month + kind over the
same population → the same items), phone-check results, problems from what is wrong.

MECHANISM §5.7 (凤庆): registered and monitored households, plus at least
`OTHERS_PER_VILLAGE` non-registered households in every village sampled (so that missed
households, 漏评, can be found), and no household drawn again within `EXCLUDE_ROUNDS` earlier
rounds (months) of checks over the same area."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, check_actor, history_user
from fupin.accounts.scope import area_in_scope
from fupin.areas.models import Area
from fupin.registry.models import Household

from .models import CheckResult, SpotCheck, SpotCheckItem, SpotCheckKind
from .services import create_problem

MAX_SAMPLE = 500
EXCLUDE_ROUNDS = 3  # earlier rounds (months) whose households are not drawn again
OTHERS_PER_VILLAGE = 5  # non-registered households per village sampled


# kind -> fn(area code) -> queryset of candidates, for kinds other apps own (helpers:
# assistance registers theirs when it loads; rectification must not import assistance).
POPULATIONS: dict[str, Callable[[str], Any]] = {}


def register_population(kind: str, candidates: Callable[[str], Any]) -> None:
    POPULATIONS[kind] = candidates


def recently_drawn(kind: str, area_code: str, month: dt.date, rounds: int) -> set[int]:
    """Ids drawn in the last `rounds` earlier months by checks over this area, inside it or
    above it."""
    if rounds <= 0:
        return set()
    above = [area_code[:n] for n in (2, 4, 6, 9) if n < len(area_code)]
    checks = SpotCheck.objects.filter(kind=kind, month__lt=month).filter(
        Q(area__code__startswith=area_code) | Q(area__code__in=above))
    months = list(checks.order_by("-month").values_list("month", flat=True).distinct()[:rounds])
    field = "helper_id" if kind == SpotCheckKind.HELPER else "household_id"
    return set(SpotCheckItem.objects.filter(spotcheck__in=checks.filter(month__in=months))
               .exclude(**{f"{field}__isnull": True}).values_list(field, flat=True))


def population(kind: str, area_code: str, exclude: set[int] | None = None) -> list[int]:
    """Candidate ids in a stable order (by id): helpers, or registered and monitored
    households."""
    qs: Any
    if kind in POPULATIONS:
        qs = POPULATIONS[kind](area_code)
    else:
        qs = Household.objects.in_area(area_code).filter(
            Q(household_type__in=["lifted", "poor"]) | ~Q(monitoring_type=""))
    return sorted(set(qs.values_list("pk", flat=True)) - (exclude or set()))


def others_by_village(villages: list[str], exclude: set[int]) -> dict[str, list[int]]:
    """Non-registered, non-monitored households of these villages, by village, by id."""
    out: dict[str, list[int]] = {v: [] for v in villages}
    rows = (Household.objects.filter(area_id__in=villages, household_type="ordinary",
                                     monitoring_type="").order_by("pk")
            .values_list("pk", "area_id"))
    for pk, village in rows:
        if pk not in exclude:
            out[village].append(pk)
    return out


def sample_ids(ids: list[int], *, seed: int, area_code: str, month: dt.date, size: int) -> list[int]:
    rng = random.Random(f"{seed}:{area_code}:{month:%Y-%m}")
    return rng.sample(ids, min(size, len(ids)))


@transaction.atomic
def draw(*, actor: Actor, area_code: str, month: dt.date, kind: str, size: int,
         seed: int | None = None, note: str = "", exclude_rounds: int = EXCLUDE_ROUNDS,
         others_per_village: int = OTHERS_PER_VILLAGE) -> SpotCheck:
    area = Area.objects.filter(code=area_code).first()
    if area is None:
        raise ValidationError({"area": f"区划代码“{area_code}”不存在"})
    check_actor(actor)
    if not area_in_scope(actor, area.code):
        raise ValidationError({"area": f"区划 {area.code} 不在您的管辖范围内"})
    policy.require(actor, "rectification.spotcheck", message="只有督查人员、县乡工作人员可以组织抽查")
    if kind not in SpotCheckKind.values:
        raise ValidationError({"kind": f"抽查对象“{kind}”无效"})
    if not 1 <= size <= MAX_SAMPLE:
        raise ValidationError({"size": f"样本量应在 1–{MAX_SAMPLE} 之间"})
    month = month.replace(day=1)
    seed = int(seed) if seed is not None else secrets.randbelow(10**9)
    if not 0 <= int(exclude_rounds) <= 24 or not 0 <= int(others_per_village) <= 50:
        raise ValidationError({"exclude_rounds": "不重复抽取的轮数应为 0–24，每村非建档立卡户数应为 0–50"})
    recent = recently_drawn(kind, area.code, month, int(exclude_rounds))
    ids = population(kind, area.code, recent)
    if not ids:
        raise ValidationError({"area": f"{area.name} 没有可抽查的{SpotCheckKind(kind).label}"
                                       + ("（近几轮已抽过的不再重复抽取）" if recent else "")})
    chosen = sample_ids(ids, seed=seed, area_code=area.code, month=month, size=size)
    if kind == SpotCheckKind.HOUSEHOLD and others_per_village:
        villages = sorted(set(Household.objects.filter(pk__in=chosen)
                              .values_list("area_id", flat=True)))
        for village, pool in others_by_village(villages, recent).items():
            rng = random.Random(f"{seed}:{area.code}:{month:%Y-%m}:{village}:others")
            chosen += rng.sample(pool, min(int(others_per_village), len(pool)))
    check = SpotCheck.objects.create(area=area, month=month, kind=kind, seed=seed, size=len(chosen),
                                     inspector=history_user(actor), note=note)
    field = "helper_id" if kind == SpotCheckKind.HELPER else "household_id"
    SpotCheckItem.objects.bulk_create([SpotCheckItem(spotcheck=check, position=i, **{field: pk})
                                       for i, pk in enumerate(chosen, start=1)])
    return check


@transaction.atomic
def record_result(*, actor: Actor, item: SpotCheckItem, result: str, note: str = "",
                  category: str = "other", deadline: dt.date | None = None) -> SpotCheckItem:
    item = SpotCheckItem.objects.select_for_update(of=("self",)).select_related("spotcheck", "household", "helper").get(pk=item.pk)
    if not area_in_scope(actor, item.spotcheck.area_id):
        raise PermissionDenied("该抽查不在您的管辖范围内")
    if result not in CheckResult.values or result == CheckResult.PENDING:
        raise ValidationError({"result": "请选择核查结果"})
    if result == CheckResult.PROBLEM and not note.strip():
        raise ValidationError({"note": "发现问题须写明情况"})
    item.result, item.note = result, note
    item.checked_at, item.checked_by = timezone.now(), history_user(actor)
    if result == CheckResult.PROBLEM and item.problem_id is None:
        target = item.household
        area = target.area_id if target else (item.helper.area_id if item.helper else item.spotcheck.area_id)
        who = f"帮扶责任人 {item.helper.name}：" if item.helper else ""
        item.problem = create_problem(actor=actor, source="inspection", category=category,
                                      description=f"{item.spotcheck.month:%Y-%m} 电话抽查发现：{who}{note}",
                                      household=target, area=area, deadline=deadline)
    item.save()
    return item
