import pytest

from fupin.core.testing import VILLAGE_A, make_user


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def helper_user(db):
    return make_user("helper", VILLAGE_A, username="helper1")


@pytest.fixture
def assigned(db, county_admin, helper_user):
    """Two households of village A assigned to helper1."""
    import datetime as dt

    from fupin.assistance import services
    from fupin.core.testing import make_household, member_data

    helper = services.create_helper(actor=county_admin, data={"name": "李帮扶", "area": VILLAGE_A,
                                                                "user": helper_user})
    hh = [make_household(household_type="poor", members=[member_data("王一")]),
          make_household(household_type="lifted", monitoring_type="unstable", members=[member_data("王二")])]
    for h in hh:
        services.assign_helper(actor=county_admin, household=h, helper=helper, started_on=dt.date(2026, 1, 1))
    return {"helper": helper, "households": hh}


@pytest.fixture
def divisions(transactional_db):
    """Browser tests run on a transactional database whose teardown flushes every table,
    including the areas loaded by a data migration; reload them when they are gone."""
    from importlib import import_module

    from django.apps import apps

    from fupin.areas.models import Area

    if not Area.objects.exists():
        import_module("fupin.areas.migrations.0002_load_bundled_divisions").load(apps, None)
