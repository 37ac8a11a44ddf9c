"""Monitoring services: views, API, commands and jobs call these; nothing else writes
monitoring state. Small modules: features (the SQL view of households), conditions (the
rule language), sweep (set-based evaluation), rules, events, warnings, roster."""

from .events import add_event, delete_event, upload_events
from .rules import (
    add_setting_key,
    create_rule,
    set_rule_active_in_area,
    set_setting,
    update_rule,
)
from .sweep import evaluate, recheck, run_sweep
from .warnings import assign, dismiss, reopen

__all__ = ["add_event", "add_setting_key", "assign", "create_rule", "delete_event", "dismiss",
           "evaluate", "recheck", "reopen", "run_sweep", "set_rule_active_in_area", "set_setting",
           "update_rule",
           "upload_events"]
