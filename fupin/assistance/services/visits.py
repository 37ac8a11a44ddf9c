"""Visits (入户走访): the log, situation updates through the registry services (so the
monitoring re-check fires), problems raised, photos."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from fupin.accounts.actors import Actor, history_user
from fupin.registry import services as registry
from fupin.registry.choices import AssessmentKind
from fupin.registry.models import Household, Member

from ..models import Assignment, Helper, Visit, VisitPhoto
from ..uploads import check_upload
from .permissions import as_actor, helper_of, registry_actor, require_household

MEMBER_UPDATE_FIELDS = ("schooling", "labour", "employment", "months_worked", "medical_insurance",
                        "critical_illness_insurance", "pension_insurance", "chronic_illness",
                        "serious_illness")


def _apply_updates(actor: Actor, household: Household, updates: Mapping[str, Any],
                   visited_on: dt.date, helper_name: str) -> dict[str, Any]:
    """Apply situation updates through registry services; returns what was recorded."""
    done: dict[str, Any] = {}
    reg_actor = registry_actor(actor, household)
    income = updates.get("income")
    if income:
        components = {k: income.get(k) for k in registry.INCOME_FIELDS if income.get(k) not in (None, "")}
        if components:
            row = registry.set_income(actor=reg_actor, household=household, year=int(income.get("year")),
                                      components=components, source=f"走访 {visited_on:%Y-%m-%d}")
            done["income"] = {"year": row.year, **{k: str(v) for k, v in components.items()},
                              "per_capita": str(row.per_capita)}
    if updates.get("housing_grade"):
        registry.record_assessment(actor=reg_actor, household=household, kind=AssessmentKind.HOUSING,
                                   assessed_on=visited_on, housing_grade=updates["housing_grade"],
                                   assessor=helper_name, note="走访核实")
        done["housing_grade"] = updates["housing_grade"]
    if updates.get("water_safe") is not None and updates.get("water_safe") != "":
        safe = updates["water_safe"] in (True, "true", "1", "yes")
        registry.record_assessment(actor=reg_actor, household=household, kind=AssessmentKind.WATER,
                                   assessed_on=visited_on, water_safe=safe, assessor=helper_name,
                                   note="走访核实")
        done["water_safe"] = safe
    member_changes = updates.get("members") or []
    for change in member_changes:
        member = Member.objects.filter(pk=change.get("member"), household=household).first()
        if member is None:
            raise ValidationError({"members": f"成员 {change.get('member')} 不属于户 {household.household_no}"})
        fields = {k: v for k, v in change.items() if k in MEMBER_UPDATE_FIELDS and v not in (None, "")}
        if fields:
            registry.update_member(actor=reg_actor, member=member, changes=fields)
            done.setdefault("members", []).append({"member": member.pk, "name": member.name,
                                                   **{k: str(v) for k, v in fields.items()}})
    return done


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE_BYTES = 512 * 1024


def signature_png(data: str | bytes | None) -> bytes | None:
    """A drawn signature as PNG bytes, from a canvas data URL ("data:image/png;base64,...")
    or raw bytes; ValidationError when it is not a PNG or too big."""
    if not data:
        return None
    raw: bytes
    if isinstance(data, str):
        head, _, body = data.partition(",")
        if not head.startswith("data:image/png;base64"):
            raise ValidationError({"signature": ["签名须为手写板生成的 PNG 图片"]})
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError({"signature": ["签名图片数据损坏，请重新签名"]}) from exc
    else:
        raw = data
    if not raw.startswith(PNG_MAGIC):
        raise ValidationError({"signature": ["签名须为 PNG 图片"]})
    if len(raw) > MAX_SIGNATURE_BYTES:
        raise ValidationError({"signature": [f"签名图片过大（{len(raw) // 1024} KB，上限 512 KB）"]})
    return raw


def _location(location: Mapping[str, Any] | None, errors: dict[str, list[str]]) -> tuple[Any, Any, Any]:
    if not location or location.get("latitude") in (None, "") or location.get("longitude") in (None, ""):
        return None, None, None
    try:
        lat = Decimal(str(location["latitude"])).quantize(Decimal("0.000001"))
        lng = Decimal(str(location["longitude"])).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        errors.setdefault("location", []).append("定位数据无效")
        return None, None, None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        errors.setdefault("location", []).append(f"定位超出范围（纬度 {lat}，经度 {lng}）")
        return None, None, None
    acc = location.get("accuracy")
    try:
        accuracy = max(0, int(float(acc))) if acc not in (None, "") else None
    except ValueError:
        accuracy = None
    return lat, lng, accuracy


@transaction.atomic
def record_visit(*, actor: Actor, household: Household, visited_on: dt.date, channel: str,
                 findings: str, helper: Helper | None = None, policies_explained: str = "",
                 measures_agreed: str = "", updates: Mapping[str, Any] | None = None,
                 problems: list[Mapping[str, Any]] | None = None, photos: list[Any] | None = None,
                 location: Mapping[str, Any] | None = None, checkin_photo: Any = None,
                 signature: str | bytes | None = None, confirmed_by: str = "",
                 recorded_at: dt.datetime | None = None) -> Visit:
    """Record a visit. Evidence is optional: `location` {latitude, longitude, accuracy} from
    the phone, a `checkin_photo` upload, the household's `signature` (canvas PNG data URL)
    and/or `confirmed_by` (the family member who confirmed). `recorded_at` is the phone's
    time for visits recorded offline."""
    require_household(actor, household)
    errors: dict[str, list[str]] = {}
    lat, lng, accuracy = _location(location, errors)
    try:
        sig = signature_png(signature)
    except ValidationError as exc:
        sig = None
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    confirmed_by = (confirmed_by or "").strip()[:50]
    checkin = check_upload(checkin_photo, photos_only=True, field="checkin_photo") if checkin_photo else None
    today = timezone.localdate()
    if visited_on > today:
        errors.setdefault("visited_on", []).append(f"走访日期 {visited_on:%Y-%m-%d} 晚于今天")
    if visited_on < today - dt.timedelta(days=366):
        errors.setdefault("visited_on", []).append("只能补录一年以内的走访")
    if not findings.strip():
        errors.setdefault("findings", []).append("请填写走访情况")
    if helper is None:
        helper = helper_of(actor)
    if helper is None:
        current = Assignment.objects.filter(household=household, ended_on__isnull=True).select_related("helper").first()
        helper = current.helper if current else None
    checked = [check_upload(p, photos_only=True) for p in photos or []]
    if errors:
        raise ValidationError(errors)
    visit = Visit(household=household, helper=helper, visited_on=visited_on, channel=channel,
                  findings=findings.strip(), policies_explained=policies_explained,
                  measures_agreed=measures_agreed, created_by=history_user(actor),
                  latitude=lat, longitude=lng, location_accuracy=accuracy, confirmed_by=confirmed_by,
                  recorded_at=recorded_at)
    if checkin is not None:
        visit.checkin_photo.save(f"checkin-{checkin.sha256[:16]}.{checkin.content_type.rsplit('/', 1)[-1]}",
                                 checkin.file, save=False)
    if sig is not None:
        import hashlib
        visit.signature.save(f"sig-{hashlib.sha256(sig).hexdigest()[:16]}.png", ContentFile(sig), save=False)
    visit.full_clean(exclude=["household", "helper", "updates", "checkin_photo", "signature"])
    as_actor(visit, actor)
    visit.save()
    if updates:
        visit.updates = _apply_updates(actor, household, updates, visited_on, helper.name if helper else "")
        visit.save(update_fields=["updates"])
    for c in checked:
        VisitPhoto.objects.create(visit=visit, file=c.file, content_type=c.content_type, size=c.size,
                                  sha256=c.sha256)
    if problems:
        from fupin.rectification.services import create_problem
        for p in problems:
            create_problem(actor=actor, source="visit", household=household, visit=visit,
                           found_on=visited_on, **p)
    return visit
