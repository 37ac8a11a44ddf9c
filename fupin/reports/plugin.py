from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_REPORTS, AppPlugin, MenuGroup, MenuItem

# Area aggregates: not for helpers, who see only their assigned households.
NOT_HELPER = ("county_admin", "township_staff", "village_cadre", "data_provider", "inspector")

PLUGIN = AppPlugin(
    label="reports", layer=LAYER_REPORTS, url_prefix="reports/",
    menu=[MenuGroup("reports", _("报表"), 90, (
        MenuItem(_("驾驶舱"), "reports:dashboard", NOT_HELPER),
        MenuItem(_("月度通报"), "reports:bulletin", NOT_HELPER),
        MenuItem(_("季度排名"), "reports:ranking", NOT_HELPER),
        MenuItem(_("年度考核"), "reports:assessment", NOT_HELPER),
        MenuItem(_("多维贫困"), "reports:mpi", NOT_HELPER),
    ))],
    scope="fupin.reports.scope",
    jobs="fupin.reports.jobs",
    job_results={"reports.mpi": "fupin.reports.jobs.mpi_result_url",
                 "reports.bulletin": "fupin.reports.jobs.bulletin_result_url",
                 "reports.indicators": "fupin.reports.jobs.indicators_result_url"},
    nightly=[("report", "refresh", "--all")],
    home=[("*", 20, "reports:dashboard")],
)
