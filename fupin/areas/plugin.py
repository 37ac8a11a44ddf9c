from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_AREAS, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="areas", layer=LAYER_AREAS, url_prefix="areas/",
    menu=[MenuGroup("registry", _("建档立卡"), 10, (MenuItem(_("行政区划"), "areas:tree"),))],
    api="fupin.areas.api.register",
    scope="fupin.areas.scope",
)
