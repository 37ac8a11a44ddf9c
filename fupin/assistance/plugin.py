from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_PROCEDURES, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="assistance", layer=LAYER_PROCEDURES, url_prefix="assistance/",
    menu=[MenuGroup("assistance", _("帮扶"), 50, (
        MenuItem(_("帮扶责任人"), "assistance:helper_list"),
        MenuItem(_("一户一策"), "assistance:plan_list"),
        MenuItem(_("走访记录"), "assistance:visit_list"),
        MenuItem(_("逾期未走访"), "assistance:overdue_visits"),
        MenuItem(_("乡镇帮扶总览"), "assistance:township_pick"),
        MenuItem(_("帮扶单位"), "assistance:unit_list"),
        MenuItem(_("挂牌督战"), "assistance:flag_list"),
        MenuItem(_("走访与结对规则"), "assistance:rule_list", ("county_admin",)),
    ))],
    api="fupin.assistance.api.register",
    household_panels=["assistance/_household_panel.html"],
    indicator_families=["fupin.assistance.indicators.FAMILY"],
    scope="fupin.assistance.scope",
)
