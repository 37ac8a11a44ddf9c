"""Users, their role and the area scopes they hold."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("县级管理员")
    TOWNSHIP_STAFF = "township_staff", _("乡镇工作人员")
    VILLAGE_CADRE = "village_cadre", _("村干部/驻村工作队")
    HELPER = "helper", _("帮扶责任人")
    DATA_PROVIDER = "data_provider", _("行业部门数据报送")
    INSPECTOR = "inspector", _("督查审计（只读）")


# What each role may do is declared once, in fupin.accounts.policy.RIGHTS.


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.INSPECTOR)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    department = models.CharField(_("单位/部门"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def scope_codes(self) -> tuple[str, ...]:
        """Area code prefixes this user holds (cached per instance)."""
        cached = getattr(self, "_scope_codes", None)
        if cached is None:
            cached = tuple(sorted(self.scopes.values_list("area_id", flat=True)))
            self._scope_codes = cached
        return cached

    @property
    def is_writer(self) -> bool:
        """May change registry data (within the scope): the policy's "registry.write"."""
        from .policy import role_may

        return self.is_superuser or role_may(self.role, "registry.write")

    @property
    def sees_personal_data(self) -> bool:
        """Sees resident IDs, phones, bank accounts, health unmasked: "personal.view"."""
        from .policy import role_may

        return self.is_superuser or role_may(self.role, "personal.view")


class AreaScope(models.Model):
    """One area a user may act in; the area's code is a prefix over everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="scopes")
    area = models.ForeignKey("areas.Area", verbose_name=_("区划"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("管辖范围")
        verbose_name_plural = _("管辖范围")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="uniq_user_area_scope")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.area_id}"
