"""Risk-elimination criteria: kept as the import path of earlier code; the rules are in
`fupin.cases.criteria` (MECHANISM.md §5.3)."""

from __future__ import annotations

from .criteria import (
    NO_LABOUR_MESSAGE,
    Criterion,
    add_months,
    annual_per_capita,
    elimination_criteria,
    has_no_labour,
    income_criterion,
    income_window,
    monitoring_line_for,
    unmet,
)

__all__ = [
    "NO_LABOUR_MESSAGE", "Criterion", "add_months", "annual_per_capita", "elimination_criteria",
    "has_no_labour", "income_criterion", "income_window", "monitoring_line_for", "unmet",
]
