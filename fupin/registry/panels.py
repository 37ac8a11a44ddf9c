"""Panels other apps add to the household page (helper and plan, warnings, cases …).

Apps declare include templates in their plugin (`household_panels`); the template gets the
page's context (`household`, `request`, `user`). Keeps the registry free of imports of
later apps.
"""

from fupin.core.plugins import household_panels


def panels() -> list[str]:
    return household_panels()
