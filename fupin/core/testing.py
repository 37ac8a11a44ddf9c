"""Test helpers shared by every app: users per role, households, and scope assertions.

Typical use in a test module::

    from fupin.core.testing import make_household, make_user
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from fupin.accounts.models import AreaScope, Role, User
from fupin.registry import resident_id as rid
from fupin.registry import services
from fupin.registry.choices import HouseholdType, Relation
from fupin.registry.models import Household

# Real villages of Fengjie (500236) in the bundled division file.
VILLAGE_A = "500236001001"  # 永安街道 … first community
TOWNSHIP_A = "500236001"
_seq = itertools.count(1)


def village_codes(n: int = 2, township: str | None = None) -> list[str]:
    from fupin.areas.models import Area
    qs = Area.objects.filter(level="village")
    if township:
        qs = qs.filter(code__startswith=township)
    return list(qs.order_by("code").values_list("code", flat=True)[:n])


def make_user(role: str = Role.VILLAGE_CADRE, *areas: str, username: str | None = None,
              password: str = "pass-1234-word", **extra: Any) -> User:
    username = username or f"{role}{next(_seq)}"
    user = User.objects.create_user(username=username, password=password, role=role, **extra)
    for code in areas:
        AreaScope.objects.create(user=user, area_id=code)
    return user


def next_resident_id(area6: str = "500236", birth: dt.date = dt.date(1970, 5, 1),
                     sex: str | None = None) -> str:
    """A fresh valid number with the given birth date; uniqueness comes from the sequence
    digits and, past 1,000 numbers, from varying the area digits (never the birth date)."""
    seq = next(_seq)
    n = seq % 1000
    if sex == "M" and n % 2 == 0:
        n = (n + 1) % 1000
    if sex == "F" and n % 2 == 1:
        n = (n + 1) % 1000
    if seq >= 1000:
        area6 = area6[:4] + f"{(int(area6[4:]) + seq // 1000) % 100:02d}"
    return rid.make(area6, birth, n)


def member_data(name: str = "张三", relation: str = Relation.HEAD,
                birth: dt.date = dt.date(1970, 5, 1), **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name, "resident_id": next_resident_id(birth=birth), "relation_to_head": relation,
        "labour": "ordinary", "schooling": "none", "education": "junior",
    }
    data.update(extra)
    return data


def make_household(area: str = VILLAGE_A, *, members: list[dict[str, Any]] | None = None,
                   actor: Any = None, **fields: Any) -> Household:
    data: dict[str, Any] = {
        "household_no": fields.pop("household_no", f"H{area}{next(_seq):05d}"),
        "area": area,
        "household_type": fields.pop("household_type", HouseholdType.ORDINARY),
    }
    if data["household_type"] != HouseholdType.ORDINARY:
        data.setdefault("main_cause", "01")
    if data["household_type"] == HouseholdType.LIFTED:
        data.setdefault("exit_year", 2019)
    data.update(fields)
    members = members if members is not None else [member_data()]
    # a test builds the state it needs, as the baseline import loads history
    return services.create_household(actor=actor, data=data, members=members, history=True,
                                     effective=fields.get("identified_on") or dt.date(2019, 1, 1))
