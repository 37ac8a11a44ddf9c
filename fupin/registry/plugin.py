from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_REGISTRY, AppPlugin, MenuGroup, MenuItem

WRITERS = ("county_admin", "township_staff", "village_cadre")

PLUGIN = AppPlugin(
    label="registry", layer=LAYER_REGISTRY, url_prefix="registry/",
    menu=[MenuGroup("registry", _("建档立卡"), 10, (
        MenuItem(_("农户名册"), "registry:household_list"),
        MenuItem(_("新建农户"), "registry:household_add", WRITERS),
    ))],
    api="fupin.registry.api.register",
    scope="fupin.registry.scope",
    # Village cadres and helpers work on households; offices above them start on reports.
    home=[("*", 10, "registry:household_list"), ("village_cadre", 30, "registry:household_list"),
          ("helper", 30, "registry:household_list")],
)
