from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_DOMAIN, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="monitoring", layer=LAYER_DOMAIN, url_prefix="monitoring/",
    menu=[MenuGroup("monitoring", _("动态监测"), 30, (
        MenuItem(_("预警"), "monitoring:warning_list"),
        MenuItem(_("排查"), "monitoring:sweep_list"),
        MenuItem(_("监测规则"), "monitoring:rule_list"),
        MenuItem(_("监测参数"), "monitoring:setting_list"),
        MenuItem(_("部门筛查"), "monitoring:roster_list"),
    ))],
    api="fupin.monitoring.api.register",
    household_panels=["monitoring/_household_panel.html"],
    indicator_families=["fupin.monitoring.indicators.FAMILY"],
    scope="fupin.monitoring.scope",
    jobs="fupin.monitoring.jobs",
    job_results={"monitoring.sweep": "fupin.monitoring.jobs.sweep_result_url"},
    nightly=[("monitor", "sweep", "--quiet")],
)
