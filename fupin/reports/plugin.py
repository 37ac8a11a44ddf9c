from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_REPORTS, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="reports", layer=LAYER_REPORTS, url_prefix="reports/",
    menu=[MenuGroup("reports", _("报表"), 90, (
        MenuItem(_("驾驶舱"), "reports:dashboard"),
        MenuItem(_("月度通报"), "reports:bulletin"),
        MenuItem(_("季度排名"), "reports:ranking"),
        MenuItem(_("年度考核"), "reports:assessment"),
        MenuItem(_("多维贫困"), "reports:mpi"),
    ))],
    scope="fupin.reports.scope",
    jobs="fupin.reports.jobs",
    job_results={"reports.mpi": "fupin.reports.jobs.mpi_result_url",
                 "reports.bulletin": "fupin.reports.jobs.bulletin_result_url",
                 "reports.indicators": "fupin.reports.jobs.indicators_result_url"},
    nightly=[("report", "refresh", "--all")],
    home=[("*", 20, "reports:dashboard")],
)
