"""Writes of the reports app: scorecards and assessment targets (county admins only)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from fupin.accounts import policy
from fupin.accounts.actors import Actor
from fupin.areas.models import Area

from . import catalogue
from .models import AssessmentTarget, Direction, Normalisation, Scorecard, ScorecardItem


def _require_county_admin(user: Actor, code: str) -> None:
    policy.require(user, "reports.edit", area_code=code, message="只有县级管理员可以修改评分表和考核目标")


@transaction.atomic
def save_scorecard(*, user: Actor, card: Scorecard | None, area_code: str, name: str, level: str,
                   items: list[tuple[str, Decimal, str, str]]) -> Scorecard:
    _require_county_admin(user, area_code)
    if level not in ("township", "village"):
        raise ValueError("排名对象应为乡镇或村")
    if card is None:
        card = Scorecard.objects.create(area_code=area_code, name=name, level=level)
    else:
        card.name, card.level = name, level
        card.save()
    card.items.all().delete()
    ScorecardItem.objects.bulk_create([
        ScorecardItem(scorecard=card, indicator=ind, weight=w,
                      direction=d if d in Direction.values else Direction.LOWER,
                      normalisation=n if n in Normalisation.values else Normalisation.MINMAX)
        for ind, w, d, n in items])
    return card


def set_target(*, user: Actor, area_code: str, year: int, indicator: str, target: Any,
               direction: str, weight: Any) -> AssessmentTarget:
    _require_county_admin(user, area_code[:6] if len(area_code) >= 6 else area_code)
    if indicator not in dict(catalogue.choices()):
        raise ValueError(f"指标“{indicator}”不存在")
    if not Area.objects.filter(code=area_code).exists():
        raise ValueError(f"区划代码“{area_code}”不存在")
    try:
        value = Decimal(str(target))
        points = Decimal(str(weight))
    except InvalidOperation:
        raise ValueError("目标值和分值须为数字") from None
    obj, _ = AssessmentTarget.objects.update_or_create(
        area_id=area_code, year=year, indicator=indicator,
        defaults={"target": value, "weight": points,
                  "direction": direction if direction in Direction.values else Direction.LOWER})
    return obj
