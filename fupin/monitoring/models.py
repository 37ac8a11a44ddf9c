"""Monitoring (防止返贫动态监测): settings per region and year, rules as versioned data, risk
events, warnings with the values that fired them, sweeps and department rosters.

Other apps use `Warning` (one row per household and rule while the condition holds) and
`RiskEvent`; both carry `area_code` and are scoped with `visible_to(user)`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.accounts.scope import ScopedQuerySet
from fupin.core.base_models import AreaLinkedModel, ScopedModel


class Severity(models.TextChoices):
    HIGH = "high", _("高")
    MEDIUM = "medium", _("中")
    LOW = "low", _("低")


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


class SettingKey(models.Model):
    """A named setting that conditions may use (poverty_line, school_age_min …)."""

    key = models.CharField(_("参数代码"), max_length=40, primary_key=True)
    name = models.CharField(_("参数名称"), max_length=60)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    by_income_year = models.BooleanField(
        _("按收入年度取值"), default=False,
        help_text=_("是：按户最近收入年度取值（如贫困线、监测线）；否：按监测基准日所在年度取值"))
    description = models.CharField(_("说明"), max_length=300, blank=True)
    every_year = models.BooleanField(
        _("每年单独设定"), default=False,
        help_text=_("是：每个年度须有本年度的取值（如贫困线、监测线每年调整），缺少时不沿用往年，"
                    "依赖它的规则不触发并在排查结果中列出"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("监测参数项")
        verbose_name_plural = _("监测参数项")

    def __str__(self) -> str:
        return f"{self.name}（{self.key}）"


class SettingQuerySet(ScopedQuerySet["Setting"]):
    scope_field = "area_code"
    def visible_to(self, user):  # type: ignore[no-untyped-def, override]
        """National defaults (area "") and settings of the user's areas and the areas above them."""
        from fupin.accounts.scope import is_unrestricted, scope_prefixes
        if is_unrestricted(user):
            return self.all()
        prefixes = scope_prefixes(user)
        if not prefixes:
            return self.none()
        q = Q(area_code="")
        for p in prefixes:
            q |= Q(area_code__startswith=p)
            q |= Q(area_code__in=[p[:n] for n in (2, 4, 6, 9) if n < len(p)])
        return self.filter(q)


class Setting(ScopedModel):
    """One value of a setting for an area (code prefix; "" = everywhere) from a year on.

    Resolution (done in SQL): for a household, the row whose area code is the longest
    prefix of the household's village code wins; among those, the latest `year_from` not
    after the year in question.
    """

    key = models.ForeignKey(SettingKey, verbose_name=_("参数"), on_delete=models.PROTECT,
                            db_column="key", related_name="values")
    area_code = models.CharField(_("区划代码"), max_length=12, blank=True, default="",
                                 help_text=_("留空表示全国默认；县 6 位、乡镇 9 位、村 12 位"))
    year_from = models.PositiveSmallIntegerField(_("起始年度"), default=0,
                                                 help_text=_("0 表示不限年度"))
    value = models.DecimalField(_("取值"), max_digits=14, decimal_places=4)
    source_doc = models.CharField(_("依据文件"), max_length=200, blank=True)
    verified = models.BooleanField(_("已核实"), default=False,
                                   help_text=_("取值已对照公开文件核实（MECHANISM.md 标 [V]）"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    objects: ClassVar[Any] = SettingQuerySet.as_manager()

    class Meta:
        ordering = ["key", "area_code", "year_from"]
        verbose_name = _("监测参数")
        verbose_name_plural = _("监测参数")
        constraints = [models.UniqueConstraint(fields=["key", "area_code", "year_from"],
                                               name="uniq_monitoring_setting")]

    def __str__(self) -> str:
        return f"{self.key_id}@{self.area_code or '全国'}≥{self.year_from}: {self.value}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:setting_list")


class RuleKind(models.TextChoices):
    FEATURE = "feature", _("户特征规则")
    ROSTER = "roster", _("部门筛查")
    QUALITY = "quality", _("数据质量")


class Rule(models.Model):
    """A monitoring rule; its condition lives in versions (editing makes a new version)."""

    code = models.CharField(_("规则代码"), max_length=40, unique=True)
    name = models.CharField(_("规则名称"), max_length=60)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("类别"), max_length=10, choices=RuleKind.choices,
                            default=RuleKind.FEATURE)
    condition = models.TextField(_("条件"))
    severity = models.CharField(_("预警级别"), max_length=10, choices=Severity.choices,
                                default=Severity.MEDIUM)
    explanation = models.CharField(
        _("说明模板"), max_length=300, blank=True,
        help_text=_("用 {特征名} 引用取值，例如：人均纯收入 {income_per_capita} 元，低于 {income_year} 年贫困线 {poverty_line} 元"))
    active = models.BooleanField(_("启用"), default=True)
    # "" = applies everywhere (edited by a province-level admin); a county code = that
    # county's own rule (edited by its county admin). Counties switch everywhere-rules off
    # for themselves with RuleAreaSwitch.
    area_code = models.CharField(_("适用区划"), max_length=12, blank=True, default="",
                                 db_index=True, help_text=_("留空表示适用于全部地区"))
    current_version = models.ForeignKey("RuleVersion", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("监测规则")
        verbose_name_plural = _("监测规则")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:rule_detail", args=[self.pk])


class RuleVersion(models.Model):
    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    condition = models.TextField(_("条件"))
    severity = models.CharField(_("预警级别"), max_length=10, choices=Severity.choices)
    explanation = models.CharField(_("说明模板"), max_length=300, blank=True)
    effective_from = models.DateTimeField(_("生效时间"))
    effective_to = models.DateTimeField(_("失效时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("修改说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["rule_id", "-number"]
        verbose_name = _("规则版本")
        verbose_name_plural = _("规则版本")
        constraints = [models.UniqueConstraint(fields=["rule", "number"], name="uniq_rule_version")]

    def __str__(self) -> str:
        return f"{self.rule.code} v{self.number}"


class EventKind(models.TextChoices):
    MEDICAL = "medical", _("大额医疗支出（自付）")
    DISASTER = "disaster", _("自然灾害损失")
    ACCIDENT = "accident", _("意外事故")
    JOB_LOSS = "job_loss", _("务工就业中断")
    DEATH = "death", _("劳动力死亡")
    BUSINESS = "business", _("产业经营失败")
    COVID = "covid", _("新冠感染")
    EDUCATION = "education", _("大额教育支出（学费等）")
    OTHER = "other", _("其他")


class EventSource(models.TextChoices):
    PAGE = "page", _("页面录入")
    API = "api", _("接口")
    UPLOAD = "upload", _("部门上传")


class RiskEvent(AreaLinkedModel):
    """Something that happened to a household and may push it back into poverty."""

    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="risk_events")
    area = models.ForeignKey("areas.Area", verbose_name=_("区划代码"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+")
    kind = models.CharField(_("类别"), max_length=10, choices=EventKind.choices)
    date = models.DateField(_("发生日期"))
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2,
                                 default=Decimal(0))
    source = models.CharField(_("来源"), max_length=10, choices=EventSource.choices,
                              default=EventSource.PAGE)
    source_detail = models.CharField(_("来源说明"), max_length=200, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    household_field = "household"  # role helper: only assigned households (assistance.visibility)

    class Meta:
        ordering = ["household_id", "-date", "-id"]
        verbose_name = _("风险事件")
        verbose_name_plural = _("风险事件")
        indexes = [models.Index(fields=["household", "date"], name="riskevent_household_date")]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0),
                                              name="riskevent_amount_not_negative")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.get_kind_display()} {self.date}"


class SweepQuerySet(ScopedQuerySet["Sweep"]):
    scope_field = "area_code"
    def visible_to(self, user):  # type: ignore[no-untyped-def, override]
        """A sweep is visible to users whose scope covers it or lies inside it; the nightly
        whole-registry sweep (area "") to every user with a scope (its statistics are counts,
        never rows)."""
        from fupin.accounts.scope import is_unrestricted, scope_prefixes
        if is_unrestricted(user):
            return self.all()
        prefixes = scope_prefixes(user)
        q = Q(area_code="") if prefixes else Q(pk__in=[])
        for p in prefixes:
            q |= Q(area_code__startswith=p)
            q |= Q(area_code__in=[p[:n] for n in (2, 4, 6, 9) if n < len(p)])
        return self.filter(q)


class SweepKind(models.TextChoices):
    SWEEP = "sweep", _("全面排查")
    ROSTER = "roster", _("部门名单比对")


class Sweep(ScopedModel):
    area_code = models.CharField(_("区划"), max_length=12, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=SweepKind.choices,
                            default=SweepKind.SWEEP)
    as_of = models.DateField(_("基准日"))
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), default=0)
    opened = models.PositiveIntegerField(_("新增预警"), default=0)
    refreshed = models.PositiveIntegerField(_("持续预警"), default=0)
    closed = models.PositiveIntegerField(_("自动解除"), default=0)
    per_rule = models.JSONField(_("分规则统计"), default=dict, blank=True)
    missing_lines = models.JSONField(
        _("缺少的收入线"), default=list, blank=True,
        help_text=_("排查需要但未设定的贫困线、监测线：[{area, year, key}]，依赖它们的规则未触发"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="+")
    seconds = models.FloatField(_("耗时(秒)"), null=True, blank=True)

    objects: ClassVar[Any] = SweepQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("排查")
        verbose_name_plural = _("排查")

    def __str__(self) -> str:
        return f"排查 {self.area_code or '全部'} {self.as_of}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:sweep_detail", args=[self.pk])


class WarningStatus(models.TextChoices):
    OPEN = "open", _("预警中")
    DISMISSED = "dismissed", _("已排除")
    DECIDED = "decided", _("已认定")
    CLOSED = "closed", _("已解除")


class WarningDecision(models.TextChoices):
    NONE = "", _("未认定")
    INCLUDED = "included", _("纳入监测")
    NOT_INCLUDED = "not_included", _("不予纳入")


# A decided warning stays live (sweeps refresh it instead of opening a new one) until its
# condition no longer holds; then the sweep closes it.
LIVE_STATUSES = (WarningStatus.OPEN, WarningStatus.DISMISSED, WarningStatus.DECIDED)


class WarningQuerySet(ScopedQuerySet["Warning"]):
    scope_field = "area__code"
    household_field = "household"  # role helper: only assigned households (assistance.visibility)
    def live(self) -> WarningQuerySet:
        return self.filter(status__in=LIVE_STATUSES)


class Warning(AreaLinkedModel):
    """A rule fired for a household. While the condition holds there is one live row per
    household and rule (open, or dismissed with a reason); sweeps refresh it and close it
    when the condition no longer holds."""

    household = models.ForeignKey("registry.Household", verbose_name=_("户"),
                                  on_delete=models.CASCADE, related_name="warnings")
    area = models.ForeignKey("areas.Area", verbose_name=_("区划代码"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+", db_index=False)
    # few indexes: a sweep writes hundreds of thousands of warnings
    rule = models.ForeignKey(Rule, verbose_name=_("规则"), on_delete=models.PROTECT,
                             related_name="warnings", db_index=False)
    rule_version = models.ForeignKey(RuleVersion, verbose_name=_("触发版本"),
                                     on_delete=models.PROTECT, related_name="warnings",
                                     db_index=False)
    last_version = models.ForeignKey(RuleVersion, verbose_name=_("最近检查版本"), null=True,
                                     blank=True, on_delete=models.PROTECT, related_name="+",
                                     db_index=False)
    severity = models.CharField(_("级别"), max_length=10, choices=Severity.choices)
    status = models.CharField(_("状态"), max_length=10, choices=WarningStatus.choices,
                              default=WarningStatus.OPEN)
    values = models.JSONField(_("触发取值"), default=dict, db_column="fired_values")
    first_values = models.JSONField(_("首次触发取值"), default=dict)
    as_of = models.DateField(_("基准日"))
    opened_at = models.DateTimeField(_("预警时间"))
    last_seen = models.DateField(_("最近确认"))
    closed_on = models.DateField(_("解除日期"), null=True, blank=True)
    close_note = models.CharField(_("解除说明"), max_length=200, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    sweep = models.ForeignKey(Sweep, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="warnings", db_index=False)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责人"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="monitoring_warnings")
    dismissed_reason = models.CharField(_("排除理由"), max_length=300, blank=True)
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     db_index=False)
    dismissed_at = models.DateTimeField(_("排除时间"), null=True, blank=True)
    decision = models.CharField(_("认定结果"), max_length=20, blank=True, default="",
                                db_default="", choices=WarningDecision.choices)
    decided_case = models.ForeignKey("cases.Case", verbose_name=_("认定案件"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="+",
                                     db_index=False)
    decided_on = models.DateField(_("认定日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[Any] = WarningQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        constraints = [models.UniqueConstraint(
            fields=["household", "rule"], condition=Q(status__in=["open", "dismissed", "decided"]),
            name="one_live_warning_per_household_rule")]
        indexes = [
            models.Index(fields=["area"], name="warning_area_pattern",
                         opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["rule", "status"], name="warning_rule_status"),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} {self.household_id}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:warning_detail", args=[self.pk])


    @property
    def explanation(self) -> str:
        from .services.explain import explain
        return explain(self.rule_version.explanation or self.rule.explanation, self.values,
                       self.rule.name)


class Hit(models.Model):
    """Staging for a sweep: one row per household and rule version that fired."""

    run = models.BigIntegerField(db_index=True)
    household_id = models.BigIntegerField()
    rule_id = models.BigIntegerField()
    version_id = models.BigIntegerField()
    severity = models.CharField(max_length=10)
    area_code = models.CharField(max_length=12)
    values = models.JSONField(default=dict, db_column="fired_values")

    class Meta:
        indexes = [models.Index(fields=["run", "household_id", "rule_id"], name="hit_run_hh_rule")]


class RosterKind(models.TextChoices):
    SCHOOL = "school", _("在校学生名册（教育）")
    INSURANCE = "insurance", _("基本医疗保险参保名册（医保）")
    DIBAO = "dibao", _("低保对象名册（民政）")
    TEKUN = "tekun", _("特困供养名册（民政）")
    DISABILITY = "disability", _("残疾人证名册（残联）")
    DEATH = "death", _("死亡登记名册（公安/卫健）")


class Roster(AreaLinkedModel):
    """One department upload; its rows are staged in RosterRow and joined on resident_id."""

    kind = models.CharField(_("名册类别"), max_length=12, choices=RosterKind.choices)
    name = models.CharField(_("名册名称"), max_length=200)
    area = models.ForeignKey("areas.Area", verbose_name=_("覆盖区划"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+", db_index=False)
    as_of = models.DateField(_("名册日期"))
    department = models.CharField(_("报送部门"), max_length=100, blank=True)
    active = models.BooleanField(_("现行"), default=True)
    rows_read = models.PositiveIntegerField(_("读取行数"), default=0)
    rows_accepted = models.PositiveIntegerField(_("有效行数"), default=0)
    rows_rejected = models.PositiveIntegerField(_("无效行数"), default=0)
    rejected = models.JSONField(_("无效行"), default=list, blank=True)
    matched = models.PositiveIntegerField(_("匹配到在册人员"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    sweep = models.ForeignKey(Sweep, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")


    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("部门名册")
        verbose_name_plural = _("部门名册")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("monitoring:roster_detail", args=[self.pk])


class RosterRow(models.Model):
    roster = models.ForeignKey(Roster, on_delete=models.CASCADE, related_name="rows")
    resident_id = models.CharField(_("身份证号"), max_length=18)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    event_date = models.DateField(_("日期"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        indexes = [models.Index(fields=["resident_id", "roster"], name="rosterrow_rid_roster")]


class RuleAreaSwitch(ScopedModel):
    """A county's own on/off for a rule that applies everywhere (issue 12: a county admin
    switches rules for its county only, never another's)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="area_switches")
    area_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    active = models.BooleanField(_("启用"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    scope_field = "area_code"

    class Meta:
        ordering = ["rule_id", "area_code"]
        verbose_name = _("规则本地启停")
        verbose_name_plural = _("规则本地启停")
        constraints = [models.UniqueConstraint(fields=["rule", "area_code"],
                                               name="uniq_rule_area_switch")]

    def __str__(self) -> str:
        return f"{self.rule_id}@{self.area_code}: {'启用' if self.active else '停用'}"
