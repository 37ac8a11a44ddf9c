"""The household registry (建档立卡): households, members, incomes, assessments, status over time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.accounts.scope import ScopedQuerySet
from fupin.core.base_models import ScopedModel

from .choices import (
    AssessmentKind,
    DisabilityGrade,
    Education,
    Employment,
    HouseholdType,
    HousingGrade,
    Labour,
    MemberEventKind,
    MemberStatus,
    MonitoringType,
    PovertyCause,
    Relation,
    Schooling,
    WelfareStatus,
)

MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}


class HouseholdQuerySet(ScopedQuerySet["Household"]):
    scope_field = "area__code"
    def registered(self) -> HouseholdQuerySet:
        return self.filter(household_type__in=[HouseholdType.LIFTED, HouseholdType.POOR])

    def monitored(self) -> HouseholdQuerySet:
        """Every monitored household, risk eliminated or not (MECHANISM §5.3: the record is
        kept and the household stays in the statistics)."""
        return self.exclude(monitoring_type="")

    def at_risk(self) -> HouseholdQuerySet:
        """Monitored households whose risk is not eliminated (风险未消除)."""
        return self.exclude(monitoring_type="").filter(risk_eliminated=False)

    def risk_eliminated(self) -> HouseholdQuerySet:
        """Monitored households whose risk is eliminated (风险已消除)."""
        return self.exclude(monitoring_type="").filter(risk_eliminated=True)


class RegistryHistoricalRecords(HistoricalRecords):
    """History whose rows are written a million at a time (a ledger import writes one per
    household and member): indexed only for how it is read, by the row's id (and the
    household's), never by date or user across the table. The two indexes simple-history
    adds on those columns held one constant key each per import and cost three to four
    seconds of every million history rows."""

    _date_indexing = False  # replaces simple-history's property: no index on history_date

    def _get_history_user_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = super()._get_history_user_fields()
        fields["history_user"].db_index = False
        return fields


def registry_history(**options: Any) -> HistoricalRecords:
    """History of a registry table. Its rows name their user without a foreign-key constraint:
    an import writes a history row per household and member, and a deferred check per row
    would cost seconds at commit; the audit trail must outlive a deleted account anyway."""
    return RegistryHistoricalRecords(user_db_constraint=False, **options)


# A household's history is read by its id only; the other indexes simple-history would copy
# (unique number, area link) would be paid for on every history row an import writes.
HISTORY_UNINDEXED = ["household_no", "area"]


class Household(ScopedModel):
    household_no = models.CharField(_("户编号"), max_length=30, unique=True)
    # Indexed by household_area_type (=) and household_area_pattern (prefix), not on its own.
    area = models.ForeignKey("areas.Area", verbose_name=_("村(社区)"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="households", db_index=False)
    group = models.CharField(_("组"), max_length=50, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    head_name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    head_initials = models.CharField(_("户主拼音首字母"), max_length=20, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_account = models.CharField(_("银行账号"), max_length=40, blank=True)
    household_type = models.CharField(_("户类型"), max_length=10, choices=HouseholdType.choices,
                                      default=HouseholdType.ORDINARY)
    exit_year = models.PositiveSmallIntegerField(
        _("脱贫年度"), null=True, blank=True,
        validators=[MinValueValidator(2014), MaxValueValidator(2020)])
    welfare_status = models.CharField(_("户属性"), max_length=10, choices=WelfareStatus.choices,
                                      default=WelfareStatus.GENERAL)
    monitoring_type = models.CharField(_("监测对象类型"), max_length=10, blank=True,
                                       choices=MonitoringType.choices, default="")
    main_cause = models.CharField(_("主要致贫原因"), max_length=2, blank=True,
                                  choices=PovertyCause.choices)
    other_causes = models.JSONField(_("其他致贫原因"), default=list, blank=True)
    risk_types = models.JSONField(_("风险类型"), default=list, blank=True)
    housing_grade = models.CharField(_("住房安全等级"), max_length=1, blank=True,
                                     choices=HousingGrade.choices)
    water_safe = models.BooleanField(_("饮水安全"), null=True, blank=True)
    identified_on = models.DateField(_("首次识别时间"), null=True, blank=True)
    # The monitoring record (national fields 风险识别时间 / 风险是否消除 / 风险消除时间), written
    # only by the procedures (cases): kept after elimination, MECHANISM §5.3.
    risk_identified_on = models.DateField(_("风险识别时间"), null=True, blank=True)
    risk_eliminated = models.BooleanField(_("风险是否消除"), default=False, db_default=False)
    risk_eliminated_on = models.DateField(_("风险消除时间"), null=True, blank=True)
    risk_identified_case = models.PositiveIntegerField(_("识别纳入案件号"), null=True, blank=True)
    risk_eliminated_case = models.PositiveIntegerField(_("风险消除案件号"), null=True, blank=True)
    # 不愁吃、不愁穿 (MECHANISM §4.3); blank = not yet checked
    food_secure = models.BooleanField(_("不愁吃"), null=True, blank=True)
    clothing_secure = models.BooleanField(_("不愁穿"), null=True, blank=True)
    relocated = models.BooleanField(_("易地扶贫搬迁"), default=False)
    covid_confirmed = models.BooleanField(_("新冠确诊"), default=False)
    created_at = models.DateTimeField(_("建档时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects: ClassVar[Any] = HouseholdQuerySet.as_manager()
    history = registry_history(excluded_fields=["updated_at", "head_initials"],
                                no_db_index=HISTORY_UNINDEXED)

    class Meta:
        ordering = ["household_no"]
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        # Each index is paid for on every row an import writes (a million-row ledger), so
        # there is one per way the registry is searched: prefix searches need
        # varchar_pattern_ops (the database collation is not C), choice columns have none
        # (low selectivity: the area indexes narrow first), and the monitored households,
        # a few percent, have a partial index of their own.
        indexes = [
            models.Index(fields=["area"], name="household_area_pattern",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["area", "household_type"], name="household_area_type"),
            models.Index(fields=["head_initials"], name="household_initials_pattern",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["head_name"], name="household_head_pattern",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["area"], name="household_monitored_area",
                         condition=~Q(monitoring_type="")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_year__isnull=True) | Q(household_type=HouseholdType.LIFTED),
                name="exit_year_only_when_lifted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_no} {self.head_name}"

    @property
    def is_registered(self) -> bool:
        return self.household_type in (HouseholdType.LIFTED, HouseholdType.POOR)

    def active_members(self) -> models.QuerySet[Member]:
        return self.members.filter(status=MemberStatus.ACTIVE)


class HouseholdStatus(ScopedModel):
    """A household's classification over time: one row per period, `valid_to` open for now."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="statuses")
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    household_type = models.CharField(_("户类型"), max_length=10, choices=HouseholdType.choices)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    welfare_status = models.CharField(_("户属性"), max_length=10, choices=WelfareStatus.choices)
    monitoring_type = models.CharField(_("监测对象类型"), max_length=10, blank=True,
                                       choices=MonitoringType.choices)
    risk_eliminated = models.BooleanField(_("风险是否消除"), default=False, db_default=False)
    reason = models.CharField(_("变更原因"), max_length=200, blank=True)

    scope_field = "household__area__code"
    history = registry_history()

    class Meta:
        ordering = ["household_id", "valid_from", "id"]
        verbose_name = _("户状态")
        verbose_name_plural = _("户状态")
        indexes = [models.Index(fields=["household", "valid_from"], name="status_household_from")]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                                   name="status_period_positive"),
            models.UniqueConstraint(fields=["household"], condition=Q(valid_to__isnull=True),
                                    name="one_open_status_per_household"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.valid_from}–{self.valid_to or ''} {self.household_type}"


class MemberQuerySet(ScopedQuerySet["Member"]):
    scope_field = "household__area__code"
    def active(self) -> MemberQuerySet:
        return self.filter(status=MemberStatus.ACTIVE)

    def as_of(self, day: dt.date) -> MemberQuerySet:
        """Members who belonged to their household on `day`."""
        return self.filter(Q(joined_on__isnull=True) | Q(joined_on__lte=day)).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=day))


class Member(ScopedModel):
    # Indexed by member_household_status, whose first column it is.
    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE,
                                  related_name="members", db_index=False)
    name = models.CharField(_("姓名"), max_length=50)
    name_pinyin = models.CharField(_("姓名拼音"), max_length=100, blank=True)
    name_initials = models.CharField(_("拼音首字母"), max_length=20, blank=True)
    resident_id = models.CharField(_("身份证号"), max_length=18)
    sex = models.CharField(_("性别"), max_length=1, choices=[("M", _("男")), ("F", _("女"))])
    birth_date = models.DateField(_("出生日期"))
    relation_to_head = models.CharField(_("与户主关系"), max_length=20, choices=Relation.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(_("文化程度"), max_length=12, blank=True, choices=Education.choices)
    schooling = models.CharField(_("在校生状况"), max_length=15, blank=True,
                                 choices=Schooling.choices)
    chronic_illness = models.BooleanField(_("长期慢性病"), default=False)
    serious_illness = models.BooleanField(_("患有大病"), default=False)
    disabled = models.BooleanField(_("残疾"), default=False)
    disability_grade = models.CharField(_("残疾等级"), max_length=1, blank=True,
                                        choices=DisabilityGrade.choices)
    labour = models.CharField(_("劳动技能"), max_length=10, blank=True, choices=Labour.choices)
    employment = models.CharField(_("务工状况"), max_length=15, blank=True,
                                  choices=Employment.choices)
    months_worked = models.PositiveSmallIntegerField(
        _("务工时间(月)"), default=0, validators=[MaxValueValidator(12)])
    school_exempt = models.BooleanField(
        _("因身体原因免学缓学"), default=False, db_default=False,
        help_text=_("经教育部门批准、因身体原因不具备学习条件（须有证明），不计入辍学"))
    medical_insurance = models.BooleanField(_("参加基本医疗保险"), default=True)
    critical_illness_insurance = models.BooleanField(_("参加大病保险"), default=False)
    pension_insurance = models.BooleanField(_("参加基本养老保险"), default=False)
    family_doctor = models.BooleanField(_("家庭医生签约"), null=True, blank=True)
    chronic_card = models.BooleanField(_("慢病卡（门诊慢特病待遇）"), null=True, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=MemberStatus.choices,
                              default=MemberStatus.ACTIVE)
    joined_on = models.DateField(_("入户日期"), null=True, blank=True)
    left_on = models.DateField(_("离户日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[Any] = MemberQuerySet.as_manager()
    history = registry_history(excluded_fields=["updated_at", "name_pinyin", "name_initials"],
                                no_db_index=["resident_id", "status"])

    class Meta:
        ordering = ["household_id", "id"]
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        constraints = [
            # A resident ID lives in one household at a time.
            models.UniqueConstraint(fields=["resident_id"], condition=Q(status="active"),
                                    name="one_active_member_per_resident_id"),
            models.CheckConstraint(condition=Q(months_worked__lte=12), name="months_worked_max_12"),
            models.CheckConstraint(
                condition=Q(disabled=True) | Q(disability_grade=""),
                name="disability_grade_only_when_disabled"),
        ]
        indexes = [
            # Any status (the partial unique index covers active members only) and prefixes.
            models.Index(fields=["resident_id"], name="member_rid_pattern",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["household", "status"], name="member_household_status"),
            models.Index(fields=["name_initials"], name="member_initials_pattern",
                         opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.name


    @property
    def health_labels(self) -> list[str]:
        labels = [str(label) for flag, label in (
            (self.chronic_illness, "长期慢性病"), (self.serious_illness, "患有大病"),
            (self.disabled, "残疾")) if flag]
        return labels or ["健康"]

    def age_on(self, day: dt.date) -> int:
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


class MemberEvent(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("事件"), max_length=12, choices=MemberEventKind.choices)
    date = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    related_household = models.ForeignKey(Household, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = registry_history()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("成员变动")
        verbose_name_plural = _("成员变动")

    def __str__(self) -> str:
        return f"{self.member} {self.get_kind_display()} {self.date}"


class Income(ScopedModel):
    """One household's income for one year; totals are derived, never typed in."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("收入年度"),
                                            validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    wage_income = models.DecimalField(_("工资性收入"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    business_income = models.DecimalField(_("生产经营性收入"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    property_income = models.DecimalField(_("财产性收入"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    transfer_income = models.DecimalField(_("转移性收入"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    business_cost = models.DecimalField(_("生产经营性支出"), default=Decimal(0), **MONEY)  # type: ignore[arg-type]
    members_counted = models.PositiveSmallIntegerField(_("计算人口数"),
                                                       validators=[MinValueValidator(1)])
    net = models.GeneratedField(
        expression=F("wage_income") + F("business_income") + F("property_income") + F("transfer_income") - F("business_cost"),
        output_field=models.DecimalField(max_digits=13, decimal_places=2),
        db_persist=True, verbose_name=_("家庭纯收入"),
    )
    per_capita = models.GeneratedField(
        expression=(F("wage_income") + F("business_income") + F("property_income") + F("transfer_income") - F("business_cost"))
        * Decimal("1.00") / F("members_counted"),
        output_field=models.DecimalField(max_digits=13, decimal_places=2),
        db_persist=True, verbose_name=_("人均纯收入"),
    )
    window_start = models.DateField(_("收入起始"), null=True, blank=True)
    window_end = models.DateField(_("收入截止"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "household__area__code"
    history = registry_history(excluded_fields=["updated_at", "net", "per_capita"])

    class Meta:
        ordering = ["household_id", "-year"]
        verbose_name = _("收入")
        verbose_name_plural = _("收入")
        constraints = [
            models.UniqueConstraint(fields=["household", "year"], name="one_income_per_household_year"),
            models.CheckConstraint(
                condition=Q(wage_income__gte=0) & Q(business_income__gte=0) & Q(property_income__gte=0)
                & Q(transfer_income__gte=0) & Q(business_cost__gte=0),
                name="income_components_not_negative"),
            models.CheckConstraint(condition=Q(members_counted__gte=1), name="income_members_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class Assessment(ScopedModel):
    """A housing-safety appraisal or a drinking-water assessment of one household."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("类别"), max_length=10, choices=AssessmentKind.choices)
    assessed_on = models.DateField(_("鉴定日期"))
    housing_grade = models.CharField(_("住房安全等级"), max_length=1, blank=True,
                                     choices=HousingGrade.choices)
    water_safe = models.BooleanField(_("饮水安全"), null=True, blank=True)
    water_litres_per_day = models.DecimalField(_("人均日供水量(升)"), max_digits=6, decimal_places=1,
                                               null=True, blank=True)
    water_fetch_minutes = models.PositiveSmallIntegerField(_("取水往返时间(分钟)"), null=True,
                                                          blank=True)
    water_days_short = models.PositiveSmallIntegerField(_("年缺水天数"), null=True, blank=True)
    water_quality_ok = models.BooleanField(_("水质达标"), null=True, blank=True)
    water_rule_set = models.CharField(_("饮水评价准则"), max_length=20, blank=True,
                                      help_text=_("按四项指标评价时所用的准则版本"))
    water_explanation = models.CharField(_("饮水评价说明"), max_length=300, blank=True)
    assessor = models.CharField(_("鉴定人/单位"), max_length=100, blank=True)
    report_no = models.CharField(_("报告编号"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_field = "household__area__code"
    history = registry_history()

    class Meta:
        ordering = ["household_id", "-assessed_on", "-id"]
        verbose_name = _("安全评估")
        verbose_name_plural = _("安全评估")

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_kind_display()} {self.assessed_on}"


def status_as_of(day: dt.date) -> Q:
    """Filter on HouseholdStatus rows in force on `day`."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


__all__ = [
    "Assessment", "Household", "HouseholdStatus", "Income", "Member", "MemberEvent",
    "status_as_of",
]


class IncomeFlow(ScopedModel):
    """Money another programme paid a household (a dividend, a wage, a post's pay, a claim),
    added to that year's income through `fupin.registry.income_flows`. One row per payment,
    unique by (source, ref), so a repeated import never counts a payment twice."""

    household = models.ForeignKey(Household, verbose_name=_("户"), on_delete=models.CASCADE,
                                  related_name="income_flows")
    year = models.PositiveSmallIntegerField(_("收入年度"))
    component = models.CharField(_("收入类别"), max_length=20)
    amount = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    occurred_on = models.DateField(_("发生日期"))
    source = models.CharField(_("来源"), max_length=50)
    ref = models.CharField(_("来源编号"), max_length=100)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    scope_field = "household__area__code"

    class Meta:
        ordering = ["household_id", "-occurred_on"]
        verbose_name = _("收入流水")
        verbose_name_plural = _("收入流水")
        constraints = [
            models.UniqueConstraint(fields=["source", "ref"], name="income_flow_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_flow_not_negative"),
        ]
        indexes = [models.Index(fields=["household", "year"], name="income_flow_hh_year")]

    def __str__(self) -> str:
        return f"{self.source} {self.ref} {self.amount}"
