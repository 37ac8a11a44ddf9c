"""Filters of the credit lists (shared by the pages and the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from .models import BankFile, Loan, LoanStatus, Subsidy


def _area(qs: QuerySet[Any], field: str, value: str) -> QuerySet[Any]:
    value = (value or "").strip()
    return qs.filter(**{f"{field}__startswith": value}) if value else qs


class LoanFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")
    q = django_filters.CharFilter(label="合同号/户编号/户主", method="filter_q")
    status = django_filters.ChoiceFilter(label="状态", choices=LoanStatus.choices)
    is_topup = django_filters.BooleanFilter(label="追加贷款")
    subsidy_eligible = django_filters.BooleanFilter(label="享受贴息")
    disbursed_from = django_filters.DateFilter(field_name="disbursed_on", lookup_expr="gte",
                                               label="放款日期起")
    disbursed_to = django_filters.DateFilter(field_name="disbursed_on", lookup_expr="lte",
                                             label="放款日期止")

    class Meta:
        model = Loan
        fields = ["area", "q", "status", "is_topup", "subsidy_eligible"]

    def filter_area(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _area(qs, "area__code", value)

    def filter_q(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(loan_no__startswith=value) | Q(household__household_no__startswith=value)
                         | Q(household__head_name__contains=value))


class BankFileFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")

    class Meta:
        model = BankFile
        fields = ["area", "status"]

    def filter_area(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _area(qs, "area__code", value)


class SubsidyFilterSet(django_filters.FilterSet):
    area = django_filters.CharFilter(label="区划代码", method="filter_area")
    month = django_filters.DateFilter(label="月份（该月 1 日）")
    lost = django_filters.BooleanFilter(label="未贴息", method="filter_lost")

    class Meta:
        model = Subsidy
        fields = ["area", "month", "lost"]

    def filter_area(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return _area(qs, "area__code", value)

    def filter_lost(self, qs: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        if value is None:
            return qs
        return qs.exclude(lost_reason="") if value else qs.filter(lost_reason="")
