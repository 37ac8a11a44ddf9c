from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_DOMAIN, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="rectification", layer=LAYER_DOMAIN, url_prefix="rectification/",
    menu=[MenuGroup("rectification", _("问题整改"), 60, (
        MenuItem(_("问题清单"), "rectification:problem_list"),
        MenuItem(_("随机抽查"), "rectification:spotcheck_list"),
    ))],
    api="fupin.rectification.api.register",
    indicator_families=["fupin.rectification.indicators.FAMILY"],
    scope="fupin.rectification.scope",
    jobs="fupin.rectification.jobs",
    nightly=[("rectification", "escalate")],
)
