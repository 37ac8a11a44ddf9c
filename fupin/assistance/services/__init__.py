"""Business actions of assistance. Views, API, commands and jobs call these; nothing else
writes assistance state."""

from .helpers import (
    assign_helper,
    create_helper,
    create_unit,
    end_assignment,
    end_pairing,
    flag,
    pair_unit,
    unflag,
    update_helper,
)
from .overdue import (
    STATE_LABELS,
    due_households,
    local_today,
    overdue_by_helper,
    overdue_by_village,
    overdue_households,
    visit_state_of,
    with_visit_status,
)
from .permissions import can_act_on_household, helper_of, require_household
from .plans import (
    Suggestion,
    add_measure,
    create_plan,
    has_labour,
    suggest_measures,
    update_measure,
)
from .rules import helper_limit, period_start, rule_for, set_rule
from .visits import record_visit

__all__ = [
    "STATE_LABELS", "due_households", "visit_state_of",
    "Suggestion", "add_measure", "assign_helper", "can_act_on_household", "create_helper",
    "create_plan", "create_unit", "end_assignment", "end_pairing", "flag", "has_labour", "helper_limit",
    "helper_of", "local_today", "overdue_by_helper", "overdue_by_village", "overdue_households",
    "pair_unit", "period_start", "record_visit", "require_household", "rule_for", "set_rule",
    "suggest_measures", "unflag", "update_helper", "update_measure", "with_visit_status",
]
