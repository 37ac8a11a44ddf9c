from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_PROGRAMMES, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="projects", layer=LAYER_PROGRAMMES, url_prefix="projects/",
    menu=[MenuGroup("projects", _("项目资金"), 60, (
        MenuItem(_("项目资金概况"), "projects:overview"),
        MenuItem(_("项目库"), "projects:project_list"),
        MenuItem(_("资金来源"), "projects:source_list"),
        MenuItem(_("资金拨付"), "projects:payment_list"),
        MenuItem(_("利益联结"), "projects:link_list"),
        MenuItem(_("联结收益发放"), "projects:payout_list"),
        MenuItem(_("项目资产"), "projects:asset_list"),
        MenuItem(_("消费帮扶"), "projects:sale_list"),
        MenuItem(_("导入项目库/收益"), "projects:import", ("county_admin", "township_staff",
                                                         "village_cadre")),
    ))],
    api="fupin.projects.api.register",
    household_panels=["projects/_household_panel.html"],
    indicator_families=["fupin.projects.indicators.FAMILY"],
    scope="fupin.projects.scope",
    jobs="fupin.projects.jobs",
    job_results={"projects_import": "fupin.projects.jobs.import_result_url"},
    deny_roles=("helper",),  # office work: helpers keep to their households
)
