"""Tables (Chinese headers) for pages and .xlsx exports."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils.html import format_html

from fupin.core.privacy import shown_phone

from .choices import VisitKind
from .models import (
    Assignment,
    AssistanceRule,
    AssistingUnit,
    FlaggedSupervision,
    Helper,
    Plan,
    Visit,
)


def viewer(table: Any) -> Any:
    request = getattr(table, "request", None)
    return getattr(request, "user", None)


class HelperTable(tables.Table):
    name = tables.Column("姓名", linkify=True)
    phone = tables.Column("联系电话")
    unit = tables.Column("帮扶单位")
    area = tables.Column("负责区划", accessor="area__name")
    position = tables.Column("职务")
    active_count = tables.Column("当前联系户数", orderable=True)
    active = tables.BooleanColumn(verbose_name="在岗", yesno="是,否")

    class Meta:
        model = Helper
        fields = ("name", "phone", "unit", "area", "position", "active_count", "active")
        attrs = {"class": "table table-sm table-hover"}

    def render_phone(self, value: str) -> str:
        return shown_phone(viewer(self), value)


class UnitTable(tables.Table):
    name = tables.Column("单位名称", linkify=True)
    level = tables.Column("单位隶属关系")
    area_code = tables.Column("所属区划", order_by=("area_id",))
    contact = tables.Column("联系人")

    class Meta:
        model = AssistingUnit
        fields = ("name", "level", "area_code", "contact")
        attrs = {"class": "table table-sm table-hover"}


class AssignmentTable(tables.Table):
    household = tables.Column("户", accessor="household__household_no")
    head = tables.Column("户主", accessor="household__head_name")
    helper = tables.Column("帮扶责任人", accessor="helper__name")
    started_on = tables.DateColumn(verbose_name="开始日期", format="Y-m-d")
    ended_on = tables.DateColumn(verbose_name="结束日期", format="Y-m-d", default="至今")
    reason = tables.Column("变更原因")

    class Meta:
        model = Assignment
        fields = ("household", "head", "helper", "started_on", "ended_on", "reason")
        attrs = {"class": "table table-sm"}


class PlanTable(tables.Table):
    household = tables.Column("户编号", accessor="household__household_no", linkify=lambda record: record.get_absolute_url())
    head = tables.Column("户主", accessor="household__head_name")
    village = tables.Column("村(社区)", accessor="household__area__name")
    year = tables.Column("年度")
    measure_count = tables.Column("措施数")
    done_count = tables.Column("已完成")
    amount = tables.Column("金额合计(元)")

    class Meta:
        model = Plan
        fields = ("household", "head", "village", "year", "measure_count", "done_count", "amount")
        attrs = {"class": "table table-sm table-hover"}


class VisitTable(tables.Table):
    visited_on = tables.DateColumn(verbose_name="走访日期", format="Y-m-d", linkify=True)
    household = tables.Column("户编号", accessor="household__household_no")
    head = tables.Column("户主", accessor="household__head_name")
    village = tables.Column("村(社区)", accessor="household__area__name")
    helper = tables.Column("帮扶责任人", accessor="helper__name", default="")
    channel = tables.Column("方式")
    findings = tables.Column("走访情况")

    class Meta:
        model = Visit
        fields = ("visited_on", "household", "head", "village", "helper", "channel", "findings")
        attrs = {"class": "table table-sm table-hover"}

    def render_findings(self, value: str) -> str:
        return value if len(value) <= 40 else value[:40] + "…"


class OverdueTable(tables.Table):
    household_no = tables.Column("户编号")
    head_name = tables.Column("户主")
    village = tables.Column("村(社区)", accessor="area__name")
    visit_kind = tables.Column("类别", orderable=False)
    due_since = tables.DateColumn(verbose_name="本周期起", format="Y-m-d", orderable=False)
    last_visit = tables.DateColumn(verbose_name="最近走访", format="Y-m-d", default="从未走访", orderable=False)
    helper_name = tables.Column("帮扶责任人", default="未结对", orderable=False)
    action = tables.Column("", empty_values=(), orderable=False)

    class Meta:
        attrs = {"class": "table table-sm table-hover"}
        exclude = ()

    def render_visit_kind(self, value: str) -> str:
        return str(VisitKind(value).label) if value else ""

    def render_action(self, record: Any) -> str:
        from django.urls import reverse
        return format_html('<a class="btn btn-sm btn-outline-primary" href="{}">记走访</a>',
                           reverse("assistance:visit_add", args=[record.pk]))


class FlagTable(tables.Table):
    area = tables.Column("村(社区)", accessor="area__name")
    household = tables.Column("户", accessor="household__household_no", default="（全村）")
    leader_name = tables.Column("督战责任领导")
    leader_title = tables.Column("职务")
    reason = tables.Column("挂牌原因")
    started_on = tables.DateColumn(verbose_name="挂牌日期", format="Y-m-d")
    ended_on = tables.DateColumn(verbose_name="摘牌日期", format="Y-m-d", default="")

    class Meta:
        model = FlaggedSupervision
        fields = ("area", "household", "leader_name", "leader_title", "reason", "started_on", "ended_on")
        attrs = {"class": "table table-sm"}


class RuleTable(tables.Table):
    area_code = tables.Column("适用区划", default="（默认）")
    max_households_per_helper = tables.Column("每人最多联系户数")
    visit_months_monitored = tables.Column("监测户走访周期(月)")
    visit_months_poor = tables.Column("未脱贫户走访周期(月)")
    visit_months_lifted = tables.Column("脱贫户走访周期(月)")
    updated_at = tables.DateTimeColumn(verbose_name="更新时间", format="Y-m-d H:i")

    class Meta:
        model = AssistanceRule
        fields = ("area_code", "max_households_per_helper", "visit_months_monitored", "visit_months_poor",
                  "visit_months_lifted", "updated_at")
        attrs = {"class": "table table-sm"}
