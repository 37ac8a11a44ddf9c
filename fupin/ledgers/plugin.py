from django.utils.translation import gettext_lazy as _

from fupin.core.plugins import LAYER_DOMAIN, AppPlugin, MenuGroup, MenuItem

WRITERS = ("county_admin", "township_staff", "village_cadre")

PLUGIN = AppPlugin(
    label="ledgers", layer=LAYER_DOMAIN, url_prefix="ledgers/",
    menu=[MenuGroup("ledgers", _("台账"), 20, (
        MenuItem(_("导入台账"), "ledgers:import", WRITERS),
        MenuItem(_("导入记录"), "ledgers:batch_list"),
        MenuItem(_("导出台账"), "ledgers:export"),
        MenuItem(_("导入模板"), "ledgers:template"),
    ))],
    scope="fupin.ledgers.scope",
    nightly=[("ledger", "cleanup")],
    jobs="fupin.ledgers.jobs",
    job_results={"ledger_import": "fupin.ledgers.jobs.result_url",
                 "ledger_export": "fupin.ledgers.jobs.result_url"},
)
