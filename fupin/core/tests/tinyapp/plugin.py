"""A tiny app that declares one of everything an app can add (tests only)."""

from fupin.core.plugins import LAYER_PROGRAMMES, AppPlugin, MenuGroup, MenuItem

PLUGIN = AppPlugin(
    label="tinyapp", layer=LAYER_PROGRAMMES, module="fupin.core.tests.tinyapp",
    url_prefix="tiny/",
    menu=[MenuGroup("tiny", "小应用", 75, (MenuItem("小应用首页", "tinyapp:index"),))],
    api="fupin.core.tests.tinyapp.api.register",
    household_panels=["tinyapp/_panel.html"],
    indicator_families=["fupin.core.tests.tinyapp.indicators.FAMILY"],
    scope="fupin.core.tests.tinyapp.scope",
    jobs="fupin.core.tests.tinyapp.jobs",
    job_results={"tinyapp.count": "fupin.core.tests.tinyapp.jobs.result_url"},
    nightly=[("check",)],
)
