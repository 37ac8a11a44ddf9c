"""Demo helpers and visits (fupin.demo.field): every registered and monitored household has
a helper, helpers in the published proportion, visit compliance realistic and equal to the
ratio of the records."""

import datetime as dt

import pytest
from django.db.models import Exists, OuterRef, Q

from fupin.assistance.models import Assignment, Helper, Visit
from fupin.assistance.services.rules import period_start, previous_period_start
from fupin.demo.build import build
from fupin.demo.field import PUBLISHED_CADRES, helpers_for, registered_default, seed_field
from fupin.registry.models import Household

TODAY = dt.date(2026, 1, 15)
TONGNAN = "500152"


def test_published_proportions():
    assert helpers_for(TONGNAN, registered_default(TONGNAN)) == 5_903
    assert helpers_for("500101", registered_default("500101")) == 14_700
    assert helpers_for("500112", registered_default("500112")) == 4_167
    assert helpers_for(TONGNAN, 1_579) == round(1_579 * 5_903 / registered_default(TONGNAN))
    assert helpers_for("500236", 10) == 4  # chosen: 3 households per helper
    assert set(PUBLISHED_CADRES) == {"500152", "500101", "500112"}


@pytest.mark.django_db
def test_every_household_assigned_and_compliance_from_records():
    from fupin.reports import indicators

    build([TONGNAN], seed=3, scale=800, today=TODAY)
    out = seed_field([TONGNAN], seed=3, today=TODAY)[TONGNAN]
    duty = Household.objects.filter(area__code__startswith=TONGNAN).filter(
        Q(household_type__in=["poor", "lifted"]) | ~Q(monitoring_type=""))
    current = Assignment.objects.filter(household=OuterRef("pk"), ended_on__isnull=True)
    assert duty.count() == out["households"] > 0
    assert not duty.filter(~Exists(current)).exists()
    assert Helper.objects.count() == out["helpers"] == helpers_for(TONGNAN, out["households"])
    assert max(Assignment.objects.values_list("helper").annotate(
        n=__import__("django.db.models", fromlist=["Count"]).Count("pk")).values_list("n", flat=True)) <= 5
    # compliance of the last ended period, from the indicator family, equals the records' ratio
    result = indicators.area_indicators(TONGNAN, TODAY)
    f = result["figures"]
    ok = 0
    for h in duty.values("pk", "household_type", "monitoring_type"):
        months = 3 if (h["household_type"] == "lifted" and not h["monitoring_type"]) else 1
        start, end = previous_period_start(TODAY, months), period_start(TODAY, months)
        ok += Visit.objects.filter(household_id=h["pk"], visited_on__gte=start, visited_on__lt=end).exists()
    assert f["visit_due"] == duty.count() and f["visit_ok"] == ok
    rate = result["rates"]["visit_compliance"]
    assert 60 <= rate <= 100
    assert rate == round(100 * ok / duty.count(), 2) or abs(rate - 100 * ok / duty.count()) < 0.01
    # a re-run replaces the demo helpers and visits
    seed_field([TONGNAN], seed=3, today=TODAY)
    assert Helper.objects.count() == out["helpers"] and Visit.objects.count() == out["visits"]
