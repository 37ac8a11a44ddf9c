"""The scope test matrix: every app adds its list, detail and API URLs here, and
`fupin/core/tests/test_scope_matrix.py` proves a village cadre never sees another village's
rows through any of them (absent from lists, 404 on details).

Each entry is a callable taking (own, foreign) fixtures built by `build_matrix_world` and
returning (url, kind, marker) where kind is "list", "detail" or "api_list"/"api_detail", and
marker is a string that must appear only for the own household.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass
class MatrixEntry:
    name: str
    kind: str  # list | detail | api_list | api_detail
    url: Callable[[Any], str]  # given the world's object for one village, its URL
    marker: Callable[[Any], str]  # text that identifies that object in a response


ENTRIES: list[MatrixEntry] = []


def register(name: str, kind: str, url: Callable[[Any], str], marker: Callable[[Any], str]) -> None:
    ENTRIES.append(MatrixEntry(name, kind, url, marker))
