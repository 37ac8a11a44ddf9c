from fupin.core.plugins import LAYER_ACCOUNTS, AppPlugin

PLUGIN = AppPlugin(label="accounts", layer=LAYER_ACCOUNTS)
