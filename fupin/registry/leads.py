"""Leads (线索) about households raised by apps below the procedures (a ledger import that
finds a status differing from the registry). The cases app owns leads and registers the
handler when it loads; lower layers call `raise_leads_bulk` here and never import cases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

LeadHandler = Callable[..., int]
_handler: list[LeadHandler] = []


def register_lead_handler(fn: LeadHandler) -> None:
    _handler[:] = [fn]


def raise_leads_bulk(descriptions: dict[int, str], *, channel: str, source: str = "",
                     found_on: dt.date | None = None) -> int:
    """One lead per household (household id -> description); returns how many were raised."""
    if not _handler:
        raise RuntimeError("no lead handler registered (is fupin.cases installed?)")
    return _handler[0](descriptions, channel=channel, source=source, found_on=found_on)
