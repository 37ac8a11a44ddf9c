"""The household list at scale: rows rendered in Python match the table's own cells, and a
count past the cap is bounded (estimated on PostgreSQL)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import RequestFactory
from django_tables2 import RequestConfig

from fupin.core.generic import BoundedPaginator
from fupin.core.testing import make_household, member_data
from fupin.registry.choices import HouseholdType, Relation
from fupin.registry.models import Household
from fupin.registry.tables import HouseholdTable
from fupin.registry.views import active_member_count

pytestmark = pytest.mark.django_db
LIST = "/registry/households/"


@pytest.fixture
def families(village_cadre):
    return [
        make_household(actor=village_cadre, household_no="FJ0001", phone="13800001111",
                       household_type=HouseholdType.POOR, main_cause="01", group="三组",
                       members=[member_data("王小明"), member_data("李芳", Relation.SPOUSE)]),
        make_household(actor=village_cadre, household_no="FJ0002", housing_grade="C",
                       welfare_status="dibao", members=[member_data("张三")]),
        make_household(actor=village_cadre, household_no="XX0003", water_safe=False,
                       monitoring_type="edge", household_type=HouseholdType.LIFTED,
                       members=[member_data("刘备")]),
    ]


def _tbody(html: str) -> str:
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", body)).strip()


@pytest.mark.parametrize("who", ["village_cadre", "inspector"])
def test_python_rows_are_the_tables_own_cells(request, families, who):
    user = request.getfixturevalue(who)
    req = RequestFactory().get(LIST)
    req.user = user
    qs = (Household.objects.visible_to(user).select_related("area")
          .annotate(member_count=active_member_count()))
    fast = HouseholdTable(qs)
    RequestConfig(req).configure(fast)
    generic = HouseholdTable(qs, template_name="django_tables2/bootstrap5.html")
    RequestConfig(req).configure(generic)
    fast_html, generic_html = _tbody(fast.as_html(req)), _tbody(generic.as_html(req))
    assert fast_html == generic_html
    assert fast_html.count("<tr") == len(families)
    if who == "inspector":
        assert "13800001111" not in fast_html  # masked as the column masks it


def test_count_past_the_cap_is_bounded_and_estimated(client, village_cadre, families,
                                                     monkeypatch):
    monkeypatch.setattr(BoundedPaginator, "COUNT_CAP", 2)
    client.force_login(village_cadre)
    resp = client.get(LIST, {"per_page": "1"})
    paginator = resp.context["table"].paginator
    assert paginator.capped and paginator.count == 2 and paginator.num_pages == 2
    page = resp.content.decode()
    if connection.vendor == "postgresql":
        assert paginator.estimate is not None and paginator.estimate >= 3
        assert f"约 {paginator.estimate} 户" in page
    else:
        assert paginator.estimate is None
        assert "超过 2 户" in page


def test_small_count_is_exact(client, village_cadre, families):
    client.force_login(village_cadre)
    resp = client.get(LIST, {"q": "FJ"})
    paginator = resp.context["table"].paginator
    assert (paginator.count, paginator.capped, paginator.estimate) == (2, False, None)
    assert "共 2 户" in resp.content.decode()
