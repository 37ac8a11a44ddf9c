"""Refusals: a file that is not a ledger is refused whole, with a Chinese message, and
nothing is written."""


class LedgerRefused(Exception):
    """The file cannot be imported at all (wrong type, empty, corrupt, encrypted, too big,
    no recognisable headers). `str(exc)` is the Chinese message shown to the user."""


class LedgerBusy(LedgerRefused):
    """Another import holds the lock of a county this file touches for too long."""
