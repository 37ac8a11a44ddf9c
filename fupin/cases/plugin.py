from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_PROCEDURES, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="cases", layer=LAYER_PROCEDURES, url_prefix="cases/",
    menu=[MenuGroup("cases", _("识别与消除"), 40, (
        MenuItem(_("案件"), "cases:case_list"),
        MenuItem(_("逾期督办"), "cases:overdue"),
        MenuItem(_("风险线索"), "cases:lead_list"),
        MenuItem(_("时限设置"), "cases:settings", ("county_admin",)),
    ))],
    api="fupin.cases.api.register",
    household_panels=["cases/_household_panel.html"],
    indicator_families=["fupin.cases.indicators.FAMILY"],
    scope="fupin.cases.scope",
    jobs="fupin.cases.jobs",
    job_results={"cases_escalate": "fupin.cases.jobs.escalate_result_url"},
    nightly=[("cases", "escalate")],
)
