"""Area pages: the user's tree, an area's page, and odd codes (404, never 500)."""

import pytest
from django.urls import reverse

from fupin.core.testing import VILLAGE_A

pytestmark = pytest.mark.django_db


def test_tree_shows_own_areas_only(client, township_staff):
    client.force_login(township_staff)
    body = client.get(reverse("areas:tree")).content.decode()
    assert VILLAGE_A in body and "奉节县" in body
    assert "500101" not in body  # another county


def test_area_page_lists_children_in_scope(client, township_staff):
    client.force_login(township_staff)
    resp = client.get(reverse("areas:area_detail", args=[VILLAGE_A[:9]]))
    assert resp.status_code == 200
    assert VILLAGE_A in resp.content.decode()
    county = client.get(reverse("areas:area_detail", args=["500236"]))
    assert county.status_code == 200  # the county above is named, but only own township listed
    assert [c.code for c in county.context["children"]] == [VILLAGE_A[:9]]


@pytest.mark.parametrize("path", ["/areas/500101/", "/areas/abc/", "/areas/%00/", "/areas/1/"])
def test_outside_or_odd_codes_are_404(client, village_cadre, path):
    client.force_login(village_cadre)
    assert client.get(path).status_code == 404
