"""Object permissions of the cases app (the services make the final decision)."""

import rules

from fupin.accounts.rules import in_scope, is_county_admin, writes_in_scope

for model in ("case", "step", "attachment", "objection"):
    rules.add_perm(f"cases.view_{model}", rules.is_authenticated & in_scope)
    rules.add_perm(f"cases.add_{model}", rules.is_authenticated & writes_in_scope)
rules.add_perm("cases.change_casesettings", rules.is_authenticated & is_county_admin)
rules.add_perm("cases.view_casesettings", rules.is_authenticated & in_scope)
