"""Administrative areas keyed by NBS statistical division codes.

A code's prefix is a scope: every row below an area carries a code that starts with it.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

LEVEL_BY_LENGTH = {2: "province", 4: "city", 6: "county", 9: "township", 12: "village"}


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区县")
    TOWNSHIP = "township", _("乡镇(街道)")
    VILLAGE = "village", _("村(社区)")


class Area(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=AreaLevel.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    urban_rural_code = models.CharField(_("城乡分类代码"), max_length=3, blank=True)
    is_poor_village = models.BooleanField(_("贫困村"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        indexes = [
            models.Index(fields=["code"], name="area_code_pattern", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def is_community(self) -> bool:
        """NBS village codes 001-199 are residents' committees (社区), 200-399 villages."""
        return self.level == AreaLevel.VILLAGE and int(self.code[-3:]) < 200

    def ancestors(self) -> list["Area"]:
        """Areas above this one, from the top down (one query)."""
        prefixes = [self.code[:n] for n in (2, 4, 6, 9) if n < len(self.code)]
        return list(Area.objects.filter(code__in=prefixes).order_by("code"))

    def full_name(self) -> str:
        return "".join(a.name for a in self.ancestors() if a.level in ("county", "township")) + self.name


class AreaPopulation(models.Model):
    """Rural registered population (乡村户籍人口) of an area in a year: incidence's denominator."""

    area = models.ForeignKey(Area, verbose_name=_("区划"), on_delete=models.CASCADE,
                             related_name="populations")
    year = models.PositiveSmallIntegerField(_("年度"))
    rural_population = models.PositiveIntegerField(_("乡村户籍人口"))
    source = models.CharField(_("来源"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("乡村户籍人口")
        verbose_name_plural = _("乡村户籍人口")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="uniq_area_population_year")]

    def __str__(self) -> str:
        return f"{self.area_id} {self.year}: {self.rural_population}"
