"""Scope matrix entries of the jobs app (employment)."""
