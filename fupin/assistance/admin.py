from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Assignment,
    AssistanceRule,
    AssistingUnit,
    FlaggedSupervision,
    Helper,
    Measure,
    Plan,
    Visit,
)


@admin.register(AssistanceRule)
class AssistanceRuleAdmin(SimpleHistoryAdmin):
    list_display = ["area_code", "max_households_per_helper", "visit_months_monitored", "visit_months_poor",
                    "visit_months_lifted"]


@admin.register(AssistingUnit)
class AssistingUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "area_code"]
    search_fields = ["name"]


@admin.register(Helper)
class HelperAdmin(SimpleHistoryAdmin):
    list_display = ["name", "unit", "area", "active"]
    search_fields = ["name"]
    raw_id_fields = ["user", "unit", "area"]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    """Read-only: assignments change only through the service (append-only)."""

    list_display = ["household", "helper", "started_on", "ended_on"]
    readonly_fields = [f.name for f in Assignment._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


admin.site.register([FlaggedSupervision, Plan, Measure, Visit], SimpleHistoryAdmin)
