"""The scope test matrix.

Every app registers, for each list, detail, export and API URL it serves, how to reach it
and how to recognise a row in the response. `fupin/core/tests/test_scope_matrix.py` builds
two villages in different townships, each with a household plus whatever each app's
`register_builder` adds for it, logs in as the first village's cadre and proves that the
other village's rows are absent from every list and 404 on every detail.

Register in the app's `scope.py` module (imported by the test)::

    from fupin.core.scope_matrix import register, register_builder

    register_builder("monitoring", lambda world: {"warning": make_warning(world["household"])})
    register("warning list", "list", lambda w: reverse("monitoring:warning_list"),
             lambda w: w["household"].household_no)
    register("warning detail", "detail", lambda w: w["warning"].get_absolute_url())
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

World = dict[str, Any]  # objects of one village: "household", plus each builder's entries


@dataclass
class MatrixEntry:
    name: str
    kind: str  # "list" / "api_list" (marker must be absent) or "detail" / "api_detail" (404)
    # or "write" (a POST URL: 404 on another village's row, handled on one's own)
    url: Callable[[World], str]
    marker: Callable[[World], str] | None = None


ENTRIES: list[MatrixEntry] = []
BUILDERS: dict[str, Callable[[World], World]] = {}


def register(name: str, kind: str, url: Callable[[World], str],
             marker: Callable[[World], str] | None = None) -> None:
    if kind in ("list", "api_list") and marker is None:
        raise ValueError("list entries need a marker")
    ENTRIES.append(MatrixEntry(name, kind, url, marker))


def register_builder(name: str, build: Callable[[World], World]) -> None:
    BUILDERS[name] = build


def load_all() -> None:
    """Import every installed app's scope module (named in its plugin), registering entries."""
    import importlib

    from .plugins import scope_modules

    for module in scope_modules():
        importlib.import_module(module)
