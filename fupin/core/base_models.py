"""Abstract models every domain model builds on (NetBox's ChangeLoggedModel idea).

- `TimestampedModel`: created_at / updated_at.
- `HistoryModel`: timestamps plus change history (who, when, before, after) through
  django-simple-history; services set `obj._history_user` (see `fupin.accounts.actors`).
- `ScopedModel`: the scoped manager, `Model.objects.visible_to(user)`. A model says where its
  area code lies with one class attribute, `scope_field` ("area__code" for a row with its own
  area; "household__area__code", "loan__area__code" … for a row hanging off a scoped parent),
  and gets `obj.area_id`, the code of the area it belongs to, from the same path. No model
  writes a ScopedQuerySet subclass just to name the path. A model whose queryset has real
  methods (`live()`, its own `visible_to`) keeps `objects = XQuerySet.as_manager()` (typed by
  mypy's django plugin) and names `scope_field` on that queryset instead.
- `AreaLinkedModel`: a `ScopedModel` whose row BELONGS to an area: the one way to link a row
  to its area is a foreign key `area` to `areas.Area` (its code is the primary key, so
  `area_id` is the NBS code and a prefix is a scope). Older tables keep their column name with
  `db_column="area_code"`; `obj.area_code` stays a readable (and settable) alias of `area_id`.
- `AreaScopedModel`: `AreaLinkedModel` with history and timestamps, for new tables.

A row's HOME area is different from a rule's REACH: settings, rules and overrides carry an
optional `area_code` text ("" = everywhere, else a code prefix the rule applies below:
monitoring Setting/Rule/RuleAreaSwitch/Sweep, assistance AssistanceRule, reports Scorecard,
cases CaseSettings, core Job). A reach is not a link to one area row and stays text. So do
codes copied into staging, snapshot and log tables. Every such text column is listed with its
reason in `TEXT_AREA_FIELDS` (core/tests/test_model_base.py fails on any other).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .scope import ScopedQuerySet

# "app_label.Model.field" -> why it is text and not the foreign key `area` (范围 = a reach,
# "" or a prefix the row applies below; 暂存/快照/日志 = a copied code in staging, snapshot
# or log tables that must not block deleting or merging areas).
TEXT_AREA_FIELDS: dict[str, str] = {
    "monitoring.Setting.area_code": "范围：参数适用范围，空 = 全国默认，最长前缀生效",
    "monitoring.Rule.area_code": "范围：规则适用范围，空 = 全部区划",
    "monitoring.RuleAreaSwitch.area_code": "范围：县级对全国规则的开关，适用于该前缀以下",
    "monitoring.Sweep.area_code": "范围：排查范围，空 = 全部在册户（夜间全面排查）",
    "assistance.AssistanceRule.area_code": "范围：帮扶规则适用范围，空 = 默认，最长前缀生效",
    "reports.Scorecard.area_code": "范围：评分表适用范围（配置），按前缀生效",
    "cases.CaseSettings.county_code": "范围：县级办理时限配置，按县生效",
    "ledgers.ImportBatch.area_code": "范围：导入批次覆盖的区划，空 = 读取台账前尚未识别",
    "ledgers.LedgerLock.county_code": "暂存：导入时按县加的锁",
    "monitoring.Hit.area_code": "暂存：排查暂存表，每次排查清空",
    "core.Job.area_code": "范围：后台任务的范围，空 = 全部区划",
    "core.AccessLog.area_code": "日志：访问日志记下的区划，空 = 未限定",
    "reports.AreaFigure.village_code": "快照：按村汇总的指标快照",
    "reports.AreaFigureRun.county_code": "快照：快照重建记录",
    "projects.Project.county_code": "快照：项目区划所在的县（由 area 派生，用于编号唯一）",
}


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class HistoryModel(TimestampedModel):
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True


_QUERYSETS: dict[tuple[type[models.Model], type[ScopedQuerySet[Any]]], type[ScopedQuerySet[Any]]] = {}


def scoped_queryset_class(model: type[models.Model],
                          base: type[ScopedQuerySet[Any]] = ScopedQuerySet) -> type[ScopedQuerySet[Any]]:
    """`base` with the model's `scope_field` (and `household_field`, if any) as class attributes,
    made once per model; readers of the queryset class (assistance.visibility) see the path."""
    key = (model, base)
    if key not in _QUERYSETS:
        attrs: dict[str, Any] = {"scope_field": model.scope_field}  # type: ignore[attr-defined]
        household = getattr(model, "household_field", None)
        if household:
            attrs["household_field"] = household
        _QUERYSETS[key] = type(f"{model.__name__}QuerySet", (base,), attrs)
    return _QUERYSETS[key]


def _scope_field(model: type[models.Model]) -> str:
    return str(model._default_manager._queryset_class.scope_field)  # type: ignore[attr-defined]


class ScopedManager(models.Manager[Any]):
    """The manager a scoped model inherits: a ScopedQuerySet made per model with the model's
    `scope_field` (and `household_field`), so no model writes a one-line queryset for it."""

    @property  # type: ignore[override]
    def _queryset_class(self) -> type[ScopedQuerySet[Any]]:
        return scoped_queryset_class(self.model)

    def __getattr__(self, name: str) -> Any:
        # visible_to() and in_area() on the manager, as as_manager() would give
        if not name.startswith("_") and callable(getattr(ScopedQuerySet, name, None)):
            return getattr(self.get_queryset(), name)
        raise AttributeError(name)


class ScopedModel(models.Model):
    """Rows visible by area through `scope_field`; see the module docstring."""

    scope_field: ClassVar[str] = "area__code"

    objects: ClassVar[Any] = ScopedManager()

    class Meta:
        abstract = True

    @property
    def area_id(self) -> str:
        """The code of the area this row belongs to, read along `scope_field` (a model with its
        own `area` foreign key has the field's `area_id` instead)."""
        parts = _scope_field(type(self)).split("__")
        if len(parts) > 1 and parts[-1] == "code":
            parts = [*parts[:-2], f"{parts[-2]}_id"]
        obj: Any = self
        for name in parts:
            obj = getattr(obj, name, None)
            if obj is None:
                return ""
        return str(obj)


class AreaScopedQuerySet(ScopedQuerySet[Any]):
    scope_field = "area__code"


class AreaLinkedModel(ScopedModel):
    area = models.ForeignKey("areas.Area", verbose_name=_("区划"), on_delete=models.PROTECT,
                             related_name="+")

    scope_field: ClassVar[str] = "area__code"

    class Meta:
        abstract = True

    @property
    def area_code(self) -> str:
        return str(self.area_id)  # type: ignore[attr-defined]

    @area_code.setter
    def area_code(self, value: str) -> None:
        self.area_id = value  # type: ignore[misc]


class AreaScopedModel(HistoryModel, AreaLinkedModel):
    class Meta:
        abstract = True
