"""Field work services: my work lists, self-applications (challenge, rate limits, receipt,
township acceptance, hand-over to the village), and the offline queue's sync.

The one place that opens an identification case for an application is
`open_case_for_application` (it calls fupin.cases.services as they are).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid as uuidlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from fupin.accounts import policy
from fupin.accounts.actors import Actor, SystemActor
from fupin.accounts.models import Role
from fupin.accounts.policy import role_may
from fupin.areas.models import Area, AreaLevel
from fupin.core.scope import area_in_scope, can_write_area
from fupin.registry.models import Household, Member

from .choices import RISK_OF, AppState, Happened, SyncKind
from .models import ACCEPT_DAYS, SelfApplication, SyncItem

# ---------------------------------------------------------------- my work


def helper_households(user: Any, day: dt.date | None = None) -> QuerySet[Household]:
    """The households assigned to a helper login, each annotated with its visit state
    (done / due / overdue), open measures of this year's plan and open problems."""
    from fupin.assistance.models import Assignment, Measure
    from fupin.assistance.services import local_today, with_visit_status
    from fupin.rectification.models import UNRESOLVED_STATES, Problem

    day = day or local_today()
    user_id: Any = getattr(user, "pk", None)
    assigned = Assignment.objects.filter(ended_on__isnull=True, helper__user_id=user_id)
    open_measures = (Measure.objects.filter(plan__household=OuterRef("pk"), plan__year=day.year)
                     .exclude(status__in=["done", "cancelled"]).order_by()
                     .values("plan__household").annotate(n=Count("pk")).values("n"))
    open_problems = (Problem.objects.filter(household=OuterRef("pk"), state__in=UNRESOLVED_STATES)
                     .order_by().values("household").annotate(n=Count("pk")).values("n"))
    qs = Household.objects.visible_to(user).filter(pk__in=assigned.values("household_id"))
    return (with_visit_status(qs, day)
            .annotate(open_measures=Coalesce(Subquery(open_measures, output_field=IntegerField()), Value(0)),
                      open_problems=Coalesce(Subquery(open_problems, output_field=IntegerField()), Value(0)))
            .select_related("area").order_by("household_no"))


def cadre_work(user: Any, day: dt.date | None = None) -> dict[str, Any]:
    """What waits for a village cadre: open leads, case steps at the village, notices
    running, problems to rectify, households overdue (and due) for a visit."""
    from fupin.assistance.services import due_households, local_today, overdue_households
    from fupin.cases.models import Case
    from fupin.cases.workflow import ALL_STEPS
    from fupin.rectification.models import UNRESOLVED_STATES, Problem

    day = day or local_today()
    village_steps = [c for c, s in ALL_STEPS.items() if role_may(Role.VILLAGE_CADRE, s.action) and not s.notice]
    notice_steps = [c for c, s in ALL_STEPS.items() if s.notice]
    cases = Case.objects.visible_to(user).filter(status="open").select_related("household")
    return {
        "leads": list(SelfApplication.objects.visible_to(user).filter(state=AppState.ACCEPTED)
                      .select_related("area").order_by("accepted_at")[:50]),
        "steps": list(cases.filter(step__in=village_steps).order_by("step_due", "pk")[:50]),
        "notices": list(cases.filter(step__in=notice_steps).order_by("notice_end", "pk")[:50]),
        "problems": list(Problem.objects.visible_to(user).filter(state__in=UNRESOLVED_STATES)
                         .select_related("household").order_by("deadline", "pk")[:50]),
        "overdue": list(overdue_households(user)[:50]),
        "overdue_total": overdue_households(user).count(),
        "due_total": due_households(user).count(),
        "today": day,
    }


# ---------------------------------------------------------------- robots and floods

CHALLENGE_SALT = "fupin.field.apply"
CHALLENGE_MAX_AGE = 30 * 60
LIMIT_PER_IP = (5, 60 * 60)  # 5 applications an hour from one address
LIMIT_PER_ID = (3, 24 * 60 * 60)  # 3 a day for one resident ID
LIMIT_STATUS_PER_IP = (30, 60 * 60)


@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def make_challenge() -> Challenge:
    """A signed arithmetic question (no external service): the answer is in the signed
    token, which expires and is good for one use."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(8)}, salt=CHALLENGE_SALT)
    return Challenge(question=f"{a} + {b} = ?", token=token)


def check_challenge(token: str, answer: Any) -> None:
    try:
        data = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError({"answer": ["验证题已过期，请刷新页面重新作答"]}) from exc
    except signing.BadSignature as exc:
        raise ValidationError({"answer": ["验证题无效，请刷新页面重新作答"]}) from exc
    try:
        ok = int(str(answer).strip()) == int(data["a"]) + int(data["b"])
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValidationError({"answer": ["验证题答案不对，请重新计算"]})
    if not cache.add(f"field:challenge:{data['n']}", 1, CHALLENGE_MAX_AGE):
        raise ValidationError({"answer": ["验证题已用过，请刷新页面重新作答"]})


def _over_limit(key: str, limit: tuple[int, int]) -> bool:
    """Count one hit on `key` in the configured cache; True when past the limit."""
    count, window = limit
    cache.add(key, 0, window)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        n = 1
    return n > count


def check_status_rate(ip: str) -> None:
    if _over_limit(f"field:status:ip:{ip}", LIMIT_STATUS_PER_IP):
        raise ValidationError({"receipt_no": ["查询过于频繁，请一小时后再试"]})


# ---------------------------------------------------------------- self-application


def _clean_application(data: Mapping[str, Any]) -> tuple[dict[str, Any], Area | None]:
    from fupin.registry.resident_id import parse

    errors: dict[str, list[str]] = {}
    name = str(data.get("name") or "").strip()
    if not name or len(name) > 50:
        errors["name"] = ["请填写申请人姓名（不超过 50 字）"]
    rid = str(data.get("resident_id") or "").strip().upper()
    try:
        parse(rid)
    except ValidationError as exc:
        errors["resident_id"] = list(exc.messages)
    phone = str(data.get("phone") or "").strip()
    if not (len(phone) == 11 and phone.isdigit() and phone.startswith("1")):
        errors["phone"] = ["手机号应为 1 开头的 11 位数字"]
    code = str(data.get("village") or "").strip()
    village = Area.objects.filter(code=code, level=AreaLevel.VILLAGE).first() if code else None
    if village is None:
        errors["village"] = ["请从列表中选择所在的村（社区）" if not code else f"村（社区）代码“{code}”不存在"]
    happened = str(data.get("happened") or "")
    if happened not in Happened.values:
        errors["happened"] = ["请选择遇到的困难"]
    description = str(data.get("description") or "").strip()
    if not description:
        errors["description"] = ["请简单说明发生了什么"]
    elif len(description) > 2000:
        errors["description"] = ["情况说明不超过 2000 字"]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "resident_id": rid, "phone": phone, "happened": happened,
            "description": description}, village


def _receipt_no(today: dt.date) -> str:
    for _i in range(10):
        no = f"SQ{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not SelfApplication.objects.filter(receipt_no=no).exists():
            return no
    raise RuntimeError("no free receipt number")  # pragma: no cover - 10 collisions in a million


@transaction.atomic
def submit_application(*, data: Mapping[str, Any], ip: str = "", photo: Any = None,
                       actor: Actor | None = None, now: dt.datetime | None = None) -> SelfApplication:
    """A resident's own application (public page: `actor` None, challenge and rate limits
    apply), or one a cadre files on a household's behalf (代填: `actor` writes the village).

    The answer never depends on whether the person is in the registry."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, list[str]] = {}
    if actor is None:
        try:
            check_challenge(str(data.get("challenge") or ""), data.get("answer"))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    try:
        clean, village = _clean_application(data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert village is not None
    if actor is not None:
        if not can_write_area(actor, village.code):
            raise PermissionDenied(f"您不能为 {village.name} 代填申报（不在您的管辖范围或角色不可写）")
    else:
        if ip and _over_limit(f"field:apply:ip:{ip}", LIMIT_PER_IP):
            raise ValidationError({"__all__": ["提交过于频繁，请一小时后再试；如有急事请直接联系村委会"]})
        if _over_limit(f"field:apply:id:{clean['resident_id']}", LIMIT_PER_ID):
            raise ValidationError({"__all__": ["该身份证号今天已提交多次，请等待乡镇受理，或直接联系村委会"]})
    checked = None
    if photo:
        from fupin.core.uploads import check_upload
        checked = check_upload(photo, photos_only=True, field="photo")
    app = SelfApplication(area=village, receipt_no=_receipt_no(today), found_on=today,
                          accept_due=today + dt.timedelta(days=ACCEPT_DAYS),
                          filed_by=actor if getattr(actor, "pk", None) else None,  # type: ignore[misc]
                          **clean)
    if checked is not None:
        app.photo.save(f"{app.receipt_no}.{checked.content_type.rsplit('/', 1)[-1]}", checked.file, save=False)
    if getattr(actor, "pk", None):
        app._history_user = actor  # type: ignore[attr-defined]
    app.save()
    return app


def public_status(receipt_no: str) -> str | None:
    """Received / being checked / decided — nothing more (None: no such receipt)."""
    from .choices import PUBLIC_STATUS

    app = SelfApplication.objects.filter(receipt_no=(receipt_no or "").strip().upper()).select_related("case").first()
    if app is None:
        return None
    if app.case is not None and app.case.status != "open":
        return "已办结"
    return PUBLIC_STATUS[app.state]


def _require_township(actor: Actor, app: SelfApplication) -> None:
    policy.require(actor, "field.accept_application", message="只有乡镇（或县级）工作人员可以受理自主申报")
    if not can_write_area(actor, app.area_id):
        raise PermissionDenied("该申报不在您的管辖范围内")


def _match_household(app: SelfApplication, household_no: str) -> Household | None:
    if household_no:
        hh = Household.objects.filter(household_no=household_no.strip(), area_id=app.area_id).first()
        if hh is None:
            raise ValidationError({"household_no": [f"户编号“{household_no}”不在 {app.area.name}"]})
        return hh
    member = (Member.objects.filter(resident_id=app.resident_id, status="active",
                                    household__area_id=app.area_id).select_related("household").first())
    return member.household if member else None


@transaction.atomic
def accept_application(*, actor: Actor, application: SelfApplication, household_no: str = "",
                       now: dt.datetime | None = None) -> SelfApplication:
    """The township accepts (within 2 days of the found-on date) and hands the application
    to the village. When the applicant's household is known (given, or found by the
    resident ID in that village), the identification case opens now and its clock starts;
    otherwise the village registers the household first and links it."""
    now = now or timezone.now()
    app = SelfApplication.objects.select_for_update().get(pk=application.pk)
    _require_township(actor, app)
    if app.state != AppState.RECEIVED:
        raise ValidationError({"__all__": [f"该申报已是“{app.get_state_display()}”，不能再受理"]})
    household = _match_household(app, household_no)
    app.state, app.accepted_at = AppState.ACCEPTED, now
    app.accepted_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
    app._history_user = app.accepted_by  # type: ignore[attr-defined]
    app.save()
    if household is not None:
        open_case_for_application(actor=actor, application=app, household=household, now=now)
    return app


@transaction.atomic
def decline_application(*, actor: Actor, application: SelfApplication, reason: str) -> SelfApplication:
    app = SelfApplication.objects.select_for_update().get(pk=application.pk)
    _require_township(actor, app)
    if app.state != AppState.RECEIVED:
        raise ValidationError({"__all__": [f"该申报已是“{app.get_state_display()}”"]})
    if not (reason or "").strip():
        raise ValidationError({"reason": ["请说明不予受理的原因（如重复申报、信息不实）"]})
    app.state, app.decline_reason = AppState.DECLINED, reason.strip()[:300]
    app._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    app.save()
    return app


@transaction.atomic
def link_household(*, actor: Actor, application: SelfApplication, household_no: str,
                   now: dt.datetime | None = None) -> SelfApplication:
    """The village links an accepted application to the household (registered meanwhile),
    which opens the identification case."""
    app = SelfApplication.objects.select_for_update().get(pk=application.pk)
    if not can_write_area(actor, app.area_id):
        raise PermissionDenied("该申报不在您的管辖范围内")
    if app.state != AppState.ACCEPTED:
        raise ValidationError({"__all__": ["只有乡镇已受理、尚未启动识别的申报可以关联农户"]})
    household = _match_household(app, household_no or "")
    if household is None:
        raise ValidationError({"household_no": ["请填写户编号（申请人尚未建档时请先新建农户）"]})
    open_case_for_application(actor=actor, application=app, household=household, now=now)
    return app


def open_case_for_application(*, actor: Actor, application: SelfApplication, household: Household,
                              now: dt.datetime | None = None) -> Any:
    """THE integration with fupin.cases: open the identification case whose lead is this
    application (channel 农户自主申报), which starts the identification clock. Kept in one
    function so the cases rework (found-on dates, deadlines) can rewire it in one place."""
    from fupin.cases.services import open_identification

    lead = (f"农户自主申报 {application.receipt_no}（{application.found_on:%Y-%m-%d} 收到）："
            f"{application.get_happened_display()}。{application.description}")
    # The application is the lead (农户自主申报): the 15-day clock runs from the day it was
    # received, not the day the village opened the case (MECHANISM §5.1).
    from fupin.cases.leads import raise_lead
    lead_row = raise_lead(actor=actor, household=household, channel="self_report",
                          found_on=application.found_on, description=lead,
                          source=f"农户自主申报 {application.receipt_no}")
    case = open_identification(actor=actor, household=household, channel="self_report", lead=lead,
                               main_risk=RISK_OF.get(application.happened, "other"), now=now,
                               lead_id=lead_row.pk, found_on=application.found_on)
    application.household, application.case, application.state = household, case, AppState.CASE_OPENED
    application._history_user = actor if getattr(actor, "pk", None) else None  # type: ignore[attr-defined]
    application.save(update_fields=["household", "case", "state", "updated_at"])
    return case


# ---------------------------------------------------------------- offline queue


def household_version(household: Household) -> str:
    """What the phone keeps to notice a change on the server: the household's last update."""
    return household.updated_at.isoformat() if household.updated_at else ""


def offline_households(user: Any) -> list[dict[str, Any]]:
    """The data the phone caches: the helper's households (or a cadre's village's), with
    members' names for the confirmation and the version for conflict checks."""
    from fupin.assistance.services import STATE_LABELS

    if not policy.can(user, "field.village_work"):  # a helper: the assigned households
        qs = helper_households(user)
    else:
        from fupin.assistance.services import local_today, with_visit_status
        qs = with_visit_status(Household.objects.visible_to(user), local_today()).select_related(
            "area").order_by("household_no")[:300]
    rows = list(qs)
    members: dict[int, list[str]] = {}
    for hid, name in (Member.objects.filter(household_id__in=[h.pk for h in rows], status="active")
                      .order_by("household_id", "pk").values_list("household_id", "name")):
        members.setdefault(hid, []).append(name)
    return [{"id": h.pk, "household_no": h.household_no, "head_name": h.head_name,
             "village": h.area.name, "type": h.get_household_type_display(),
             "monitoring": h.get_monitoring_type_display() if h.monitoring_type else "",
             "visit_state": h.visit_state, "visit_state_label": STATE_LABELS[h.visit_state],  # type: ignore[attr-defined]
             "members": members.get(h.pk, []), "version": household_version(h)} for h in rows]


@dataclass
class SyncResult:
    uuid: str
    status: str  # "accepted" | "duplicate" | "conflict" | "refused"
    reason: str = ""
    errors: dict[str, list[str]] | None = None
    url: str = ""
    server: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"uuid": self.uuid, "status": self.status}
        for k in ("reason", "errors", "url", "server"):
            if getattr(self, k):
                out[k] = getattr(self, k)
        return out


def _errors_text(errors: Mapping[str, Sequence[str]]) -> str:
    return "；".join(str(m) for msgs in errors.values() for m in msgs)


def _receipt(item: SyncItem) -> SyncResult:
    url = item.visit.get_absolute_url() if item.visit_id and item.visit else ""
    return SyncResult(uuid=str(item.uuid), status="duplicate", reason="此前已同步，未重复记录", url=url)


def sync_items(*, actor: Actor, items: Sequence[Mapping[str, Any]]) -> list[SyncResult]:
    """Record the phone's queued items, each at most once (by its UUID). Refused items and
    conflicts come back with the reason and are NOT kept here: the phone keeps them until
    the helper fixes, confirms or discards them."""
    return [_sync_one(actor, item) for item in items[:200]]


def _sync_one(actor: Actor, item: Mapping[str, Any]) -> SyncResult:
    raw_uuid = str(item.get("uuid") or "")
    try:
        key = uuidlib.UUID(raw_uuid)
    except ValueError:
        return SyncResult(uuid=raw_uuid, status="refused", reason="缺少或无效的手机端编号（UUID）")
    done = SyncItem.objects.filter(uuid=key).select_related("visit").first()
    if done is not None:
        if done.user_id != getattr(actor, "pk", None):
            return SyncResult(uuid=raw_uuid, status="refused", reason="该编号已被其他账号使用")
        return _receipt(done)
    kind = str(item.get("kind") or "")
    if kind not in SyncKind.values:
        return SyncResult(uuid=raw_uuid, status="refused", reason=f"未知的记录类别“{kind}”")
    hh_id: Any = item.get("household")
    household = Household.objects.visible_to(actor).filter(pk=hh_id).first() if str(hh_id).isdigit() else None
    if household is None:
        return SyncResult(uuid=raw_uuid, status="refused",
                          reason="该户已不在您的管辖范围（可能已迁出或更换帮扶责任人），请核实后删除此条")
    recorded_at = parse_datetime(str(item.get("recorded_at") or "")) or timezone.now()
    if timezone.is_naive(recorded_at):
        recorded_at = timezone.make_aware(recorded_at)
    cached = str(item.get("version") or "")
    if cached and cached != household_version(household) and not item.get("confirm"):
        return SyncResult(
            uuid=raw_uuid, status="conflict",
            reason=f"户 {household.household_no} 在您离线期间已被他人修改（{household.updated_at:%Y-%m-%d %H:%M}），"
                   "请核对后选择“仍然提交”或删除",
            server={"head_name": household.head_name, "version": household_version(household),
                    "type": household.get_household_type_display(),
                    "monitoring": household.get_monitoring_type_display() if household.monitoring_type else ""})
    data = item.get("data") or {}
    try:
        with transaction.atomic():
            receipt = SyncItem(uuid=key, kind=kind, user=actor, household=household,  # type: ignore[misc]
                               recorded_at=recorded_at)
            if kind == SyncKind.VISIT:
                receipt.visit = _record_visit(actor, household, data, recorded_at)
            else:
                receipt.risk_event = _record_event(actor, household, data)
            receipt.save()
    except IntegrityError:  # the same UUID synced concurrently: that one won
        done = SyncItem.objects.filter(uuid=key).select_related("visit").first()
        if done is None:
            raise
        return _receipt(done)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return SyncResult(uuid=raw_uuid, status="refused", reason=_errors_text(errors), errors=errors)
    except PermissionDenied as exc:
        return SyncResult(uuid=raw_uuid, status="refused", reason=str(exc) or "没有权限")
    url = receipt.visit.get_absolute_url() if receipt.visit else ""
    return SyncResult(uuid=raw_uuid, status="accepted", url=url)


def _date(value: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({field: [f"日期“{value}”格式应为 YYYY-MM-DD"]}) from exc


def _record_visit(actor: Actor, household: Household, data: Mapping[str, Any], recorded_at: dt.datetime) -> Any:
    from fupin.assistance.choices import VisitChannel
    from fupin.assistance.services import record_visit

    channel = str(data.get("channel") or VisitChannel.HOME)
    if channel not in VisitChannel.values:
        raise ValidationError({"channel": [f"走访方式“{channel}”无效"]})
    location = data.get("location") if isinstance(data.get("location"), Mapping) else None
    return record_visit(actor=actor, household=household, visited_on=_date(data.get("visited_on"), "visited_on"),
                        channel=channel, findings=str(data.get("findings") or ""),
                        policies_explained=str(data.get("policies_explained") or "")[:300],
                        measures_agreed=str(data.get("measures_agreed") or "")[:300],
                        location=location, signature=data.get("signature") or None,
                        confirmed_by=str(data.get("confirmed_by") or ""), recorded_at=recorded_at)


def _record_event(actor: Actor, household: Household, data: Mapping[str, Any]) -> Any:
    """A risk event seen on a visit. An assigned helper is authorised here (as for visits);
    the monitoring service then runs as the system, noting who reported it."""
    from fupin.assistance.services import require_household
    from fupin.monitoring.services.events import add_event

    require_household(actor, household)
    writer = can_write_area(actor, household.area_id)
    name = getattr(actor, "get_full_name", lambda: "")() or getattr(actor, "username", "")
    return add_event(actor=actor if writer else SystemActor(f"现场上报（{name}）"), household=household, kind=str(data.get("kind") or ""),
                     date=data.get("date"), amount=data.get("amount") or 0,
                     source_detail=f"手机离线上报：{name}", note=str(data.get("note") or "")[:300])


__all__ = ["Challenge", "SyncResult", "accept_application", "area_in_scope", "cadre_work",
           "check_challenge", "decline_application", "helper_households", "link_household",
           "make_challenge", "offline_households", "open_case_for_application", "public_status",
           "submit_application", "sync_items"]
