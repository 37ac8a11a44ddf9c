"""The one permission policy: which role may do which action, and in which area.

`RIGHTS` is the single declared table role → action. Every role check in services, views
and the API asks it through `can` / `require` (or `restrict` for querysets); rows are
limited by area through `fupin.core.scope` (`visible_to`, `area_in_scope`).

Why one table here and not one per app: the rights of a role are read and reviewed as a
whole (who may approve at county level, who sees personal data), and the table is data,
not code, so accounts does not import the apps it names. A new app adds its rows under its
own label prefix ("<app>.<verb>"); `accounts/tests/test_policy.py` fails when code names
an action that is not in the table.

Rules:
- an unknown action is a programming error (`KeyError`), never a silent "no";
- a superuser may do everything; so may the `SystemActor` (jobs, CLI, demo);
- `None` is not an actor: `can(None, ...)` is False and `require(None, ...)` refuses;
- with `area_code=` (or `obj=`, whose area is its `area_id` / `area_code` / household's)
  the user must also hold that area in scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied

from fupin.core import scope

from .actors import is_system
from .models import Role

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet

_M = TypeVar("_M", bound="Model")

CA, TS, VC = Role.COUNTY_ADMIN, Role.TOWNSHIP_STAFF, Role.VILLAGE_CADRE
HE, DP, IN = Role.HELPER, Role.DATA_PROVIDER, Role.INSPECTOR
ALL_ROLES: tuple[str, ...] = tuple(Role)
NOT_HELPER = tuple(r for r in ALL_ROLES if r != HE)
NOT_DATA_PROVIDER = tuple(r for r in ALL_ROLES if r != DP)
WRITERS = (CA, TS, VC)  # change registry data in their scope (User.is_writer)


@dataclass(frozen=True)
class Right:
    label: str  # what the action is, in Chinese, for messages
    roles: tuple[str, ...]  # in the order messages name them


def _r(label: str, *roles: Iterable[str] | str) -> Right:
    """A right; roles given one by one keep their order, sets go in `Role` order."""
    out: list[str] = []
    for r in roles:
        group = [r] if isinstance(r, str) else [x for x in Role if x in r] if isinstance(
            r, (set, frozenset)) else list(r)
        out.extend(str(x) for x in group if str(x) not in out)
    return Right(label, tuple(out))


# The table: action -> who (by role) may do it. Keep it sorted by app.
RIGHTS: dict[str, Right] = {
    # accounts / registry
    "registry.write": _r("修改台账数据", WRITERS),
    "personal.view": _r("查看完整个人信息（身份证号、电话、银行账号、健康）", CA, TS, VC),
    # ledgers
    "ledgers.baseline_import": _r("历史数据导入（基线导入）", CA),
    # monitoring
    "monitoring.view": _r("查看监测预警", NOT_DATA_PROVIDER),
    "monitoring.rules_edit": _r("修改监测规则和参数", CA),
    "monitoring.roster_upload": _r("上传部门名册", DP, CA, TS),
    "monitoring.roster_view": _r("查看部门名册", DP, CA, TS, IN),
    "monitoring.roster_view_all": _r("查看他人上传的部门名册", NOT_DATA_PROVIDER),
    # rectification
    "rectification.report": _r("登记问题", WRITERS, IN),
    "rectification.report_assigned": _r("为所联系农户登记问题", HE),
    "rectification.check": _r("核实、销号、重新打开问题", WRITERS, IN),
    "rectification.spotcheck": _r("组织抽查", IN, CA, TS),
    # cases
    "cases.open_lead": _r("登记识别线索", VC, TS, CA),
    "cases.step_village": _r("办理村级环节", VC),
    "cases.step_township": _r("办理乡镇审核环节", TS, CA),  # county may act for the township
    "cases.step_county": _r("办理县级审定环节", CA),
    "cases.override_criteria": _r("批准条件未满足的案件继续办理", TS, CA),
    "cases.rollback": _r("风险消除回退", CA),
    "cases.settings_edit": _r("修改识别与消除时限", CA),
    "cases.overdue_county": _r("查看县级逾期督办", CA, IN),
    "cases.overdue_township": _r("查看乡镇逾期督办", TS),
    # assistance
    "assistance.rules_edit": _r("调整帮扶规则", CA),
    "assistance.act_assigned": _r("办理所联系农户的帮扶", HE),
    "assistance.helper_account": _r("作为帮扶责任人登录", HE),
    # field
    "field.village_work": _r("查看本村（乡镇）工作", NOT_HELPER),
    "field.accept_application": _r("受理自主申报", TS, CA),
    # credit: the review steps
    "credit.review_village": _r("村级审核", VC, TS, CA),
    "credit.review_township": _r("乡镇审核", TS, CA),
    "credit.review_county": _r("县级审批", CA),
    "credit.review_bank": _r("记录银行审批结果", CA),  # a second county officer
    "credit.review_extension": _r("展期审核", TS, CA),
    "credit.review_write_off": _r("核销审核", CA),
    # projects
    "projects.decide_township": _r("乡镇审核项目", CA, TS),
    "projects.decide_county": _r("县级审定项目", CA),
    # dci
    "dci.manage": _r("管理 DCI 对接方", CA),
    # reports
    "reports.view_area": _r("查看区域汇总报表", NOT_HELPER),
    "reports.edit": _r("修改评分表和考核目标", CA),
}

ROLE_LABELS: dict[str, str] = {str(v): str(label) for v, label in Role.choices}


def right(action: str) -> Right:
    try:
        return RIGHTS[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}: add it to fupin.accounts.policy.RIGHTS") from None


def roles_for(action: str) -> tuple[str, ...]:
    """The roles granted `action`, in the table's order (for menus and messages)."""
    return right(action).roles


def role_may(role: str, action: str) -> bool:
    """The table alone, for a role (not a user): no superuser or area rule."""
    return str(role) in right(action).roles


def role_names(roles: Iterable[str]) -> str:
    return "或".join(ROLE_LABELS.get(str(r), str(r)) for r in roles)


def area_of(obj: Any) -> str | None:
    """The area code a row belongs to: its area_id / area_code, or its household's."""
    for attr in ("area_id", "area_code"):
        code = getattr(obj, attr, None)
        if code:
            return str(code)
    household = getattr(obj, "household", None)
    if household is not None:
        return str(household.area_id)
    return None


def can(user: Any, action: str, area_code: str | None = None, obj: Any = None) -> bool:
    """May `user` do `action` (in `area_code`, or on `obj`)?"""
    grant = right(action)
    if user is None:
        return False
    if is_system(user):
        return True
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    if not (getattr(user, "is_superuser", False) or str(getattr(user, "role", "")) in grant.roles):
        return False
    code = area_code if area_code is not None else (area_of(obj) if obj is not None else None)
    if code is None:
        return obj is None
    return scope.area_in_scope(user, code)


def require(user: Any, action: str, area_code: str | None = None, obj: Any = None,
            message: str = "") -> None:
    """`can`, or PermissionDenied naming the action and the roles that may do it."""
    if can(user, action, area_code, obj):
        return
    if user is None:
        raise PermissionDenied("没有办理人：系统操作须以系统身份（SystemActor）进行")
    if message:
        raise PermissionDenied(message)
    grant = right(action)
    role = str(getattr(user, "role", ""))
    who = ROLE_LABELS.get(role, role or "未设置")
    if getattr(user, "is_superuser", False) or role in grant.roles:
        raise PermissionDenied(f"区划 {area_code or area_of(obj)} 不在您的管辖范围内，不能{grant.label}")
    raise PermissionDenied(f"“{grant.label}”须由{role_names(roles_for(action))}办理，您的角色是{who}")


def restrict(queryset: QuerySet[_M], user: Any, action: str) -> QuerySet[_M]:
    """The rows of `queryset` the user may do `action` on: none without the right, else the
    rows in scope (the queryset's `visible_to`, i.e. fupin.core.scope)."""
    if not can(user, action):
        return queryset.none()
    return queryset.visible_to(user)  # type: ignore[attr-defined,no-any-return]
