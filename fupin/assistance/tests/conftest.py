import pytest

from fupin.core.testing import VILLAGE_A, make_household, make_user


@pytest.fixture
def unit(db, county_admin):
    from fupin.assistance import services
    return services.create_unit(actor=county_admin, name="县农业农村委", level="county", area_code="500236")


@pytest.fixture
def helper_user(db):
    return make_user("helper", VILLAGE_A, username="helper1")


@pytest.fixture
def helper(db, county_admin, unit, helper_user):
    from fupin.assistance import services
    return services.create_helper(actor=county_admin, data={
        "name": "李帮扶", "phone": "13800001111", "area": VILLAGE_A, "unit": unit, "user": helper_user})


@pytest.fixture
def poor_household(db):
    return make_household(household_type="poor")


@pytest.fixture
def divisions(transactional_db):
    """Browser tests run on a transactional database whose teardown flushes every table,
    including the areas loaded by a data migration; reload them when they are gone."""
    from importlib import import_module

    from django.apps import apps

    from fupin.areas.models import Area

    if not Area.objects.exists():
        import_module("fupin.areas.migrations.0002_load_bundled_divisions").load(apps, None)
