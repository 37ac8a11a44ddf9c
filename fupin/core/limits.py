"""Hard limits on what a ledger (or roster) file may hold, checked BEFORE the reader
allocates anything in proportion to them (issue 12: a 5 KB .xlsx with one cell at row
100,000, column 1,000 once took 6.6 GB; a 204 KB CSV line of 200,000 commas 2 GB).

All can be changed in settings (environment variables of the same name).
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS = {
    # Rows of data (a county ledger of a million members fits).
    "FUPIN_LEDGER_MAX_ROWS": 1_100_000,
    # Columns (cells per row): the template has about 40.
    "FUPIN_LEDGER_MAX_COLUMNS": 256,
    # Rows × columns of one Excel sheet, as its cells span them (what the reader allocates).
    "FUPIN_LEDGER_MAX_CELLS": 50_000_000,
    # Bytes of one CSV line.
    "FUPIN_LEDGER_MAX_LINE_BYTES": 64 * 1024,
    # Uncompressed bytes of an .xlsx (a zip): guards against zip bombs.
    "FUPIN_LEDGER_MAX_UNZIPPED_BYTES": 1024 * 1024 * 1024,
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def max_rows() -> int:
    return limit("FUPIN_LEDGER_MAX_ROWS")


def max_columns() -> int:
    return limit("FUPIN_LEDGER_MAX_COLUMNS")


def max_cells() -> int:
    return limit("FUPIN_LEDGER_MAX_CELLS")


def max_line_bytes() -> int:
    return limit("FUPIN_LEDGER_MAX_LINE_BYTES")


def max_unzipped_bytes() -> int:
    return limit("FUPIN_LEDGER_MAX_UNZIPPED_BYTES")
