"""Tables (Chinese headers; also used for the .xlsx export)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from .models import Roster, Rule, Setting, Sweep, Warning


class WarningTable(tables.Table):
    household = tables.Column(verbose_name="户编号", accessor="household__household_no",
                              linkify=lambda record: record.get_absolute_url())
    head = tables.Column(verbose_name="户主", accessor="household__head_name")
    area_code = tables.Column(verbose_name="区划", order_by=("area_id",))
    rule = tables.Column(verbose_name="规则", accessor="rule__name")
    severity = tables.Column(verbose_name="级别")
    status = tables.Column(verbose_name="状态")
    explanation = tables.Column(verbose_name="原因", accessor="explanation", orderable=False)
    opened_at = tables.DateTimeColumn(verbose_name="预警时间", format="Y-m-d")
    last_seen = tables.DateColumn(verbose_name="最近确认", format="Y-m-d")
    assigned_to = tables.Column(verbose_name="负责人")

    class Meta:
        model = Warning
        fields = ("household", "head", "area_code", "rule", "severity", "status", "explanation",
                  "opened_at", "last_seen", "assigned_to")
        attrs = {"class": "table table-sm table-hover"}

    def render_severity(self, record: Warning) -> str:
        cls = {"high": "danger", "medium": "warning", "low": "secondary"}.get(record.severity, "")
        return format_html('<span class="badge text-bg-{}">{}</span>', cls,
                           record.get_severity_display())


class RuleTable(tables.Table):
    code = tables.Column(verbose_name="代码", linkify=True)
    name = tables.Column(verbose_name="名称")
    kind = tables.Column(verbose_name="类别")
    condition = tables.Column(verbose_name="条件")
    severity = tables.Column(verbose_name="级别")
    version = tables.Column(verbose_name="版本", accessor="current_version__number")
    active = tables.BooleanColumn(verbose_name="启用")

    class Meta:
        model = Rule
        fields = ("code", "name", "kind", "condition", "severity", "version", "active")
        attrs = {"class": "table table-sm"}


class SettingTable(tables.Table):
    key = tables.Column(verbose_name="参数", accessor="key__name")
    code = tables.Column(verbose_name="代码", accessor="key_id")
    area_code = tables.Column(verbose_name="区划")
    year_from = tables.Column(verbose_name="起始年度")
    value = tables.Column(verbose_name="取值")
    source_doc = tables.Column(verbose_name="依据")
    updated_at = tables.DateTimeColumn(verbose_name="更新时间", format="Y-m-d H:i")
    updated_by = tables.Column(verbose_name="更新人")

    class Meta:
        model = Setting
        fields = ("key", "code", "area_code", "year_from", "value", "source_doc", "updated_at",
                  "updated_by")
        attrs = {"class": "table table-sm"}

    def render_area_code(self, value: str) -> str:
        return value or "全国默认"

    def render_year_from(self, value: int) -> str:
        return str(value) if value else "不限"

    def render_value(self, value: object) -> str:
        return f"{value:f}".rstrip("0").rstrip(".")


class SweepTable(tables.Table):
    id = tables.Column(verbose_name="编号", linkify=True)
    kind = tables.Column(verbose_name="类型")
    area_code = tables.Column(verbose_name="区划")
    as_of = tables.DateColumn(verbose_name="基准日", format="Y-m-d")
    started_at = tables.DateTimeColumn(verbose_name="开始", format="Y-m-d H:i")
    households = tables.Column(verbose_name="户数")
    opened = tables.Column(verbose_name="新增")
    refreshed = tables.Column(verbose_name="持续")
    closed = tables.Column(verbose_name="解除")
    seconds = tables.Column(verbose_name="耗时(秒)")

    class Meta:
        model = Sweep
        fields = ("id", "kind", "area_code", "as_of", "started_at", "households", "opened",
                  "refreshed", "closed", "seconds")
        attrs = {"class": "table table-sm"}


class RosterTable(tables.Table):
    name = tables.Column(verbose_name="名册", linkify=True)
    kind = tables.Column(verbose_name="类别")
    area_code = tables.Column(verbose_name="区划", order_by=("area_id",))
    as_of = tables.DateColumn(verbose_name="名册日期", format="Y-m-d")
    rows_accepted = tables.Column(verbose_name="有效行")
    rows_rejected = tables.Column(verbose_name="无效行")
    matched = tables.Column(verbose_name="匹配在册")
    active = tables.BooleanColumn(verbose_name="现行")
    uploaded_at = tables.DateTimeColumn(verbose_name="上传时间", format="Y-m-d H:i")

    class Meta:
        model = Roster
        fields = ("name", "kind", "area_code", "as_of", "rows_accepted", "rows_rejected",
                  "matched", "active", "uploaded_at")
        attrs = {"class": "table table-sm"}
