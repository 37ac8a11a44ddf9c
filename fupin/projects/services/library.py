"""The project library's procedure (MECHANISM.md §5.6): proposal with the 四议两公开 meeting
record, notices at village, township and county level (≥ 10 days, objections answered
within the period), review, sector appraisal, county approval, entry into the library, the
annual plan, funding, implementation, completion, acceptance, the site notice, hand-over of
the assets, or removal (出库) with its reason and filing.

Maker ≠ checker: the township review, sector appraisal and county approval cannot be done
by the proposer (nor the approval by the appraiser); the acceptance cannot be done by the
proposer nor by whoever reported completion.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fupin.accounts.actors import Actor, history_user
from fupin.areas.models import Area

from ..choices import AssetKind, Category, NoticeLevel, State
from ..models import Asset, Notice, Objection, Project, ProjectEvent
from .common import (
    COUNTY_RIGHT,
    TOWNSHIP_RIGHT,
    a_date,
    actor_id,
    actor_name,
    money,
    not_future,
    require_right,
    require_write,
    set_history,
    today,
)

MIN_NOTICE_DAYS = 10


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: State
    target: State
    right: str = ""  # the policy action needed; empty: any writer in scope
    notice: str = ""  # a notice level this action posts
    after_notice: str = ""  # the notice level that must have ended cleanly first
    not_by: tuple[str, ...] = ()  # actions whose actor may not do this one (maker ≠ checker)


TRANSITIONS: list[Transition] = [
    Transition("village_notice", "发布村级公示", State.VILLAGE_PROPOSED, State.VILLAGE_NOTICE,
               notice=NoticeLevel.VILLAGE),
    Transition("township_review", "乡镇审核通过", State.VILLAGE_NOTICE, State.TOWNSHIP_REVIEWED,
               TOWNSHIP_RIGHT, after_notice=NoticeLevel.VILLAGE, not_by=("propose",)),
    Transition("township_notice", "发布乡镇公示", State.TOWNSHIP_REVIEWED, State.TOWNSHIP_NOTICE,
               TOWNSHIP_RIGHT, notice=NoticeLevel.TOWNSHIP),
    Transition("sector_appraise", "行业部门论证通过", State.TOWNSHIP_NOTICE,
               State.COUNTY_SECTOR_APPRAISED, COUNTY_RIGHT, after_notice=NoticeLevel.TOWNSHIP,
               not_by=("propose",)),
    Transition("county_approve", "县级审定通过", State.COUNTY_SECTOR_APPRAISED,
               State.COUNTY_APPROVED, COUNTY_RIGHT, not_by=("propose", "sector_appraise")),
    Transition("county_notice", "发布县级公告", State.COUNTY_APPROVED, State.COUNTY_NOTICE,
               COUNTY_RIGHT, notice=NoticeLevel.COUNTY),
    Transition("enter_library", "入库（备案）", State.COUNTY_NOTICE, State.IN_LIBRARY, COUNTY_RIGHT,
               after_notice=NoticeLevel.COUNTY),
    Transition("plan", "列入年度计划", State.IN_LIBRARY, State.PLANNED, COUNTY_RIGHT),
    Transition("fund", "资金已下达", State.PLANNED, State.FUNDED, COUNTY_RIGHT),
    Transition("start", "开工", State.FUNDED, State.IMPLEMENTING),
    Transition("complete", "完工", State.IMPLEMENTING, State.COMPLETED),
    Transition("accept", "验收合格", State.COMPLETED, State.ACCEPTED, TOWNSHIP_RIGHT,
               not_by=("propose", "complete")),
    Transition("site_notice", "发布竣工公示", State.ACCEPTED, State.SITE_NOTICE,
               notice=NoticeLevel.SITE),
    Transition("hand_over", "资产移交", State.SITE_NOTICE, State.ASSET_HANDED_OVER, TOWNSHIP_RIGHT,
               after_notice=NoticeLevel.SITE),
    Transition("remove", "出库（备案）", State.IN_LIBRARY, State.REMOVED, COUNTY_RIGHT),
    Transition("remove", "出库（备案）", State.PLANNED, State.REMOVED, COUNTY_RIGHT),
]
# Sending back for rework (退回): from a review step to the proposal.
RETURNABLE = {State.VILLAGE_NOTICE, State.TOWNSHIP_REVIEWED, State.TOWNSHIP_NOTICE,
              State.COUNTY_SECTOR_APPRAISED, State.COUNTY_APPROVED, State.COUNTY_NOTICE}
ACTION_LABELS = {t.action: t.label for t in TRANSITIONS} | {
    "propose": "村级申报", "return": "退回修改", "renotice": "重新公示", "import": "导入"}
# Milestone date each state stamps on the project (figures "as of a day" read these).
STAMPS = {State.IN_LIBRARY: "entered_library_on", State.PLANNED: "planned_on",
          State.FUNDED: "funded_on", State.IMPLEMENTING: "started_on",
          State.COMPLETED: "completed_on", State.ACCEPTED: "accepted_on",
          State.ASSET_HANDED_OVER: "handed_over_on", State.REMOVED: "removed_on"}


def transitions_from(state: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == state]


def transition(state: str, action: str) -> Transition | None:
    return next((t for t in TRANSITIONS if t.source == state and t.action == action), None)


def _event(project: Project, actor: Actor, action: str, source: str, target: str, on: dt.date,
           comment: str = "", data: dict[str, Any] | None = None) -> ProjectEvent:
    return ProjectEvent.objects.create(
        project=project, action=action, from_state=source, to_state=target,
        actor=history_user(actor), actor_name=actor_name(actor),
        actor_role=str(getattr(actor, "role", "") or ""), acted_on=on, comment=comment,
        data=data or {})


def _check_area(area_code: str) -> Area:
    area = Area.objects.filter(code=area_code).first()
    if area is None or area.level not in ("county", "township", "village"):
        raise ValidationError({"area": [f"区划代码“{area_code}”不存在，或不是区县、乡镇、村"]})
    return area


def validate_meeting(data: dict[str, Any], on: dt.date) -> dict[str, Any]:
    """The 四议两公开 record: the villagers' representatives' meeting that decided it."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    try:
        out["meeting_date"] = a_date(data.get("meeting_date"), "meeting_date", "会议日期")
        if out["meeting_date"] > on:
            errors["meeting_date"] = [f"会议日期 {out['meeting_date']} 在申报日期之后"]
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for key, label in (("meeting_attendees", "参会代表人数"), ("meeting_agreed", "同意人数")):
        try:
            out[key] = int(str(data.get(key, "")).strip())
            if out[key] < 0:
                raise ValueError
        except ValueError:
            errors[key] = [f"{label}“{data.get(key, '')}”应为非负整数"]
    if "meeting_attendees" in out and "meeting_agreed" in out:
        if out["meeting_attendees"] == 0:
            errors["meeting_attendees"] = ["村民代表会议须有参会代表"]
        elif out["meeting_agreed"] > out["meeting_attendees"]:
            errors["meeting_agreed"] = [
                f"同意人数 {out['meeting_agreed']} 多于参会人数 {out['meeting_attendees']}"]
        elif out["meeting_agreed"] * 2 <= out["meeting_attendees"]:
            errors["meeting_agreed"] = [
                f"同意 {out['meeting_agreed']} 人未过参会 {out['meeting_attendees']} 人的半数，不能申报"]
    minutes = str(data.get("meeting_minutes", "")).strip()
    if len(minutes) < 10:
        errors["meeting_minutes"] = ["请填写会议记录（四议两公开：提议、商议、审议、决议及决议公开），至少 10 字"]
    out["meeting_minutes"] = minutes
    if errors:
        raise ValidationError(errors)
    return out


def _project_fields(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    name = str(data.get("name", "")).strip()
    if not name:
        errors["name"] = ["请填写项目名称"]
    elif len(name) > 200:
        errors["name"] = ["项目名称不能超过 200 字"]
    out["name"] = name
    category = str(data.get("category", ""))
    if category not in Category.values:
        errors["category"] = [f"项目类别“{category}”无效，应为：{'、'.join(Category.labels)}"]
    out["category"] = category
    try:
        out["planned_funds"] = money(data.get("planned_funds", ""), "planned_funds",
                                     label="计划资金", allow_zero=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    for key, label in (("expected_households", "预计受益户数"), ("expected_people", "预计受益人数")):
        raw = data.get(key, 0)
        try:
            out[key] = int(str(raw if raw not in (None, "") else 0).strip())
            if out[key] < 0:
                raise ValueError
        except ValueError:
            errors[key] = [f"{label}“{raw}”应为非负整数"]
    out["content"] = str(data.get("content", "") or "")[:5000]
    if errors:
        raise ValidationError(errors)
    return out


def next_code(county: str, year: int) -> str:
    prefix = f"{county}-{year}-"
    last = (Project.objects.filter(code__startswith=prefix).order_by("-code")
            .values_list("code", flat=True).first())
    n = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{n:05d}"


@transaction.atomic
def propose(*, actor: Actor, area_code: str, data: dict[str, Any],
            on: dt.date | None = None) -> Project:
    """A village (or township, or county) proposes a project with its meeting record."""
    on = on or today()
    area = _check_area(str(area_code).strip())
    require_write(actor, area.code)
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    for check in (lambda: _project_fields(data), lambda: validate_meeting(data, on)):
        try:
            fields.update(check())
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    code = str(data.get("code", "") or "").strip() or next_code(area.code[:6], on.year)
    if Project.objects.filter(code=code).exists():
        raise ValidationError({"code": [f"项目编号“{code}”已存在"]})
    project = Project(area=area, county_code=area.code[:6], code=code, proposed_on=on,
                      proposed_by=history_user(actor), state=State.VILLAGE_PROPOSED, **fields)
    set_history(project, actor)
    project.save()
    _event(project, actor, "propose", "", State.VILLAGE_PROPOSED, on,
           comment=f"村民代表会议 {fields['meeting_date']}：参会 {fields['meeting_attendees']} 人，"
                   f"同意 {fields['meeting_agreed']} 人")
    return project


def current_notice(project: Project, level: str) -> Notice | None:
    notice: Notice | None = (project.notices.filter(level=level, superseded=False)
                             .order_by("-start", "-id").first())
    return notice


def notice_problems(notice: Notice | None, on: dt.date) -> list[str]:
    """Why a notice does not (yet) let the project move on, in Chinese; empty when it does."""
    if notice is None:
        return ["尚未发布公示"]
    problems = []
    if on <= notice.end:
        problems.append(f"{notice.get_level_display()}至 {notice.end} 结束，公示期未满")
    for o in notice.objections.all():
        if o.answered_on is None:
            problems.append(f"异议“{o.content[:20]}”尚未答复")
        elif o.answered_on > notice.end:
            problems.append(f"异议“{o.content[:20]}”在公示期结束后（{o.answered_on}）才答复，须重新公示")
        elif o.upheld:
            problems.append(f"异议“{o.content[:20]}”成立，项目须退回修改")
    return problems


def _post_notice(project: Project, actor: Actor, level: str, data: dict[str, Any],
                 on: dt.date) -> Notice:
    start = a_date(data.get("start") or on, "start", "公示开始日期")
    if data.get("end"):
        end = a_date(data["end"], "end", "公示结束日期")
    else:
        try:
            days = int(str(data.get("days", MIN_NOTICE_DAYS)).strip())
        except ValueError:
            raise ValidationError({"days": [f"公示天数“{data.get('days')}”应为整数"]}) from None
        end = start + dt.timedelta(days=days)
    if start < on - dt.timedelta(days=30):
        raise ValidationError({"start": [f"公示开始日期 {start} 早于今天 30 天以上"]})
    if (end - start).days < MIN_NOTICE_DAYS:
        raise ValidationError({"end": [
            f"公示期 {start} 至 {end} 只有 {(end - start).days} 天，不少于 {MIN_NOTICE_DAYS} 天"
            f"（结束日期不早于 {start + dt.timedelta(days=MIN_NOTICE_DAYS)}）"]})
    notice = Notice(project=project, level=level, start=start, end=end,
                    place=str(data.get("place", "") or "")[:200], posted_by=history_user(actor))
    set_history(notice, actor)
    notice.save()
    return notice


def _check_not_by(project: Project, actor: Actor, t: Transition) -> None:
    me = actor_id(actor)
    if me is None or not t.not_by:
        return
    done_by = set(project.events.filter(action__in=t.not_by, actor_id=me)
                  .values_list("action", flat=True))
    if done_by:
        what = "、".join(ACTION_LABELS.get(a, a) for a in sorted(done_by))
        raise PermissionDenied(f"审核与经办分离：您已办理本项目的“{what}”，不能再办理“{t.label}”")


@transaction.atomic
def act(*, actor: Actor, project: Project, action: str, version: int | None = None,
        comment: str = "", data: dict[str, Any] | None = None,
        on: dt.date | None = None) -> Project:
    """Move a project one step (see TRANSITIONS), or return it (退回), or post its notice
    again (重新公示). Refuses with a Chinese message naming what is missing."""
    data = data or {}
    on = on or today()
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_write(actor, project.area_id)
    if version is not None and version != project.version:
        raise ValidationError({"version": [
            "项目已被他人更新（版本已变化），请刷新页面后重新办理"]})
    source = project.state
    if action == "return":
        return _return(project, actor, comment, on)
    if action == "renotice":
        return _renotice(project, actor, data, on)
    t = transition(source, action)
    if t is None:
        allowed = "、".join(x.label for x in transitions_from(source)) or "无"
        raise ValidationError({"action": [
            f"项目处于“{project.get_state_display()}”，不能办理“{ACTION_LABELS.get(action, action)}”"
            f"（可办理：{allowed}）"]})
    require_right(actor, t.right, t.label)
    _check_not_by(project, actor, t)
    if t.after_notice:
        problems = notice_problems(current_notice(project, t.after_notice), on)
        if problems:
            raise ValidationError({"action": problems})
    payload: dict[str, Any] = {}
    if t.notice:
        notice = _post_notice(project, actor, t.notice, data, on)
        payload = {"notice": notice.pk, "start": str(notice.start), "end": str(notice.end)}
    if t.action == "plan":
        year = data.get("year") or on.year
        try:
            year = int(str(year))
        except ValueError:
            raise ValidationError({"year": [f"计划年度“{year}”应为年份"]}) from None
        if not on.year - 1 <= year <= on.year + 2:
            raise ValidationError({"year": [f"计划年度 {year} 应在 {on.year - 1}–{on.year + 2} 之间"]})
        project.plan_year = year
        payload["year"] = year
    if t.action == "fund" and not project.allocations.exists():
        raise ValidationError({"action": ["尚未安排资金：请先从资金来源安排资金到本项目"]})
    if t.action == "remove":
        reason = str(data.get("reason", "") or comment).strip()
        filing = str(data.get("filing", "")).strip()
        if len(reason) < 4:
            raise ValidationError({"reason": ["请填写出库原因（至少 4 字）"]})
        if not filing:
            raise ValidationError({"filing": ["请填写出库备案文号"]})
        project.removed_reason, project.removed_filing = reason[:500], filing[:100]
        payload = {"reason": reason, "filing": filing}
    if t.action == "hand_over":
        payload["assets"] = _hand_over(project, actor, data.get("assets") or [], on)
    if t.target in STAMPS:
        setattr(project, STAMPS[t.target], on)
    if t.target == State.IN_LIBRARY:
        project.library_year = on.year
    project.state = t.target
    project.version += 1
    set_history(project, actor)
    project.save()
    _event(project, actor, t.action, source, t.target, on, comment[:2000], payload)
    return project


def _return(project: Project, actor: Actor, comment: str, on: dt.date) -> Project:
    if project.state not in RETURNABLE:
        raise ValidationError({"action": [f"项目处于“{project.get_state_display()}”，不能退回"]})
    if project.state != State.VILLAGE_NOTICE:
        require_right(actor, TOWNSHIP_RIGHT, "退回修改")
    if len(comment.strip()) < 4:
        raise ValidationError({"comment": ["退回须写明原因（至少 4 字）"]})
    source = project.state
    project.notices.filter(superseded=False).update(superseded=True)
    project.state = State.VILLAGE_PROPOSED
    project.version += 1
    set_history(project, actor)
    project.save()
    _event(project, actor, "return", source, State.VILLAGE_PROPOSED, on, comment[:2000])
    return project


def _renotice(project: Project, actor: Actor, data: dict[str, Any], on: dt.date) -> Project:
    level = {State.VILLAGE_NOTICE: NoticeLevel.VILLAGE, State.TOWNSHIP_NOTICE: NoticeLevel.TOWNSHIP,
             State.COUNTY_NOTICE: NoticeLevel.COUNTY, State.SITE_NOTICE: NoticeLevel.SITE
             }.get(State(project.state))
    if level is None:
        raise ValidationError({"action": [f"项目处于“{project.get_state_display()}”，没有进行中的公示"]})
    old = current_notice(project, level)
    if old is not None:
        old.superseded = True
        set_history(old, actor)
        old.save(update_fields=["superseded", "updated_at"])
    notice = _post_notice(project, actor, level, data, on)
    project.version += 1
    set_history(project, actor)
    project.save()
    _event(project, actor, "renotice", project.state, project.state, on,
           data={"notice": notice.pk, "start": str(notice.start), "end": str(notice.end)})
    return project


def _hand_over(project: Project, actor: Actor, assets: list[dict[str, Any]],
               on: dt.date) -> list[int]:
    if not assets:
        raise ValidationError({"assets": ["资产移交须登记至少一项资产（名称、类别、确权所有人、价值、管护责任人）"]})
    made = []
    for i, a in enumerate(assets, start=1):
        errors: list[str] = []
        kind = str(a.get("kind", ""))
        if kind not in AssetKind.values:
            errors.append(f"资产类别“{kind}”无效，应为：{'、'.join(AssetKind.labels)}")
        for key, label in (("name", "资产名称"), ("owner", "确权所有人"), ("maintainer", "管护责任人")):
            if not str(a.get(key, "")).strip():
                errors.append(f"请填写{label}")
        try:
            value = money(a.get("value", ""), "value", label="资产价值", allow_zero=True)
        except ValidationError as exc:
            errors.extend(exc.messages)
            value = Decimal(0)
        if errors:
            raise ValidationError({"assets": [f"第 {i} 项资产：{'；'.join(errors)}"]})
        asset = Asset(project=project, area_id=project.area_id, name=str(a["name"]).strip()[:200],
                      kind=kind, owner=str(a["owner"]).strip()[:200], value=value,
                      maintainer=str(a["maintainer"]).strip()[:200], handed_over_on=on)
        set_history(asset, actor)
        asset.save()
        made.append(asset.pk)
    return made


@transaction.atomic
def raise_objection(*, actor: Actor, notice: Notice, content: str,
                    raised_on: dt.date | None = None) -> Objection:
    raised_on = raised_on or today()
    require_write(actor, notice.project.area_id)
    if notice.superseded:
        raise ValidationError({"notice": ["该公示已重新发布，请在新的公示上登记异议"]})
    if not notice.start <= raised_on <= notice.end:
        raise ValidationError({"raised_on": [
            f"异议日期 {raised_on} 不在公示期 {notice.start} 至 {notice.end} 内"]})
    not_future(raised_on, "raised_on", "异议日期")
    content = content.strip()
    if len(content) < 2:
        raise ValidationError({"content": ["请填写异议内容"]})
    obj = Objection(notice=notice, raised_on=raised_on, content=content[:2000])
    set_history(obj, actor)
    obj.save()
    return obj


@transaction.atomic
def answer_objection(*, actor: Actor, objection: Objection, answer: str, upheld: bool = False,
                     answered_on: dt.date | None = None) -> Objection:
    answered_on = answered_on or today()
    notice = objection.notice
    require_write(actor, notice.project.area_id)
    if objection.answered_on is not None:
        raise ValidationError({"answer": ["该异议已答复"]})
    if answered_on < objection.raised_on:
        raise ValidationError({"answered_on": [f"答复日期 {answered_on} 早于异议提出日期 {objection.raised_on}"]})
    if answered_on > notice.end:
        raise ValidationError({"answered_on": [
            f"公示已于 {notice.end} 结束，异议须在公示期内答复；请重新公示后处理"]})
    answer = answer.strip()
    if len(answer) < 2:
        raise ValidationError({"answer": ["请填写答复内容"]})
    objection.answer, objection.answered_on, objection.upheld = answer[:2000], answered_on, upheld
    set_history(objection, actor)
    objection.save()
    return objection
