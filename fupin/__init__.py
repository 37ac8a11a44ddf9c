"""Fupin (扶贫): registry, dynamic monitoring and assistance for rural households."""

import os

# Polars' allocator (jemalloc) hands freed pages back lazily (MADV_FREE after a second):
# they stay in the process's resident memory until the kernel needs them, so a ledger
# import's earlier frames (the raw file, the normalised rows) counted against its peak
# while the commit built its own. Purging them at once keeps a million-row import under
# 1 GB. Set here, before anything imports polars; an explicit setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "muzzy_decay_ms:0")
