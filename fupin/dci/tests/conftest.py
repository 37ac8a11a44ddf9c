import datetime as dt

import pytest
from django.test import override_settings

from fupin.accounts.actors import SystemActor
from fupin.core.testing import (
    VILLAGE_A,
    make_household,
    member_data,
    next_resident_id,
    village_codes,
)
from fupin.dci import services


@pytest.fixture(autouse=True)
def _fast_retries(tmp_path):
    with override_settings(DCI_RETRY_BACKOFF=0.01, VAR_DIR=tmp_path):
        from fupin.dci import signing
        signing.server_key.cache_clear()
        yield
        signing.server_key.cache_clear()


@pytest.fixture
def other_village():
    return [c for c in village_codes(400) if not c.startswith(VILLAGE_A[:9])][0]


@pytest.fixture
def registry(db, other_village):
    """Two households in VILLAGE_A, one in another township."""
    old = member_data("王老汉", birth=dt.date(1950, 3, 1), phone="13800000001",
                      resident_id=next_resident_id(birth=dt.date(1950, 3, 1), sex="M"))
    own = make_household(VILLAGE_A, household_no="DCI-A-1", housing_grade="D", members=[
        old, member_data("王小妹", relation="daughter", birth=dt.date(2012, 6, 1), schooling="none",
                    resident_id=next_resident_id(birth=dt.date(2012, 6, 1), sex="F"))])
    own2 = make_household(VILLAGE_A, household_no="DCI-A-2", members=[
        member_data("李四", birth=dt.date(1985, 1, 1),
                    resident_id=next_resident_id(birth=dt.date(1985, 1, 1), sex="M"))])
    foreign = make_household(other_village, household_no="DCI-B-1", members=[
        member_data("赵五", birth=dt.date(1950, 1, 1), phone="13800000009")])
    return {"own": own, "own2": own2, "foreign": foreign, "old_rid": old["resident_id"]}


@pytest.fixture
def partner(db):
    p, token = services.add_partner(actor=SystemActor("test"), name="医保局", area_code=VILLAGE_A[:9],
                                    grants=["resident_id", "health"], sender_id="nhsa.example")
    p.token = token  # type: ignore[attr-defined]
    return p
