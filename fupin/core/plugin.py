"""What core adds: the home page and job pages; the nightly job-recovery check."""

from fupin.core.plugins import LAYER_CORE, AppPlugin

PLUGIN = AppPlugin(label="core", layer=LAYER_CORE, url_prefix="")
