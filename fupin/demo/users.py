"""One demo login per role, scoped to real areas of a built county."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from fupin.accounts.models import AreaScope, Role, User
from fupin.areas.models import Area
from fupin.registry.models import Household

PASSWORD = "fupin-demo-2020"
HOME_COUNTY = "500236"  # Fengjie, the county with the richest published figures


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    scope: str


def create_demo_users(codes: list[str]) -> list[Login]:
    """Create or reset the demo users; returns what to print."""
    county = HOME_COUNTY if HOME_COUNTY in codes else codes[0]
    # The village with the most registered households, so a cadre sees a real workload.
    village = (Household.objects.registered().filter(area__code__startswith=county)
               .values("area").annotate(n=Count("pk")).order_by("-n", "area")
               .values_list("area", flat=True).first())
    village = village or Area.objects.filter(code__startswith=county, level="village").order_by(
        "code").values_list("code", flat=True).first()
    if not village:
        raise RuntimeError(f"no village in {county}")
    village = str(village)
    township = village[:9]
    plan: list[tuple[str, str, str]] = [
        ("admin", "", ""),
        ("county_admin", Role.COUNTY_ADMIN, county),
        ("township_staff", Role.TOWNSHIP_STAFF, township),
        ("village_cadre", Role.VILLAGE_CADRE, village),
        ("helper", Role.HELPER, village),
        ("data_provider", Role.DATA_PROVIDER, county),
        ("inspector", Role.INSPECTOR, county),
    ]
    names = dict(Area.objects.filter(code__in=[c for _, _, c in plan if c])
                 .values_list("code", "name"))
    out = []
    for username, role, code in plan:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.is_superuser = user.is_staff = username == "admin"
        user.is_active = True
        user.role = role or Role.COUNTY_ADMIN
        user.department = "演示账号"
        user.set_password(PASSWORD)
        user.save()
        AreaScope.objects.filter(user=user).delete()
        if code:
            AreaScope.objects.create(user=user, area_id=code)
        label = str(Role(user.role).label) if role else "超级管理员"
        out.append(Login(username, PASSWORD, label, f"{names.get(code, '')} {code}".strip() or "全部"))
    return out
