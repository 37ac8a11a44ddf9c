from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_PROGRAMMES, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="credit", layer=LAYER_PROGRAMMES, url_prefix="credit/",
    menu=[MenuGroup("finance_jobs", _("信贷与就业"), 55, (
        MenuItem(_("小额信贷"), "credit:loan_list"),
        MenuItem(_("银行对账"), "credit:bankfile_list"),
        MenuItem(_("贴息"), "credit:subsidy_list"),
        MenuItem(_("风险补偿金"), "credit:fund_list"),
        MenuItem(_("信贷政策"), "credit:policy_list"),
    ))],
    api="fupin.credit.api.register",
    household_panels=["credit/_household_panel.html"],
    indicator_families=["fupin.credit.indicators.FAMILY"],
    scope="fupin.credit.scope",
    jobs="fupin.credit.jobs",
    job_results={"credit_subsidy": "fupin.credit.jobs.subsidy_result_url"},
    deny_roles=("helper",),  # office work: helpers keep to their households
)
