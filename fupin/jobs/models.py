"""Jobs for registered people (MECHANISM §5.4, 因务工就业不稳): public-welfare posts and their
pay, workshops and enterprises, migrant work spells and labour cooperation, training and
雨露计划, and anti-poverty insurance. Money paid lands in household incomes only through
`fupin.registry.income_flows.record_flows`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.core.base_models import AreaScopedModel, HistoryModel
from fupin.core.scope import ScopedQuerySet

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class PostKind(models.TextChoices):
    CLEANING = "cleaning", _("保洁员")
    FOREST = "forest", _("护林员")
    ROAD = "road", _("道路养护员")
    WATER = "water", _("水管员")
    SECURITY = "security", _("治安协管员")
    EPIDEMIC = "epidemic", _("疫情防控")
    OTHER = "other", _("其他")


class WelfarePost(AreaScopedModel):
    """A public-welfare post (公益性岗位) of a village; temporary posts have an end date."""

    name = models.CharField(_("岗位名称"), max_length=100)
    kind = models.CharField(_("岗位类别"), max_length=10, choices=PostKind.choices)
    monthly_pay = models.DecimalField(_("月工资（元）"), **MONEY)
    funded_by = models.CharField(_("资金来源"), max_length=100)
    positions = models.PositiveSmallIntegerField(_("岗位数"), default=1)
    temporary = models.BooleanField(_("临时性岗位"), default=False)
    starts_on = models.DateField(_("开设日期"))
    ends_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        ordering = ["area_id", "name", "id"]
        verbose_name = _("公益性岗位")
        verbose_name_plural = _("公益性岗位")
        constraints = [models.CheckConstraint(condition=Q(monthly_pay__gte=0),
                                              name="employment_post_pay_ok")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employment:post_detail", args=[self.pk])


class HireQuerySet(ScopedQuerySet["PostHire"]):
    scope_field = "post__area__code"


class PostHire(HistoryModel):
    post = models.ForeignKey(WelfarePost, verbose_name=_("岗位"), on_delete=models.PROTECT,
                             related_name="hires")
    member = models.ForeignKey("registry.Member", verbose_name=_("上岗人员"),
                               on_delete=models.CASCADE, related_name="post_hires")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="post_hires")
    hired_on = models.DateField(_("上岗日期"))
    exited_on = models.DateField(_("离岗日期"), null=True, blank=True)
    exit_reason = models.CharField(_("离岗原因"), max_length=200, blank=True)

    objects: ClassVar[Any] = HireQuerySet.as_manager()

    class Meta:
        ordering = ["post_id", "-hired_on"]
        verbose_name = _("岗位聘用")
        verbose_name_plural = _("岗位聘用")
        constraints = [models.CheckConstraint(
            condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("hired_on")),
            name="employment_hire_period_ok")]

    def __str__(self) -> str:
        return f"{self.post} {self.member_id}"


class PayQuerySet(ScopedQuerySet["PostPay"]):
    scope_field = "hire__post__area__code"


class PostPay(HistoryModel):
    hire = models.ForeignKey(PostHire, verbose_name=_("聘用"), on_delete=models.CASCADE,
                             related_name="pays")
    month = models.DateField(_("月份"))
    amount = models.DecimalField(_("工资（元）"), **MONEY)
    paid_on = models.DateField(_("发放日期"))

    objects: ClassVar[Any] = PayQuerySet.as_manager()

    class Meta:
        ordering = ["hire_id", "-month"]
        verbose_name = _("岗位工资")
        verbose_name_plural = _("岗位工资")
        constraints = [models.UniqueConstraint(fields=["hire", "month"],
                                               name="employment_pay_once_a_month")]

    def __str__(self) -> str:
        return f"{self.hire_id} {self.month:%Y-%m}"


class WorkshopKind(models.TextChoices):
    WORKSHOP = "workshop", _("扶贫车间")
    ENTERPRISE = "enterprise", _("龙头企业")
    COOPERATIVE = "coop", _("合作社")


class Workshop(AreaScopedModel):
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=10, choices=WorkshopKind.choices,
                            default=WorkshopKind.WORKSHOP)
    operator = models.CharField(_("经营主体"), max_length=120, blank=True)
    recognised_on = models.DateField(_("认定日期"))
    closed_on = models.DateField(_("停办日期"), null=True, blank=True)

    class Meta:
        ordering = ["area_id", "name"]
        verbose_name = _("扶贫车间/企业")
        verbose_name_plural = _("扶贫车间/企业")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employment:workshop_detail", args=[self.pk])


class WorkshopJobQuerySet(ScopedQuerySet["WorkshopJob"]):
    scope_field = "workshop__area__code"


class WorkshopJob(HistoryModel):
    workshop = models.ForeignKey(Workshop, verbose_name=_("车间/企业"), on_delete=models.PROTECT,
                                 related_name="jobs")
    member = models.ForeignKey("registry.Member", verbose_name=_("就业人员"),
                               on_delete=models.CASCADE, related_name="workshop_jobs")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="workshop_jobs")
    started_on = models.DateField(_("入职日期"))
    ended_on = models.DateField(_("离职日期"), null=True, blank=True)
    monthly_wage = models.DecimalField(_("月工资（元）"), **MONEY)

    objects: ClassVar[Any] = WorkshopJobQuerySet.as_manager()

    class Meta:
        ordering = ["workshop_id", "-started_on"]
        verbose_name = _("车间就业")
        verbose_name_plural = _("车间就业")

    def __str__(self) -> str:
        return f"{self.workshop} {self.member_id}"


class Place(models.TextChoices):
    COUNTY = "county", _("县内")
    PROVINCE = "province", _("县外省内")
    OUT = "out", _("省外")


class WorkSpell(AreaScopedModel):
    """A member's spell of work away from farming (务工就业); area = the household's village."""

    member = models.ForeignKey("registry.Member", verbose_name=_("务工人员"),
                               on_delete=models.CASCADE, related_name="work_spells")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="work_spells")
    place = models.CharField(_("务工地域"), max_length=10, choices=Place.choices)
    destination = models.CharField(_("务工地点"), max_length=100, blank=True)
    employer = models.CharField(_("用工单位"), max_length=120)
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    monthly_income = models.DecimalField(_("月收入（元）"), **MONEY)
    organised = models.BooleanField(_("有组织劳务输出"), default=False)
    partner = models.CharField(_("东西部劳务协作地"), max_length=60, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("务工就业")
        verbose_name_plural = _("务工就业")
        indexes = [models.Index(fields=["member", "started_on"], name="employment_spell_member"),
                   models.Index(fields=["area"], name="employment_spell_area",
                                opclasses=["varchar_pattern_ops"])]
        constraints = [models.CheckConstraint(
            condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
            name="employment_spell_period_ok")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.employer}"

    def get_absolute_url(self) -> str:
        return reverse("employment:spell_detail", args=[self.pk])


class CourseKind(models.TextChoices):
    SKILLS = "skills", _("技能培训")
    STARTUP = "startup", _("创业培训")
    PRACTICAL = "practical", _("农村实用技术")


class Course(AreaScopedModel):
    name = models.CharField(_("培训名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=10, choices=CourseKind.choices)
    provider = models.CharField(_("培训机构"), max_length=120, blank=True)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    hours = models.PositiveSmallIntegerField(_("课时"), default=0)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employment:course_detail", args=[self.pk])


class TraineeQuerySet(ScopedQuerySet["Trainee"]):
    scope_field = "household__area__code"


class Trainee(HistoryModel):
    course = models.ForeignKey(Course, verbose_name=_("培训班"), on_delete=models.PROTECT,
                               related_name="trainees")
    member = models.ForeignKey("registry.Member", verbose_name=_("学员"),
                               on_delete=models.CASCADE, related_name="trainings")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="trainings")
    completed = models.BooleanField(_("结业"), default=False)
    certificate = models.CharField(_("证书"), max_length=100, blank=True)

    objects: ClassVar[Any] = TraineeQuerySet.as_manager()

    class Meta:
        ordering = ["course_id", "id"]
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        constraints = [models.UniqueConstraint(fields=["course", "member"],
                                               name="employment_trainee_once")]

    def __str__(self) -> str:
        return f"{self.course} {self.member_id}"


class Stage(models.TextChoices):
    SECONDARY = "secondary", _("中职")
    HIGHER = "higher", _("高职")
    TECHNICIAN = "technician", _("技师学院")


class YuluStudent(AreaScopedModel):
    """A 雨露计划 student: one row per student and school year; area = household's village."""

    member = models.ForeignKey("registry.Member", verbose_name=_("学生"),
                               on_delete=models.CASCADE, related_name="yulu")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="yulu")
    school = models.CharField(_("学校"), max_length=120)
    stage = models.CharField(_("学段"), max_length=10, choices=Stage.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    subsidy = models.DecimalField(_("补助金额（元）"), **MONEY)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("雨露计划")
        verbose_name_plural = _("雨露计划")
        constraints = [models.UniqueConstraint(fields=["member", "year"],
                                               name="employment_yulu_once_a_year")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.year}"


class InsuranceKind(models.TextChoices):
    EDGE = "edge", _("防贫保（边缘人群）")
    LIFTED = "lifted", _("返贫保（脱贫人口）")


class InsurancePolicy(AreaScopedModel):
    name = models.CharField(_("保险名称"), max_length=120)
    kind = models.CharField(_("类别"), max_length=10, choices=InsuranceKind.choices)
    insurer = models.CharField(_("承保公司"), max_length=120)
    starts_on = models.DateField(_("保险起期"))
    ends_on = models.DateField(_("保险止期"))
    premium = models.DecimalField(_("每户保费（元）"), **MONEY)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("防贫保险")
        verbose_name_plural = _("防贫保险")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("employment:insurance_detail", args=[self.pk])


class CoverQuerySet(ScopedQuerySet["Cover"]):
    scope_field = "household__area__code"


class Cover(HistoryModel):
    policy = models.ForeignKey(InsurancePolicy, verbose_name=_("保险"), on_delete=models.PROTECT,
                               related_name="covers")
    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="insurance_covers")

    objects: ClassVar[Any] = CoverQuerySet.as_manager()

    class Meta:
        ordering = ["policy_id", "household_id"]
        verbose_name = _("参保户")
        verbose_name_plural = _("参保户")
        constraints = [models.UniqueConstraint(fields=["policy", "household"],
                                               name="employment_cover_once")]

    def __str__(self) -> str:
        return f"{self.policy} {self.household_id}"


class ClaimQuerySet(ScopedQuerySet["Claim"]):
    scope_field = "cover__household__area__code"


class Claim(HistoryModel):
    cover = models.ForeignKey(Cover, verbose_name=_("参保户"), on_delete=models.CASCADE,
                              related_name="claims")
    cause = models.CharField(_("出险原因"), max_length=200)
    occurred_on = models.DateField(_("出险日期"))
    amount = models.DecimalField(_("理赔金额（元）"), **MONEY)
    paid_on = models.DateField(_("赔付日期"), null=True, blank=True)

    objects: ClassVar[Any] = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("理赔")
        verbose_name_plural = _("理赔")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0),
                                              name="employment_claim_positive")]

    def __str__(self) -> str:
        return f"{self.cover} {self.amount}"


ZERO = Decimal(0)
