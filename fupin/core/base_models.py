"""Abstract models every domain model builds on (NetBox's ChangeLoggedModel idea).

- `TimestampedModel`: created_at / updated_at.
- `HistoryModel`: timestamps plus change history (who, when, before, after) through
  django-simple-history; services set `obj._history_user` (see `fupin.accounts.actors`).
- `AreaScopedModel`: history plus the one way a row links to its area, a foreign key
  `area` to `areas.Area` (its code is the primary key, so `area_id` is the NBS code and a
  prefix is a scope), and the scoped manager: `Model.objects.visible_to(user)`.

Rows that hang off a scoped parent (a payout of a loan, an event of a problem) set
`scope_field` on their own `ScopedQuerySet` subclass, e.g. "loan__area__code"; everything
else inherits `AreaScopedModel` and needs nothing more.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .scope import ScopedQuerySet


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class HistoryModel(TimestampedModel):
    history = HistoricalRecords(inherit=True, excluded_fields=["updated_at"])

    class Meta:
        abstract = True


class AreaScopedQuerySet(ScopedQuerySet[Any]):
    scope_field = "area__code"


class AreaScopedModel(HistoryModel):
    area = models.ForeignKey("areas.Area", verbose_name=_("区划"), on_delete=models.PROTECT,
                             related_name="+")

    objects: ClassVar[Any] = AreaScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def area_code(self) -> str:
        return str(self.area_id)  # type: ignore[attr-defined]
