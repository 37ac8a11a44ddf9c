"""Micro-credit (扶贫小额信贷): policy periods, loans and their reviews, the county risk-
compensation fund, monthly interest subsidies and the bank's monthly files (MECHANISM §5.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.core.base_models import AreaLinkedModel, AreaScopedModel, HistoryModel
from fupin.core.scope import ScopedQuerySet

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}


class Policy(HistoryModel):
    """The loan rules of one period, as data: a row per period, never code."""

    name = models.CharField(_("政策期名称"), max_length=100)
    valid_from = models.DateField(_("起始日期"))
    valid_to = models.DateField(_("截止日期"), null=True, blank=True)
    max_amount = models.DecimalField(_("单户贷款上限（元）"), **MONEY)
    topup_max = models.DecimalField(_("含续补贷款单户上限（元）"), default=Decimal(0), **MONEY,
                                    help_text=_("0 表示本期不允许追加贷款"))
    subsidised_cap = models.DecimalField(_("贴息与风险补偿本金上限（元）"), **MONEY)
    subsidy_share = models.DecimalField(_("贴息比例"), max_digits=4, decimal_places=2)
    max_term_months = models.PositiveSmallIntegerField(_("最长期限（月）"))
    rate_cap_short = models.DecimalField(_("一年期及以下利率上限（%）"), max_digits=5,
                                         decimal_places=2)
    rate_cap_long = models.DecimalField(_("一至三年期利率上限（%）"), max_digits=5,
                                        decimal_places=2)
    extension_months = models.PositiveSmallIntegerField(_("可展期月数"), default=0)
    extension_until = models.DateField(_("展期最晚至"), null=True, blank=True)
    eligible = models.JSONField(_("可贷户类型"), default=list,
                                help_text=_("poor 未脱贫户、lifted 脱贫户、edge 边缘易致贫户、"
                                            "monitored 全部监测对象"))
    min_age = models.PositiveSmallIntegerField(_("借款人最低年龄"), default=18)
    max_age = models.PositiveSmallIntegerField(_("借款人最高年龄"), default=65)
    terms_fixed = models.BooleanField(_("合同期内政策不变"), default=False,
                                      help_text=_("本期签订的合同在整个期限内按本期贴息比例"))
    source = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        ordering = ["valid_from"]
        verbose_name = _("信贷政策期")
        verbose_name_plural = _("信贷政策期")
        constraints = [
            models.CheckConstraint(condition=Q(subsidy_share__gte=0) & Q(subsidy_share__lte=1),
                                   name="credit_policy_share_0_1"),
            models.CheckConstraint(condition=Q(valid_to__isnull=True)
                                   | Q(valid_to__gte=models.F("valid_from")),
                                   name="credit_policy_period_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def on(cls, day: dt.date) -> Policy | None:
        return cls.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day),
                                  valid_from__lte=day).order_by("-valid_from").first()


class LoanStatus(models.TextChoices):
    APPLIED = "applied", _("已申请")
    VILLAGE_OK = "village_ok", _("村初审通过")
    TOWNSHIP_OK = "township_ok", _("乡审核通过")
    COUNTY_OK = "county_ok", _("县复查通过")
    BANK_APPROVED = "bank_ok", _("银行审定")
    ACTIVE = "active", _("放款在贷")
    EXTENDED = "extended", _("已展期")
    OVERDUE = "overdue", _("逾期")
    REPAID = "repaid", _("已结清")
    RENEWED = "renewed", _("已续贷")
    REPAID_LATE = "repaid_late", _("逾期后结清")
    WRITTEN_OFF = "written_off", _("风险补偿金代偿")
    REJECTED = "rejected", _("未通过")


IN_REVIEW = (LoanStatus.APPLIED, LoanStatus.VILLAGE_OK, LoanStatus.TOWNSHIP_OK,
             LoanStatus.COUNTY_OK)
LIVE = (LoanStatus.ACTIVE, LoanStatus.EXTENDED, LoanStatus.OVERDUE)
DISBURSED = (*LIVE, LoanStatus.REPAID, LoanStatus.RENEWED, LoanStatus.REPAID_LATE,
             LoanStatus.WRITTEN_OFF)
# overdue under the 2020 epidemic rule: recorded, but not a credit default (MECHANISM §5.5)
EPIDEMIC_OVERDUE = Q(covid_deferral=True, subsidy_eligible=True, overdue_since__isnull=False)


class Loan(AreaScopedModel):
    """One application and, once the bank approves and pays out, the loan."""

    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="loans")
    borrower = models.ForeignKey("registry.Member", verbose_name=_("借款人"),
                                 on_delete=models.CASCADE, related_name="loans")
    borrower_id_number = models.CharField(_("借款人身份证号"), max_length=18, db_index=True)
    policy = models.ForeignKey(Policy, verbose_name=_("政策期"), on_delete=models.PROTECT,
                               related_name="loans")
    loan_no = models.CharField(_("贷款合同号"), max_length=40, blank=True, default="")
    bank = models.CharField(_("承贷银行"), max_length=60, blank=True)
    amount = models.DecimalField(_("贷款金额（元）"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("期限（月）"))
    rate = models.DecimalField(_("年利率（%）"), max_digits=5, decimal_places=2)
    purpose = models.CharField(_("用途"), max_length=200)
    is_topup = models.BooleanField(_("追加贷款"), default=False)
    renewal_of = models.ForeignKey("self", verbose_name=_("续贷自"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="renewals")
    status = models.CharField(_("状态"), max_length=12, choices=LoanStatus.choices,
                              default=LoanStatus.APPLIED, db_index=True)
    applied_on = models.DateField(_("申请日期"))
    disbursed_on = models.DateField(_("放款日期"), null=True, blank=True)
    due_on = models.DateField(_("到期日期"), null=True, blank=True)
    extended_on = models.DateField(_("展期日期"), null=True, blank=True)
    extended_to = models.DateField(_("展期至"), null=True, blank=True)
    overdue_since = models.DateField(_("逾期起始"), null=True, blank=True)
    closed_on = models.DateField(_("结清/核销日期"), null=True, blank=True)
    balance = models.DecimalField(_("贷款余额（元）"), default=Decimal(0), **MONEY)
    repaid_total = models.DecimalField(_("累计还款（元）"), default=Decimal(0), **MONEY)
    overdue_days = models.PositiveIntegerField(_("逾期天数"), default=0)
    subsidy_eligible = models.BooleanField(_("享受贴息"), default=True)
    subsidy_lost_reason = models.CharField(_("取消贴息原因"), max_length=200, blank=True)
    misused = models.BooleanField(_("挪用"), default=False)
    covid_deferral = models.BooleanField(_("疫情延期"), default=False)
    # why an overdue is (or is not) a credit default, in plain words (the 2020 epidemic rule)
    overdue_note = models.CharField(_("逾期说明"), max_length=200, blank=True, default="")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("小额信贷")
        verbose_name_plural = _("小额信贷")
        constraints = [
            models.UniqueConstraint(fields=["loan_no"], condition=~Q(loan_no=""),
                                    name="credit_loan_no_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="credit_loan_amount_positive"),
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_loan_balance_ok"),
        ]
        indexes = [
            models.Index(fields=["area"], name="credit_loan_area_pattern",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["household", "status"], name="credit_loan_hh_status"),
            models.Index(fields=["status", "disbursed_on"], name="credit_loan_status_disb"),
            # the unique constraint is partial (blank numbers while in review), so a bank file's
            # `loan_no IN (…)` of thousands of numbers needs a plain index
            models.Index(fields=["loan_no"], name="credit_loan_no"),
        ]

    def __str__(self) -> str:
        return self.loan_no or f"申请 {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("credit:loan_detail", args=[self.pk])

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    @property
    def epidemic_overdue(self) -> bool:
        """Overdue under the 2020 epidemic rule: not a credit default (MECHANISM §5.5)."""
        return self.covid_deferral and self.subsidy_eligible and self.overdue_since is not None


class ReviewStep(models.TextChoices):
    VILLAGE = "village", _("村初审")
    TOWNSHIP = "township", _("乡审核")
    COUNTY = "county", _("县复查")
    BANK = "bank", _("银行审定")
    EXTENSION = "extension", _("展期")
    WRITE_OFF = "write_off", _("风险补偿金代偿")


class Decision(models.TextChoices):
    REQUESTED = "requested", _("提出")
    APPROVED = "approved", _("同意")
    REJECTED = "rejected", _("不同意")


class LoanReviewQuerySet(ScopedQuerySet["LoanReview"]):
    scope_field = "loan__area__code"


class LoanReview(HistoryModel):
    """One review (or a request awaiting review) of a loan; the checker is never the maker."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="reviews")
    step = models.CharField(_("环节"), max_length=10, choices=ReviewStep.choices)
    decision = models.CharField(_("意见"), max_length=10, choices=Decision.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(_("经办人姓名"), max_length=150, blank=True)
    acted_on = models.DateField(_("日期"))
    comment = models.CharField(_("意见说明"), max_length=300, blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)

    objects: ClassVar[Any] = LoanReviewQuerySet.as_manager()

    class Meta:
        ordering = ["loan_id", "id"]
        verbose_name = _("信贷审核")
        verbose_name_plural = _("信贷审核")

    def __str__(self) -> str:
        return f"{self.loan_id} {self.get_step_display()} {self.get_decision_display()}"


class RiskFund(AreaScopedModel):
    """A county's risk-compensation fund (风险补偿金)."""

    name = models.CharField(_("名称"), max_length=100)
    capital = models.DecimalField(_("补偿金规模（元）"), **MONEY)
    established_on = models.DateField(_("设立日期"))
    bank = models.CharField(_("合作银行"), max_length=60, blank=True)

    class Meta:
        ordering = ["area_id", "established_on"]
        verbose_name = _("风险补偿金")
        verbose_name_plural = _("风险补偿金")
        constraints = [models.CheckConstraint(condition=Q(capital__gt=0),
                                              name="credit_fund_capital_positive")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("credit:fund_detail", args=[self.pk])


class DrawQuerySet(ScopedQuerySet["RiskFundDraw"]):
    scope_field = "fund__area__code"


class RiskFundDraw(HistoryModel):
    fund = models.ForeignKey(RiskFund, verbose_name=_("补偿金"), on_delete=models.PROTECT,
                             related_name="draws")
    loan = models.OneToOneField(Loan, verbose_name=_("贷款"), on_delete=models.CASCADE,
                                related_name="risk_draw")
    amount = models.DecimalField(_("代偿金额（元）"), **MONEY)
    drawn_on = models.DateField(_("代偿日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    objects: ClassVar[Any] = DrawQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_on", "-id"]
        verbose_name = _("补偿金代偿")
        verbose_name_plural = _("补偿金代偿")

    def __str__(self) -> str:
        return f"{self.fund} {self.amount}"


class Subsidy(AreaLinkedModel):
    """The interest subsidy (贴息) of one loan for one month; zero with a reason when lost.
    Written by the set-based monthly run only (one INSERT … SELECT per run)."""

    loan = models.ForeignKey(Loan, verbose_name=_("贷款"), on_delete=models.CASCADE,
                             related_name="subsidies", db_index=False)
    area = models.ForeignKey("areas.Area", verbose_name=_("区划代码"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+", db_index=False)
    month = models.DateField(_("月份"))
    principal = models.DecimalField(_("计息本金（元）"), **MONEY)
    rate = models.DecimalField(_("贴息利率（%）"), max_digits=5, decimal_places=2)
    share = models.DecimalField(_("贴息比例"), max_digits=4, decimal_places=2)
    amount = models.DecimalField(_("贴息金额（元）"), **MONEY)
    lost_reason = models.CharField(_("未贴息原因"), max_length=100, blank=True)
    run = models.ForeignKey("SubsidyRun", on_delete=models.CASCADE, related_name="rows",
                            db_index=False)

    class Meta:
        ordering = ["-month", "loan_id"]
        verbose_name = _("贴息")
        verbose_name_plural = _("贴息")
        constraints = [models.UniqueConstraint(fields=["loan", "month"],
                                               name="credit_subsidy_once")]
        indexes = [models.Index(fields=["run"], name="credit_subsidy_run"),
                   models.Index(fields=["area", "month"], name="credit_subsidy_area_month")]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.month:%Y-%m} {self.amount}"


class SubsidyRun(AreaScopedModel):
    month = models.DateField(_("月份"))
    loans = models.PositiveIntegerField(_("计算笔数"), default=0)
    paid_loans = models.PositiveIntegerField(_("贴息笔数"), default=0)
    lost_loans = models.PositiveIntegerField(_("未贴息笔数"), default=0)
    total = models.DecimalField(_("贴息合计（元）"), default=Decimal(0), **MONEY)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("月度贴息计算")
        verbose_name_plural = _("月度贴息计算")

    def __str__(self) -> str:
        return f"{self.area_id} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("credit:subsidy_run", args=[self.pk])


class BankFileStatus(models.TextChoices):
    RECONCILED = "reconciled", _("已对账（差异待确认）")
    APPLIED = "applied", _("差异已确认更新")


class BankFile(AreaScopedModel):
    """A bank's monthly statement of loans, kept with every row and its result."""

    month = models.DateField(_("月份"))
    bank = models.CharField(_("银行"), max_length=60, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_matched = models.PositiveIntegerField(_("匹配行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("拒收行数"), default=0)
    differences = models.PositiveIntegerField(_("差异行数"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=BankFileStatus.choices,
                              default=BankFileStatus.RECONCILED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    applied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    applied_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        ordering = ["-month", "-id"]
        verbose_name = _("银行对账文件")
        verbose_name_plural = _("银行对账文件")

    def __str__(self) -> str:
        return f"{self.filename}（{self.month:%Y-%m}）"

    def get_absolute_url(self) -> str:
        return reverse("credit:bankfile_detail", args=[self.pk])


class BankRowQuerySet(ScopedQuerySet["BankRow"]):
    scope_field = "file__area__code"


class BankRow(models.Model):
    """One row of a bank file: what the bank says, the loan it matched and the differences."""

    file = models.ForeignKey(BankFile, on_delete=models.CASCADE, related_name="rows",
                             db_index=False)
    line = models.PositiveIntegerField(_("行号"))
    loan_no = models.CharField(_("贷款合同号"), max_length=40, blank=True)
    resident_id = models.CharField(_("身份证号"), max_length=30, blank=True)
    balance = models.DecimalField(_("余额（元）"), null=True, blank=True, **MONEY)
    repaid = models.DecimalField(_("累计还款（元）"), null=True, blank=True, **MONEY)
    overdue_days = models.IntegerField(_("逾期天数"), null=True, blank=True)
    loan = models.ForeignKey(Loan, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", db_index=False)
    error = models.CharField(_("拒收原因"), max_length=300, blank=True)
    diff = models.JSONField(_("差异"), default=dict, blank=True)

    objects: ClassVar[Any] = BankRowQuerySet.as_manager()

    class Meta:
        ordering = ["file_id", "line"]
        verbose_name = _("对账行")
        verbose_name_plural = _("对账行")
        indexes = [models.Index(fields=["file", "line"], name="credit_bankrow_file_line")]

    def __str__(self) -> str:
        return f"{self.file_id}:{self.line}"
