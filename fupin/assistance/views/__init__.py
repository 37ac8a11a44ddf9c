"""Thin views over assistance services; every queryset goes through visible_to."""

from .helpers import (
    AssignView,
    FlagCreateView,
    FlagListView,
    HelperCreateView,
    HelperListView,
    RuleEditView,
    RuleListView,
    UnitCreateView,
    UnitListView,
    UnitPairView,
    helper_detail,
    unit_detail,
)
from .overview import OverdueView, township_overview, township_pick
from .plans import MeasureCreateView, MeasureEditView, PlanCreateView, PlanListView, plan_detail
from .visits import VisitCreateView, VisitListView, visit_detail, visit_evidence, visit_photo

__all__ = [
    "AssignView", "FlagCreateView", "FlagListView", "HelperCreateView", "HelperListView",
    "MeasureCreateView", "MeasureEditView", "OverdueView", "PlanCreateView", "PlanListView", "RuleEditView", "RuleListView",
    "UnitCreateView", "UnitListView", "UnitPairView", "VisitCreateView", "VisitListView",
    "helper_detail", "plan_detail", "township_overview", "township_pick", "unit_detail",
    "visit_detail", "visit_evidence", "visit_photo",
]
