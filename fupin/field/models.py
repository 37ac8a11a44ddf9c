"""Field work: households' own applications (农户自主申报) and the offline queue's receipts.

`SelfApplication` is a lead from a resident (or filed by a cadre on a household's behalf,
代填): it sits in the township's inbox with its found-on date and a 2-day acceptance
deadline; accepted, it goes to the village, where opening the identification case (through
fupin.cases services) starts the identification clock.

`SyncItem` is the server's receipt for one item of a phone's offline queue, keyed by the
UUID the phone generated: a retried sync finds the receipt and never records twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from fupin.core.base_models import AreaScopedModel
from fupin.core.scope import ScopedQuerySet

from .choices import AppState, Happened, SyncKind

ACCEPT_DAYS = 2


class SelfApplicationQuerySet(ScopedQuerySet["SelfApplication"]):
    scope_field = "area__code"

    def open(self) -> SelfApplicationQuerySet:
        return self.filter(state__in=[AppState.RECEIVED, AppState.ACCEPTED])

    def visible_to(self, user: Any, *args: Any, **kwargs: Any) -> SelfApplicationQuerySet:
        """Helpers see only applications of the households assigned to them (the household
        scope's helper restriction); everyone else by area."""
        qs = super().visible_to(user, *args, **kwargs)
        if getattr(user, "role", "") == "helper" and not getattr(user, "is_superuser", False):
            from fupin.registry.models import Household
            qs = qs.filter(household__in=Household.objects.visible_to(user))
        return qs


class SelfApplication(AreaScopedModel):
    """A resident's application; `area` is the village picked from the hierarchy."""

    receipt_no = models.CharField(_("回执号"), max_length=20, unique=True)
    name = models.CharField(_("申请人姓名"), max_length=50)
    resident_id = models.CharField(_("身份证号"), max_length=18, db_index=True)
    phone = models.CharField(_("联系电话"), max_length=20)
    happened = models.CharField(_("遇到的困难"), max_length=10, choices=Happened.choices)
    description = models.TextField(_("情况说明"))
    photo = models.FileField(_("照片"), upload_to="applications/%Y/%m/", blank=True)
    found_on = models.DateField(_("发现日期"))
    accept_due = models.DateField(_("乡镇受理时限"))
    state = models.CharField(_("状态"), max_length=12, choices=AppState.choices, default=AppState.RECEIVED)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("受理人"))
    decline_reason = models.CharField(_("不予受理原因"), max_length=300, blank=True)
    household = models.ForeignKey("registry.Household", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="self_applications", verbose_name=_("对应农户"))
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("识别案件"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("代填人"))

    objects: ClassVar[Any] = SelfApplicationQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("农户自主申报")
        verbose_name_plural = _("农户自主申报")

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("field:application", args=[self.pk])

    def accept_overdue(self, today: dt.date) -> bool:
        return self.state == AppState.RECEIVED and today > self.accept_due


class SyncItemQuerySet(ScopedQuerySet["SyncItem"]):
    scope_field = "household__area__code"


class SyncItem(models.Model):
    """The receipt of one synced offline item (only accepted items are kept: a refused or
    conflicting item stays on the phone, with the reason, until fixed or discarded)."""

    uuid = models.UUIDField(_("手机端编号"), unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=SyncKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey("registry.Household", on_delete=models.CASCADE, related_name="+")
    recorded_at = models.DateTimeField(_("手机记录时间"))
    synced_at = models.DateTimeField(_("同步时间"), auto_now_add=True)
    visit = models.ForeignKey("assistance.Visit", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    risk_event = models.ForeignKey("monitoring.RiskEvent", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = SyncItemQuerySet.as_manager()

    class Meta:
        ordering = ["-synced_at"]
        verbose_name = _("离线同步记录")
        verbose_name_plural = _("离线同步记录")

    def __str__(self) -> str:
        return f"{self.kind} {self.uuid}"
