"""Ledger (台账) import and export: reading -> staging -> vectorised validation -> bulk commit.

Modules: columns (the format), reading (files to a table of strings), normalise and
validate (polars expressions), commit (set-based writes), importer (the whole path),
report (rejected rows), template, export.
"""

from .errors import LedgerRefused

__all__ = ["LedgerRefused"]
