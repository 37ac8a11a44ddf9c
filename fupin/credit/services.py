"""Micro-credit business actions: the only code that writes loans, reviews, fund draws,
subsidies and bank files. Views, API, commands and jobs call these.

Every refusal names its rule and the values (规则：…). Reviews are four-eyes: whoever entered a
loan or a request never reviews it, and nobody reviews the same loan twice.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from fupin.accounts import policy
from fupin.accounts.actors import Actor, history_user, is_system
from fupin.accounts.policy import roles_for
from fupin.core.privacy import mask_resident_id
from fupin.core.scope import area_in_scope, can_write_area
from fupin.registry import resident_id as rid
from fupin.registry.choices import HouseholdType, MemberStatus
from fupin.registry.models import Household, Member

from .leads import Lead, raise_monitoring_leads
from .models import (
    DISBURSED,
    EPIDEMIC_OVERDUE,
    LIVE,
    BankFile,
    BankFileStatus,
    BankRow,
    Decision,
    Loan,
    LoanReview,
    LoanStatus,
    Policy,
    ReviewStep,
    RiskFund,
    RiskFundDraw,
    Subsidy,
    SubsidyRun,
)

CHUNK = 5000
TOKENS = {"poor": "未脱贫户", "lifted": "脱贫户", "edge": "边缘易致贫户",
          "monitored": "监测对象"}
# who may act at each review step: a policy action (fupin.accounts.policy.RIGHTS)
STEP_ACTIONS = {
    ReviewStep.VILLAGE: "credit.review_village",
    ReviewStep.TOWNSHIP: "credit.review_township",
    ReviewStep.COUNTY: "credit.review_county",
    ReviewStep.BANK: "credit.review_bank",  # a second county officer records the bank decision
    ReviewStep.EXTENSION: "credit.review_extension",
    ReviewStep.WRITE_OFF: "credit.review_write_off",
}
NEXT = {
    LoanStatus.APPLIED: (ReviewStep.VILLAGE, LoanStatus.VILLAGE_OK),
    LoanStatus.VILLAGE_OK: (ReviewStep.TOWNSHIP, LoanStatus.TOWNSHIP_OK),
    LoanStatus.TOWNSHIP_OK: (ReviewStep.COUNTY, LoanStatus.COUNTY_OK),
    LoanStatus.COUNTY_OK: (ReviewStep.BANK, LoanStatus.BANK_APPROVED),
}


def today() -> dt.date:
    return timezone.localdate()


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def money(value: Any, field_name: str, errors: dict[str, list[str]], label: str = "金额",
          positive: bool = True) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", "").strip())
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.setdefault(field_name, []).append(f"{label}“{value}”不是数字")
        return Decimal(0)
    if amount < 0 or (positive and amount == 0):
        errors.setdefault(field_name, []).append(f"{label}应大于 0（填写为 {amount}）")
    elif amount >= Decimal("1e11"):
        errors.setdefault(field_name, []).append(f"{label} {amount} 过大")
    elif amount != amount.quantize(Decimal("0.01")):
        errors.setdefault(field_name, []).append(f"{label} {amount} 最多两位小数")
    return amount


def _require_area(actor: Actor, area_code: str, what: str = "该户") -> None:
    if not can_write_area(actor, area_code):
        if area_in_scope(actor, area_code):
            raise PermissionDenied("您的角色只能查看，不能办理信贷业务")
        raise ValidationError({"household": [f"{what}（区划 {area_code}）不在您的管辖范围内"]})


def _stamp(obj: Any, actor: Actor) -> None:
    obj._history_user = history_user(actor)


# -- eligibility ---------------------------------------------------------------------------


@dataclass
class Refusal:
    rule: str
    message: str
    field: str = "__all__"


@dataclass
class Eligibility:
    policy: Policy | None
    refusals: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refusals

    def error(self) -> ValidationError:
        out: dict[str, list[str]] = {}
        for r in self.refusals:
            out.setdefault(r.field, []).append(f"{r.message}（规则：{r.rule}）")
        return ValidationError(out)


def household_tokens(household: Household) -> set[str]:
    tokens = set()
    if household.household_type == HouseholdType.POOR:
        tokens.add("poor")
    if household.household_type == HouseholdType.LIFTED:
        tokens.add("lifted")
    if household.monitoring_type:
        tokens.add("monitored")
        if household.monitoring_type == "edge":
            tokens.add("edge")
    return tokens


def check_eligibility(*, household: Household, borrower: Member | None, amount: Decimal,
                      term_months: int, rate: Decimal, day: dt.date, is_topup: bool = False,
                      exclude_loan: int | None = None) -> Eligibility:
    """Every rule of the period in force on `day`, each refusal naming its rule and values."""
    policy = Policy.on(day)
    result = Eligibility(policy)
    if policy is None:
        result.refusals.append(Refusal("政策期", f"{day:%Y-%m-%d} 没有适用的小额信贷政策期"))
        return result
    tokens = household_tokens(household)
    allowed = set(policy.eligible)
    if not tokens & allowed:
        kind = household.get_household_type_display()
        if household.monitoring_type:
            kind += "·" + str(household.get_monitoring_type_display())
        names = "、".join(TOKENS.get(t, t) for t in policy.eligible)
        result.refusals.append(Refusal(
            "可贷户类型", f"户 {household.household_no} 为{kind}，{policy.name}只对{names}放贷",
            "household"))
    if borrower is None:
        result.refusals.append(Refusal("借款人", "请选择借款人", "borrower"))
    elif borrower.household_id != household.pk or borrower.status != MemberStatus.ACTIVE:
        result.refusals.append(Refusal("借款人", f"{borrower.name} 不是户 {household.household_no}"
                                                 " 的在册成员", "borrower"))
    else:
        try:
            birth = rid.parse(borrower.resident_id, today=day).birth_date
        except ValidationError:
            birth = borrower.birth_date
        age = day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
        if not policy.min_age <= age <= policy.max_age:
            result.refusals.append(Refusal(
                "借款人年龄",
                f"借款人 {borrower.name} 按身份证号 {mask_resident_id(borrower.resident_id)} "
                f"出生于 {birth:%Y-%m-%d}，{day:%Y-%m-%d} 时 {age} 岁，"
                f"不在 {policy.min_age}–{policy.max_age} 岁之间", "borrower"))
    if amount <= 0:
        result.refusals.append(Refusal("贷款金额", f"贷款金额应大于 0（填写为 {amount}）", "amount"))
    if term_months < 1 or term_months > policy.max_term_months:
        result.refusals.append(Refusal(
            "贷款期限", f"期限 {term_months} 个月，{policy.name}最长 {policy.max_term_months} 个月",
            "term_months"))
    cap = policy.rate_cap_short if term_months <= 12 else policy.rate_cap_long
    if rate < 0 or rate > cap:
        result.refusals.append(Refusal(
            "利率上限", f"年利率 {rate}% 超过{policy.name}{'一年期及以下' if term_months <= 12 else '一至三年期'}"
                    f"上限 {cap}%", "rate"))
    live = Loan.objects.filter(household=household, status__in=LIVE)
    if exclude_loan:
        live = live.exclude(pk=exclude_loan)
    live_total = live.aggregate(s=Sum("balance"))["s"] or Decimal(0)
    live_count = live.count()
    if not is_topup:
        if live_count:
            result.refusals.append(Refusal(
                "一户一笔", f"户 {household.household_no} 已有在贷 {live_count} 笔、余额 "
                           f"{live_total} 元，再贷须按追加贷款申请", "is_topup"))
        if amount > policy.max_amount:
            result.refusals.append(Refusal(
                "单户上限", f"贷款金额 {amount} 元超过{policy.name}单户上限 {policy.max_amount} 元",
                "amount"))
    else:
        if policy.topup_max <= 0:
            result.refusals.append(Refusal("追加贷款", f"{policy.name}不允许追加贷款", "is_topup"))
        elif not live_count:
            result.refusals.append(Refusal("追加贷款", "本户没有在贷贷款，不是追加贷款，请按首贷申请",
                                           "is_topup"))
        elif live_total + amount > policy.topup_max:
            result.refusals.append(Refusal(
                "追加上限", f"在贷余额 {live_total} 元加本次 {amount} 元共 {live_total + amount} 元，"
                           f"超过{policy.name}单户上限 {policy.topup_max} 元", "amount"))
    return result


# -- application and reviews ---------------------------------------------------------------


def _int(value: Any, name: str, label: str, errors: dict[str, list[str]]) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors.setdefault(name, []).append(f"{label}“{value}”应为整数")
        return 0
    if not -1_000_000 < number < 1_000_000:
        errors.setdefault(name, []).append(f"{label} {number} 超出范围")
        return 0
    return number


@transaction.atomic
def apply_loan(*, actor: Actor, household: Household, borrower: Member | None, amount: Any,
               term_months: Any, rate: Any, purpose: str, applied_on: dt.date | None = None,
               is_topup: bool = False) -> Loan:
    """A household's application (户申请), entered by a cadre; the village reviews it next."""
    _require_area(actor, household.area_id)
    errors: dict[str, list[str]] = {}
    value = money(amount, "amount", errors, "贷款金额")
    term = _int(term_months, "term_months", "期限（月）", errors)
    rate_value = money(rate, "rate", errors, "年利率", positive=False)
    if not str(purpose or "").strip():
        errors.setdefault("purpose", []).append("请填写贷款用途（只能用于生产经营）")
    day = applied_on or today()
    if day > today():
        errors.setdefault("applied_on", []).append(f"申请日期 {day:%Y-%m-%d} 晚于今天")
    if errors:
        raise ValidationError(errors)
    check = check_eligibility(household=household, borrower=borrower, amount=value,
                              term_months=term, rate=rate_value, day=day, is_topup=is_topup)
    if not check.ok:
        raise check.error()
    assert borrower is not None and check.policy is not None
    loan = Loan(area_id=household.area_id, household=household, borrower=borrower,
                borrower_id_number=borrower.resident_id, policy=check.policy, amount=value,
                term_months=term, rate=rate_value, purpose=str(purpose).strip()[:200],
                is_topup=is_topup, applied_on=day, created_by=history_user(actor))
    _stamp(loan, actor)
    loan.save()
    return loan


def _roles_text(roles: Iterable[str]) -> str:
    from fupin.accounts.models import Role

    return "、".join(str(Role(r).label) for r in roles)


def _four_eyes(actor: Actor, loan: Loan, step: str) -> None:
    if is_system(actor):
        return
    action = STEP_ACTIONS[ReviewStep(step)]
    policy.require(actor, action, message=f"{ReviewStep(step).label}须由{_roles_text(roles_for(action))}办理")
    if loan.created_by_id == actor.pk:
        raise ValidationError({"__all__": [
            f"录入申请的人不能审核（规则：审核与录入分离，{ReviewStep(step).label}）"]})
    if loan.reviews.filter(actor_id=actor.pk, step__in=[
            ReviewStep.VILLAGE, ReviewStep.TOWNSHIP, ReviewStep.COUNTY, ReviewStep.BANK]).exists():
        raise ValidationError({"__all__": [
            f"同一人不能审核同一笔贷款的两个环节（规则：审核与录入分离，{ReviewStep(step).label}）"]})


def _review(actor: Actor, loan: Loan, step: str, decision: str, comment: str, on: dt.date,
            data: dict[str, Any] | None = None) -> LoanReview:
    review = LoanReview(loan=loan, step=step, decision=decision, actor=history_user(actor),
                        actor_name=str(getattr(actor, "username", actor)), acted_on=on,
                        comment=str(comment or "")[:300], data=data or {})
    _stamp(review, actor)
    review.save()
    return review


def _lock(loan: Loan) -> Loan:
    locked: Loan = Loan.objects.select_for_update().get(pk=loan.pk)
    return locked


@transaction.atomic
def review_loan(*, actor: Actor, loan: Loan, approve: bool, comment: str = "",
                loan_no: str = "", bank: str = "", on: dt.date | None = None) -> Loan:
    """The next review step (村初审 → 乡审核 → 县复查 → 银行审定) approves or rejects."""
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    if loan.status not in NEXT:
        raise ValidationError({"__all__": [f"贷款状态为“{loan.get_status_display()}”，没有待审核环节"]})
    step, next_status = NEXT[LoanStatus(loan.status)]
    _four_eyes(actor, loan, step)
    day = on or today()
    if not approve and not str(comment or "").strip():
        raise ValidationError({"comment": ["不同意时请写明理由"]})
    if approve and step == ReviewStep.BANK:
        loan_no = str(loan_no or "").strip()
        if not loan_no:
            raise ValidationError({"loan_no": ["银行审定须填写贷款合同号"]})
        if Loan.objects.filter(loan_no=loan_no).exclude(pk=loan.pk).exists():
            raise ValidationError({"loan_no": [f"贷款合同号 {loan_no} 已被其他贷款使用"]})
        loan.loan_no = loan_no[:40]
        loan.bank = str(bank or loan.bank)[:60]
    if approve and step != ReviewStep.BANK:
        # the rules are checked again at each step: the household may have changed
        check = check_eligibility(household=loan.household, borrower=loan.borrower,
                                  amount=loan.amount, term_months=loan.term_months,
                                  rate=loan.rate, day=loan.applied_on, is_topup=loan.is_topup,
                                  exclude_loan=loan.pk)
        if not check.ok:
            raise check.error()
    _review(actor, loan, step, Decision.APPROVED if approve else Decision.REJECTED, comment, day)
    loan.status = next_status if approve else LoanStatus.REJECTED
    if not approve:
        loan.closed_on = day
    _stamp(loan, actor)
    loan.save()
    return loan


@transaction.atomic
def disburse(*, actor: Actor, loan: Loan, on: dt.date | None = None) -> Loan:
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    if loan.status != LoanStatus.BANK_APPROVED:
        raise ValidationError({"__all__": [f"只有银行审定的贷款可以放款（现为“{loan.get_status_display()}”）"]})
    day = on or today()
    if day < loan.applied_on or day > today():
        raise ValidationError({"disbursed_on": [f"放款日期 {day:%Y-%m-%d} 应在申请日期 "
                                                f"{loan.applied_on:%Y-%m-%d} 与今天之间"]})
    loan.status = LoanStatus.ACTIVE
    loan.disbursed_on = day
    loan.due_on = add_months(day, loan.term_months)
    loan.balance = loan.amount
    _stamp(loan, actor)
    loan.save()
    return loan


@transaction.atomic
def repay(*, actor: Actor, loan: Loan, amount: Any, on: dt.date | None = None) -> Loan:
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    errors: dict[str, list[str]] = {}
    value = money(amount, "amount", errors, "还款金额")
    if not loan.is_live:
        errors.setdefault("__all__", []).append(f"贷款状态为“{loan.get_status_display()}”，不能还款")
    elif value > loan.balance:
        errors.setdefault("amount", []).append(f"还款 {value} 元超过余额 {loan.balance} 元")
    if errors:
        raise ValidationError(errors)
    loan.balance -= value
    loan.repaid_total += value
    if loan.balance == 0:
        loan.status = LoanStatus.REPAID_LATE if loan.status == LoanStatus.OVERDUE else LoanStatus.REPAID
        loan.closed_on = on or today()
        loan.overdue_days = 0
    _stamp(loan, actor)
    loan.save()
    return loan


@transaction.atomic
def renew(*, actor: Actor, loan: Loan, loan_no: str, amount: Any, term_months: Any, rate: Any,
          on: dt.date | None = None) -> Loan:
    """续贷: the old loan is settled by a new one, which starts active at once."""
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    day = on or today()
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.EXTENDED):
        raise ValidationError({"__all__": [f"只有正常在贷或展期的贷款可以续贷（现为“{loan.get_status_display()}”）"]})
    errors: dict[str, list[str]] = {}
    value = money(amount, "amount", errors, "贷款金额")
    term = _int(term_months, "term_months", "期限（月）", errors)
    rate_value = money(rate, "rate", errors, "年利率", positive=False)
    loan_no = str(loan_no or "").strip()
    if not loan_no:
        errors.setdefault("loan_no", []).append("续贷须填写新的贷款合同号")
    elif Loan.objects.filter(loan_no=loan_no).exists():
        errors.setdefault("loan_no", []).append(f"贷款合同号 {loan_no} 已被使用")
    if errors:
        raise ValidationError(errors)
    check = check_eligibility(household=loan.household, borrower=loan.borrower, amount=value,
                              term_months=term, rate=rate_value, day=day, exclude_loan=loan.pk)
    if not check.ok:
        raise check.error()
    assert check.policy is not None
    new = Loan(area_id=loan.area_id, household=loan.household, borrower=loan.borrower,
               borrower_id_number=loan.borrower_id_number, policy=check.policy, loan_no=loan_no,
               bank=loan.bank, amount=value, term_months=term, rate=rate_value,
               purpose=loan.purpose, renewal_of=loan, status=LoanStatus.ACTIVE, applied_on=day,
               disbursed_on=day, due_on=add_months(day, term), balance=value,
               created_by=history_user(actor))
    _stamp(new, actor)
    new.save()
    loan.status = LoanStatus.RENEWED
    loan.repaid_total += loan.balance
    loan.balance = Decimal(0)
    loan.closed_on = day
    _stamp(loan, actor)
    loan.save()
    return new


def _pending(loan: Loan, step: str) -> LoanReview | None:
    last: LoanReview | None = loan.reviews.filter(step=step).order_by("-id").first()
    return last if last is not None and last.decision == Decision.REQUESTED else None


def extension_limit(loan: Loan, policies: list[Policy] | None = None
                    ) -> tuple[dt.date | None, Policy | None]:
    """The latest date the loan may be extended to under the policy in force on its due date
    (`policies`: all periods, when the caller checks many loans)."""
    if loan.due_on is None:
        return None, None
    if policies is None:
        policy = Policy.on(loan.due_on)
    else:
        policy = next((p for p in sorted(policies, key=lambda p: p.valid_from, reverse=True)
                       if p.valid_from <= loan.due_on
                       and (p.valid_to is None or p.valid_to >= loan.due_on)), None)
    if policy is None or not policy.extension_months:
        return None, policy
    limit = add_months(loan.due_on, policy.extension_months)
    if policy.extension_until and policy.extension_until > limit:
        limit = policy.extension_until
    return limit, policy


def epidemic_window(loan: Loan, day: dt.date, policies: list[Policy] | None = None
                    ) -> tuple[dt.date | None, str]:
    """Until when an overdue of this loan on `day` falls under the 2020 epidemic rule
    (loans due in the epidemic policy's period, up to its extension window), or why not."""
    if loan.due_on is None:
        return None, "贷款尚未放款，没有到期日期"
    limit, policy = extension_limit(loan, policies)
    if limit is None or policy is None or not policy.extension_until:
        return None, (f"到期日 {loan.due_on:%Y-%m-%d} 不在2020年疫情政策期内"
                      "（只适用于2020年1月1日起到期的贷款）")
    if day > limit:
        return None, f"疫情政策的宽限已于 {limit:%Y-%m-%d} 截止"
    return limit, ""


@transaction.atomic
def request_extension(*, actor: Actor, loan: Loan, until: dt.date, reason: str,
                      on: dt.date | None = None) -> LoanReview:
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.OVERDUE):
        raise ValidationError({"__all__": [f"贷款状态为“{loan.get_status_display()}”，不能申请展期"]})
    if _pending(loan, ReviewStep.EXTENSION):
        raise ValidationError({"__all__": ["已有待审核的展期申请"]})
    limit, policy = extension_limit(loan)
    if limit is None:
        raise ValidationError({"until": [f"到期日 {loan.due_on} 所在政策期不允许展期（规则：展期窗口）"]})
    assert loan.due_on is not None and policy is not None
    if until <= loan.due_on or until > limit:
        raise ValidationError({"until": [
            f"展期至 {until:%Y-%m-%d} 应晚于到期日 {loan.due_on:%Y-%m-%d}、不晚于 {limit:%Y-%m-%d}"
            f"（规则：展期窗口，{policy.name}可展期 {policy.extension_months} 个月"
            + (f"、最晚至 {policy.extension_until:%Y-%m-%d}" if policy.extension_until else "") + "）"]})
    if not str(reason or "").strip():
        raise ValidationError({"reason": ["请写明展期原因"]})
    return _review(actor, loan, ReviewStep.EXTENSION, Decision.REQUESTED, reason, on or today(),
                   {"until": until.isoformat(), "by": getattr(actor, "pk", None)})


def _check_not_requester(actor: Actor, request: LoanReview, step: str) -> None:
    if is_system(actor):
        return
    action = STEP_ACTIONS[ReviewStep(step)]
    policy.require(actor, action, message=f"{ReviewStep(step).label}审核须由{_roles_text(roles_for(action))}办理")
    if request.actor_id == actor.pk:
        raise ValidationError({"__all__": [f"提出{ReviewStep(step).label}的人不能审核（规则：审核与录入分离）"]})


@transaction.atomic
def review_extension(*, actor: Actor, loan: Loan, approve: bool, comment: str = "",
                     on: dt.date | None = None) -> Loan:
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    request = _pending(loan, ReviewStep.EXTENSION)
    if request is None:
        raise ValidationError({"__all__": ["没有待审核的展期申请"]})
    _check_not_requester(actor, request, ReviewStep.EXTENSION)
    day = on or today()
    _review(actor, loan, ReviewStep.EXTENSION,
            Decision.APPROVED if approve else Decision.REJECTED, comment, day, request.data)
    if approve:
        _limit, policy = extension_limit(loan)
        loan.status = LoanStatus.EXTENDED
        loan.extended_on = day
        loan.extended_to = dt.date.fromisoformat(request.data["until"])
        loan.covid_deferral = bool(policy and policy.extension_until)
        loan.overdue_days = 0
        loan.overdue_since = None
        _stamp(loan, actor)
        loan.save()
    return loan


@transaction.atomic
def mark_overdue(*, actor: Actor, loan: Loan, days: int, on: dt.date | None = None,
                 epidemic: bool = False) -> Loan:
    """Mark a loan overdue. `epidemic`: overdue because of the 2020 epidemic, within that
    policy's window: recorded with its reason, but not a credit default (the subsidy stays,
    the overdue count leaves it out). A later plain marking, after the window, makes it one."""
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    excused = loan.status == LoanStatus.OVERDUE and loan.epidemic_overdue
    if loan.status not in (LoanStatus.ACTIVE, LoanStatus.EXTENDED) and not excused:
        raise ValidationError({"__all__": [f"贷款状态为“{loan.get_status_display()}”，不能标记逾期"]})
    if days < 1:
        raise ValidationError({"days": ["逾期天数应大于 0"]})
    day = on or today()
    if epidemic:
        if excused:
            raise ValidationError({"epidemic": ["该贷款已按疫情政策登记逾期"]})
        limit, why = epidemic_window(loan, day)
        if limit is None:
            raise ValidationError({"epidemic": [f"不能按疫情政策处理：{why}（规则：疫情延期）"]})
        _set_epidemic_overdue(loan, days, day, limit)
    else:
        _set_overdue(loan, days, day)
        if excused:
            loan.overdue_note = (f"疫情政策宽限后仍未还款，{day:%Y-%m-%d} 起按逾期处理"
                                 "（计为违约，取消贴息）")
    _stamp(loan, actor)
    loan.save()
    raise_overdue_leads(actor=actor, loans=[loan])
    return loan


def _set_overdue(loan: Loan, days: int, day: dt.date) -> None:
    loan.status = LoanStatus.OVERDUE
    loan.overdue_days = days
    loan.overdue_since = day - dt.timedelta(days=days)
    loan.subsidy_eligible = False
    loan.subsidy_lost_reason = f"逾期 {days} 天（{loan.overdue_since:%Y-%m-%d} 起）"
    loan.overdue_note = ""


def _set_epidemic_overdue(loan: Loan, days: int, day: dt.date, limit: dt.date) -> None:
    loan.status = LoanStatus.OVERDUE
    loan.overdue_days = days
    loan.overdue_since = day - dt.timedelta(days=days)
    loan.covid_deferral = True
    loan.overdue_note = (f"受疫情影响逾期 {days} 天（{loan.overdue_since:%Y-%m-%d} 起），"
                         f"按2020年疫情政策不作为信贷违约、不报送不良记录"
                         f"{'，贴息照常' if loan.subsidy_eligible else ''}；宽限至 {limit:%Y-%m-%d}")


def raise_overdue_leads(*, actor: Actor, loans: Iterable[Loan]) -> dict[str, Any]:
    leads = [Lead(household_no=loan.household.household_no, kind="other",
                  day=min(today(), loan.overdue_since or today()), amount=loan.balance,
                  note=f"扶贫小额信贷 {loan.loan_no} 逾期 {loan.overdue_days} 天，余额 {loan.balance} 元")
             for loan in loans]
    return raise_monitoring_leads(actor=actor, leads=leads, source="扶贫小额信贷逾期")


@transaction.atomic
def mark_misused(*, actor: Actor, loan: Loan, reason: str) -> Loan:
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    if not str(reason or "").strip():
        raise ValidationError({"reason": ["请写明挪用情况"]})
    if not loan.is_live:
        raise ValidationError({"__all__": ["只有在贷贷款可以标记挪用"]})
    loan.misused = True
    loan.subsidy_eligible = False
    loan.subsidy_lost_reason = f"挪用：{str(reason).strip()}"[:200]
    _stamp(loan, actor)
    loan.save()
    return loan


def compensable(loan: Loan) -> Decimal:
    """The part of the balance the risk fund covers: none above the policy's capped principal."""
    cap = loan.policy.subsidised_cap
    if loan.amount <= cap:
        return loan.balance
    return (loan.balance * cap / loan.amount).quantize(Decimal("0.01"), ROUND_HALF_UP)


@transaction.atomic
def request_write_off(*, actor: Actor, loan: Loan, reason: str,
                      on: dt.date | None = None) -> LoanReview:
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    if loan.status != LoanStatus.OVERDUE:
        raise ValidationError({"__all__": ["只有逾期贷款可以申请风险补偿金代偿"]})
    if _pending(loan, ReviewStep.WRITE_OFF):
        raise ValidationError({"__all__": ["已有待审核的代偿申请"]})
    if not str(reason or "").strip():
        raise ValidationError({"reason": ["请写明代偿原因"]})
    return _review(actor, loan, ReviewStep.WRITE_OFF, Decision.REQUESTED, reason, on or today(),
                   {"amount": str(compensable(loan))})


@transaction.atomic
def review_write_off(*, actor: Actor, loan: Loan, approve: bool, comment: str = "",
                     on: dt.date | None = None) -> Loan:
    loan = _lock(loan)
    _require_area(actor, loan.area_id)
    request = _pending(loan, ReviewStep.WRITE_OFF)
    if request is None:
        raise ValidationError({"__all__": ["没有待审核的代偿申请"]})
    _check_not_requester(actor, request, ReviewStep.WRITE_OFF)
    day = on or today()
    if approve:
        fund = (RiskFund.objects.select_for_update()
                .filter(area__code__startswith=loan.area_id[:6]).order_by("established_on").first())
        if fund is None:
            raise ValidationError({"__all__": [f"县 {loan.area_id[:6]} 没有设立风险补偿金"]})
        amount = compensable(loan)
        drawn = fund.draws.aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if drawn + amount > fund.capital:
            raise ValidationError({"__all__": [
                f"风险补偿金余额 {fund.capital - drawn} 元，不足代偿 {amount} 元"]})
        draw = RiskFundDraw(fund=fund, loan=loan, amount=amount, drawn_on=day,
                            note=str(comment or request.comment)[:200])
        _stamp(draw, actor)
        draw.save()
        loan.status = LoanStatus.WRITTEN_OFF
        loan.closed_on = day
        _stamp(loan, actor)
        loan.save()
    _review(actor, loan, ReviewStep.WRITE_OFF,
            Decision.APPROVED if approve else Decision.REJECTED, comment, day, request.data)
    return loan


@transaction.atomic
def create_fund(*, actor: Actor, area_code: str, name: str, capital: Any,
                established_on: dt.date, bank: str = "") -> RiskFund:
    from fupin.areas.models import Area

    errors: dict[str, list[str]] = {}
    value = money(capital, "capital", errors, "补偿金规模")
    area = Area.objects.filter(code=str(area_code).strip()).first()
    if area is None or len(area.code) != 6:
        errors.setdefault("area", []).append(f"区划“{area_code}”应为县级（6 位）代码")
    if not str(name or "").strip():
        errors.setdefault("name", []).append("请填写名称")
    if errors:
        raise ValidationError(errors)
    assert area is not None
    _require_area(actor, area.code, "该县")
    fund = RiskFund(area=area, name=str(name).strip()[:100], capital=value,
                    established_on=established_on, bank=str(bank)[:60])
    _stamp(fund, actor)
    fund.save()
    return fund


# -- monthly interest subsidy (set-based) -------------------------------------------------


def month_start(value: Any) -> dt.date:
    if isinstance(value, dt.date):
        return value.replace(day=1)
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:7] + "-01")
    except ValueError:
        raise ValidationError({"month": [f"月份“{value}”格式应为 YYYY-MM"]}) from None


def _least(a: str, b: str) -> str:
    return f"(CASE WHEN {a} < {b} THEN {a} ELSE {b} END)"


@transaction.atomic
def run_subsidies(*, actor: Actor, area_code: str, month: Any) -> SubsidyRun:
    """The month's interest subsidy of every live loan of the area, in one INSERT … SELECT.

    Principal: the balance, capped at the policy's subsidised principal (for a top-up, what is
    left of the cap after the household's first loans). Rate: the loan's, capped by its
    policy. Share: the contract's policy when its terms are fixed (contracts before 2021),
    otherwise the policy in force that month (100 % to 2023, 70 % in 2024–2025). Overdue,
    misused or cancelled loans get a row with zero and the reason. Loans already computed for
    the month are skipped, so a re-run adds only what is new."""
    from fupin.areas.models import Area

    first = month_start(month)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if first > today():
        raise ValidationError({"month": [f"{first:%Y-%m} 尚未到来，不能计算贴息"]})
    area = Area.objects.filter(code=str(area_code).strip()).first()
    if area is None:
        raise ValidationError({"area": [f"区划“{area_code}”不存在"]})
    _require_area(actor, area.code, "该区划")
    month_policy = Policy.on(first)
    month_share = month_policy.subsidy_share if month_policy else Decimal(0)
    run = SubsidyRun(area=area, month=first, run_by=history_user(actor))
    _stamp(run, actor)
    run.save()
    loan, pol, sub = Loan._meta.db_table, Policy._meta.db_table, Subsidy._meta.db_table
    others = (f"(SELECT COALESCE(SUM(o.balance), 0) FROM {loan} o WHERE o.household_id = l.household_id"
              f" AND o.status IN ('active', 'extended', 'overdue') AND o.is_topup = FALSE)")
    capped = _least("l.balance", "p.subsidised_cap")
    topup_room = f"(p.subsidised_cap - {others})"
    principal = (f"(CASE WHEN l.is_topup = TRUE THEN (CASE WHEN {topup_room} <= 0 THEN 0 ELSE "
                 f"{_least('l.balance', topup_room)} END) ELSE {capped} END)")
    rate = _least("l.rate", "(CASE WHEN l.term_months <= 12 THEN p.rate_cap_short ELSE p.rate_cap_long END)")
    share = "(CASE WHEN p.terms_fixed = TRUE THEN p.subsidy_share ELSE %s END)"
    lost = ("(CASE WHEN l.status = 'overdue' AND NOT (l.covid_deferral AND l.subsidy_eligible) "
            "THEN '逾期' WHEN l.misused = TRUE THEN '挪用' "
            "WHEN l.subsidy_eligible = FALSE THEN '已取消贴息' ELSE '' END)")
    sql = f"""
        INSERT INTO {sub} (loan_id, area_code, month, principal, rate, share, amount, lost_reason, run_id)
        SELECT x.id, x.area_code, %s, x.principal, x.rate, x.share,
               CASE WHEN x.lost = '' THEN ROUND(x.principal * x.rate * x.share / 1200, 2) ELSE 0 END,
               x.lost, %s
        FROM (SELECT l.id, l.area_id AS area_code, {principal} AS principal, {rate} AS rate,
                     {share} AS share, {lost} AS lost
              FROM {loan} l JOIN {pol} p ON p.id = l.policy_id
              WHERE l.area_id LIKE %s AND l.status IN ('active', 'extended', 'overdue')
                AND l.disbursed_on <= %s
                AND NOT EXISTS (SELECT 1 FROM {sub} s WHERE s.loan_id = l.id AND s.month = %s)) x
    """
    params: list[Any] = [first, run.pk, month_share, f"{area.code}%", last, first]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    figures = Subsidy.objects.filter(run=run).aggregate(
        n=Count("id"), paid=Count("id", filter=Q(amount__gt=0)),
        lost=Count("id", filter=~Q(lost_reason="")), total=Sum("amount"))
    run.loans, run.paid_loans, run.lost_loans = figures["n"], figures["paid"], figures["lost"]
    run.total = figures["total"] or Decimal(0)
    run.save(update_fields=["loans", "paid_loans", "lost_loans", "total"])
    return run


# -- the bank's monthly file ---------------------------------------------------------------

BANK_HEADERS = {
    "loan_no": ("贷款合同号", "合同号", "贷款编号", "借据号", "loan_no"),
    "resident_id": ("身份证号", "身份证号码", "证件号码", "resident_id"),
    "balance": ("贷款余额", "余额", "balance"),
    "repaid": ("累计还款", "已还金额", "还款金额", "repaid"),
    "overdue_days": ("逾期天数", "overdue_days"),
}


def _read_sheet(filename: str, content: bytes) -> list[list[str]]:
    import io

    if not filename.lower().endswith((".xlsx", ".xls")):
        raise ValidationError({"file": ["银行文件应为 Excel（.xlsx）"]})
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
        rows = sheet.to_python()
    except Exception as exc:  # a broken file gets a message, not a 500
        raise ValidationError({"file": [f"无法读取 Excel 文件：{exc}"]}) from None
    out = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            cells.append("" if v is None else str(v).strip())
        out.append(cells)
    return out


def _dec(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0 or value >= Decimal("1e11"):
        return None
    return value.quantize(Decimal("0.01"), ROUND_HALF_UP)


def _loans_by_number(numbers: list[str]) -> dict[str, tuple[Any, ...]]:
    """The loans of a file's numbers: one `= ANY(array)` query on PostgreSQL (index lookups,
    no 100,000-item SQL text), chunked IN queries elsewhere."""
    columns = ("loan_no", "id", "area_id", "borrower_id_number", "balance", "repaid_total",
               "overdue_days", "status")
    loans: dict[str, tuple[Any, ...]] = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)} FROM {Loan._meta.db_table} "
                           "WHERE loan_no = ANY(%s)", [numbers])
            for row in cursor.fetchall():
                loans[row[0]] = tuple(row)
        return loans
    for start in range(0, len(numbers), CHUNK):
        for row in Loan.objects.filter(loan_no__in=numbers[start:start + CHUNK]).values_list(
                "loan_no", "pk", "area_id", "borrower_id_number", "balance", "repaid_total",
                "overdue_days", "status"):
            loans[row[0]] = row
    return loans


BANK_ROW_COLUMNS = ("file_id", "line", "loan_no", "resident_id", "balance", "repaid",
                    "overdue_days", "loan_id", "error", "diff")


def _insert_bank_rows(rows: list[tuple[Any, ...]]) -> None:
    """Store a file's rows: COPY on PostgreSQL (a 100,000-row file in seconds), bulk INSERT
    elsewhere."""
    if connection.vendor == "postgresql":
        import json

        table = connection.ops.quote_name(BankRow._meta.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(  # type: ignore[attr-defined]
                f"COPY {table} ({', '.join(BANK_ROW_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row[:-1], json.dumps(row[-1], ensure_ascii=False)))
        return
    BankRow.objects.bulk_create([BankRow(**dict(zip(BANK_ROW_COLUMNS, row, strict=True)))
                                 for row in rows], batch_size=CHUNK)


@transaction.atomic
def import_bank_file(*, actor: Actor, area_code: str, month: Any, filename: str,
                     content: bytes, bank: str = "") -> BankFile:
    """Read a bank's monthly file and reconcile it with the loans: every row is kept with its
    result (matched, rejected with a reason, or the differences found). Nothing is applied
    to the loans here; `apply_bank_file` does that after a second person confirms."""
    from fupin.areas.models import Area

    first = month_start(month)
    area = Area.objects.filter(code=str(area_code).strip()).first()
    if area is None:
        raise ValidationError({"area": [f"区划“{area_code}”不存在"]})
    _require_area(actor, area.code, "该区划")
    rows = _read_sheet(filename, content)
    if not rows:
        raise ValidationError({"file": ["文件是空的"]})
    header = rows[0]
    cols = {f: next((i for i, h in enumerate(header) if h in names), None)
            for f, names in BANK_HEADERS.items()}
    missing = [BANK_HEADERS[f][0] for f, i in cols.items() if i is None]
    if missing:
        raise ValidationError({"file": [f"缺少列：{'、'.join(missing)}（表头为：{'、'.join(header)}）"]})
    parsed: list[tuple[int, dict[str, str]]] = []
    for lineno, row in enumerate(rows[1:], start=2):
        if any(row):
            parsed.append((lineno, {f: (row[i] if i is not None and i < len(row) else "")
                                    for f, i in cols.items()}))
    numbers = sorted({r["loan_no"] for _, r in parsed if r["loan_no"]})
    loans = _loans_by_number(numbers)
    bank_file = BankFile(area=area, month=first, bank=str(bank)[:60], filename=filename[:200],
                         sha256=hashlib.sha256(content).hexdigest(),
                         uploaded_by=history_user(actor))
    _stamp(bank_file, actor)
    bank_file.save()
    seen: set[str] = set()
    out: list[tuple[Any, ...]] = []
    matched = rejected = differences = 0
    for lineno, r in parsed:
        error = ""
        loan = loans.get(r["loan_no"])
        balance, repaid = _dec(r["balance"]), _dec(r["repaid"])
        try:
            days: int | None = int(Decimal(r["overdue_days"] or "0"))
        except InvalidOperation:
            days = None
        rid_text = rid.normalize(r["resident_id"])
        if not r["loan_no"]:
            error = "缺少贷款合同号"
        elif r["loan_no"] in seen:
            error = f"贷款合同号 {r['loan_no']} 在文件中重复"
        elif loan is None:
            error = f"贷款合同号 {r['loan_no']} 不存在（未知贷款）"
        elif not loan[2].startswith(area.code):
            error = f"贷款 {r['loan_no']} 不属于区划 {area.code}"
        elif loan[3] != rid_text:
            error = (f"身份证号 {mask_resident_id(rid_text)} 与贷款登记的借款人 "
                     f"{mask_resident_id(loan[3])} 不一致")
        elif balance is None:
            error = f"贷款余额“{r['balance']}”不是有效金额"
        elif repaid is None:
            error = f"累计还款“{r['repaid']}”不是有效金额"
        elif days is None or not 0 <= days < 100_000:
            error = f"逾期天数“{r['overdue_days']}”应为不小于 0 的整数"
        seen.add(r["loan_no"])
        diff: dict[str, list[str]] = {}
        if not error and loan is not None:
            matched += 1
            for key, ours, theirs in (("balance", loan[4], balance), ("repaid", loan[5], repaid),
                                      ("overdue_days", loan[6], days)):
                if ours != theirs:
                    diff[key] = [str(ours), str(theirs)]
            if diff:
                differences += 1
        else:
            rejected += 1
        out.append((bank_file.pk, lineno, r["loan_no"][:40], rid_text[:30], balance, repaid,
                    days if days is not None and abs(days) < 2**31 else None,
                    loan[1] if loan and not error else None, error[:300], diff))
    _insert_bank_rows(out)
    bank_file.rows_read, bank_file.rows_matched = len(parsed), matched
    bank_file.rows_rejected, bank_file.differences = rejected, differences
    bank_file.save(update_fields=["rows_read", "rows_matched", "rows_rejected", "differences"])
    return bank_file


@transaction.atomic
def apply_bank_file(*, actor: Actor, bank_file: BankFile, on: dt.date | None = None) -> dict[str, int]:
    """A second person confirms the listed differences: balances, repayments and overdue days
    are taken from the bank; loans paid off close, loans past due fall overdue (losing their
    subsidy, raising a monitoring lead), overdue loans brought current return to active."""
    bank_file = BankFile.objects.select_for_update().get(pk=bank_file.pk)
    _require_area(actor, bank_file.area_id, "该区划")
    if bank_file.status == BankFileStatus.APPLIED:
        raise ValidationError({"__all__": ["该文件的差异已确认过"]})
    if not is_system(actor) and bank_file.uploaded_by_id == actor.pk:
        raise ValidationError({"__all__": ["上传文件的人不能确认差异（规则：审核与录入分离）"]})
    day = on or today()
    rows = list(BankRow.objects.filter(file=bank_file, loan__isnull=False).exclude(diff={})
                .values_list("loan_id", "balance", "repaid", "overdue_days"))
    changed: list[Loan] = []
    newly_overdue: list[Loan] = []
    policies = list(Policy.objects.all())
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        loans = Loan.objects.select_for_update().select_related("household").in_bulk(
            [r[0] for r in part])
        for loan_id, balance, repaid, days in part:
            loan = loans[loan_id]
            was_overdue = loan.status == LoanStatus.OVERDUE
            loan.balance, loan.repaid_total, loan.overdue_days = balance, repaid, days
            if loan.status in (LoanStatus.ACTIVE, LoanStatus.EXTENDED, LoanStatus.OVERDUE):
                if balance == 0:
                    loan.status = LoanStatus.REPAID_LATE if was_overdue else LoanStatus.REPAID
                    loan.closed_on = day
                    loan.overdue_days = 0
                elif days and days > 0 and not was_overdue:
                    # the bank file gives no cause: loans already deferred under the 2020
                    # epidemic rule stay out of default while its window lasts
                    limit = epidemic_window(loan, day, policies)[0] if loan.covid_deferral else None
                    if limit is not None:
                        _set_epidemic_overdue(loan, days, day, limit)
                    else:
                        _set_overdue(loan, days, day)
                    newly_overdue.append(loan)
                elif (days and was_overdue and loan.epidemic_overdue
                      and epidemic_window(loan, day, policies)[0] is None):
                    _set_overdue(loan, days, day)
                    loan.overdue_note = (f"疫情政策宽限后仍未还款，{day:%Y-%m-%d} 起按逾期处理"
                                         "（计为违约，取消贴息）")
                elif was_overdue and not days:
                    loan.status = LoanStatus.ACTIVE
                    loan.overdue_since = None
            changed.append(loan)
    from simple_history.utils import bulk_update_with_history

    bulk_update_with_history(changed, Loan, ["balance", "repaid_total", "overdue_days", "status",
                                             "closed_on", "overdue_since", "subsidy_eligible",
                                             "subsidy_lost_reason", "covid_deferral",
                                             "overdue_note"],
                             batch_size=CHUNK, default_user=history_user(actor),
                             default_change_reason=f"银行对账：{bank_file.filename}"[:100])
    bank_file.status = BankFileStatus.APPLIED
    bank_file.applied_by = history_user(actor)
    bank_file.applied_at = timezone.now()
    _stamp(bank_file, actor)
    bank_file.save()
    leads = raise_overdue_leads(actor=actor, loans=newly_overdue) if newly_overdue else {}
    return {"updated": len(changed), "overdue": len(newly_overdue),
            "leads": int(leads.get("accepted", 0))}


# -- summary ---------------------------------------------------------------------------------


def summary(area_code: str, as_of: dt.date | None = None, *, user: Any = None) -> dict[str, Any]:
    """The area's credit figures on `as_of` (default today), in a few aggregate queries.

    Outstanding: open loans at their current balance (the bank files give no history of
    balances), loans closed after `as_of` at their principal (repaid at maturity, 到期还本).
    Counts and amounts use the dates on the loans."""
    code = str(area_code).strip()
    if user is not None and not area_in_scope(user, code):
        raise PermissionDenied(f"区划 {code} 不在您的管辖范围内")
    day = as_of or today()
    loans = Loan.objects.filter(area__code__startswith=code, disbursed_on__lte=day,
                                status__in=DISBURSED)
    open_on = Q(closed_on__isnull=True) | Q(closed_on__gt=day)
    year_start = day.replace(month=1, day=1)
    on_pg = connection.vendor == "postgresql"
    counts: dict[str, Any] = {} if on_pg else {
        "borrower_households": Count("household", distinct=True)}
    f = loans.aggregate(
        **counts, loans=Count("id"),
        disbursed=Sum("amount"),
        outstanding=Sum("balance", filter=Q(closed_on__isnull=True)),
        closed_later=Sum("amount", filter=Q(closed_on__gt=day)),
        overdue=Count("id", filter=Q(overdue_since__lte=day) & open_on & Q(status__in=[
            LoanStatus.OVERDUE, LoanStatus.REPAID_LATE, LoanStatus.WRITTEN_OFF])
            & ~EPIDEMIC_OVERDUE),
        epidemic_overdue=Count("id", filter=Q(overdue_since__lte=day) & open_on
                               & EPIDEMIC_OVERDUE),
        extended=Count("id", filter=Q(extended_on__lte=day)),
        extended_yuan=Sum("amount", filter=Q(extended_on__lte=day)),
        new=Count("id", filter=Q(disbursed_on__gte=year_start)),
        new_yuan=Sum("amount", filter=Q(disbursed_on__gte=year_start)),
        written_off=Count("id", filter=Q(status=LoanStatus.WRITTEN_OFF, closed_on__lte=day)))
    if on_pg:  # credit_borrower: one row per borrower household, kept by triggers (0004)
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM credit_borrower WHERE area_code LIKE %s "
                           "AND first_disbursed_on <= %s", [f"{code}%", day])
            f["borrower_households"] = cursor.fetchone()[0]
    registered = Household.objects.filter(area__code__startswith=code).registered().count()
    funds = RiskFund.objects.filter(area__code__startswith=code[:6] if len(code) > 6 else code,
                                    established_on__lte=day)
    fund_total = funds.aggregate(s=Sum("capital"))["s"] or Decimal(0)
    drawn = RiskFundDraw.objects.filter(fund__in=funds, drawn_on__lte=day).aggregate(
        s=Sum("amount"))["s"] or Decimal(0)

    def num(v: Any) -> float | int:
        v = Decimal(v or 0)
        return int(v) if v == v.to_integral_value() else float(v)

    return {
        "area": code, "as_of": day.isoformat(),
        "borrower_households": f["borrower_households"], "loans": f["loans"],
        "disbursed_yuan": num(f["disbursed"]), "outstanding_yuan": num((f["outstanding"] or 0) + (f["closed_later"] or 0)),
        "overdue_loans": f["overdue"], "epidemic_overdue_loans": f["epidemic_overdue"],
        "extended_loans": f["extended"],
        "extended_yuan": num(f["extended_yuan"]), "new_loans_year": f["new"],
        "new_loans_year_yuan": num(f["new_yuan"]), "written_off_loans": f["written_off"],
        "risk_fund_yuan": num(fund_total), "risk_fund_drawn_yuan": num(drawn),
        "registered_households": registered,
        "loan_coverage": round(f["borrower_households"] / registered, 4) if registered else None,
    }
