import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fupin.assistance import services
from fupin.assistance.models import Visit
from fupin.core.testing import make_household, member_data
from fupin.registry.models import Income
from fupin.registry.signals import household_changed

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def test_suggestions_follow_risk_and_labour(db):
    with_labour = make_household(household_type="poor", main_cause="03", risk_types=["job"])
    cats = {s.category for s in services.suggest_measures(with_labour)}
    assert {"education", "public_post", "training"} <= cats
    no_labour = make_household(household_type="poor", main_cause="01", risk_types=["job"],
                               members=[member_data(labour="lost")])
    cats = {s.category for s in services.suggest_measures(no_labour)}
    assert "safety_net" in cats and "health" in cats
    assert not cats & {"industry", "employment", "public_post", "training", "microcredit"}


def test_one_plan_per_year_and_measures(county_admin, poor_household):
    plan = services.create_plan(actor=county_admin, household=poor_household, year=2026, measures=[
        {"category": "industry", "title": "养殖奖补", "amount": "2000"}])
    with pytest.raises(ValidationError, match="已有 2026 年"):
        services.create_plan(actor=county_admin, household=poor_household, year=2026)
    m = plan.measures.get()
    with pytest.raises(ValidationError, match="须填写成效"):
        services.update_measure(actor=county_admin, measure=m, changes={"status": "done"})
    services.update_measure(actor=county_admin, measure=m, changes={"status": "done", "outcome": "增收3000元"})
    with pytest.raises(ValidationError, match="金额"):
        services.add_measure(actor=county_admin, plan=plan, data={"category": "health", "title": "x",
                                                                  "amount": "-1"})


def test_assigned_helper_records_visit_with_updates_photos_problems(county_admin, helper, helper_user,
                                                                    poor_household):
    services.assign_helper(actor=county_admin, household=poor_household, helper=helper)
    seen = []
    household_changed.connect(lambda **kw: seen.append(kw["reason"]), weak=False, dispatch_uid="t1")
    member = poor_household.members.get()
    visit = services.record_visit(
        actor=helper_user, household=poor_household, visited_on=timezone.localdate(), channel="home",
        findings="家中正常", updates={"income": {"year": 2025, "wage_income": "12000"},
                                      "housing_grade": "C",
                                      "members": [{"member": member.pk, "schooling": "none",
                                                   "labour": "weak"}]},
        photos=[SimpleUploadedFile("a.png", PNG, "image/png")],
        problems=[{"category": "housing", "description": "房屋墙体开裂"}])
    household_changed.disconnect(dispatch_uid="t1")
    assert visit.helper == helper
    assert Income.objects.get(household=poor_household, year=2025).wage_income == 12000
    poor_household.refresh_from_db()
    assert poor_household.housing_grade == "C"
    assert {"set_income", "record_assessment", "update_member"} <= set(seen)
    assert visit.photos.get().sha256 and visit.problems.get().source == "visit"


def test_visit_rejects_non_images_and_unassigned_helper(county_admin, helper, helper_user, poor_household):
    from django.core.exceptions import PermissionDenied
    with pytest.raises(PermissionDenied):
        services.record_visit(actor=helper_user, household=poor_household, visited_on=timezone.localdate(),
                              channel="phone", findings="x")
    services.assign_helper(actor=county_admin, household=poor_household, helper=helper)
    with pytest.raises(ValidationError, match="类型不允许"):
        services.record_visit(actor=helper_user, household=poor_household, visited_on=timezone.localdate(),
                              channel="phone", findings="x",
                              photos=[SimpleUploadedFile("a.exe", b"MZ" + b"\0" * 50)])
    with pytest.raises(ValidationError, match="晚于今天"):
        services.record_visit(actor=helper_user, household=poor_household,
                              visited_on=timezone.localdate() + dt.timedelta(days=1),
                              channel="phone", findings="x")
    assert not Visit.objects.exists()
