from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_PROGRAMMES, AppPlugin, MenuGroup, MenuItem

# Label "employment", package fupin.jobs: /jobs/ and the URL names "jobs" belong to core's
# background-job pages.
PLUGIN = AppPlugin(
    label="employment", module="fupin.jobs", layer=LAYER_PROGRAMMES, url_prefix="employment/",
    menu=[MenuGroup("finance_jobs", _("信贷与就业"), 55, (
        MenuItem(_("公益性岗位"), "employment:post_list"),
        MenuItem(_("务工就业"), "employment:spell_list"),
        MenuItem(_("扶贫车间"), "employment:workshop_list"),
        MenuItem(_("技能培训"), "employment:course_list"),
        MenuItem(_("雨露计划"), "employment:yulu_list"),
        MenuItem(_("防贫保险"), "employment:insurance_list"),
    ))],
    api="fupin.jobs.api.register",
    household_panels=["jobs/_household_panel.html"],
    indicator_families=["fupin.jobs.indicators.FAMILY"],
    scope="fupin.jobs.scope",
    deny_roles=("helper",),  # office work: helpers keep to their households
)
