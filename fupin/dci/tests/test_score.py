"""The poverty score and group size built from fetched rows (records.score) equal the SQL
the predicate search filters with (query.poverty_score, query.group_size)."""

import datetime as dt

import pytest
from django.utils import timezone

from fupin.core.testing import VILLAGE_A, make_household, member_data
from fupin.dci import records
from fupin.dci.query import group_size, poverty_score
from fupin.registry.models import Household, Member

pytestmark = pytest.mark.django_db


def test_score_from_rows_equals_sql():
    today = timezone.localdate()
    child = today.replace(year=today.year - 10)
    make_household(VILLAGE_A, household_no="SC-1", housing_grade="C", water_safe=False, members=[
        member_data("甲", birth=dt.date(1950, 1, 1)),
        member_data("乙", relation="son", birth=child, schooling="none")])
    make_household(VILLAGE_A, household_no="SC-2", members=[
        member_data("丙", birth=dt.date(1985, 1, 1))])
    make_household(VILLAGE_A, household_no="SC-3", members=[
        member_data("丁", birth=dt.date(1980, 1, 1)), member_data("戊", relation="son",
                                                               birth=dt.date(2000, 1, 1))])
    # an uninsured member, a member who left (not counted), a worker who cannot work
    Member.objects.filter(household__household_no="SC-3", name="戊").update(status="moved_out")
    Member.objects.filter(household__household_no="SC-2").update(medical_insurance=False)
    Member.objects.filter(household__household_no="SC-3", name="丁").update(labour="lost")
    ids = list(Household.objects.filter(household_no__startswith="SC-").order_by("pk")
               .values_list("pk", flat=True))
    sql = dict(Household.objects.filter(pk__in=ids).annotate(
        s=poverty_score("pk"), n=group_size("pk")).values_list("household_no", "s"))
    sizes = dict(Household.objects.filter(pk__in=ids).annotate(n=group_size("pk"))
                 .values_list("household_no", "n"))
    recs = {r["group_identifier"][0]["identifier_value"]: r
            for r in records.group_records(ids, [])}
    assert {no: r["poverty_score"] for no, r in recs.items()} == sql
    assert {no: r["group_size"] for no, r in recs.items()} == sizes
    assert sql["SC-1"] >= 3 and len(set(sql.values())) > 1  # the cases differ
