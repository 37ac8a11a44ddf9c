"""Tables of the jobs pages (Chinese headers; also the .xlsx exports)."""

from __future__ import annotations

import django_tables2 as tables

from .models import Course, InsurancePolicy, WelfarePost, Workshop, WorkSpell, YuluStudent

ATTRS = {"class": "table table-sm table-hover align-middle"}


class PostTable(tables.Table):
    name = tables.Column(verbose_name="岗位名称", linkify=True)
    area__name = tables.Column(verbose_name="村(社区)")

    class Meta:
        model = WelfarePost
        fields = ["name", "area__name", "kind", "monthly_pay", "positions", "funded_by",
                  "temporary", "starts_on", "ends_on"]
        attrs = ATTRS


class SpellTable(tables.Table):
    id = tables.Column(verbose_name="编号", linkify=True)
    household__household_no = tables.Column(verbose_name="户编号")
    member__name = tables.Column(verbose_name="姓名")

    class Meta:
        model = WorkSpell
        fields = ["id", "household__household_no", "member__name", "place", "destination",
                  "employer", "started_on", "ended_on", "monthly_income", "organised", "partner"]
        attrs = ATTRS


class WorkshopTable(tables.Table):
    name = tables.Column(verbose_name="名称", linkify=True)
    area__name = tables.Column(verbose_name="所在地")

    class Meta:
        model = Workshop
        fields = ["name", "kind", "area__name", "operator", "recognised_on", "closed_on"]
        attrs = ATTRS


class CourseTable(tables.Table):
    name = tables.Column(verbose_name="培训名称", linkify=True)

    class Meta:
        model = Course
        fields = ["name", "kind", "area", "provider", "starts_on", "ends_on", "hours"]
        attrs = ATTRS


class YuluTable(tables.Table):
    household__household_no = tables.Column(verbose_name="户编号")
    member__name = tables.Column(verbose_name="学生")

    class Meta:
        model = YuluStudent
        fields = ["household__household_no", "member__name", "school", "stage", "year",
                  "subsidy", "paid_on"]
        attrs = ATTRS


class InsuranceTable(tables.Table):
    name = tables.Column(verbose_name="保险名称", linkify=True)

    class Meta:
        model = InsurancePolicy
        fields = ["name", "kind", "area", "insurer", "starts_on", "ends_on", "premium"]
        attrs = ATTRS
