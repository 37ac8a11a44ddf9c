"""Every role opens every menu page and every registered list, detail and API URL: the
answer may be a page, a redirect, 403 or 404, but never a server error."""


import pytest

from fupin.core import scope_matrix
from fupin.core.navigation import menu
from fupin.core.testing import TOWNSHIP_A, VILLAGE_A, make_household, make_user

scope_matrix.load_all()

ROLES = {
    "county_admin": "500236", "township_staff": TOWNSHIP_A, "village_cadre": VILLAGE_A,
    "helper": VILLAGE_A, "data_provider": "500236", "inspector": "500236",
}


@pytest.fixture
def world(db):
    w: dict = {"household": make_household(VILLAGE_A, household_no="CRAWL0001")}
    for build in scope_matrix.BUILDERS.values():
        w.update(build(w))
    return w


@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_page_or_endpoint_errors_for_any_role(client, world, role):
    from django.urls import NoReverseMatch, reverse

    user = make_user(role, ROLES[role])
    client.force_login(user)
    urls = []
    for _group, items in menu():
        for item in items:
            try:
                urls.append(reverse(item.url_name))
            except NoReverseMatch:
                continue
    urls += [entry.url(world) for entry in scope_matrix.ENTRIES]
    assert len(urls) > 40
    errors = []
    for url in urls:
        resp = client.get(url)
        if resp.status_code >= 500:
            errors.append(f"{url} -> {resp.status_code}")
    assert not errors, "\n".join(errors)
