"""Fixtures shared by every app's tests."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def county_admin(db):
    from fupin.core.testing import make_user
    return make_user("county_admin", "500236", username="county_admin")


@pytest.fixture
def township_staff(db):
    from fupin.core.testing import TOWNSHIP_A, make_user
    return make_user("township_staff", TOWNSHIP_A, username="township_staff")


@pytest.fixture
def village_cadre(db):
    from fupin.core.testing import VILLAGE_A, make_user
    return make_user("village_cadre", VILLAGE_A, username="village_cadre")


@pytest.fixture
def inspector(db):
    from fupin.core.testing import make_user
    return make_user("inspector", "500236", username="inspector")


@pytest.fixture
def household(db):
    from fupin.core.testing import make_household
    return make_household()
