"""Filters of the project pages (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .choices import Category, FundKind, LinkMode, SaleChannel, State
from .models import BenefitLink, ConsumptionSale, FundSource, Payment, Payout, Project


def _prefix(field: str) -> Any:
    def method(self: Any, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return qs.filter(**{f"{field}__startswith": value}) if value else qs
    return method


class ProjectFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area",
                                     help_text="县 6 位、乡镇 9 位或村 12 位代码")
    q = django_filters.CharFilter(label="项目编号/名称", method="filter_q")
    category = django_filters.ChoiceFilter(label="项目类别", choices=Category.choices)
    state = django_filters.ChoiceFilter(label="状态", choices=State.choices)
    plan_year = django_filters.NumberFilter(label="计划年度")
    library_year = django_filters.NumberFilter(label="入库年度")

    class Meta:
        model = Project
        fields = ["area", "q", "category", "state", "plan_year", "library_year"]

    filter_area = _prefix("area__code")

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return qs.filter(Q(code__startswith=value) | Q(name__contains=value)) if value else qs


class FundSourceFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区县代码", method="filter_area")
    kind = django_filters.ChoiceFilter(label="资金来源", choices=FundKind.choices)
    year = django_filters.NumberFilter(label="年度")

    class Meta:
        model = FundSource
        fields = ["area", "kind", "year"]

    filter_area = _prefix("area__code")


class PaymentFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")
    project = django_filters.CharFilter(label="项目编号", field_name="allocation__project__code")
    paid_from = django_filters.DateFilter(label="拨付日期从", field_name="paid_on", lookup_expr="gte")
    paid_to = django_filters.DateFilter(label="至", field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["area", "project", "paid_from", "paid_to"]

    filter_area = _prefix("allocation__project__area__code")


class BenefitLinkFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")
    household = django_filters.CharFilter(label="户编号", field_name="household__household_no")
    mode = django_filters.ChoiceFilter(label="联结方式", choices=LinkMode.choices)
    project = django_filters.CharFilter(label="项目编号", field_name="project__code")

    class Meta:
        model = BenefitLink
        fields = ["area", "household", "mode", "project"]

    filter_area = _prefix("area__code")


class PayoutFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")
    household = django_filters.CharFilter(label="户编号", field_name="link__household__household_no")
    paid_from = django_filters.DateFilter(label="发放日期从", field_name="paid_on", lookup_expr="gte")
    paid_to = django_filters.DateFilter(label="至", field_name="paid_on", lookup_expr="lte")

    class Meta:
        model = Payout
        fields = ["area", "household", "paid_from", "paid_to"]

    filter_area = _prefix("link__area__code")


class SaleFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")
    channel = django_filters.ChoiceFilter(label="销售渠道", choices=SaleChannel.choices)
    sold_from = django_filters.DateFilter(label="销售日期从", field_name="sold_on", lookup_expr="gte")
    sold_to = django_filters.DateFilter(label="至", field_name="sold_on", lookup_expr="lte")

    class Meta:
        model = ConsumptionSale
        fields = ["area", "channel", "sold_from", "sold_to"]

    filter_area = _prefix("area__code")


class AssetFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")

    class Meta:
        from .models import Asset
        model = Asset
        fields = ["area", "kind"]

    filter_area = _prefix("area__code")
