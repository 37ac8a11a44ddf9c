"""Tables of the project pages (Chinese headers; also the .xlsx exports)."""

from __future__ import annotations

import django_tables2 as tables

from .models import Asset, BenefitLink, ConsumptionSale, FundSource, Payment, Payout, Project

ATTRS = {"class": "table table-sm table-hover align-middle"}


class ProjectTable(tables.Table):
    code = tables.Column(verbose_name="项目编号", linkify=True)
    name = tables.Column(verbose_name="项目名称")
    area__name = tables.Column(verbose_name="区划")
    category = tables.Column(verbose_name="类别")
    state = tables.Column(verbose_name="状态")
    planned_funds = tables.Column(verbose_name="计划资金（元）")
    library_year = tables.Column(verbose_name="入库年度")
    plan_year = tables.Column(verbose_name="计划年度")
    started_on = tables.Column(verbose_name="开工")
    completed_on = tables.Column(verbose_name="完工")

    class Meta:
        model = Project
        fields = ["code", "name", "area__name", "category", "state", "planned_funds",
                  "library_year", "plan_year", "started_on", "completed_on"]
        attrs = ATTRS


class FundSourceTable(tables.Table):
    area__name = tables.Column(verbose_name="区县")
    balance = tables.Column(verbose_name="结余（元）", orderable=False)

    class Meta:
        model = FundSource
        fields = ["year", "area__name", "kind", "name", "amount", "allocated", "balance"]
        attrs = ATTRS


class PaymentTable(tables.Table):
    allocation__project__code = tables.Column(verbose_name="项目编号")
    allocation__project__name = tables.Column(verbose_name="项目名称")
    allocation__source__name = tables.Column(verbose_name="资金来源")

    class Meta:
        model = Payment
        fields = ["paid_on", "allocation__project__code", "allocation__project__name",
                  "allocation__source__name", "amount", "voucher"]
        attrs = ATTRS


class BenefitLinkTable(tables.Table):
    id = tables.Column(verbose_name="编号", linkify=True)
    household__household_no = tables.Column(verbose_name="户编号")
    household__head_name = tables.Column(verbose_name="户主")
    area__name = tables.Column(verbose_name="村(社区)")

    class Meta:
        model = BenefitLink
        fields = ["id", "household__household_no", "household__head_name", "area__name",
                  "partner_kind", "partner_name", "mode", "started_on", "amount_per_year",
                  "industry"]
        attrs = ATTRS


class PayoutTable(tables.Table):
    link__household__household_no = tables.Column(verbose_name="户编号")
    link__household__head_name = tables.Column(verbose_name="户主")
    link__partner_name = tables.Column(verbose_name="联结主体")
    link__mode = tables.Column(verbose_name="联结方式")

    class Meta:
        model = Payout
        fields = ["paid_on", "link__household__household_no", "link__household__head_name",
                  "link__partner_name", "link__mode", "amount", "note"]
        attrs = ATTRS

    def render_link__mode(self, record: Payout) -> str:
        return str(record.link.get_mode_display())

    def value_link__mode(self, record: Payout) -> str:
        return str(record.link.get_mode_display())


class AssetTable(tables.Table):
    name = tables.Column(verbose_name="资产名称", linkify=True)
    project__code = tables.Column(verbose_name="项目编号")
    area__name = tables.Column(verbose_name="区划")

    class Meta:
        model = Asset
        fields = ["name", "project__code", "area__name", "kind", "owner", "value", "maintainer",
                  "handed_over_on"]
        attrs = ATTRS


class SaleTable(tables.Table):
    area__name = tables.Column(verbose_name="区划")

    class Meta:
        model = ConsumptionSale
        fields = ["sold_on", "area__name", "seller_kind", "seller_name", "channel", "product",
                  "amount"]
        attrs = ATTRS
