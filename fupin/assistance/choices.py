"""Coded lists of assistance (MECHANISM.md §3.6, §5.4, §5.8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("省直")
    CITY = "city", _("市直")
    COUNTY = "county", _("县直")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村级")


class MeasureCategory(models.TextChoices):
    INDUSTRY = "industry", _("产业")
    EMPLOYMENT = "employment", _("就业")
    HEALTH = "health", _("健康")
    EDUCATION = "education", _("教育")
    HOUSING = "housing", _("住房")
    WATER = "water", _("饮水")
    SAFETY_NET = "safety_net", _("兜底保障")
    MICROCREDIT = "microcredit", _("小额信贷")
    PUBLIC_POST = "public_post", _("公益岗位")
    TRAINING = "training", _("技能培训")
    CONSUMPTION = "consumption", _("消费扶贫")
    OTHER = "other", _("其他")


# Development-style measures (开发式帮扶) need labour in the household; the others are
# safety-net (保障性) or either.
DEVELOPMENT_CATEGORIES = frozenset({
    MeasureCategory.INDUSTRY, MeasureCategory.EMPLOYMENT, MeasureCategory.MICROCREDIT,
    MeasureCategory.PUBLIC_POST, MeasureCategory.TRAINING, MeasureCategory.CONSUMPTION,
})


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("计划")
    IN_PROGRESS = "in_progress", _("实施中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class VisitChannel(models.TextChoices):
    HOME = "home", _("入户")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信")


class VisitKind(models.TextChoices):
    """Household kinds that carry a visit frequency, most demanding first."""

    MONITORED = "monitored", _("监测户")
    POOR = "poor", _("未脱贫户")
    LIFTED = "lifted", _("脱贫户")
