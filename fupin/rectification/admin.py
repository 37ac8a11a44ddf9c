from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Problem, SpotCheck


@admin.register(Problem)
class ProblemAdmin(SimpleHistoryAdmin):
    """Read-only here: states move only through the service (verifier ≠ rectifier)."""

    list_display = ["pk", "category", "area", "state", "deadline", "escalation"]
    list_filter = ["state", "category", "source", "escalation"]

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        return [f.name for f in Problem._meta.fields]


admin.site.register(SpotCheck, SimpleHistoryAdmin)
