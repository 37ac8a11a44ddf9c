"""Reports: pre-aggregated village figures, scorecards (季度排名) and assessment targets (年度考核)."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.core.base_models import AreaLinkedModel, ScopedModel


class AreaFigure(models.Model):
    """One village's figures as of one day (counts only; rates are derived on read).

    Written only by `fupin.reports.aggregates` (the refresh job and the household_changed
    listener); read by the dashboard, the bulletin and the ranking.
    """

    village_code = models.CharField(_("村(社区)代码"), max_length=12)
    day = models.DateField(_("日期"))
    values = models.JSONField(_("指标值"), default=dict)

    class Meta:
        verbose_name = _("村级指标快照")
        verbose_name_plural = _("村级指标快照")
        constraints = [models.UniqueConstraint(fields=["village_code", "day"],
                                               name="uniq_area_figure_village_day")]
        indexes = [models.Index(fields=["day", "village_code"], name="area_figure_day_code"),
                   models.Index(fields=["village_code"], name="area_figure_code_pattern",
                                opclasses=["varchar_pattern_ops"])]

    def __str__(self) -> str:
        return f"{self.village_code} {self.day}"


class AreaFigureRun(models.Model):
    """Marks that every village of a county has its AreaFigure rows for `day`."""

    county_code = models.CharField(_("区县代码"), max_length=6)
    day = models.DateField(_("日期"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)
    seconds = models.FloatField(_("耗时(秒)"), default=0)
    families = models.CharField(_("指标族"), max_length=200, blank=True,
                                help_text=_("计算时已登记的指标族；不同则重算"))

    class Meta:
        verbose_name = _("指标快照批次")
        verbose_name_plural = _("指标快照批次")
        constraints = [models.UniqueConstraint(fields=["county_code", "day"],
                                               name="uniq_area_figure_run")]

    def __str__(self) -> str:
        return f"{self.county_code} {self.day}"


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Normalisation(models.TextChoices):
    MINMAX = "minmax", _("极差标准化（最好=100，最差=0）")
    BEST_RATIO = "best_ratio", _("与最优值之比")
    RANK = "rank", _("名次百分位")


class Scorecard(ScopedModel):
    """A weighted scorecard (季度一排名) a county uses to rank its townships or villages."""

    area_code = models.CharField(_("适用区划"), max_length=12)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("排名对象"), max_length=10,
                             choices=[("township", _("乡镇(街道)")), ("village", _("村(社区)"))],
                             default="township")
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_field = "area_code"
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["area_code", "name"]
        verbose_name = _("排名评分表")
        verbose_name_plural = _("排名评分表")

    def __str__(self) -> str:
        return self.name


class ScorecardItem(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="items")
    indicator = models.CharField(_("指标"), max_length=40)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2,
                                 validators=[MinValueValidator(Decimal("0"))])
    direction = models.CharField(_("方向"), max_length=6, choices=Direction.choices,
                                 default=Direction.LOWER)
    normalisation = models.CharField(_("标准化方法"), max_length=12, choices=Normalisation.choices,
                                     default=Normalisation.MINMAX)

    history = HistoricalRecords()

    class Meta:
        ordering = ["scorecard_id", "id"]
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")
        constraints = [models.UniqueConstraint(fields=["scorecard", "indicator"],
                                               name="uniq_scorecard_indicator")]

    def __str__(self) -> str:
        return f"{self.scorecard_id} {self.indicator} ×{self.weight}"


class AssessmentTarget(AreaLinkedModel):
    """An annual target (年度一考核) for one area and indicator."""

    area = models.ForeignKey("areas.Area", verbose_name=_("考核区划"), on_delete=models.PROTECT,
                             db_column="area_code", related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    indicator = models.CharField(_("指标"), max_length=40)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4)
    direction = models.CharField(_("方向"), max_length=6, choices=Direction.choices,
                                 default=Direction.LOWER)
    weight = models.DecimalField(_("分值"), max_digits=6, decimal_places=2, default=Decimal("10"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["year", "area_id", "indicator"]
        verbose_name = _("年度考核目标")
        verbose_name_plural = _("年度考核目标")
        constraints = [models.UniqueConstraint(fields=["area", "year", "indicator"],
                                               name="uniq_assessment_target")]

    def __str__(self) -> str:
        return f"{self.area_code} {self.year} {self.indicator}"
