from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_PROGRAMMES, AppPlugin, MenuGroup, MenuItem

# Mounted at the site root: the service worker must be served from /sw.js to control the
# whole site (its scope), and the public self-application page lives at /apply/.
PLUGIN = AppPlugin(
    label="field", layer=LAYER_PROGRAMMES, url_prefix="",
    menu=[MenuGroup("field", _("我的工作"), 5, (
        MenuItem(_("我的工作"), "field:my_work", ("helper", "village_cadre", "township_staff")),
        MenuItem(_("离线走访"), "field:offline", ("helper", "village_cadre")),
        MenuItem(_("自主申报受理"), "field:inbox", ("township_staff", "village_cadre", "county_admin")),
        MenuItem(_("代填申报"), "field:proxy_apply", ("village_cadre", "township_staff")),
    ))],
    scope="fupin.field.scope",
    home=[("helper", 50, "field:my_work"), ("village_cadre", 50, "field:my_work")],
)
