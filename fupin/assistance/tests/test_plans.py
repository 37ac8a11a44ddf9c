"""Measures refuse bad references with field errors."""

import pytest

from fupin.accounts.actors import SYSTEM

pytestmark = pytest.mark.django_db


def test_unknown_responsible_unit_is_a_field_error_not_a_crash():
    from django.core.exceptions import ValidationError

    from fupin.assistance.services.plans import add_measure, create_plan
    from fupin.core.testing import make_household

    hh = make_household()
    plan = create_plan(actor=SYSTEM, household=hh, year=2026)
    with pytest.raises(ValidationError) as exc:
        add_measure(actor=SYSTEM, plan=plan, data={"category": "health", "title": "医保",
                                                 "responsible_unit": "镇人民政府"})
    assert "responsible_unit" in exc.value.message_dict
