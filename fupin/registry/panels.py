"""Panels other apps add to the household page (helper and plan, warnings, cases …).

An app registers an include template in its AppConfig.ready(); the template gets the page's
context (`household`, `request`, `user`). Keeps the registry free of imports of later apps.
"""

HOUSEHOLD_PANELS: list[str] = []


def register_household_panel(template_name: str) -> None:
    if template_name not in HOUSEHOLD_PANELS:
        HOUSEHOLD_PANELS.append(template_name)
