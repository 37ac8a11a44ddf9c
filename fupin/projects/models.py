"""Projects and funds (扶贫项目库与资金): MECHANISM.md §5.6.

- `Project`: one project of a county's library, at a village, township or the county, moving
  through the states of §5.6 (`choices.State`); the milestone dates are kept on the row so
  that "as of a day" figures are one grouped query.
- `ProjectEvent`: every transition, who did it and with what comment (maker ≠ checker is
  checked against these).
- `Notice` / `Objection`: the public notices at each level (≥ 10 days) and the objections
  raised and answered within them.
- `FundSource` (per county and year) → `Allocation` (to a project) → `Payment` (拨付):
  balances never go negative (service checks under row locks, and check constraints).
- `Beneficiary`: households benefiting from a project; `BenefitLink` (利益联结) ties a
  household to a project, enterprise, cooperative or the village collective, and its
  `Payout` rows flow into the household's income through the registry.
- `Asset` / `AssetIncome`: completed projects handed over as assets, with their yearly income.
- `ConsumptionSale`: consumption aid (消费扶贫) sales of a household's or cooperative's produce.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from fupin.core.base_models import AreaScopedModel, AreaScopedQuerySet, HistoryModel
from fupin.core.scope import ScopedQuerySet

from .choices import (
    AssetKind,
    BeneficiaryKind,
    Category,
    FundKind,
    LinkMode,
    NoticeLevel,
    PartnerKind,
    SaleChannel,
    SellerKind,
    State,
)

ZERO = Decimal("0")


class Project(AreaScopedModel):
    code = models.CharField("项目编号", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200)
    county_code = models.CharField("区县代码", max_length=6, db_index=True, editable=False)
    category = models.CharField("项目类别", max_length=20, choices=Category.choices)
    state = models.CharField("状态", max_length=30, choices=State.choices,
                             default=State.VILLAGE_PROPOSED, db_index=True)
    planned_funds = models.DecimalField("计划资金（元）", max_digits=14, decimal_places=2, default=ZERO,
                                        validators=[MinValueValidator(ZERO)])
    expected_households = models.PositiveIntegerField("预计受益户数", default=0)
    expected_people = models.PositiveIntegerField("预计受益人数", default=0)
    content = models.TextField("建设内容", blank=True)
    # 四议两公开: 党支部提议、村两委商议、党员大会审议、村民代表会议决议；决议公开、实施结果公开
    meeting_date = models.DateField("村民代表会议日期", null=True, blank=True)
    meeting_attendees = models.PositiveIntegerField("参会代表人数", default=0)
    meeting_agreed = models.PositiveIntegerField("同意人数", default=0)
    meeting_minutes = models.TextField("会议记录（四议两公开）", blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    proposed_on = models.DateField("申报日期", null=True, blank=True)
    entered_library_on = models.DateField("入库日期", null=True, blank=True, db_index=True)
    library_year = models.PositiveSmallIntegerField("入库年度", null=True, blank=True)
    plan_year = models.PositiveSmallIntegerField("计划年度", null=True, blank=True, db_index=True)
    planned_on = models.DateField("列入计划日期", null=True, blank=True)
    funded_on = models.DateField("资金下达日期", null=True, blank=True)
    started_on = models.DateField("开工日期", null=True, blank=True)
    completed_on = models.DateField("完工日期", null=True, blank=True)
    accepted_on = models.DateField("验收日期", null=True, blank=True)
    handed_over_on = models.DateField("资产移交日期", null=True, blank=True)
    removed_on = models.DateField("出库日期", null=True, blank=True)
    removed_reason = models.CharField("出库原因", max_length=500, blank=True)
    removed_filing = models.CharField("出库备案文号", max_length=100, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "扶贫项目"
        verbose_name_plural = "项目库"
        ordering = ["-id"]
        indexes = [models.Index(fields=["county_code", "plan_year"], name="project_county_plan")]
        constraints = [models.CheckConstraint(condition=Q(planned_funds__gte=0),
                                              name="project_planned_funds_nonneg")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:project_detail", args=[self.pk])

    @property
    def is_industry(self) -> bool:
        return self.category == Category.INDUSTRY


class ProjectEventQuerySet(ScopedQuerySet[Any]):
    scope_field = "project__area__code"


class ProjectEvent(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="events")
    action = models.CharField("操作", max_length=30)
    from_state = models.CharField("原状态", max_length=30, blank=True)
    to_state = models.CharField("新状态", max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("经办人", max_length=150, blank=True)
    actor_role = models.CharField("角色", max_length=30, blank=True)
    acted_on = models.DateField("日期")
    acted_at = models.DateTimeField("记录时间", auto_now_add=True)
    comment = models.TextField("意见", blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects: ClassVar[Any] = ProjectEventQuerySet.as_manager()

    class Meta:
        verbose_name = "项目流转记录"
        ordering = ["project", "id"]

    def __str__(self) -> str:
        return f"{self.project_id} {self.action} → {self.to_state}"


class NoticeQuerySet(ScopedQuerySet[Any]):
    scope_field = "project__area__code"


class Notice(HistoryModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="notices")
    level = models.CharField("公示层级", max_length=10, choices=NoticeLevel.choices)
    start = models.DateField("公示开始")
    end = models.DateField("公示结束")
    place = models.CharField("公示地点", max_length=200, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    superseded = models.BooleanField("已重新公示", default=False)

    objects: ClassVar[Any] = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = "项目公示"
        ordering = ["project", "start", "id"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=models.F("start")),
                                              name="notice_end_after_start")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.start}–{self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days


class ObjectionQuerySet(ScopedQuerySet[Any]):
    scope_field = "notice__project__area__code"


class Objection(HistoryModel):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    raised_on = models.DateField("提出日期")
    content = models.TextField("异议内容")
    answer = models.TextField("答复", blank=True)
    answered_on = models.DateField("答复日期", null=True, blank=True)
    upheld = models.BooleanField("异议成立", default=False)

    objects: ClassVar[Any] = ObjectionQuerySet.as_manager()

    class Meta:
        verbose_name = "公示异议"
        ordering = ["notice", "id"]

    def __str__(self) -> str:
        return self.content[:30]


class FundSource(AreaScopedModel):
    """Money of one kind for one county and year (area is the county)."""

    kind = models.CharField("资金来源", max_length=20, choices=FundKind.choices)
    name = models.CharField("资金名称/文号", max_length=200)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)])
    allocated = models.DecimalField("已安排（元）", max_digits=14, decimal_places=2, default=ZERO, editable=False)

    class Meta:
        verbose_name = "资金来源"
        verbose_name_plural = "资金来源"
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["area", "kind", "name", "year"],
                                    name="fund_source_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fund_source_amount_nonneg"),
            models.CheckConstraint(condition=Q(allocated__gte=0) & Q(allocated__lte=models.F("amount")),
                                   name="fund_source_balance_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_kind_display()} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:source_list") + f"?year={self.year}"

    @property
    def balance(self) -> Decimal:
        return self.amount - self.allocated


class AllocationQuerySet(ScopedQuerySet[Any]):
    scope_field = "project__area__code"


class Allocation(HistoryModel):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="allocations")
    source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField("安排金额（元）", max_digits=14, decimal_places=2)
    paid = models.DecimalField("已拨付（元）", max_digits=14, decimal_places=2, default=ZERO, editable=False)
    allocated_on = models.DateField("安排日期")

    objects: ClassVar[Any] = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = "资金安排"
        ordering = ["-allocated_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_amount_pos"),
            models.CheckConstraint(condition=Q(paid__gte=0) & Q(paid__lte=models.F("amount")),
                                   name="allocation_balance_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.project.code} {self.amount}"

    @property
    def area_code(self) -> str:  # the village (or area) whose figures it changes
        return str(self.project.area_id)

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid


class PaymentQuerySet(ScopedQuerySet[Any]):
    scope_field = "allocation__project__area__code"


class Payment(HistoryModel):
    allocation = models.ForeignKey(Allocation, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField("拨付金额（元）", max_digits=14, decimal_places=2)
    paid_on = models.DateField("拨付日期", db_index=True)
    voucher = models.CharField("凭证号", max_length=100, blank=True)

    objects: ClassVar[Any] = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = "资金拨付"
        verbose_name_plural = "资金拨付"
        ordering = ["-paid_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_pos")]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"

    @property
    def area_code(self) -> str:
        return str(self.allocation.project.area_id)


class BeneficiaryQuerySet(ScopedQuerySet[Any]):
    scope_field = "household__area__code"


class Beneficiary(HistoryModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="beneficiaries")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE,
                                  related_name="project_benefits")
    kind = models.CharField("受益户类别", max_length=12, choices=BeneficiaryKind.choices)
    people = models.PositiveIntegerField("受益人数", default=0)
    added_on = models.DateField("登记日期")

    objects: ClassVar[Any] = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = "项目受益户"
        ordering = ["project", "id"]
        constraints = [models.UniqueConstraint(fields=["project", "household"],
                                               name="beneficiary_unique")]

    def __str__(self) -> str:
        return f"{self.project_id}/{self.household_id}"


class HouseholdRowQuerySet(AreaScopedQuerySet):
    """Rows scoped by their own area that name a household: a helper sees those of the
    households assigned to them (fupin.assistance.visibility)."""

    household_field = "household"


class BenefitLink(AreaScopedModel):
    """A household's benefit link; `area` is the household's village."""

    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE,
                                  related_name="benefit_links")
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="links")
    partner_kind = models.CharField("联结主体类型", max_length=12, choices=PartnerKind.choices)
    partner_name = models.CharField("联结主体", max_length=200)
    mode = models.CharField("联结方式", max_length=20, choices=LinkMode.choices)
    started_on = models.DateField("联结开始")
    ended_on = models.DateField("联结结束", null=True, blank=True)
    amount_per_year = models.DecimalField("预计年收益（元）", max_digits=14, decimal_places=2, default=ZERO,
                                          validators=[MinValueValidator(ZERO)])
    industry = models.BooleanField("产业联结", default=True)

    objects: ClassVar[Any] = HouseholdRowQuerySet.as_manager()

    class Meta:
        verbose_name = "利益联结"
        verbose_name_plural = "利益联结"
        ordering = ["-id"]
        indexes = [models.Index(fields=["household", "mode"], name="link_household_mode")]

    def __str__(self) -> str:
        return f"{self.partner_name}·{self.get_mode_display()}"

    def get_absolute_url(self) -> str:
        return reverse("projects:link_detail", args=[self.pk])


class PayoutQuerySet(ScopedQuerySet[Any]):
    scope_field = "link__area__code"
    household_field = "link__household"


class Payout(models.Model):
    """One payment of a benefit link to its household (flows into the household's income)."""

    link = models.ForeignKey(BenefitLink, on_delete=models.CASCADE, related_name="payouts")
    paid_on = models.DateField("发放日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    note = models.CharField("备注", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[Any] = PayoutQuerySet.as_manager()

    class Meta:
        verbose_name = "联结收益发放"
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["link", "paid_on"], name="payout_once_a_day"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"

    @property
    def flow_ref(self) -> str:
        return f"payout:{self.pk}"


class Asset(AreaScopedModel):
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="assets")
    name = models.CharField("资产名称", max_length=200)
    kind = models.CharField("资产类别", max_length=12, choices=AssetKind.choices)
    owner = models.CharField("确权所有人", max_length=200)
    value = models.DecimalField("资产价值（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)])
    maintainer = models.CharField("后续管护责任人", max_length=200)
    handed_over_on = models.DateField("移交日期")

    class Meta:
        verbose_name = "项目资产"
        verbose_name_plural = "项目资产"
        ordering = ["-id"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="asset_value_nonneg")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:asset_detail", args=[self.pk])


class AssetIncomeQuerySet(ScopedQuerySet[Any]):
    scope_field = "asset__area__code"


class AssetIncome(HistoryModel):
    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("年收益（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(ZERO)])

    objects: ClassVar[Any] = AssetIncomeQuerySet.as_manager()

    class Meta:
        verbose_name = "资产收益"
        ordering = ["asset", "year"]
        constraints = [models.UniqueConstraint(fields=["asset", "year"], name="asset_income_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.amount}"


class ConsumptionSale(AreaScopedModel):
    """Consumption aid: produce of a household or cooperative sold through a channel."""

    seller_kind = models.CharField("销售主体类型", max_length=12, choices=SellerKind.choices)
    household = models.ForeignKey("registry.Household", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="consumption_sales")
    seller_name = models.CharField("销售主体", max_length=200)
    channel = models.CharField("销售渠道", max_length=20, choices=SaleChannel.choices)
    product = models.CharField("产品", max_length=200)
    amount = models.DecimalField("销售额（元）", max_digits=14, decimal_places=2)
    sold_on = models.DateField("销售日期", db_index=True)

    objects: ClassVar[Any] = HouseholdRowQuerySet.as_manager()

    class Meta:
        verbose_name = "消费帮扶销售"
        verbose_name_plural = "消费帮扶"
        ordering = ["-sold_on", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="sale_amount_pos")]

    def __str__(self) -> str:
        return f"{self.seller_name} {self.product} {self.amount}"
