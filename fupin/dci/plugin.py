from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_PROGRAMMES, AppPlugin, MenuGroup, MenuItem

# Served under /api/dci/ so that /api/dci/registry/sync/search etc. are the DCI Social
# Registry API v1.0.0 paths. Plugin URL prefixes are included before the DRF router at
# "api/", so these win; the partner management page lives under /api/dci/partners/.
PLUGIN = AppPlugin(
    label="dci", layer=LAYER_PROGRAMMES, url_prefix="api/dci/",
    menu=[MenuGroup("dci", _("数据共享"), 95, (
        MenuItem(_("DCI 对接方"), "dci:partner_list", ("county_admin", "township_staff")),
    ))],
    scope="fupin.dci.scope",
    jobs="fupin.dci.jobs",
    nightly=[("dci", "deliver")],
    deny_roles=("helper",),  # office work: helpers keep to their households
)
