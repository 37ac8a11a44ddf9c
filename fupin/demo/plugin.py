"""The synthetic demo counties: built on top of every other app, so nothing imports it."""

from fupin.core.plugins import LAYER_DEMO, AppPlugin

PLUGIN = AppPlugin(label="demo", layer=LAYER_DEMO)
